import {
  TaskFailedError,
  TaskTimeoutError,
  nextPollDelay,
  pendingTasks,
  waitForTask,
  type TaskProgress,
} from "../../provider/csp2";
import { FakeClock, ScriptedRequester, task } from "./fakes";

const taskPath = (id: number) => `GET /saas/csp2/office-1/task/${id}`;

describe("waitForTask", () => {
  it("returns the task once it is done, after polling through todo and doing", async () => {
    const clock = new FakeClock();
    const requester = new ScriptedRequester().on(taskPath(7), task(7, "todo"), task(7, "doing"), task(7, "doing"), task(7, "done"));
    const done = await waitForTask(requester, "office-1", 7, { now: clock.now, sleep: clock.sleep });
    expect(done.status).toBe("done");
    expect(done.id).toBe(7);
    expect(requester.keys).toEqual([taskPath(7), taskPath(7), taskPath(7), taskPath(7)]);
  });

  it("reports progress after every poll with the task's id, function, status, elapsed time and poll count", async () => {
    const clock = new FakeClock();
    const requester = new ScriptedRequester().on(taskPath(7), task(7, "todo", "changeQuantity"), task(7, "doing", "changeQuantity"), task(7, "done", "changeQuantity"));
    const progress: TaskProgress[] = [];
    await waitForTask(requester, "office-1", 7, { now: clock.now, sleep: clock.sleep, onProgress: (p) => progress.push(p) });
    expect(progress).toEqual([
      { serviceName: "office-1", taskId: 7, function: "changeQuantity", status: "todo", elapsedMs: 950, polls: 1 },
      { serviceName: "office-1", taskId: 7, function: "changeQuantity", status: "doing", elapsedMs: 1900, polls: 2 },
      { serviceName: "office-1", taskId: 7, function: "changeQuantity", status: "done", elapsedMs: 2850, polls: 3 },
    ]);
  });

  it("sleeps exactly the poll schedule between polls", async () => {
    const clock = new FakeClock();
    const doneAtMs = 45_000;
    const requester = new ScriptedRequester().on(taskPath(3), () => task(3, clock.now() >= doneAtMs ? "done" : "doing"));
    await waitForTask(requester, "office-1", 3, { now: clock.now, sleep: clock.sleep });
    let elapsed = 0;
    const expected = clock.sleeps.map((_, attempt) => {
      const delay = nextPollDelay(attempt, elapsed);
      elapsed += delay;
      return delay;
    });
    expect(clock.sleeps).toEqual(expected);
    expect(clock.sleeps[0]).toBe(950);
    expect(clock.sleeps.length).toBeLessThanOrEqual(1 + 3 * Math.log2(45));
    expect(clock.now() - doneAtMs).toBeLessThanOrEqual(0.25 * doneAtMs);
  });

  it.each(["error", "cancelled"] as const)("throws TaskFailedError when the task ends in %s, saying what to do", async (status) => {
    const clock = new FakeClock();
    const requester = new ScriptedRequester().on(taskPath(9), task(9, "doing", "deleteSubscription"), task(9, status, "deleteSubscription"));
    const error = await waitForTask(requester, "office-1", 9, { now: clock.now, sleep: clock.sleep }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskFailedError);
    const failed = error as TaskFailedError;
    expect(failed).toMatchObject({ serviceName: "office-1", taskId: 9, taskFunction: "deleteSubscription", status });
    expect(failed.message).toContain("OVH task 9 (deleteSubscription) on licence group office-1");
    expect(failed.message).toContain(`"${status}"`);
    expect(failed.message).toMatch(/fix the cause .* and run again/);
    expect(requester.calls).toHaveLength(2);
  });

  it("throws TaskTimeoutError at the timeout, saying the task still runs and a new run picks it up", async () => {
    const clock = new FakeClock();
    const requester = new ScriptedRequester().on(taskPath(5), task(5, "doing", "addSubscription"));
    const error = await waitForTask(requester, "office-1", 5, { now: clock.now, sleep: clock.sleep, timeoutMs: 120_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskTimeoutError);
    const timeout = error as TaskTimeoutError;
    expect(timeout).toMatchObject({ serviceName: "office-1", taskId: 5, taskFunction: "addSubscription", lastStatus: "doing", timeoutMs: 120_000 });
    expect(timeout.elapsedMs).toBe(120_000);
    expect(timeout.message).toContain('is still "doing" after 2 min');
    expect(timeout.message).toContain("keeps running at OVH");
    expect(timeout.message).toContain("not ordered twice");
    expect(clock.now()).toBe(120_000);
  });

  it("uses a 30 minute timeout by default", async () => {
    const clock = new FakeClock();
    const requester = new ScriptedRequester().on(taskPath(5), task(5, "todo"));
    const error = (await waitForTask(requester, "office-1", 5, { now: clock.now, sleep: clock.sleep }).catch((e: unknown) => e)) as TaskTimeoutError;
    expect(error.timeoutMs).toBe(30 * 60 * 1000);
    expect(clock.now()).toBe(30 * 60 * 1000);
    expect(error.message).toContain("after 30 min");
  });

  it("lets an OVH error while polling through unchanged", async () => {
    const clock = new FakeClock();
    const boom = new Error("OVH API GET /saas/csp2/office-1/task/5 failed: 404");
    const requester = new ScriptedRequester().on(taskPath(5), () => {
      throw boom;
    });
    await expect(waitForTask(requester, "office-1", 5, { now: clock.now, sleep: clock.sleep })).rejects.toBe(boom);
  });
});

describe("pendingTasks", () => {
  it("keeps the todo and doing ones of the given tasks, oldest first, with id, function, status and todoDate", async () => {
    const requester = new ScriptedRequester()
      .on(taskPath(10), task(10, "done"))
      .on(taskPath(11), task(11, "doing", "changeQuantity"))
      .on(taskPath(12), task(12, "todo", "addSubscription"))
      .on(taskPath(13), task(13, "error"));
    expect(await pendingTasks(requester, "office-1", [12, 10, 11, 13])).toEqual([
      { id: 11, function: "changeQuantity", status: "doing", todoDate: "2024-05-01T10:00:00+02:00" },
      { id: 12, function: "addSubscription", status: "todo", todoDate: "2024-05-01T10:00:00+02:00" },
    ]);
  });

  it("is empty when every given task has ended", async () => {
    const requester = new ScriptedRequester().on(taskPath(4), task(4, "cancelled"));
    expect(await pendingTasks(requester, "office-1", [4])).toEqual([]);
  });

  it("reads only the given tasks, without listing the group's", async () => {
    const given = new ScriptedRequester().on(taskPath(11), task(11, "doing", "changeQuantity"));
    expect((await pendingTasks(given, "office-1", [11])).map((t) => t.id)).toEqual([11]);
    expect(given.calls).toHaveLength(1);
  });
});
