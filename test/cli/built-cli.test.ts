import * as net from "node:net";
import type { GroupsReport } from "../../provider/cli/commands/groups";
import type { StatusReport } from "../../provider/cli/commands/status";
import { simulatorEnvironment, startSimulator, type RunningSimulator } from "../../simulator";
import { ensureCliBuilt, runCli } from "./built-cli";
import { secretValues, uniqueCredentials } from "./support";

const commands = [
  { name: "groups", usage: "Usage: ovh-office365 groups [options]\n" },
  { name: "status", usage: "Usage: ovh-office365 status [options] <serviceName>\n" },
  { name: "licences", usage: "Usage: ovh-office365 licences|licenses [options] <serviceName>\n" },
  { name: "tasks", usage: "Usage: ovh-office365 tasks [options] <serviceName>\n" },
  { name: "subscriptions", usage: "Usage: ovh-office365 subscriptions [options] [serviceName...]\n" },
  { name: "export", usage: "Usage: ovh-office365 export [options] [serviceName...]\n" },
  { name: "usage", usage: "Usage: ovh-office365 usage [options] [serviceName]\n" },
  { name: "report", usage: "Usage: ovh-office365 report [options]\n" },
];

beforeAll(async () => {
  await ensureCliBuilt();
});

describe("--help", () => {
  it.each(commands)("$name --help documents its usage, options, configuration and exit codes, and exits 0", async ({ name, usage }) => {
    const result = await runCli([name, "--help"]);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe("");
    expect(result.stdout.startsWith(usage)).toBe(true);
    for (const text of ["--json", "--endpoint <nameOrUrl>", "Examples:", `$ ovh-office365 ${name}`, "OVH_ENDPOINT", "OVH_APPLICATION_KEY", "OVH_CLIENT_ID", "OVH_ACCESS_TOKEN", "Exit codes:"]) {
      expect(result.stdout).toContain(text);
    }
    expect(result.stdout).toMatch(/^ {2}0 {2}success$/m);
    expect(result.stdout).toMatch(/^ {2}1 {2}OVH answered with an error/m);
    expect(result.stdout).toMatch(/^ {2}2 {2}usage or configuration error/m);
  });

  it("tasks --help documents --all", async () => {
    const result = await runCli(["tasks", "--help"]);
    expect(result.stdout).toMatch(/--all\s+include finished tasks/);
  });

  it("the program's help lists every read-only command with its summary", async () => {
    const result = await runCli(["--help"]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^ {2}groups \[options\]\s+List the account's licence groups$/m);
    expect(result.stdout).toMatch(/^ {2}status \[options\] <serviceName>\s+Show a licence group/m);
    expect(result.stdout).toMatch(/^ {2}licences\|licenses \[options\] <serviceName>\s+List the licences a group can order$/m);
    expect(result.stdout).toMatch(/^ {2}tasks \[options\] <serviceName>\s+List a group's tasks/m);
    expect(result.stdout).toMatch(/^ {2}subscriptions \[options\] \[serviceName\.\.\.\]\s+List the subscriptions of every group/m);
    expect(result.stdout).toMatch(/^ {2}export \[options\] \[serviceName\.\.\.\]\s+Write the licence file/m);
    expect(result.stdout).toMatch(/^ {2}usage \[options\] \[serviceName\]\s+What each customer is billed/m);
    expect(result.stdout).toMatch(/^ {2}report \[options\]\s+Write an HTML report/m);
  });

  it("export --help documents its output options and formats", async () => {
    const result = await runCli(["export", "--help"]);
    for (const option of [/--out <file>\s+write to this file/, /--merge <file>\s+add to this licence file what it lacks/, /--format <format>\s+licence-file \(default\) or pulumi-import/, /--provider <name>/, /--stack <name>/, /--project <name>/]) {
      expect(result.stdout).toMatch(option);
    }
  });

  it("usage --help and report --help document their own options", async () => {
    const [usage, report] = await Promise.all([runCli(["usage", "--help"]), runCli(["report", "--help"])]);
    for (const option of ["--all", "--period <period>", "--csv", "--prices <file>"]) expect(usage.stdout).toContain(option);
    for (const option of ["--period <period>", "--out <file>", "--prices <file>"]) expect(report.stdout).toContain(option);
  });

  it("licenses, the OVH API's spelling, is an alias of licences: the same help, and one line in the program's", async () => {
    const [alias, command, program] = await Promise.all([runCli(["licenses", "--help"]), runCli(["licences", "--help"]), runCli(["--help"])]);
    expect(alias.exitCode).toBe(0);
    expect(alias.stdout).toBe(command.stdout);
    expect(command.stdout).toMatch(/`licences` and `licenses` are the same\s+command\./);
    expect(program.stdout.match(/licenses/g)).toEqual(["licenses"]);
    expect(program.stdout).toMatch(/^ {2}licences\|licenses /m);
  });
});

describe("usage errors exit 2 before any configuration is read", () => {
  it.each([
    [["status"], "missing required argument 'serviceName'"],
    [["groups", "--bogus"], "unknown option '--bogus'"],
    [["tasks", "csp2-1", "extra"], "too many arguments"],
    [["licences", "csp2-1", "--endpoint"], "argument missing"],
    [["licenses"], "missing required argument 'serviceName'"],
  ])("ovh-office365 %j", async (args, message) => {
    const result = await runCli(args);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain(`ovh-office365 ${args[0]} --help`);
  });

  it.each([[[]], [["bogus-command"]], [["simulator", "--port", "70000"]], [["demo", "--task-duration", "-5"]]])("ovh-office365 %j", async (args) => {
    const result = await runCli(args);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).not.toBe("");
  });

  it("--version exits 0", async () => {
    const result = await runCli(["--version"]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("a malformed serviceName is refused by name", async () => {
    const result = await runCli(["status", "../csp2"]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('Invalid serviceName argument: "../csp2" is not a licence group service name');
  });

  it("missing credentials are reported with the environment variables the CLI reads, and nothing it does not read", async () => {
    const result = await runCli(["groups"], { OVH_ENDPOINT: "http://127.0.0.1:9/1.0" });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("No OVH credentials found");
    for (const name of ["OVH_APPLICATION_KEY", "OVH_APPLICATION_SECRET", "OVH_CONSUMER_KEY", "OVH_CLIENT_ID", "OVH_CLIENT_SECRET", "OVH_ACCESS_TOKEN"]) {
      expect(result.stderr).toContain(name);
    }
    expect(result.stderr).not.toMatch(/ovh:|stack config|Pulumi|option/i);
  });

  it.each([
    [["groups"], { OVH_ENDPOINT: "ovh-mars", OVH_ACCESS_TOKEN: "token" }, 'OVH_ENDPOINT = "ovh-mars"'],
    [["groups", "--endpoint", "ftp://127.0.0.1/1.0"], { OVH_ACCESS_TOKEN: "token" }, '--endpoint = "ftp://127.0.0.1/1.0"'],
  ])("a bad endpoint in %j is reported under the name it was given by", async (args, env, named) => {
    const result = await runCli(args, env);
    expect(result.exitCode).toBe(2);
    expect(result.stderr.startsWith(`ovh-office365: ${named}`)).toBe(true);
    expect(result.stderr).not.toMatch(/ovh:endpoint|Pulumi config|the endpoint option/);
  });
});

describe("an endpoint that does not answer", () => {
  let closedEndpoint: string;

  beforeAll(async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    closedEndpoint = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/1.0`;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("is named in the error with where it came from, and the process exits 1", async () => {
    const fromEnv = await runCli(["groups"], { OVH_ENDPOINT: closedEndpoint, OVH_ACCESS_TOKEN: "token" });
    expect(fromEnv.exitCode).toBe(1);
    expect(fromEnv.stderr.split("\n")).toEqual([
      `ovh-office365: Could not reach OVH at ${closedEndpoint} (from OVH_ENDPOINT).`,
      "  GET /saas/csp2 got no answer (ECONNREFUSED).",
      expect.stringMatching(/^  Tried 5 times over [\d.]+ (ms|s)\.$/),
      "  Check the endpoint and the network, then run the command again.",
      "",
    ]);

    const fromFlag = await runCli(["status", "csp2-1f4a7c92", "--json", "--endpoint", closedEndpoint], { OVH_ACCESS_TOKEN: "token" });
    expect(fromFlag.exitCode).toBe(1);
    const error = (JSON.parse(fromFlag.stderr) as { error: Record<string, unknown> }).error;
    expect(error).toMatchObject({ kind: "network", endpoint: closedEndpoint });
    expect(error.message).toContain(`Could not reach OVH at ${closedEndpoint} (from --endpoint).`);
  });
});

describe("against a simulator", () => {
  const credentials = uniqueCredentials();
  let simulator: RunningSimulator;
  let env: Record<string, string>;

  beforeAll(async () => {
    simulator = await startSimulator({ credentials, taskDurationMs: 600_000 });
    env = { ...simulatorEnvironment(simulator), OVH_MAX_REQUESTS_PER_SECOND: "1000" };
  });

  afterAll(async () => {
    await simulator?.close();
  });

  it("groups --json prints the simulator's groups and the process exits 0 on its own", async () => {
    const result = await runCli(["groups", "--json"], env);
    expect(result.exitCode).toBe(0);
    expect((JSON.parse(result.stdout) as GroupsReport).groups.map((group) => group.serviceName)).toEqual(simulator.admin.licenceGroups());
  });

  it("status shows a pending task, with the endpoint given by --endpoint", async () => {
    const serviceName = simulator.admin.licenceGroups().find((name) => simulator.admin.subscriptions(name).length > 0) as string;
    const [subscription] = simulator.admin.subscriptions(serviceName);
    const task = simulator.admin.startTask(serviceName, { function: "changeQuantity", subscriptionId: subscription.id, quantity: subscription.quantity + 1, outcome: "stuck" });
    const { OVH_ENDPOINT: endpoint, ...withoutEndpoint } = env;
    const result = await runCli(["status", serviceName, "--json", "--endpoint", endpoint], withoutEndpoint);
    expect(result.exitCode).toBe(0);
    const report = JSON.parse(result.stdout) as StatusReport;
    expect(report.tasksInProgress.map((pending) => pending.id)).toContain(task.id);
    expect(report.subscriptions.map((line) => line.id)).toEqual(simulator.admin.subscriptions(serviceName).map((held) => held.id));
  });

  it("licenses --json prints what licences --json prints", async () => {
    const [serviceName] = simulator.admin.licenceGroups();
    const [alias, command] = await Promise.all([runCli(["licenses", serviceName, "--json"], env), runCli(["licences", serviceName, "--json"], env)]);
    expect(alias.exitCode).toBe(0);
    const report = JSON.parse(alias.stdout) as { licenses: unknown[]; licences: unknown[] };
    expect(report.licenses.length).toBeGreaterThan(0);
    expect(report.licences).toEqual(report.licenses);
    expect(alias.stdout).toBe(command.stdout);
  });

  it("an unknown licence group exits 1", async () => {
    const result = await runCli(["tasks", "csp2-00000000"], env);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('Licence group "csp2-00000000" does not exist');
  });

  it("an application key OVH does not know: OVH's message, then the advice, then the query id, each on its own line", async () => {
    const before = simulator.requestLog.entries().length;
    const result = await runCli(["groups"], { ...env, OVH_APPLICATION_KEY: `${credentials.applicationKey}x` });
    expect(result.exitCode).toBe(1);
    const refused = simulator.requestLog.entries().slice(before).find((entry) => entry.status === 403);
    expect(refused).toBeDefined();
    const lines = result.stderr.split("\n");
    expect(lines[0]).toBe("ovh-office365: OVH API GET /saas/csp2 failed: 403 INVALID_KEY: This application key is invalid.");
    expect(lines[1]).toMatch(/^ {2}The application key is unknown for this endpoint: check OVH_APPLICATION_KEY, and that OVH_ENDPOINT .* region/);
    expect(lines[2]).toBe(`  OVH query id ${refused!.queryId}: quote it to OVH support.`);

    const json = await runCli(["groups", "--json"], { ...env, OVH_APPLICATION_KEY: `${credentials.applicationKey}x` });
    const error = (JSON.parse(json.stderr) as { error: Record<string, unknown> }).error;
    expect(error).toMatchObject({ kind: "ovhApi", status: 403, errorCode: "INVALID_KEY", ovhMessage: "This application key is invalid" });
    expect(error.advice).toBe(lines[1].trim());
  });

  it("prints no credential, whatever the outcome", async () => {
    const runs = await Promise.all([runCli(["groups"], env), runCli(["licences", "csp2-00000000"], env), runCli(["groups"], { ...env, OVH_CONSUMER_KEY: "" })]);
    const printed = runs.map((run) => run.stdout + run.stderr).join("\n");
    expect(runs.map((run) => run.exitCode)).toEqual([0, 1, 2]);
    for (const secret of secretValues(credentials)) expect(printed).not.toContain(secret);
  });
});
