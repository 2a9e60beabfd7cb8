import { OvhApiError, OvhNetworkError, type NetworkAttempts, type OvhErrorBody } from "./errors";
import type { HttpMethod } from "./types";

/** The TLS handshake failed because the server's certificate was not trusted: never retried, never bypassed. */
export class OvhTlsError extends OvhNetworkError {
  constructor(method: HttpMethod, path: string, code: string, host: string) {
    super(method, path, code, code);
    this.name = "OvhTlsError";
    this.message =
      `OVH API ${method} ${path}: the TLS certificate of ${host} was refused (${code}). ` +
      "If this endpoint uses a private certificate authority (e.g. a local simulator started with --tls), " +
      "point NODE_EXTRA_CA_CERTS at its CA file; otherwise check the endpoint URL and the system clock. " +
      "Certificate verification is never disabled.";
    Error.captureStackTrace(this, OvhTlsError);
  }
}

export function isTlsCertificateError(code: string | undefined): code is string {
  return code !== undefined && !isNotTlsAnswer(code) && /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|^ERR_TLS_|^ERR_SSL_/.test(code);
}

/** The attempt waited its whole timeout for an answer: axios's ETIMEDOUT, or ECONNABORTED without clarifyTimeoutError. */
export function isTimeoutCode(code: string | undefined): boolean {
  return code === "ETIMEDOUT" || code === "ECONNABORTED";
}

/**
 * The TLS handshake read something that is not TLS, typically a plain HTTP answer to an https:// URL: OpenSSL's
 * "wrong version number" (Node's EPROTO, or ERR_SSL_WRONG_VERSION_NUMBER) or "packet length too long".
 */
export function isNotTlsAnswer(code: string | undefined): boolean {
  return code === "EPROTO" || code === "ERR_SSL_WRONG_VERSION_NUMBER" || code === "ERR_SSL_PACKET_LENGTH_TOO_LONG";
}

const MAX_TEXT_IN_MESSAGE = 300;

/**
 * Reads an error body in either OVH shape (`{errorCode, httpCode, message}` or `{class, message, details}`),
 * or any other text (an HTML page from a proxy, an empty body). Known secret values are scrubbed first, in case
 * a server or proxy echoes a header back.
 */
export function parseErrorBody(rawText: string, secrets: readonly string[]): OvhErrorBody | undefined {
  const text = scrubSecrets(rawText, secrets).trim();
  if (text === "") return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { message: summarizeText(text) };
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return { message: summarizeText(text) };
  const fields = parsed as Record<string, unknown>;
  const body: OvhErrorBody = {};
  if (typeof fields.errorCode === "string") body.errorCode = fields.errorCode;
  if (typeof fields.httpCode === "string") body.httpCode = fields.httpCode;
  if (typeof fields.class === "string") body.class = fields.class;
  if (typeof fields.message === "string") body.message = fields.message;
  if (fields.details !== null && typeof fields.details === "object" && !Array.isArray(fields.details)) {
    body.details = fields.details as Record<string, unknown>;
  }
  if (body.message === undefined && body.errorCode === undefined && body.class === undefined) body.message = summarizeText(text);
  return body;
}

export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let scrubbed = text;
  for (const secret of secrets) {
    if (secret.length > 0 && scrubbed.includes(secret)) scrubbed = scrubbed.split(secret).join("***");
  }
  return scrubbed;
}

function summarizeText(text: string): string {
  const oneLine = text.replace(/<[^>]*>/g, " ").replace(/\s+/g, " ").trim();
  return oneLine.length > MAX_TEXT_IN_MESSAGE ? `${oneLine.slice(0, MAX_TEXT_IN_MESSAGE)}…` : oneLine;
}

export interface ApiFailure {
  status: number;
  method: HttpMethod;
  path: string;
  rawBody: string;
  queryId?: string;
  retryAfterMs?: number;
  secrets: readonly string[];
}

export function toApiError(failure: ApiFailure): OvhApiError {
  return new OvhApiError({
    status: failure.status,
    method: failure.method,
    path: failure.path,
    queryId: failure.queryId,
    body: parseErrorBody(failure.rawBody, failure.secrets),
    retryAfterSeconds: failure.retryAfterMs === undefined ? undefined : Math.ceil(failure.retryAfterMs / 1000),
  });
}

export function toNetworkError(method: HttpMethod, path: string, code: string | undefined, description: string, host: string, tries?: NetworkAttempts): OvhNetworkError {
  if (isTlsCertificateError(code)) return new OvhTlsError(method, path, code, host);
  return new OvhNetworkError(method, path, code, description, tries);
}
