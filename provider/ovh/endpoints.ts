import * as net from "node:net";
import { OvhConfigError } from "./errors";

/** OVH API v1 endpoints by the names OVH's own tools use. */
export const OVH_ENDPOINTS = {
  "ovh-eu": "https://eu.api.ovh.com/1.0",
  "ovh-ca": "https://ca.api.ovh.com/1.0",
  "ovh-us": "https://api.us.ovhcloud.com/1.0",
  "kimsufi-eu": "https://eu.api.kimsufi.com/1.0",
  "kimsufi-ca": "https://ca.api.kimsufi.com/1.0",
  "soyoustart-eu": "https://eu.api.soyoustart.com/1.0",
  "soyoustart-ca": "https://ca.api.soyoustart.com/1.0",
} as const;

export type OvhEndpointName = keyof typeof OVH_ENDPOINTS;

export const DEFAULT_OVH_ENDPOINT: OvhEndpointName = "ovh-eu";

/**
 * OAuth2 (service account) token URLs. Kimsufi and So you Start have none: the official client refuses OAuth2
 * there too.
 */
const OAUTH2_TOKEN_URLS: Partial<Record<OvhEndpointName, string>> = {
  "ovh-eu": "https://www.ovh.com/auth/oauth2/token",
  "ovh-ca": "https://ca.ovh.com/auth/oauth2/token",
  "ovh-us": "https://us.ovhcloud.com/auth/oauth2/token",
};

export interface ResolvedEndpoint {
  /** The endpoint name when one was given (e.g. `ovh-eu`), otherwise undefined. */
  name?: OvhEndpointName;
  /** Base URL without trailing slash, e.g. `https://eu.api.ovh.com/1.0`. */
  baseUrl: string;
  /** OAuth2 client-credentials token URL, when the endpoint supports OAuth2. */
  oauth2TokenUrl?: string;
}

const ENDPOINT_SETTING = "OVH_ENDPOINT (or the endpoint option, Pulumi config ovh:endpoint)";

/**
 * Resolves an endpoint name (`ovh-eu`, …) or a full base URL (`https://host/1.0`, or `http://127.0.0.1:port/1.0`
 * for a local simulator). Plain `http://` is refused unless the host is loopback, so credentials and signed
 * requests never cross a network in clear text.
 */
export function resolveEndpoint(nameOrUrl: string): ResolvedEndpoint {
  const value = nameOrUrl.trim();
  if (value === "") {
    throw new OvhConfigError(`${ENDPOINT_SETTING} is empty: use one of ${endpointNames()} or a URL such as https://eu.api.ovh.com/1.0.`);
  }
  if (isEndpointName(value)) {
    return { name: value, baseUrl: OVH_ENDPOINTS[value], oauth2TokenUrl: OAUTH2_TOKEN_URLS[value] };
  }
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    throw new OvhConfigError(
      `${ENDPOINT_SETTING} = ${JSON.stringify(value)} is neither a known endpoint nor a URL: use one of ${endpointNames()}, ` +
        `or a full URL such as https://eu.api.ovh.com/1.0.`,
    );
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new OvhConfigError(`${ENDPOINT_SETTING} = ${JSON.stringify(redactUserinfo(value))} is not a valid URL: fix it, e.g. https://eu.api.ovh.com/1.0.`);
  }
  const shown = JSON.stringify(redactUserinfo(value));
  if (url.username || url.password) {
    throw new OvhConfigError(`${ENDPOINT_SETTING} = ${shown} contains a user name or password: remove it; credentials go in OVH_* variables, never in the URL.`);
  }
  if (url.search || url.hash) {
    throw new OvhConfigError(`${ENDPOINT_SETTING} = ${shown} has a query string or fragment: use the bare base URL, e.g. https://eu.api.ovh.com/1.0.`);
  }
  if (url.protocol === "http:") {
    if (!isLoopbackHost(url.hostname)) {
      throw new OvhConfigError(
        `${ENDPOINT_SETTING} = ${shown} uses plain http:// to a host that is not loopback: requests and credentials would cross the network unencrypted. ` +
          `Use https://, or http:// only with 127.0.0.1, ::1 or localhost (e.g. a local simulator).`,
      );
    }
  } else if (url.protocol !== "https:") {
    throw new OvhConfigError(`${ENDPOINT_SETTING} = ${shown} has protocol ${url.protocol} : use https:// (or http:// to a loopback host).`);
  }
  const basePath = url.pathname.replace(/\/+$/, "");
  if (basePath === "") {
    throw new OvhConfigError(`${ENDPOINT_SETTING} = ${shown} has no API base path: add it, e.g. ${url.origin}/1.0.`);
  }
  return { baseUrl: url.origin + basePath, oauth2TokenUrl: `${url.origin}/auth/oauth2/token` };
}

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[(.*)\]$/, "$1").toLowerCase();
  if (host === "localhost") return true;
  if (net.isIPv4(host)) return host.split(".")[0] === "127";
  return host === "::1";
}

function isEndpointName(value: string): value is OvhEndpointName {
  return Object.prototype.hasOwnProperty.call(OVH_ENDPOINTS, value);
}

function endpointNames(): string {
  return Object.keys(OVH_ENDPOINTS).join(", ");
}

function redactUserinfo(value: string): string {
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, "$1***@");
}
