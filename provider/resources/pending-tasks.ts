import * as csp2 from "../csp2";
import type { OfficeSubscription, PendingTask, TaskProgress } from "../csp2";
import type { OvhRequester } from "../ovh/types";
import { tell } from "./provider-config";

export type { PendingTask };

const recentTasksScanned = 20;

/** Tasks still `todo` or `doing`, oldest first: the given ones, or else among the group's most recent ones. */
export function pendingTasksOf(requester: OvhRequester, serviceName: string, taskIds?: number[]): Promise<PendingTask[]> {
  return csp2.pendingTasks(requester, serviceName, taskIds ? { taskIds } : { mostRecent: recentTasksScanned });
}

/**
 * Waits for the subscription's pending task, if any (its failure is someone else's and only reported), then rereads
 * it: undefined when that task deleted it.
 */
export async function waitForPendingTask(
  requester: OvhRequester,
  serviceName: string,
  live: OfficeSubscription,
  subject: string,
  timeoutMs: number,
): Promise<OfficeSubscription | undefined> {
  if (live.taskPendingId <= 0) return live;
  tell(subject, `OVH task ${live.taskPendingId} is pending on this subscription: waiting for it first`);
  try {
    await csp2.waitForTask(requester, serviceName, live.taskPendingId, { timeoutMs, onProgress: taskProgressReporter(subject) });
  } catch (error) {
    if (error instanceof csp2.TaskTimeoutError) throw error;
    tell(subject, `the pending task did not complete: ${(error as Error).message}`);
  }
  return csp2.findSubscription(requester, serviceName, live.id);
}

/** Progress lines for long waits: on every status change, and every 15 s otherwise. */
export function taskProgressReporter(subject: string): (progress: TaskProgress) => void {
  let lastStatus = "";
  let lastReportAt = 0;
  return (progress) => {
    if (progress.status === lastStatus && progress.elapsedMs - lastReportAt < 15_000) return;
    lastStatus = progress.status;
    lastReportAt = progress.elapsedMs;
    tell(subject, `OVH task ${progress.taskId} (${progress.function}): ${progress.status}, ${Math.round(progress.elapsedMs / 1000)} s`);
  };
}
