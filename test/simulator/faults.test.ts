import { startSimulator, type RunningSimulator } from "../../simulator";
import { ovhCall, ovhOk, rawRequest } from "./support/ovh-http";

let sim: RunningSimulator;
let serviceName: string;

beforeAll(async () => {
  sim = await startSimulator({ taskDurationMs: 100 });
});
afterAll(() => sim.close());
beforeEach(() => {
  sim.admin.reset();
  sim.requestLog.clear();
  serviceName = sim.admin.licenceGroups()[0];
});

describe("fault injection", () => {
  it("answers 5xx in OVH's JSON shape, and gateway errors in HTML, for a limited count", async () => {
    sim.admin.addFault({ kind: "httpError", status: 503, count: 1 });
    sim.admin.addFault({ kind: "httpError", status: 502, count: 1 });
    const first = await ovhCall(sim, { path: "/saas/csp2" });
    expect(first.status).toBe(503);
    expect(first.body).toEqual({ class: "Server::ServiceUnavailable", message: expect.any(String) });
    expect(first.headers["x-ovh-queryid"]).toBeDefined();
    const second = await ovhCall(sim, { path: "/saas/csp2" });
    expect(second.status).toBe(502);
    expect(second.headers["content-type"]).toContain("text/html");
    expect((await ovhCall(sim, { path: "/saas/csp2" })).status).toBe(200);
    expect(sim.admin.faults()).toEqual([]);
    expect(sim.requestLog.entries().map((e) => e.fault)).toEqual(["httpError", "httpError", undefined]);
  });

  it("answers 429 with or without Retry-After", async () => {
    sim.admin.addFault({ kind: "httpError", status: 429, retryAfterSeconds: 2, count: 1 });
    sim.admin.addFault({ kind: "httpError", status: 429, count: 1 });
    const withHeader = await ovhCall(sim, { path: "/saas/csp2" });
    expect(withHeader.status).toBe(429);
    expect(withHeader.headers["retry-after"]).toBe("2");
    expect(withHeader.body).toMatchObject({ class: "Client::TooManyRequests" });
    const without = await ovhCall(sim, { path: "/saas/csp2" });
    expect(without.status).toBe(429);
    expect(without.headers["retry-after"]).toBeUndefined();
  });

  it("applies only to the methods and paths it names", async () => {
    sim.admin.addFault({ kind: "httpError", status: 500, method: "POST", path: "/saas/csp2/*/subscription/**" });
    expect((await ovhCall(sim, { path: `/saas/csp2/${serviceName}/subscription` })).status).toBe(200);
    const target = sim.admin.subscriptions(serviceName)[0];
    const post = await ovhCall(sim, { method: "POST", path: `/saas/csp2/${serviceName}/subscription/${target.id}/changeQuantity`, body: { quantity: target.quantity + 1 } });
    expect(post.status).toBe(500);
    expect(sim.admin.subscription(serviceName, target.id)?.taskPendingId).toBe(0);
  });

  it("resets the connection before handling: nothing changes", async () => {
    const target = sim.admin.subscriptions(serviceName)[0];
    sim.admin.addFault({ kind: "reset", method: "POST", count: 1 });
    await expect(
      ovhCall(sim, { method: "POST", path: `/saas/csp2/${serviceName}/subscription/${target.id}/changeQuantity`, body: { quantity: target.quantity + 1 } }),
    ).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(sim.admin.tasks(serviceName).filter((t) => t.status === "todo" || t.status === "doing")).toEqual([]);
    expect(sim.requestLog.entries().at(-1)).toMatchObject({ method: "POST", status: 0, fault: "reset" });
  });

  it("resets the connection after handling: the change happened though the client saw no answer", async () => {
    const target = sim.admin.subscriptions(serviceName)[0];
    sim.admin.addFault({ kind: "reset", afterHandling: true, method: "POST", count: 1 });
    await expect(
      ovhCall(sim, { method: "POST", path: `/saas/csp2/${serviceName}/subscription/${target.id}/changeQuantity`, body: { quantity: target.quantity + 1 } }),
    ).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(sim.admin.subscription(serviceName, target.id)?.taskPendingId).not.toBe(0);
    expect(sim.requestLog.mutatingRequests()).toHaveLength(1);
  });

  it("delays answers, and the delayed request still runs", async () => {
    sim.admin.addFault({ kind: "latency", delayMs: 150, path: "/saas/csp2" });
    const names = await ovhOk<string[]>(sim, { path: "/saas/csp2" });
    expect(names).toEqual(sim.admin.licenceGroups());
    const [entry] = sim.requestLog.entries({ apiPath: "/saas/csp2" });
    expect(entry.fault).toBe("latency");
    await ovhOk(sim, { path: `/saas/csp2/${serviceName}` });
    expect(sim.requestLog.entries({ apiPath: `/saas/csp2/${serviceName}` })[0].fault).toBeUndefined();
  });

  it("limits the rate: requests past the allowed number per second get 429", async () => {
    sim.admin.addFault({ kind: "rateLimit", requestsPerSecond: 3, retryAfterSeconds: 1 });
    const answers = await Promise.all(Array.from({ length: 6 }, () => ovhCall(sim, { path: "/auth/time", anonymous: true })));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(3);
    expect(statuses).toContain(200);
    expect(answers.find((a) => a.status === 429)?.headers["retry-after"]).toBe("1");
  });

  it("refuses malformed rules with a message naming the field", () => {
    expect(() => sim.admin.addFault({ kind: "httpError", status: 200 })).toThrow(/status must be an HTTP error status/);
    expect(() => sim.admin.addFault({ kind: "latency", delayMs: -1 })).toThrow(/delayMs/);
    expect(() => sim.admin.addFault({ kind: "explode" } as never)).toThrow(/unknown kind/);
    expect(() => sim.admin.addTaskFault({ outcome: "maybe" } as never)).toThrow(/outcome/);
  });

  it("removes one rule by id, or all", async () => {
    const id = sim.admin.addFault({ kind: "httpError", status: 500 });
    sim.admin.addFault({ kind: "latency", delayMs: 1 });
    expect(sim.admin.faults().map((f) => f.id)).toContain(id);
    expect(sim.admin.removeFault(id)).toBe(true);
    expect((await ovhCall(sim, { path: "/saas/csp2" })).status).toBe(200);
    sim.admin.clearFaults();
    expect(sim.admin.faults()).toEqual([]);
  });

  it("also applies to the OAuth2 token endpoint", async () => {
    sim.admin.addFault({ kind: "httpError", status: 503, path: "/auth/oauth2/token", count: 1 });
    const c = sim.credentials;
    const body = `grant_type=client_credentials&client_id=${c.clientId}&client_secret=${c.clientSecret}`;
    const headers = { "Content-Type": "application/x-www-form-urlencoded" };
    expect((await rawRequest(sim.tokenUrl, { method: "POST", headers, body })).status).toBe(503);
    expect((await rawRequest(sim.tokenUrl, { method: "POST", headers, body })).status).toBe(200);
  });
});
