import { createHash, createHmac, randomBytes, timingSafeEqual } from "crypto";
import type { IncomingHttpHeaders } from "http";
import type { ApiMethod } from "./api-schema";
import { codeError } from "./ovh-errors";
import { formatDatetime } from "./time";

/** Credentials the simulator accepts. Defaults are fixed so a restarted simulator keeps working with exported variables. */
export interface SimulatorCredentials {
  applicationKey: string;
  applicationSecret: string;
  consumerKey: string;
  /** OAuth2 service account (client credentials grant). */
  clientId: string;
  clientSecret: string;
  /** A static bearer access token. */
  accessToken: string;
}

export const DEFAULT_CREDENTIALS: SimulatorCredentials = {
  applicationKey: "sImAk7Bk7S9Nt7ZS",
  applicationSecret: "sImAs4nQ0bYw1CqXv8Rk3LmT6pJz9HdE",
  consumerKey: "sImCk2Fh8Lq5Xw0Tz7Mb4Nc1Vd6Ry3Gp",
  clientId: "EU.5b7f3c2a9d1e4f60",
  clientSecret: "sImCs8Kd2Wq6Zp1Xr5Tb9Mf3Hn7Lc0Vy",
  accessToken: "sImAt0Qw3Ex6Rt9Yu2Io5Pa8Sd1Fg4Hj7Kl0Zx3Cv6Bn9Mq",
};

/** Who made a request, as the request log records it: ids only, never a key or a token. */
export type RequestIdentity =
  | { method: "signature"; applicationId: number; credentialId: number }
  | { method: "oauth2"; clientId: string }
  | { method: "accessToken"; credentialId: number };

export interface AccessRule {
  method: ApiMethod;
  /** OVH rule path; `*` matches anything. */
  path: string;
}

export type CredentialStatus = "validated" | "pendingValidation" | "expired" | "refused";

interface ConsumerRecord {
  credentialId: number;
  applicationKey: string;
  status: CredentialStatus;
  rules: AccessRule[];
  creation: number;
}

export interface AuthInput {
  method: string;
  /** Path and query exactly as received (what a client signs after the host). */
  rawUrl: string;
  /** Path below `/1.0`, for access rules. */
  apiPath: string;
  scheme: "http" | "https";
  headers: IncomingHttpHeaders;
  rawBody: string;
  noAuthentication: boolean;
}

export interface AuthenticatorOptions {
  credentials: SimulatorCredentials;
  timestampWindowSeconds: number;
  tokenLifetimeSeconds: number;
  /** The simulated OVH clock (real time plus the configured skew), in milliseconds. */
  serverNow: () => number;
  /** Tokens issued before this time (ms) are refused. */
  tokensValidAfter: () => number;
}

export class OAuth2Error extends Error {
  readonly status: number;
  readonly error: string;
  readonly basicAuthUsed: boolean;
  constructor(status: number, error: string, description: string, basicAuthUsed = false) {
    super(description);
    this.name = "OAuth2Error";
    this.status = status;
    this.error = error;
    this.basicAuthUsed = basicAuthUsed;
  }
}

const APPLICATION_ID = 212044;
const MAIN_CREDENTIAL_ID = 318770541;
const ACCESS_TOKEN_CREDENTIAL_ID = 318770542;
const TOKEN_PREFIX = "ovhsim.";

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function rulePattern(path: string): RegExp {
  return new RegExp(`^${path.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);
}

export function signatureOf(secret: string, consumerKey: string, method: string, url: string, body: string, timestamp: string): string {
  return "$1$" + createHash("sha1").update([secret, consumerKey, method, url, body, timestamp].join("+")).digest("hex");
}

/** Checks requests the way OVH does: application key, timestamp window, consumer key, signature, access rules; or a bearer token. */
export class Authenticator {
  private readonly options: AuthenticatorOptions;
  private readonly consumers = new Map<string, ConsumerRecord>();
  private nextCredentialId = MAIN_CREDENTIAL_ID + 10;
  private readonly tokenKey: Buffer;

  constructor(options: AuthenticatorOptions) {
    this.options = options;
    const c = options.credentials;
    this.consumers.set(c.consumerKey, {
      credentialId: MAIN_CREDENTIAL_ID,
      applicationKey: c.applicationKey,
      status: "validated",
      rules: ["GET", "POST", "PUT", "DELETE"].map((method) => ({ method: method as ApiMethod, path: "/*" })),
      creation: options.serverNow(),
    });
    this.tokenKey = createHash("sha256").update(`ovh-simulator/oauth2/${c.clientSecret}`).digest();
  }

  /** Registers another consumer key for the application (e.g. one restricted by rules, or not validated). */
  addConsumerKey(init: { rules?: AccessRule[]; status?: CredentialStatus } = {}): { consumerKey: string; credentialId: number } {
    const consumerKey = randomBytes(16).toString("hex");
    const credentialId = this.nextCredentialId++;
    this.consumers.set(consumerKey, {
      credentialId,
      applicationKey: this.options.credentials.applicationKey,
      status: init.status ?? "validated",
      rules: init.rules ?? [{ method: "GET", path: "/*" }, { method: "POST", path: "/*" }, { method: "PUT", path: "/*" }, { method: "DELETE", path: "/*" }],
      creation: this.options.serverNow(),
    });
    return { consumerKey, credentialId };
  }

  /** Returns who is calling, undefined for an anonymous call to a route without authentication, or throws OVH's error. */
  authenticate(input: AuthInput): RequestIdentity | undefined {
    const authorization = header(input.headers, "authorization");
    if (authorization !== undefined && /^bearer\s/i.test(authorization)) {
      return this.checkBearer(authorization.replace(/^bearer\s+/i, "").trim());
    }
    const applicationKey = header(input.headers, "x-ovh-application");
    const consumerKey = header(input.headers, "x-ovh-consumer");
    if (applicationKey === undefined) {
      if (input.noAuthentication) return undefined;
      throw codeError(401, "NOT_AUTHENTICATED", "You must login first");
    }
    const c = this.options.credentials;
    if (!sameText(applicationKey, c.applicationKey)) throw codeError(403, "INVALID_KEY", "This application key is invalid");
    if (consumerKey === undefined) {
      if (input.noAuthentication) return undefined;
      throw codeError(401, "NOT_AUTHENTICATED", "You must login first");
    }

    const timestamp = header(input.headers, "x-ovh-timestamp");
    const nowSeconds = Math.round(this.options.serverNow() / 1000);
    if (timestamp === undefined || !/^\d+$/.test(timestamp) || Math.abs(Number(timestamp) - nowSeconds) > this.options.timestampWindowSeconds) {
      throw codeError(400, "QUERY_TIME_OUT", "Query out of time");
    }

    const consumer = this.consumers.get(consumerKey);
    if (!consumer || consumer.applicationKey !== applicationKey) throw codeError(403, "INVALID_CREDENTIAL", "This credential does not exist");
    if (consumer.status !== "validated") throw codeError(403, "INVALID_CREDENTIAL", `This credential is not valid (${consumer.status})`);

    const signature = header(input.headers, "x-ovh-signature");
    if (signature === undefined || !this.signatureMatches(signature, consumerKey, input, timestamp)) {
      throw codeError(400, "INVALID_SIGNATURE", "Invalid signature");
    }
    if (!input.noAuthentication && !consumer.rules.some((r) => r.method === input.method && rulePattern(r.path).test(input.apiPath))) {
      throw codeError(403, "NOT_GRANTED_CALL", "This call has not been granted");
    }
    return { method: "signature", applicationId: APPLICATION_ID, credentialId: consumer.credentialId };
  }

  /** Clients sign `https://host/path` with or without the port (the official Node client drops it): accept both. */
  private signatureMatches(signature: string, consumerKey: string, input: AuthInput, timestamp: string): boolean {
    const host = header(input.headers, "host") ?? "";
    const hosts = new Set([host, host.replace(/:\d+$/, "")]);
    const secret = this.options.credentials.applicationSecret;
    for (const h of hosts) {
      const expected = signatureOf(secret, consumerKey, input.method, `${input.scheme}://${h}${input.rawUrl}`, input.rawBody, timestamp);
      if (sameText(signature, expected)) return true;
    }
    return false;
  }

  private checkBearer(token: string): RequestIdentity {
    if (sameText(token, this.options.credentials.accessToken)) return { method: "accessToken", credentialId: ACCESS_TOKEN_CREDENTIAL_ID };
    const claims = this.verifyIssuedToken(token);
    if (!claims) throw codeError(401, "INVALID_CREDENTIAL", "This access token is invalid or has expired: request a new one");
    return { method: "oauth2", clientId: claims.clientId };
  }

  private verifyIssuedToken(token: string): { clientId: string } | undefined {
    if (!token.startsWith(TOKEN_PREFIX)) return undefined;
    const [payload, mac] = token.slice(TOKEN_PREFIX.length).split(".");
    if (!payload || !mac) return undefined;
    const expected = createHmac("sha256", this.tokenKey).update(payload).digest("base64url");
    if (!sameText(mac, expected)) return undefined;
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { cid: string; iat: number; exp: number };
    const now = this.options.serverNow();
    if (claims.exp * 1000 <= now || claims.iat < this.options.tokensValidAfter()) return undefined;
    return { clientId: claims.cid };
  }

  /** The OAuth2 client-credentials grant. */
  issueToken(form: URLSearchParams, authorization: string | undefined): { token: Record<string, unknown>; clientId: string } {
    let clientId = form.get("client_id") ?? undefined;
    let clientSecret = form.get("client_secret") ?? undefined;
    const basic = authorization !== undefined && /^basic\s/i.test(authorization);
    if (basic) {
      const decoded = Buffer.from(authorization.replace(/^basic\s+/i, ""), "base64").toString("utf8");
      const colon = decoded.indexOf(":");
      if (colon < 0) throw new OAuth2Error(401, "invalid_client", "Malformed Basic authorization header", true);
      clientId = formDecode(decoded.slice(0, colon));
      clientSecret = formDecode(decoded.slice(colon + 1));
    }
    const grantType = form.get("grant_type");
    if (grantType === null) throw new OAuth2Error(400, "invalid_request", "Missing grant_type: use grant_type=client_credentials", basic);
    if (grantType !== "client_credentials") throw new OAuth2Error(400, "unsupported_grant_type", `Unsupported grant_type ${grantType}: use client_credentials`, basic);
    if (clientId === undefined || clientSecret === undefined) {
      throw new OAuth2Error(401, "invalid_client", "Client authentication failed: send client_id and client_secret (HTTP Basic or form body)", basic);
    }
    const c = this.options.credentials;
    if (!sameText(clientId, c.clientId) || !sameText(clientSecret, c.clientSecret)) {
      throw new OAuth2Error(401, "invalid_client", "Client authentication failed: unknown client or wrong secret", basic);
    }
    const scope = form.get("scope") ?? "all";
    const issuedAt = this.options.serverNow();
    const lifetime = this.options.tokenLifetimeSeconds;
    const payload = Buffer.from(
      JSON.stringify({ cid: clientId, iat: issuedAt, exp: Math.floor(issuedAt / 1000) + lifetime, jti: randomBytes(8).toString("hex") }),
    ).toString("base64url");
    const mac = createHmac("sha256", this.tokenKey).update(payload).digest("base64url");
    return { token: { access_token: `${TOKEN_PREFIX}${payload}.${mac}`, token_type: "Bearer", expires_in: lifetime, scope }, clientId };
  }

  currentCredential(identity: RequestIdentity): Record<string, unknown> {
    const record = identity.method === "signature" ? [...this.consumers.values()].find((c) => c.credentialId === identity.credentialId) : undefined;
    const now = this.options.serverNow();
    return {
      allowedIPs: null,
      applicationId: APPLICATION_ID,
      creation: formatDatetime(record?.creation ?? now),
      credentialId: identity.method === "oauth2" ? 0 : identity.credentialId,
      expiration: null,
      lastUse: formatDatetime(now),
      ovhSupport: false,
      rules: record?.rules ?? [{ method: "GET", path: "/*" }, { method: "POST", path: "/*" }, { method: "PUT", path: "/*" }, { method: "DELETE", path: "/*" }],
      status: "validated",
    };
  }
}

function formDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, " "));
  } catch {
    return text;
  }
}

