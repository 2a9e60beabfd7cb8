import * as fs from "node:fs";
import * as path from "node:path";
import { createOvhClient, OvhApiError, type OvhRequestEvent } from "../../provider/ovh";
import { packageVersion } from "../../provider/version";
import { sendJson, startTestServer, type Handler, type TestServer } from "./test-server";

describe("error answers", () => {
  let server: TestServer;
  afterEach(() => server.close());

  async function failWith(handler: Handler, method: "GET" | "POST" = "GET"): Promise<OvhApiError> {
    server = await startTestServer(handler);
    const client = createOvhClient({ endpoint: server.baseUrl, accessToken: "token", env: {}, maxRetries: 0 });
    const error = await client.request({ method, path: "/saas/csp2/tenant-1", body: method === "POST" ? {} : undefined }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OvhApiError);
    return error as OvhApiError;
  }

  it("reads the errorCode shape, with the query id", async () => {
    const error = await failWith((_req, res) =>
      sendJson(res, 400, { errorCode: "INVALID_SIGNATURE", httpCode: "400 Bad Request", message: "Invalid signature" }, { "X-Ovh-Queryid": "EU.ext-3.5f0c.1" }),
    );
    expect(error).toMatchObject({ status: 400, errorCode: "INVALID_SIGNATURE", ovhMessage: "Invalid signature", queryId: "EU.ext-3.5f0c.1", method: "GET", path: "/saas/csp2/tenant-1" });
    expect(error.errorClass).toBeUndefined();
    expect(error.message).toContain("EU.ext-3.5f0c.1");
    expect(error.message).toContain("OVH_APPLICATION_SECRET");
  });

  it("reads the class shape with its details", async () => {
    const error = await failWith(
      (_req, res) =>
        sendJson(res, 403, { class: "Client::Forbidden::NotGrantedCall", message: "This call has not been granted", details: { method: "POST", path: "/saas/csp2" } }, { "X-Ovh-Queryid": "EU.q-4" }),
      "POST",
    );
    expect(error).toMatchObject({ status: 403, errorClass: "Client::Forbidden::NotGrantedCall", ovhMessage: "This call has not been granted", queryId: "EU.q-4", method: "POST" });
    expect(error.details).toEqual({ method: "POST", path: "/saas/csp2" });
    expect(error.message).toContain("grant it");
  });

  it("summarises a non-JSON body, such as a proxy's HTML page", async () => {
    const error = await failWith((_req, res) => {
      res.writeHead(404, { "Content-Type": "text/html" });
      res.end("<html><body><h1>404 Not Found</h1>\n<p>nginx</p></body></html>");
    });
    expect(error.status).toBe(404);
    expect(error.ovhMessage).toBe("404 Not Found nginx");
    expect(error.queryId).toBeUndefined();
  });

  it("handles an empty error body", async () => {
    const error = await failWith((_req, res) => {
      res.writeHead(460);
      res.end();
    });
    expect(error.status).toBe(460);
    expect(error.ovhMessage).toBe("HTTP 460");
    expect(error.message).toContain("suspended");
  });

  it("does not follow redirects (signed headers would go elsewhere)", async () => {
    const error = await failWith((_req, res) => {
      res.writeHead(302, { Location: "http://127.0.0.1:9/elsewhere" });
      res.end();
    });
    expect(error.status).toBe(302);
    expect(server.requests).toHaveLength(1);
  });

  it("refuses a success answer that is not JSON", async () => {
    const error = await failWith((_req, res) => {
      res.writeHead(200, { "Content-Type": "text/plain", "X-Ovh-Queryid": "EU.q-5" });
      res.end("hello");
    });
    expect(error.status).toBe(200);
    expect(error.queryId).toBe("EU.q-5");
    expect(error.message).toContain("not JSON");
  });
});

describe("successful answers and the request hook", () => {
  let server: TestServer;
  afterEach(() => server.close());

  it("returns parsed JSON, undefined for an empty body, and reports each exchange without headers or bodies", async () => {
    server = await startTestServer((req, res) => {
      if (req.method === "DELETE") {
        res.writeHead(200, { "X-Ovh-Queryid": "EU.q-del" });
        res.end();
        return;
      }
      sendJson(res, 200, [1, 2, 3], { "X-Ovh-Queryid": "EU.q-get" });
    });
    const events: OvhRequestEvent[] = [];
    const client = createOvhClient({ endpoint: server.baseUrl, accessToken: "token-in-hook-test", env: {}, onRequest: (event) => events.push(event) });
    await expect(client.request({ method: "GET", path: "/saas/csp2", query: { x: 1 } })).resolves.toEqual([1, 2, 3]);
    await expect(client.request({ method: "DELETE", path: "/saas/csp2/t/subscription/1" })).resolves.toBeUndefined();
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({ method: "GET", path: "/saas/csp2", status: 200, attempt: 1, queryId: "EU.q-get" });
    expect(events[1]).toMatchObject({ method: "DELETE", path: "/saas/csp2/t/subscription/1", status: 200, attempt: 1, queryId: "EU.q-del" });
    expect(typeof events[0].durationMs).toBe("number");
    const allowedKeys = ["attempt", "durationMs", "method", "networkErrorCode", "path", "queryId", "status"];
    for (const event of events) for (const key of Object.keys(event)) expect(allowedKeys).toContain(key);
    expect(JSON.stringify(events)).not.toContain("token-in-hook-test");
  });

  it("ignores a hook that throws", async () => {
    server = await startTestServer((_req, res) => sendJson(res, 200, { ok: true }));
    const client = createOvhClient({
      endpoint: server.baseUrl,
      accessToken: "token",
      env: {},
      onRequest: () => {
        throw new Error("broken hook");
      },
    });
    await expect(client.request({ method: "GET", path: "/me" })).resolves.toEqual({ ok: true });
  });

  it("identifies itself as pulumi-ovh-office365/<package version>", async () => {
    server = await startTestServer((_req, res) => sendJson(res, 200, {}));
    await createOvhClient({ endpoint: server.baseUrl, accessToken: "token", env: {} }).request({ method: "GET", path: "/me" });
    const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, "../../package.json"), "utf8")) as { version: string };
    expect(packageVersion).toBe(manifest.version);
    expect(server.requests[0].headers["user-agent"]).toBe(`pulumi-ovh-office365/${manifest.version}`);
  });
});
