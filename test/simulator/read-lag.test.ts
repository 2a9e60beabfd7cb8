import { startSimulator } from "../../simulator";
import { ovhCall, ovhOk, waitFor } from "./support/ovh-http";
import { ACME, ACME_PATH, message, variantSimulator, type OfficeSubscription, type OfficeTask } from "./support/variant-simulator";

const variants = variantSimulator();
const { subscription, subscriptionIds, untilEnded, licenseId, acmeSubscription } = variants;
const LAG_MS = 600;

/** Every object of the group's subscription list in list mode, as OVH's control panel reads it. */
async function listedObjects(): Promise<OfficeSubscription[]> {
  const answer = await ovhCall(variants.sim, { path: `${ACME_PATH}/subscription`, headers: { "X-Pagination-Mode": "CachedObjectList-Pages" } });
  expect(answer.status).toBe(200);
  return answer.body as OfficeSubscription[];
}

describe("reads that lag writes", () => {
  it("default to no lag: a done task's change shows at once", () => {
    expect(variants.sim.admin.settings()).toMatchObject({ seatChangeLagMs: 0, newSubscriptionLagMs: 0, deletedSubscriptionLagMs: 0, deliveredGroupLagMs: 0 });
  });

  it("are refused when not a whole number of milliseconds, naming the setting", async () => {
    expect(() => variants.sim.admin.setSettings({ seatChangeLagMs: -5 })).toThrow("seatChangeLagMs must be a whole number of milliseconds, 0 or more, got -5");
    await expect(startSimulator({ newSubscriptionLagMs: 1.5 })).rejects.toThrow("newSubscriptionLagMs must be a whole number of milliseconds");
  });

  it("seatChangeLagMs: reads show the old seat count for that long after the task is done, then the new one", async () => {
    variants.sim.admin.setSettings({ seatChangeLagMs: LAG_MS });
    const basic = acmeSubscription("Microsoft 365 Business Basic");
    const started = await ovhOk<OfficeTask>(variants.sim, { method: "POST", path: `${ACME_PATH}/subscription/${basic.id}/changeQuantity`, body: { quantity: basic.quantity + 2 } });
    const ended = await untilEnded(started.id);
    expect(ended.status).toBe("done");
    // The change is made: the admin API sees it, and OVH's rules check against it.
    expect(variants.sim.admin.subscription(ACME, basic.id)?.quantity).toBe(basic.quantity + 2);
    const again = await ovhCall(variants.sim, { method: "POST", path: `${ACME_PATH}/subscription/${basic.id}/changeQuantity`, body: { quantity: basic.quantity + 2 } });
    expect(again.status).toBe(400);
    expect(message(again)).toContain(`already has ${basic.quantity + 2} seats`);
    // Reads, one by one and in list mode, still show the seats from before, with no task pending.
    expect(await subscription(basic.id)).toMatchObject({ quantity: basic.quantity, taskPendingId: 0 });
    expect((await listedObjects()).find((s) => s.id === basic.id)).toMatchObject({ quantity: basic.quantity });
    await waitFor(async () => (await subscription(basic.id)).quantity === basic.quantity + 2, 5_000, "the new seat count to show");
    expect((await listedObjects()).find((s) => s.id === basic.id)).toMatchObject({ quantity: basic.quantity + 2 });
  });

  it("newSubscriptionLagMs: a new subscription (an add-on too) is neither listed nor readable for that long after its task is done", async () => {
    variants.sim.admin.setSettings({ newSubscriptionLagMs: LAG_MS });
    const ordered = await ovhOk<OfficeTask>(variants.sim, {
      method: "POST",
      path: `${ACME_PATH}/subscription`,
      body: { licenseId: licenseId("Office 365 E1"), quantity: 3 },
    });
    expect((await untilEnded(ordered.id)).status).toBe("done");
    const created = variants.sim.admin.subscriptions(ACME).find((s) => s.licenseName === "Office 365 E1");
    expect(created).toBeDefined();
    expect(await subscriptionIds()).not.toContain(created!.id);
    expect((await listedObjects()).map((s) => s.id)).not.toContain(created!.id);
    const read = await ovhCall(variants.sim, { path: `${ACME_PATH}/subscription/${created!.id}` });
    expect(read.status).toBe(404);
    await waitFor(async () => (await subscriptionIds()).includes(created!.id), 5_000, "the new subscription to be listed");
    expect(await subscription(created!.id)).toMatchObject({ quantity: 3, status: "ok" });

    const standard = acmeSubscription("Microsoft 365 Business Standard");
    const addonsBefore = await ovhOk<number[]>(variants.sim, { path: `${ACME_PATH}/subscription/${standard.id}/addonsSubscriptionIds` });
    const addon = await ovhOk<OfficeTask>(variants.sim, {
      method: "POST",
      path: `${ACME_PATH}/subscription/${standard.id}/orderAddon`,
      body: { licenseId: licenseId("Microsoft 365 Audio Conferencing"), quantity: 2 },
    });
    expect((await untilEnded(addon.id)).status).toBe("done");
    expect(await ovhOk<number[]>(variants.sim, { path: `${ACME_PATH}/subscription/${standard.id}/addonsSubscriptionIds` })).toEqual(addonsBefore);
    await waitFor(
      async () => (await ovhOk<number[]>(variants.sim, { path: `${ACME_PATH}/subscription/${standard.id}/addonsSubscriptionIds` })).length > addonsBefore.length,
      5_000,
      "the new add-on to be listed under its parent",
    );
  });

  it("deletedSubscriptionLagMs: a deleted subscription (and its add-ons) is still read as it was for that long, then gone", async () => {
    variants.sim.admin.setSettings({ deletedSubscriptionLagMs: LAG_MS });
    const standard = acmeSubscription("Microsoft 365 Business Standard");
    const addonIds = await ovhOk<number[]>(variants.sim, { path: `${ACME_PATH}/subscription/${standard.id}/addonsSubscriptionIds` });
    expect(addonIds.length).toBeGreaterThan(0);
    const deleting = await ovhOk<OfficeTask>(variants.sim, { method: "DELETE", path: `${ACME_PATH}/subscription/${standard.id}` });
    expect((await untilEnded(deleting.id)).status).toBe("done");
    expect(variants.sim.admin.subscriptions(ACME).map((s) => s.id)).not.toContain(standard.id);
    expect(await subscription(standard.id)).toMatchObject({ status: "ok", quantity: standard.quantity, taskPendingId: 0 });
    expect(await subscriptionIds()).toEqual(expect.arrayContaining([standard.id, ...addonIds]));
    // Nothing can be done with it: OVH's rules see it gone.
    const change = await ovhCall(variants.sim, { method: "POST", path: `${ACME_PATH}/subscription/${standard.id}/changeQuantity`, body: { quantity: 1 } });
    expect(change.status).toBe(404);
    await waitFor(async () => !(await subscriptionIds()).includes(standard.id), 5_000, "the deleted subscription to leave the list");
    expect((await ovhCall(variants.sim, { path: `${ACME_PATH}/subscription/${standard.id}` })).status).toBe(404);
    expect(await subscriptionIds()).not.toEqual(expect.arrayContaining(addonIds));
  });

  it("combine with lingering deleted subscriptions: the old view first, then the deleted status, then nothing", async () => {
    variants.sim.admin.setSettings({ deletedSubscriptionLagMs: 300, deletedSubscriptions: "linger", deletedSubscriptionStatus: "inactive", deletedSubscriptionLingerMs: 900 });
    const basic = acmeSubscription("Microsoft 365 Business Basic");
    const deleting = await ovhOk<OfficeTask>(variants.sim, { method: "DELETE", path: `${ACME_PATH}/subscription/${basic.id}` });
    await untilEnded(deleting.id);
    expect((await subscription(basic.id)).status).toBe("ok");
    await waitFor(async () => (await subscription(basic.id)).status === "inactive", 5_000, "the lingering status");
    await waitFor(async () => (await ovhCall(variants.sim, { path: `${ACME_PATH}/subscription/${basic.id}` })).status === 404, 5_000, "the end of lingering");
  });

  it("deliveredGroupLagMs: a licence group an order delivered is neither listed nor readable for that long", async () => {
    variants.sim.admin.setSettings({ deliveredGroupLagMs: LAG_MS, orderDurationMs: 50 });
    const cart = await ovhOk<{ cartId: string }>(variants.sim, { method: "POST", path: "/order/cart", body: { ovhSubsidiary: "FR" } });
    await ovhOk(variants.sim, { method: "POST", path: `/order/cart/${cart.cartId}/assign` });
    await ovhOk(variants.sim, { method: "POST", path: `/order/cart/${cart.cartId}/csp2`, body: { planCode: "csp2-office365-reseller", duration: "P1M", pricingMode: "default", quantity: 1 } });
    const order = await ovhOk<{ orderId: number }>(variants.sim, { method: "POST", path: `/order/cart/${cart.cartId}/checkout`, body: { autoPayWithPreferredPaymentMethod: true, waiveRetractationPeriod: false } });
    const groupsBefore = new Set(variants.sim.admin.licenceGroups());
    const delivered = await waitFor(() => variants.sim.admin.licenceGroups().find((g) => !groupsBefore.has(g)), 5_000, "the delivery");
    expect(await ovhOk<string>(variants.sim, { path: `/me/order/${order.orderId}/status` })).toBe("delivered");
    expect(await ovhOk<string[]>(variants.sim, { path: "/saas/csp2" })).not.toContain(delivered);
    expect((await ovhCall(variants.sim, { path: `/saas/csp2/${delivered}` })).status).toBe(404);
    await waitFor(async () => (await ovhCall(variants.sim, { path: `/saas/csp2/${delivered}` })).status === 200, 5_000, "the group to be readable");
    expect(await ovhOk<string[]>(variants.sim, { path: "/saas/csp2" })).toContain(delivered);
  });

  it("apply to task results only: a change made in the control panel (the admin API) shows at once", () => {
    variants.sim.admin.setSettings({ seatChangeLagMs: 60_000 });
    const basic = acmeSubscription("Microsoft 365 Business Basic");
    variants.sim.admin.setSeats(ACME, basic.id, basic.quantity + 1);
    return expect(subscription(basic.id)).resolves.toMatchObject({ quantity: basic.quantity + 1 });
  });
});
