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
}

export function pause(ctx: OperationContext, ms: number): Promise<void> {
  return ctx.polling?.sleep ? ctx.polling.sleep(ms) : new Promise((resolve) => setTimeout(resolve, ms));
}

export function wallClock(ctx: OperationContext): number {
  return (ctx.now ?? Date.now)();
}
