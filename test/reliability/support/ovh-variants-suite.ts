import { up } from "../../../pulumi-host";
import { openResourceStack, type ProviderFlavor, type ResourceStack } from "../../support/resource-stack";
import { describeVariant, emptyFigures, runLifecycle, type Variant } from "./variant-scenario";

/**
 * Every variant the simulator offers of what OVH does not publish (docs/ovh-assumptions.md), one at a time, through
 * a real provider (the dynamic-provider host, or the native plugin): a subscription's whole life, host kills included,
 * under each. Each flavour's test file calls `ovhVariantsSuite`.
 */
export function ovhVariantsSuite(flavor: ProviderFlavor): void {
  let stack: ResourceStack;
  const figures = emptyFigures();
  let variantsRun = 0;

  beforeAll(async () => {
    stack = await openResourceStack(`ovh-variants-${flavor}`, { taskDurationMs: 100, flavor });
  });
  afterAll(async () => {
    console.log(
      `OVH variants (${flavor}): ${variantsRun} variants × a subscription's life (create, update, update racing a control-panel task, ` +
        `refused decrease, out-of-band delete, kills mid-create/update/delete, delete): ${figures.cases} checks, ` +
        `orders ${figures.orders} (declared ${figures.ordersExpected}), duplicates ${figures.orders - figures.ordersExpected}, seats lost ${figures.seatsLost}`,
    );
    await stack?.close();
  });

  const variants: Variant[] = [
    {},
    { finishedTasks: "vanish" },
    { pendingTaskRefusal: 400 },
    { pendingTaskRefusal: 403 },
    { deletedSubscriptions: "linger", deletedSubscriptionStatus: "terminated", deletedSubscriptionLingerMs: 1500 },
    { deletedSubscriptions: "linger", deletedSubscriptionStatus: "inactive", deletedSubscriptionLingerMs: 1500 },
    { seatDecreaseRefusal: "taskError" },
    { mpnIdRequired: true },
    { listMode: "ignored" },
    { listMode: "noFilter" },
    { listMode: "noPaging" },
  ];

  it.each(variants.map((variant) => [describeVariant(variant), variant] as const))("%s: one order per declared subscription, declared seats, no guess", async (_name, variant) => {
    await runLifecycle(stack, variant, { kills: true, outOfBandDelete: true }, figures);
    variantsRun += 1;
  }, 180_000);

  describe("variants a subscription's life does not meet", () => {
    it("mpnIdRequired=true: an order on a tenant without MPN ID is refused once, saying to set it; then the next run orders once", async () => {
      const { admin, requestLog } = stack.simulator;
      const defaults = admin.settings();
      admin.setSettings({ mpnIdRequired: true });
      try {
        const serviceName = admin.addLicenceGroup();
        const license = admin.licences().find((l) => l.licenceType !== "ADDON" && l.newSubscriptionsAllowed)!.name;
        const host = stack.harness.host;
        const run = () => up(host, host.makeUrn(stack.subscription.type, "no-mpn"), { inputs: { serviceName, license, seats: 2 }, providerText: stack.subscription.providerText });
        const orders = () => requestLog.entries({ method: "POST", apiPath: `/saas/csp2/${serviceName}/subscription` }).map((e) => e.status);
        await expect(run()).rejects.toThrow(/403 Client::Forbidden[\s\S]*has no MPN ID \(Microsoft Partner Network id\)[\s\S]*set it in the OVH control panel/);
        expect(orders()).toEqual([403]);
        admin.setTenant(serviceName, { mpnId: "5123456" });
        expect((await run()).state.outputs).toMatchObject({ seats: 2 });
        expect(orders()).toEqual([403, 200]);
      } finally {
        admin.setSettings(defaults);
      }
    });

    it("groupOrderConfigurations=required: a group order without them names each, orders nothing and deletes its cart; with them, one order", async () => {
      const { admin, requestLog } = stack.simulator;
      const defaults = admin.settings();
      admin.setSettings({ groupOrderConfigurations: "required" });
      try {
        const host = stack.harness.host;
        const urn = host.makeUrn(stack.licenseGroup.type, "configured-order");
        const order = { ovhSubsidiary: "FR", planCode: "csp2-office365-reseller" };
        const run = (configurations?: { label: string; value: string }[]) =>
          up(host, urn, { inputs: { order: { ...order, configurations }, displayName: "Configured Order SA" }, providerText: stack.licenseGroup.providerText });
        const checkouts = () => requestLog.entries({ method: "POST", apiPath: /^\/order\/cart\/[^/]+\/checkout$/ }).length;
        const checkoutsBefore = checkouts();
        const groupsBefore = admin.licenceGroups();
        const cartsBefore = Object.keys(admin.state().carts);

        await expect(run()).rejects.toThrow(/order\.configurations: .* lack what plan csp2-office365-reseller requires: "mpn_id" \(string\), "tenant_domain" \(string\)[\s\S]*nothing was ordered and the cart was deleted/);
        expect(checkouts()).toBe(checkoutsBefore);
        expect(Object.keys(admin.state().carts)).toEqual(cartsBefore);
        expect(requestLog.entries({ method: "DELETE", apiPath: /^\/order\/cart\/[^/]+$/ }).map((e) => e.status)).toContain(200);

        const ordered = await run([
          { label: "mpn_id", value: "5123456" },
          { label: "tenant_domain", value: "configured-order.onmicrosoft.com" },
        ]);
        expect(checkouts()).toBe(checkoutsBefore + 1);
        expect(admin.licenceGroups().filter((g) => !groupsBefore.includes(g))).toEqual([ordered.state.id]);
        expect(ordered.state.outputs).toMatchObject({ adopted: false, tenant: expect.objectContaining({ mpnId: "5123456" }) });
      } finally {
        admin.setSettings(defaults);
      }
    });
  });
}
