import {
  Csp2InputError,
  OrderFailedError,
  OrderTimeoutError,
  orderLicenseGroup,
  validateLicenseGroupOrder,
  waitForOrderDelivery,
  type LicenseGroupOrder,
  type OrderProgress,
} from "../../provider/csp2";
import { FakeClock, ScriptedRequester } from "./fakes";

const price = (value: number) => ({ currencyCode: "EUR", priceInUcents: value * 1e8, text: `${value.toFixed(2)} €`, value });

const offers = [
  {
    planCode: "csp2-tenant-example",
    productName: "Office 365 reseller tenant",
    productType: "saas_license",
    prices: [
      { duration: "P1M", pricingMode: "default", price: price(0) },
      { duration: "P1Y", pricingMode: "upfront12", price: price(0) },
    ],
  },
];

const order: LicenseGroupOrder = {
  ovhSubsidiary: "fr",
  planCode: "csp2-tenant-example",
  duration: "P1M",
  pricingMode: "default",
  configurations: [{ label: "tenant_name", value: "contoso" }],
  autoPay: true,
  description: "pulumi order contoso",
};

const requirement = (label: string, required = true, allowedValues: string[] | null = null) => ({ label, type: "string", required, fields: null, allowedValues });

function cartRequester(checkoutPrice = 0, required: unknown[] = [requirement("tenant_name")]): ScriptedRequester {
  return new ScriptedRequester()
    .on("POST /order/cart", { cartId: "cart-1", description: "pulumi order contoso", expire: null, items: [], readOnly: false })
    .on("POST /order/cart/cart-1/assign", null)
    .on("GET /order/cart/cart-1/csp2", offers)
    .on("POST /order/cart/cart-1/csp2", { cartId: "cart-1", itemId: 5, productId: "csp2" })
    .on("GET /order/cart/cart-1/item/5/requiredConfiguration", required)
    .on("POST /order/cart/cart-1/item/5/configuration", { id: 1, label: "tenant_name", value: "contoso" })
    .on("GET /order/cart/cart-1/checkout", { orderId: null, prices: { withoutTax: price(checkoutPrice) }, details: [], contracts: [], url: null })
    .on("POST /order/cart/cart-1/checkout", { orderId: 9001, prices: { withoutTax: price(checkoutPrice) }, details: [], contracts: [], url: "https://example.invalid/order/9001" })
    .on("POST /me/order/9001/payWithRegisteredPaymentMean", null)
    .on("DELETE /order/cart/cart-1", null);
}

describe("orderLicenseGroup", () => {
  it("runs the cart flow in order and returns the order id", async () => {
    const requester = cartRequester();
    const messages: string[] = [];
    const orderId = await orderLicenseGroup(requester, order, (message) => messages.push(message));
    expect(orderId).toBe(9001);
    expect(requester.keys).toEqual([
      "POST /order/cart",
      "POST /order/cart/cart-1/assign",
      "GET /order/cart/cart-1/csp2",
      "POST /order/cart/cart-1/csp2",
      "GET /order/cart/cart-1/item/5/requiredConfiguration",
      "POST /order/cart/cart-1/item/5/configuration",
      "GET /order/cart/cart-1/checkout",
      "POST /order/cart/cart-1/checkout",
    ]);
    expect(requester.calls[0].body).toEqual({ ovhSubsidiary: "FR", description: "pulumi order contoso" });
    expect(requester.calls[3].body).toEqual({ planCode: "csp2-tenant-example", duration: "P1M", pricingMode: "default", quantity: 1 });
    expect(requester.calls[5].body).toEqual({ label: "tenant_name", value: "contoso" });
    expect(requester.calls[7].body).toEqual({ autoPayWithPreferredPaymentMethod: true, waiveRetractationPeriod: false });
    expect(messages[0]).toBe("cart cart-1 created (subsidiary FR)");
    expect(messages).toContain("order 9001 placed, paid with the preferred payment method");
    expect(messages).toContain("configuration tenant_name set");
    expect(messages.filter((message) => message.includes("contoso"))).toEqual([]);
  });

  it("validates a free order with the fidelity account when autoPay is off", async () => {
    const requester = cartRequester(0);
    await orderLicenseGroup(requester, { ...order, autoPay: false });
    expect(requester.keys.at(-1)).toBe("POST /me/order/9001/payWithRegisteredPaymentMean");
    expect(requester.calls.at(-1)?.body).toEqual({ paymentMean: "fidelityAccount" });
  });

  it("leaves a paying order unpaid when autoPay is off, and says where to pay", async () => {
    const requester = cartRequester(12);
    const messages: string[] = [];
    await orderLicenseGroup(requester, { ...order, autoPay: false }, (message) => messages.push(message));
    expect(requester.keys).not.toContain("POST /me/order/9001/payWithRegisteredPaymentMean");
    expect(messages.at(-1)).toBe("order 9001 placed and waiting for payment: https://example.invalid/order/9001");
  });

  it("refuses a plan code the subsidiary does not offer, listing the offered ones, and deletes the cart", async () => {
    const requester = cartRequester();
    const error = (await orderLicenseGroup(requester, { ...order, planCode: "csp2-nope" }).catch((e: unknown) => e)) as Csp2InputError;
    expect(error).toBeInstanceOf(Csp2InputError);
    expect(error.message).toBe('planCode: "csp2-nope" is not a CSP2 offer of subsidiary FR: use one of csp2-tenant-example.');
    expect(requester.keys.at(-1)).toBe("DELETE /order/cart/cart-1");
    expect(requester.keys).not.toContain("POST /order/cart/cart-1/checkout");
  });

  it("refuses, before setting anything, an order lacking configurations the cart item requires, naming each, and deletes the cart", async () => {
    const requester = cartRequester(0, [requirement("tenant_name"), requirement("mpn_id"), requirement("region", true, ["EU", "US"]), requirement("note", false)]);
    const error = (await orderLicenseGroup(requester, order).catch((e: unknown) => e)) as Csp2InputError;
    expect(error).toBeInstanceOf(Csp2InputError);
    expect(error.field).toBe("configurations");
    expect(error.message).toContain('lack what plan csp2-tenant-example requires: "mpn_id" (string), "region" (string, one of EU, US)');
    expect(error.message).not.toContain('"note"');
    expect(error.message).toContain("nothing was ordered and the cart was deleted");
    expect(requester.keys.at(-1)).toBe("DELETE /order/cart/cart-1");
    expect(requester.keys).not.toContain("POST /order/cart/cart-1/item/5/configuration");
    expect(requester.keys).not.toContain("POST /order/cart/cart-1/checkout");
  });

  it("refuses a duration and pricing mode the plan does not have, listing those it has", async () => {
    const requester = cartRequester();
    const error = (await orderLicenseGroup(requester, { ...order, duration: "P1Y" }).catch((e: unknown) => e)) as Csp2InputError;
    expect(error.message).toContain('duration: "P1Y/default" (duration/pricingMode) is not a pricing of plan csp2-tenant-example');
    expect(error.message).toContain("use one of P1M/default, P1Y/upfront12");
  });

  it("deletes the cart and rethrows OVH's error when a step before checkout fails, even if the clean-up fails", async () => {
    const refusal = new Error("OVH API POST /order/cart/cart-1/csp2 failed: 400");
    const requester = cartRequester()
      .on("POST /order/cart/cart-1/csp2", () => {
        throw refusal;
      })
      .on("DELETE /order/cart/cart-1", () => {
        throw new Error("cart already gone");
      });
    await expect(orderLicenseGroup(requester, order)).rejects.toBe(refusal);
    expect(requester.keys.at(-1)).toBe("DELETE /order/cart/cart-1");
  });

  it("checks every field before any request", async () => {
    const requester = new ScriptedRequester();
    const cases: [Partial<LicenseGroupOrder>, string][] = [
      [{ ovhSubsidiary: "XX" }, 'ovhSubsidiary: "XX" is not an OVH subsidiary: use one of CZ, DE'],
      [{ planCode: " " }, 'planCode: " " is empty'],
      [{ pricingMode: "" }, 'pricingMode: "" is empty'],
      [{ duration: "1 month" }, 'duration: "1 month" is not an ISO 8601 duration: write it like P1M'],
      [{ configurations: [{ label: "", value: "x" }] }, 'configurations[0].label: "" is not a configuration label'],
      [{ configurations: [{ label: "pin", value: 1234 as unknown as string }] }, 'configurations[0].value: "number" is not a string'],
      [{ autoPay: "yes" as unknown as boolean }, 'autoPay: "yes" is not a boolean'],
    ];
    for (const [change, message] of cases) {
      await expect(orderLicenseGroup(requester, { ...order, ...change })).rejects.toThrow(message);
    }
    expect(requester.calls).toEqual([]);
    expect(validateLicenseGroupOrder({ ...order, ovhSubsidiary: " gb " }).ovhSubsidiary).toBe("GB");
  });
});

function detail(orderDetailId: number, domain: string, cancelled = false) {
  return { orderDetailId, domain, cancelled, description: "Office 365 tenant", detailType: "DURATION", quantity: "1" };
}

function extension(code: string) {
  return { order: { action: null, configurations: [], plan: { code, duration: "P1M", pricingMode: "default", product: { name: "csp2" }, quantity: 1 }, type: "plan" } };
}

describe("waitForOrderDelivery", () => {
  it("polls the status until delivered, reporting progress, and returns the delivered serviceName", async () => {
    const clock = new FakeClock();
    const requester = new ScriptedRequester()
      .on("GET /me/order/9001/status", "notPaid", "checking", "delivering", "delivered")
      .on("GET /me/order/9001/details", [1, 2])
      .on("GET /me/order/9001/details/1", detail(1, "office-new"))
      .on("GET /me/order/9001/details/2", detail(2, "*"));
    const progress: OrderProgress[] = [];
    const serviceName = await waitForOrderDelivery(requester, 9001, { now: clock.now, sleep: clock.sleep, onProgress: (p) => progress.push(p) });
    expect(serviceName).toBe("office-new");
    expect(progress.map((p) => p.status)).toEqual(["notPaid", "checking", "delivering", "delivered"]);
    expect(progress[3]).toEqual({ orderId: 9001, status: "delivered", elapsedMs: 3800, polls: 4 });
  });

  it("uses the plan code to pick the licence group among several delivered services", async () => {
    const clock = new FakeClock();
    const requester = new ScriptedRequester()
      .on("GET /me/order/9001/status", "delivered")
      .on("GET /me/order/9001/details", [1, 2, 3])
      .on("GET /me/order/9001/details/1", detail(1, "other-service"))
      .on("GET /me/order/9001/details/2", detail(2, "office-new"))
      .on("GET /me/order/9001/details/3", detail(3, "office-cancelled", true))
      .on("GET /me/order/9001/details/1/extension", extension("something-else"))
      .on("GET /me/order/9001/details/2/extension", extension("csp2-tenant-example"));
    expect(await waitForOrderDelivery(requester, 9001, { planCode: "csp2-tenant-example", now: clock.now, sleep: clock.sleep })).toBe("office-new");
  });

  it("says so when a delivered order names no service, or several without a plan code", async () => {
    const clock = new FakeClock();
    const none = new ScriptedRequester()
      .on("GET /me/order/9001/status", "delivered")
      .on("GET /me/order/9001/details", [1])
      .on("GET /me/order/9001/details/1", detail(1, ""));
    const noneError = (await waitForOrderDelivery(none, 9001, { now: clock.now, sleep: clock.sleep }).catch((e: unknown) => e)) as OrderFailedError;
    expect(noneError).toBeInstanceOf(OrderFailedError);
    expect(noneError.message).toContain("none of its details names a service");
    const several = new ScriptedRequester()
      .on("GET /me/order/9001/status", "delivered")
      .on("GET /me/order/9001/details", [1, 2])
      .on("GET /me/order/9001/details/1", detail(1, "a"))
      .on("GET /me/order/9001/details/2", detail(2, "b"));
    await expect(waitForOrderDelivery(several, 9001, { now: clock.now, sleep: clock.sleep })).rejects.toThrow("its details name several services (a, b)");
  });

  it.each([
    ["cancelled", "it was cancelled"],
    ["documentsRequested", "OVH asks for documents"],
  ])("stops at once on %s with what to do", async (status, explanation) => {
    const clock = new FakeClock();
    const requester = new ScriptedRequester().on("GET /me/order/9001/status", "checking", status);
    const error = (await waitForOrderDelivery(requester, 9001, { now: clock.now, sleep: clock.sleep }).catch((e: unknown) => e)) as OrderFailedError;
    expect(error).toBeInstanceOf(OrderFailedError);
    expect(error).toMatchObject({ orderId: 9001, status });
    expect(error.message).toContain(explanation);
    expect(requester.calls).toHaveLength(2);
  });

  it("times out with the last status and, for an unpaid order, says to pay it", async () => {
    const clock = new FakeClock();
    const requester = new ScriptedRequester().on("GET /me/order/9001/status", "notPaid");
    const error = (await waitForOrderDelivery(requester, 9001, { now: clock.now, sleep: clock.sleep, timeoutMs: 600_000 }).catch((e: unknown) => e)) as OrderTimeoutError;
    expect(error).toBeInstanceOf(OrderTimeoutError);
    expect(error).toMatchObject({ orderId: 9001, lastStatus: "notPaid", elapsedMs: 600_000, timeoutMs: 600_000 });
    expect(error.message).toContain("It is not paid yet: pay it");
    expect(error.message).toContain("adopt the new licence group by its serviceName instead of ordering again");
  });
});
