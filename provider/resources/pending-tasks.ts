import * as csp2 from "../csp2";
import type { OfficeSubscription, PendingTask, TaskEnd, TaskProgress } from "../csp2";
import type { OvhRequester } from "../ovh/types";
import type { OperationContext } from "./operation-context";
import { findSubscriptionInUse } from "./subscription-state";

export type { PendingTask };

/**
 * Tasks still `todo` or `doing`, oldest first: the given ones, or else the group's (one filtered call in list mode;
 * otherwise among its most recent tasks).
 */
export function pendingTasksOf(requester: OvhRequester, serviceName: string, taskIds?: number[]): Promise<PendingTask[]> {
  return taskIds ? csp2.pendingTasks(requester, serviceName, taskIds) : csp2.fetchPendingTasks(requester, serviceName);
}

/**
 * Waits for a task to end, printing progress, and says how it ended (`done`, `failed`, or `vanished` when OVH no
 * longer shows it). Throws `TaskTimeoutError` once `timeoutMs` has passed: the task goes on at OVH, and nothing may be
 * ordered, changed or deleted on the strength of a wait that ended without an outcome.
 */
export function waitForTaskOutcome(ctx: OperationContext, serviceName: string, taskId: number, subject: string, timeoutMs: number): Promise<TaskEnd> {
  return csp2.waitForTaskEnd(ctx.requester, serviceName, taskId, { ...ctx.polling, timeoutMs, onProgress: taskProgressReporter(ctx, subject) });
}

/**
 * Waits for the subscription's pending task, if any (its failure is someone else's and only reported), then rereads
 * it: undefined when that task deleted it.
 */
export async function waitForPendingTask(
  ctx: OperationContext,
  serviceName: string,
  live: OfficeSubscription,
  subject: string,
  timeoutMs: number,
): Promise<OfficeSubscription | undefined> {
  if (live.taskPendingId <= 0) return live;
  ctx.tell(subject, `OVH task ${live.taskPendingId} is pending on this subscription: waiting for it first`);
  const end = await waitForTaskOutcome(ctx, serviceName, live.taskPendingId, subject, timeoutMs);
  if (end.outcome === "failed") ctx.tell(subject, `the pending task did not complete: OVH task ${end.task.id} (${end.task.function}) ended "${end.task.status}"`);
  if (end.outcome === "vanished") ctx.tell(subject, `OVH no longer shows task ${end.taskId}: it has ended; reading the subscription again`);
  return findSubscriptionInUse(ctx.requester, serviceName, live.id);
}

/** Progress lines for long waits: on every status change, and every 15 s otherwise. */
export function taskProgressReporter(ctx: Pick<OperationContext, "tell">, subject: string): (progress: TaskProgress) => void {
  let lastStatus = "";
  let lastReportAt = 0;
  return (progress) => {
    if (progress.status === lastStatus && progress.elapsedMs - lastReportAt < 15_000) return;
    lastStatus = progress.status;
    lastReportAt = progress.elapsedMs;
    ctx.tell(subject, `OVH task ${progress.taskId} (${progress.function}): ${progress.status}, ${Math.round(progress.elapsedMs / 1000)} s`);
  };
}
