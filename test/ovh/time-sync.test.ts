import { createOvhClient, OvhApiError } from "../../provider/ovh";
import { apiRequests, expectedSignature, sendJson, startTestServer, type SeenRequest, type TestServer } from "./test-server";

const AS = "time-app-secret";
const CK = "time-consumer-key";

/**
 * A server that checks timestamps like OVH: a request more than `toleranceSeconds` away from its own clock
 * gets 400 QUERY_TIME_OUT. Its clock runs `skew` seconds ahead of the local one, and the skew can change
 * (a clock jump) between requests.
 */
async function skewedServer(initialSkew: number) {
  const clock = { skew: initialSkew, toleranceSeconds: 30 };
  const server = await startTestServer((req: SeenRequest, res) => {
    const serverNow = Math.floor(Date.now() / 1000) + clock.skew;
    if (req.url === "/1.0/auth/time") {
      res.end(String(serverNow));
      return;
    }
    const timestamp = Number(req.headers["x-ovh-timestamp"]);
    if (Math.abs(timestamp - serverNow) > clock.toleranceSeconds) {
      sendJson(res, 400, { errorCode: "QUERY_TIME_OUT", httpCode: "400 Bad Request", message: "Query out of time" }, { "X-Ovh-Queryid": "EU.q-time" });
      return;
    }
    if (req.headers["x-ovh-signature"] !== expectedSignature(AS, CK, req, server.origin)) {
      sendJson(res, 400, { errorCode: "INVALID_SIGNATURE", httpCode: "400 Bad Request", message: "Invalid signature" });
      return;
    }
    sendJson(res, 200, { timestamp });
  });
  return { server, clock };
}

function clientFor(server: TestServer) {
  return createOvhClient({ endpoint: server.baseUrl, applicationKey: "ak", applicationSecret: AS, consumerKey: CK, env: {} });
}

function timeReads(server: TestServer): number {
  return server.requests.filter((r) => r.url === "/1.0/auth/time").length;
}

describe("time synchronisation", () => {
  let server: TestServer;
  afterEach(() => server.close());

  it("signs with OVH's clock, not the local one, reading /auth/time once for all requests", async () => {
    const skewed = await skewedServer(3600);
    server = skewed.server;
    const client = clientFor(server);
    const answers = await Promise.all(Array.from({ length: 6 }, () => client.request<{ timestamp: number }>({ method: "GET", path: "/me" })));
    const localNow = Math.floor(Date.now() / 1000);
    for (const answer of answers) expect(Math.abs(answer.timestamp - (localNow + 3600))).toBeLessThanOrEqual(2);
    expect(timeReads(server)).toBe(1);
    expect(server.requests[0].headers["x-ovh-signature"]).toBeUndefined();
  });

  it("re-synchronises once and resends once when OVH answers QUERY_TIME_OUT, for a POST too", async () => {
    const skewed = await skewedServer(0);
    server = skewed.server;
    const client = clientFor(server);
    await client.request({ method: "GET", path: "/me" });
    skewed.clock.skew = -900;
    await expect(client.request({ method: "POST", path: "/saas/csp2/tenant-1/subscription", body: { licenseId: 1, quantity: 3 } })).resolves.toBeDefined();
    expect(timeReads(server)).toBe(2);
    const posts = apiRequests(server).filter((r) => r.method === "POST");
    expect(posts).toHaveLength(2);
    expect(Number(posts[1].headers["x-ovh-timestamp"]) - Number(posts[0].headers["x-ovh-timestamp"])).toBeLessThanOrEqual(-890);
  });

  it("shares one re-synchronisation between concurrent requests refused at the same time", async () => {
    const skewed = await skewedServer(0);
    server = skewed.server;
    const client = clientFor(server);
    await client.request({ method: "GET", path: "/me" });
    skewed.clock.skew = 600;
    await Promise.all(Array.from({ length: 5 }, () => client.request({ method: "GET", path: "/me" })));
    expect(timeReads(server)).toBe(2);
  });

  it("gives up with the QUERY_TIME_OUT error and its hint when the second attempt is refused too", async () => {
    let timeCalls = 0;
    server = await startTestServer((req, res) => {
      if (req.url === "/1.0/auth/time") {
        timeCalls += 1;
        res.end(String(Math.floor(Date.now() / 1000)));
        return;
      }
      sendJson(res, 400, { errorCode: "QUERY_TIME_OUT", httpCode: "400 Bad Request", message: "Query out of time" }, { "X-Ovh-Queryid": "EU.q-2" });
    });
    const error = await clientFor(server).request({ method: "DELETE", path: "/saas/csp2/tenant-1/subscription/7" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OvhApiError);
    expect((error as OvhApiError).errorCode).toBe("QUERY_TIME_OUT");
    expect((error as OvhApiError).message).toContain("NTP");
    expect((error as OvhApiError).queryId).toBe("EU.q-2");
    expect(apiRequests(server)).toHaveLength(2);
    expect(timeCalls).toBe(2);
  });

  it("fails clearly when /auth/time does not answer a Unix time", async () => {
    server = await startTestServer((_req, res) => sendJson(res, 200, { hello: "world" }));
    const error = await clientFor(server).request({ method: "GET", path: "/me" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OvhApiError);
    expect((error as OvhApiError).path).toBe("/auth/time");
    expect((error as OvhApiError).message).toContain("not a Unix time");
    expect(apiRequests(server)).toHaveLength(0);
  });
});
