import { destroy, dynamicResourceType, preview, ProviderOperationError, refresh, up, type PropertyMap, type ResourceState } from "../../pulumi-host";
import { openResourceStack, simulatorStackConfig, type ResourceStack } from "../support/resource-stack";

/**
 * A create or update that fails after the resource came to exist leaves a partial state, which the engine records
 * exactly as the error carries it. Each path that can leave one (a subscription adopted, ordered, updated; a licence
 * group adopted, ordered) is made to fail after that point, through the real provider host. The recorded state must
 * carry the `__provider` the host needs to load the provider: the refresh, the preview with refresh (the drift job)
 * and the destroy that follow all go through.
 */

const SUBSCRIPTION = dynamicResourceType("Subscription", "ovh-office365");
const LICENSE_GROUP = dynamicResourceType("LicenseGroup", "ovh-office365");
let stack: ResourceStack;

beforeAll(async () => {
  stack = await openResourceStack("partial-state", { taskDurationMs: 100 });
});
afterAll(async () => stack?.close());

const host = () => stack.harness.host;
const providers = () => stack.harness.providers;

/** Runs `up`, expects it to fail with a partial state, and returns what the engine recorded. */
async function partialUp(type: string, name: string, inputs: PropertyMap, providerText: string, previous?: ResourceState): Promise<ResourceState> {
  const error = await up(host(), host().makeUrn(type, name), { inputs, providerText, previous }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderOperationError);
  const failure = error as ProviderOperationError;
  expect(failure.initFailure).toBeDefined();
  expect(failure.initFailure!.properties.__provider).toBe(providerText);
  return failure.recorded!;
}

/** What follows a partial state: a refresh and a preview (the drift job), then a destroy, each a run of its own. */
async function refreshPreviewDestroy(recorded: ResourceState, inputs: PropertyMap, providerText: string): Promise<void> {
  await stack.harness.restart();
  const refreshed = (await refresh(host(), recorded))!;
  expect(refreshed).toBeDefined();
  await preview(host(), refreshed, { inputs, providerText });
  await stack.harness.restart();
  await destroy(host(), refreshed);
}

function freeGroup(): { serviceName: string; license: string } {
  const { admin } = stack.simulator;
  const serviceName = admin.addLicenceGroup({ tenant: { mpnId: "5123456" } });
  return { serviceName, license: admin.licences().find((l) => l.licenceType !== "ADDON" && l.newSubscriptionsAllowed && l.newSeatsAllowed)!.name };
}

describe("a partial state carries __provider, and what follows it goes through", () => {
  it("Subscription adopted, its seat change refused", async () => {
    const { admin } = stack.simulator;
    const { serviceName, license } = freeGroup();
    const existing = admin.addSubscription(serviceName, { license, seats: 9, ageHours: 400 });
    const inputs = { serviceName, license, seats: 5, subscriptionId: existing.id };
    const recorded = await partialUp(SUBSCRIPTION, "adopted", inputs, providers().subscriptionProvider);
    expect(recorded).toMatchObject({ id: `${serviceName}/${existing.id}`, outputs: { seats: 9, adopted: true } });
    await refreshPreviewDestroy(recorded, inputs, providers().subscriptionProvider);
  });

  it("Subscription ordered, its order not shown within the settle window (a pending order)", async () => {
    const { admin } = stack.simulator;
    const { serviceName, license } = freeGroup();
    const inputs = { serviceName, license, seats: 2 };
    const defaults = admin.settings();
    admin.setSettings({ newSubscriptionLagMs: 3000 });
    try {
      await stack.harness.restart({ ...simulatorStackConfig(stack.simulator), "ovh-office365:readSettleSeconds": "1" });
      const recorded = await partialUp(SUBSCRIPTION, "ordered", inputs, providers().subscriptionProvider);
      expect(recorded.outputs).toMatchObject({ pendingOrder: { seats: 2 } });
      await new Promise((resolve) => setTimeout(resolve, 3000));
      await refreshPreviewDestroy(recorded, inputs, providers().subscriptionProvider);
      expect(admin.subscriptions(serviceName).filter((s) => s.status === "ok")).toEqual([]);
    } finally {
      admin.setSettings(defaults);
      await stack.harness.restart(simulatorStackConfig(stack.simulator));
    }
  });

  it("Subscription updated, its seat decrease refused", async () => {
    const { admin } = stack.simulator;
    const { serviceName, license } = freeGroup();
    const urn = host().makeUrn(SUBSCRIPTION, "updated");
    const created = (await up(host(), urn, { inputs: { serviceName, license, seats: 6 }, providerText: providers().subscriptionProvider })).state;
    admin.ageSubscription(serviceName, created.outputs.subscriptionId as number, 400);
    const inputs = { serviceName, license, seats: 3 };
    const recorded = await partialUp(SUBSCRIPTION, "updated", inputs, providers().subscriptionProvider, created);
    // A partial update keeps the old inputs with the live outputs.
    expect(recorded).toMatchObject({ id: created.id, inputs: created.inputs, outputs: { seats: 6 } });
    await refreshPreviewDestroy(recorded, inputs, providers().subscriptionProvider);
  });

  it.each([
    ["adopted", (serviceName: string) => ({ serviceName, displayName: "Partial Adoption SA" })],
    ["ordered", () => ({ order: { ovhSubsidiary: "FR", planCode: "csp2-office365-reseller" }, displayName: "Partial Order SA" })],
  ])("LicenseGroup %s, its tenant change refused", async (name, inputsFor) => {
    const { admin } = stack.simulator;
    const serviceName = admin.addLicenceGroup();
    const inputs = inputsFor(serviceName);
    const refused = admin.addFault({ kind: "httpError", status: 403, method: "PUT", path: "/saas/csp2/*", count: 1 });
    try {
      const recorded = await partialUp(LICENSE_GROUP, `group-${name}`, inputs, providers().licenseGroupProvider);
      expect(recorded.outputs).toMatchObject({ adopted: name === "adopted" });
      await refreshPreviewDestroy(recorded, inputs, providers().licenseGroupProvider);
    } finally {
      admin.removeFault(refused);
    }
  });
});
