import { TaskTimeoutError } from "../../provider/csp2";
import { OvhApiError, OvhNetworkError } from "../../provider/ovh/errors";
import { orderSubscription, type SubscriptionClaims } from "../../provider/resources/subscription-ordering";
import { LICENSE, fails, notFound, ovhError, scriptedGroup, subscription, task, type ScriptedGroup } from "./operation-fakes";

/**
 * Ordering against a scripted OVH. The promise under test: a subscription is never ordered twice. Each case counts
 * the orders sent; every wait that ends without an outcome must stop before an order.
 */

const ORDER = "/subscription";
const recent = "2026-11-30T11:00:00+01:00";

function claims(): SubscriptionClaims {
  const ids = new Set<string>();
  return {
    add: (id) => void ids.add(id),
    takeOver: (id) => void ids.add(id),
    inGroup: (serviceName) => new Set([...ids].filter((id) => id.startsWith(`${serviceName}/`)).map((id) => Number(id.split("/")[1]))),
  };
}

const order = (g: ScriptedGroup, seats = 5, extra: { parentSubscriptionId?: number; taskTimeoutMinutes?: number } = {}) =>
  orderSubscription(g.ctx, {
    declared: { serviceName: g.serviceName, license: LICENSE.name, seats, ...extra },
    license: LICENSE,
    subject: `${g.serviceName}/${LICENSE.name}`,
    claims: claims(),
  });

/** Scripts the group's listings: the task ids, then the subscriptions (each list answered in turn). */
function listings(g: ScriptedGroup, tasks: number[][], subscriptions: number[][]) {
  g.requester.on(g.key("GET", "/task"), ...tasks).on(g.key("GET", "/subscription"), ...subscriptions);
}

describe("orderSubscription", () => {
  it("orders once and returns the new subscription once the order task is done", async () => {
    const g = scriptedGroup();
    listings(g, [[]], [[], [9]]);
    g.requester
      .on(g.key("POST", ORDER), task(80, "todo"))
      .on(g.key("GET", "/task/80"), task(80, "done"))
      .on(g.key("GET", "/subscription/9"), subscription(9, 5, { creationDate: recent }));
    expect((await order(g)).id).toBe(9);
    expect(g.count("POST", ORDER)).toBe(1);
  });

  it("never orders while a creation task of an earlier run is still running past the timeout", async () => {
    const g = scriptedGroup();
    listings(g, [[81]], [[]]);
    g.requester.on(g.key("GET", "/task/81"), task(81, "doing"));
    const error = await order(g, 5, { taskTimeoutMinutes: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskTimeoutError);
    expect((error as TaskTimeoutError).message).toContain("OVH task 81 (addSubscription)");
    expect(g.count("POST", ORDER)).toBe(0);
  });

  it("resumes with the subscription an earlier run's order created, once its task is done", async () => {
    const g = scriptedGroup();
    listings(g, [[82], []], [[], [9]]);
    g.requester
      .on(g.key("GET", "/task/82"), task(82, "doing"), task(82, "done"))
      .on(g.key("GET", "/subscription/9"), subscription(9, 5, { creationDate: recent }));
    expect((await order(g)).id).toBe(9);
    expect(g.count("POST", ORDER)).toBe(0);
    expect(g.lines.join("\n")).toContain("ordered by an earlier interrupted run: using it instead of ordering again");
  });

  it("resumes when the earlier run's creation task vanished but its subscription is there", async () => {
    const g = scriptedGroup();
    listings(g, [[83], []], [[], [9]]);
    g.requester
      .on(g.key("GET", "/task/83"), task(83, "doing"), fails(notFound("GET", "/task/83")))
      .on(g.key("GET", "/subscription/9"), subscription(9, 5, { creationDate: recent }));
    expect((await order(g)).id).toBe(9);
    expect(g.count("POST", ORDER)).toBe(0);
  });

  it.each([
    ["vanished", fails(notFound("GET", "/task/84")), /84 \(no longer shown by OVH\)/],
    ["ended in error", task(84, "error"), /84 \(addSubscription, "error"\)/],
  ])("stops, ordering nothing, when a creation task %s and no subscription appeared", async (_how, end, named) => {
    const g = scriptedGroup();
    listings(g, [[84], []], [[], []]);
    g.requester.on(g.key("GET", "/task/84"), task(84, "doing"), end);
    const error = (await order(g).catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(named);
    expect(error.message).toContain("ended without a new subscription in sight");
    expect(error.message).toContain("Nothing was ordered");
    expect(g.count("POST", ORDER)).toBe(0);
  });

  it("returns the new subscription when OVH no longer shows the order task", async () => {
    const g = scriptedGroup();
    listings(g, [[]], [[], [9]]);
    g.requester
      .on(g.key("POST", ORDER), task(85, "todo"))
      .on(g.key("GET", "/task/85"), fails(notFound("GET", "/task/85")))
      .on(g.key("GET", "/subscription/9"), subscription(9, 5, { creationDate: recent }));
    expect((await order(g)).id).toBe(9);
    expect(g.lines.join("\n")).toContain("OVH no longer shows task 85; the new subscription 9 is there");
  });

  it.each([
    ["vanished", fails(notFound("GET", "/task/86")), "whether the order succeeded is unknown"],
    ["ended in error", task(86, "error"), "nothing was created"],
  ])("stops after one order when the order task %s and no subscription appeared", async (_how, end, says) => {
    const g = scriptedGroup();
    listings(g, [[]], [[], []]);
    g.requester.on(g.key("POST", ORDER), task(86, "todo")).on(g.key("GET", "/task/86"), end);
    await expect(order(g)).rejects.toThrow(says);
    expect(g.count("POST", ORDER)).toBe(1);
  });

  it("after an order with no answer, finds its task in the group and waits for it instead of ordering again", async () => {
    const g = scriptedGroup();
    listings(g, [[], [87]], [[], [], [9]]);
    g.requester
      .on(g.key("POST", ORDER), fails(new OvhNetworkError("POST", `/saas/csp2/${g.serviceName}${ORDER}`, "ECONNRESET", "socket hang up")))
      .on(g.key("GET", "/task/87"), task(87, "doing"), task(87, "done"))
      .on(g.key("GET", "/subscription/9"), subscription(9, 5, { creationDate: recent }));
    expect((await order(g)).id).toBe(9);
    expect(g.count("POST", ORDER)).toBe(1);
  });

  it("a deleted subscription of the licence (terminal status) neither blocks the order nor passes for the new one", async () => {
    const g = scriptedGroup();
    listings(g, [[]], [[4], [4, 9]]);
    g.requester
      .on(g.key("GET", "/subscription/4"), subscription(4, 5, { status: "terminated", creationDate: recent }))
      .on(g.key("POST", ORDER), task(88, "todo"))
      .on(g.key("GET", "/task/88"), task(88, "done"))
      .on(g.key("GET", "/subscription/9"), subscription(9, 5, { creationDate: recent }));
    expect((await order(g)).id).toBe(9);
    expect(g.count("POST", ORDER)).toBe(1);
  });

  it("a subscription of the licence with a status it does not know counts as existing: no order", async () => {
    const g = scriptedGroup();
    listings(g, [[]], [[4]]);
    g.requester.on(g.key("GET", "/subscription/4"), subscription(4, 3, { status: "inactive" }));
    await expect(order(g)).rejects.toThrow(/already has a subscription for "Microsoft 365 Business Basic": 4 \(3 seats/);
    expect(g.count("POST", ORDER)).toBe(0);
  });

  it.each([409, 400, 403])("waits out an add-on order refused with %i while a task runs on the parent, then orders", async (status) => {
    const g = scriptedGroup();
    const ADDON = "/subscription/3/orderAddon";
    listings(g, [[], []], [[3], [3], [3, 9]]);
    g.requester
      .on(g.key("GET", "/subscription/3/availableAddonLicenses"), [LICENSE.id])
      // Before each attempt no add-on; once ordered, the new one.
      .on(g.key("GET", "/subscription/3/addonsSubscriptionIds"), [], [], [9])
      .on(
        g.key("GET", "/subscription/3"),
        subscription(3, 10, { licenseId: 1 }),
        // After the refusal: a task runs on the parent; the next attempt waits for it.
        subscription(3, 10, { licenseId: 1, taskPendingId: 89 }),
        subscription(3, 10, { licenseId: 1, taskPendingId: 89 }),
      )
      .on(g.key("POST", ADDON), fails(ovhError(status, "POST", ADDON, "Client::Whatever", "Try later")), task(90, "todo", "orderAddon"))
      .on(g.key("GET", "/task/89"), task(89, "done", "changeQuantity"))
      .on(g.key("GET", "/task/90"), task(90, "done", "orderAddon"))
      .on(g.key("GET", "/subscription/9"), subscription(9, 5, { creationDate: recent }));
    expect((await order(g, 5, { parentSubscriptionId: 3 })).id).toBe(9);
    expect(g.count("POST", ADDON)).toBe(2);
  });

  it("an add-on order finds only an add-on of its own parent, never one another order brought to another parent", async () => {
    const g = scriptedGroup();
    const ADDON = "/subscription/3/orderAddon";
    // Subscription 10 (same licence, added to parent 4 meanwhile, and newer) appears with 9, the add-on of parent 3.
    listings(g, [[]], [[3, 4], [3, 4, 9, 10]]);
    g.requester
      .on(g.key("GET", "/subscription/3/availableAddonLicenses"), [LICENSE.id])
      .on(g.key("GET", "/subscription/3/addonsSubscriptionIds"), [], [9])
      .on(g.key("GET", "/subscription/3"), subscription(3, 10, { licenseId: 1 }))
      .on(g.key("GET", "/subscription/4"), subscription(4, 10, { licenseId: 1 }))
      .on(g.key("POST", ADDON), task(91, "todo", "orderAddon"))
      .on(g.key("GET", "/task/91"), task(91, "done", "orderAddon"))
      .on(g.key("GET", "/subscription/10"), subscription(10, 5, { creationDate: recent }))
      .on(g.key("GET", "/subscription/9"), subscription(9, 5, { creationDate: recent }));
    expect((await order(g, 5, { parentSubscriptionId: 3 })).id).toBe(9);
  });

  it("an add-on order whose parent's pending task ended in error, with no add-on in sight, orders nothing", async () => {
    const g = scriptedGroup();
    const ADDON = "/subscription/3/orderAddon";
    listings(g, [[]], [[3]]);
    g.requester
      .on(g.key("GET", "/subscription/3/availableAddonLicenses"), [LICENSE.id])
      .on(g.key("GET", "/subscription/3/addonsSubscriptionIds"), [])
      .on(g.key("GET", "/subscription/3"), subscription(3, 10, { licenseId: 1, taskPendingId: 92 }), subscription(3, 10, { licenseId: 1 }))
      .on(g.key("GET", "/task/92"), task(92, "doing", "orderAddon"), task(92, "error", "orderAddon"));
    await expect(order(g, 5, { parentSubscriptionId: 3 })).rejects.toThrow(/92 \(orderAddon, "error"\).* ended without a new subscription in sight/);
    expect(g.count("POST", ADDON)).toBe(0);
  });

  it("an order refused with 403 on a tenant without MPN ID says to set it, and is not sent again", async () => {
    const g = scriptedGroup();
    listings(g, [[]], [[]]);
    g.requester
      .on(g.key("POST", ORDER), fails(ovhError(403, "POST", ORDER, "Client::Forbidden", "The tenant has no MPN ID")))
      .on(g.key("GET", ""), { serviceName: g.serviceName, mpnId: null });
    const error = (await order(g).catch((e: unknown) => e)) as OvhApiError;
    expect(error).toBeInstanceOf(OvhApiError);
    expect(error.message).toContain("has no MPN ID (Microsoft Partner Network id)");
    expect(error.message).toContain("mpnId");
    expect(g.count("POST", ORDER)).toBe(1);
  });
});
