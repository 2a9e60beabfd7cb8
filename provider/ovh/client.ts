import { inspect } from "node:util";
import type { AxiosResponse } from "axios";
import { CREDENTIAL_ENVIRONMENT_VARIABLES, resolveCredentials, type OvhAuthKind } from "./credentials";
import type { ResolvedEndpoint } from "./endpoints";
import { OvhApiError, OvhConfigError } from "./errors";
import { Exchange, queryIdOf, type ClientBehaviour } from "./exchange";
import { toApiError } from "./failures";
import { LIMIT_ENVIRONMENT_VARIABLES, resolveClientLimits, type OvhClientOptions } from "./options";
import { assertApiPath, assertExtraHeaders, buildRequestUrl, encodeJsonBody } from "./path";
import { OvhSession, sharedSession } from "./session";
import type { HttpMethod, OvhRequest, OvhRequester, OvhResponse } from "./types";

export { USER_AGENT } from "./exchange";

const HTTP_METHODS: readonly HttpMethod[] = ["GET", "POST", "PUT", "DELETE"];

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
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
    this.#behaviour = { limits, onRequest: options.onRequest, onRetry: options.onRetry, sleep: options.sleep ?? defaultSleep, now: options.now ?? Date.now };
    this.endpoint = config.endpoint;
    this.#session =
      sharing === "shared"
        ? sharedSession(config, limits, options.ca, this.#behaviour.now)
        : new OvhSession(config.endpoint, config.credentials, limits, options.ca, this.#behaviour.now);
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
 * same endpoint and credentials in this process, so one throttle sees all of them. Building one resolves the
 * credentials and limits again, which costs more than a read: a caller that runs often keeps its client while its
 * options and {@link clientEnvironment} stay the same, as the Pulumi provider does.
 */
export function getSharedOvhClient(options: OvhClientOptions = {}): OvhClient {
  return new OvhClient(options, "shared");
}

const CLIENT_ENVIRONMENT_VARIABLES = [...CREDENTIAL_ENVIRONMENT_VARIABLES, ...LIMIT_ENVIRONMENT_VARIABLES];

/** The `OVH_*` variables a client reads, as one string to compare with a later one (kept in memory only). */
export function clientEnvironment(env: NodeJS.ProcessEnv): string {
  return CLIENT_ENVIRONMENT_VARIABLES.map((name) => env[name] ?? "").join("\n");
}
