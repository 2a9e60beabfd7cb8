import * as fs from "node:fs";
import * as path from "node:path";
import { connect } from "../../provider/cli/commands/command-support";
import { runExport } from "../../provider/cli/commands/export";
import { loadLicenseFile } from "../../provider/resources/license-file-parsing";
import { CheckFailedError, importResource, preview, up, type CheckFailure, type ResourceState } from "../../pulumi-host";
import { simulatorEnvironment, type SeedSpec } from "../../simulator";
import { REPO_ROOT } from "../support/paths";
import { runProgramUnderMocks, succeeded, type RegisteredResource } from "../support/program-runner";
import { openResourceStack, type ResourceStack } from "../support/resource-stack";
import { waitFor } from "../support/wait-for";
import { recordingWriter } from "./support";

/**
 * The file `export` writes, declared by a program (`declareLicenses(loadLicenseFile(...))`, run under Pulumi's mocks
 * to see what it registers) and then taken through the real provider host as `pulumi preview` and `pulumi up` take it,
 * against the simulator holding the multi-tenant example's account: only adoptions, nothing sent that changes anything.
 */

const SEED = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "examples", "multi-tenant", "simulator-seed.json"), "utf8")) as SeedSpec;
// The simulator takes far more than OVH's safe rate; the default throttle would only slow the test down.
const FAST_CLIENT = { "ovh-office365:maxRequestsPerSecond": "200", "ovh-office365:maxConcurrentRequests": "16" };

const PROGRAM = `"use strict";
const pulumi = require("@pulumi/pulumi");
const { declareLicenses, loadLicenseFile } = require("pulumi-ovh-office365");
declareLicenses(loadLicenseFile(new pulumi.Config().require("file")));
`;

let stack: ResourceStack;
let projectDir: string;

beforeAll(async () => {
  stack = await openResourceStack("export-host", { seed: SEED, taskDurationMs: 200, config: FAST_CLIENT });
  projectDir = path.join(stack.harness.programDir, "licences");
  fs.mkdirSync(projectDir, { recursive: true });
  fs.writeFileSync(path.join(projectDir, "Pulumi.yaml"), "name: exported-licences\nruntime: nodejs\nmain: program.js\n");
  fs.writeFileSync(path.join(projectDir, "program.js"), PROGRAM);
});

afterAll(async () => {
  await stack?.close();
});

/** `ovh-office365 export --out <file>` against the stack's simulator. */
async function exportTo(name: string): Promise<string> {
  const file = path.join(projectDir, name);
  const requester = connect({ env: { ...simulatorEnvironment(stack.simulator), OVH_MAX_REQUESTS_PER_SECOND: "1000" } });
  const recorded = recordingWriter();
  expect(await runExport(requester, recorded.writer, [], { out: file })).toBe(0);
  return file;
}

/** What the program registers for the file: its resources in registration order (groups before their subscriptions). */
async function declared(file: string): Promise<RegisteredResource[]> {
  return succeeded(await runProgramUnderMocks({ projectDir, config: { file } })).resources.filter((resource) => resource.custom);
}

function providerOf(resource: RegisteredResource) {
  return resource.type.endsWith(":LicenseGroup") ? stack.licenseGroup : stack.subscription;
}

/** `pulumi preview` of each resource, new to the stack: its check failures, by resource name. */
async function previewFailures(resources: RegisteredResource[]): Promise<Record<string, CheckFailure[]>> {
  const { host } = stack.harness;
  const failures: Record<string, CheckFailure[]> = {};
  for (const resource of resources) {
    const urn = host.makeUrn(providerOf(resource).type, resource.name);
    try {
      await preview(host, undefined, { urn, inputs: resource.inputs, providerText: providerOf(resource).providerText });
    } catch (error) {
      if (!(error instanceof CheckFailedError)) throw error;
      failures[resource.name] = error.failures;
    }
  }
  return failures;
}

const seatLines = () => stack.lines.filter((line) => line.text.includes("adopting it sets its seats")).map((line) => line.text.trim());

it("the exported file loads, and declaring it adopts every subscription: a preview without failures, then no order and no seat change", async () => {
  const file = await exportTo("customers.yaml");
  const licenses = loadLicenseFile(file);
  const before = stack.simulator.admin.licenceGroups().flatMap((serviceName) => stack.simulator.admin.subscriptions(serviceName));
  expect(licenses.groups.flatMap((group) => group.subscriptions.map((entry) => entry.subscriptionId)).sort()).toEqual(before.map((s) => s.id).sort());

  const resources = await declared(file);
  expect(resources.filter((resource) => resource.type.endsWith(":Subscription"))).toHaveLength(9);
  const addon = resources.find((resource) => resource.inputs.subscriptionId === 3001209);
  expect(addon?.inputs.parentSubscriptionId).toBe(3001208);

  const firstRequest = stack.simulator.requestLog.entries().length;
  expect(await previewFailures(resources)).toEqual({});
  const states: ResourceState[] = [];
  for (const resource of resources) {
    const { host } = stack.harness;
    states.push((await up(host, host.makeUrn(providerOf(resource).type, resource.name), { inputs: resource.inputs, providerText: providerOf(resource).providerText })).state);
  }

  const sent = stack.simulator.requestLog.entries().slice(firstRequest);
  expect(sent.filter((entry) => entry.method !== "GET").map((entry) => `${entry.method} ${entry.apiPath}`)).toEqual([]);
  expect(seatLines()).toEqual([]);
  const subscriptions = states.filter((state) => state.id.includes("/"));
  expect(subscriptions.map((state) => [state.outputs.subscriptionId, state.outputs.seats, state.outputs.adopted]).sort()).toEqual(before.map((s) => [s.id, s.quantity, true]).sort());
  const after = stack.simulator.admin.licenceGroups().flatMap((serviceName) => stack.simulator.admin.subscriptions(serviceName));
  expect(after.map((s) => [s.id, s.quantity])).toEqual(before.map((s) => [s.id, s.quantity]));
});

it("pulumi preview of an edited file refuses an id of another licence and an add-on declared on its own, and tells a seat change", async () => {
  const file = await exportTo("edited.yaml");
  const text = fs.readFileSync(file, "utf8");
  const edited = text
    // Acme's two ids swapped: each names an existing subscription of the other licence.
    .replace("subscriptionId: 3001201", "subscriptionId: 3001299")
    .replace("subscriptionId: 3001202", "subscriptionId: 3001201")
    .replace("subscriptionId: 3001299", "subscriptionId: 3001202")
    // The clinic's Business Premium: 12 seats at OVH.
    .replace("seats: 12\n", "seats: 14\n")
    // The studio's add-on moved out of its parent's addons:, to the group's licences.
    .replace(/        addons:\n          Microsoft 365 Audio Conferencing:\n            seats: 2\n            subscriptionId: 3001209\n/, "      Microsoft 365 Audio Conferencing:\n        seats: 2\n        subscriptionId: 3001209\n");
  expect(edited.match(/subscriptionId: 3001209\n/g)).toHaveLength(1);
  fs.writeFileSync(file, edited);
  const mutating = stack.simulator.requestLog.mutatingRequests().length;

  const failures = await previewFailures(await declared(file));
  expect(failures).toEqual({
    "csp2-1f4a7c92/microsoft-365-business-basic": [
      { property: "subscriptionId", reason: expect.stringContaining('subscription 3001202 is a "Microsoft 365 Business Standard" subscription, not "Microsoft 365 Business Basic"') },
    ],
    "csp2-1f4a7c92/microsoft-365-business-standard": [
      { property: "subscriptionId", reason: expect.stringContaining('subscription 3001201 is a "Microsoft 365 Business Basic" subscription, not "Microsoft 365 Business Standard"') },
    ],
    "csp2-c91e0d77/microsoft-365-audio-conferencing": [
      {
        property: "parentSubscriptionId",
        reason: expect.stringContaining("is missing: subscription 3001209 is an add-on (\"Microsoft 365 Audio Conferencing\") of subscription 3001208: set parentSubscriptionId: 3001208"),
      },
    ],
  });
  expect(seatLines()).toEqual(['ovh-office365: csp2-b3c8f412/3001206: adopting it sets its seats 12 => 14 ("Microsoft 365 Business Premium")']);
  expect(stack.simulator.requestLog.mutatingRequests().length).toBe(mutating);
});

describe("through the native provider plugin", () => {
  let pluginStack: ResourceStack;

  beforeAll(async () => {
    pluginStack = await openResourceStack("export-host-plugin", { seed: SEED, taskDurationMs: 200, config: FAST_CLIENT, flavor: "plugin" });
  });

  afterAll(async () => {
    await pluginStack?.close();
  });

  it("refuses the same adoptions at preview, and tells the same seat change in the engine's log", async () => {
    const plugin = pluginStack.harness.plugin;
    const urn = (name: string) => plugin.makeUrn(pluginStack.subscription.type, name);
    const addonAlone = { serviceName: "csp2-c91e0d77", license: "Microsoft 365 Audio Conferencing", seats: 2, subscriptionId: 3001209 };
    const refused = (await preview(plugin, undefined, { urn: urn("addon-alone"), inputs: addonAlone }).catch((error: unknown) => error)) as CheckFailedError;
    expect(refused).toBeInstanceOf(CheckFailedError);
    expect(refused.failures).toEqual([{ property: "parentSubscriptionId", reason: expect.stringContaining("set parentSubscriptionId: 3001208") }]);

    const underParent = { ...addonAlone, parentSubscriptionId: 3001208, seats: 3 };
    expect(await preview(plugin, undefined, { urn: urn("addon"), inputs: underParent })).toMatchObject({ changes: true });
    // The engine's Log call goes out beside the answer to Check.
    const told = await waitFor(() => plugin.output().find((line) => line.stream === "engine" && line.text.includes("adopting it sets its seats 2 => 3")), 5_000, "the seat change in the engine's log");
    expect(told.text).toBe('ovh-office365: csp2-c91e0d77/3001209: adopting it sets its seats 2 => 3 ("Microsoft 365 Audio Conferencing")');
    expect(pluginStack.simulator.requestLog.mutatingRequests()).toEqual([]);
  });

  it("pulumi import --file with the bulk import file export writes: every resource imports, and the code it generates previews with no change", async () => {
    const file = path.join(projectDir, "import.json");
    const requester = connect({ env: { ...simulatorEnvironment(pluginStack.simulator), OVH_MAX_REQUESTS_PER_SECOND: "1000" } });
    expect(await runExport(requester, recordingWriter().writer, [], { out: file, format: "pulumi-import" })).toBe(0);
    const { resources } = JSON.parse(fs.readFileSync(file, "utf8")) as { resources: { type: string; name: string; id: string }[] };
    const admin = pluginStack.simulator.admin;
    const held = admin.licenceGroups().flatMap((serviceName) => [serviceName, ...admin.subscriptions(serviceName).map((s) => `${serviceName}/${s.id}`)]);
    expect(resources.map((resource) => resource.id).sort()).toEqual(held.sort());

    // As the engine imports each entry: a read by id alone, a check of the inputs read, then the generated code's
    // inputs (the ones read) diffed against the state, which must show no change.
    const plugin = pluginStack.harness.plugin;
    for (const resource of resources) {
      const imported = await importResource(plugin, plugin.makeUrn(resource.type, resource.name), resource.id);
      expect({ id: resource.id, found: imported !== undefined, failures: imported?.failures }).toEqual({ id: resource.id, found: true, failures: [] });
      expect({ id: resource.id, preview: await preview(plugin, imported!, { inputs: imported!.inputs }) }).toMatchObject({ id: resource.id, preview: { changes: false, replaces: [] } });
      expect(imported!.outputs).toMatchObject(resource.type === pluginStack.licenseGroup.type ? { serviceName: resource.id } : { adopted: true });
    }
    expect(pluginStack.simulator.requestLog.mutatingRequests()).toEqual([]);
  });
});
