import type { HttpMethod } from "./types";

/** What OVH put in an error body: either `{errorCode, httpCode, message}` or `{class, message, details}`. */
export interface OvhErrorBody {
  errorCode?: string;
  httpCode?: string;
  class?: string;
  message?: string;
  details?: Record<string, unknown>;
}

export interface OvhApiErrorInit {
  status: number;
  method: HttpMethod;
  path: string;
  queryId?: string;
  body?: OvhErrorBody;
  /** Overrides the message derived from the body. */
  message?: string;
  retryAfterSeconds?: number;
}

/** An error answer from the OVH API. Never carries credentials: only what OVH sent back and the request line. */
export class OvhApiError extends Error {
  readonly status: number;
  /** `errorCode` of the first body shape, e.g. `INVALID_SIGNATURE`, `QUERY_TIME_OUT`, `NOT_GRANTED_CALL`. */
  readonly errorCode?: string;
  /** `class` of the second body shape, e.g. `Client::Forbidden`, `Client::NotFound`. */
  readonly errorClass?: string;
  readonly ovhMessage: string;
  readonly queryId?: string;
  readonly method: HttpMethod;
  readonly path: string;
  readonly details?: Record<string, unknown>;
  readonly retryAfterSeconds?: number;

  constructor(init: OvhApiErrorInit) {
    const ovhMessage = init.message ?? init.body?.message ?? `HTTP ${init.status}`;
    const code = init.body?.errorCode ?? init.body?.class;
    const parts = [`OVH API ${init.method} ${init.path} failed: ${init.status}${code ? ` ${code}` : ""}: ${ovhMessage}`];
    const hint = hintFor(init.status, code);
    if (hint) parts.push(hint);
    if (init.queryId) parts.push(`(OVH query id ${init.queryId}: quote it to OVH support)`);
    super(parts.join(" "));
    this.name = "OvhApiError";
    this.status = init.status;
    this.errorCode = init.body?.errorCode;
    this.errorClass = init.body?.class;
    this.ovhMessage = ovhMessage;
    this.queryId = init.queryId;
    this.method = init.method;
    this.path = init.path;
    this.details = init.body?.details;
    this.retryAfterSeconds = init.retryAfterSeconds;
  }

  get isNotFound(): boolean {
    return this.status === 404;
  }
}

function hintFor(status: number, code: string | undefined): string | undefined {
  switch (code) {
    case "INVALID_SIGNATURE":
      return "Check OVH_APPLICATION_SECRET and OVH_CONSUMER_KEY belong to OVH_APPLICATION_KEY.";
    case "INVALID_CREDENTIAL":
    case "Client::Forbidden::InvalidCredential":
      return "The consumer key is unknown, expired or not validated: create a new one.";
    case "NOT_GRANTED_CALL":
    case "Client::Forbidden::NotGrantedCall":
      return "The credential lacks an access rule for this call: grant it (see README, API rights).";
    case "QUERY_TIME_OUT":
      return "The local clock is too far from OVH's: check the system clock (NTP).";
  }
  if (status === 429) return "OVH rate limit reached: lower the request rate (OVH_MAX_REQUESTS_PER_SECOND) or retry later.";
  if (status === 460) return "The service is suspended or expired: renew it in the OVH control panel.";
  if (status >= 500) return "OVH had a server error: retry later.";
  return undefined;
}

/** Bad or missing configuration, detected before any call. */
export class OvhConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OvhConfigError";
  }
}

/** How many times a request that got no answer was sent, over how long, and how long each attempt waited. */
export interface NetworkAttempts {
  /** Sends of the request, retries included. */
  attempts: number;
  /** From the request being made to it failing for good, throttle and backoff waits included. */
  elapsedMs: number;
  /** How long each attempt waited for an answer before it gave up, in ms (the client's OVH_REQUEST_TIMEOUT_MS). */
  requestTimeoutMs: number;
}

/** The request never got an HTTP answer (reset, timeout, DNS). For POST/PUT/DELETE the outcome is unknown. */
export class OvhNetworkError extends Error {
  readonly method: HttpMethod;
  readonly path: string;
  readonly code?: string;
  /** Undefined when the failure came before any send (e.g. from the adapter itself). */
  readonly attempts?: number;
  readonly elapsedMs?: number;
  /** How long each attempt waited for an answer, in ms: what an attempt that timed out (ETIMEDOUT) waited. */
  readonly requestTimeoutMs?: number;
  constructor(method: HttpMethod, path: string, code: string | undefined, cause: string, tries?: NetworkAttempts) {
    super(
      `OVH API ${method} ${path}: no answer (${code ?? cause}).` +
        (method === "GET" ? " Retries were exhausted; check the network or OVH status." : " The change may or may not have been applied: re-run to reconcile."),
    );
    this.name = "OvhNetworkError";
    this.method = method;
    this.path = path;
    this.code = code;
    this.attempts = tries?.attempts;
    this.elapsedMs = tries?.elapsedMs;
    this.requestTimeoutMs = tries?.requestTimeoutMs;
  }
}
