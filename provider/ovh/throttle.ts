import { performance } from "node:perf_hooks";

export interface ThrottleLimits {
  /** Requests in flight at once. */
  maxConcurrent: number;
  /** Requests started in any sliding one-second window. */
  maxPerSecond: number;
}

/**
 * The rate window is one second plus a margin: a request started on time can reach OVH a few milliseconds late
 * (network, a busy event loop) while the next one arrives early, and OVH counts arrivals, not starts.
 */
export const RATE_WINDOW_MS = 1000;
const RATE_WINDOW_MARGIN_MS = 50;

/**
 * Caps requests in flight and requests started per sliding second, first come first served. Each attempt of
 * a request (retries included) goes through `run` on its own, so waiting for a backoff holds no slot.
 *
 * Not Bottleneck: its local datastore yields to a timer on every state change, which caps it near 430 jobs/s
 * on this class of machine whatever the concurrency; that would make the limiter, not OVH, the bottleneck.
 */
export class RequestThrottle {
  #limits: ThrottleLimits;
  #running = 0;
  /** Start times (the clock's) of the requests started within the last window, oldest first. */
  #recentStarts: number[] = [];
  #waiting: Array<() => void> = [];
  #timer: NodeJS.Timeout | undefined;
  readonly #now: () => number;

  /** `now`: a monotonic clock in ms (a test's fake one). */
  constructor(limits: ThrottleLimits, now: () => number = () => performance.now()) {
    this.#limits = { ...limits };
    this.#now = now;
  }

  /** New limits apply to requests not yet started. */
  update(limits: ThrottleLimits): void {
    this.#limits = { ...limits };
    this.#pump();
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    await new Promise<void>((start) => {
      this.#waiting.push(start);
      this.#pump();
    });
    try {
      return await task();
    } finally {
      this.#running -= 1;
      this.#pump();
    }
  }

  #pump(): void {
    while (this.#waiting.length > 0 && this.#running < this.#limits.maxConcurrent) {
      const now = this.#now();
      const windowStart = now - RATE_WINDOW_MS - RATE_WINDOW_MARGIN_MS;
      let expired = 0;
      while (expired < this.#recentStarts.length && this.#recentStarts[expired] <= windowStart) expired += 1;
      if (expired > 0) this.#recentStarts.splice(0, expired);

      if (this.#recentStarts.length >= this.#limits.maxPerSecond) {
        const freesAt = this.#recentStarts[this.#recentStarts.length - this.#limits.maxPerSecond] + RATE_WINDOW_MS + RATE_WINDOW_MARGIN_MS;
        this.#wakeAt(freesAt - now);
        return;
      }
      this.#running += 1;
      this.#recentStarts.push(now);
      (this.#waiting.shift() as () => void)();
    }
  }

  #wakeAt(delayMs: number): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#pump();
    }, Math.max(1, Math.ceil(delayMs)));
  }
}
