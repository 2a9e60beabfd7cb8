/**
 * One client's throughput run, in a process of its own so its CPU time is its own: forked by
 * client-throughput.ts, configured by one IPC message, answers with one IPC message, then exits.
 */
import { createHash } from "crypto";
import https from "https";
import { createOvhClient } from "../provider/ovh";

export type ClientKind = "this-client" | "official" | "floor";

export interface WorkerConfig {
  kind: ClientKind;
  /** API base URL, e.g. https://127.0.0.1:40123/1.0 */
  endpoint: string;
  /** CA certificate (PEM) the simulator's certificate chains to. */
  ca: string;
  applicationKey: string;
  applicationSecret: string;
  consumerKey: string;
  /** Path below /1.0 that every request GETs. */
  path: string;
  requests: number;
  warmupRequests: number;
  concurrency: number;
}

export interface WorkerResult {
  wallMs: number;
  /** User + system CPU of this process during the timed requests, in µs. */
  cpuMicros: number;
}

export type WorkerMessage = { result: WorkerResult } | { error: string };

type SendOne = () => Promise<unknown>;

/** Sends `total` requests, at most `concurrency` in flight, each lane starting its next one as soon as one ends. */
async function runAtConcurrency(total: number, concurrency: number, sendOne: SendOne): Promise<void> {
  let started = 0;
  const lane = async () => {
    while (started < total) {
      started++;
      await sendOne();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, lane));
}

function thisClient(config: WorkerConfig): SendOne {
  const client = createOvhClient({
    endpoint: config.endpoint,
    applicationKey: config.applicationKey,
    applicationSecret: config.applicationSecret,
    consumerKey: config.consumerKey,
    ca: config.ca,
    // The benchmark measures the client's own cost, so its throttle must never be what limits it.
    maxRequestsPerSecond: 100_000,
    maxConcurrentRequests: config.concurrency,
    env: {},
  });
  return () => client.request({ method: "GET", path: config.path });
}

interface OfficialClient {
  requestPromised(method: string, path: string): Promise<unknown>;
}

function officialClient(config: WorkerConfig): SendOne {
  // node-ovh takes no CA option: the parent passes the CA through NODE_EXTRA_CA_CERTS instead.
  const createOfficial = require("@ovhcloud/node-ovh") as (params: Record<string, unknown>) => OfficialClient;
  const url = new URL(config.endpoint);
  const ovh = createOfficial({
    host: url.hostname,
    port: Number(url.port),
    basePath: url.pathname,
    appKey: config.applicationKey,
    appSecret: config.applicationSecret,
    consumerKey: config.consumerKey,
  });
  return () => ovh.requestPromised("GET", config.path);
}

/** The floor: keep-alive sockets, one signature, one JSON parse per request, nothing else. */
function floorClient(config: WorkerConfig): SendOne {
  const agent = new https.Agent({ keepAlive: true, maxSockets: config.concurrency, ca: config.ca });
  const get = (url: string, headers: Record<string, string>) =>
    new Promise<unknown>((resolve, reject) => {
      const request = https.request(url, { method: "GET", agent, headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          if (response.statusCode !== 200) reject(new Error(`GET ${url} answered ${response.statusCode}: ${text}`));
          else resolve(JSON.parse(text));
        });
        response.on("error", reject);
      });
      request.on("error", reject);
      request.end();
    });

  const url = `${config.endpoint}${config.path}`;
  let timeOffsetSeconds: number | undefined;
  return async () => {
    if (timeOffsetSeconds === undefined) {
      const serverTime = (await get(`${config.endpoint}/auth/time`, {})) as number;
      timeOffsetSeconds = serverTime - Math.round(Date.now() / 1000);
    }
    const timestamp = String(Math.round(Date.now() / 1000) + timeOffsetSeconds);
    const signed = `${config.applicationSecret}+${config.consumerKey}+GET+${url}++${timestamp}`;
    return get(url, {
      "X-Ovh-Application": config.applicationKey,
      "X-Ovh-Consumer": config.consumerKey,
      "X-Ovh-Timestamp": timestamp,
      "X-Ovh-Signature": `$1$${createHash("sha1").update(signed).digest("hex")}`,
    });
  };
}

const CLIENTS: Record<ClientKind, (config: WorkerConfig) => SendOne> = {
  "this-client": thisClient,
  official: officialClient,
  floor: floorClient,
};

async function measure(config: WorkerConfig): Promise<WorkerResult> {
  const sendOne = CLIENTS[config.kind](config);
  await runAtConcurrency(config.warmupRequests, config.concurrency, sendOne);
  const cpuBefore = process.cpuUsage();
  const wallBefore = process.hrtime.bigint();
  await runAtConcurrency(config.requests, config.concurrency, sendOne);
  const wallMs = Number(process.hrtime.bigint() - wallBefore) / 1e6;
  const cpu = process.cpuUsage(cpuBefore);
  return { wallMs, cpuMicros: cpu.user + cpu.system };
}

function reply(message: WorkerMessage): void {
  // Keep-alive sockets would hold the process open: leave once the parent has the answer.
  process.send!(message, () => process.exit(0));
}

if (require.main === module) {
  if (!process.send) {
    console.error("throughput-worker.js is started by the client throughput benchmark (npm run bench), not by hand.");
    process.exit(2);
  }
  process.once("message", (config: WorkerConfig) => {
    measure(config).then(
      (result) => reply({ result }),
      (error: unknown) => reply({ error: error instanceof Error ? error.message : JSON.stringify(error) }),
    );
  });
}
