import { Csp2InputError } from "./errors";

/** How long to wait between polls. All optional; the defaults suit OVH tasks (seconds to minutes). */
export interface PollScheduleOptions {
  /** Wait before the first poll, in ms (default 1000): what was just requested is rarely done sooner. */
  initialDelayMs?: number;
  /** Shortest wait between polls, in ms (default 1000). */
  minDelayMs?: number;
  /** Longest wait between polls, in ms (default 10 000, terraform-provider-ovh's task delay). */
  maxDelayMs?: number;
  /** Wait as a fraction of the time already waited (default 0.24). */
  growth?: number;
}

export const defaultPollSchedule: Required<PollScheduleOptions> = {
  initialDelayMs: 1000,
  minDelayMs: 1000,
  maxDelayMs: 10_000,
  // The wait before a poll is at most `growth` × the time already waited, which is shorter than the task: so an end
  // is seen at most 24% of the task's duration late (1 s for short ones). Growing the wait with the elapsed time
  // makes the polls per task grow with log(duration): about 3 per doubling, 17 for a 60 s task.
  growth: 0.24,
};

/**
 * The wait before poll number `attempt` (0 for the first), given the time waited so far: `initialDelayMs` first,
 * then `growth` × `elapsedMs`, kept between `minDelayMs` and `maxDelayMs`.
 */
export function nextPollDelay(attempt: number, elapsedMs: number, options: PollScheduleOptions = {}): number {
  const schedule = pollSchedule(options);
  if (attempt <= 0) return schedule.initialDelayMs;
  return Math.min(schedule.maxDelayMs, Math.max(schedule.minDelayMs, schedule.growth * Math.max(0, elapsedMs)));
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
  let polls = 0;
  for (;;) {
    const waited = now() - start;
    const delay = Math.min(nextPollDelay(polls, waited, schedule), Math.max(0, timeoutMs - waited));
    if (delay > 0) await sleep(delay);
    polls += 1;
    const state = { polls, elapsedMs: now() - start };
    const result = await probe(state);
    if (result !== undefined) return result;
    if (state.elapsedMs >= timeoutMs) throw timedOut(state);
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
