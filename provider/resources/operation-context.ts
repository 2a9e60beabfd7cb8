import type { PollingOptions } from "../csp2";
import type { OvhRequester } from "../ovh/types";

/**
 * What one resource operation works with: the OVH requester, where progress goes, and the clocks. The lifecycles
 * build it from the stack config; unit tests build it with a scripted requester and a clock that only moves when
 * slept on, so the rules that decide whether to order, change or delete run without a server.
 */
export interface OperationContext {
  requester: OvhRequester;
  /** Progress and notices for the person running Pulumi. */
  tell: (subject: string, message: string) => void;
  /** Task polls and the pauses between re-checks: their clock, sleep and schedule. */
  polling?: Omit<PollingOptions, "timeoutMs">;
  /** Wall-clock time in ms since the epoch, compared with OVH's creation dates. Default `Date.now`. */
  now?: () => number;
  /**
   * How long a confirmation reads again, with backoff, when OVH says a change has ended but the resource does not show
   * it yet (reads may lag writes). Default `defaultSettleMs`; each wait is also bounded by the operation's task timeout.
   */
  settleMs?: number;
  /**
   * How long after an order whose subscription has not shown up no other order of it is sent (it may still appear).
   * Default `defaultOrderListingGraceMs`.
   */
  orderListingGraceMs?: number;
  /** Whether to read the group's billing figures for the `billingPeriod` output and the preview's peak line. Default true. */
  readBillingPeriod?: boolean;
}

/** The settle window a person would choose: reads seen lagging writes by seconds, read again for a minute. */
export const defaultSettleMs = 60_000;
/** Generous beside the seconds reads have been seen to lag: an hour before an order that never showed is sent again. */
export const defaultOrderListingGraceMs = 60 * 60_000;

export function pause(ctx: OperationContext, ms: number): Promise<void> {
  return ctx.polling?.sleep ? ctx.polling.sleep(ms) : new Promise((resolve) => setTimeout(resolve, ms));
}

export function wallClock(ctx: OperationContext): number {
  return (ctx.now ?? Date.now)();
}

/** The settle window of one wait: the configured one, never longer than the operation's task timeout. */
export function settleWindowMs(ctx: OperationContext, timeoutMs: number): number {
  return Math.max(0, Math.min(ctx.settleMs ?? defaultSettleMs, timeoutMs));
}

export function orderListingGraceMs(ctx: Pick<OperationContext, "orderListingGraceMs">): number {
  return ctx.orderListingGraceMs ?? defaultOrderListingGraceMs;
}
