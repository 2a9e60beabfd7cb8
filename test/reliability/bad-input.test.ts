import * as fs from "node:fs";
import * as path from "node:path";
import {
  CheckFailedError,
  up,
  type ResourceState,
  ProviderOperationError,
  startProviderHost,
  type CheckFailure,
  type PropertyMap,
  type ProviderHost,
  dynamicResourceType,
} from "../../pulumi-host";
import { createProgram } from "../../provider/cli/main";
import { simulatorEnvironment } from "../../simulator";
import { ensureCliBuilt, runCli } from "../cli/built-cli";
import { runProgramUnderMocks, succeeded, type RegisteredResource } from "../support/program-runner";
import { secretSweep } from "../support/secret-sweep";
import { SECRET_STACK_CONFIG_KEYS, openResourceStack, simulatorStackConfig, type ResourceStack } from "../support/resource-stack";
import {
  badInputs,
  type BadInput,
  type Catalogue,
  type CliCase,
  type FileContext,
  type LicenseFileCase,
  type ResourceCase,
  type World,
} from "./bad-input-cases";

/**
 * The bad-input corpus against one simulator: the resources through the real provider host, the built CLI, and
 * licence files through a Pulumi program that loads them and calls declareLicenses, its resources then sent to the
 * host. Every input must be refused with an error naming the field and the fix, before any mutating call.
 */

const TYPES = {
  Subscription: dynamicResourceType("Subscription", "ovh-office365"),
  LicenseGroup: dynamicResourceType("LicenseGroup", "ovh-office365"),
} as const;
const PROVIDER_EXPORTS = { Subscription: "subscriptionProvider", LicenseGroup: "licenseGroupProvider" } as const;
// The simulator takes far more than OVH's safe rate; the default throttle would only slow the corpus down.
const FAST_CLIENT = { "ovh-office365:maxRequestsPerSecond": "500", "ovh-office365:maxConcurrentRequests": "16" };

let stack: ResourceStack;
let world: World;
let cliEnv: Record<string, string>;
let commandNames: Set<string>;
let fileOutcomes: Map<LicenseFileCase, DeclaredFile>;

/** How a case ended: where it was refused (undefined when nothing refused it) and what the person saw (empty if nothing). */
interface Outcome {
  stage?: string;
  text: string;
  /** The check failures or licence-file problems, each with the field it names. */
  findings?: { field: string; text: string }[];
}

interface CaseRecord {
  surface: BadInput["surface"];
  rejected: boolean;
  namesField: boolean;
}
const records: CaseRecord[] = [];

const mutatingCalls = () => stack.simulator.requestLog.mutatingRequests().length;
const requestCount = () => stack.simulator.requestLog.entries().length;

beforeAll(async () => {
  await ensureCliBuilt();
  stack = await openResourceStack("bad-input", { config: FAST_CLIENT });
  cliEnv = simulatorEnvironment(stack.simulator);
  commandNames = new Set(createProgram().commands.map((command) => command.name()));
  const catalogue = pickCatalogue();
  world = { serviceName: stack.simulator.admin.addLicenceGroup(), catalogue, adopted: await adoptSubscription(catalogue) };
  fileOutcomes = await declareLicenseFiles(catalogue);
});

afterAll(async () => {
  await stack?.close();
});

/** The licences the corpus needs, chosen by their catalogue rules. */
function pickCatalogue(): Catalogue {
  const licenses = stack.simulator.admin.licences();
  const orderable = licenses.filter((l) => l.licenceType !== "ADDON" && l.newSubscriptionsAllowed && l.newSeatsAllowed);
  const limited = orderable.find((l) => l.limit !== null);
  const retired = licenses.find((l) => l.licenceType !== "ADDON" && !l.newSubscriptionsAllowed);
  const addon = licenses.find((l) => l.licenceType === "ADDON" && l.newSubscriptionsAllowed);
  if (orderable.length < 2 || !limited || limited.limit === null || !retired || !addon) {
    throw new Error("the simulator's catalogue lacks a licence kind the corpus needs (two orderable, a limited, a retired, an add-on)");
  }
  return {
    orderable: orderable[0].name,
    another: orderable[1].name,
    limited: { name: limited.name, limit: limited.limit },
    retired: retired.name,
    addon: addon.name,
  };
}

/** A subscription made out of band and adopted through the host: reads only, as adoption with the live seats is. */
async function adoptSubscription(catalogue: Catalogue): Promise<ResourceState> {
  const serviceName = stack.simulator.admin.addLicenceGroup({ subscriptions: [{ license: catalogue.another, seats: 5 }] });
  const [held] = stack.simulator.admin.subscriptions(serviceName);
  const host = stack.harness.host;
  const inputs = { serviceName, license: catalogue.another, seats: held.quantity, subscriptionId: held.id };
  const adopted = await up(host, host.makeUrn(TYPES.Subscription, "adopted"), { inputs, providerText: stack.harness.providers.subscriptionProvider });
  return adopted.state;
}

/** What the licence program did with one file: refused it (with its problems), or declared these resources. */
interface DeclaredFile {
  error?: { name: string; message: string; problems?: { path: string; message: string }[] };
  resources: RegisteredResource[];
}

/**
 * Writes each licence file case and runs one Pulumi program (under mocks, as the example programs are tested) that
 * loads every file with loadLicenseFile and declares it with declareLicenses, as the gitops example does.
 */
async function declareLicenseFiles(catalogue: Catalogue): Promise<Map<LicenseFileCase, DeclaredFile>> {
  const projectDir = path.join(stack.harness.programDir, "licence-files");
  fs.mkdirSync(projectDir, { recursive: true });
  fs.writeFileSync(path.join(projectDir, "Pulumi.yaml"), "name: bad-input-licences\nruntime: nodejs\nmain: program.js\n");
  fs.writeFileSync(path.join(projectDir, "program.js"), LICENSE_PROGRAM);
  const cases = badInputs.filter((badInput): badInput is LicenseFileCase => badInput.surface === "licences.yaml");
  const files: Record<string, string> = {};
  const groups: string[] = [];
  for (const [index, fileCase] of cases.entries()) {
    const group = stack.simulator.admin.addLicenceGroup({ subscriptions: fileCase.holds?.(catalogue) ?? [] });
    const held = stack.simulator.admin.subscriptions(group).map((s) => ({ id: s.id, license: s.licenseName, seats: s.quantity }));
    const context: FileContext = { group, catalogue, held };
    groups.push(group);
    const file = path.join(projectDir, `case-${index}.yaml`);
    fs.writeFileSync(file, fileCase.text(context));
    files[String(index)] = file;
  }
  const result = succeeded(await runProgramUnderMocks({ projectDir, config: { files: JSON.stringify(files) } }));
  const outcomes = result.outputs.outcomes as Record<string, DeclaredFile["error"] | null>;
  return new Map(
    cases.map((fileCase, index) => {
      const resources = result.resources.filter((resource) => resource.name.startsWith(groups[index]));
      return [fileCase, { error: outcomes[String(index)] ?? undefined, resources }];
    }),
  );
}

const LICENSE_PROGRAM = `"use strict";
const pulumi = require("@pulumi/pulumi");
const { declareLicenses, loadLicenseFile } = require("pulumi-ovh-office365");

// One program for the whole corpus: a refused file is reported, so the other files still get declared.
const files = JSON.parse(new pulumi.Config().require("files"));
const outcomes = {};
for (const [name, file] of Object.entries(files)) {
  try {
    declareLicenses(loadLicenseFile(file));
    outcomes[name] = null;
  } catch (error) {
    const problems = Array.isArray(error.problems) ? error.problems.map(({ path, message }) => ({ path, message })) : undefined;
    outcomes[name] = { name: error.name, message: error.message, problems };
  }
}
module.exports = { outcomes };
`;

/** `pulumi up` of one resource; a refusal at check or create is the outcome, anything else fails the test. */
async function upOutcome(host: ProviderHost, type: keyof typeof TYPES, name: string, inputs: PropertyMap, previous?: ResourceState): Promise<Outcome & { state?: ResourceState }> {
  const providerText = stack.harness.providers[PROVIDER_EXPORTS[type]];
  try {
    const { state } = await up(host, host.makeUrn(TYPES[type], name), { inputs, providerText, previous });
    return { text: "", state };
  } catch (error) {
    if (error instanceof CheckFailedError) return { stage: "check", text: error.message, findings: checkFindings(error.failures) };
    // The host configures the provider as it loads it for the first resource call: a setting it cannot use fails that call.
    if (error instanceof ProviderOperationError && error.operation === "check") return { stage: "configure", text: error.message };
    if (error instanceof ProviderOperationError && error.operation === "create") return { stage: "create", text: error.message };
    throw error;
  }
}

function checkFindings(failures: CheckFailure[]): Outcome["findings"] {
  return failures.map((failure) => ({ field: failure.property, text: `${failure.property}: ${failure.reason}` }));
}

/** A host of its own, configured with the case's stack config: the engine configures a provider once per host. */
async function withConfiguredHost(config: Record<string, string>, use: (host: ProviderHost) => Promise<Outcome>): Promise<Outcome> {
  const host = secretSweep.host(await startProviderHost({ cwd: stack.harness.programDir, onOutput: (line) => secretSweep.line(line) }));
  try {
    await host.configure({ ...simulatorStackConfig(stack.simulator), ...FAST_CLIENT, ...config }, { secretKeys: SECRET_STACK_CONFIG_KEYS });
    return await use(host);
  } finally {
    await host.close();
  }
}

let resourceIndex = 0;

async function attemptResource(badInput: ResourceCase): Promise<Outcome> {
  const name = `bad-input-${++resourceIndex}`;
  const run = (host: ProviderHost) => upOutcome(host, badInput.resource, name, badInput.inputs(world), badInput.previous?.(world));
  return badInput.config ? withConfiguredHost(badInput.config, run) : run(stack.harness.host);
}

async function attemptCli(badInput: CliCase): Promise<Outcome> {
  const env: Record<string, string> = { ...cliEnv };
  for (const [key, value] of Object.entries(badInput.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  const result = await runCli(badInput.args, env);
  const text = result.stdout === "" ? result.stderr : `${result.stderr}\n(stdout: ${result.stdout})`;
  return { stage: result.exitCode === 0 ? undefined : `exit code ${result.exitCode}`, text };
}

/** The file as the program loaded it; when declared, its resources in registration order through the host. */
async function attemptLicenseFile(badInput: LicenseFileCase): Promise<Outcome> {
  const declared = fileOutcomes.get(badInput)!;
  if (declared.error) {
    if (declared.resources.length > 0) throw new Error(`the file was refused, yet ${declared.resources.length} resources were declared from it`);
    const findings = (declared.error.problems ?? []).map((problem) => ({ field: problem.path, text: `${problem.path} ${problem.message}` }));
    return { stage: "loader", text: declared.error.message, findings };
  }
  if (declared.resources.length === 0) throw new Error("the file was accepted but declared no resource");
  for (const resource of declared.resources) {
    const type = resource.type === TYPES.LicenseGroup ? "LicenseGroup" : "Subscription";
    const outcome = await upOutcome(stack.harness.host, type, resource.name, resource.inputs);
    if (outcome.stage !== undefined) return outcome;
  }
  return { text: "" };
}

function attempt(badInput: BadInput): Promise<Outcome> {
  if (badInput.surface === "resources") return attemptResource(badInput);
  if (badInput.surface === "CLI") return attemptCli(badInput);
  return attemptLicenseFile(badInput);
}

function expectedStage(badInput: BadInput): string {
  if (badInput.surface === "CLI") return "exit code 2";
  return badInput.refusedBy === "catalogue" ? "check" : badInput.refusedBy;
}

/** For a licence file, a problem names `field` when its path is the field or ends with it. */
function findingNames(badInput: BadInput, findingField: string): boolean {
  if (badInput.surface === "licences.yaml") return findingField === badInput.field || findingField.endsWith(`.${badInput.field}`);
  return findingField === badInput.field;
}

/**
 * A provider error opens with the input it is about ("seats: ..."), or names the stack config key; OVH's own words
 * ("The requested object (serviceName = ...) does not exist") do not count. The CLI names options and variables.
 */
function textNames(badInput: BadInput, outcome: Outcome): boolean {
  if (outcome.stage === "create") return outcome.text.startsWith(`${badInput.field}:`) || outcome.text.includes(`config ${badInput.field}`);
  return outcome.text.includes(badInput.field);
}

/**
 * Refusals that need no answer from OVH come before any request: check (but for the catalogue) and the file loader are pure, the CLI says
 * "nothing was sent to OVH" for exit code 2, and a bad stack config stops the client from being built.
 */
function sendsNothing(badInput: BadInput): boolean {
  if (badInput.surface === "CLI") return true;
  if (badInput.surface === "licences.yaml") return badInput.refusedBy === "loader";
  return badInput.config !== undefined || badInput.refusedBy === "check";
}

/** The `ovh-office365 <command>` an error sends the person to, which must exist. */
function commandsMentioned(text: string): string[] {
  return [...text.matchAll(/(?<![\w-])ovh-office365 ([a-z][a-z-]*)/g)].map((match) => match[1]);
}

describe("bad input", () => {
  it("has a corpus of at least 60 distinct cases on every surface", () => {
    expect(badInputs.length).toBeGreaterThanOrEqual(60);
    expect(new Set(badInputs.map((badInput) => `${badInput.surface}: ${badInput.name}`)).size).toBe(badInputs.length);
    for (const surface of ["resources", "CLI", "licences.yaml"] as const) {
      expect(badInputs.filter((badInput) => badInput.surface === surface).length).toBeGreaterThanOrEqual(10);
    }
  });

  it.each(badInputs.map((badInput) => [`${badInput.surface}: ${badInput.name}`, badInput] as const))(
    "%s: refused, naming the field and the fix, with no mutating call",
    async (_title, badInput) => {
      const before = { mutating: mutatingCalls(), requests: requestCount() };
      const outcome = await attempt(badInput);
      const mutating = mutatingCalls() - before.mutating;
      const requests = requestCount() - before.requests;

      // Check failures and file problems must name the field in the finding that gives the fix.
      const naming = outcome.findings ? outcome.findings.filter((finding) => findingNames(badInput, finding.field)) : undefined;
      const namesField = naming ? naming.length > 0 : textNames(badInput, outcome);
      const givesFix = naming ? naming.some((finding) => finding.text.includes(badInput.fix)) : outcome.text.includes(badInput.fix);
      records.push({ surface: badInput.surface, rejected: outcome.stage === expectedStage(badInput), namesField });

      const gaps: string[] = [];
      if (outcome.stage !== expectedStage(badInput)) gaps.push(`refused at ${outcome.stage ?? "nothing (accepted)"}, expected ${expectedStage(badInput)}`);
      if (!namesField) gaps.push(`does not name the field ${JSON.stringify(badInput.field)}`);
      if (!givesFix) gaps.push(`does not give the fix ${JSON.stringify(badInput.fix)}`);
      if (mutating > 0) gaps.push(`${mutating} mutating calls reached the simulator`);
      if (requests > 0 && sendsNothing(badInput)) gaps.push(`${requests} requests reached the simulator before the refusal`);
      const unknownCommands = commandsMentioned(outcome.text).filter((command) => !commandNames.has(command));
      if (unknownCommands.length > 0) gaps.push(`sends the person to commands that do not exist: ${unknownCommands.map((c) => `ovh-office365 ${c}`).join(", ")}`);
      expect({ gaps, text: outcome.text }).toEqual({ gaps: [], text: outcome.text });
    },
  );

  it("prints its figures, computed from the run", () => {
    const count = (surface: BadInput["surface"]) => records.filter((record) => record.surface === surface).length;
    const rejected = records.filter((record) => record.rejected).length;
    const naming = records.filter((record) => record.namesField).length;
    const mutating = mutatingCalls();
    console.log(
      `bad input: cases ${records.length} (resources ${count("resources")}, CLI ${count("CLI")}, licences.yaml ${count("licences.yaml")}), ` +
        `rejected ${rejected}, naming the field ${naming}, mutating calls ${mutating}`,
    );
    expect(records.length).toBe(badInputs.length);
    expect(rejected).toBe(records.length);
    expect(naming).toBe(records.length);
    expect(mutating).toBe(0);
  });

  it("sees the mutating call a valid input makes, so the zero above is measured, not blind", async () => {
    const before = mutatingCalls();
    const inputs = { serviceName: world.serviceName, license: world.catalogue.another, seats: 2 };
    const outcome = await upOutcome(stack.harness.host, "Subscription", "valid-control", inputs);
    expect(outcome.state?.outputs.seats).toBe(2);
    expect(stack.simulator.requestLog.mutatingRequests().slice(before).map((entry) => `${entry.method} ${entry.route}`)).toContain(
      "POST /saas/csp2/{serviceName}/subscription",
    );
  });
});
