import { readFileSync } from "node:fs";
import * as path from "node:path";
import { destroy, dynamicResourceType, preview, refresh, up } from "../../pulumi-host";
import { openResourceStack, type ResourceStack } from "../support/resource-stack";

/**
 * Stacks store the serialized provider (`__provider`) of the version that last wrote each resource, and the engine
 * runs that text against whatever version of the package is installed. These texts were recorded from version 0.1.0
 * (the package built from commit 2106ba5, `serializeProvider` in a program with it installed): they require
 * `pulumi-ovh-office365/dist/provider/resources/{subscription,license-group}-lifecycle.js` and call `configure`,
 * `check`, `diff`, `create`, `read`, `update` and `remove` with the arguments of that time. The current package
 * must keep answering them: refresh, update and delete of resources an older version created.
 */

const recorded = (name: string) => readFileSync(path.join(__dirname, "stored-provider-0.1.0", name), "utf8");
const SUBSCRIPTION_0_1_0 = recorded("subscription-provider.txt");
const LICENSE_GROUP_0_1_0 = recorded("license-group-provider.txt");
let stack: ResourceStack;

beforeAll(async () => {
  stack = await openResourceStack("stored-provider-0.1.0", { taskDurationMs: 100 });
});
afterAll(async () => stack?.close());

it("the recorded texts are the small requires of the lifecycles", () => {
  expect(SUBSCRIPTION_0_1_0).toContain('require("pulumi-ovh-office365/dist/provider/resources/subscription-lifecycle.js")');
  expect(LICENSE_GROUP_0_1_0).toContain('require("pulumi-ovh-office365/dist/provider/resources/license-group-lifecycle.js")');
  for (const text of [SUBSCRIPTION_0_1_0, LICENSE_GROUP_0_1_0]) expect(text).toMatch(/delete: __f\d[\s\S]*lifecycle\.remove\(id, props\)/);
});

it("a Subscription written by 0.1.0 is refreshed, updated and deleted by the current package", async () => {
  const { admin } = stack.simulator;
  const host = stack.harness.host;
  const serviceName = admin.addLicenceGroup();
  const license = admin.licences().find((l) => l.licenceType !== "ADDON" && l.newSubscriptionsAllowed && l.newSeatsAllowed)!.name;
  const urn = host.makeUrn(dynamicResourceType("Subscription", "ovh-office365"), "written-by-0.1.0");
  const declared = (seats: number) => ({ inputs: { serviceName, license, seats }, providerText: SUBSCRIPTION_0_1_0 });

  const created = (await up(host, urn, declared(3))).state;
  expect(created.outputs.__provider).toBe(SUBSCRIPTION_0_1_0);
  const id = created.outputs.subscriptionId as number;
  admin.setSeats(serviceName, id, 5);
  const refreshed = (await refresh(host, created))!;
  expect(refreshed.inputs.seats).toBe(5);
  expect(await preview(host, refreshed, declared(3))).toEqual({ changes: true, replaces: [] });
  const updated = await up(host, urn, { ...declared(4), previous: refreshed });
  expect(updated.step).toBe("update");
  expect(admin.subscription(serviceName, id)?.quantity).toBe(4);
  await destroy(host, updated.state);
  expect(admin.subscriptions(serviceName)).toEqual([]);
});

it("a LicenseGroup written by 0.1.0 is refreshed, updated and deleted (forgotten) by the current package", async () => {
  const { admin } = stack.simulator;
  const host = stack.harness.host;
  const serviceName = admin.addLicenceGroup({ tenant: { displayName: "Written by 0.1.0" } });
  const urn = host.makeUrn(dynamicResourceType("LicenseGroup", "ovh-office365"), "written-by-0.1.0");
  const created = (await up(host, urn, { inputs: { serviceName, displayName: "Written by 0.1.0" }, providerText: LICENSE_GROUP_0_1_0 })).state;
  admin.setTenant(serviceName, { displayName: "Renamed by hand" });
  const refreshed = (await refresh(host, created))!;
  expect(refreshed.inputs.displayName).toBe("Renamed by hand");
  const updated = await up(host, urn, { inputs: { serviceName, displayName: "Written by 0.1.0" }, providerText: LICENSE_GROUP_0_1_0, previous: refreshed });
  expect(updated.step).toBe("update");
  await destroy(host, updated.state);
  await expect(host.waitForOutput(`${serviceName}: removed from the program but NOT terminated`, 10_000)).resolves.toBeDefined();
  expect(admin.licenceGroups()).toContain(serviceName);
});
