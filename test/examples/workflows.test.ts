import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import { REPO_ROOT, makeProgramDir, removeDir } from "../support/paths";

/**
 * The gitops example's GitHub Actions workflows. GitHub cannot run here, so: their structure is checked against
 * the inputs of pulumi/actions@v7 and the settings the provider reads, and the drift check's shell steps run with
 * fake `pulumi` and `gh` commands standing in for the real ones.
 */

const GITOPS = path.join(REPO_ROOT, "examples", "gitops");
const WORKFLOWS = path.join(GITOPS, ".github", "workflows");
/** The project name in the example's Pulumi.yaml: the middle part of every full stack name of the project. */
const PROJECT = (YAML.parse(fs.readFileSync(path.join(GITOPS, "Pulumi.yaml"), "utf8")) as { name: string }).name;
const STACK = `acme/${PROJECT}/prod`;

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  run?: string;
  if?: string;
}
interface Workflow {
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  jobs: Record<string, { env?: Record<string, string>; steps: Step[] }>;
}

function workflow(name: string): Workflow {
  return YAML.parse(fs.readFileSync(path.join(WORKFLOWS, name), "utf8")) as Workflow;
}

function steps(name: string): Step[] {
  return Object.values(workflow(name).jobs).flatMap((job) => job.steps);
}

// The inputs declared by pulumi/actions v7's action.yml.
const PULUMI_ACTION_INPUTS = [
  "command", "stack-name", "pulumi-version", "pulumi-version-file", "work-dir", "comment-on-pr", "comment-on-pr-number",
  "comment-on-summary", "github-token", "cloud-url", "secrets-provider", "parallel", "message", "config-map",
  "expect-no-changes", "diff", "replace", "exclude", "exclude-dependents", "target", "target-dependents", "policyPacks",
  "policyPackConfigs", "refresh", "upsert", "remove", "edit-pr-comment", "color", "exclude-protected", "plan",
  "suppress-outputs", "suppress-progress", "always-include-summary", "continue-on-error", "log-verbosity", "log-flow", "debug",
];

describe("gitops workflows", () => {
  const names = ["preview.yml", "deploy.yml", "drift.yml"];

  it("run pulumi/actions@v7 with inputs it has", () => {
    const pulumiSteps = names.flatMap(steps).filter((step) => step.uses?.startsWith("pulumi/actions"));
    expect(pulumiSteps.length).toBe(3);
    for (const step of pulumiSteps) {
      expect(step.uses).toBe("pulumi/actions@v7");
      for (const input of Object.keys(step.with ?? {})) expect(PULUMI_ACTION_INPUTS).toContain(input);
    }
    const byCommand = Object.fromEntries(pulumiSteps.filter((step) => step.with).map((step) => [step.with?.command, step.with]));
    expect(byCommand.preview).toMatchObject({ refresh: true, diff: true, "comment-on-pr": true });
    // The comment is the command's output: nothing may cut the provider's lines (billing-period peaks) from it.
    expect(byCommand.preview).not.toHaveProperty("suppress-progress");
    expect(byCommand.preview).not.toHaveProperty("suppress-outputs");
    expect(byCommand.up).toMatchObject({ refresh: true });
  });

  it("pass OVH credentials only under the names the provider reads", () => {
    const credentials = fs.readFileSync(path.join(REPO_ROOT, "provider", "ovh", "credentials.ts"), "utf8");
    for (const name of names) {
      const [job] = Object.values(workflow(name).jobs);
      const ovhNames = Object.keys(job.env ?? {}).filter((key) => key.startsWith("OVH_"));
      expect(ovhNames.sort()).toEqual(
        ["OVH_APPLICATION_KEY", "OVH_APPLICATION_SECRET", "OVH_CLIENT_ID", "OVH_CLIENT_SECRET", "OVH_CONSUMER_KEY", "OVH_ENDPOINT"],
      );
      for (const key of ovhNames) {
        expect(credentials).toContain(`"${key}"`);
        expect(job.env?.[key]).toMatch(key === "OVH_ENDPOINT" ? /^\$\{\{ vars\.OVH_ENDPOINT \}\}$/ : new RegExp(`^\\$\\{\\{ secrets\\.${key} \\}\\}$`));
      }
    }
  });

  it("and the README name stacks of the example's own project, as Pulumi requires", () => {
    const texts = [
      ...names.map((name) => fs.readFileSync(path.join(WORKFLOWS, name), "utf8")),
      fs.readFileSync(path.join(GITOPS, "README.md"), "utf8"),
      fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8"),
    ];
    // Full stack names (`<organization>/<project>/<stack>`) wherever a person is told to create, select or set one.
    const fullStackName = /(?:stack init|--stack|-s|e\.g\.)\s+`?([\w.-]+\/[\w.-]+\/[\w.-]+)/g;
    const stackNames = texts.flatMap((text) => [...text.matchAll(fullStackName)].map((match) => match[1]));
    expect(stackNames.length).toBeGreaterThanOrEqual(names.length + 2);
    for (const stackName of stackNames) expect({ stackName, project: stackName.split("/")[1] }).toEqual({ stackName, project: PROJECT });
  });

  it("ask only for the permissions they use", () => {
    expect(workflow("preview.yml").permissions).toEqual({ contents: "read", "pull-requests": "write" });
    expect(workflow("deploy.yml").permissions).toEqual({ contents: "read" });
    expect(workflow("drift.yml").permissions).toEqual({ contents: "read", issues: "write" });
    expect(Object.keys(workflow("drift.yml").on)).toEqual(["schedule", "workflow_dispatch"]);
  });

  describe("drift check", () => {
    let dir: string;
    beforeAll(() => {
      dir = makeProgramDir("drift-workflow");
    });
    afterAll(() => removeDir(dir));

    const driftSteps = steps("drift.yml");
    const script = (id: string) => {
      const step = driftSteps.find((candidate) => candidate.id === id || candidate.name === id);
      if (step?.run === undefined) throw new Error(`drift.yml has no step ${id}`);
      return step.run;
    };

    /** Writes an executable stand-in for a command, taking its output and exit code from the environment. */
    function fakeCommand(bin: string, name: string, body: string): void {
      fs.mkdirSync(bin, { recursive: true });
      fs.writeFileSync(path.join(bin, name), `#!/usr/bin/env bash\necho "${name} $*" >> "$CALLS"\n${body}\n`, { mode: 0o755 });
    }

    function runStep(run: string, label: string, env: Record<string, string>): Promise<{ code: number; stdout: string; outputs: string; calls: string[]; files: string }> {
      const work = path.join(dir, label);
      const bin = path.join(work, "bin");
      fakeCommand(bin, "pulumi", 'if [ "$1" = preview ]; then printf "%b" "$PREVIEW_OUTPUT"; exit "$PREVIEW_EXIT"; fi');
      fakeCommand(bin, "gh", 'if [ "$1 $2" = "issue list" ]; then echo "$OPEN_ISSUE"; fi');
      const outputsFile = path.join(work, "github-output");
      fs.writeFileSync(outputsFile, "");
      return new Promise((resolve) => {
        execFile(
          "bash",
          ["-eo", "pipefail", "-c", run],
          {
            cwd: work,
            env: {
              PATH: `${bin}${path.delimiter}${process.env.PATH}`,
              CALLS: path.join(work, "calls"),
              GITHUB_OUTPUT: outputsFile,
              PULUMI_STACK: STACK,
              GITHUB_SERVER_URL: "https://github.example",
              GITHUB_REPOSITORY: "acme/licences",
              GITHUB_RUN_ID: "42",
              ...env,
            },
          },
          (error, stdout) => {
            const read = (file: string) => (fs.existsSync(path.join(work, file)) ? fs.readFileSync(path.join(work, file), "utf8") : "");
            resolve({
              code: error ? Number(error.code) : 0,
              stdout,
              outputs: fs.readFileSync(outputsFile, "utf8"),
              calls: read("calls").trim().split("\n"),
              files: read("report.md"),
            });
          },
        );
      });
    }

    const cases = [
      { label: "no-drift", exit: "0", output: "Resources:\\n    9 unchanged\\n", result: "clean" },
      { label: "drift-exit-7", exit: "7", output: "~ seats: 12 => 10\\nerror: no changes were expected but changes were proposed\\n", result: "drift" },
      { label: "drift-old-cli", exit: "255", output: "~ seats: 12 => 10\\nerror: no changes were expected but changes were proposed\\n", result: "drift" },
      { label: "error", exit: "255", output: "error: OVH answered 403 NOT_GRANTED_CALL\\n", result: "error" },
      { label: "error-exit-1", exit: "1", output: "error: licences.yaml:3:5: groups.x is missing\\n", result: "error" },
    ];

    it.each(cases)("classifies pulumi exiting $exit as $result", async ({ label, exit, output, result }) => {
      const { code, outputs, calls } = await runStep(script("drift"), label, { PREVIEW_EXIT: exit, PREVIEW_OUTPUT: output });
      expect(code).toBe(0);
      expect(outputs).toBe(`result=${result}\n`);
      expect(calls).toEqual([
        "pulumi login --non-interactive",
        `pulumi preview --stack ${STACK} --refresh --expect-no-changes --diff --non-interactive --color never`,
      ]);
    });

    it("opens an issue with the preview when none is open", async () => {
      const work = "report-new";
      fs.mkdirSync(path.join(dir, work), { recursive: true });
      fs.writeFileSync(path.join(dir, work, "preview.txt"), "~ seats: 12 => 10\n");
      const { code, calls, files } = await runStep(script("Report the drift in an issue"), work, { OPEN_ISSUE: "" });
      expect(code).toBe(0);
      expect(calls).toEqual([
        'gh label create licence-drift --color D93F0B --description OVH differs from licences.yaml --force',
        "gh issue list --label licence-drift --state open --limit 1 --json number --jq .[0].number // empty",
        `gh issue create --title Licence drift on ${STACK} --label licence-drift --body-file report.md`,
      ]);
      expect(files).toContain("~ seats: 12 => 10");
      expect(files).toContain("https://github.example/acme/licences/actions/runs/42");
    });

    it("comments on the open drift issue instead of opening another", async () => {
      const work = "report-existing";
      fs.mkdirSync(path.join(dir, work), { recursive: true });
      fs.writeFileSync(path.join(dir, work, "preview.txt"), "+ create\n");
      const { code, calls } = await runStep(script("Report the drift in an issue"), work, { OPEN_ISSUE: "17" });
      expect(code).toBe(0);
      expect(calls[calls.length - 1]).toBe("gh issue comment 17 --body-file report.md");
    });

    it.each([
      ["drift", /OVH differs from licences.yaml/],
      ["error", /could not run/],
    ])("fails the job on %s with a message saying which", async (result, message) => {
      const step = driftSteps.find((candidate) => candidate.name === "Fail on drift or error");
      const { code, stdout } = await runStep(step?.run ?? "", `fail-${result}`, { RESULT: result });
      expect(code).toBe(1);
      expect(stdout).toMatch(new RegExp(`^::error::.*${message.source}`));
    });
  });
});
