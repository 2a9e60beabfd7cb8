import * as csp2 from "../csp2";
import type { OfficeSubscription, TaskEnd } from "../csp2";
import { OvhApiError } from "../ovh/errors";
import { licenseById } from "./catalogue";
import type { OperationContext } from "./operation-context";
import { monthlyIncreaseProblem } from "./seat-prices";
import { waitForPendingTask, waitForTaskOutcome } from "./pending-tasks";
import { readAgainFor, settleRead } from "./settling";
import type { SubscriptionInputs } from "./subscription-types";
import { isActiveStatus, maxRefusalsWaitedOut, seatGuardProblem, taskTimeoutMs } from "./subscription-rules";
import { changedBetween, deletedMeanwhile, findSubscriptionInUse, isAmbiguous, isRefusal } from "./subscription-state";

/**
 * Seat convergence: bring a subscription's live seats to the declared count. A change OVH refuses while a task runs
 * on the subscription is recognised from the subscription itself (OVH documents no status code for that refusal),
 * waited out and tried again; anything else that cannot be told apart stops with an error rather than a guess.
 */

/** What the seat change request came to. */
type SeatRequest =
  | { kind: "task"; taskId: number; taskFunction: string }
  /** The subscription already has the declared seats (an earlier, unconfirmed request went through). */
  | { kind: "applied"; live: OfficeSubscription }
  /** Refused while something was going on with the subscription: wait for it and try again. */
  | { kind: "retry"; refusal: OvhApiError };

/**
 * Brings the live seat count to the declared one: waits for a pending task first, checks the guard rails, confirms.
 * `fresh` is the subscription as just read live (after ordering or adopting it), which spares a first read.
 */
export async function convergeSeats(
  ctx: OperationContext,
  declared: SubscriptionInputs,
  subscriptionId: number,
  subject: string,
  fresh?: OfficeSubscription,
): Promise<OfficeSubscription> {
  const { serviceName, seats } = declared;
  const timeoutMs = taskTimeoutMs(declared);
  const gone = () => deletedMeanwhile(subject, serviceName, declared.subscriptionId !== undefined);
  const inUse = (found: OfficeSubscription | undefined): OfficeSubscription => {
    if (!found) throw gone();
    return found;
  };
  const reread = async () => inUse(await findSubscriptionInUse(ctx.requester, serviceName, subscriptionId));

  let first: OfficeSubscription | undefined = fresh;
  // Once a task has ended on the subscription in this operation, a read may not show its result yet.
  let taskEnded = false;
  for (let refusals = 0; ; ) {
    const current = first ?? (await reread());
    first = undefined;
    taskEnded ||= current.taskPendingId > 0;
    const live = inUse(await waitForPendingTask(ctx, serviceName, current, subject, timeoutMs));
    if (live.quantity === seats) return live;

    const guard = seatGuardProblem(live.quantity, seats, declared.maxSeatChange) ?? monthlyIncreaseProblem(live.quantity, seats, declared.seatPrice, declared.maxMonthlyIncrease);
    if (guard) throw new Error(`seats: ${guard}.`);
    const license = await licenseById(ctx.requester, serviceName, live.licenseId);
    if (license) csp2.checkSeatChange(license, live.quantity, seats);

    const request = await requestSeatChange(ctx, { serviceName, live, seats, subject, timeoutMs, taskEnded }, reread);
    if (request.kind === "applied") return request.live;
    if (request.kind === "retry") {
      refusals += 1;
      if (refusals > maxRefusalsWaitedOut) throw explainSeatRefusal(request.refusal, serviceName, live, seats, { stillBusy: true });
      continue;
    }
    ctx.tell(subject, `seats ${live.quantity} => ${seats}: OVH task ${request.taskId} (${request.taskFunction})`);
    const end = await waitForTaskOutcome(ctx, serviceName, request.taskId, subject, timeoutMs);
    return confirmSeats(ctx, end, { serviceName, before: live, seats, subject, timeoutMs }, reread);
  }
}

/** One seat change about to be requested. */
interface SeatChange {
  serviceName: string;
  /** The subscription as read just before. */
  live: OfficeSubscription;
  seats: number;
  subject: string;
  timeoutMs: number;
  /** A task ended on the subscription in this operation: reads may not show its result yet. */
  taskEnded: boolean;
}

async function requestSeatChange(ctx: OperationContext, change: SeatChange, reread: () => Promise<OfficeSubscription>): Promise<SeatRequest> {
  const { serviceName, live, seats, subject, timeoutMs } = change;
  try {
    const task = await csp2.changeQuantity(ctx.requester, serviceName, live.id, { quantity: seats });
    return { kind: "task", taskId: task.id, taskFunction: task.function };
  } catch (error) {
    if (error instanceof OvhApiError && error.isNotFound) {
      await reread();
      throw error;
    }
    if (isAmbiguous(error)) {
      ctx.tell(subject, "OVH did not confirm the seat change: checking what happened");
      const { value: after } = await settleRead(ctx, {
        subject,
        awaiting: "a task or the declared seats on the subscription",
        read: reread,
        shows: (s) => s.taskPendingId > 0 || s.quantity === seats,
        timeoutMs,
      });
      if (after.taskPendingId > 0) return { kind: "task", taskId: after.taskPendingId, taskFunction: "pending on the subscription" };
      if (after.quantity === seats) return { kind: "applied", live: after };
      // No task and no change: the request did not reach OVH's task queue. Sending it again is for the next run.
      throw error;
    }
    if (!isRefusal(error)) throw error;
    const explained = (s: OfficeSubscription) => s.taskPendingId > 0 || changedBetween(live, s);
    let after = await reread();
    if (!explained(after) && change.taskEnded) {
      // The refusal may come from the result of the task that just ended, which reads do not show yet.
      ({ value: after } = await settleRead(ctx, { subject, awaiting: "the result of the task that ended on it", read: reread, shows: explained, timeoutMs, first: after }));
    }
    if (after.taskPendingId > 0) {
      ctx.tell(subject, `OVH refused the seat change (${error.status}) while task ${after.taskPendingId} runs on the subscription: waiting for it, then trying again`);
      return { kind: "retry", refusal: error };
    }
    if (changedBetween(live, after)) {
      ctx.tell(subject, `OVH refused the seat change (${error.status}) while the subscription changed (${after.quantity} seats now): trying again`);
      return { kind: "retry", refusal: error };
    }
    throw explainSeatRefusal(error, serviceName, live, seats, { stillBusy: false });
  }
}

/**
 * After the task: the declared seats are confirmed from the subscription, whatever OVH shows of the task. A task done
 * or no longer shown gets the settle window to show in the subscription; only then is anything decided.
 */
async function confirmSeats(
  ctx: OperationContext,
  end: TaskEnd,
  change: { serviceName: string; before: OfficeSubscription; seats: number; subject: string; timeoutMs: number },
  reread: () => Promise<OfficeSubscription>,
): Promise<OfficeSubscription> {
  const { serviceName, before, seats, subject, timeoutMs } = change;
  const taskId = end.outcome === "vanished" ? end.taskId : end.task.id;
  const hasSeats = (s: OfficeSubscription) => s.quantity === seats;
  const { value: live } =
    end.outcome === "failed"
      ? { value: await reread() }
      : await settleRead(ctx, { subject, awaiting: `the declared ${seats} seats (task ${taskId} has ended)`, read: reread, shows: hasSeats, timeoutMs });
  if (hasSeats(live)) {
    if (end.outcome === "vanished") ctx.tell(subject, `OVH no longer shows task ${taskId}; the subscription has the declared ${seats} seats`);
    return live;
  }
  const task = `OVH task ${taskId} (changeQuantity ${before.quantity} => ${seats})`;
  const how = end.outcome === "failed" ? `ended "${end.task.status}"` : end.outcome === "done" ? "is done" : "is no longer shown by OVH";
  if (live.quantity !== before.quantity) {
    throw new Error(
      `${subject}: ${task} ${how}, but the subscription has ${live.quantity} seats, neither the ${before.quantity} before ` +
        `it nor the declared ${seats}: someone else changed the seats meanwhile (in the control panel, or another task). ` +
        `Nothing else was changed. Check \`ovh-office365 tasks ${serviceName} --all\`, then run \`pulumi up\` again to set ` +
        `${seats} seats, or declare ${live.quantity}.`,
    );
  }
  const waited = end.outcome === "failed" ? "" : readAgainFor(ctx, timeoutMs);
  throw new Error(
    `${subject}: ${task} ${how} and the subscription still has ${live.quantity} seats${waited}: the change did not ` +
      `happen. Nothing else was sent. ` +
      // A refused decrease is Microsoft's window, unless OVH said the task was done.
      (seats < before.quantity && end.outcome !== "done"
        ? decreaseWindowAdvice(before.quantity, seats)
        : `OVH gives no reason through its API: check the group's tasks (\`ovh-office365 tasks ${serviceName} --all\`) and ` +
          `the licence, then run \`pulumi up\` again: it reads the subscription first and sends the change only if the ` +
          `seats still differ.`),
  );
}

function decreaseWindowAdvice(from: number, to: number): string {
  return (
    `Microsoft only accepts seat decreases shortly after seats were added (${from} => ${to} was refused): keep ${from} ` +
    `seats until the renewal date (set seats: ${from}), or ask OVH support.`
  );
}

/**
 * The refusal, with what it most likely means. A refused decrease may be Microsoft's decrease window or a task that
 * was running at that moment: when the subscription shows neither a task nor a change, both are named.
 */
function explainSeatRefusal(
  error: OvhApiError,
  serviceName: string,
  live: OfficeSubscription,
  seats: number,
  state: { stillBusy: boolean },
): OvhApiError {
  const status = isActiveStatus(live.status) ? "" : ` (the subscription's status is "${live.status}")`;
  if (state.stillBusy) {
    error.message =
      `${error.message} OVH kept refusing the seat change while tasks ran on the subscription or it kept changing${status}: ` +
      `run again once \`ovh-office365 tasks ${serviceName}\` shows none.`;
  } else if (seats < live.quantity) {
    error.message =
      `${error.message} Lowering seats (${live.quantity} => ${seats}) was refused and the subscription shows no task ` +
      `and no change${status}, so either of two things happened. Microsoft may have refused it: ` +
      `${decreaseWindowAdvice(live.quantity, seats)} Or a task was running at that moment: run again.`;
  } else if (status !== "") {
    error.message = `${error.message}${status}`;
  }
  return error;
}
