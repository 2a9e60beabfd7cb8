import { TaskTimeoutError } from "../../provider/csp2";
import { OvhNetworkError } from "../../provider/ovh/errors";
import { deleteSubscription } from "../../provider/resources/subscription-deletion";
import { fails, notFound, ovhError, scriptedGroup, subscription, task, type ScriptedGroup } from "./operation-fakes";

/** Deletion against a scripted OVH: confirmed from the subscription itself, whatever OVH shows of the task. */

const SUB = "/subscription/5";

const remove = (g: ScriptedGroup, timeoutMs = 60_000) =>
  deleteSubscription(g.ctx, { serviceName: g.serviceName, subscriptionId: 5, subject: `${g.serviceName}/5`, timeoutMs });

describe("deleteSubscription", () => {
  it.each([
    ["disappears, and OVH no longer shows the task", fails(notFound("GET", "/task/60")), fails(notFound("GET", SUB))],
    ["stays listed as terminated", task(60, "done", "deleteSubscription"), subscription(5, 10, { status: "terminated" })],
    ["stays listed with another status after a done task", task(60, "done", "deleteSubscription"), subscription(5, 10, { status: "inactive" })],
  ])("succeeds when the subscription %s", async (_how, taskEnd, after) => {
    const g = scriptedGroup();
    g.requester
      .on(g.key("GET", SUB), subscription(5, 10), after)
      .on(g.key("DELETE", SUB), task(60, "todo", "deleteSubscription"))
      .on(g.key("GET", "/task/60"), taskEnd);
    await remove(g);
    expect(g.count("DELETE", SUB)).toBe(1);
    expect(g.lines[g.lines.length - 1]).toMatch(/: deleted$/);
  });

  it("stops when OVH no longer shows the task and the subscription is still there as it was", async () => {
    const g = scriptedGroup();
    g.requester
      .on(g.key("GET", SUB), subscription(5, 10))
      .on(g.key("DELETE", SUB), task(61, "todo", "deleteSubscription"))
      .on(g.key("GET", "/task/61"), fails(notFound("GET", "/task/61")));
    await expect(remove(g)).rejects.toThrow(
      /OVH deletion task 61 is no longer shown by OVH, but the subscription is still there after reading it again for 1 min \(10 seats, status "ok"\)/,
    );
    expect(g.count("DELETE", SUB)).toBe(1);
    // Decided only once the settle window has passed.
    expect(g.clock.now()).toBeGreaterThanOrEqual(60_000);
  });

  it.each([409, 400, 403])("waits out a deletion refused with %i while a task runs on the subscription, then deletes", async (status) => {
    const g = scriptedGroup();
    g.requester
      .on(g.key("GET", SUB), subscription(5, 10), subscription(5, 10, { taskPendingId: 62 }), subscription(5, 10, { taskPendingId: 62 }), subscription(5, 12), fails(notFound("GET", SUB)))
      .on(g.key("DELETE", SUB), fails(ovhError(status, "DELETE", SUB, "Client::Whatever", "Busy")), task(63, "todo", "deleteSubscription"))
      .on(g.key("GET", "/task/62"), task(62, "done", "changeQuantity"))
      .on(g.key("GET", "/task/63"), task(63, "done", "deleteSubscription"));
    await remove(g);
    expect(g.count("DELETE", SUB)).toBe(2);
  });

  it("after a deletion with no answer, waits for the task the subscription shows", async () => {
    const g = scriptedGroup();
    g.requester
      .on(g.key("GET", SUB), subscription(5, 10), subscription(5, 10, { taskPendingId: 64 }), fails(notFound("GET", SUB)))
      .on(g.key("DELETE", SUB), fails(new OvhNetworkError("DELETE", `/saas/csp2/${g.serviceName}${SUB}`, "ECONNRESET", "socket hang up")))
      .on(g.key("GET", "/task/64"), task(64, "done", "deleteSubscription"));
    await remove(g);
    expect(g.count("DELETE", SUB)).toBe(1);
  });

  it("a run killed mid-delete finds its own deletion pending and waits for it", async () => {
    const g = scriptedGroup();
    g.requester
      .on(g.key("GET", SUB), subscription(5, 10, { taskPendingId: 65 }), fails(notFound("GET", SUB)))
      .on(g.key("GET", "/task/65"), task(65, "doing", "deleteSubscription"), fails(notFound("GET", "/task/65")));
    await remove(g);
    expect(g.count("DELETE", SUB)).toBe(0);
    expect(g.lines.join("\n")).toContain("deleted (by the task that was pending on it)");
  });

  it("a wait that ends without an outcome stops without sending the deletion", async () => {
    const g = scriptedGroup();
    g.requester.on(g.key("GET", SUB), subscription(5, 10, { taskPendingId: 66 })).on(g.key("GET", "/task/66"), task(66, "doing", "changeQuantity"));
    await expect(remove(g)).rejects.toBeInstanceOf(TaskTimeoutError);
    expect(g.count("DELETE", SUB)).toBe(0);
  });

  it("says so when the subscription is already gone or listed as deleted", async () => {
    for (const answer of [fails(notFound("GET", SUB)), subscription(5, 10, { status: "deleted" })]) {
      const g = scriptedGroup();
      g.requester.on(g.key("GET", SUB), answer);
      await remove(g);
      expect(g.count("DELETE", SUB)).toBe(0);
      expect(g.lines).toEqual([`${g.serviceName}/5: already deleted at OVH`]);
    }
  });
});
