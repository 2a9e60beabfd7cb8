import type { SimulatorAdmin } from "./admin";
import { SimulatorAdminError } from "./admin-error";
import { OvhHttpError } from "./ovh-errors";
import type { RequestLog } from "./request-log";

type Body = Record<string, unknown>;

interface AdminRoute {
  method: string;
  pattern: RegExp;
  run: (match: string[], body: Body) => unknown;
}

function numberParam(text: string, name: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new SimulatorAdminError(`${name} must be an integer, got ${text}`);
  return value;
}

/** The admin API over HTTP, under `/_simulator` (documented in simulator/README.md). */
export class AdminHttp {
  private readonly routes: AdminRoute[];

  constructor(admin: SimulatorAdmin, log: RequestLog) {
    const group = "/_simulator/groups/([^/]+)";
    const r = (method: string, path: string, run: AdminRoute["run"]): AdminRoute => ({ method, pattern: new RegExp(`^${path}$`), run });
    this.routes = [
      r("GET", "/_simulator/state", () => admin.state()),
      r("POST", "/_simulator/reset", () => admin.reset()),
      r("GET", "/_simulator/settings", () => admin.settings()),
      r("PUT", "/_simulator/settings", (_, b) => admin.setSettings(b)),
      r("GET", "/_simulator/groups", () => admin.licenceGroups()),
      r("POST", "/_simulator/groups", (_, b) => ({ serviceName: admin.addLicenceGroup(b) })),
      r("PUT", `${group}/tenant`, ([sn], b) => admin.setTenant(sn, b)),
      r("GET", `${group}/subscriptions`, ([sn]) => admin.subscriptions(sn)),
      r("POST", `${group}/subscriptions`, ([sn], b) => admin.addSubscription(sn, b as Parameters<SimulatorAdmin["addSubscription"]>[1])),
      r("PUT", `${group}/subscriptions/(\\d+)/seats`, ([sn, id], b) => admin.setSeats(sn, numberParam(id, "subscription id"), b.seats as number)),
      r("POST", `${group}/subscriptions/(\\d+)/age`, ([sn, id], b) => admin.ageSubscription(sn, numberParam(id, "subscription id"), b.hours as number)),
      r("DELETE", `${group}/subscriptions/(\\d+)`, ([sn, id]) => admin.deleteSubscription(sn, numberParam(id, "subscription id"))),
      r("GET", `${group}/tasks`, ([sn]) => admin.tasks(sn)),
      r("POST", `${group}/tasks`, ([sn], b) => admin.startTask(sn, b as unknown as Parameters<SimulatorAdmin["startTask"]>[1])),
      r("POST", `${group}/tasks/(\\d+)/finish`, ([sn, id], b) => admin.finishTask(sn, numberParam(id, "task id"), (b.status as "done" | undefined) ?? "done")),
      r("GET", `${group}/termination-token`, ([sn]) => ({ token: admin.terminationToken(sn) })),
      r("POST", "/_simulator/tasks/settle", () => ({ ended: admin.settleTasks() })),
      r("PUT", "/_simulator/licences/(\\d+)", ([id], b) => admin.setLicence(numberParam(id, "licence id"), b)),
      r("GET", "/_simulator/faults", () => admin.faults()),
      r("POST", "/_simulator/faults", (_, b) => ({ id: admin.addFault(b as unknown as Parameters<SimulatorAdmin["addFault"]>[0]) })),
      r("DELETE", "/_simulator/faults", () => admin.clearFaults()),
      r("DELETE", "/_simulator/faults/([^/]+)", ([id]) => ({ removed: admin.removeFault(id) })),
      r("GET", "/_simulator/task-faults", () => admin.taskFaults()),
      r("POST", "/_simulator/task-faults", (_, b) => ({ id: admin.addTaskFault(b as unknown as Parameters<SimulatorAdmin["addTaskFault"]>[0]) })),
      r("DELETE", "/_simulator/task-faults", () => admin.clearTaskFaults()),
      r("DELETE", "/_simulator/task-faults/([^/]+)", ([id]) => ({ removed: admin.removeTaskFault(id) })),
      r("GET", "/_simulator/clock", () => ({ skewSeconds: admin.clockSkewSeconds() })),
      r("PUT", "/_simulator/clock", (_, b) => admin.setClockSkew(b.skewSeconds as number)),
      r("POST", "/_simulator/tokens/expire", () => admin.expireAccessTokens()),
      r("POST", "/_simulator/consumer-keys", (_, b) => admin.addConsumerKey(b)),
      r("GET", "/_simulator/requests", () => ({ entries: log.entries(), figures: log.figures() })),
      r("DELETE", "/_simulator/requests", () => log.clear()),
    ];
  }

  /** Answers one admin request: `{status, body}` with a JSON body (`{"error": …}` on failure). */
  handle(method: string, path: string, rawBody: string): { status: number; body: unknown } {
    const sameMethod = (route: AdminRoute) => route.method === method;
    let body: Body = {};
    try {
      if (rawBody.trim() !== "") body = JSON.parse(rawBody) as Body;
      if (typeof body !== "object" || body === null || Array.isArray(body)) throw new SimulatorAdminError("The body must be a JSON object");
    } catch (error) {
      return { status: 400, body: { error: error instanceof SimulatorAdminError ? error.message : `The body is not valid JSON: ${(error as Error).message}` } };
    }
    let decodedPath: string;
    try {
      decodedPath = path.split("/").map(decodeURIComponent).join("/");
    } catch {
      return { status: 404, body: { error: `Unknown admin path ${path}` } };
    }
    const matches = this.routes.filter((route) => route.pattern.test(decodedPath));
    if (matches.length === 0) return { status: 404, body: { error: `Unknown admin path ${path}: see simulator/README.md` } };
    const route = matches.find(sameMethod);
    if (!route) return { status: 405, body: { error: `Use ${matches.map((m) => m.method).join(" or ")} on ${path}` } };
    try {
      const result = route.run((route.pattern.exec(decodedPath) as RegExpExecArray).slice(1), body);
      return { status: 200, body: result ?? null };
    } catch (error) {
      if (error instanceof SimulatorAdminError) return { status: error.status, body: { error: error.message } };
      if (error instanceof OvhHttpError) return { status: error.status, body: { error: error.message } };
      throw error;
    }
  }
}
