/** The small request surface every layer above the HTTP client codes against (and tests can fake). */
export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE";

export type QueryValue = string | number | boolean | undefined;

export interface OvhRequest {
  method: HttpMethod;
  /** Path below the endpoint's `/1.0`, starting with `/`, path parameters already encoded. */
  path: string;
  query?: Record<string, QueryValue>;
  body?: unknown;
  /** Skip authentication (e.g. `GET /auth/time`, cart calls that need none). */
  noAuth?: boolean;
  /**
   * Extra request headers, outside the signature as OVH defines it: only `X-Pagination-*` (list mode) and
   * `Pragma` are accepted, so nothing can replace an authentication header.
   */
  headers?: Readonly<Record<string, string>>;
}

/** A successful answer with what came around the body. */
export interface OvhResponse<T> {
  status: number;
  /** Answer headers, names in lower case. */
  headers: Readonly<Record<string, string>>;
  body: T;
}

export interface OvhRequester {
  request<T>(req: OvhRequest): Promise<T>;
  /**
   * The same request, answering the status and headers too. Optional: a requester without it (e.g. a test fake)
   * still works everywhere; OVH's list mode, which needs the answer's headers, then falls back to one GET per id.
   */
  requestWithResponse?<T>(req: OvhRequest): Promise<OvhResponse<T>>;
  /**
   * Names the API endpoint this requester talks to (its base URL), so what is learnt about that endpoint (whether
   * it honours list mode) is shared by every requester of it in the process. Without it, it is kept per requester.
   */
  readonly endpointKey?: string;
}
