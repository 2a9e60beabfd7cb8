import * as http from "node:http";
import * as https from "node:https";
import { createHash, createHmac, randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { inspect } from "node:util";
import axios, { type AxiosAdapter, type AxiosError, type AxiosInstance, type AxiosRequestConfig, type AxiosResponse, type InternalAxiosRequestConfig } from "axios";
import axiosRetry, { type IAxiosRetryConfig } from "axios-retry";
import { packageVersion } from "../version";
import { resolveCredentials, type OvhAuthKind, type OvhCredentials, type ResolvedOvhConfig } from "./credentials";
import type { ResolvedEndpoint } from "./endpoints";
import { OvhApiError, OvhConfigError, OvhNetworkError } from "./errors";
import { parseErrorBody, scrubSecrets, toApiError, toNetworkError, type ApiFailure } from "./failures";
import { createLeanHttpAdapter } from "./http-adapter";
import { basicAuthorization, OAUTH2_TOKEN_REQUEST_BODY, OAuth2TokenCache, parseTokenResponse, type OAuth2TokenResponse } from "./oauth2";
import { MAX_RETRIES_LIMIT, resolveClientLimits, type ClientLimits, type OvhClientOptions, type OvhRequestEvent } from "./options";
import { assertApiPath, assertExtraHeaders, buildRequestUrl, encodeJsonBody } from "./path";
import { decideRetry, parseRetryAfter, type AttemptFailure, type RetryMode } from "./retry";
import { computeSignature, OvhTimeSync } from "./signature";
import { RequestThrottle } from "./throttle";
import type { HttpMethod, OvhRequest, OvhRequester, OvhResponse } from "./types";

export const USER_AGENT = `pulumi-ovh-office365/${packageVersion}`;

const HTTP_METHODS: readonly HttpMethod[] = ["GET", "POST", "PUT", "DELETE"];
const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

declare module "axios" {
  interface AxiosRequestConfig {
    ovhExchange?: Exchange;
  }
}

/** Per-client behaviour; clients sharing a session may each have their own. */
interface ClientBehaviour {
  limits: ClientLimits;
  onRequest?: (event: OvhRequestEvent) => void;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
}

/**
 * How an exchange authenticates: `api` with the configured credentials, `none` (e.g. GET /auth/time), or
 * `oauth2-token` (the token request itself, with the client id and secret).
 */
type ExchangeAuth = "api" | "none" | "oauth2-token";

/** One logical request across all its attempts. Travels with the axios config (by reference) through retries. */
class Exchange {
  attempt = 0;
  retriesDone = 0;
  nextRetryDelayMs = 0;
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

  report(event: Omit<OvhRequestEvent, "method" | "path" | "attempt">): void {
    if (!this.behaviour.onRequest) return;
    try {
      this.behaviour.onRequest({ method: this.method, path: this.path, attempt: this.attempt, ...event });
    } catch {
      // A faulty progress hook must not turn a successful call into a failure.
    }
  }
}

/**
 * Everything clients of one endpoint + credential identity share in a process: connection pool, throttle,
 * time offset and OAuth2 token.
 */
class OvhSession {
  readonly throttle: RequestThrottle;
  readonly #credentials: OvhCredentials;
  readonly #secrets: readonly string[];
  readonly #timeSync: OvhTimeSync;
  readonly #tokens: OAuth2TokenCache;
  readonly #http: AxiosInstance;
  readonly #sendOverHttp: AxiosAdapter = createLeanHttpAdapter();

  constructor(
    readonly endpoint: ResolvedEndpoint,
    credentials: OvhCredentials,
    limits: ClientLimits,
    ca: OvhClientOptions["ca"],
    now: () => number,
  ) {
    this.#credentials = credentials;
    this.#secrets = credentials.secretValues();
    this.throttle = new RequestThrottle({ maxConcurrent: limits.maxConcurrentRequests, maxPerSecond: limits.maxRequestsPerSecond });
    this.#timeSync = new OvhTimeSync(now);
    this.#tokens = new OAuth2TokenCache(now);
    this.#http = axios.create({
      httpAgent: new http.Agent({ keepAlive: true }),
      // Explicit rejectUnauthorized: NODE_TLS_REJECT_UNAUTHORIZED=0 in the environment does not switch it off.
      httpsAgent: new https.Agent({ keepAlive: true, rejectUnauthorized: true, ...(ca === undefined ? {} : { ca }) }),
      adapter: (config) => this.#dispatch(config),
      maxRedirects: 0,
      maxContentLength: MAX_RESPONSE_BYTES,
      responseType: "text",
      transformRequest: [(data: unknown) => data],
      transformResponse: [(data: unknown) => data],
      transitional: { clarifyTimeoutError: true },
    });
    axiosRetry(this.#http, this.#retryRules());
  }

  get authKind(): OvhAuthKind {
    return this.#credentials.kind;
  }

  /** Sends an exchange with retries; re-signs once after QUERY_TIME_OUT and re-authenticates once after a 401. */
  async execute(exchange: Exchange): Promise<AxiosResponse<string>> {
    for (let resent = false; ; resent = true) {
      try {
        return await this.#http.request<string>(this.#axiosConfig(exchange));
      } catch (error) {
        const typed = this.#toTypedError(error, exchange);
        if (!resent && exchange.auth === "api" && typed instanceof OvhApiError) {
          if (this.#credentials.kind === "applicationKey" && typed.status === 400 && typed.errorCode === "QUERY_TIME_OUT") {
            // OVH refused the request before acting on it, so resending is safe for every method.
            await this.#timeSync.resync(exchange.signedWithTimeGeneration, () => this.#fetchServerTime(exchange.behaviour));
            continue;
          }
          if (this.#credentials.kind === "oauth2" && typed.status === 401 && exchange.bearerToken !== undefined) {
            this.#tokens.invalidate(exchange.bearerToken);
            continue;
          }
        }
        throw typed;
      }
    }
  }

  #axiosConfig(exchange: Exchange): AxiosRequestConfig {
    const headers: Record<string, string> = { "User-Agent": USER_AGENT, Accept: "application/json", ...exchange.extraHeaders };
    if (exchange.contentType) headers["Content-Type"] = exchange.contentType;
    return {
      method: exchange.method,
      url: exchange.url,
      data: exchange.body,
      headers,
      timeout: exchange.behaviour.limits.requestTimeoutMs,
      ovhExchange: exchange,
    };
  }

  /**
   * Retry rules, installed once per session: each decision reads the request's own exchange (its method class
   * and its client's limits), and `decideRetry` enforces that client's retry count.
   */
  #retryRules(): IAxiosRetryConfig {
    return {
      retries: MAX_RETRIES_LIMIT,
      shouldResetTimeout: true,
      retryDelay: () => 0,
      retryCondition: (error) => {
        const exchange = error.config?.ovhExchange;
        if (!exchange) return false;
        const { limits } = exchange.behaviour;
        const decision = decideRetry(
          exchange.retryMode,
          this.#attemptFailure(error, exchange.behaviour.now()),
          exchange.retriesDone + 1,
          { maxRetries: limits.maxRetries, baseDelayMs: limits.retryBaseDelayMs, maxDelayMs: limits.retryMaxDelayMs },
        );
        exchange.nextRetryDelayMs = decision.retry ? decision.delayMs : 0;
        return decision.retry;
      },
      // The wait happens here rather than in axios-retry's own timer, so tests can observe it.
      onRetry: async (_retryCount, _error, config) => {
        const exchange = config.ovhExchange as Exchange;
        // Counted on the exchange, so a resend after re-signing does not start a fresh retry budget.
        exchange.retriesDone += 1;
        await exchange.behaviour.sleep(exchange.nextRetryDelayMs);
      },
    };
  }

  /** The axios adapter: runs once per attempt, retries included. */
  async #dispatch(config: InternalAxiosRequestConfig): Promise<AxiosResponse> {
    const exchange = config.ovhExchange as Exchange;
    // Outside the throttle: getting a token or the time sends a request that needs a slot of its own.
    await this.#prepareAuthentication(exchange);
    return this.throttle.run(() => this.#send(config, exchange));
  }

  async #prepareAuthentication(exchange: Exchange): Promise<void> {
    if (exchange.auth !== "api") return;
    if (this.#credentials.kind === "applicationKey") {
      await this.#timeSync.ensure(() => this.#fetchServerTime(exchange.behaviour));
    } else if (this.#credentials.kind === "oauth2") {
      exchange.bearerToken = await this.#tokens.token(() => this.#fetchToken(exchange.behaviour));
    }
  }

  async #send(config: InternalAxiosRequestConfig, exchange: Exchange): Promise<AxiosResponse> {
    exchange.attempt += 1;
    this.#authenticate(config, exchange);
    const started = performance.now();
    try {
      const response = await this.#sendOverHttp(config);
      exchange.report({ status: response.status, durationMs: performance.now() - started, queryId: queryIdOf(response) });
      return response;
    } catch (error) {
      const response = (error as AxiosError).response;
      exchange.report({
        status: response?.status,
        durationMs: performance.now() - started,
        queryId: response ? queryIdOf(response) : undefined,
        networkErrorCode: response ? undefined : (error as AxiosError).code,
      });
      throw error;
    }
  }

  /** Sets the authentication headers of one attempt, signing with the time at which it actually leaves. */
  #authenticate(config: InternalAxiosRequestConfig, exchange: Exchange): void {
    const credentials = this.#credentials;
    if (exchange.auth === "oauth2-token") {
      if (credentials.kind === "oauth2") config.headers.set("Authorization", basicAuthorization(credentials.clientId, credentials.clientSecret));
      return;
    }
    if (exchange.auth === "none") return;
    switch (credentials.kind) {
      case "applicationKey": {
        const timestamp = this.#timeSync.timestamp();
        exchange.signedWithTimeGeneration = this.#timeSync.generation;
        config.headers.set("X-Ovh-Application", credentials.applicationKey);
        config.headers.set("X-Ovh-Consumer", credentials.consumerKey);
        config.headers.set("X-Ovh-Timestamp", String(timestamp));
        config.headers.set(
          "X-Ovh-Signature",
          computeSignature({
            applicationSecret: credentials.applicationSecret,
            consumerKey: credentials.consumerKey,
            method: exchange.method,
            url: exchange.url,
            body: exchange.body ?? "",
            timestamp,
          }),
        );
        return;
      }
      case "oauth2":
        config.headers.set("Authorization", `Bearer ${exchange.bearerToken}`);
        return;
      case "accessToken":
        config.headers.set("Authorization", `Bearer ${credentials.accessToken}`);
        return;
    }
  }

  async #fetchServerTime(behaviour: ClientBehaviour): Promise<number> {
    const exchange = new Exchange("GET", "/auth/time", buildRequestUrl(this.endpoint.baseUrl, "/auth/time", undefined), undefined, undefined, "none", "replayable", behaviour);
    const response = await this.execute(exchange);
    const serverTime = Number(response.data.trim());
    if (!Number.isInteger(serverTime) || serverTime <= 0) {
      throw new OvhApiError({
        status: response.status,
        method: "GET",
        path: "/auth/time",
        queryId: queryIdOf(response),
        message: "the answer is not a Unix time, so requests cannot be signed: check that the endpoint is an OVH API v1 base URL",
      });
    }
    return serverTime;
  }

  async #fetchToken(behaviour: ClientBehaviour): Promise<OAuth2TokenResponse> {
    const tokenUrl = this.endpoint.oauth2TokenUrl as string;
    const path = new URL(tokenUrl).pathname;
    const exchange = new Exchange(
      "POST",
      path,
      tokenUrl,
      OAUTH2_TOKEN_REQUEST_BODY,
      "application/x-www-form-urlencoded",
      "oauth2-token",
      // Asking for a token twice only yields two tokens.
      "replayable",
      behaviour,
      (failure) => this.#tokenRefusal(failure, tokenUrl),
    );
    const response = await this.execute(exchange);
    const token = parseTokenResponse(response.data);
    if (typeof token === "string") {
      throw new OvhApiError({
        status: response.status,
        method: "POST",
        path,
        queryId: queryIdOf(response),
        message: `the OAuth2 token endpoint ${tokenUrl} gave an unusable answer (${token}): check that the endpoint is right for this service account`,
      });
    }
    return token;
  }

  #tokenRefusal(failure: ApiFailure, tokenUrl: string): OvhApiError {
    const body = parseErrorBody(failure.rawBody, failure.secrets) ?? {};
    let oauthError: string | undefined;
    let description: string | undefined;
    try {
      const parsed = JSON.parse(scrubSecrets(failure.rawBody, failure.secrets)) as { error?: unknown; error_description?: unknown };
      if (typeof parsed.error === "string") oauthError = parsed.error;
      if (typeof parsed.error_description === "string") description = parsed.error_description;
    } catch {
      // Not JSON: the generic reading above already summarised the text.
    }
    const reason = description ?? body.message ?? oauthError ?? `HTTP ${failure.status}`;
    return new OvhApiError({
      status: failure.status,
      method: failure.method,
      path: failure.path,
      queryId: failure.queryId,
      body: { ...body, errorCode: oauthError ?? body.errorCode },
      retryAfterSeconds: failure.retryAfterMs === undefined ? undefined : Math.ceil(failure.retryAfterMs / 1000),
      message:
        `OAuth2 token request to ${tokenUrl} refused: ${reason}. ` +
        "Check OVH_CLIENT_ID and OVH_CLIENT_SECRET (or the clientId and clientSecret options): " +
        "they must be the id and secret of a service account of this endpoint's region",
    });
  }

  #attemptFailure(error: AxiosError, nowMs: number): AttemptFailure {
    if (error.response) {
      const retryAfter = error.response.headers["retry-after"];
      return { status: error.response.status, retryAfterMs: parseRetryAfter(typeof retryAfter === "string" ? retryAfter : undefined, nowMs) };
    }
    return { networkCode: error.code };
  }

  /** Turns whatever was thrown into one of our errors; an axios error (its config holds the headers) never escapes. */
  #toTypedError(error: unknown, exchange: Exchange): Error {
    if (error instanceof OvhApiError || error instanceof OvhNetworkError || error instanceof OvhConfigError) return error;
    const host = new URL(exchange.url).host;
    if (!axios.isAxiosError(error)) {
      const description = error instanceof Error ? scrubSecrets(error.message, this.#secrets) : "unexpected failure";
      return toNetworkError(exchange.method, exchange.path, undefined, description, host);
    }
    const response = error.response;
    if (response) {
      const retryAfter = response.headers["retry-after"];
      const secrets = exchange.bearerToken === undefined ? this.#secrets : [...this.#secrets, exchange.bearerToken];
      return exchange.describeFailure({
        status: response.status,
        method: exchange.method,
        path: exchange.path,
        rawBody: typeof response.data === "string" ? response.data : "",
        queryId: queryIdOf(response),
        retryAfterMs: parseRetryAfter(typeof retryAfter === "string" ? retryAfter : undefined, exchange.behaviour.now()),
        secrets,
      });
    }
    return toNetworkError(exchange.method, exchange.path, error.code, scrubSecrets(error.message, this.#secrets), host);
  }
}

function queryIdOf(response: AxiosResponse): string | undefined {
  const value = response.headers["x-ovh-queryid"];
  return typeof value === "string" && value !== "" ? value : undefined;
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const sharedSessions = new Map<string, OvhSession>();
/** Keys shared sessions by an HMAC under a per-process random key: the map never holds a secret, even hashed plainly. */
const sessionKeySalt = randomBytes(32);

function sessionKey(config: ResolvedOvhConfig, ca: OvhClientOptions["ca"]): string {
  const caParts = ca === undefined ? [] : (Array.isArray(ca) ? ca : [ca]).map((pem) => createHash("sha256").update(pem).digest("hex"));
  const identity = [config.endpoint.baseUrl, config.endpoint.oauth2TokenUrl ?? "", config.credentials.kind, ...config.credentials.secretValues(), ...caParts];
  return createHmac("sha256", sessionKeySalt).update(JSON.stringify(identity)).digest("hex");
}

/**
 * A client of the OVH API v1: signing (with OVH's clock) or OAuth2 / access token authentication, a keep-alive
 * connection pool, a concurrency and rate limit, retries with backoff where they are safe, and typed errors
 * that never carry a secret.
 */
export class OvhClient implements OvhRequester {
  readonly endpoint: ResolvedEndpoint;
  readonly #session: OvhSession;
  readonly #behaviour: ClientBehaviour;

  /**
   * `sharing: "shared"` reuses the pool, throttle, time offset and token of every other shared client with the
   * same endpoint and credentials in this process (see getSharedOvhClient); "own" gets fresh ones.
   */
  constructor(options: OvhClientOptions = {}, sharing: "own" | "shared" = "own") {
    const env = options.env ?? process.env;
    const config = resolveCredentials(options, env);
    const limits = resolveClientLimits(options, env);
    this.#behaviour = { limits, onRequest: options.onRequest, sleep: options.sleep ?? defaultSleep, now: options.now ?? Date.now };
    this.endpoint = config.endpoint;
    if (sharing === "shared") {
      const key = sessionKey(config, options.ca);
      let session = sharedSessions.get(key);
      if (!session) {
        session = new OvhSession(config.endpoint, config.credentials, limits, options.ca, this.#behaviour.now);
        sharedSessions.set(key, session);
      } else {
        // The most recent configuration wins, so one throttle keeps guarding the one OVH identity.
        session.throttle.update({ maxConcurrent: limits.maxConcurrentRequests, maxPerSecond: limits.maxRequestsPerSecond });
      }
      this.#session = session;
    } else {
      this.#session = new OvhSession(config.endpoint, config.credentials, limits, options.ca, this.#behaviour.now);
    }
  }

  get authKind(): OvhAuthKind {
    return this.#session.authKind;
  }

  /** Names this client's API endpoint: what is learnt about it (list mode) is shared by its clients in the process. */
  get endpointKey(): string {
    return this.endpoint.baseUrl;
  }

  async request<T>(req: OvhRequest): Promise<T> {
    const exchange = this.#exchangeFor(req);
    const response = await this.#session.execute(exchange);
    return parseSuccessBody<T>(response, exchange);
  }

  async requestWithResponse<T>(req: OvhRequest): Promise<OvhResponse<T>> {
    const exchange = this.#exchangeFor(req);
    const response = await this.#session.execute(exchange);
    return { status: response.status, headers: plainHeaders(response), body: parseSuccessBody<T>(response, exchange) };
  }

  #exchangeFor(req: OvhRequest): Exchange {
    if (!HTTP_METHODS.includes(req.method)) {
      throw new OvhConfigError(`HTTP method ${JSON.stringify(req.method)} is not supported by the OVH API client: use ${HTTP_METHODS.join(", ")}.`);
    }
    assertApiPath(req.path);
    if (req.headers) assertExtraHeaders(req.headers);
    const url = buildRequestUrl(this.endpoint.baseUrl, req.path, req.query);
    const body = req.body === undefined ? undefined : encodeJsonBody(req.body);
    return new Exchange(
      req.method,
      req.path,
      url,
      body,
      // As the official client does; without it axios would label an empty POST as a form.
      body !== undefined || req.method === "POST" || req.method === "PUT" ? "application/json" : undefined,
      req.noAuth ? "none" : "api",
      req.method === "GET" ? "replayable" : "mutating",
      this.#behaviour,
      toApiError,
      req.headers,
    );
  }

  toJSON(): { endpoint: string; authKind: OvhAuthKind } {
    return { endpoint: this.endpoint.baseUrl, authKind: this.authKind };
  }

  [inspect.custom](): string {
    return `OvhClient { endpoint: '${this.endpoint.baseUrl}', authKind: '${this.authKind}' }`;
  }
}

/** The answer's headers as plain strings, names in lower case. */
function plainHeaders(response: AxiosResponse): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (value !== undefined && value !== null) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : String(value);
  }
  return headers;
}

function parseSuccessBody<T>(response: AxiosResponse<string>, exchange: Exchange): T {
  const text = typeof response.data === "string" ? response.data : "";
  if (text.trim() === "") return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new OvhApiError({
      status: response.status,
      method: exchange.method,
      path: exchange.path,
      queryId: queryIdOf(response),
      message: "the answer is not JSON: check that the endpoint is an OVH API v1 base URL",
    });
  }
}

/** A client with its own connection pool, throttle, time offset and token. */
export function createOvhClient(options: OvhClientOptions = {}): OvhClient {
  return new OvhClient(options, "own");
}

/**
 * A client sharing its connection pool, throttle, time offset and token with every other shared client of the
 * same endpoint and credentials in this process. Cheap to call per operation: the Pulumi provider builds one for
 * every call, and the throttle must still see all of them.
 */
export function getSharedOvhClient(options: OvhClientOptions = {}): OvhClient {
  return new OvhClient(options, "shared");
}
