import { OvhConfigError } from "./errors";
import type { QueryValue } from "./types";

/** Checks a request path: starts with "/", carries no query or fragment, and has no dot segments. */
export function assertApiPath(path: string): void {
  if (typeof path !== "string" || !path.startsWith("/")) {
    throw new OvhConfigError(`OVH API path ${JSON.stringify(path)} must start with "/", e.g. "/saas/csp2".`);
  }
  if (/[?#]/.test(path)) {
    throw new OvhConfigError(`OVH API path ${JSON.stringify(path)} must not contain "?" or "#": pass query parameters in \`query\`.`);
  }
  if (/[\s\x00-\x1f\x7f]/.test(path)) {
    throw new OvhConfigError(`OVH API path ${JSON.stringify(path)} contains spaces or control characters: percent-encode path parameters (encodeURIComponent).`);
  }
  // WHATWG URL parsing treats "%2e" like "." when resolving dot segments.
  const segments = path.split("/").map((segment) => segment.replace(/%2e/gi, "."));
  if (segments.some((segment) => segment === "." || segment === "..")) {
    throw new OvhConfigError(`OVH API path ${JSON.stringify(path)} contains a "." or ".." segment: a path parameter cannot be "." or "..", and an encoded one (%2e) is read as one.`);
  }
}

/**
 * The URL to send and to sign. It is normalised through `URL` here, so the string signed is exactly what the
 * HTTP layer, which parses it the same way, puts on the wire.
 */
export function buildRequestUrl(baseUrl: string, path: string, query: Record<string, QueryValue> | undefined): string {
  let search = "";
  if (query) {
    const pairs = Object.entries(query)
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`);
    if (pairs.length > 0) search = `?${pairs.join("&")}`;
  }
  const url = new URL(baseUrl + path + search);
  return url.origin + url.pathname + url.search;
}

/**
 * JSON with every non-ASCII character escaped as \uXXXX, as the official client sends it: the body is then the
 * same byte string whatever the encoding assumed by whoever checks the signature.
 */
export function encodeJsonBody(body: unknown): string {
  const json = JSON.stringify(body);
  if (json === undefined) {
    throw new OvhConfigError(`OVH API request body of type ${typeof body} cannot be sent as JSON: pass an object, array, string, number or boolean.`);
  }
  return json.replace(/[\u0080-\uffff]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));
}

/** Header names a caller may add to a request: list mode's, and the cache bypass. */
const EXTRA_HEADER_NAME = /^(x-pagination-[a-z]+(-[a-z]+)*|pragma)$/i;

/**
 * Checks the extra headers of a request: only `X-Pagination-*` and `Pragma`, so a caller cannot replace an
 * authentication header, and values without control characters, which would split the header block.
 */
export function assertExtraHeaders(headers: Readonly<Record<string, string>>): void {
  for (const [name, value] of Object.entries(headers)) {
    if (!EXTRA_HEADER_NAME.test(name)) {
      throw new OvhConfigError(`Request header ${JSON.stringify(name)} cannot be set by a caller: only X-Pagination-* (list mode) and Pragma can.`);
    }
    if (typeof value !== "string" || /[\x00-\x1f\x7f]/.test(value)) {
      throw new OvhConfigError(`Request header ${name} has a value that is not a single-line string: ${JSON.stringify(value)}.`);
    }
  }
}
