import type { AxiosResponse, InternalAxiosRequestConfig } from "axios";
import type { OvhAuthKind, OvhCredentials } from "./credentials";
import type { ResolvedEndpoint } from "./endpoints";
import { OvhApiError } from "./errors";
import { Exchange, queryIdOf, type ClientBehaviour } from "./exchange";
import { parseErrorBody, scrubSecrets, type ApiFailure } from "./failures";
import { basicAuthorization, OAUTH2_TOKEN_REQUEST_BODY, OAuth2TokenCache, parseTokenResponse, type OAuth2TokenResponse } from "./oauth2";
import { buildRequestUrl } from "./path";
import { computeSignature, OvhTimeSync } from "./signature";

/** Sends an exchange through the session, retries included. */
type SendExchange = (exchange: Exchange) => Promise<AxiosResponse<string>>;

/**
 * How a session's requests authenticate: signed with OVH's clock (application key), with an OAuth2 token fetched and
 * kept until it expires, or with a fixed access token. Reading OVH's clock or getting a token sends requests of their
 * own, through the session.
 */
export class SessionAuthentication {
  readonly #endpoint: ResolvedEndpoint;
  readonly #credentials: OvhCredentials;
  readonly #timeSync: OvhTimeSync;
  readonly #tokens: OAuth2TokenCache;
  readonly #send: SendExchange;

  constructor(endpoint: ResolvedEndpoint, credentials: OvhCredentials, now: () => number, send: SendExchange) {
    this.#endpoint = endpoint;
    this.#credentials = credentials;
    this.#timeSync = new OvhTimeSync(now);
    this.#tokens = new OAuth2TokenCache(now);
    this.#send = send;
  }

  get kind(): OvhAuthKind {
    return this.#credentials.kind;
  }

  /** What an attempt needs before it can be authenticated: OVH's clock, or a token. */
  async prepare(exchange: Exchange): Promise<void> {
    if (exchange.auth !== "api") return;
    if (this.#credentials.kind === "applicationKey") {
      await this.#timeSync.ensure(() => this.#fetchServerTime(exchange.behaviour));
    } else if (this.#credentials.kind === "oauth2") {
      exchange.bearerToken = await this.#tokens.token(() => this.#fetchToken(exchange.behaviour));
    }
  }

  /** Sets the authentication headers of one attempt, signing with the time at which it actually leaves. */
  apply(config: InternalAxiosRequestConfig, exchange: Exchange): void {
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

  /**
   * After OVH refused an exchange: whether resending it may succeed, once the clock is synchronised again (a signed
   * request refused with QUERY_TIME_OUT) or the token dropped (an OAuth2 request refused with 401).
   */
  async recover(refusal: OvhApiError, exchange: Exchange): Promise<boolean> {
    if (this.#credentials.kind === "applicationKey" && refusal.status === 400 && refusal.errorCode === "QUERY_TIME_OUT") {
      // OVH refused the request before acting on it, so resending is safe for every method.
      await this.#timeSync.resync(exchange.signedWithTimeGeneration, () => this.#fetchServerTime(exchange.behaviour));
      return true;
    }
    if (this.#credentials.kind === "oauth2" && refusal.status === 401 && exchange.bearerToken !== undefined) {
      this.#tokens.invalidate(exchange.bearerToken);
      return true;
    }
    return false;
  }

  async #fetchServerTime(behaviour: ClientBehaviour): Promise<number> {
    const exchange = new Exchange("GET", "/auth/time", buildRequestUrl(this.#endpoint.baseUrl, "/auth/time", undefined), undefined, undefined, "none", "replayable", behaviour);
    const response = await this.#send(exchange);
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
    const tokenUrl = this.#endpoint.oauth2TokenUrl as string;
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
      (failure) => tokenRefusal(failure, tokenUrl),
    );
    const response = await this.#send(exchange);
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
}

/** The error for a refused token request: OAuth2's own error fields when the answer has them, and what to check. */
function tokenRefusal(failure: ApiFailure, tokenUrl: string): OvhApiError {
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
