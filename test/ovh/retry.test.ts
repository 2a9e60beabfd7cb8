import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { createOvhClient, OvhApiError, OvhNetworkError, type OvhClientOptions, type OvhRequestEvent, type OvhRetryEvent } from "../../provider/ovh";
import { decideRetry, parseRetryAfter, type RetrySettings } from "../../provider/ovh/retry";
import { recordingSleep, sendJson, startTestServer, type Handler, type TestServer } from "./test-server";

/** Answers with the scripted failures in order, then 200. */
function scripted(failures: Array<(res: http.ServerResponse, req: { socketDestroy: () => void }) => void>): Handler {
  let index = 0;
  return (req, res) => {
    const failure = failures[index++];
    if (failure) {
      failure(res, { socketDestroy: () => res.socket?.destroy() });
      return;
    }
    sendJson(res, 200, { attempt: index, method: req.method });
  };
}

const error500 = (res: http.ServerResponse) => sendJson(res, 500, { message: "Internal server error" });
const error503 = (res: http.ServerResponse) => sendJson(res, 503, { message: "Service unavailable" });
const tooMany = (retryAfter?: string) => (res: http.ServerResponse) =>
  sendJson(res, 429, { message: "Too many requests" }, retryAfter === undefined ? {} : { "Retry-After": retryAfter });
const reset = (_res: http.ServerResponse, req: { socketDestroy: () => void }) => req.socketDestroy();

describe("retries", () => {
  let server: TestServer;
  afterEach(async () => {
    jest.restoreAllMocks();
    await server?.close();
  });

  async function setup(handler: Handler, extra: Partial<OvhClientOptions> = {}) {
    server = await startTestServer(handler);
    const recorder = recordingSleep();
    const events: OvhRequestEvent[] = [];
    const client = createOvhClient({
      endpoint: server.baseUrl,
      accessToken: "token",
      env: {},
      sleep: recorder.sleep,
      onRequest: (event) => events.push(event),
      ...extra,
    });
    return { client, delays: recorder.delays, events };
  }

  it("retries a GET on 5xx, 429 and a connection reset, with growing capped backoff", async () => {
    // Full jitter waits a random share of each retry's ceiling: with the share fixed, the delays follow the ceilings.
    jest.spyOn(Math, "random").mockReturnValue(0.5);
    const { client, delays, events } = await setup(scripted([error500, tooMany(), reset, error503]), { retryBaseDelayMs: 500, retryMaxDelayMs: 1500 });
    await expect(client.request({ method: "GET", path: "/saas/csp2" })).resolves.toEqual({ attempt: 5, method: "GET" });
    expect(server.requests).toHaveLength(5);
    // Ceilings 500, 1000, 2000 and 4000 ms, the last two capped at 1500.
    expect(delays).toEqual([250, 500, 750, 750]);
    expect(events.map((e) => [e.attempt, e.status ?? e.networkErrorCode])).toEqual([
      [1, 500],
      [2, 429],
      [3, "ECONNRESET"],
      [4, 503],
      [5, 200],
    ]);
  });

  it("gives up after maxRetries with the last error", async () => {
    const { client, delays } = await setup(scripted(Array.from({ length: 10 }, () => error503)), { maxRetries: 2 });
    const error = await client.request({ method: "GET", path: "/saas/csp2" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OvhApiError);
    expect((error as OvhApiError).status).toBe(503);
    expect(server.requests).toHaveLength(3);
    expect(delays).toHaveLength(2);
  });

  it.each(["POST", "PUT", "DELETE"] as const)("never resends a %s after a 5xx: the change may have been applied", async (method) => {
    const { client, delays } = await setup(scripted([error500]));
    const error = await client.request({ method, path: "/saas/csp2/t/subscription/1", body: method === "DELETE" ? undefined : { quantity: 2 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OvhApiError);
    expect((error as OvhApiError).status).toBe(500);
    expect(server.requests).toHaveLength(1);
    expect(delays).toHaveLength(0);
  });

  it("never resends a POST after a reset, and says the outcome is unknown", async () => {
    const { client } = await setup(scripted([reset]));
    const error = await client.request({ method: "POST", path: "/saas/csp2/t/subscription", body: { licenseId: 1, quantity: 1 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OvhNetworkError);
    expect((error as OvhNetworkError).code).toBe("ECONNRESET");
    expect((error as Error).message).toContain("may or may not have been applied");
    expect(server.requests).toHaveLength(1);
  });

  it("never resends a POST after a timeout, but retries a GET", async () => {
    const { client } = await setup(() => undefined, { requestTimeoutMs: 150, maxRetries: 1 });
    const postError = await client.request({ method: "POST", path: "/order/cart", body: { ovhSubsidiary: "FR" } }).catch((e: unknown) => e);
    expect(postError).toBeInstanceOf(OvhNetworkError);
    expect((postError as OvhNetworkError).code).toBe("ETIMEDOUT");
    expect(server.requests.filter((r) => r.method === "POST")).toHaveLength(1);
    const getError = await client.request({ method: "GET", path: "/me" }).catch((e: unknown) => e);
    expect((getError as OvhNetworkError).code).toBe("ETIMEDOUT");
    expect(server.requests.filter((r) => r.method === "GET")).toHaveLength(2);
  });

  it("tells onRetry of each failed attempt it sends again, before the wait, and counts the attempts in the final error", async () => {
    const retries: OvhRetryEvent[] = [];
    const { client, delays } = await setup(() => undefined, {
      requestTimeoutMs: 100,
      maxRetries: 2,
      onRetry: (event) => {
        retries.push(event);
        throw new Error("a faulty hook changes nothing");
      },
    });
    const error = (await client.request({ method: "GET", path: "/me" }).catch((e: unknown) => e)) as OvhNetworkError;
    expect(error).toBeInstanceOf(OvhNetworkError);
    expect(retries.map(({ attempt, nextAttempt, maxAttempts, networkErrorCode }) => ({ attempt, nextAttempt, maxAttempts, networkErrorCode }))).toEqual([
      { attempt: 1, nextAttempt: 2, maxAttempts: 3, networkErrorCode: "ETIMEDOUT" },
      { attempt: 2, nextAttempt: 3, maxAttempts: 3, networkErrorCode: "ETIMEDOUT" },
    ]);
    // Each timed-out attempt tells how long it waited: the timeout, and no more than a little over it.
    for (const { durationMs } of retries) expect(durationMs).toBeGreaterThanOrEqual(99);
    expect(retries.map((event) => event.delayMs)).toEqual(delays);
    expect(retries[0]).toMatchObject({ method: "GET", path: "/me" });
    expect(error.attempts).toBe(3);
    expect(error.elapsedMs).toBeGreaterThanOrEqual(300);
    expect(error.requestTimeoutMs).toBe(100);
  });

  it("tells onRetry of an HTTP status it retries, and not of a request that succeeds at once", async () => {
    const retries: OvhRetryEvent[] = [];
    const { client } = await setup(scripted([error503]), { onRetry: (event) => retries.push(event) });
    await client.request({ method: "GET", path: "/me" });
    await client.request({ method: "GET", path: "/me" });
    expect(retries.map(({ status, nextAttempt, maxAttempts }) => ({ status, nextAttempt, maxAttempts }))).toEqual([{ status: 503, nextAttempt: 2, maxAttempts: 5 }]);
  });

  it("resends a POST after 429: OVH did not process it", async () => {
    const { client, delays } = await setup(scripted([tooMany(), tooMany()]));
    await expect(client.request({ method: "POST", path: "/saas/csp2/t/subscription", body: { licenseId: 1, quantity: 1 } })).resolves.toEqual({ attempt: 3, method: "POST" });
    expect(server.requests.map((r) => r.body)).toEqual(Array(3).fill('{"licenseId":1,"quantity":1}'));
    expect(delays).toHaveLength(2);
  });

  it("honours Retry-After in seconds and as an HTTP date", async () => {
    const fixedNow = Date.parse("2025-03-01T12:00:00Z");
    const { client, delays } = await setup(scripted([tooMany("3"), tooMany("Sat, 01 Mar 2025 12:00:07 GMT")]), { now: () => fixedNow });
    await client.request({ method: "POST", path: "/order/cart", body: {} });
    expect(delays[0]).toBeGreaterThanOrEqual(3000);
    expect(delays[0]).toBeLessThan(3000 + 1000);
    expect(delays[1]).toBeGreaterThanOrEqual(7000);
    expect(delays[1]).toBeLessThan(7000 + 1000);
  });

  it("fails at once, with the delay in the error, when Retry-After is longer than the cap", async () => {
    const { client, delays } = await setup(scripted([tooMany("120")]), { retryMaxDelayMs: 10_000 });
    const error = await client.request({ method: "GET", path: "/me" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OvhApiError);
    expect((error as OvhApiError).retryAfterSeconds).toBe(120);
    expect((error as OvhApiError).message).toContain("OVH_MAX_REQUESTS_PER_SECOND");
    expect(delays).toHaveLength(0);
  });

  it("does not retry a 4xx", async () => {
    const { client } = await setup(scripted([(res) => sendJson(res, 404, { class: "Client::NotFound", message: "The requested object does not exist" })]));
    await expect(client.request({ method: "GET", path: "/saas/csp2/nope" })).rejects.toMatchObject({ status: 404, errorClass: "Client::NotFound" });
    expect(server.requests).toHaveLength(1);
  });

  it("resends a POST whose connection was refused before anything was sent", async () => {
    // Take a free port, close it, and start listening on it only during the first backoff.
    const placeholder = http.createServer();
    await new Promise<void>((resolve) => placeholder.listen(0, "127.0.0.1", resolve));
    const port = (placeholder.address() as AddressInfo).port;
    await new Promise<void>((resolve) => placeholder.close(() => resolve()));
    const received: string[] = [];
    const late = http.createServer((req, res) => {
      received.push(`${req.method} ${req.url}`);
      sendJson(res, 200, { ok: true });
    });
    const delays: number[] = [];
    const client = createOvhClient({
      endpoint: `http://127.0.0.1:${port}/1.0`,
      accessToken: "token",
      env: {},
      sleep: async (ms) => {
        delays.push(ms);
        if (!late.listening) await new Promise<void>((resolve) => late.listen(port, "127.0.0.1", resolve));
      },
    });
    try {
      await expect(client.request({ method: "POST", path: "/order/cart", body: { ovhSubsidiary: "FR" } })).resolves.toEqual({ ok: true });
      expect(delays).toHaveLength(1);
      expect(received).toEqual(["POST /1.0/order/cart"]);
    } finally {
      late.closeAllConnections();
      await new Promise<void>((resolve) => late.close(() => resolve()));
    }
  });
});

describe("retry policy", () => {
  const settings: RetrySettings = { maxRetries: 4, baseDelayMs: 500, maxDelayMs: 30_000 };

  it("uses full jitter: a random share of an exponential ceiling, capped", () => {
    expect(decideRetry("replayable", { status: 502 }, 1, settings, () => 0.5)).toEqual({ retry: true, delayMs: 250 });
    expect(decideRetry("replayable", { status: 502 }, 3, settings, () => 0.5)).toEqual({ retry: true, delayMs: 1000 });
    expect(decideRetry("replayable", { status: 502 }, 4, { ...settings, maxDelayMs: 2000 }, () => 0.99)).toEqual({ retry: true, delayMs: 1980 });
    expect(decideRetry("replayable", { status: 502 }, 5, settings)).toEqual({ retry: false });
  });

  it("retries mutating requests only when nothing was processed", () => {
    expect(decideRetry("mutating", { status: 429 }, 1, settings).retry).toBe(true);
    expect(decideRetry("mutating", { networkCode: "ECONNREFUSED" }, 1, settings).retry).toBe(true);
    for (const failure of [{ status: 500 }, { status: 503 }, { networkCode: "ECONNRESET" }, { networkCode: "ETIMEDOUT" }, { networkCode: "EPIPE" }]) {
      expect(decideRetry("mutating", failure, 1, settings).retry).toBe(false);
    }
  });

  it("never retries certificate errors or unknown hosts", () => {
    for (const networkCode of ["SELF_SIGNED_CERT_IN_CHAIN", "ERR_TLS_CERT_ALTNAME_INVALID", "ENOTFOUND"]) {
      expect(decideRetry("replayable", { networkCode }, 1, settings).retry).toBe(false);
    }
  });

  it("parses Retry-After", () => {
    const now = Date.parse("2025-03-01T12:00:00Z");
    expect(parseRetryAfter("5", now)).toBe(5000);
    expect(parseRetryAfter("Sat, 01 Mar 2025 12:00:10 GMT", now)).toBe(10_000);
    expect(parseRetryAfter("Sat, 01 Mar 2025 11:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});
