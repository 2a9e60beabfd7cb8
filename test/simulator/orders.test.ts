import { startSimulator, type RunningSimulator } from "../../simulator";
import { ovhCall, ovhOk, waitFor } from "./support/ovh-http";

let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSimulator({ taskDurationMs: 100, orderDurationMs: 300 });
});
afterAll(() => sim.close());
beforeEach(() => sim.admin.reset());

interface Cart {
  cartId: string;
  items: number[];
  readOnly: boolean;
}

async function cartWithGroup(): Promise<{ cartId: string; planCode: string }> {
  const cart = await ovhOk<Cart>(sim, { method: "POST", path: "/order/cart", body: { ovhSubsidiary: "FR", description: "new customer" } });
  await ovhOk(sim, { method: "POST", path: `/order/cart/${cart.cartId}/assign` });
  const products = await ovhOk<{ planCode: string; prices: { duration: string; pricingMode: string }[] }[]>(sim, { path: `/order/cart/${cart.cartId}/csp2` });
  const [product] = products;
  const price = product.prices[0];
  const item = await ovhOk<{ itemId: number; settings: { planCode: string } }>(sim, {
    method: "POST",
    path: `/order/cart/${cart.cartId}/csp2`,
    body: { planCode: product.planCode, duration: price.duration, pricingMode: price.pricingMode, quantity: 1 },
  });
  expect(item.settings.planCode).toBe(product.planCode);
  const configuration = await ovhOk<{ id: number; label: string }>(sim, {
    method: "POST",
    path: `/order/cart/${cart.cartId}/item/${item.itemId}/configuration`,
    body: { label: "tenantDisplayName", value: "Garage Leroy" },
  });
  expect(await ovhOk(sim, { path: `/order/cart/${cart.cartId}/item/${item.itemId}/configuration` })).toEqual([configuration.id]);
  return { cartId: cart.cartId, planCode: product.planCode };
}

async function serviceNameOf(orderId: number, planCode: string): Promise<string> {
  for (const detailId of await ovhOk<number[]>(sim, { path: `/me/order/${orderId}/details` })) {
    const extension = await ovhOk<{ order: { plan: { code: string } } }>(sim, { path: `/me/order/${orderId}/details/${detailId}/extension` });
    if (extension.order.plan.code !== planCode) continue;
    return (await ovhOk<{ domain: string }>(sim, { path: `/me/order/${orderId}/details/${detailId}` })).domain;
  }
  throw new Error(`order ${orderId} has no detail for ${planCode}`);
}

describe("ordering a licence group through the cart", () => {
  it("goes checking → delivering → delivered when paid automatically, and the new group then exists", async () => {
    const { cartId, planCode } = await cartWithGroup();
    const preview = await ovhOk<{ orderId: number | null }>(sim, { path: `/order/cart/${cartId}/checkout` });
    expect(preview.orderId).toBeNull();
    const order = await ovhOk<{ orderId: number; url: string }>(sim, {
      method: "POST",
      path: `/order/cart/${cartId}/checkout`,
      body: { autoPayWithPreferredPaymentMethod: true, waiveRetractationPeriod: true },
    });
    expect(order.orderId).toEqual(expect.any(Number));
    expect(await ovhOk(sim, { path: "/me/order" })).toContain(order.orderId);

    const statuses: string[] = [];
    await waitFor(async () => {
      // The detail first: an order not delivered after it was read was not delivered when it was read either.
      const detailServiceName = await serviceNameOf(order.orderId, planCode);
      const status = await ovhOk<string>(sim, { path: `/me/order/${order.orderId}/status` });
      if (statuses.at(-1) !== status) statuses.push(status);
      if (status !== "delivered") expect(detailServiceName).toBe("*001");
      return status === "delivered";
    });
    expect(statuses.at(-1)).toBe("delivered");
    expect(statuses.every((s) => ["checking", "delivering", "delivered"].includes(s))).toBe(true);

    const serviceName = await serviceNameOf(order.orderId, planCode);
    expect(await ovhOk(sim, { path: "/saas/csp2" })).toContain(serviceName);
    expect(await ovhOk(sim, { path: `/saas/csp2/${serviceName}` })).toMatchObject({ serviceName, status: "ok" });
    expect(await ovhOk(sim, { path: `/services?resourceName=${serviceName}` })).toHaveLength(1);

    const reused = await ovhCall(sim, { method: "POST", path: `/order/cart/${cartId}/csp2`, body: { planCode, duration: "P1M", pricingMode: "default", quantity: 1 } });
    expect(reused.status).toBe(403);
  });

  it("stays notPaid until the order is paid with a registered payment mean", async () => {
    const { cartId, planCode } = await cartWithGroup();
    const order = await ovhOk<{ orderId: number }>(sim, { method: "POST", path: `/order/cart/${cartId}/checkout`, body: { autoPayWithPreferredPaymentMethod: false } });
    expect(await ovhOk(sim, { path: `/me/order/${order.orderId}/status` })).toBe("notPaid");
    expect(await ovhOk(sim, { path: `/me/order/${order.orderId}/associatedObject` })).toEqual({ id: null, type: null });
    const badMean = await ovhCall(sim, { method: "POST", path: `/me/order/${order.orderId}/payWithRegisteredPaymentMean`, body: { paymentMean: "cash" } });
    expect(badMean.status).toBe(400);
    await ovhOk(sim, { method: "POST", path: `/me/order/${order.orderId}/payWithRegisteredPaymentMean`, body: { paymentMean: "fidelityAccount" } });
    await waitFor(async () => (await ovhOk<string>(sim, { path: `/me/order/${order.orderId}/status` })) === "delivered");
    expect(await ovhOk(sim, { path: "/saas/csp2" })).toContain(await serviceNameOf(order.orderId, planCode));
  });

  it("refuses an unknown plan, an unavailable duration, a checkout of an unassigned or empty cart", async () => {
    const cart = await ovhOk<Cart>(sim, { method: "POST", path: "/order/cart", body: { ovhSubsidiary: "FR" } });
    const plan = await ovhCall(sim, { method: "POST", path: `/order/cart/${cart.cartId}/csp2`, body: { planCode: "csp2-unknown", duration: "P1M", pricingMode: "default", quantity: 1 } });
    expect(plan.status).toBe(400);
    expect((plan.body as { message: string }).message).toContain("[planCode]");
    const [product] = await ovhOk<{ planCode: string }[]>(sim, { path: `/order/cart/${cart.cartId}/csp2` });
    const duration = await ovhCall(sim, { method: "POST", path: `/order/cart/${cart.cartId}/csp2`, body: { planCode: product.planCode, duration: "P3M", pricingMode: "default", quantity: 1 } });
    expect(duration.status).toBe(400);
    const badSubsidiary = await ovhCall(sim, { method: "POST", path: "/order/cart", body: { ovhSubsidiary: "XX" } });
    expect(badSubsidiary.status).toBe(400);
    expect((await ovhCall(sim, { method: "POST", path: `/order/cart/${cart.cartId}/checkout`, body: {} })).status).toBe(403);
    await ovhOk(sim, { method: "POST", path: `/order/cart/${cart.cartId}/assign` });
    expect((await ovhCall(sim, { method: "POST", path: `/order/cart/${cart.cartId}/checkout`, body: {} })).status).toBe(400);
  });
});

describe("the configurations a cart item requires", () => {
  it("are none for a csp2 item, read without credentials; an unknown cart or item is an OVH 404", async () => {
    const cart = await ovhOk<Cart>(sim, { method: "POST", path: "/order/cart", body: { ovhSubsidiary: "FR" } });
    const [product] = await ovhOk<{ planCode: string; prices: { duration: string; pricingMode: string }[] }[]>(sim, { path: `/order/cart/${cart.cartId}/csp2` });
    const { duration, pricingMode } = product.prices[0];
    const item = await ovhOk<{ itemId: number }>(sim, { method: "POST", path: `/order/cart/${cart.cartId}/csp2`, body: { planCode: product.planCode, duration, pricingMode, quantity: 1 } });

    const required = await ovhCall(sim, { path: `/order/cart/${cart.cartId}/item/${item.itemId}/requiredConfiguration`, anonymous: true });
    expect(required).toMatchObject({ status: 200, body: [] });

    const unknownItem = await ovhCall(sim, { path: `/order/cart/${cart.cartId}/item/${item.itemId + 1000}/requiredConfiguration` });
    expect(unknownItem).toMatchObject({ status: 404, body: { class: "Client::NotFound", message: `The requested object (itemId = ${item.itemId + 1000}) does not exist` } });
    const unknownCart = await ovhCall(sim, { path: `/order/cart/no-such-cart/item/${item.itemId}/requiredConfiguration` });
    expect(unknownCart).toMatchObject({ status: 404, body: { class: "Client::NotFound", message: "The requested object (cartId = no-such-cart) does not exist" } });
  });
});

describe("terminating a licence group", () => {
  it("needs the e-mailed token; the group disappears once confirmed", async () => {
    const serviceName = sim.admin.licenceGroups()[0];
    const [serviceId] = await ovhOk<number[]>(sim, { path: `/services?resourceName=${serviceName}` });
    const service = await ovhOk<{ resource: { name: string }; route: { url: string } }>(sim, { path: `/services/${serviceId}` });
    expect(service.resource.name).toBe(serviceName);
    expect(service.route.url).toBe(`/saas/csp2/${serviceName}`);

    expect(sim.admin.terminationToken(serviceName)).toBeNull();
    const requested = await ovhOk<{ message: string }>(sim, { method: "POST", path: `/services/${serviceId}/terminate` });
    expect(requested.message).toContain("confirm");
    const token = sim.admin.terminationToken(serviceName);
    expect(token).toMatch(/^[0-9a-f]{40}$/);
    expect(sim.admin.terminationToken(serviceId)).toBe(token);

    const wrong = await ovhCall(sim, { method: "POST", path: `/services/${serviceId}/terminate/confirm`, body: { token: "0".repeat(40) } });
    expect(wrong.status).toBe(403);
    expect(await ovhOk(sim, { path: "/saas/csp2" })).toContain(serviceName);

    const confirmed = await ovhOk<{ message: string }>(sim, { method: "POST", path: `/services/${serviceId}/terminate/confirm`, body: { token } });
    expect(confirmed.message).toContain("terminated");
    expect(await ovhOk(sim, { path: "/saas/csp2" })).not.toContain(serviceName);
    expect((await ovhCall(sim, { path: `/saas/csp2/${serviceName}` })).status).toBe(404);
    expect(await ovhOk(sim, { path: `/services?resourceName=${serviceName}` })).toEqual([]);
    expect(await ovhOk(sim, { path: `/services/${serviceId}` })).toMatchObject({ resource: { state: "deleted" }, billing: { lifecycle: { current: { state: "terminated" } } } });
    expect((await ovhCall(sim, { method: "POST", path: `/services/${serviceId}/terminate` })).status).toBe(400);
  });
});
