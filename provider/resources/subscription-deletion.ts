import * as csp2 from "../csp2";
import type { OfficeSubscription, TaskEnd } from "../csp2";
import { OvhApiError } from "../ovh/errors";
import type { OperationContext } from "./operation-context";
import { isTerminalStatus, maxRefusalsWaitedOut } from "./subscription-rules";
import { waitForPendingTask, waitForTaskOutcome } from "./pending-tasks";
import { readAgainFor, settleRead } from "./settling";
import { changedBetween, findSubscriptionInUse, isAmbiguous, isRefusal } from "./subscription-state";

/**
 * Deleting a subscription at OVH and confirming it from the subscription itself: gone, or listed with a terminal
 * status. A run killed mid-delete finds its own deletion task pending and waits for it instead of failing.
 */

export interface Deletion {
  serviceName: string;
  subscriptionId: number;
  subject: string;
  timeoutMs: number;
}

/** Deletes the subscription and returns once OVH shows it deleted; says so when it already was. */
export async function deleteSubscription(ctx: OperationContext, deletion: Deletion): Promise<void> {
  const { serviceName, subscriptionId, subject, timeoutMs } = deletion;
  for (let refusals = 0; ; ) {
    const found = await findSubscriptionInUse(ctx.requester, serviceName, subscriptionId);
    if (!found) {
      ctx.tell(subject, "already deleted at OVH");
      return;
    }
    // After a run killed mid-delete, the pending task may be this very deletion.
    const live = await waitForPendingTask(ctx, serviceName, found, subject, timeoutMs);
    if (!live) {
      ctx.tell(subject, "deleted (by the task that was pending on it)");
      return;
    }
    const request = await requestDeletion(ctx, deletion, live);
    if (request.kind === "gone") {
      ctx.tell(subject, "deleted");
      return;
    }
    if (request.kind === "retry") {
      refusals += 1;
      if (refusals > maxRefusalsWaitedOut) throw request.refusal;
      continue;
    }
    ctx.tell(subject, `deleting: OVH task ${request.taskId} (${request.taskFunction})`);
    const end = await waitForTaskOutcome(ctx, serviceName, request.taskId, subject, timeoutMs);
    await confirmDeleted(ctx, deletion, live, end);
    ctx.tell(subject, "deleted");
    return;
  }
}

type DeletionRequest =
  | { kind: "task"; taskId: number; taskFunction: string }
  | { kind: "gone" }
  | { kind: "retry"; refusal: OvhApiError };

async function requestDeletion(ctx: OperationContext, deletion: Deletion, live: OfficeSubscription): Promise<DeletionRequest> {
  const { serviceName, subscriptionId, subject, timeoutMs } = deletion;
  try {
    const task = await csp2.deleteSubscription(ctx.requester, serviceName, subscriptionId);
    return { kind: "task", taskId: task.id, taskFunction: task.function };
  } catch (error) {
    if (error instanceof OvhApiError && error.isNotFound) return { kind: "gone" };
    if (!isAmbiguous(error) && !isRefusal(error)) throw error;
    if (isAmbiguous(error)) {
      ctx.tell(subject, "OVH did not confirm the deletion: checking what happened");
      const { value: after } = await settleRead(ctx, {
        subject,
        awaiting: "a task on the subscription, or the subscription gone",
        read: () => findSubscriptionInUse(ctx.requester, serviceName, subscriptionId),
        shows: (s) => !s || s.taskPendingId > 0,
        timeoutMs,
      });
      if (!after) return { kind: "gone" };
      if (after.taskPendingId > 0) return { kind: "task", taskId: after.taskPendingId, taskFunction: "pending on the subscription" };
      throw error;
    }
    const after = await findSubscriptionInUse(ctx.requester, serviceName, subscriptionId);
    if (!after) return { kind: "gone" };
    const refusal = error as OvhApiError;
    if (after.taskPendingId > 0 || changedBetween(live, after)) {
      ctx.tell(subject, `OVH refused the deletion (${refusal.status}) while the subscription was busy: waiting, then trying again`);
      return { kind: "retry", refusal };
    }
    // OVH may list a deleted subscription for a while under a status this provider does not know: say so.
    refusal.message =
      `${refusal.message} Nothing was deleted. OVH lists the subscription with status "${after.status}" and no task: if ` +
      `it was deleted already (by an interrupted run, or in the control panel), OVH stops listing it after a while and ` +
      `the next run finds it gone; otherwise check \`ovh-office365 status ${serviceName}\` and run again.`;
    throw refusal;
  }
}

/**
 * The task ended: the subscription must now be gone, listed as deleted, or at least no longer as it was. A task done or
 * no longer shown gets the settle window to show in the subscription; only then is anything decided.
 */
async function confirmDeleted(ctx: OperationContext, deletion: Deletion, before: OfficeSubscription, end: TaskEnd): Promise<void> {
  const { serviceName, subscriptionId, subject, timeoutMs } = deletion;
  const taskId = end.outcome === "vanished" ? end.taskId : end.task.id;
  const read = () => csp2.findSubscription(ctx.requester, serviceName, subscriptionId);
  const deleted = (s: OfficeSubscription | undefined) => !s || isTerminalStatus(s.status);
  // OVH may keep a deleted subscription listed under a status this provider does not know: a finished deletion
  // task and a changed status say it went.
  const statusMoved = (s: OfficeSubscription | undefined) => end.outcome === "done" && s !== undefined && s.status !== before.status;
  const { value: after } =
    end.outcome === "failed"
      ? { value: await read() }
      : await settleRead(ctx, { subject, awaiting: `the subscription deleted (task ${taskId} has ended)`, read, shows: (s) => deleted(s) || statusMoved(s), timeoutMs });
  if (!after || deleted(after)) {
    if (end.outcome === "vanished") ctx.tell(subject, `OVH no longer shows task ${end.taskId}; the subscription is deleted`);
    return;
  }
  if (statusMoved(after)) {
    ctx.tell(subject, `OVH still lists it, with status "${after.status}"`);
    return;
  }
  const how = end.outcome === "failed" ? `ended "${end.task.status}"` : end.outcome === "vanished" ? "is no longer shown by OVH" : "is done";
  const waited = end.outcome === "failed" ? "" : readAgainFor(ctx, timeoutMs);
  throw new Error(
    `${subject}: OVH deletion task ${taskId} ${how}, but the subscription is still there${waited} (${after.quantity} seats, ` +
      `status "${after.status}"). Nothing else was done. Check \`ovh-office365 status ${serviceName}\` and run again.`,
  );
}
