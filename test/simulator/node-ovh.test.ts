import { execFile } from "child_process";
import { join } from "path";
import { simulatorEnvironment, startSimulator, type RunningSimulator } from "../../simulator";

/**
 * The official client @ovhcloud/node-ovh against the simulator, in a child process so NODE_EXTRA_CA_CERTS
 * (read only at start) makes it trust the simulator's CA. It always speaks HTTPS and signs
 * `https://<host><path>` without the port.
 */
const CHILD_SCRIPT = `
const ovh = require("@ovhcloud/node-ovh");
const config = JSON.parse(process.env.NODE_OVH_TEST);
const client = ovh(config.params);
(async () => {
  const results = [];
  for (const call of config.calls) {
    try {
      results.push({ ok: true, value: await client.requestPromised(call.method, call.path, call.params || {}) });
    } catch (e) {
      results.push({ ok: false, status: e.error, message: e.message });
    }
  }
  process.stdout.write(JSON.stringify(results));
})();
`;

interface CallResult {
  ok: boolean;
  value?: unknown;
  status?: unknown;
  message?: string;
}

function runNodeOvh(sim: RunningSimulator, params: Record<string, unknown>, calls: { method: string; path: string; params?: Record<string, unknown> }[]): Promise<CallResult[]> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ["-e", CHILD_SCRIPT],
      {
        cwd: join(__dirname, "../.."),
        env: { ...process.env, NODE_EXTRA_CA_CERTS: simulatorEnvironment(sim).NODE_EXTRA_CA_CERTS, NODE_OVH_TEST: JSON.stringify({ params: { host: "127.0.0.1", port: sim.port, ...params }, calls }) },
        timeout: 30_000,
      },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`node-ovh child failed: ${error.message}\n${stderr}`));
        resolve(JSON.parse(stdout) as CallResult[]);
      },
    );
  });
}

let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSimulator({ tls: true, taskDurationMs: 100 });
});
afterAll(() => sim.close());

describe("@ovhcloud/node-ovh against the simulator over HTTPS", () => {
  it("gets the environment a child process needs from simulatorEnvironment", () => {
    const c = sim.credentials;
    expect(simulatorEnvironment(sim)).toEqual({
      OVH_ENDPOINT: sim.endpoint,
      OVH_APPLICATION_KEY: c.applicationKey,
      OVH_APPLICATION_SECRET: c.applicationSecret,
      OVH_CONSUMER_KEY: c.consumerKey,
      NODE_EXTRA_CA_CERTS: sim.caFile,
    });
    expect(simulatorEnvironment(sim, "oauth2")).toEqual({ OVH_ENDPOINT: sim.endpoint, OVH_CLIENT_ID: c.clientId, OVH_CLIENT_SECRET: c.clientSecret, NODE_EXTRA_CA_CERTS: sim.caFile });
    expect(simulatorEnvironment(sim, "accessToken")).toEqual({ OVH_ENDPOINT: sim.endpoint, OVH_ACCESS_TOKEN: c.accessToken, NODE_EXTRA_CA_CERTS: sim.caFile });
  });

  it("is accepted with good application credentials: GET, GET with query, POST with a body", async () => {
    const [recentGroup] = sim.admin.licenceGroups().filter((name) => sim.admin.subscriptions(name).some((s) => Date.now() - Date.parse(s.lastSeatIncrease) < 100 * 3_600_000));
    const recent = sim.admin.subscriptions(recentGroup)[0];
    const c = sim.credentials;
    const results = await runNodeOvh(sim, { appKey: c.applicationKey, appSecret: c.applicationSecret, consumerKey: c.consumerKey }, [
      { method: "GET", path: "/saas/csp2" },
      { method: "GET", path: `/saas/csp2/${recentGroup}/usageStatistics`, params: { timePeriod: "lastWeek" } },
      { method: "POST", path: `/saas/csp2/${recentGroup}/subscription/${recent.id}/changeQuantity`, params: { quantity: recent.quantity - 1 } },
    ]);
    expect(results[0]).toEqual({ ok: true, value: sim.admin.licenceGroups() });
    expect(results[1].ok).toBe(true);
    expect(Array.isArray(results[1].value)).toBe(true);
    expect(results[2]).toMatchObject({ ok: true, value: { function: "changeQuantity", status: "todo" } });
    expect(sim.admin.subscription(recentGroup, recent.id)?.taskPendingId).toBe((results[2].value as { id: number }).id);
  });

  it("is rejected with a wrong secret or an unknown consumer key", async () => {
    const c = sim.credentials;
    const [wrongSecret] = await runNodeOvh(sim, { appKey: c.applicationKey, appSecret: "wrong-secret", consumerKey: c.consumerKey }, [{ method: "GET", path: "/saas/csp2" }]);
    expect(wrongSecret).toEqual({ ok: false, status: 400, message: "Invalid signature" });
    const [unknownConsumer] = await runNodeOvh(sim, { appKey: c.applicationKey, appSecret: c.applicationSecret, consumerKey: "unknown-consumer-key" }, [
      { method: "GET", path: "/saas/csp2" },
    ]);
    expect(unknownConsumer).toEqual({ ok: false, status: 403, message: "This credential does not exist" });
  });

  it("gets an OAuth2 token from the simulator's token endpoint and uses it; a wrong client secret is refused", async () => {
    const c = sim.credentials;
    const tokenURL = `${sim.origin}/auth/`;
    const [good] = await runNodeOvh(sim, { clientID: c.clientId, clientSecret: c.clientSecret, tokenURL }, [{ method: "GET", path: "/saas/csp2" }]);
    expect(good).toEqual({ ok: true, value: sim.admin.licenceGroups() });
    const [bad] = await runNodeOvh(sim, { clientID: c.clientId, clientSecret: "wrong", tokenURL }, [{ method: "GET", path: "/saas/csp2" }]);
    // node-ovh reports a token failure as an object rather than a status code.
    expect(bad).toMatchObject({ ok: false, status: { statusCode: 401, message: { error: "invalid_client" } } });
  });
});
