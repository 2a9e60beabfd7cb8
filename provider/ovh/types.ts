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
}

export interface OvhRequester {
  request<T>(req: OvhRequest): Promise<T>;
}
