import * as http from "node:http";
import * as https from "node:https";
import { createHash, createHmac, randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import axios, { type AxiosAdapter, type AxiosError, type AxiosInstance, type AxiosResponse, type InternalAxiosRequestConfig } from "axios";
import axiosRetry, { type IAxiosRetryConfig } from "axios-retry";
import { SessionAuthentication } from "./authentication";
import type { OvhAuthKind, OvhCredentials, ResolvedOvhConfig } from "./credentials";
import type { ResolvedEndpoint } from "./endpoints";
import { OvhApiError, OvhConfigError, OvhNetworkError } from "./errors";
import { queryIdOf, type Exchange } from "./exchange";
import { scrubSecrets, toNetworkError } from "./failures";
import { createLeanHttpAdapter } from "./http-adapter";
import { MAX_RETRIES_LIMIT, type ClientLimits, type OvhClientOptions } from "./options";
import { decideRetry, parseRetryAfter, type AttemptFailure } from "./retry";
import { RequestThrottle } from "./throttle";

const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

/**
 * Everything clients of one endpoint + credential identity share in a process: connection pool, throttle,
 * time offset and OAuth2 token.
 */
export class OvhSession {
  readonly throttle: RequestThrottle;
  readonly #secrets: readonly string[];
  readonly #authentication: SessionAuthentication;
  readonly #http: AxiosInstance;
  readonly #sendOverHttp: AxiosAdapter = createLeanHttpAdapter();

  constructor(
    endpoint: ResolvedEndpoint,
    credentials: OvhCredentials,
    limits: ClientLimits,
    ca: OvhClientOptions["ca"],
    now: () => number,
  ) {
    this.#secrets = credentials.secretValues();
    this.#authentication = new SessionAuthentication(endpoint, credentials, now, (exchange) => this.execute(exchange));
    this.throttle = new RequestThrottle({ maxConcurrent: limits.maxConcurrentRequests, maxPerSecond: limits.maxRequestsPerSecond });
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
    return this.#authentication.kind;
  }

  /** Sends an exchange with retries; re-signs once after QUERY_TIME_OUT and re-authenticates once after a 401. */
  async execute(exchange: Exchange): Promise<AxiosResponse<string>> {
    for (let resent = false; ; resent = true) {
      try {
        return await this.#http.request<string>(exchange.axiosConfig());
      } catch (error) {
        const typed = this.#toTypedError(error, exchange);
        if (!resent && exchange.auth === "api" && typed instanceof OvhApiError && (await this.#authentication.recover(typed, exchange))) continue;
        throw typed;
      }
    }
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
          attemptFailure(error, exchange.behaviour.now()),
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
        exchange.reportRetry(exchange.nextRetryDelayMs);
        await exchange.behaviour.sleep(exchange.nextRetryDelayMs);
      },
    };
  }

  /** The axios adapter: runs once per attempt, retries included. */
  async #dispatch(config: InternalAxiosRequestConfig): Promise<AxiosResponse> {
    const exchange = config.ovhExchange as Exchange;
    // Outside the throttle: getting a token or the time sends a request that needs a slot of its own.
    await this.#authentication.prepare(exchange);
    return this.throttle.run(() => this.#send(config, exchange));
  }

  async #send(config: InternalAxiosRequestConfig, exchange: Exchange): Promise<AxiosResponse> {
    exchange.attempt += 1;
    this.#authentication.apply(config, exchange);
    const started = performance.now();
    try {
      const response = await this.#sendOverHttp(config);
      exchange.report({ status: response.status, durationMs: performance.now() - started, queryId: queryIdOf(response) });
      return response;
    } catch (error) {
      const response = (error as AxiosError).response;
      exchange.lastFailure = {
        status: response?.status,
        durationMs: performance.now() - started,
        queryId: response ? queryIdOf(response) : undefined,
        networkErrorCode: response ? undefined : (error as AxiosError).code,
      };
      exchange.report(exchange.lastFailure);
      throw error;
    }
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
    return toNetworkError(exchange.method, exchange.path, error.code, scrubSecrets(error.message, this.#secrets), host, {
      attempts: exchange.attempt,
      elapsedMs: performance.now() - exchange.startedAt,
      requestTimeoutMs: exchange.behaviour.limits.requestTimeoutMs,
    });
  }
}

function attemptFailure(error: AxiosError, nowMs: number): AttemptFailure {
  if (error.response) {
    const retryAfter = error.response.headers["retry-after"];
    return { status: error.response.status, retryAfterMs: parseRetryAfter(typeof retryAfter === "string" ? retryAfter : undefined, nowMs) };
  }
  return { networkCode: error.code };
}

const sharedSessions = new Map<string, OvhSession>();
/** Keys shared sessions by an HMAC under a per-process random key: the map never holds a secret, even hashed plainly. */
const sessionKeySalt = randomBytes(32);

function sessionKey(config: ResolvedOvhConfig, ca: OvhClientOptions["ca"]): string {
  const caParts = ca === undefined ? [] : (Array.isArray(ca) ? ca : [ca]).map((pem) => createHash("sha256").update(pem).digest("hex"));
  const identity = [config.endpoint.baseUrl, config.endpoint.oauth2TokenUrl ?? "", config.credentials.kind, ...config.credentials.secretValues(), ...caParts];
  return createHmac("sha256", sessionKeySalt).update(JSON.stringify(identity)).digest("hex");
}

/** The session of this endpoint and credential identity in the process, created on first use. */
export function sharedSession(config: ResolvedOvhConfig, limits: ClientLimits, ca: OvhClientOptions["ca"], now: () => number): OvhSession {
  const key = sessionKey(config, ca);
  const existing = sharedSessions.get(key);
  if (existing) {
    // The most recent configuration wins, so one throttle keeps guarding the one OVH identity.
    existing.throttle.update({ maxConcurrent: limits.maxConcurrentRequests, maxPerSecond: limits.maxRequestsPerSecond });
    return existing;
  }
  const session = new OvhSession(config.endpoint, config.credentials, limits, ca, now);
  sharedSessions.set(key, session);
  return session;
}
