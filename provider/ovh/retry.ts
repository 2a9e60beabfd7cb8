export interface RetrySettings {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** Backoff base: retry n waits a random time in [0, min(cap, base·2^(n-1))) ("full jitter"). */
  baseDelayMs: number;
  /** Backoff cap, and the longest Retry-After honoured: a longer one fails the request instead. */
  maxDelayMs: number;
}

/**
 * `replayable`: reading, or a request whose repetition is harmless (GET, an OAuth2 token request). `mutating`:
 * POST/PUT/DELETE, which may only be resent when OVH certainly did not act on the first one.
 */
export type RetryMode = "replayable" | "mutating";

/** What one failed attempt looked like: an HTTP status, or a network error code when no answer came. */
export interface AttemptFailure {
  status?: number;
  networkCode?: string;
  /** The delay asked for by a Retry-After header, in ms. */
  retryAfterMs?: number;
}

export type RetryDecision = { retry: true; delayMs: number } | { retry: false };

/** Failures of a connection before any byte of the request left: nothing reached OVH. */
const NOTHING_SENT_CODES = new Set(["ECONNREFUSED", "EAI_AGAIN"]);

/** Transient network failures worth another try for a replayable request. */
const TRANSIENT_NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "EAI_AGAIN",
  "ECONNRESET",
  "ETIMEDOUT",
  "ECONNABORTED",
  "EPIPE",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "ENETDOWN",
  "EHOSTDOWN",
  "ERR_SOCKET_CONNECTION_TIMEOUT",
]);

/**
 * Whether to retry attempt `retryNumber` (1 for the first retry) after `failure`, and after how long.
 * Replayable requests retry on transient network errors, 429 and 5xx. Mutating requests retry only when OVH
 * certainly did not process them: 429, or a connection that was refused before anything was sent. A 5xx or a
 * reset after sending is ambiguous: the change may have been applied, so the caller must reconcile instead.
 */
export function decideRetry(mode: RetryMode, failure: AttemptFailure, retryNumber: number, settings: RetrySettings, random: () => number = Math.random): RetryDecision {
  if (retryNumber > settings.maxRetries) return { retry: false };
  if (!isRetryable(mode, failure)) return { retry: false };
  if (failure.retryAfterMs !== undefined && failure.retryAfterMs > settings.maxDelayMs) return { retry: false };
  const backoff = random() * Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** (retryNumber - 1));
  return { retry: true, delayMs: Math.max(backoff, failure.retryAfterMs ?? 0) };
}

function isRetryable(mode: RetryMode, failure: AttemptFailure): boolean {
  if (failure.status !== undefined) {
    if (failure.status === 429) return true;
    return mode === "replayable" && failure.status >= 500 && failure.status <= 599;
  }
  if (failure.networkCode === undefined) return false;
  return mode === "replayable" ? TRANSIENT_NETWORK_CODES.has(failure.networkCode) : NOTHING_SENT_CODES.has(failure.networkCode);
}

/** Parses Retry-After: delay-seconds or an HTTP date. Undefined when absent or unreadable. */
export function parseRetryAfter(header: string | undefined, nowMs: number): number | undefined {
  if (header === undefined) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}
