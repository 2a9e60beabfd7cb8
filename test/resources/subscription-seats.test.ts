import { TaskTimeoutError } from "../../provider/csp2";
import { OvhApiError, OvhNetworkError } from "../../provider/ovh/errors";
import type { SubscriptionInputs } from "../../provider/resources/subscription";
import { maxRefusalsWaitedOut } from "../../provider/resources/subscription-rules";
import { convergeSeats } from "../../provider/resources/subscription-seats";
import { fails, notFound, ovhError, scriptedGroup, subscription, task, type ScriptedGroup } from "./operation-fakes";

/**
 * Seat convergence against a scripted OVH: refusals whatever their status code, answers that never came, tasks OVH
 * stops showing, and waits that end without an outcome. What is asserted each time: the seats reached, and how many
 * seat changes were sent (never one on a guess).
 */

const SUB = "/subscription/5";
const CHANGE = `${SUB}/changeQuantity`;

function declared(group: ScriptedGroup, seats: number, extra: Partial<SubscriptionInputs> = {}): SubscriptionInputs {
  return { serviceName: group.serviceName, license: "Microsoft 365 Business Basic", seats, ...extra };
}

const converge = (group: ScriptedGroup, seats: number, extra: Partial<SubscriptionInputs> = {}) =>
  convergeSeats(group.ctx, declared(group, seats, extra), 5, `${group.serviceName}/5`);

describe("convergeSeats", () => {
  it("sends one change and confirms the seats from the subscription once its task is done", async () => {
    const g = scriptedGroup();
    g.requester
      .on(g.key("GET", SUB), subscription(5, 10), subscription(5, 12))
      .on(g.key("POST", CHANGE), task(70, "todo", "changeQuantity"))
      .on(g.key("GET", "/task/70"), task(70, "doing", "changeQuantity"), task(70, "done", "changeQuantity"));
    expect((await converge(g, 12)).quantity).toBe(12);
    expect(g.count("POST", CHANGE)).toBe(1);
  });

  it.each([409, 400, 403])("waits out a change refused with %i while a task runs on the subscription, then sends it again", async (status) => {
    const g = scriptedGroup();
    g.requester
      .on(
        g.key("GET", SUB),
        subscription(5, 10),
        // Read after the refusal: a control-panel change is running on it.
        subscription(5, 10, { taskPendingId: 71 }),
        subscription(5, 10, { taskPendingId: 71 }),
        // Read once that task is done: it set 11 seats.
        subscription(5, 11, { lastUpdate: "2026-11-30T12:00:00+01:00" }),
        subscription(5, 12),
      )
      .on(
        g.key("POST", CHANGE),
        fails(ovhError(status, "POST", CHANGE, "Client::Whatever", "An operation is already in progress on this subscription")),
        task(72, "todo", "changeQuantity"),
      )
      .on(g.key("GET", "/task/71"), task(71, "doing", "changeQuantity"), task(71, "done", "changeQuantity"))
      .on(g.key("GET", "/task/72"), task(72, "done", "changeQuantity"));
    expect((await converge(g, 12)).quantity).toBe(12);
    expect(g.count("POST", CHANGE)).toBe(2);
    expect(g.lines.join("\n")).toContain(`OVH refused the seat change (${status}) while task 71 runs on the subscription`);
  });

  it("tries again after a refusal when the subscription changed in between (the task that caused it just ended)", async () => {
    const g = scriptedGroup();
    g.requester
      .on(g.key("GET", SUB), subscription(5, 10), subscription(5, 8), subscription(5, 8), subscription(5, 12))
      .on(g.key("POST", CHANGE), fails(ovhError(400, "POST", CHANGE, "Client::BadRequest", "Busy")), task(73, "todo", "changeQuantity"))
      .on(g.key("GET", "/task/73"), task(73, "done", "changeQuantity"));
    expect((await converge(g, 12)).quantity).toBe(12);
    expect(g.count("POST", CHANGE)).toBe(2);
  });

  it("stops on a refused decrease that shows neither a task nor a change, naming both possible causes", async () => {
    const g = scriptedGroup();
    g.requester
      .on(g.key("GET", SUB), subscription(5, 10))
      .on(g.key("POST", CHANGE), fails(ovhError(403, "POST", CHANGE, "Client::Forbidden", "Action not allowed")));
    const error = (await converge(g, 8).catch((e: unknown) => e)) as OvhApiError;
    expect(error).toBeInstanceOf(OvhApiError);
    expect(error.status).toBe(403);
    expect(error.message).toContain("Action not allowed");
    expect(error.message).toMatch(/Lowering seats \(10 => 8\) was refused and the subscription shows no task and no change/);
    expect(error.message).toContain("Microsoft may have refused it: Microsoft only accepts seat decreases");
    expect(error.message).toContain("set seats: 10");
    expect(error.message).toContain("Or a task was running at that moment: run again.");
    expect(g.count("POST", CHANGE)).toBe(1);
  });

  it("gives up after waiting out a bounded number of refusals", async () => {
    const g = scriptedGroup();
    let reads = 0;
    g.requester
      // Every other read shows a task, which ends at once: OVH keeps refusing anyway.
      .on(g.key("GET", SUB), () => subscription(5, 10, { taskPendingId: reads++ % 2 === 1 ? 74 : 0 }))
      .on(g.key("POST", CHANGE), fails(ovhError(409, "POST", CHANGE, "Client::Conflict", "Pending task")))
      .on(g.key("GET", "/task/74"), task(74, "done", "changeQuantity"));
    const error = (await converge(g, 12).catch((e: unknown) => e)) as Error;
    expect(error.message).toContain("OVH kept refusing the seat change while tasks ran on the subscription or it kept changing");
    expect(error.message).toContain(`\`ovh-office365 tasks ${g.serviceName}\` shows none`);
    expect(g.count("POST", CHANGE)).toBe(maxRefusalsWaitedOut + 1);
  });

  it("after a change with no answer, waits for the task the subscription shows instead of sending it again", async () => {
    const g = scriptedGroup();
    g.requester
      .on(g.key("GET", SUB), subscription(5, 10), subscription(5, 10, { taskPendingId: 75 }), subscription(5, 12))
      .on(g.key("POST", CHANGE), fails(new OvhNetworkError("POST", `/saas/csp2/${g.serviceName}${CHANGE}`, "ECONNRESET", "socket hang up")))
      .on(g.key("GET", "/task/75"), task(75, "done", "changeQuantity"));
    expect((await converge(g, 12)).quantity).toBe(12);
    expect(g.count("POST", CHANGE)).toBe(1);
  });

  it("after a change answered with a server error and no trace of it, stops without sending it again", async () => {
    const g = scriptedGroup();
    g.requester
      .on(g.key("GET", SUB), subscription(5, 10))
      .on(g.key("POST", CHANGE), fails(ovhError(503, "POST", CHANGE, "Server::ServiceUnavailable", "Unavailable")));
    await expect(converge(g, 12)).rejects.toMatchObject({ status: 503 });
    expect(g.count("POST", CHANGE)).toBe(1);
  });

  it("confirms from the subscription when OVH no longer shows the task", async () => {
    const g = scriptedGroup();
    g.requester
      .on(g.key("GET", SUB), subscription(5, 10), subscription(5, 12))
      .on(g.key("POST", CHANGE), task(76, "todo", "changeQuantity"))
      .on(g.key("GET", "/task/76"), task(76, "doing", "changeQuantity"), fails(notFound("GET", "/task/76")));
    expect((await converge(g, 12)).quantity).toBe(12);
    expect(g.lines.join("\n")).toContain("OVH no longer shows task 76; the subscription has the declared 12 seats");
  });

  it.each([
    ["no longer shown", fails(notFound("GET", "/task/77"))],
    ["ended in error", task(77, "error", "changeQuantity")],
  ])("a decrease whose task is %s while the seats did not move is refused with the decrease-window advice", async (_how, end) => {
    const g = scriptedGroup();
    g.requester
      .on(g.key("GET", SUB), subscription(5, 10))
      .on(g.key("POST", CHANGE), task(77, "todo", "changeQuantity"))
      .on(g.key("GET", "/task/77"), end);
    const error = (await converge(g, 6).catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/OVH task 77 \(changeQuantity 10 => 6\) (ended "error"|is no longer shown by OVH) and the subscription still has 10 seats/);
    expect(error.message).toContain("Microsoft only accepts seat decreases shortly after seats were added");
    expect(error.message).toContain("set seats: 10");
    expect(g.count("POST", CHANGE)).toBe(1);
  });

  it("an increase whose task vanished without effect stops, naming the task, without another change", async () => {
    const g = scriptedGroup();
    g.requester
      .on(g.key("GET", SUB), subscription(5, 10))
      .on(g.key("POST", CHANGE), task(78, "todo", "changeQuantity"))
      .on(g.key("GET", "/task/78"), fails(notFound("GET", "/task/78")));
    await expect(converge(g, 12)).rejects.toThrow(
      /OVH task 78 .* is no longer shown by OVH and the subscription still has 10 seats after reading it again for 1 min: the change did not happen/,
    );
    expect(g.count("POST", CHANGE)).toBe(1);
    // Decided only once the settle window has passed, reading the subscription again on the way.
    expect(g.clock.now()).toBeGreaterThanOrEqual(60_000);
    expect(g.count("GET", SUB)).toBeGreaterThan(5);
  });

  it("a wait that ends without an outcome stops with the task named, and sends nothing", async () => {
    const g = scriptedGroup();
    g.requester
      .on(g.key("GET", SUB), subscription(5, 10, { taskPendingId: 79 }))
      .on(g.key("GET", "/task/79"), task(79, "doing", "changeQuantity"));
    const error = (await converge(g, 12, { taskTimeoutMinutes: 1 }).catch((e: unknown) => e)) as TaskTimeoutError;
    expect(error).toBeInstanceOf(TaskTimeoutError);
    expect(error.taskId).toBe(79);
    expect(error.message).toContain("run again later");
    expect(g.count("POST", CHANGE)).toBe(0);
    expect(g.clock.now()).toBe(60_000);
  });

  it("reports the subscription deleted when it is listed with a terminal status", async () => {
    const g = scriptedGroup();
    g.requester.on(g.key("GET", SUB), subscription(5, 10, { status: "terminated" }));
    await expect(converge(g, 12)).rejects.toThrow(/the subscription was deleted at OVH .* Run `pulumi refresh`/);
    expect(g.count("POST", CHANGE)).toBe(0);
  });

  describe("reads that lag the change", () => {
    it("reads again until the declared seats show after the task is done, sending one change", async () => {
      const g = scriptedGroup();
      g.requester
        .on(g.key("GET", SUB), subscription(5, 10), subscription(5, 10), subscription(5, 10), subscription(5, 12))
        .on(g.key("POST", CHANGE), task(90, "todo", "changeQuantity"))
        .on(g.key("GET", "/task/90"), task(90, "done", "changeQuantity"));
      expect((await converge(g, 12)).quantity).toBe(12);
      expect(g.count("POST", CHANGE)).toBe(1);
      expect(g.lines.join("\n")).toContain("OVH does not show the declared 12 seats (task 90 has ended) yet: reading again for at most 1 min");
    });

    it("says the change did not happen when the seats from before still show once the window has passed", async () => {
      const g = scriptedGroup();
      g.requester
        .on(g.key("GET", SUB), subscription(5, 10))
        .on(g.key("POST", CHANGE), task(91, "todo", "changeQuantity"))
        .on(g.key("GET", "/task/91"), task(91, "done", "changeQuantity"));
      const error = (await converge(g, 12).catch((e: unknown) => e)) as Error;
      expect(error.message).toContain("OVH task 91 (changeQuantity 10 => 12) is done and the subscription still has 10 seats after reading it again for 1 min: the change did not happen");
      expect(error.message).toContain("sends the change only if the seats still differ");
      expect(g.count("POST", CHANGE)).toBe(1);
      expect(g.clock.now()).toBeGreaterThanOrEqual(60_000);
    });

    it("names a third seat count with both values: someone else changed the seats meanwhile", async () => {
      const g = scriptedGroup();
      g.requester
        .on(g.key("GET", SUB), subscription(5, 10), subscription(5, 9))
        .on(g.key("POST", CHANGE), task(92, "todo", "changeQuantity"))
        .on(g.key("GET", "/task/92"), task(92, "done", "changeQuantity"));
      const error = (await converge(g, 12).catch((e: unknown) => e)) as Error;
      expect(error.message).toContain("the subscription has 9 seats, neither the 10 before it nor the declared 12: someone else changed the seats meanwhile");
      expect(g.count("POST", CHANGE)).toBe(1);
    });

    it("decides from one read when the settle window is 0", async () => {
      const g = scriptedGroup();
      g.ctx.settleMs = 0;
      g.requester
        .on(g.key("GET", SUB), subscription(5, 10), subscription(5, 10), subscription(5, 12))
        .on(g.key("POST", CHANGE), task(93, "todo", "changeQuantity"))
        .on(g.key("GET", "/task/93"), task(93, "done", "changeQuantity"));
      await expect(converge(g, 12)).rejects.toThrow("is done and the subscription still has 10 seats: the change did not happen");
      expect(g.count("GET", SUB)).toBe(2);
    });

    it("after waiting out another task, reads again when OVH refuses a change the stale read made look needed", async () => {
      const g = scriptedGroup();
      g.requester
        .on(
          g.key("GET", SUB),
          // A control-panel task sets 12 seats; once it ends, reads still show 10 for a while.
          subscription(5, 10, { taskPendingId: 94 }),
          subscription(5, 10),
          subscription(5, 10),
          subscription(5, 10),
          subscription(5, 12, { lastUpdate: "2026-11-30T12:00:00+01:00" }),
        )
        .on(g.key("GET", "/task/94"), task(94, "done", "changeQuantity"))
        .on(g.key("POST", CHANGE), fails(ovhError(400, "POST", CHANGE, "Client::BadRequest", "[quantity] Subscription 5 already has 12 seats")));
      expect((await converge(g, 12)).quantity).toBe(12);
      expect(g.count("POST", CHANGE)).toBe(1);
      expect(g.lines.join("\n")).toContain("OVH does not show the result of the task that ended on it yet");
    });

    it("without a task ended in the operation, a refusal that nothing explains is reported at once", async () => {
      const g = scriptedGroup();
      g.requester.on(g.key("GET", SUB), subscription(5, 10)).on(g.key("POST", CHANGE), fails(ovhError(403, "POST", CHANGE, "Client::Forbidden", "Action not allowed")));
      await expect(converge(g, 8)).rejects.toThrow("Lowering seats (10 => 8) was refused");
      expect(g.clock.now()).toBe(0);
    });
  });
});
