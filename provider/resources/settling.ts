import { pollUntil } from "../csp2";
import { formatDuration } from "../durations";
import { settleWindowMs, type OperationContext } from "./operation-context";

/**
 * One rule for every confirmation: when OVH says a change has ended (its task is done or no longer shown) but the
 * resource does not show the outcome yet, read again with backoff for a bounded settle window before deciding. OVH's
 * reads may lag its writes (lists are served from a cache; docs/ovh-assumptions.md, "Reads that lag writes"), so one
 * read that does not show a change is no proof that it did not happen.
 */

export interface SettleRequest<T> {
  /** How progress names the resource. */
  subject: string;
  /** What is awaited, for the progress line: "the declared 12 seats (task 4711)". */
  awaiting: string;
  /** One read of the resource. */
  read: () => Promise<T>;
  /** Whether a read shows the outcome. */
  shows: (value: T) => boolean;
  /** The operation's task timeout, which bounds the window. */
  timeoutMs: number;
  /** A read just made, which spares the first one (present even when it read nothing). */
  first?: T;
}

export interface Settled<T> {
  /** The read that showed the outcome, or the last one once the window passed without it. */
  value: T;
  shown: boolean;
}

class SettleWindowEnded extends Error {}

/** Reads until one shows the outcome, or the settle window has passed; never longer than the task timeout. */
export async function settleRead<T>(ctx: OperationContext, request: SettleRequest<T>): Promise<Settled<T>> {
  let last = "first" in request ? (request.first as T) : await request.read();
  if (request.shows(last)) return { value: last, shown: true };
  const windowMs = settleWindowMs(ctx, request.timeoutMs);
  if (windowMs === 0) return { value: last, shown: false };
  ctx.tell(request.subject, `OVH does not show ${request.awaiting} yet: reading again for at most ${formatDuration(windowMs)} (its reads may lag its changes)`);
  try {
    // Wrapped, so that a read of nothing (undefined: the resource is gone) can be the outcome.
    const shown = await pollUntil<{ value: T }>(
      async () => {
        last = await request.read();
        return request.shows(last) ? { value: last } : undefined;
      },
      () => new SettleWindowEnded(),
      { ...ctx.polling, timeoutMs: windowMs },
      windowMs,
    );
    return { value: shown.value, shown: true };
  } catch (error) {
    if (error instanceof SettleWindowEnded) return { value: last, shown: false };
    throw error;
  }
}

/** " after reading <what> again for 60 s", for a decision taken once the settle window passed; "" with no window. */
export function readAgainFor(ctx: OperationContext, timeoutMs: number, what = "it"): string {
  const windowMs = settleWindowMs(ctx, timeoutMs);
  return windowMs === 0 ? "" : ` after reading ${what} again for ${formatDuration(windowMs)}`;
}
