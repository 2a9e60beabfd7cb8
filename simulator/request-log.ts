import type { RequestIdentity } from "./auth";
import type { PaginationAsked } from "./list-mode";

export interface RequestLogEntry {
  /** Order in which requests started, from 1. */
  seq: number;
  method: string;
  /** Path as received, without the query string (e.g. `/1.0/saas/csp2/x/subscription`). */
  path: string;
  /** Path below `/1.0` for API calls; the full path otherwise (e.g. `/auth/oauth2/token`). */
  apiPath: string;
  /** Query string of an API call, without `?` ("" when none). */
  query: string;
  /** Schema path of the matched route, e.g. `/saas/csp2/{serviceName}/subscription/{id}`. */
  route?: string;
  /** HTTP status sent; 0 when the connection was reset without an answer. */
  status: number;
  identity?: RequestIdentity;
  queryId: string;
  /** Epoch milliseconds. */
  startedAt: number;
  endedAt: number;
  /** Injected fault that shaped this request, if any. */
  fault?: "latency" | "httpError" | "reset" | "rateLimit";
  /**
   * List-mode headers the request sent (`X-Pagination-*`, `Pragma: no-cache`), when it sent `X-Pagination-Mode`;
   * on a list route answered 200, `answered` says whether it got the objects or plain ids.
   */
  pagination?: PaginationAsked & { answered?: "objects" | "ids" };
}

export interface RequestLogFigures {
  requests: number;
  mutating: number;
  /** Most requests in flight at the same moment. */
  maxConcurrent: number;
  /** Most requests started within any sliding 1-second window. */
  maxStartedPerSecond: number;
  byStatus: Record<string, number>;
}

export interface PendingRequest {
  seq: number;
  startedAt: number;
}

const MUTATING = new Set(["POST", "PUT", "DELETE", "PATCH"]);

/** What reached the simulator's API, for tests to assert on. It holds no header, body or secret. */
export class RequestLog {
  private log: RequestLogEntry[] = [];
  private nextSeq = 1;
  private inFlight = 0;
  private maxInFlight = 0;
  private recentStarts: number[] = [];
  private recentHead = 0;
  private maxPerSecond = 0;
  private readonly maxEntries: number;
  private readonly clock: () => number;

  constructor(clock: () => number = Date.now, maxEntries = 200_000) {
    this.clock = clock;
    this.maxEntries = maxEntries;
  }

  begin(): PendingRequest {
    const startedAt = this.clock();
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    this.recentStarts.push(startedAt);
    while (this.recentStarts[this.recentHead] <= startedAt - 1000) this.recentHead += 1;
    this.maxPerSecond = Math.max(this.maxPerSecond, this.recentStarts.length - this.recentHead);
    if (this.recentHead > 4096) {
      this.recentStarts = this.recentStarts.slice(this.recentHead);
      this.recentHead = 0;
    }
    return { seq: this.nextSeq++, startedAt };
  }

  end(pending: PendingRequest, entry: Omit<RequestLogEntry, "seq" | "startedAt" | "endedAt">): RequestLogEntry {
    this.inFlight = Math.max(0, this.inFlight - 1);
    const full: RequestLogEntry = { seq: pending.seq, startedAt: pending.startedAt, endedAt: this.clock(), ...entry };
    this.log.push(full);
    if (this.log.length > this.maxEntries) this.log.splice(0, this.log.length - this.maxEntries);
    return full;
  }

  /** Completed requests, oldest first (a copy). */
  entries(filter?: { method?: string; apiPath?: string | RegExp }): RequestLogEntry[] {
    return this.log.filter(
      (e) =>
        (filter?.method === undefined || e.method === filter.method) &&
        (filter?.apiPath === undefined || (typeof filter.apiPath === "string" ? e.apiPath === filter.apiPath : filter.apiPath.test(e.apiPath))),
    );
  }

  /** POST, PUT and DELETE calls to the OVH API (`/1.0`), whatever their answer. The OAuth2 token endpoint is not one. */
  mutatingRequests(): RequestLogEntry[] {
    return this.log.filter((e) => MUTATING.has(e.method) && e.path.startsWith("/1.0/"));
  }

  /** Requests currently being handled. */
  get currentlyInFlight(): number {
    return this.inFlight;
  }

  maxConcurrent(): number {
    return this.maxInFlight;
  }

  /** Most requests started within any sliding window of `windowMs`, over the entries kept. */
  maxStartedInWindow(windowMs = 1000): number {
    if (windowMs === 1000) return this.maxPerSecond;
    const starts = this.log.map((e) => e.startedAt).sort((a, b) => a - b);
    let best = 0;
    let head = 0;
    for (let i = 0; i < starts.length; i++) {
      while (starts[head] <= starts[i] - windowMs) head += 1;
      best = Math.max(best, i - head + 1);
    }
    return best;
  }

  figures(): RequestLogFigures {
    const byStatus: Record<string, number> = {};
    for (const e of this.log) byStatus[e.status] = (byStatus[e.status] ?? 0) + 1;
    return {
      requests: this.log.length,
      mutating: this.mutatingRequests().length,
      maxConcurrent: this.maxInFlight,
      maxStartedPerSecond: this.maxPerSecond,
      byStatus,
    };
  }

  /** Forgets entries and figures (requests in flight still count as in flight). */
  clear(): void {
    this.log = [];
    this.maxInFlight = this.inFlight;
    this.recentStarts = [];
    this.recentHead = 0;
    this.maxPerSecond = 0;
  }
}
