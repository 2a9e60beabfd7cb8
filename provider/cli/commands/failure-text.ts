import { formatDuration } from "../../durations";
import { isNotTlsAnswer, isTimeoutCode, OvhTlsError, type OvhApiError, type OvhNetworkError, type OvhRetryEvent, type ResolvedEndpoint } from "../../ovh";

/**
 * The sentences the CLI prints for a failure: what happened first, then what to do, each a sentence of its own.
 * The advice speaks of what the CLI reads (OVH_* environment variables and its flags), never of Pulumi stack config.
 */

/** Ends a text with a full stop unless it already ends a sentence, so the next sentence never runs into it. */
export function asSentence(text: string): string {
  const trimmed = text.trim();
  if (trimmed === "") return trimmed;
  return /[.!?…]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

/** OVH's answer in one sentence: the request, the HTTP status, OVH's error code and OVH's own message. */
export function ovhAnswerSentence(error: Pick<OvhApiError, "method" | "path" | "status" | "errorCode" | "errorClass" | "ovhMessage">): string {
  const code = error.errorCode ?? error.errorClass;
  return asSentence(`OVH API ${error.method} ${error.path} failed: ${error.status}${code ? ` ${code}` : ""}: ${error.ovhMessage}`);
}

/** What to do about an OVH error answer, when the CLI knows; undefined otherwise. */
export function adviceFor(error: Pick<OvhApiError, "status" | "errorCode" | "errorClass">): string | undefined {
  switch (error.errorCode ?? error.errorClass) {
    case "INVALID_KEY":
      return (
        "The application key is unknown for this endpoint: check OVH_APPLICATION_KEY, and that OVH_ENDPOINT (or --endpoint) " +
        "is the region the key was created in (ovh-eu, ovh-ca or ovh-us)."
      );
    case "INVALID_SIGNATURE":
      return "Check that OVH_APPLICATION_SECRET and OVH_CONSUMER_KEY belong to OVH_APPLICATION_KEY.";
    case "INVALID_CREDENTIAL":
    case "Client::Forbidden::InvalidCredential":
      return error.status === 401
        ? "The access token is invalid or has expired: set a new OVH_ACCESS_TOKEN."
        : "The consumer key (OVH_CONSUMER_KEY) is unknown, expired or not validated: create a new one.";
    case "NOT_GRANTED_CALL":
    case "Client::Forbidden::NotGrantedCall":
      return "The credentials lack an access rule for this call: create a consumer key that grants it (the README lists the rules).";
    case "QUERY_TIME_OUT":
      return "The local clock is too far from OVH's: check the system clock (NTP).";
  }
  if (error.status === 429) return "OVH's rate limit was reached: lower OVH_MAX_REQUESTS_PER_SECOND, or retry later.";
  if (error.status === 460) return "The service is suspended or expired: renew it in the OVH control panel.";
  if (error.status >= 500) return "OVH had a server error: retry later.";
  return undefined;
}

export function queryIdSentence(queryId: string): string {
  return `OVH query id ${queryId}: quote it to OVH support.`;
}

/**
 * The URL a request that got no answer was sent to: the OAuth2 token URL for a token request, the endpoint's base URL
 * for every API call.
 */
export function attemptedUrl(endpoint: ResolvedEndpoint, request: { method: string; path: string }): string {
  if (endpoint.oauth2TokenUrl && request.method === "POST" && request.path === new URL(endpoint.oauth2TokenUrl).pathname) {
    return endpoint.oauth2TokenUrl;
  }
  return endpoint.baseUrl;
}

/**
 * Why a request got no answer, how often and for how long it was tried, then what to do. Every CLI command only
 * reads, so running it again is always safe; a refused TLS certificate keeps the client's own explanation
 * (NODE_EXTRA_CA_CERTS for a private authority). `url` is where the request went.
 */
export function unreachableSentences(error: OvhNetworkError, url?: string): string[] {
  if (error instanceof OvhTlsError || error.code === undefined) return [error.message];
  const { requestTimeoutMs } = error;
  const timedOut = isTimeoutCode(error.code) && requestTimeoutMs !== undefined;
  return [
    `${error.method} ${error.path} got no answer (${error.code}).`,
    ...(error.attempts !== undefined && error.attempts > 1 && error.elapsedMs !== undefined
      ? [`Tried ${error.attempts} times over ${formatDuration(error.elapsedMs)}${timedOut ? `, each attempt waiting ${formatDuration(requestTimeoutMs)} for an answer` : ""}.`]
      : []),
    ...(timedOut ? ["OVH_REQUEST_TIMEOUT_MS sets how long each attempt waits, in milliseconds."] : []),
    ...protocolHint(error.code, url),
    "Check the endpoint and the network, then run the command again.",
  ];
}

/** When the failure looks like the wrong scheme for the server (HTTP against HTTPS or the reverse), what to try. */
function protocolHint(code: string, url: string | undefined): string[] {
  if (url?.startsWith("https://") && isNotTlsAnswer(code)) {
    return [
      "The TLS handshake failed: the server may speak plain HTTP (e.g. a simulator started without --tls). " +
        "Try the same URL with http://, which the CLI allows for 127.0.0.1, ::1 and localhost only.",
    ];
  }
  if (url?.startsWith("http://") && code === "ECONNRESET") {
    return [
      "If the server speaks HTTPS (e.g. a simulator started with --tls), use https:// and point NODE_EXTRA_CA_CERTS at its CA file.",
    ];
  }
  return [];
}

/**
 * The progress line while a failed attempt is sent again: what failed (for an attempt that timed out, how long it
 * waited), and which attempt comes next.
 */
export function retryProgressLine(event: OvhRetryEvent, url: string): string {
  const again = `trying again (attempt ${event.nextAttempt} of ${event.maxAttempts})…`;
  if (event.status !== undefined) return `OVH answered ${event.status} to ${event.method} ${event.path}; ${again}`;
  if (isTimeoutCode(event.networkErrorCode)) return `No answer from ${url} after ${formatDuration(event.durationMs)}; ${again}`;
  return `${event.method} ${event.path} to ${url} got no answer (${event.networkErrorCode ?? "unknown error"}); ${again}`;
}

/** Where the CLI took the endpoint from, as the person would fix it. */
export type EndpointSource = "--endpoint" | "OVH_ENDPOINT" | "default";

export function endpointSource(flag: string | undefined, env: NodeJS.ProcessEnv): EndpointSource {
  if (flag !== undefined) return "--endpoint";
  return env.OVH_ENDPOINT !== undefined && env.OVH_ENDPOINT !== "" ? "OVH_ENDPOINT" : "default";
}

export function describeEndpointSource(source: EndpointSource): string {
  return source === "default" ? "the default endpoint, ovh-eu: set OVH_ENDPOINT or --endpoint for another" : `from ${source}`;
}

/**
 * How the OVH client names the endpoint setting in its errors. It serves the Pulumi provider too, so it names every
 * place the provider reads; the CLI reads one of them.
 */
const CLIENT_ENDPOINT_SETTING = "OVH_ENDPOINT (or the endpoint option, Pulumi config ovh:endpoint)";

/** A configuration error of the OVH client, reworded to name the one setting the CLI took the endpoint from. */
export function forCliEndpoint(message: string, source: EndpointSource): string {
  return message.split(CLIENT_ENDPOINT_SETTING).join(source === "--endpoint" ? "--endpoint" : "OVH_ENDPOINT");
}

/** The credential variables the CLI reads: exactly one method must be set. */
export const CREDENTIAL_VARIABLES = [
  "OVH_APPLICATION_KEY",
  "OVH_APPLICATION_SECRET",
  "OVH_CONSUMER_KEY",
  "OVH_CLIENT_ID",
  "OVH_CLIENT_SECRET",
  "OVH_ACCESS_TOKEN",
] as const;

export const MISSING_CREDENTIALS_MESSAGE =
  "No OVH credentials found: the CLI reads them from environment variables only. Set exactly one method: " +
  "OVH_APPLICATION_KEY, OVH_APPLICATION_SECRET and OVH_CONSUMER_KEY (an application key), " +
  "OVH_CLIENT_ID and OVH_CLIENT_SECRET (an OAuth2 service account), or OVH_ACCESS_TOKEN.";

export function hasCredentialVariable(env: NodeJS.ProcessEnv): boolean {
  return CREDENTIAL_VARIABLES.some((name) => env[name] !== undefined && env[name] !== "");
}
