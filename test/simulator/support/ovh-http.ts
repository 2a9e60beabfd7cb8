import { createHash } from "crypto";
import { request as httpRequest } from "http";
import { request as httpsRequest } from "https";
import type { RunningSimulator, SimulatorCredentials } from "../../../simulator";

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** Parsed JSON body (undefined when not JSON). */
  body: unknown;
}

/** A plain HTTP(S) request; trusts the simulator's CA when given. Rejects on network errors (e.g. a reset). */
export function rawRequest(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string; ca?: string } = {},
): Promise<HttpAnswer> {
  const target = new URL(url);
  const send = target.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      target,
      { method: init.method ?? "GET", headers: { ...(init.body ? { "Content-Length": String(Buffer.byteLength(init.body)) } : {}), ...init.headers }, ca: init.ca, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let body: unknown;
          try {
            body = JSON.parse(text);
          } catch {
            body = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body });
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    if (init.body) req.write(init.body);
    req.end();
  });
}

/** OVH's signature, computed here independently of the simulator and of the client code. */
export function sign(secret: string, consumerKey: string, method: string, url: string, body: string, timestamp: number | string): string {
  return "$1$" + createHash("sha1").update(`${secret}+${consumerKey}+${method}+${url}+${body}+${timestamp}`).digest("hex");
}

export interface SignedCall {
  method?: string;
  /** Path below `/1.0`, query included. */
  path: string;
  body?: unknown;
  credentials?: Partial<SimulatorCredentials>;
  timestamp?: number;
  /** URL to sign instead of the one requested (e.g. without the port). */
  signedUrl?: string;
  /** Skip authentication headers entirely. */
  anonymous?: boolean;
  /** Extra headers, not signed (as OVH's list-mode headers). */
  headers?: Record<string, string>;
}

/** A request signed with application key, secret and consumer key, as OVH's clients do. */
export function ovhCall(sim: RunningSimulator, call: SignedCall): Promise<HttpAnswer> {
  const method = call.method ?? "GET";
  const url = `${sim.endpoint}${call.path}`;
  const body = call.body === undefined ? "" : JSON.stringify(call.body);
  const headers: Record<string, string> = { "Content-Type": "application/json", ...call.headers };
  if (!call.anonymous) {
    const c = { ...sim.credentials, ...call.credentials };
    const timestamp = call.timestamp ?? Math.round(Date.now() / 1000);
    Object.assign(headers, {
      "X-Ovh-Application": c.applicationKey,
      "X-Ovh-Consumer": c.consumerKey,
      "X-Ovh-Timestamp": String(timestamp),
      "X-Ovh-Signature": sign(c.applicationSecret, c.consumerKey, method, call.signedUrl ?? url, body, timestamp),
    });
  }
  return rawRequest(url, { method, headers, body: body || undefined, ca: sim.caCertPem });
}

/** Calls `ovhCall` and fails the test unless OVH answered 200; returns the parsed body. */
export async function ovhOk<T = unknown>(sim: RunningSimulator, call: SignedCall): Promise<T> {
  const answer = await ovhCall(sim, call);
  if (answer.status !== 200) throw new Error(`${call.method ?? "GET"} ${call.path} answered ${answer.status}: ${answer.text}`);
  return answer.body as T;
}

export { waitFor } from "../../support/wait-for";

export const QUERY_ID_FORMAT = /^EU\.ext-\d\.[0-9a-f]{8}\.\d+\.[0-9a-f-]{36}$/;
