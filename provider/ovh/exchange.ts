import { performance } from "node:perf_hooks";
import type { AxiosRequestConfig, AxiosResponse } from "axios";
import { packageVersion } from "../version";
import type { OvhApiError } from "./errors";
import { toApiError, type ApiFailure } from "./failures";
import type { ClientLimits, OvhRequestEvent, OvhRetryEvent } from "./options";
import type { RetryMode } from "./retry";
import type { HttpMethod } from "./types";

export const USER_AGENT = `pulumi-ovh-office365/${packageVersion}`;

declare module "axios" {
  interface AxiosRequestConfig {
    ovhExchange?: Exchange;
  }
}

/** Per-client behaviour; clients sharing a session may each have their own. */
export interface ClientBehaviour {
  limits: ClientLimits;
  onRequest?: (event: OvhRequestEvent) => void;
  onRetry?: (event: OvhRetryEvent) => void;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
}

/**
 * How an exchange authenticates: `api` with the configured credentials, `none` (e.g. GET /auth/time), or
 * `oauth2-token` (the token request itself, with the client id and secret).
 */
export type ExchangeAuth = "api" | "none" | "oauth2-token";

/** What one attempt looked like, as `onRequest` is told (the request line and attempt number added). */
type AttemptOutcome = Omit<OvhRequestEvent, "method" | "path" | "attempt">;

/** One logical request across all its attempts. Travels with the axios config (by reference) through retries. */
export class Exchange {
  attempt = 0;
  retriesDone = 0;
  nextRetryDelayMs = 0;
  /** When the request was made, before any throttle wait: how long the person waited, in errors. */
  readonly startedAt = performance.now();
  /** The last attempt that failed, for `onRetry`. */
  lastFailure: AttemptOutcome | undefined;
  /** Time-offset generation used to sign the last attempt. */
  signedWithTimeGeneration = -1;
  bearerToken: string | undefined;

  constructor(
    readonly method: HttpMethod,
    /** The path as shown in errors and events. */
    readonly path: string,
    readonly url: string,
    readonly body: string | undefined,
    readonly contentType: string | undefined,
    readonly auth: ExchangeAuth,
    readonly retryMode: RetryMode,
    readonly behaviour: ClientBehaviour,
    /** Builds the error for an HTTP error answer; defaults to the OVH error shapes. */
    readonly describeFailure: (failure: ApiFailure) => OvhApiError = toApiError,
    /** Caller headers outside the signature (list mode, Pragma), already checked. */
    readonly extraHeaders?: Readonly<Record<string, string>>,
  ) {}

  /** The axios request of each attempt; authentication headers are added per attempt, as it leaves. */
  axiosConfig(): AxiosRequestConfig {
    const headers: Record<string, string> = { "User-Agent": USER_AGENT, Accept: "application/json", ...this.extraHeaders };
    if (this.contentType) headers["Content-Type"] = this.contentType;
    return {
      method: this.method,
      url: this.url,
      data: this.body,
      headers,
      timeout: this.behaviour.limits.requestTimeoutMs,
      ovhExchange: this,
    };
  }

  report(event: AttemptOutcome): void {
    if (!this.behaviour.onRequest) return;
    try {
      this.behaviour.onRequest({ method: this.method, path: this.path, attempt: this.attempt, ...event });
    } catch {
      // A faulty progress hook must not turn a successful call into a failure.
    }
  }

  /** Tells `onRetry` that the last attempt failed and is sent again after `delayMs`; call once the retry is counted. */
  reportRetry(delayMs: number): void {
    if (!this.behaviour.onRetry || !this.lastFailure) return;
    const { maxRetries } = this.behaviour.limits;
    try {
      this.behaviour.onRetry({
        method: this.method,
        path: this.path,
        attempt: this.attempt,
        ...this.lastFailure,
        nextAttempt: this.retriesDone + 1,
        maxAttempts: maxRetries + 1,
        delayMs,
      });
    } catch {
      // As for onRequest: a faulty hook must not change the request's outcome.
    }
  }
}

export function queryIdOf(response: AxiosResponse): string | undefined {
  const value = response.headers["x-ovh-queryid"];
  return typeof value === "string" && value !== "" ? value : undefined;
}
