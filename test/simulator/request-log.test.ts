import { RequestLog, startSimulator, type RunningSimulator } from "../../simulator";
import { ovhCall, ovhOk, rawRequest } from "./support/ovh-http";

describe("request log figures (controlled clock)", () => {
  it("counts the most requests in flight at once and started within any second", () => {
    let now = 10_000;
    const log = new RequestLog(() => now);
    const entry = { method: "GET", path: "/1.0/auth/time", apiPath: "/auth/time", query: "", status: 200, queryId: "q" };
    const a = log.begin();
    const b = log.begin();
    now += 100;
    const c = log.begin();
    log.end(a, entry);
    log.end(b, entry);
    now += 200;
    const d = log.begin();
    log.end(c, entry);
    log.end(d, entry);
    now += 2_000;
    log.end(log.begin(), entry);
    expect(log.maxConcurrent()).toBe(3);
    expect(log.maxStartedInWindow()).toBe(4);
    expect(log.maxStartedInWindow(150)).toBe(3);
    expect(log.maxStartedInWindow(10_000)).toBe(5);
    expect(log.figures()).toMatchObject({ requests: 5, mutating: 0, maxConcurrent: 3, maxStartedPerSecond: 4, byStatus: { "200": 5 } });
    log.clear();
    expect(log.figures()).toMatchObject({ requests: 0, maxConcurrent: 0, maxStartedPerSecond: 0 });
  });
});

describe("the request log of a running simulator", () => {
  let sim: RunningSimulator;
  let serviceName: string;

  beforeAll(async () => {
    sim = await startSimulator({ taskDurationMs: 100 });
    serviceName = sim.admin.licenceGroups()[0];
  });
  afterAll(() => sim.close());
  beforeEach(() => {
    sim.admin.reset();
    sim.requestLog.clear();
  });

  it("records method, paths, route, status, identity, query id and times of each call", async () => {
    const answer = await ovhCall(sim, { path: `/saas/csp2/${serviceName}/usageStatistics?timePeriod=lastWeek` });
    const [entry] = sim.requestLog.entries();
    expect(entry).toEqual({
      seq: expect.any(Number),
      method: "GET",
      path: `/1.0/saas/csp2/${serviceName}/usageStatistics`,
      apiPath: `/saas/csp2/${serviceName}/usageStatistics`,
      query: "timePeriod=lastWeek",
      route: "/saas/csp2/{serviceName}/usageStatistics",
      status: 200,
      identity: { method: "signature", applicationId: expect.any(Number), credentialId: expect.any(Number) },
      queryId: answer.headers["x-ovh-queryid"],
      startedAt: expect.any(Number),
      endedAt: expect.any(Number),
      fault: undefined,
    });
    expect(entry.endedAt).toBeGreaterThanOrEqual(entry.startedAt);
  });

  it("lists mutating calls to the API, refused ones included, but not token requests or reads", async () => {
    const target = sim.admin.subscriptions(serviceName)[0];
    await ovhCall(sim, { path: `/saas/csp2/${serviceName}/subscription` });
    await ovhCall(sim, { method: "POST", path: `/saas/csp2/${serviceName}/subscription/${target.id}/changeQuantity`, body: { quantity: 0 } });
    await ovhCall(sim, { method: "PUT", path: `/saas/csp2/${serviceName}`, body: { city: "Nantes" } });
    const c = sim.credentials;
    await rawRequest(sim.tokenUrl, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: `grant_type=client_credentials&client_id=${c.clientId}&client_secret=${c.clientSecret}`,
    });
    expect(sim.requestLog.mutatingRequests().map((e) => [e.method, e.status])).toEqual([
      ["POST", 400],
      ["PUT", 200],
    ]);
    expect(sim.requestLog.entries({ apiPath: /^\/auth\/oauth2/ })).toHaveLength(1);
  });

  it("measures concurrency: overlapping slow requests are counted together", async () => {
    sim.admin.addFault({ kind: "latency", delayMs: 300, path: "/auth/time" });
    await Promise.all(Array.from({ length: 5 }, () => ovhCall(sim, { path: "/auth/time", anonymous: true })));
    expect(sim.requestLog.maxConcurrent()).toBe(5);
    expect(sim.requestLog.figures().maxStartedPerSecond).toBe(5);
    expect(sim.requestLog.currentlyInFlight).toBe(0);
  });

  it("never holds a secret, whatever the request carried", async () => {
    const c = sim.credentials;
    await ovhCall(sim, { path: "/saas/csp2" });
    await ovhCall(sim, { path: "/saas/csp2", credentials: { applicationSecret: "wrong" } });
    await rawRequest(sim.tokenUrl, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: `grant_type=client_credentials&client_id=${c.clientId}&client_secret=${c.clientSecret}`,
    });
    await rawRequest(`${sim.endpoint}/saas/csp2?x=1`, { headers: { Authorization: `Bearer ${c.accessToken}` } });
    const [serviceId] = await ovhOk<number[]>(sim, { path: `/services?resourceName=${serviceName}` });
    await ovhOk(sim, { method: "POST", path: `/services/${serviceId}/terminate` });
    const token = sim.admin.terminationToken(serviceName) as string;
    await ovhOk(sim, { method: "POST", path: `/services/${serviceId}/terminate/confirm`, body: { token } });
    const everything = JSON.stringify({ entries: sim.requestLog.entries(), figures: sim.requestLog.figures() });
    for (const secret of [c.applicationKey, c.applicationSecret, c.consumerKey, c.clientSecret, c.accessToken, token]) expect(everything).not.toContain(secret);
  });
});
