/**
 * OAuth2 client credentials for OVH service accounts, as the official client (@ovhcloud/node-ovh, through
 * simple-oauth2) does it: `POST <token URL>` with HTTP Basic authentication of the form-encoded id and secret,
 * and the form body `grant_type=client_credentials&scope=all`.
 */

export const OAUTH2_TOKEN_REQUEST_BODY = "grant_type=client_credentials&scope=all";

/** application/x-www-form-urlencoded encoding of one credential (RFC 6749 appendix B), as simple-oauth2 does. */
function formEncode(value: string): string {
  return encodeURIComponent(value)
    .replace(/%20/g, "+")
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function basicAuthorization(clientId: string, clientSecret: string): string {
  return "Basic " + Buffer.from(`${formEncode(clientId)}:${formEncode(clientSecret)}`).toString("base64");
}

export interface OAuth2TokenResponse {
  accessToken: string;
  expiresInSeconds: number;
}

/** Lifetime assumed when the token answer carries no expires_in: short, so a wrong guess costs little. */
const DEFAULT_TOKEN_LIFETIME_SECONDS = 300;

/** Returns the token answer, or a description of what is wrong with it (never including the token). */
export function parseTokenResponse(text: string): OAuth2TokenResponse | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return "the answer is not JSON";
  }
  if (parsed === null || typeof parsed !== "object") return "the answer is not a JSON object";
  const fields = parsed as Record<string, unknown>;
  if (typeof fields.access_token !== "string" || fields.access_token === "") return "the answer has no access_token";
  if (typeof fields.token_type === "string" && fields.token_type.toLowerCase() !== "bearer") {
    return `the token type is ${JSON.stringify(fields.token_type)}, not Bearer`;
  }
  const expiresIn = typeof fields.expires_in === "number" ? fields.expires_in : Number(fields.expires_in);
  return {
    accessToken: fields.access_token,
    expiresInSeconds: Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : DEFAULT_TOKEN_LIFETIME_SECONDS,
  };
}

/**
 * Caches one access token and renews it shortly before it expires (a minute early, or halfway through for
 * short-lived tokens). Concurrent callers share a single token request.
 */
export class OAuth2TokenCache {
  #token: { value: string; renewAtMs: number } | undefined;
  #inFlight: Promise<string> | undefined;

  constructor(private readonly now: () => number) {}

  async token(fetchToken: () => Promise<OAuth2TokenResponse>): Promise<string> {
    if (this.#token && this.now() < this.#token.renewAtMs) return this.#token.value;
    this.#inFlight ??= (async () => {
      try {
        const requestedAt = this.now();
        const answer = await fetchToken();
        const lifetimeMs = answer.expiresInSeconds * 1000;
        const renewEarlyMs = Math.min(60_000, lifetimeMs / 2);
        this.#token = { value: answer.accessToken, renewAtMs: requestedAt + lifetimeMs - renewEarlyMs };
        return answer.accessToken;
      } finally {
        this.#inFlight = undefined;
      }
    })();
    return this.#inFlight;
  }

  /** Forgets the token if it is still `value` (OVH refused it), so the next request fetches a new one. */
  invalidate(value: string): void {
    if (this.#token?.value === value) this.#token = undefined;
  }
}
