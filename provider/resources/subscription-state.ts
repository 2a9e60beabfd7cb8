import * as csp2 from "../csp2";
import type { OfficeSubscription } from "../csp2";
import { OvhApiError, OvhNetworkError } from "../ovh/errors";
import type { OvhRequester } from "../ovh/types";
import { isTerminalStatus } from "./subscription-rules";

/** Reading what OVH shows of a subscription, and telling an answer OVH gave from one it may not have given. */

/**
 * The subscription, or undefined when it is gone: OVH answers 404, or lists it with a terminal status (some OVH
 * products keep a deleted object listed for a while). Any other status, known or not, counts as in use.
 */
export async function findSubscriptionInUse(requester: OvhRequester, serviceName: string, subscriptionId: number): Promise<OfficeSubscription | undefined> {
  const live = await csp2.findSubscription(requester, serviceName, subscriptionId);
  return live && !isTerminalStatus(live.status) ? live : undefined;
}

/** A failure after which OVH may or may not have applied the change: no answer, or a server error. */
export function isAmbiguous(error: unknown): boolean {
  return error instanceof OvhNetworkError || (error instanceof OvhApiError && error.status >= 500);
}

/** OVH refused the request before acting on it (a 4xx other than 404). */
export function isRefusal(error: unknown): error is OvhApiError {
  return error instanceof OvhApiError && error.status >= 400 && error.status < 500 && !error.isNotFound;
}

/** A subscription's seats or last update moved between two reads: some change ended in between. */
export function changedBetween(before: OfficeSubscription, after: OfficeSubscription): boolean {
  return before.quantity !== after.quantity || before.lastUpdate !== after.lastUpdate || before.status !== after.status;
}

/** The error for a subscription that disappeared while an operation worked on it. */
export function deletedMeanwhile(subject: string, serviceName: string, adopted: boolean): Error {
  const next = adopted
    ? "then remove the resource, or adopt another subscription with subscriptionId"
    : "then `pulumi up` orders it again";
  return new Error(
    `${subject}: the subscription was deleted at OVH (by a task pending on it, or in the control panel). ` +
      `Run \`pulumi refresh\` to drop it from the state, ${next}; \`ovh-office365 tasks ${serviceName}\` shows the tasks.`,
  );
}
