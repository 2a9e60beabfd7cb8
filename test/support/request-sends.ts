import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import type { ClientRequest } from "node:http";

/**
 * Where a request is really sent: Node publishes `http.client.request.start` when a request is handed to its socket.
 * A server's arrival stamps are no measure of a client's rate on a busy machine: a server whose event loop is held
 * up stamps the requests that arrived meanwhile late, bunching them. Counting sends measures the client alone.
 */
const SEND_CHANNEL = "http.client.request.start";

/** Most stamps within any window of `windowMs` (half-open: [t, t + windowMs)). */
export function maxInAnyWindow(stamps: readonly number[], windowMs: number): number {
  const sorted = [...stamps].sort((a, b) => a - b);
  let best = 0;
  let first = 0;
  for (let last = 0; last < sorted.length; last++) {
    while (sorted[last] - sorted[first] >= windowMs) first += 1;
    best = Math.max(best, last - first + 1);
  }
  return best;
}

/** Records when this process sends each HTTP request to `host` (`127.0.0.1:8480`), in performance.now() time, until stopped. */
export function recordRequestSends(host: string): { sends: number[]; stop(): void } {
  const sends: number[] = [];
  const onSend = (message: unknown): void => {
    const { request } = message as { request: ClientRequest };
    if (request.getHeader("host") === host) sends.push(performance.now());
  };
  subscribe(SEND_CHANNEL, onSend);
  return { sends, stop: () => unsubscribe(SEND_CHANNEL, onSend) };
}

/** Environment making a child Node process (e.g. the provider host) log its request sends to `logFile`. */
export function sendLogEnvironment(logFile: string): NodeJS.ProcessEnv {
  const preload = path.join(__dirname, "request-send-log.js");
  return { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --require ${JSON.stringify(preload)}`.trim(), OVH_TEST_SEND_LOG: logFile };
}

/** The send times (epoch ms) a child process logged through {@link sendLogEnvironment}, of requests to `host`. */
export function readSendLog(logFile: string, host: string): number[] {
  return readFileSync(logFile, "utf8")
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => line.split(" "))
    .filter(([, , to]) => to === host)
    .map(([at]) => Number(at));
}
