import { destroy, preview, up, dynamicResourceType } from "../../pulumi-host";
import { openResourceStack, simulatorStackConfig, type ResourceStack } from "../support/resource-stack";

/**
 * Deletes at OVH need intent, read from the stack config of the run doing them: a subscription removed from the
 * program, a replacement, and a group termination are refused unless `ovh-office365:allowDeletes` covers them.
 */

const SUBSCRIPTION = dynamicResourceType("Subscription", "ovh-office365");
const LICENSE_GROUP = dynamicResourceType("LicenseGroup", "ovh-office365");
let stack: ResourceStack;

beforeAll(async () => {
  stack = await openResourceStack("deletion-intent", { taskDurationMs: 100 });
});
afterAll(async () => stack?.close());

const host = () => stack.harness.host;
const providers = () => stack.harness.providers;
/** The next run, with its own stack config: the simulator's, with or without an allowance. */
const nextRun = (allowDeletes?: string) => {
  const { "ovh-office365:allowDeletes": _everything, ...config } = simulatorStackConfig(stack.simulator);
  return stack.harness.restart(allowDeletes === undefined ? config : { ...config, "ovh-office365:allowDeletes": allowDeletes });
};
const mutating = (serviceName: string) => stack.simulator.requestLog.mutatingRequests().filter((entry) => entry.apiPath.includes(serviceName)).length;
const firstLicense = () => stack.simulator.admin.licences().find((l) => l.licenceType !== "ADDON" && l.newSubscriptionsAllowed && l.newSeatsAllowed)!;

afterEach(() => nextRun("*"));

it("a subscription removed from the program is not deleted at OVH until this run's stack config allows it", async () => {
  const serviceName = stack.simulator.admin.addLicenceGroup();
  const license = firstLicense().name;
  const created = await up(host(), host().makeUrn(SUBSCRIPTION, "kept"), { inputs: { serviceName, license, seats: 3 }, providerText: providers().subscriptionProvider });
  const id = created.state.id;

  await nextRun();
  const before = mutating(serviceName);
  const refused = (await destroy(host(), created.state).catch((e: unknown) => e)) as Error;
  expect(refused.message).toContain(`${id}: not deleted. Deleting this subscription at OVH cancels its 3 seats of "${license}"`);
  expect(refused.message).toContain(`pulumi config set ovh-office365:allowDeletes ${id}`);
  expect(mutating(serviceName)).toBe(before);
  expect(stack.simulator.admin.subscriptions(serviceName).map((s) => s.quantity)).toEqual([3]);

  // Another group in the allowance does not cover this one.
  await nextRun("csp2-someone-else");
  await expect(destroy(host(), created.state)).rejects.toThrow("not deleted");
  expect(mutating(serviceName)).toBe(before);

  await nextRun(id);
  await destroy(host(), created.state);
  expect(stack.simulator.admin.subscriptions(serviceName)).toEqual([]);
});

it("a licence change that would replace the subscription is refused at preview, before anything is ordered", async () => {
  const serviceName = stack.simulator.admin.addLicenceGroup();
  const [first, second] = stack.simulator.admin.licences().filter((l) => l.licenceType !== "ADDON" && l.newSubscriptionsAllowed);
  const created = await up(host(), host().makeUrn(SUBSCRIPTION, "replaced"), {
    inputs: { serviceName, license: first.name, seats: 2 },
    providerText: providers().subscriptionProvider,
  });
  await nextRun();
  const before = mutating(serviceName);
  const changed = { inputs: { serviceName, license: second.name, seats: 2 }, providerText: providers().subscriptionProvider };
  await expect(preview(host(), created.state, changed)).rejects.toThrow(/changing license replaces the subscription: a new one is ordered and this one \(2 seats of/);
  await expect(up(host(), created.state.urn, { ...changed, previous: created.state })).rejects.toThrow("this stack does not allow that delete");
  await expect(preview(host(), created.state, changed)).rejects.toThrow(
    `To replace it, allow the delete in the same change: \`pulumi config set ovh-office365:allowDeletes ${created.state.id}\` (or the whole group, ${serviceName}; "*" allows every delete).`,
  );
  expect(mutating(serviceName)).toBe(before);

  await nextRun(serviceName);
  const replaced = await up(host(), created.state.urn, { ...changed, previous: created.state });
  expect(replaced.step).toBe("replace");
  expect(stack.simulator.admin.subscriptions(serviceName).map((s) => s.licenseName)).toEqual([second.name]);
});

it("a group with terminateOnDelete is terminated only when the stack config allows it; one without is forgotten, saying so", async () => {
  const terminated = stack.simulator.admin.addLicenceGroup();
  const forgotten = stack.simulator.admin.addLicenceGroup();
  const group = (serviceName: string, terminateOnDelete: boolean) =>
    up(host(), host().makeUrn(LICENSE_GROUP, serviceName), { inputs: { serviceName, terminateOnDelete }, providerText: providers().licenseGroupProvider });
  const toTerminate = (await group(terminated, true)).state;
  const toForget = (await group(forgotten, false)).state;

  await nextRun();
  await expect(destroy(host(), toTerminate)).rejects.toThrow(`${terminated}: not terminated. terminateOnDelete is true`);
  expect(stack.simulator.admin.terminationToken(terminated)).toBeNull();
  await destroy(host(), toForget);
  await expect(host().waitForOutput(`${forgotten}: removed from the program but NOT terminated`, 10_000)).resolves.toBeDefined();
  expect(stack.simulator.admin.licenceGroups()).toContain(forgotten);

  await nextRun(terminated);
  await destroy(host(), toTerminate);
  expect(stack.simulator.admin.terminationToken(terminated)).toEqual(expect.any(String));
});

it("a malformed allowance fails the run's first operation, naming the key, before anything is called", async () => {
  const serviceName = stack.simulator.admin.addLicenceGroup();
  await nextRun("{not a list}");
  const before = stack.simulator.requestLog.entries().length;
  await expect(
    up(host(), host().makeUrn(SUBSCRIPTION, "never"), { inputs: { serviceName, license: firstLicense().name, seats: 1 }, providerText: providers().subscriptionProvider }),
  ).rejects.toThrow(/ovh-office365:allowDeletes is .* give "\*", licence group serviceNames/);
  expect(stack.simulator.requestLog.entries().length).toBe(before);
});

it("a resource renamed without an alias takes its subscription over, and the old one's delete is refused: nothing is lost", async () => {
  const serviceName = stack.simulator.admin.addLicenceGroup();
  const license = firstLicense().name;
  const inputs = { serviceName, license, seats: 3 };
  const before = await up(host(), host().makeUrn(SUBSCRIPTION, "old-name"), { inputs, providerText: providers().subscriptionProvider });
  // The next `pulumi up`, with everything allowed: the new name is created first, then the old one deleted.
  await nextRun("*");
  const renamed = await up(host(), host().makeUrn(SUBSCRIPTION, "new-name"), { inputs, providerText: providers().subscriptionProvider });
  expect(renamed.state.id).toBe(before.state.id);
  const deletes = () => stack.simulator.requestLog.entries({ method: "DELETE", apiPath: new RegExp(`/saas/csp2/${serviceName}/`) }).length;
  await expect(destroy(host(), before.state)).rejects.toThrow(/not deleted: another resource of this program took subscription \d+ over in this run[\s\S]*aliases/);
  expect(deletes()).toBe(0);
  expect(stack.simulator.admin.subscriptions(serviceName).map((s) => s.quantity)).toEqual([3]);
});
