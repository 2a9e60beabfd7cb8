import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import { stageProgram, dynamicResourceType } from "../../pulumi-host";
import { parseLicenseFile, type LicenseFile } from "../../provider/resources/license-file-parsing";
import { DEMO_SEED, type SeedSpec } from "../../simulator";
import { createState } from "../../simulator/model/seed";
import { ensurePackageBuilt } from "../support/build";
import { REPO_ROOT, makeProgramDir, removeDir } from "../support/paths";
import { runProgramUnderMocks as runProgram, succeeded, type ProgramRun, type RegisteredResource as Registered } from "../support/program-runner";

/**
 * The example programs as a user runs them: copied with the repository's root Pulumi.yaml and tsconfig.json into a
 * scratch directory, the built package installed into its examples/node_modules (what scripts/stage-examples.js does
 * in the repository), compiled with tsc, then run under Pulumi mocks in a plain node process (run-program.js).
 */

const EXAMPLES = ["quickstart", "gitops", "multi-tenant"] as const;
const GROUP = dynamicResourceType("LicenseGroup", "ovh-office365");
const SUBSCRIPTION = dynamicResourceType("Subscription", "ovh-office365");
const CUSTOMER = "ovh-office365-examples:multi-tenant:Customer";

function ofType(resources: Registered[], type: string): Registered[] {
  return resources.filter((resource) => resource.type === type).sort((a, b) => a.name.localeCompare(b.name));
}

function byName(resources: Registered[], name: string): Registered {
  const found = resources.find((resource) => resource.name === name);
  if (found === undefined) throw new Error(`no resource named ${name}; registered: ${resources.map((r) => r.name).join(", ")}`);
  return found;
}

/** The resources a licence file must produce: a group per group, a subscription per licence and add-on. */
function expectResourcesOf(file: LicenseFile, resources: Registered[]): void {
  const groups = ofType(resources, GROUP);
  const subscriptions = ofType(resources, SUBSCRIPTION);
  expect(groups.map((group) => group.name)).toEqual(file.groups.map((group) => group.serviceName).sort());
  expect(subscriptions.map((subscription) => subscription.name)).toEqual(
    file.groups.flatMap((group) => group.subscriptions.map((entry) => entry.resourceName)).sort(),
  );

  for (const group of file.groups) {
    const registeredGroup = byName(groups, group.serviceName);
    expect(registeredGroup.inputs).toEqual({ serviceName: group.serviceName, ...(group.displayName !== undefined && { displayName: group.displayName }) });
    for (const entry of group.subscriptions) {
      const subscription = byName(subscriptions, entry.resourceName);
      const base = entry.addonOf === undefined ? undefined : group.subscriptions.find((b) => b.license === entry.addonOf && b.addonOf === undefined);
      const parent = base === undefined ? registeredGroup : byName(subscriptions, base.resourceName);
      expect(subscription.inputs).toEqual({
        serviceName: group.serviceName,
        license: entry.license,
        seats: entry.seats,
        ...(entry.subscriptionId !== undefined && { subscriptionId: entry.subscriptionId }),
        ...(entry.maxSeatChange !== undefined && { maxSeatChange: entry.maxSeatChange }),
        ...(entry.taskTimeoutMinutes !== undefined && { taskTimeoutMinutes: entry.taskTimeoutMinutes }),
        ...(entry.seatPrice !== undefined && { seatPrice: entry.seatPrice }),
        ...(entry.maxMonthlyIncrease !== undefined && { maxMonthlyIncrease: entry.maxMonthlyIncrease }),
        // An add-on's parent id is the live id of the subscription it extends (adopted, or the mock's new one).
        ...(base !== undefined && { parentSubscriptionId: expect.any(Number) }),
      });
      if (base?.subscriptionId !== undefined) expect(subscription.inputs.parentSubscriptionId).toBe(base.subscriptionId);
      expect(subscription.parent).toBe(parent.urn);
      expect(subscription.dependencies).toContain(parent.urn);
    }
  }
}

describe("example programs", () => {
  let root: string;
  let examplesDir: string;
  let compile: { status: number; output: string };

  beforeAll(async () => {
    await ensurePackageBuilt();
    root = makeProgramDir("examples");
    examplesDir = path.join(root, "examples");
    fs.cpSync(path.join(REPO_ROOT, "examples"), examplesDir, {
      recursive: true,
      filter: (source) => !/[\\/](node_modules|bin)$/.test(source),
    });
    for (const file of ["Pulumi.yaml", "tsconfig.json"]) fs.copyFileSync(path.join(REPO_ROOT, file), path.join(root, file));
    await stageProgram({ packageRoot: REPO_ROOT, programDir: examplesDir });

    const tsc = require.resolve("typescript/bin/tsc", { paths: [REPO_ROOT] });
    const tsconfig = path.join(examplesDir, "tsconfig.json");
    compile = await new Promise((resolve) => {
      execFile(process.execPath, [tsc, "-p", tsconfig, "--noEmit", "false", "--outDir", path.join(examplesDir, "out")], (error, stdout, stderr) =>
        resolve({ status: error ? Number(error.code ?? 1) : 0, output: `${stdout}${stderr}` }),
      );
    });
  });

  afterAll(() => removeDir(root));

  const compiled = (example: string) => path.join(examplesDir, "out", example, "index.js");
  /** Each example run once with its default configuration, shared by the tests that only read the result. */
  const defaultRuns = new Map<string, Promise<ProgramRun>>();
  const defaultRun = (example: "gitops" | "multi-tenant") => {
    if (!defaultRuns.has(example)) defaultRuns.set(example, runProgram({ projectDir: path.join(examplesDir, example), program: compiled(example) }));
    return defaultRuns.get(example) as Promise<ProgramRun>;
  };

  it("compile with tsc against the installed package's type declarations", () => {
    expect(compile.output).toBe("");
    expect(compile.status).toBe(0);
    for (const example of EXAMPLES) expect(fs.existsSync(compiled(example))).toBe(true);
  });

  describe("quickstart", () => {
    const config = { serviceName: "csp2-5c7e2d10", basicSeats: 7 };

    function expectQuickstart(resources: Registered[]): void {
      const [group] = ofType(resources, GROUP);
      expect(ofType(resources, GROUP)).toHaveLength(1);
      expect(group).toMatchObject({ name: "licence-group", inputs: { serviceName: "csp2-5c7e2d10" }, protect: false });

      const subscriptions = ofType(resources, SUBSCRIPTION);
      expect(subscriptions.map(({ name, inputs }) => ({ name, inputs }))).toEqual([
        {
          name: "business-basic",
          inputs: { serviceName: "csp2-5c7e2d10", license: "Microsoft 365 Business Basic", seats: 7, maxSeatChange: 10 },
        },
        {
          name: "business-standard",
          inputs: { serviceName: "csp2-5c7e2d10", license: "Microsoft 365 Business Standard", seats: 2, maxSeatChange: 10 },
        },
      ]);
      for (const subscription of subscriptions) {
        expect(subscription.parent).toBe(group.urn);
        expect(subscription.dependencies).toContain(group.urn);
        // Installed in node_modules, the provider serializes as a small require of the package, not inlined code.
        expect(subscription.provider?.requires).toEqual(["pulumi-ovh-office365/dist/provider/resources/subscription-lifecycle.js"]);
        expect(subscription.provider?.length).toBeLessThan(4096);
      }
    }

    it("registers one adopted group and two subscriptions, with Pulumi.yaml's defaults", async () => {
      const { resources, outputs } = succeeded(await runProgram({ projectDir: path.join(examplesDir, "quickstart"), program: compiled("quickstart"), config }));
      expectQuickstart(resources);
      expect(outputs).toEqual({
        serviceName: "csp2-5c7e2d10",
        microsoftAdminPortalUrl: "https://admin.microsoft.com/",
        subscriptions: [
          { licence: "Microsoft 365 Business Basic", subscriptionId: expect.any(Number), seats: 7, status: "ok" },
          { licence: "Microsoft 365 Business Standard", subscriptionId: expect.any(Number), seats: 2, status: "ok" },
        ],
      });
    });

    it("runs from the repository root's Pulumi.yaml through the SDK's own TypeScript loader, as `pulumi up` does", async () => {
      const { resources } = succeeded(await runProgram({ projectDir: root, typescript: true, config }));
      expectQuickstart(resources);
    });

    it("cannot run without a serviceName: Pulumi.yaml declares it with no default", async () => {
      const result = await runProgram({ projectDir: path.join(examplesDir, "quickstart"), program: compiled("quickstart") });
      expect(result.error?.message).toBe("Stack 'test' is missing configuration value 'serviceName'");
    });

    it("has the same project and configuration at the repository root as in its own directory", () => {
      const own = YAML.parse(fs.readFileSync(path.join(REPO_ROOT, "examples", "quickstart", "Pulumi.yaml"), "utf8"));
      const atRoot = YAML.parse(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), "utf8"));
      expect(atRoot.main).toBe("examples/quickstart/");
      expect({ ...atRoot, main: undefined }).toEqual({ ...own, main: undefined });
    });
  });

  describe("gitops", () => {
    const licenses = () => parseLicenseFile(fs.readFileSync(path.join(REPO_ROOT, "examples", "gitops", "licences.yaml"), "utf8"), "licences.yaml");

    it("declares every group, licence and add-on of licences.yaml, each subscription under its group", async () => {
      const { resources, outputs } = succeeded(await defaultRun("gitops"));
      const file = licenses();
      expectResourcesOf(file, resources);
      expect(resources.every((resource) => !resource.protect)).toBe(true);

      const groups = outputs.groups as Record<string, { status: string; subscriptions: { licence: string; seats: number }[] }>;
      expect(Object.keys(groups).sort()).toEqual(file.groups.map((group) => group.serviceName).sort());
      expect(groups["csp2-1f4a7c92"].subscriptions).toEqual([
        { licence: "Microsoft 365 Business Basic", subscriptionId: 3001201, seats: 25, status: "ok" },
        { licence: "Microsoft 365 Business Standard", subscriptionId: 3001202, seats: 10, status: "ok" },
        { licence: "Microsoft 365 Business Standard + Microsoft Defender for Office 365 (Plan 1)", subscriptionId: 3001203, seats: 10, status: "ok" },
      ]);
    });

    it("protects every resource when the stack sets protect", async () => {
      const { resources } = succeeded(await runProgram({ projectDir: path.join(examplesDir, "gitops"), program: compiled("gitops"), config: { protect: true } }));
      const managed = resources.filter((resource) => resource.custom);
      expect(managed.length).toBeGreaterThan(0);
      expect(managed.filter((resource) => !resource.protect)).toEqual([]);
    });

    it("stops before declaring anything when the licence file is wrong, with a message and no stack trace", async () => {
      const bad = path.join(examplesDir, "gitops", "bad-licences.yaml");
      fs.writeFileSync(bad, "groups:\n  csp2-1f4a7c92:\n    licences:\n      Office 365 E1:\n        seat: 2\n");
      const result = await runProgram({ projectDir: path.join(examplesDir, "gitops"), program: compiled("gitops"), config: { licencesFile: "bad-licences.yaml" } });
      expect(result.error).toEqual({
        name: "LicenseFileError",
        runError: true,
        message: 'bad-licences.yaml:5:9: groups.csp2-1f4a7c92.licences."Office 365 E1".seat is not a licence setting: did you mean "seats"?',
      });
    });

    it("adopts subscriptions that exist in the simulator's demo account, with their licence and group", () => {
      expectAdoptionsExist(licenses(), DEMO_SEED);
    });
  });

  describe("multi-tenant", () => {
    const customers = () => parseLicenseFile(fs.readFileSync(path.join(REPO_ROOT, "examples", "multi-tenant", "customers.yaml"), "utf8"), "customers.yaml");

    it("puts each customer's group and subscriptions under a component, with its own guard rails", async () => {
      const { resources } = succeeded(await defaultRun("multi-tenant"));
      const file = customers();
      expectResourcesOf(file, resources);

      const components = ofType(resources, CUSTOMER);
      expect(components.map((component) => component.name)).toEqual(file.groups.map((group) => group.serviceName).sort());
      for (const group of ofType(resources, GROUP)) expect(group.parent).toBe(byName(components, group.name).urn);

      const rails = (name: string) => {
        const { maxSeatChange, taskTimeoutMinutes } = byName(ofType(resources, SUBSCRIPTION), name).inputs;
        return { maxSeatChange, taskTimeoutMinutes };
      };
      expect(rails("csp2-1f4a7c92/microsoft-365-business-basic")).toEqual({ maxSeatChange: 25, taskTimeoutMinutes: 60 });
      expect(rails("csp2-5c7e2d10/office-365-e3")).toEqual({ maxSeatChange: 4, taskTimeoutMinutes: 30 });
      expect(rails("csp2-b3c8f412/exchange-online-plan-1")).toEqual({ maxSeatChange: 5, taskTimeoutMinutes: 90 });
    });

    it("exports a summary per customer and the total", async () => {
      const { outputs } = succeeded(await defaultRun("multi-tenant"));
      const file = customers();
      const summaries = outputs.customerSummaries as Record<string, { totalSeats: number }>;
      expect(Object.keys(summaries).sort()).toEqual(file.groups.map((group) => group.serviceName).sort());
      expect(summaries["csp2-c91e0d77"]).toEqual({
        displayName: "Studio Nord Architectes",
        status: "ok",
        licences: { "Microsoft 365 Business Standard": 8, "Microsoft 365 Business Standard + Microsoft 365 Audio Conferencing": 2 },
        totalSeats: 10,
        maxSeatChange: 3,
        taskTimeoutMinutes: 30,
        microsoftAdminPortalUrl: "https://admin.microsoft.com/",
      });
      const declaredSeats = file.groups.flatMap((group) => group.subscriptions).reduce((total, entry) => total + entry.seats, 0);
      expect(outputs.totalSeats).toBe(declaredSeats);
    });

    it("adopts subscriptions that exist in its simulator seed, with their licence and group", () => {
      const seed = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "examples", "multi-tenant", "simulator-seed.json"), "utf8")) as SeedSpec;
      expectAdoptionsExist(customers(), seed);
    });
  });

  it("share one set of compiler options between the examples' tsconfig files", () => {
    const optionsOf = (file: string) => {
      const { compilerOptions } = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "examples", file), "utf8")) as { compilerOptions: Record<string, unknown> };
      const { noEmit, outDir, ...shared } = compilerOptions;
      return shared;
    };
    const shared = optionsOf("tsconfig.json");
    expect(shared.strict).toBe(true);
    for (const example of EXAMPLES) expect(optionsOf(`${example}/tsconfig.json`)).toEqual(shared);
  });
});

/** Every `subscriptionId` in the file names a subscription of that group and licence (and parent, for add-ons). */
function expectAdoptionsExist(file: LicenseFile, seed: SeedSpec): void {
  const state = createState(seed, Date.now());
  const licenseName = (id: number) => state.licences.find((license) => license.id === id)?.name;
  let adopted = 0;
  for (const group of file.groups) {
    for (const entry of group.subscriptions.filter((candidate) => candidate.subscriptionId !== undefined)) {
      const live = state.groups[group.serviceName]?.subscriptions[String(entry.subscriptionId)];
      expect({ entry: entry.resourceName, licence: live && licenseName(live.licenseId) }).toEqual({ entry: entry.resourceName, licence: entry.license });
      const base = group.subscriptions.find((candidate) => candidate.license === entry.addonOf && candidate.addonOf === undefined);
      expect(live?.parentSubscriptionId ?? undefined).toBe(base?.subscriptionId);
      adopted++;
    }
  }
  expect(adopted).toBeGreaterThan(0);
}
