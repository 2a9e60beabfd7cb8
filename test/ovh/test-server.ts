import { createHash } from "node:crypto";
import * as http from "node:http";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import * as selfsigned from "selfsigned";

/** One request as the test server saw it. */
export interface SeenRequest {
  method: string;
  /** Path and query exactly as received, e.g. `/1.0/me?x=1`. */
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export type Handler = (req: SeenRequest, res: http.ServerResponse) => void | Promise<void>;

export interface TestServer {
  /** `http(s)://127.0.0.1:<port>` */
  origin: string;
  /** `<origin>/1.0`, usable as an endpoint. */
  baseUrl: string;
  port: number;
  requests: SeenRequest[];
  /** Most requests the server had open at once (arrived, answer not yet finished). */
  maxInFlight(): number;
  close(): Promise<void>;
}

/** A small HTTP(S) server on 127.0.0.1, on a free port, recording what it receives. */
export async function startTestServer(handler: Handler, tls?: { key: string; cert: string }): Promise<TestServer> {
  const requests: SeenRequest[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const listener = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    let finished = false;
    const done = (): void => {
      if (!finished) {
        finished = true;
        inFlight -= 1;
      }
    };
    res.on("finish", done);
    res.on("close", done);
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const seen: SeenRequest = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
      requests.push(seen);
      Promise.resolve(handler(seen, res)).catch((error: unknown) => {
        res.statusCode = 599;
        res.end(String(error));
      });
    });
  };
  const server = tls ? https.createServer({ key: tls.key, cert: tls.cert }, listener) : http.createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const origin = `${tls ? "https" : "http"}://127.0.0.1:${port}`;
  return {
    origin,
    baseUrl: `${origin}/1.0`,
    port,
    requests,
    maxInFlight: () => maxInFlight,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "Content-Type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

/** Requests other than the unauthenticated clock reads. */
export function apiRequests(server: TestServer): SeenRequest[] {
  return server.requests.filter((request) => request.url !== "/1.0/auth/time");
}

/**
 * OVH's signature check, written out here on its own (not with the client's code) so the tests compare two
 * implementations: sha1 over AS+CK+METHOD+URL+BODY+TIMESTAMP joined with "+".
 */
export function expectedSignature(applicationSecret: string, consumerKey: string, request: SeenRequest, origin: string): string {
  const material = `${applicationSecret}+${consumerKey}+${request.method}+${origin}${request.url}+${request.body}+${String(request.headers["x-ovh-timestamp"])}`;
  return "$1$" + createHash("sha1").update(material).digest("hex");
}

/** Answers GET /auth/time with the server's clock (Unix seconds, shifted by `skewSeconds()`), else delegates. */
export function withAuthTime(handler: Handler, skewSeconds: () => number = () => 0): Handler {
  return (req, res) => {
    if (req.method === "GET" && req.url === "/1.0/auth/time") {
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(String(Math.floor(Date.now() / 1000) + skewSeconds()));
      return;
    }
    return handler(req, res);
  };
}

/** Sleep replacement that records the delays asked for and does not wait. */
export function recordingSleep(): { sleep: (ms: number) => Promise<void>; delays: number[] } {
  const delays: number[] = [];
  return {
    delays,
    sleep: async (ms: number) => {
      delays.push(ms);
    },
  };
}

type AltName = { type: 2; value: string } | { type: 7; ip: string };

/** A self-signed certificate (its own CA), as PEM, for 127.0.0.1 and localhost unless told otherwise. */
export async function selfSignedCertificate(
  altNames: AltName[] = [{ type: 7, ip: "127.0.0.1" }, { type: 2, value: "localhost" }],
): Promise<{ key: string; cert: string }> {
  const pems = await selfsigned.generate([{ name: "commonName", value: "127.0.0.1" }], {
    keyType: "ec",
    algorithm: "sha256",
    extensions: [
      { name: "basicConstraints", cA: true },
      { name: "subjectAltName", altNames },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}
