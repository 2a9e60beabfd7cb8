import * as http from "node:http";
import * as https from "node:https";
import * as net from "node:net";
import type { AddressInfo } from "node:net";
import * as zlib from "node:zlib";
import axios, { type AxiosAdapter, type AxiosInstance, type AxiosRequestConfig } from "axios";
import { createLeanHttpAdapter } from "../../provider/ovh/http-adapter";
import { selfSignedCertificate } from "./test-server";

/**
 * The lean adapter must fail exactly as axios's own http adapter does: the retry rules read `code` (a refused
 * connection may be resent even for a POST, a reset after sending may not) and `response`. Each scenario runs
 * through both, with the client's axios settings, and their outcomes must be equal.
 */

type Listener = (req: http.IncomingMessage, res: http.ServerResponse) => void;

interface Server {
  url: string;
  close(): Promise<void>;
}

async function listen(server: net.Server, scheme: "http" | "https"): Promise<Server> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${scheme}://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        (server as http.Server).closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

const httpServer = (listener: Listener) => listen(http.createServer(listener), "http");

/** The settings OvhSession gives axios, with small limits so each failure is quick to provoke. */
function client(adapter: AxiosAdapter | "http", extra: AxiosRequestConfig = {}, ca?: string): AxiosInstance {
  return axios.create({
    adapter,
    httpAgent: new http.Agent({ keepAlive: true }),
    httpsAgent: new https.Agent({ keepAlive: true, rejectUnauthorized: true, ...(ca ? { ca } : {}) }),
    maxRedirects: 0,
    maxContentLength: 2000,
    responseType: "text",
    transformRequest: [(data: unknown) => data],
    transformResponse: [(data: unknown) => data],
    transitional: { clarifyTimeoutError: true },
    timeout: 500,
    ...extra,
  });
}

/** What callers can observe of an outcome. */
async function outcome(send: () => Promise<{ status: number; data: unknown; headers: Record<string, unknown> }>): Promise<Record<string, unknown>> {
  try {
    const response = await send();
    return { ok: true, status: response.status, data: response.data, contentEncoding: response.headers["content-encoding"], contentType: response.headers["content-type"] };
  } catch (error) {
    const e = error as { isAxiosError?: boolean; name: string; code?: string; message: string; response?: { status: number; data: unknown; headers: Record<string, unknown> }; config?: unknown; request?: unknown };
    return {
      ok: false,
      isAxiosError: e.isAxiosError === true,
      name: e.name,
      code: e.code,
      message: e.message,
      hasConfig: e.config !== undefined,
      hasRequest: e.request !== undefined,
      response: e.response && { status: e.response.status, data: e.response.data, retryAfter: e.response.headers["retry-after"] },
    };
  }
}

/**
 * Runs a request through axios's http adapter, then the lean one; both outcomes must be equal: answers the lean one.
 * The lean one must have served it itself, unless `handedOver` (then it must have handed it to axios's adapter).
 */
async function same(request: AxiosRequestConfig, extra: AxiosRequestConfig = {}, ca?: string, handedOver = false): Promise<Record<string, unknown>> {
  const stock = await outcome(() => client("http", extra, ca).request(request));
  let handed = 0;
  const stockAdapter = axios.getAdapter("http");
  const lean = createLeanHttpAdapter((config) => {
    handed += 1;
    return stockAdapter(config);
  });
  const leanOutcome = await outcome(() => client(lean, extra, ca).request(request));
  expect(leanOutcome).toEqual(stock);
  expect(handed).toBe(handedOver ? 1 : 0);
  return leanOutcome;
}

describe("the lean http adapter fails exactly as axios's own", () => {
  const servers: Server[] = [];
  const serve = async (listener: Listener) => {
    const server = await httpServer(listener);
    servers.push(server);
    return server;
  };
  const sockets = new Set<net.Socket>();
  afterEach(async () => {
    for (const socket of sockets) socket.destroy();
    sockets.clear();
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  it("ECONNREFUSED when nothing listens", async () => {
    const server = await httpServer(() => undefined);
    await server.close();
    expect(await same({ url: `${server.url}/1.0/me` })).toMatchObject({ code: "ECONNREFUSED", response: undefined });
  });

  it("ECONNRESET when the connection is reset before the request is read", async () => {
    const raw = net.createServer((socket) => socket.resetAndDestroy());
    const server = await listen(raw, "http");
    servers.push(server);
    expect(await same({ url: `${server.url}/1.0/me` })).toMatchObject({ code: "ECONNRESET", response: undefined });
  });

  it.each(["GET", "POST"])("ECONNRESET when the connection is reset after the %s was received", async (method) => {
    const server = await serve((req) => req.socket.destroy());
    expect(await same({ url: `${server.url}/1.0/saas/csp2/x/subscription`, method, data: method === "POST" ? '{"licenseId":1,"quantity":2}' : undefined })).toMatchObject({
      code: "ECONNRESET",
      message: "socket hang up",
      response: undefined,
    });
  });

  it("ERR_BAD_RESPONSE with the response when the answer is cut mid-body", async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { "Content-Type": "application/json", "Content-Length": "100" });
      res.write('{"partial":');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    expect(await same({ url: `${server.url}/1.0/me` })).toMatchObject({ code: "ERR_BAD_RESPONSE", message: "stream has been aborted", response: { status: 200 } });
  });

  it.each([
    [true, "ETIMEDOUT"],
    [false, "ECONNABORTED"],
  ])("a timeout before any answer, clarifyTimeoutError %s: %s", async (clarify, code) => {
    const server = await serve(() => undefined);
    expect(await same({ url: `${server.url}/1.0/me` }, { transitional: { clarifyTimeoutError: clarify } })).toMatchObject({
      code,
      message: "timeout of 500ms exceeded",
      response: undefined,
    });
  });

  it("ETIMEDOUT when the headers came but the body stalls", async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { "Content-Type": "application/json" });
      res.write("[1,");
    });
    expect(await same({ url: `${server.url}/1.0/me` })).toMatchObject({ code: "ETIMEDOUT", response: undefined });
  });

  it.each([
    ["with Content-Length", true],
    ["chunked", false],
  ])("ERR_BAD_RESPONSE past maxContentLength (%s), without a response", async (_, withLength) => {
    const body = JSON.stringify("x".repeat(5000));
    const server = await serve((_req, res) => {
      res.writeHead(200, { "Content-Type": "application/json", ...(withLength ? { "Content-Length": String(body.length) } : {}) });
      res.end(body);
    });
    expect(await same({ url: `${server.url}/1.0/me` })).toMatchObject({ code: "ERR_BAD_RESPONSE", message: "maxContentLength size of 2000 exceeded", response: undefined });
  });

  it("ERR_BAD_RESPONSE when a small gzip body inflates past maxContentLength", async () => {
    const body = zlib.gzipSync(JSON.stringify("y".repeat(5000)));
    expect(body.length).toBeLessThan(2000);
    const server = await serve((_req, res) => {
      res.writeHead(200, { "Content-Type": "application/json", "Content-Encoding": "gzip" });
      res.end(body);
    });
    expect(await same({ url: `${server.url}/1.0/me` })).toMatchObject({ code: "ERR_BAD_RESPONSE", message: "maxContentLength size of 2000 exceeded" });
  });

  it.each([
    [404, "ERR_BAD_REQUEST", { class: "Client::NotFound", message: "The requested object (id = 1) does not exist" }],
    [429, "ERR_BAD_REQUEST", { class: "Client::TooManyRequests", message: "slow down" }],
    [503, "ERR_BAD_RESPONSE", { class: "Server::ServiceUnavailable", message: "busy" }],
    [302, "ERR_BAD_RESPONSE", {}],
  ])("HTTP %i: %s with the response, its body and headers", async (status, code, body) => {
    const server = await serve((_req, res) => {
      res.writeHead(status, { "Content-Type": "application/json", "Retry-After": "3", ...(status === 302 ? { Location: "/elsewhere" } : {}) });
      res.end(JSON.stringify(body));
    });
    expect(await same({ url: `${server.url}/1.0/me` })).toMatchObject({ code, message: `Request failed with status code ${status}`, response: { status, data: JSON.stringify(body), retryAfter: "3" } });
  });

  describe("TLS certificates", () => {
    it("refuses a self-signed certificate that is not trusted, with its code", async () => {
      const { key, cert } = await selfSignedCertificate();
      const server = await listen(https.createServer({ key, cert }, (_req, res) => res.end("null")), "https");
      servers.push(server);
      const result = await same({ url: `${server.url}/1.0/me` });
      expect(result).toMatchObject({ response: undefined });
      expect(result.code).toMatch(/^(DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)$/);
    });

    it("refuses a trusted certificate for another name: ERR_TLS_CERT_ALTNAME_INVALID", async () => {
      const { key, cert } = await selfSignedCertificate([{ type: 2, value: "api.example" }]);
      const server = await listen(https.createServer({ key, cert }, (_req, res) => res.end("null")), "https");
      servers.push(server);
      expect(await same({ url: `${server.url}/1.0/me` }, {}, cert)).toMatchObject({ code: "ERR_TLS_CERT_ALTNAME_INVALID", response: undefined });
    });

    it("answers over HTTPS with the configured CA", async () => {
      const { key, cert } = await selfSignedCertificate();
      const server = await listen(https.createServer({ key, cert }, (_req, res) => res.end('{"ok":true}')), "https");
      servers.push(server);
      expect(await same({ url: `${server.url}/1.0/me` }, {}, cert)).toEqual(expect.objectContaining({ ok: true, status: 200, data: '{"ok":true}' }));
    });
  });
});

describe("the lean http adapter answers exactly as axios's own", () => {
  let server: Server;
  let seen: { method?: string; url?: string; headers: http.IncomingHttpHeaders; body: string }[];
  beforeAll(async () => {
    seen = [];
    server = await httpServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8");
        seen.push({ method: req.method, url: req.url, headers: req.headers, body });
        const reply = (status: number, payload: Buffer | string, headers: Record<string, string> = {}) => {
          res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", ...headers });
          res.end(payload);
        };
        const text = JSON.stringify({ method: req.method, body, length: req.headers["content-length"] ?? null, type: req.headers["content-type"] ?? null });
        switch (req.url) {
          case "/gzip":
            return reply(200, zlib.gzipSync(text), { "Content-Encoding": "gzip" });
          case "/deflate-raw":
            return reply(200, zlib.deflateRawSync(text), { "Content-Encoding": "deflate" });
          case "/deflate":
            return reply(200, zlib.deflateSync(text), { "Content-Encoding": "deflate" });
          case "/br":
            return reply(200, zlib.brotliCompressSync(text), { "Content-Encoding": "br" });
          case "/unknown-encoding":
            return reply(200, text, { "Content-Encoding": "zstd" });
          case "/bom":
            return reply(200, `\ufeff${text}`);
          case "/empty":
            res.writeHead(204);
            return res.end();
          default:
            return reply(200, text);
        }
      });
    });
  });
  afterAll(() => server.close());

  it.each(["/echo", "/gzip", "/deflate-raw", "/deflate", "/br", "/unknown-encoding", "/bom", "/empty"])("GET %s", async (path) => {
    const result = await same({ url: `${server.url}${path}` });
    expect(result).toMatchObject({ ok: true, status: path === "/empty" ? 204 : 200 });
    if (!["/empty", "/unknown-encoding"].includes(path)) expect(JSON.parse(result.data as string)).toEqual({ method: "GET", body: "", length: null, type: null });
  });

  it.each([
    ["POST", '{"quantity":5,"name":"caf\\u00e9"}'],
    ["PUT", '{"displayName":"Contoso"}'],
    ["POST", undefined],
    ["DELETE", undefined],
  ])("%s with body %s: the same bytes and headers reach the server", async (method, data) => {
    seen.length = 0;
    await same({ url: `${server.url}/echo?x=1`, method, data, headers: { "Content-Type": "application/json", "User-Agent": "pulumi-ovh-office365/test", "X-Ovh-Application": "key" } });
    const [stock, lean] = seen;
    const comparable = (request: (typeof seen)[number]) => ({ ...request, headers: { ...request.headers, host: undefined, connection: undefined } });
    expect(comparable(lean)).toEqual(comparable(stock));
    expect(lean.headers["accept-encoding"]).toBe("gzip, compress, deflate, br");
  });

  it("sends the default User-Agent when none is given", async () => {
    seen.length = 0;
    await same({ url: `${server.url}/echo` });
    expect(seen[1].headers["user-agent"]).toBe(seen[0].headers["user-agent"]);
    expect(seen[1].headers["user-agent"]).toMatch(/^axios\//);
  });

  it("hands a request the environment sends through a proxy to axios's own adapter", async () => {
    const proxied: string[] = [];
    const proxy = await httpServer((req, res) => {
      proxied.push(req.url ?? "");
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end('"via proxy"');
    });
    const saved = process.env.HTTP_PROXY;
    process.env.HTTP_PROXY = proxy.url;
    try {
      const target = "http://203.0.113.7:8080/1.0/me";
      expect(await same({ url: target }, {}, undefined, true)).toMatchObject({ ok: true, data: '"via proxy"' });
      expect(proxied).toEqual([target, target]);
    } finally {
      if (saved === undefined) delete process.env.HTTP_PROXY;
      else process.env.HTTP_PROXY = saved;
      await proxy.close();
    }
  });
});
