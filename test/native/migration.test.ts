import { destroy, importResource, preview, up, type ResourceState } from "../../pulumi-host";
import { openProviderHarness, type ProviderHarness } from "../support/provider-harness";
import { openResourceStack, pluginConfig, type ResourceStack } from "../support/resource-stack";

/**
 * The documented move of a stack from the dynamic resources to the provider plugin (README, "Moving a stack from the
 * dynamic resources"), step by step against one simulated account: nothing is ordered, changed or deleted at OVH on
 * the way, and the plugin manages the same subscriptions afterwards.
 */

let dynamic: ResourceStack;
let plugin: ProviderHarness;

beforeAll(async () => {
  dynamic = await openResourceStack("migration", { taskDurationMs: 100 });
  // The same account, the same settings, through the plugin.
  plugin = await openProviderHarness({ label: "migration-plugin", exportNames: [], plugin: true, config: pluginConfig(dynamic.config), secretKeys: ["applicationSecret", "consumerKey"] });
});
afterAll(async () => {
  await plugin?.close();
  await dynamic?.close();
});

it("import each resource by its id, drop the dynamic ones from the state, and manage the same subscriptions through the plugin", async () => {
  const { admin, requestLog } = dynamic.simulator;
  const serviceName = admin.addLicenceGroup({ tenant: { mpnId: "5123456", displayName: "Moving Ltd" } });
  const license = admin.licences().find((l) => l.licenceType !== "ADDON" && l.newSubscriptionsAllowed && l.newSeatsAllowed)!.name;
  const groupInputs = { serviceName, displayName: "Moving Ltd" };
  const subscriptionInputs = { serviceName, license, seats: 4 };

  // The stack as it is: dynamic resources.
  const host = dynamic.harness.host;
  const dynamicGroup = (await up(host, host.makeUrn(dynamic.licenseGroup.type, "moving"), { inputs: groupInputs, providerText: dynamic.licenseGroup.providerText })).state;
  const dynamicSubscription = (await up(host, host.makeUrn(dynamic.subscription.type, "moving-basic"), { inputs: subscriptionInputs, providerText: dynamic.subscription.providerText })).state;
  const before = requestLog.mutatingRequests().length;

  // 1. `pulumi import` each resource into the plugin's type, by the id the dynamic resource has.
  const p = plugin.plugin;
  const importedGroup = (await importResource(p, p.makeUrn("ovh-office365:index:LicenseGroup", "moving"), dynamicGroup.id))!;
  const importedSubscription = (await importResource(p, p.makeUrn("ovh-office365:index:Subscription", "moving-basic"), dynamicSubscription.id))!;
  expect(importedGroup.failures).toEqual([]);
  expect(importedSubscription.failures).toEqual([]);
  expect(importedSubscription.id).toBe(dynamicSubscription.id);

  // 2. The program now declares the plugin's resources as it declared the dynamic ones, plus the adopted id the import
  // wrote: its preview shows no change.
  const declared = { ...subscriptionInputs, subscriptionId: dynamicSubscription.outputs.subscriptionId };
  expect(await preview(p, importedSubscription, { inputs: declared })).toMatchObject({ changes: false, replaces: [] });
  expect(await preview(p, importedGroup, { inputs: groupInputs })).toMatchObject({ changes: false, replaces: [] });

  // 3. The dynamic resources leave the state without a delete at OVH: `pulumi state delete <urn>` calls no provider.
  // Had they been removed from the program instead, their delete would be refused without allowDeletes:
  await dynamic.harness.restart({ ...dynamic.config, "ovh-office365:allowDeletes": "" });
  await expect(destroy(dynamic.harness.host, dynamicSubscription)).rejects.toThrow(/not deleted/);
  expect(requestLog.mutatingRequests().length).toBe(before);

  // 4. The plugin manages the subscription from now on.
  const raised = await up(p, importedSubscription.urn, { inputs: { ...declared, seats: 6 }, previous: importedSubscription as ResourceState });
  expect(raised.step).toBe("update");
  expect(admin.subscriptions(serviceName).map((s) => s.quantity)).toEqual([6]);
  expect(requestLog.mutatingRequests().slice(before).map((e) => e.method)).toEqual(["POST"]);
});
