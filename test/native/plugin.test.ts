import {
  destroy,
  importResource,
  preview,
  ProviderOperationError,
  refresh,
  secretValue,
  up,
  type OutputLine,
  type ProviderPlugin,
  type ResourceState,
} from "../../pulumi-host";
import { startSimulator, type RunningSimulator } from "../../simulator";
import { openResourceStack, pluginConfig, simulatorStackConfig, type ResourceStack } from "../support/resource-stack";
import { openProviderHarness, type ProviderHarness } from "../support/provider-harness";

/**
 * The ovh-office365 resource provider plugin, started as the engine starts it (a process printing its port) and driven
 * over gRPC as the engine drives it, against the simulator: launch contract, configuration, a whole lifecycle, import,
 * preview, and two OVH accounts side by side.
 */

const SUBSCRIPTION = "ovh-office365:index:Subscription";
const LICENSE_GROUP = "ovh-office365:index:LicenseGroup";
let stack: ResourceStack;

beforeAll(async () => {
  stack = await openResourceStack("native-plugin", { flavor: "plugin", taskDurationMs: 100 });
});
afterAll(async () => stack?.close());

const plugin = (): ProviderPlugin => stack.harness.plugin;
const urn = (type: string, name: string) => plugin().makeUrn(type, name);
const admin = () => stack.simulator.admin;

function freeGroup(): { serviceName: string; license: string } {
  const serviceName = stack.simulator.admin.addLicenceGroup({ tenant: { mpnId: "5123456" } });
  const license = stack.simulator.admin.licences().find((l) => l.licenceType !== "ADDON" && l.newSubscriptionsAllowed && l.newSeatsAllowed)!.name;
  return { serviceName, license };
}

const mutating = (serviceName: string) => stack.simulator.requestLog.mutatingRequests().filter((e) => e.path.includes(serviceName));

describe("launch contract", () => {
  it("prints its port alone on stdout, answers its version and its schema, and takes the engine's flags", async () => {
    expect(plugin().port).toBeGreaterThan(0);
    expect(plugin().version).toBe(require("../../package.json").version);
    const schema = await plugin().getSchema();
    expect(schema).toMatchObject({ name: "ovh-office365", version: plugin().version, resources: { [SUBSCRIPTION]: expect.any(Object), [LICENSE_GROUP]: expect.any(Object) } });
    // Everything the plugin printed after its port went to stderr or to the engine's log, never to stdout.
    expect(plugin().output().filter((line: OutputLine) => line.stream === "stdout")).toEqual([]);
  });
});

describe("configuration", () => {
  it("CheckConfig names each setting it cannot use and the fix, and accepts a good configuration", async () => {
    const { failures } = await plugin().checkConfig({}, { endpoint: "ovh-xx", maxRequestsPerSecond: "fast", allowDeletes: "a b/c", applicationKey: "ak", region: "eu" });
    const reasons = Object.fromEntries(failures.map((f) => [f.property, f.reason]));
    expect(Object.keys(reasons).sort()).toEqual(["allowDeletes", "applicationKey", "endpoint", "maxRequestsPerSecond", "region"]);
    expect(reasons.endpoint).toContain('"ovh-xx" is neither a known endpoint nor a URL');
    expect(reasons.region).toContain("is not a setting of the ovh-office365 provider");
    expect(reasons.maxRequestsPerSecond).toContain("must be a positive number");
    expect(reasons.applicationKey).toMatch(/Incomplete OVH application key credentials/);
    expect((await plugin().checkConfig({}, pluginConfig(simulatorStackConfig(stack.simulator)))).failures).toEqual([]);
  });

  it("DiffConfig names the settings that changed, and never replaces the provider", async () => {
    const olds = { endpoint: "ovh-eu", allowDeletes: "*" };
    expect(await plugin().diffConfig(olds, olds)).toMatchObject({ changes: "none", replaces: [] });
    expect(await plugin().diffConfig(olds, { endpoint: "ovh-ca", allowDeletes: "*" })).toMatchObject({ changes: "some", replaces: [], diffs: ["endpoint"] });
  });

  it("refuses a configuration it cannot use before any resource call, naming the setting", async () => {
    await expect(plugin().configure({ readSettleSeconds: "soon" })).rejects.toThrow(/readSettleSeconds must be a number from 0 to 3600/);
    await plugin().configure(stack.config, { secretKeys: ["applicationSecret", "consumerKey"] });
  });
});

describe("a subscription's life through the plugin", () => {
  it("check, diff with a detailed diff, create, update, drift, delete refused without intent, delete with it", async () => {
    const { serviceName, license } = freeGroup();
    const inputs = { serviceName, license, seats: 4 };
    const name = urn(SUBSCRIPTION, "life");
    const created = await up(plugin(), name, { inputs });
    expect(created.state.id).toMatch(new RegExp(`^${serviceName}/\\d+$`));
    expect(created.state.outputs).toMatchObject({ serviceName, license, licenseName: license, seats: 4, adopted: false, pendingTasks: [] });
    expect(created.state.outputs.__provider).toBeUndefined();

    const planned = await preview(plugin(), created.state, { inputs: { ...inputs, seats: 6 } });
    expect(planned).toMatchObject({ changes: true, replaces: [], detailedDiff: { seats: "update" } });
    let state: ResourceState = (await up(plugin(), name, { inputs: { ...inputs, seats: 6 }, previous: created.state })).state;
    expect(admin().subscriptions(serviceName).map((s) => s.quantity)).toEqual([6]);

    // Seats changed in the control panel: the refresh brings the live count into the inputs; the preview shows it.
    admin().setSeats(serviceName, state.outputs.subscriptionId as number, 9);
    state = (await refresh(plugin(), state))!;
    expect(state.inputs.seats).toBe(9);
    expect(await preview(plugin(), state, { inputs: { ...inputs, seats: 6 } })).toMatchObject({ changes: true, detailedDiff: { seats: "update" } });
    expect(await preview(plugin(), state, { inputs: { ...inputs, seats: 9 } })).toMatchObject({ changes: false });

    // A run whose configuration allows no delete. A licence change replaces the subscription: refused at preview,
    // before anything is ordered.
    const { allowDeletes: _everything, ...noDeletes } = stack.config;
    await stack.harness.restart(noDeletes);
    await expect(preview(plugin(), state, { inputs: { ...inputs, license: "Office 365 E1", seats: 9 } })).rejects.toThrow(/replaces the subscription[\s\S]*does not allow that delete/);
    await expect(destroy(plugin(), state)).rejects.toThrow(/not deleted[\s\S]*pulumi config set ovh-office365:allowDeletes/);
    expect(admin().subscriptions(serviceName).map((s) => s.quantity)).toEqual([9]);
    await stack.harness.restart({ ...noDeletes, allowDeletes: serviceName });
    await destroy(plugin(), state);
    expect(admin().subscriptions(serviceName)).toEqual([]);
    // Progress reached the engine's log, attached to the resource.
    expect(plugin().output().some((line) => line.stream === "engine" && line.text.includes(`${serviceName}/`) && line.text.includes("deleted"))).toBe(true);
    await stack.harness.restart(stack.config);
  });

  it("takes inputs the engine sends marked secret, unwrapped, and answers the engine's cancel", async () => {
    const { serviceName, license } = freeGroup();
    const created = await up(plugin(), urn(SUBSCRIPTION, "secret-seats"), { inputs: { serviceName, license: secretValue(license), seats: secretValue(3) } });
    expect(created.state.outputs).toMatchObject({ license, seats: 3 });
    expect(admin().subscriptions(serviceName).map((s) => s.quantity)).toEqual([3]);
    await plugin().cancel();
    expect(plugin().output().filter((line) => line.stream === "stdout")).toEqual([]);
  });

  it("a failure after the subscription exists reaches the engine as a partial state, which a refresh then reads", async () => {
    const { serviceName, license } = freeGroup();
    const existing = admin().addSubscription(serviceName, { license, seats: 9, ageHours: 400 });
    const inputs = { serviceName, license, seats: 5, subscriptionId: existing.id };
    const failure = (await up(plugin(), urn(SUBSCRIPTION, "partial"), { inputs }).catch((e: unknown) => e)) as ProviderOperationError;
    expect(failure).toBeInstanceOf(ProviderOperationError);
    expect(failure.message).toMatch(/Lowering seats \(9 => 5\) was refused/);
    expect(failure.recorded).toMatchObject({ id: `${serviceName}/${existing.id}`, outputs: { seats: 9, adopted: true } });
    expect((await refresh(plugin(), failure.recorded!))?.outputs).toMatchObject({ seats: 9 });
  });
});

describe("the schema and the lifecycle", () => {
  it("every output the lifecycle writes is a property of the schema, and every property it requires is written", async () => {
    const schema = (await plugin().getSchema()) as { resources: Record<string, { properties: Record<string, unknown>; required: string[] }> };
    const { serviceName, license } = freeGroup();
    const written = [
      [SUBSCRIPTION, (await up(plugin(), urn(SUBSCRIPTION, "schema-subscription"), { inputs: { serviceName, license, seats: 2, maxSeatChange: 5 } })).state.outputs],
      [LICENSE_GROUP, (await up(plugin(), urn(LICENSE_GROUP, "schema-group"), { inputs: { serviceName, displayName: "Schema SA", contact: { city: "Lyon" } } })).state.outputs],
    ] as const;
    for (const [type, outputs] of written) {
      const { properties, required } = schema.resources[type];
      expect({ type, unknown: Object.keys(outputs).filter((name) => !(name in properties)) }).toEqual({ type, unknown: [] });
      expect({ type, missing: required.filter((name) => !(name in outputs)) }).toEqual({ type, missing: [] });
    }
  });
});

describe("preview", () => {
  it("create and update in preview return unknown outputs and send nothing that changes OVH; the catalogue check stays", async () => {
    const { serviceName, license } = freeGroup();
    const before = mutating(serviceName).length;
    const toCreate = await preview(plugin(), undefined, { urn: urn(SUBSCRIPTION, "planned"), inputs: { serviceName, license, seats: 3 }, planned: true });
    expect(toCreate.planned).toMatchObject({ serviceName, license, seats: 3, subscriptionId: "04da6b54-80e4-46f7-96ec-b56ff0331ba9", status: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" });

    const created = (await up(plugin(), urn(SUBSCRIPTION, "planned"), { inputs: { serviceName, license, seats: 3 } })).state;
    const afterCreate = mutating(serviceName).length;
    const toUpdate = await preview(plugin(), created, { inputs: { serviceName, license, seats: 7 }, planned: true });
    expect(toUpdate).toMatchObject({ changes: true, planned: { seats: 7, lastUpdate: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" } });
    expect(mutating(serviceName).length).toBe(afterCreate);
    expect(afterCreate - before).toBe(1);
    expect(admin().subscriptions(serviceName).map((s) => s.quantity)).toEqual([3]);

    await expect(preview(plugin(), undefined, { urn: urn(SUBSCRIPTION, "typo"), inputs: { serviceName, license: "Microsoft 365 Busines Basic", seats: 3 }, planned: true })).rejects.toThrow(
      /license: .*matches no licence orderable/,
    );
  });
});

describe("import", () => {
  it("a subscription, an add-on and a licence group, by id alone: the inputs read back give no diff", async () => {
    const { serviceName } = freeGroup();
    const base = admin().licences().find((l) => l.licenceType !== "ADDON" && l.newSubscriptionsAllowed && l.addonIds.length > 0)!;
    const addonLicense = admin().licences().find((l) => l.id === base.addonIds[0])!;
    const parent = admin().addSubscription(serviceName, { license: base.name, seats: 12 });
    const addon = admin().addSubscription(serviceName, { license: addonLicense.name, seats: 3, parentSubscriptionId: parent.id });
    admin().setTenant(serviceName, { displayName: "Imported Ltd" });
    const before = mutating(serviceName).length;

    const importedParent = (await importResource(plugin(), urn(SUBSCRIPTION, "imported-parent"), `${serviceName}/${parent.id}`))!;
    expect(importedParent.inputs).toEqual({ serviceName, license: base.name, seats: 12, subscriptionId: parent.id });
    expect(importedParent.failures).toEqual([]);
    const importedAddon = (await importResource(plugin(), urn(SUBSCRIPTION, "imported-addon"), `${serviceName}/${addon.id}`))!;
    expect(importedAddon.inputs).toEqual({ serviceName, license: addonLicense.name, seats: 3, subscriptionId: addon.id, parentSubscriptionId: parent.id });
    const importedGroup = (await importResource(plugin(), urn(LICENSE_GROUP, "imported-group"), serviceName))!;
    expect(importedGroup.inputs).toEqual({ serviceName, displayName: "Imported Ltd" });

    for (const [imported, type] of [[importedParent, SUBSCRIPTION], [importedAddon, SUBSCRIPTION], [importedGroup, LICENSE_GROUP]] as const) {
      expect(await preview(plugin(), imported, { inputs: imported.inputs })).toMatchObject({ changes: false, replaces: [] });
      expect(imported.urn).toContain(type);
    }
    expect(await importResource(plugin(), urn(SUBSCRIPTION, "missing"), `${serviceName}/987654321`)).toBeUndefined();
    expect(mutating(serviceName).length).toBe(before);
  });
});

describe("two OVH accounts in one program", () => {
  let second: RunningSimulator;
  let secondHarness: ProviderHarness;

  beforeAll(async () => {
    second = await startSimulator({ seed: "empty", taskDurationMs: 100, credentials: { applicationKey: "second-ak", applicationSecret: "second-as", consumerKey: "second-ck" } });
    secondHarness = await openProviderHarness({
      label: "native-second-account",
      exportNames: [],
      plugin: true,
      config: pluginConfig(simulatorStackConfig(second)),
      secretKeys: ["applicationSecret", "consumerKey"],
    });
  });
  afterAll(async () => {
    await secondHarness?.close();
    await second?.close();
  });

  it("two provider processes, each configured with its account: each resource reaches only its own", async () => {
    const { serviceName: first, license } = freeGroup();
    const other = second.admin.addLicenceGroup({ tenant: { mpnId: "5123456" } });
    const secondBefore = second.requestLog.entries().length;
    const firstBefore = stack.simulator.requestLog.entries().length;

    const [onFirst, onSecond] = await Promise.all([
      up(plugin(), plugin().makeUrn(SUBSCRIPTION, "account-a"), { inputs: { serviceName: first, license, seats: 2 } }),
      up(secondHarness.plugin, secondHarness.plugin.makeUrn(SUBSCRIPTION, "account-b"), { inputs: { serviceName: other, license, seats: 5 } }),
    ]);
    expect(admin().subscriptions(first).map((s) => s.quantity)).toEqual([2]);
    expect(second.admin.subscriptions(other).map((s) => s.quantity)).toEqual([5]);
    expect(stack.simulator.requestLog.entries().slice(firstBefore).every((e) => !e.path.includes(other))).toBe(true);
    expect(second.requestLog.entries().slice(secondBefore).every((e) => !e.path.includes(first))).toBe(true);
    // Each simulator accepts only its own account's credentials: every request it answered was accepted.
    expect(second.requestLog.entries().slice(secondBefore).filter((e) => e.status >= 400)).toEqual([]);
    expect(stack.simulator.requestLog.entries().slice(firstBefore).filter((e) => e.status >= 400)).toEqual([]);

    await destroy(plugin(), onFirst.state);
    await destroy(secondHarness.plugin, onSecond.state);
    expect(admin().subscriptions(first)).toEqual([]);
    expect(second.admin.subscriptions(other)).toEqual([]);
  });
});
