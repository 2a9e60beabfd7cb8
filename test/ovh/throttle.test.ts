import { createOvhClient, getSharedOvhClient, type OvhClientOptions } from "../../provider/ovh";
import { RATE_WINDOW_MS } from "../../provider/ovh/throttle";
import { recordingSleep, sendJson, startTestServer, type TestServer } from "./test-server";

/** Largest number of arrivals within any window of `windowMs` (half-open), from server-side timestamps. */
function maxInAnyWindow(arrivals: number[], windowMs: number): number {
  const sorted = [...arrivals].sort((a, b) => a - b);
  let best = 0;
  let first = 0;
  for (let last = 0; last < sorted.length; last++) {
    while (sorted[last] - sorted[first] >= windowMs) first += 1;
    best = Math.max(best, last - first + 1);
  }
  return best;
}

describe("request throttle, measured by the server", () => {
  let server: TestServer;
  afterEach(() => server.close());

  async function slowServer(failEvery?: number): Promise<TestServer> {
    let count = 0;
    return startTestServer(async (_req, res) => {
      count += 1;
      await new Promise((resolve) => setTimeout(resolve, 40));
      if (failEvery && count % failEvery === 0) sendJson(res, 503, { message: "busy" });
      else sendJson(res, 200, { ok: true });
    });
  }

  function options(extra: Partial<OvhClientOptions> = {}): OvhClientOptions {
    return { endpoint: server.baseUrl, accessToken: "throttle-token", env: {}, maxConcurrentRequests: 3, maxRequestsPerSecond: 5, ...extra };
  }

  it("never has more than C requests in flight nor N started in any second, retries included", async () => {
    server = await slowServer(4);
    const client = createOvhClient(options({ sleep: recordingSleep().sleep }));
    await Promise.all(Array.from({ length: 10 }, (_, i) => client.get(`/saas/csp2/t-${i}`)));
    const arrivals = server.requests.map((r) => r.arrivedAt);
    expect(arrivals.length).toBeGreaterThan(10);
    expect(server.maxInFlight()).toBeLessThanOrEqual(3);
    expect(maxInAnyWindow(arrivals, RATE_WINDOW_MS)).toBeLessThanOrEqual(5);
    // The limits were reached, not merely respected by a light load.
    expect(server.maxInFlight()).toBe(3);
    expect(maxInAnyWindow(arrivals, RATE_WINDOW_MS)).toBe(5);
  });

  it("takes its limits from the environment", async () => {
    server = await slowServer();
    const client = createOvhClient({ env: { OVH_ENDPOINT: server.baseUrl, OVH_ACCESS_TOKEN: "t", OVH_MAX_CONCURRENT_REQUESTS: "2", OVH_MAX_REQUESTS_PER_SECOND: "50" } });
    await Promise.all(Array.from({ length: 8 }, () => client.get("/me")));
    expect(server.maxInFlight()).toBe(2);
  });

  it("applies one throttle to all shared clients of the same credentials", async () => {
    server = await slowServer();
    const clients = Array.from({ length: 4 }, () => getSharedOvhClient(options({ accessToken: "shared-throttle-token" })));
    await Promise.all(clients.flatMap((client) => Array.from({ length: 3 }, () => client.get("/me"))));
    const arrivals = server.requests.map((r) => r.arrivedAt);
    expect(arrivals).toHaveLength(12);
    expect(server.maxInFlight()).toBe(3);
    expect(maxInAnyWindow(arrivals, RATE_WINDOW_MS)).toBeLessThanOrEqual(5);
  });

  it("applies the most recent limits given for a shared identity", async () => {
    server = await slowServer();
    await getSharedOvhClient(options({ accessToken: "relimited", maxConcurrentRequests: 4, maxRequestsPerSecond: 100 })).get("/me");
    const stricter = getSharedOvhClient(options({ accessToken: "relimited", maxConcurrentRequests: 1, maxRequestsPerSecond: 100 }));
    await Promise.all(Array.from({ length: 4 }, () => stricter.get("/me")));
    expect(server.maxInFlight()).toBe(1);
  });

  it("gives clients of different credentials their own throttle", async () => {
    server = await slowServer();
    const a = getSharedOvhClient(options({ accessToken: "identity-a", maxRequestsPerSecond: 100 }));
    const b = getSharedOvhClient(options({ accessToken: "identity-b", maxRequestsPerSecond: 100 }));
    await Promise.all([...Array.from({ length: 3 }, () => a.get("/me")), ...Array.from({ length: 3 }, () => b.get("/me"))]);
    expect(server.maxInFlight()).toBe(6);
  });
});
