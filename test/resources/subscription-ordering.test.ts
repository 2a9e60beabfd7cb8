import { TaskTimeoutError } from "../../provider/csp2";
import { OvhApiError, OvhNetworkError } from "../../provider/ovh/errors";
import { OrderNotShownError, orderSubscription, type SubscriptionClaims } from "../../provider/resources/subscription-ordering";
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

  it("stops, ordering nothing, when a creation task ended in error and no subscription appeared", async () => {
    const g = scriptedGroup();
    listings(g, [[84], []], [[], []]);
    g.requester.on(g.key("GET", "/task/84"), task(84, "doing"), task(84, "error"));
    const error = (await order(g).catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/84 \(addSubscription, "error"\)/);
    expect(error.message).toContain("ended without a new subscription in sight");
    expect(error.message).toContain("Nothing was ordered");
    expect(error).not.toBeInstanceOf(OrderNotShownError);
    expect(g.count("POST", ORDER)).toBe(0);
  });

  it.each([
    ["vanished", fails(notFound("GET", "/task/84"))],
    ["is done", task(84, "done")],
  ])("keeps a pending order, ordering nothing, when a creation task %s and no subscription shows within the settle window", async (_how, end) => {
    const g = scriptedGroup();
    listings(g, [[84], []], [[3]]);
    g.requester.on(g.key("GET", "/task/84"), task(84, "doing"), end).on(g.key("GET", "/subscription/3"), subscription(3, 2, { licenseId: 1 }));
    const error = (await order(g).catch((e: unknown) => e)) as OrderNotShownError;
    expect(error).toBeInstanceOf(OrderNotShownError);
    expect(error.message).toContain("may have been an order of \"Microsoft 365 Business Basic\" from an earlier run");
    expect(error.message).toContain("Nothing was ordered");
    expect(error.message).toContain("kept in the stack's state as a pending order");
    expect(error.order).toEqual({ taskId: 84, orderedAt: "2026-11-30T12:00:00.000Z", licenseId: LICENSE.id, seats: 5, subscriptionsBefore: [3] });
    expect(g.count("POST", ORDER)).toBe(0);
    expect(g.clock.now()).toBeGreaterThanOrEqual(60_000);
  });

  it("resumes, ordering nothing, with the subscription of an earlier run's order that is done but listed only later", async () => {
    const g = scriptedGroup();
    // The task is done; the group's list shows its subscription only at the third read after that.
    listings(g, [[84], []], [[], [], [], [9]]);
    g.requester
      .on(g.key("GET", "/task/84"), task(84, "doing"), task(84, "done"))
      .on(g.key("GET", "/subscription/9"), subscription(9, 5, { creationDate: recent }));
    expect((await order(g)).id).toBe(9);
    expect(g.count("POST", ORDER)).toBe(0);
    expect(g.lines.join("\n")).toMatch(/OVH does not show the subscriptions of the 1 order task\(s\) that ended yet: reading again for at most 1 min/);
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

  it("stops after one order when the order task ended in error and no subscription appeared", async () => {
    const g = scriptedGroup();
    listings(g, [[]], [[], []]);
    g.requester.on(g.key("POST", ORDER), task(86, "todo")).on(g.key("GET", "/task/86"), task(86, "error"));
    await expect(order(g)).rejects.toThrow("nothing was created");
    expect(g.count("POST", ORDER)).toBe(1);
  });

  it.each([
    ["vanished", fails(notFound("GET", "/task/86")), "is no longer shown by OVH"],
    ["is done", task(86, "done"), "is done"],
  ])("keeps the order pending after one order when its task %s and no subscription shows within the settle window", async (_how, end, says) => {
    const g = scriptedGroup();
    listings(g, [[]], [[]]);
    g.requester.on(g.key("POST", ORDER), task(86, "todo")).on(g.key("GET", "/task/86"), end);
    const error = (await order(g).catch((e: unknown) => e)) as OrderNotShownError;
    expect(error).toBeInstanceOf(OrderNotShownError);
    expect(error.message).toContain(`OVH task 86 ordering 5 seats of "Microsoft 365 Business Basic" ${says}, but no new subscription of it shows`);
    expect(error.message).toContain("after reading the group again for 1 min");
    expect(error.message).toMatch(/orders nothing again before 2026-11-30T13:00:00\.000Z/);
    expect(error.order).toEqual({ taskId: 86, orderedAt: "2026-11-30T12:00:00.000Z", licenseId: LICENSE.id, seats: 5, subscriptionsBefore: [] });
    expect(g.count("POST", ORDER)).toBe(1);
  });

  it("takes the new subscription when it shows only some reads after its order task is done", async () => {
    const g = scriptedGroup();
    listings(g, [[]], [[], [], [], [9]]);
    g.requester
      .on(g.key("POST", ORDER), task(85, "todo"))
      .on(g.key("GET", "/task/85"), task(85, "done"))
      .on(g.key("GET", "/subscription/9"), subscription(9, 5, { creationDate: recent }));
    expect((await order(g)).id).toBe(9);
    expect(g.count("POST", ORDER)).toBe(1);
    expect(g.lines.join("\n")).toContain('OVH does not show the new "Microsoft 365 Business Basic" subscription (task 85 has ended) yet');
  });

  it("with no answer to the order and nothing in sight within the settle window, keeps it pending instead of calling it not placed", async () => {
    const g = scriptedGroup();
    listings(g, [[]], [[]]);
    g.requester.on(g.key("POST", ORDER), fails(new OvhNetworkError("POST", `/saas/csp2/${g.serviceName}${ORDER}`, "ECONNRESET", "socket hang up")));
    const error = (await order(g).catch((e: unknown) => e)) as OrderNotShownError;
    expect(error).toBeInstanceOf(OrderNotShownError);
    expect(error.message).toContain("the order may still have been placed");
    expect(error.order).toEqual({ orderedAt: "2026-11-30T12:00:00.000Z", licenseId: LICENSE.id, seats: 5, subscriptionsBefore: [] });
    expect(g.count("POST", ORDER)).toBe(1);
  });

  describe("an earlier order kept in the state", () => {
    const earlier = (orderedAt: string) => ({ taskId: 70, orderedAt, licenseId: LICENSE.id, seats: 4, subscriptionsBefore: [3] });
    const orderAgain = (g: ScriptedGroup, orderedAt: string) =>
      orderSubscription(g.ctx, {
        declared: { serviceName: g.serviceName, license: LICENSE.name, seats: 5 },
        license: LICENSE,
        subject: `${g.serviceName}/${LICENSE.name}`,
        claims: claims(),
        earlier: earlier(orderedAt),
      });

    it("is taken once its subscription shows, whatever seats are declared now, and nothing is ordered", async () => {
      const g = scriptedGroup();
      listings(g, [[]], [[3, 9]]);
      g.requester
        .on(g.key("GET", "/subscription/3"), subscription(3, 2, { licenseId: 1 }))
        .on(g.key("GET", "/subscription/9"), subscription(9, 4, { creationDate: recent }));
      expect((await orderAgain(g, "2026-11-30T11:50:00.000Z")).id).toBe(9);
      expect(g.count("POST", ORDER)).toBe(0);
      expect(g.lines.join("\n")).toContain("the order placed at 2026-11-30T11:50:00.000Z (OVH task 70) shows now: subscription 9");
    });

    it("blocks another order while its grace lasts, keeping the same order", async () => {
      const g = scriptedGroup();
      listings(g, [[]], [[3]]);
      g.requester.on(g.key("GET", "/subscription/3"), subscription(3, 2, { licenseId: 1 }));
      const error = (await orderAgain(g, "2026-11-30T11:50:00.000Z").catch((e: unknown) => e)) as OrderNotShownError;
      expect(error).toBeInstanceOf(OrderNotShownError);
      expect(error.order).toEqual(earlier("2026-11-30T11:50:00.000Z"));
      expect(error.message).toContain("does not show in");
      expect(error.message).toContain("orders again only after 2026-11-30T12:50:00.000Z");
      expect(error.message).toContain("pulumi config set ovh-office365:orderListingGraceMinutes 0");
      expect(g.count("POST", ORDER)).toBe(0);
    });

    it("is ordered again once its grace has passed with nothing in sight, saying why", async () => {
      const g = scriptedGroup();
      listings(g, [[]], [[3], [3, 9]]);
      g.requester
        .on(g.key("GET", "/subscription/3"), subscription(3, 2, { licenseId: 1 }))
        .on(g.key("POST", ORDER), task(71, "todo"))
        .on(g.key("GET", "/task/71"), task(71, "done"))
        .on(g.key("GET", "/subscription/9"), subscription(9, 5, { creationDate: recent }));
      expect((await orderAgain(g, "2026-11-30T10:30:00.000Z")).id).toBe(9);
      expect(g.count("POST", ORDER)).toBe(1);
      expect(g.lines.join("\n")).toContain("has not shown up in 60 min (ovh-office365:orderListingGraceMinutes): ordering again");
    });
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
