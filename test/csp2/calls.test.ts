import * as csp2 from "../../provider/csp2";
import { Csp2InputError } from "../../provider/csp2";
import { ScriptedRequester, task } from "./fakes";

describe("typed csp2 calls", () => {
  it("percent-encodes every path parameter", async () => {
    const requester = new ScriptedRequester(() => ({}));
    await csp2.getSubscription(requester, "office/ü 1?x", 42);
    await csp2.getItemConfiguration(requester, "cart#1", 7, 8);
    expect(requester.calls.map((call) => call.path)).toEqual([
      "/saas/csp2/office%2F%C3%BC%201%3Fx/subscription/42",
      "/order/cart/cart%231/item/7/configuration/8",
    ]);
  });

  it("refuses a path parameter that would break the path, naming it, before any request", async () => {
    const requester = new ScriptedRequester(() => ({}));
    await expect(csp2.getTenant(requester, "")).rejects.toThrow(Csp2InputError);
    await expect(csp2.getTenant(requester, " ")).rejects.toThrow('serviceName: " " cannot go in the path of GET /saas/csp2/{serviceName}');
    await expect(csp2.getSubscription(requester, "office-1", Number.NaN)).rejects.toThrow("id: NaN cannot go in the path");
    await expect(csp2.getTask(requester, "office-1", 1.5)).rejects.toThrow("give a non-empty string or a whole number ≥ 0");
    expect(requester.calls).toEqual([]);
  });

  it("returns OVH's answer as the schema type", async () => {
    const requester = new ScriptedRequester().on("POST /saas/csp2/office-1/subscription", task(77, "todo"));
    const created = await csp2.createSubscription(requester, "office-1", { licenseId: 11, quantity: 5 });
    expect(created).toMatchObject({ id: 77, status: "todo", function: "addSubscription" });
  });

  it("sends only the schema's body fields for subscription orders and seat changes", async () => {
    const requester = new ScriptedRequester(() => task(1, "todo"));
    const withExtra = { licenseId: 11, quantity: 5, seats: 5 } as { licenseId: number; quantity: number };
    await csp2.createSubscription(requester, "office-1", withExtra);
    await csp2.orderAddon(requester, "office-1", 3, withExtra);
    await csp2.changeQuantity(requester, "office-1", 3, { quantity: 8 });
    expect(requester.calls).toEqual([
      { method: "POST", path: "/saas/csp2/office-1/subscription", body: { licenseId: 11, quantity: 5 } },
      { method: "POST", path: "/saas/csp2/office-1/subscription/3/orderAddon", body: { licenseId: 11, quantity: 5 } },
      { method: "POST", path: "/saas/csp2/office-1/subscription/3/changeQuantity", body: { quantity: 8 } },
    ]);
  });

  it.each([0, -1, 2.5])("refuses quantity %p before ordering", async (quantity) => {
    const requester = new ScriptedRequester(() => task(1, "todo"));
    await expect(csp2.changeQuantity(requester, "office-1", 3, { quantity })).rejects.toThrow(`quantity: ${quantity} is not a seat count OVH accepts`);
    await expect(csp2.createSubscription(requester, "office-1", { licenseId: 1, quantity })).rejects.toThrow(Csp2InputError);
    expect(requester.calls).toEqual([]);
  });

  it("updates only writable tenant fields and refuses the others by name", async () => {
    const requester = new ScriptedRequester().on("PUT /saas/csp2/office-1", null);
    await csp2.updateTenant(requester, "office-1", { displayName: "Contoso", city: undefined });
    expect(requester.calls).toEqual([{ method: "PUT", path: "/saas/csp2/office-1", body: { displayName: "Contoso" } }]);
    const readOnly = { status: "ok" } as unknown as csp2.OfficeTenantWritable;
    await expect(csp2.updateTenant(requester, "office-1", readOnly)).rejects.toThrow('changes.status: "ok" cannot be changed through the OVH API');
    expect(requester.calls).toHaveLength(1);
  });

  it("passes query parameters as the schema names them, leaving out unset ones", async () => {
    const requester = new ScriptedRequester(() => []);
    await csp2.getUsageStatistics(requester, "office-1", "lastWeek");
    await csp2.listServices(requester, { resourceName: "office-1" });
    await csp2.listCarts(requester);
    await csp2.listOrders(requester, { "date.from": "2024-01-01T00:00:00Z" });
    expect(requester.calls.map(({ path, query }) => ({ path, query }))).toEqual([
      { path: "/saas/csp2/office-1/usageStatistics", query: { timePeriod: "lastWeek" } },
      { path: "/services", query: { resourceName: "office-1" } },
      { path: "/order/cart", query: {} },
      { path: "/me/order", query: { "date.from": "2024-01-01T00:00:00Z" } },
    ]);
  });

  it("reads the whole orderable catalogue one call per licence from a requester that cannot use list mode", async () => {
    const requester = new ScriptedRequester()
      .on("GET /saas/csp2/office-1/orderableLicenses", [12, 11])
      .on("GET /saas/csp2/office-1/orderableLicenses/11", { id: 11, name: "A" })
      .on("GET /saas/csp2/office-1/orderableLicenses/12", { id: 12, name: "B" });
    const licenses = await csp2.fetchOrderableLicenses(requester, "office-1");
    expect(licenses.map((license) => license.name)).toEqual(["A", "B"]);
    expect(requester.calls).toHaveLength(3);
  });
});
