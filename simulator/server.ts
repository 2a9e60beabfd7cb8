import { randomUUID } from "crypto";
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "http";
import { createServer as createHttpsServer } from "https";
import type { AddressInfo } from "net";
import type { AdminHttp } from "./admin-http";
import { API_ROUTES, type RouteSpec } from "./api-schema";
import { OAuth2Error, type RequestIdentity } from "./auth";
import type { FaultAction } from "./faults";
import { API_HANDLERS, type ApiCall } from "./handlers";
import { listPage, listRoutes, paginationAsked, readListModeRequest } from "./list-mode";
import { invalidUrl, OvhHttpError } from "./ovh-errors";
import type { RequestLogEntry } from "./request-log";
import { Router } from "./router";
import type { SimulatorRuntime } from "./runtime";
import { validateRequest } from "./validation";

export const API_BASE_PATH = "/1.0";
export const OAUTH2_TOKEN_PATH = "/auth/oauth2/token";
export const ADMIN_BASE_PATH = "/_simulator";
const MAX_BODY_BYTES = 1024 * 1024;

interface Answer {
  status: number;
  body: string;
  contentType: string;
  headers?: Record<string, string>;
}

/** One request as the dispatcher needs it. */
interface ApiRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  /** Path below `/1.0` for API calls. */
  apiPath: string;
  isApi: boolean;
  /** Path and query exactly as received. */
  rawUrl: string;
  search: string;
  headers: IncomingMessage["headers"];
  rawBody: string;
}

interface Outcome {
  answer: Answer;
  route?: string;
  identity?: RequestIdentity;
  /** For a request in list mode answered 200: what it got. */
  listAnswered?: "objects" | "ids";
}

function json(status: number, value: unknown, headers?: Record<string, string>): Answer {
  return { status, body: JSON.stringify(value ?? null), contentType: "application/json; charset=utf-8", headers };
}

function faultAnswer(action: Exclude<FaultAction, { kind: "reset" }>): Answer {
  const retryAfter = action.retryAfterSeconds === undefined ? undefined : { "Retry-After": String(action.retryAfterSeconds) };
  if (action.kind === "rateLimit") {
    return json(429, { class: "Client::TooManyRequests", message: "Too many requests: slow down" }, retryAfter);
  }
  const { status } = action;
  if (status === 502 || status === 504) {
    // OVH's gateway answers these itself, in HTML.
    const title = status === 502 ? "502 Bad Gateway" : "504 Gateway Time-out";
    return { status, body: `<html><head><title>${title}</title></head><body><center><h1>${title}</h1></center></body></html>\n`, contentType: "text/html", headers: retryAfter };
  }
  const errorClass =
    status === 429 ? "Client::TooManyRequests" : status === 503 ? "Server::ServiceUnavailable" : status >= 500 ? "Server::InternalServerError" : "Client::BadRequest";
  const message =
    action.message ?? (status === 429 ? "Too many requests: slow down" : status === 503 ? "The service is temporarily unavailable" : status >= 500 ? "Internal server error" : "Bad request");
  return json(status, { class: errorClass, message }, retryAfter);
}

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on("end", () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** The HTTP(S) front of the simulator: `/1.0` (OVH API), `/auth/oauth2/token`, and `/_simulator` (admin). */
export class SimulatorServer {
  private readonly runtime: SimulatorRuntime;
  private readonly adminHttp: AdminHttp;
  private readonly router = new Router();
  private readonly server: Server;
  private readonly scheme: "http" | "https";
  private readonly onInternalError: (error: unknown) => void;
  private readonly onRequestLogged?: (entry: RequestLogEntry) => void;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly listRoutes = listRoutes(API_ROUTES);
  private closed = false;
  private querySeq = 0;

  constructor(init: {
    runtime: SimulatorRuntime;
    adminHttp: AdminHttp;
    tls?: { key: string; cert: string };
    onInternalError: (error: unknown) => void;
    onRequestLogged?: (entry: RequestLogEntry) => void;
  }) {
    this.runtime = init.runtime;
    this.adminHttp = init.adminHttp;
    this.onInternalError = init.onInternalError;
    this.onRequestLogged = init.onRequestLogged;
    this.scheme = init.tls ? "https" : "http";
    const listener = (req: IncomingMessage, res: ServerResponse) => {
      this.handle(req, res).catch((error) => {
        this.onInternalError(error);
        if (!res.headersSent && !res.destroyed) this.send(res, json(500, { class: "Server::InternalServerError", message: "Internal server error" }));
      });
    };
    this.server = init.tls ? createHttpsServer({ key: init.tls.key, cert: init.tls.cert }, listener) : createHttpServer(listener);
    // Longer than typical client keep-alive pools, so a pooled socket is not closed under a request.
    this.server.keepAliveTimeout = 65_000;
    this.server.headersTimeout = 66_000;
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, host, () => {
        this.server.off("error", reject);
        resolve((this.server.address() as AddressInfo).port);
      });
    });
  }

  close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private newQueryId(): string {
    this.querySeq = (this.querySeq + 1) % 5;
    return `EU.ext-${this.querySeq + 1}.${Math.floor(Date.now() / 1000).toString(16)}.${process.pid}.${randomUUID()}`;
  }

  private delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }

  private send(res: ServerResponse, answer: Answer): void {
    if (res.destroyed || res.writableEnded) return;
    res.writeHead(answer.status, {
      "Content-Type": answer.contentType,
      "Content-Length": Buffer.byteLength(answer.body),
      "Cache-Control": "no-cache",
      ...answer.headers,
    });
    res.end(answer.body);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const queryId = this.newQueryId();
    res.setHeader("X-Ovh-Queryid", queryId);
    const method = (req.method ?? "GET").toUpperCase();
    const rawUrl = req.url ?? "/";
    const queryStart = rawUrl.indexOf("?");
    const path = queryStart < 0 ? rawUrl : rawUrl.slice(0, queryStart);
    const search = queryStart < 0 ? "" : rawUrl.slice(queryStart + 1);

    if (path === ADMIN_BASE_PATH || path.startsWith(`${ADMIN_BASE_PATH}/`)) {
      const body = await readBody(req);
      if (body === undefined) return this.send(res, json(413, { error: "Body too large" }));
      const { status, body: result } = this.adminHttp.handle(method, path, body);
      return this.send(res, json(status, result));
    }

    const pending = this.runtime.log.begin();
    const isApi = path.startsWith(`${API_BASE_PATH}/`);
    const apiPath = isApi ? path.slice(API_BASE_PATH.length) : path;
    const pagination = paginationAsked(req.headers);
    const logEntry = (status: number, outcome: Partial<Outcome>, fault?: RequestLogEntry["fault"]) => {
      const entry = this.runtime.log.end(pending, {
        method,
        path,
        apiPath,
        query: isApi ? search : "",
        route: outcome.route,
        status,
        identity: outcome.identity,
        queryId,
        fault,
        ...(pagination ? { pagination: outcome.listAnswered ? { ...pagination, answered: outcome.listAnswered } : pagination } : {}),
      });
      this.onRequestLogged?.(entry);
    };

    let rawBody: string | undefined;
    try {
      rawBody = await readBody(req);
    } catch {
      logEntry(0, {});
      return;
    }
    if (rawBody === undefined) {
      this.send(res, json(413, { class: "Client::RequestEntityTooLarge", message: `The request body is larger than ${MAX_BODY_BYTES} bytes` }));
      logEntry(413, {});
      return;
    }

    const decision = this.runtime.faults.decide(method, apiPath, Date.now());
    let fault: RequestLogEntry["fault"] = decision.delayMs > 0 ? "latency" : undefined;
    if (decision.delayMs > 0) await this.delay(decision.delayMs);
    if (this.closed) return;

    const action = decision.action;
    if (action?.kind === "reset" && !action.afterHandling) {
      req.socket.destroy();
      logEntry(0, {}, "reset");
      return;
    }
    let outcome: Outcome;
    if (action && action.kind !== "reset") {
      outcome = { answer: faultAnswer(action) };
      fault = action.kind;
    } else {
      outcome = this.dispatch({ method, path, apiPath, isApi, rawUrl, search, headers: req.headers, rawBody });
    }
    if (action?.kind === "reset") {
      req.socket.destroy();
      logEntry(0, outcome, "reset");
      return;
    }
    this.send(res, outcome.answer);
    logEntry(outcome.answer.status, outcome, fault);
  }

  private dispatch(request: ApiRequest): Outcome {
    const { method, apiPath, rawBody } = request;
    try {
      if (request.path === OAUTH2_TOKEN_PATH) return this.token(request);
      if (!request.isApi) throw invalidUrl();
      const match = this.router.match(method, apiPath);
      if (match.kind === "notFound") throw invalidUrl();
      if (match.kind === "wrongMethod") {
        throw new OvhHttpError(
          405,
          { class: "Client::MethodNotAllowed", message: `Method ${method} is not available on ${match.path}: use ${match.allowed.join(" or ")}` },
          { Allow: match.allowed.join(", ") },
        );
      }
      const route = match.route;
      const runtime = this.runtime;
      return runtime.transact(() => {
        let identity: RequestIdentity | undefined;
        try {
          identity = runtime.auth.authenticate({
            method,
            rawUrl: request.rawUrl,
            apiPath,
            scheme: this.scheme,
            headers: request.headers,
            rawBody,
            noAuthentication: route.noAuthentication,
          });
          const { params, body } = validateRequest(route, match.pathParams, new URLSearchParams(request.search), rawBody);
          const listed = this.listRoutes.get(route.path);
          const listing = listed && method === "GET" ? readListModeRequest(request.headers, runtime.account.settings.listMode) : undefined;
          const handler = API_HANDLERS[`${route.method} ${route.path}`];
          const call: ApiCall = { account: runtime.account, auth: runtime.auth, params, body, identity, serverNow: runtime.serverNow() };
          const result = handler(call);
          if (listed && listing) {
            const { page, headers } = listPage(this.listedObjects(result as (string | number)[], listed.item, listed.idParam, call), listing);
            return { answer: json(200, page, headers), route: route.path, identity, listAnswered: "objects" };
          }
          const listAnswered = listed && request.headers["x-pagination-mode"] !== undefined ? "ids" : undefined;
          return { answer: json(200, result), route: route.path, identity, listAnswered };
        } catch (error) {
          if (error instanceof OvhHttpError) return { answer: json(error.status, error.body, error.headers), route: route.path, identity };
          throw error;
        }
      });
    } catch (error) {
      if (error instanceof OvhHttpError) return { answer: json(error.status, error.body, error.headers) };
      this.onInternalError(error);
      return { answer: json(500, { class: "Server::InternalServerError", message: "Internal server error" }) };
    }
  }

  /** The objects a list route's ids stand for, read through the item route; one gone meanwhile is left out. */
  private listedObjects(ids: (string | number)[], item: RouteSpec, idParam: string, call: ApiCall): Record<string, unknown>[] {
    const read = API_HANDLERS[`GET ${item.path}`];
    const objects: Record<string, unknown>[] = [];
    for (const id of ids) {
      try {
        objects.push(read({ ...call, params: { ...call.params, [idParam]: id } }) as Record<string, unknown>);
      } catch (error) {
        if (!(error instanceof OvhHttpError)) throw error;
      }
    }
    return objects;
  }

  private token(request: ApiRequest): Outcome {
    const { method, headers, rawBody } = request;
    if (method !== "POST") {
      return { answer: json(405, { error: "invalid_request", error_description: "Use POST to request a token" }, { Allow: "POST" }) };
    }
    const contentType = String(headers["content-type"] ?? "");
    let form: URLSearchParams;
    if (contentType.includes("application/json")) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(rawBody || "{}");
      } catch {
        parsed = undefined;
      }
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
        return { answer: json(400, { error: "invalid_request", error_description: "The body must be a JSON object or a form (application/x-www-form-urlencoded)" }) };
      }
      form = new URLSearchParams(Object.entries(parsed as Record<string, unknown>).map(([k, v]): [string, string] => [k, String(v)]));
    } else {
      form = new URLSearchParams(rawBody);
    }
    try {
      const { token, clientId } = this.runtime.transact(() => this.runtime.auth.issueToken(form, headers.authorization));
      return { answer: json(200, token, { "Cache-Control": "no-store", Pragma: "no-cache" }), identity: { method: "oauth2", clientId } };
    } catch (error) {
      if (!(error instanceof OAuth2Error)) throw error;
      const headers: Record<string, string> = error.status === 401 && error.basicAuthUsed ? { "WWW-Authenticate": 'Basic realm="ovh"' } : {};
      return { answer: json(error.status, { error: error.error, error_description: error.message }, headers) };
    }
  }
}
