import { Csp2InputError } from "./errors";

/** How long to wait between polls. All optional; the defaults suit OVH tasks (seconds to minutes). */
export interface PollScheduleOptions {
  /** Wait before the first poll, in ms (default 950): what was just requested is rarely done sooner. */
  initialDelayMs?: number;
  /** Shortest time between two polls, in ms (default 950). */
  minDelayMs?: number;
  /** Longest time between two polls, in ms (default 10 000, terraform-provider-ovh's task delay). */
  maxDelayMs?: number;
  /** Time between polls as a fraction of the time already waited (default 0.24). */
  growth?: number;
}

// Polls are spaced by at most `growth` × the time already waited, which is shorter than the task, or by the floor:
// so an end is seen at most max(1 s, 24% of the task's duration) late, the floor sitting just under a second to
// leave room for the request itself. Growing the spacing with the elapsed time keeps the polls per task near
// 3 per doubling of its duration: 3 for a 2 s task, 9 for 10 s, 17 for 60 s.
export const defaultPollSchedule: Required<PollScheduleOptions> = {
  initialDelayMs: 950,
  minDelayMs: 950,
  maxDelayMs: 10_000,
  growth: 0.24,
};

/**
 * The time from one poll to poll number `attempt` (0 for the first, counted from the start), given the time waited
 * so far: `initialDelayMs` first, then `growth` × `elapsedMs`, kept between `minDelayMs` and `maxDelayMs`, in whole ms.
 */
export function nextPollDelay(attempt: number, elapsedMs: number, options: PollScheduleOptions = {}): number {
  const schedule = pollSchedule(options);
  if (attempt <= 0) return schedule.initialDelayMs;
  return Math.round(Math.min(schedule.maxDelayMs, Math.max(schedule.minDelayMs, schedule.growth * Math.max(0, elapsedMs))));
}

export interface PollingOptions extends PollScheduleOptions {
  /** Give up after this many ms. */
  timeoutMs?: number;
  /** Replaceable for tests: resolves after `ms`. */
  sleep?: (ms: number) => Promise<void>;
  /** Replaceable for tests: a monotonic clock in ms. */
  now?: () => number;
}

export interface PollState {
  /** Polls made so far, this one included. */
  polls: number;
  elapsedMs: number;
}

/**
 * Calls `probe` on the poll schedule until it returns something other than `undefined`, which is returned. Once
 * `timeoutMs` has passed, the last poll is made at the deadline and then `timedOut` builds the error thrown.
 */
export async function pollUntil<T>(
  probe: (state: PollState) => Promise<T | undefined>,
  timedOut: (state: PollState) => Error,
  options: PollingOptions,
  defaultTimeoutMs: number,
): Promise<T> {
  const schedule = pollSchedule(options);
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
  nonNegative("timeoutMs", timeoutMs);
  const sleep = options.sleep ?? defaultSleep;
  const now = options.now ?? defaultNow;
  const start = now();
  let lastPollAt = start;
  let polls = 0;
  for (;;) {
    // Spacing counts from when the previous poll was sent, so slow answers do not stretch the schedule.
    const wakeAt = Math.min(lastPollAt + nextPollDelay(polls, now() - start, schedule), start + timeoutMs);
    const wait = wakeAt - now();
    if (wait > 0) await sleep(wait);
    lastPollAt = now();
    polls += 1;
    const result = await probe({ polls, elapsedMs: lastPollAt - start });
    if (result !== undefined) return result;
    const elapsedMs = now() - start;
    if (elapsedMs >= timeoutMs) throw timedOut({ polls, elapsedMs });
  }
}

function pollSchedule(options: PollScheduleOptions): Required<PollScheduleOptions> {
  const schedule = {
    initialDelayMs: options.initialDelayMs ?? defaultPollSchedule.initialDelayMs,
    minDelayMs: options.minDelayMs ?? defaultPollSchedule.minDelayMs,
    maxDelayMs: options.maxDelayMs ?? defaultPollSchedule.maxDelayMs,
    growth: options.growth ?? defaultPollSchedule.growth,
  };
  nonNegative("initialDelayMs", schedule.initialDelayMs);
  nonNegative("minDelayMs", schedule.minDelayMs);
  nonNegative("maxDelayMs", schedule.maxDelayMs);
  nonNegative("growth", schedule.growth);
  if (schedule.maxDelayMs < schedule.minDelayMs) {
    throw new Csp2InputError("maxDelayMs", schedule.maxDelayMs, `is below minDelayMs (${schedule.minDelayMs})`, "make it at least minDelayMs");
  }
  return schedule;
}

function nonNegative(field: string, value: number): void {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new Csp2InputError(field, value, "is not a usable polling setting", "give a finite number ≥ 0");
  }
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function defaultNow(): number {
  return performance.now();
}
