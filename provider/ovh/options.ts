import type { OvhCredentialOptions, OvhEnvironment } from "./credentials";
import { OvhConfigError } from "./errors";
import type { HttpMethod } from "./types";

/** One HTTP exchange, reported to `onRequest`. Carries no headers and no bodies. */
export interface OvhRequestEvent {
  method: HttpMethod;
  /** API path (query string excluded), e.g. `/saas/csp2`; the token URL's path for OAuth2 token requests. */
  path: string;
  /** HTTP status; undefined when no answer came (see `networkErrorCode`). */
  status?: number;
  /** 1 for the first send of a request, then 2, 3… for each resend (retries, re-signing). */
  attempt: number;
  /** From the attempt's send to its answer or failure, in ms: for an attempt that timed out, how long it waited. */
  durationMs: number;
  /** X-Ovh-Queryid of the answer, when OVH sent one. */
  queryId?: string;
  /** The network error code (ECONNRESET, ETIMEDOUT, …) when no answer came. */
  networkErrorCode?: string;
}

/** A failed attempt the client is about to send again, reported to `onRetry` before the backoff wait. */
export interface OvhRetryEvent extends OvhRequestEvent {
  /** The attempt about to be sent: 2 for the first retry. */
  nextAttempt: number;
  /** The most attempts this request gets: the first one plus the client's retries. */
  maxAttempts: number;
  /** The wait before the next attempt, in ms. */
  delayMs: number;
}

export interface OvhClientOptions extends OvhCredentialOptions {
  /** Where `OVH_*` settings are read from. Default: process.env. */
  env?: OvhEnvironment;
  /** Requests in flight at once. Default 8. Env: OVH_MAX_CONCURRENT_REQUESTS. */
  maxConcurrentRequests?: number;
  /** Requests started in any one-second window. Default 10. Env: OVH_MAX_REQUESTS_PER_SECOND. */
  maxRequestsPerSecond?: number;
  /** Timeout of one attempt, in ms. Default 30000. Env: OVH_REQUEST_TIMEOUT_MS. */
  requestTimeoutMs?: number;
  /** Retries after a retryable failure. Default 4. */
  maxRetries?: number;
  /** Exponential backoff base, in ms. Default 500. */
  retryBaseDelayMs?: number;
  /** Backoff cap and longest Retry-After honoured, in ms. Default 30000. */
  retryMaxDelayMs?: number;
  /** Trust exactly these certificate authorities (PEM) instead of Node's defaults and NODE_EXTRA_CA_CERTS. */
  ca?: string | Buffer | Array<string | Buffer>;
  /** Called after every HTTP exchange, e.g. to log progress or count calls. Exceptions it throws are ignored. */
  onRequest?: (event: OvhRequestEvent) => void;
  /** Called when a failed attempt is about to be retried, e.g. to tell a waiting person. Exceptions it throws are ignored. */
  onRetry?: (event: OvhRetryEvent) => void;
  /** Waits between retries. Default: a timer. Tests inject their own to observe delays. */
  sleep?: (ms: number) => Promise<void>;
  /** Wall clock in ms, for the signature timestamp and token expiry. Default Date.now. */
  now?: () => number;
}

export interface ClientLimits {
  maxConcurrentRequests: number;
  maxRequestsPerSecond: number;
  requestTimeoutMs: number;
  maxRetries: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
}

/** The most retries a client may be configured with. */
export const MAX_RETRIES_LIMIT = 20;

interface NumericSetting {
  option: keyof ClientLimits;
  env?: string;
  defaultValue: number;
  min: number;
  max: number;
}

const NUMERIC_SETTINGS: NumericSetting[] = [
  { option: "maxConcurrentRequests", env: "OVH_MAX_CONCURRENT_REQUESTS", defaultValue: 8, min: 1, max: 256 },
  { option: "maxRequestsPerSecond", env: "OVH_MAX_REQUESTS_PER_SECOND", defaultValue: 10, min: 1, max: 100_000 },
  { option: "requestTimeoutMs", env: "OVH_REQUEST_TIMEOUT_MS", defaultValue: 30_000, min: 1, max: 3_600_000 },
  { option: "maxRetries", defaultValue: 4, min: 0, max: MAX_RETRIES_LIMIT },
  { option: "retryBaseDelayMs", defaultValue: 500, min: 0, max: 3_600_000 },
  { option: "retryMaxDelayMs", defaultValue: 30_000, min: 0, max: 3_600_000 },
];

/** The environment variables the client's limits are read from. */
export const LIMIT_ENVIRONMENT_VARIABLES: readonly string[] = NUMERIC_SETTINGS.flatMap((setting) => (setting.env ? [setting.env] : []));

/** Reads the numeric settings from the options, else the environment, else the defaults; all whole numbers. */
export function resolveClientLimits(options: OvhClientOptions, env: OvhEnvironment): ClientLimits {
  const limits = {} as ClientLimits;
  for (const setting of NUMERIC_SETTINGS) {
    const optionValue: unknown = options[setting.option];
    const envValue = setting.env ? env[setting.env] : undefined;
    const range = `a whole number from ${setting.min} to ${setting.max}`;
    if (optionValue !== undefined && optionValue !== null) {
      if (typeof optionValue !== "number" || !Number.isInteger(optionValue) || optionValue < setting.min || optionValue > setting.max) {
        throw new OvhConfigError(`Option ${setting.option} = ${JSON.stringify(optionValue)} is not valid: use ${range} (default ${setting.defaultValue}).`);
      }
      limits[setting.option] = optionValue;
    } else if (setting.env && envValue !== undefined && envValue.trim() !== "") {
      const parsed = /^\s*\d+\s*$/.test(envValue) ? Number(envValue) : NaN;
      if (!Number.isInteger(parsed) || parsed < setting.min || parsed > setting.max) {
        throw new OvhConfigError(
          `${setting.env} = ${JSON.stringify(envValue)} is not valid: use ${range}, or unset it for the default (${setting.defaultValue}).`,
        );
      }
      limits[setting.option] = parsed;
    } else {
      limits[setting.option] = setting.defaultValue;
    }
  }
  if (limits.retryBaseDelayMs > limits.retryMaxDelayMs) {
    throw new OvhConfigError(
      `Option retryBaseDelayMs (${limits.retryBaseDelayMs}) is larger than retryMaxDelayMs (${limits.retryMaxDelayMs}): lower the base or raise the cap.`,
    );
  }
  return limits;
}
