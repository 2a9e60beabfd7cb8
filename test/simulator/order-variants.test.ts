import { missingConfigurationLabels, type CartConfigurationRequirement } from "../../simulator/model/carts";
import { tenantFromConfigurations } from "../../simulator/model/orders";
import type { CartItemState } from "../../simulator/model/state";
import { ovhCall, ovhOk, waitFor } from "./support/ovh-http";
import { ACME, ACME_PATH, message, variantSimulator } from "./support/variant-simulator";

const variants = variantSimulator();
const base = ACME_PATH;
const { licenseId: licenceId, acmeSubscription } = variants;

describe("mpnIdRequired", () => {
  const order = () => ovhCall(variants.sim, { method: "POST", path: `${base}/subscription`, body: { licenseId: licenceId("Office 365 E1"), quantity: 2 } });
  const orderAddon = () => {
    const parent = acmeSubscription("Microsoft 365 Business Basic");
    return ovhCall(variants.sim, { method: "POST", path: `${base}/subscription/${parent.id}/orderAddon`, body: { licenseId: licenceId("Microsoft 365 Audio Conferencing"), quantity: 1 } });
  };

  it("false (default): a tenant without an MPN ID can order", async () => {
    expect(await ovhOk(variants.sim, { path: base })).toMatchObject({ mpnId: null });
    expect((await order()).status).toBe(200);
    expect((await orderAddon()).status).toBe(200);
  });

  it("true: subscriptions and add-ons are refused with 403 until the tenant has an MPN ID, saying how to set it", async () => {
    variants.sim.admin.setSettings({ mpnIdRequired: true });
    for (const answer of [await order(), await orderAddon()]) {
      expect(answer.status).toBe(403);
      expect(answer.body).toMatchObject({ class: "Client::Forbidden" });
      expect(message(answer)).toContain(`The tenant of ${ACME} has no MPN ID (Microsoft Partner Network id)`);
      expect(message(answer)).toContain(`PUT /saas/csp2/${ACME} {"mpnId": "…"}`);
    }
    expect(variants.sim.admin.tasks(ACME).filter((t) => ["todo", "doing"].includes(t.status))).toEqual([]);
    await ovhOk(variants.sim, { method: "PUT", path: base, body: { mpnId: "1234567" } });
    expect((await order()).status).toBe(200);
    expect((await orderAddon()).status).toBe(200);
  });
});

describe("groupOrderConfigurations", () => {
  interface Requirement {
    label: string;
    type: string;
    required: boolean;
    fields: string[] | null;
    allowedValues: string[] | null;
  }

  async function cartWithItem(): Promise<{ cartId: string; itemId: number }> {
    const { cartId } = await ovhOk<{ cartId: string }>(variants.sim, { method: "POST", path: "/order/cart", body: { ovhSubsidiary: "FR" } });
    await ovhOk(variants.sim, { method: "POST", path: `/order/cart/${cartId}/assign` });
    const [product] = await ovhOk<{ planCode: string; prices: { duration: string; pricingMode: string }[] }[]>(variants.sim, { path: `/order/cart/${cartId}/csp2` });
    const { duration, pricingMode } = product.prices[0];
    const { itemId } = await ovhOk<{ itemId: number }>(variants.sim, { method: "POST", path: `/order/cart/${cartId}/csp2`, body: { planCode: product.planCode, duration, pricingMode, quantity: 1 } });
    return { cartId, itemId };
  }
  const configure = (cartId: string, itemId: number, label: string, value: string) =>
    ovhOk(variants.sim, { method: "POST", path: `/order/cart/${cartId}/item/${itemId}/configuration`, body: { label, value } });

  it("none (default): a csp2 item requires nothing and the cart checks out as is", async () => {
    const { cartId, itemId } = await cartWithItem();
    expect(await ovhOk(variants.sim, { path: `/order/cart/${cartId}/item/${itemId}/requiredConfiguration`, anonymous: true })).toEqual([]);
    expect((await ovhCall(variants.sim, { path: `/order/cart/${cartId}/checkout` })).status).toBe(200);
    expect((await ovhCall(variants.sim, { method: "POST", path: `/order/cart/${cartId}/checkout`, body: {} })).status).toBe(200);
  });

  it("required: lists the item's configurations and refuses checkout (dry run and real) naming each missing label", async () => {
    variants.sim.admin.setSettings({ groupOrderConfigurations: "required" });
    const { cartId, itemId } = await cartWithItem();
    const requirements = await ovhOk<Requirement[]>(variants.sim, { path: `/order/cart/${cartId}/item/${itemId}/requiredConfiguration`, anonymous: true });
    for (const r of requirements) expect(Object.keys(r).sort()).toEqual(["allowedValues", "fields", "label", "required", "type"]);
    expect(requirements.filter((r) => r.required).map((r) => r.label)).toEqual(["mpn_id", "tenant_domain"]);
    expect(requirements.some((r) => !r.required)).toBe(true);

    for (const request of [{ path: `/order/cart/${cartId}/checkout` }, { method: "POST", path: `/order/cart/${cartId}/checkout`, body: {} }]) {
      const refused = await ovhCall(variants.sim, request);
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ class: "Client::BadRequest" });
      expect(message(refused)).toContain(`item ${itemId} misses mpn_id, tenant_domain`);
    }
    await configure(cartId, itemId, "mpn_id", "7654321");
    const stillMissing = await ovhCall(variants.sim, { path: `/order/cart/${cartId}/checkout` });
    expect(message(stillMissing)).toContain(`item ${itemId} misses tenant_domain`);
    expect(message(stillMissing)).not.toContain("mpn_id");
    expect(await ovhOk(variants.sim, { path: "/me/order" })).toEqual([]);

    await configure(cartId, itemId, "tenant_domain", "garage-leroy.onmicrosoft.com");
    expect((await ovhCall(variants.sim, { path: `/order/cart/${cartId}/checkout` })).status).toBe(200);
    const { orderId } = await ovhOk<{ orderId: number }>(variants.sim, { method: "POST", path: `/order/cart/${cartId}/checkout`, body: { autoPayWithPreferredPaymentMethod: true } });
    await waitFor(async () => (await ovhOk<string>(variants.sim, { path: `/me/order/${orderId}/status` })) === "delivered");
    const [detailId] = await ovhOk<number[]>(variants.sim, { path: `/me/order/${orderId}/details` });
    const { domain } = await ovhOk<{ domain: string }>(variants.sim, { path: `/me/order/${orderId}/details/${detailId}` });
    // The MPN ID given with the order is the new tenant's.
    expect(await ovhOk(variants.sim, { path: `/saas/csp2/${domain}` })).toMatchObject({ mpnId: "7654321" });
  });

  it("finds missing labels and the tenant fields of an order with pure functions", () => {
    const requirement = (label: string, required: boolean): CartConfigurationRequirement => ({ label, type: "string", required, fields: null, allowedValues: null });
    const item = (configurations: { label: string; value: string }[]): CartItemState => ({
      itemId: 1,
      planCode: "plan",
      duration: "P1M",
      pricingMode: "default",
      quantity: 1,
      configurations: configurations.map((c, id) => ({ id, ...c })),
    });
    const requirements = [requirement("a", true), requirement("b", true), requirement("c", false)];
    expect(missingConfigurationLabels(requirements, item([]))).toEqual(["a", "b"]);
    expect(missingConfigurationLabels(requirements, item([{ label: "a", value: "x" }, { label: "b", value: "  " }]))).toEqual(["b"]);
    expect(missingConfigurationLabels([], item([]))).toEqual([]);
    expect(tenantFromConfigurations([{ label: "mpn_id", value: "42" }, { label: "tenant_display_name", value: "Garage" }, { label: "tenant_domain", value: "g.example" }])).toEqual({
      mpnId: "42",
      displayName: "Garage",
    });
    expect(tenantFromConfigurations([{ label: "mpn_id", value: " " }])).toEqual({});
  });

  it("answers 404 for an item that is not in the cart", async () => {
    const { cartId, itemId } = await cartWithItem();
    const missing = await ovhCall(variants.sim, { path: `/order/cart/${cartId}/item/${itemId + 1000}/requiredConfiguration`, anonymous: true });
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ class: "Client::NotFound", message: `The requested object (itemId = ${itemId + 1000}) does not exist` });
  });
});
