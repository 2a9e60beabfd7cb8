import fc from "fast-check";
import { createOvhClient, getSharedOvhClient, type OvhClientOptions } from "../../provider/ovh";
import { RATE_WINDOW_MS, RequestThrottle } from "../../provider/ovh/throttle";
import { maxInAnyWindow, recordRequestSends } from "../support/request-sends";
import { recordingSleep, sendJson, startTestServer, type TestServer } from "./test-server";

/**
 * Requests in flight are counted by the server: a request ends there before its answer reaches the client, so the
 * count cannot run ahead of the client's. Rates are counted where the client sends: the server shares this process's
 * event loop, and when the loop is held up (a loaded machine, a collection) it stamps the requests that arrived
 * meanwhile late, bunching them into a window they were not sent in.
 */
describe("request throttle, measured by the server and at the client's sends", () => {
  let server: TestServer;
  let recording: { sends: number[]; stop(): void } | undefined;
  afterEach(async () => {
    recording?.stop();
    recording = undefined;
    await server.close();
  });

  /** Records the sends to the server from now on. */
  function recordSends(): number[] {
    recording = recordRequestSends(new URL(server.origin).host);
    return recording.sends;
  }

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
    const sends = recordSends();
    const client = createOvhClient(options({ sleep: recordingSleep().sleep }));
    await Promise.all(Array.from({ length: 10 }, (_, i) => client.request({ method: "GET", path: `/saas/csp2/t-${i}` })));
    expect(sends.length).toBeGreaterThan(10);
    expect(sends).toHaveLength(server.requests.length);
    expect(server.maxInFlight()).toBeLessThanOrEqual(3);
    expect(maxInAnyWindow(sends, RATE_WINDOW_MS)).toBeLessThanOrEqual(5);
    // The limits were reached, not merely respected by a light load.
    expect(server.maxInFlight()).toBe(3);
    expect(maxInAnyWindow(sends, RATE_WINDOW_MS)).toBe(5);
  });

  it("takes its limits from the environment", async () => {
    server = await slowServer();
    const client = createOvhClient({ env: { OVH_ENDPOINT: server.baseUrl, OVH_ACCESS_TOKEN: "t", OVH_MAX_CONCURRENT_REQUESTS: "2", OVH_MAX_REQUESTS_PER_SECOND: "50" } });
    await Promise.all(Array.from({ length: 8 }, () => client.request({ method: "GET", path: "/me" })));
    expect(server.maxInFlight()).toBe(2);
  });

  it("applies one throttle to all shared clients of the same credentials", async () => {
    server = await slowServer();
    const sends = recordSends();
    const clients = Array.from({ length: 4 }, () => getSharedOvhClient(options({ accessToken: "shared-throttle-token" })));
    await Promise.all(clients.flatMap((client) => Array.from({ length: 3 }, () => client.request({ method: "GET", path: "/me" }))));
    expect(sends).toHaveLength(12);
    expect(server.maxInFlight()).toBe(3);
    expect(maxInAnyWindow(sends, RATE_WINDOW_MS)).toBe(5);
  });

  it("applies the most recent limits given for a shared identity", async () => {
    server = await slowServer();
    await getSharedOvhClient(options({ accessToken: "relimited", maxConcurrentRequests: 4, maxRequestsPerSecond: 100 })).request({ method: "GET", path: "/me" });
    const stricter = getSharedOvhClient(options({ accessToken: "relimited", maxConcurrentRequests: 1, maxRequestsPerSecond: 100 }));
    await Promise.all(Array.from({ length: 4 }, () => stricter.request({ method: "GET", path: "/me" })));
    expect(server.maxInFlight()).toBe(1);
  });

  it("gives clients of different credentials their own throttle", async () => {
    server = await slowServer();
    const a = getSharedOvhClient(options({ accessToken: "identity-a", maxRequestsPerSecond: 100 }));
    const b = getSharedOvhClient(options({ accessToken: "identity-b", maxRequestsPerSecond: 100 }));
    await Promise.all([...Array.from({ length: 3 }, () => a.request({ method: "GET", path: "/me" })), ...Array.from({ length: 3 }, () => b.request({ method: "GET", path: "/me" }))]);
    expect(server.maxInFlight()).toBe(6);
  });
});

describe("request throttle on a fake clock", () => {
  afterEach(() => jest.useRealTimers());

  /**
   * Runs requests arriving and lasting as scheduled through one throttle, on jest's fake clock: each start is stamped
   * by the very clock the throttle reads, so nothing but the throttle can bunch them.
   */
  async function runSchedule(limits: { maxConcurrent: number; maxPerSecond: number }, requests: { arrivesAfterMs: number; lastsMs: number }[]) {
    jest.useFakeTimers({ now: 0 });
    const throttle = new RequestThrottle(limits, () => Date.now());
    const starts: number[] = [];
    let running = 0;
    let mostRunning = 0;
    const done = requests.map(
      ({ arrivesAfterMs, lastsMs }, index) =>
        new Promise<void>((resolve) => {
          setTimeout(() => {
            void throttle
              .run(async () => {
                starts[index] = Date.now();
                running += 1;
                mostRunning = Math.max(mostRunning, running);
                await new Promise((end) => setTimeout(end, lastsMs));
                running -= 1;
              })
              .then(resolve);
          }, arrivesAfterMs);
        }),
    );
    await jest.runAllTimersAsync();
    await Promise.all(done);
    return { starts, mostRunning };
  }

  it("never starts more than N requests in any second nor runs more than C at once, and starts every one", async () => {
    const schedule = fc.array(fc.record({ arrivesAfterMs: fc.integer({ min: 0, max: 3000 }), lastsMs: fc.integer({ min: 0, max: 400 }) }), { minLength: 1, maxLength: 40 });
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 6 }), schedule, async (maxConcurrent, maxPerSecond, requests) => {
        const { starts, mostRunning } = await runSchedule({ maxConcurrent, maxPerSecond }, requests);
        expect(starts.filter((start) => start !== undefined)).toHaveLength(requests.length);
        expect(mostRunning).toBeLessThanOrEqual(maxConcurrent);
        expect(maxInAnyWindow(starts, RATE_WINDOW_MS)).toBeLessThanOrEqual(maxPerSecond);
        jest.useRealTimers();
      }),
      { numRuns: 150 },
    );
  });

  it("reaches its limits under a burst", async () => {
    const { starts, mostRunning } = await runSchedule({ maxConcurrent: 3, maxPerSecond: 5 }, Array.from({ length: 12 }, () => ({ arrivesAfterMs: 0, lastsMs: 40 })));
    expect(mostRunning).toBe(3);
    expect(maxInAnyWindow(starts, RATE_WINDOW_MS)).toBe(5);
    // Five starts per second plus the margin the throttle keeps for arrivals, in three waves.
    expect([...starts].sort((a, b) => a - b)).toEqual([0, 0, 0, 40, 40, 1050, 1050, 1050, 1090, 1090, 2100, 2100]);
  });
});
