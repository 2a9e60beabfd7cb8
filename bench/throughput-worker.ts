/**
 * One client's throughput run, in a process of its own so its CPU time is its own: forked by
 * client-throughput.ts, configured by one IPC message, answers with one IPC message, then exits.
 */
import { createHash } from "crypto";
import https from "https";
import axios, { AxiosHeaders } from "axios";
import axiosRetry from "axios-retry";
import { createOvhClient } from "../provider/ovh";
import { createLeanHttpAdapter } from "../provider/ovh/http-adapter";

/** Clients measured: this one, OVH's, the bare floor, and two layers of this one (its adapter alone; under axios). */
export type ClientKind = "this-client" | "official" | "floor" | "adapter" | "axios";

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

type Transport = (url: string, headers: Record<string, string>) => Promise<unknown>;

/** Signs each GET as OVH wants (after one clock read), and sends it through `transport`. */
function signedGets(config: WorkerConfig, transport: Transport): SendOne {
  const url = `${config.endpoint}${config.path}`;
  let timeOffsetSeconds: number | undefined;
  return async () => {
    if (timeOffsetSeconds === undefined) {
      const serverTime = (await transport(`${config.endpoint}/auth/time`, {})) as number;
      timeOffsetSeconds = serverTime - Math.round(Date.now() / 1000);
    }
    const timestamp = String(Math.round(Date.now() / 1000) + timeOffsetSeconds);
    const signed = `${config.applicationSecret}+${config.consumerKey}+GET+${url}++${timestamp}`;
    return transport(url, {
      "X-Ovh-Application": config.applicationKey,
      "X-Ovh-Consumer": config.consumerKey,
      "X-Ovh-Timestamp": timestamp,
      "X-Ovh-Signature": `$1$${createHash("sha1").update(signed).digest("hex")}`,
    });
  };
}

function parseOk(url: string, status: number, text: string): unknown {
  if (status !== 200) throw new Error(`GET ${url} answered ${status}: ${text}`);
  return JSON.parse(text);
}

/** The floor: keep-alive sockets, one signature, one JSON parse per request, nothing else. */
function floorClient(config: WorkerConfig): SendOne {
  const agent = new https.Agent({ keepAlive: true, maxSockets: config.concurrency, ca: config.ca });
  return signedGets(
    config,
    (url, headers) =>
      new Promise<unknown>((resolve, reject) => {
        const request = https.request(url, { method: "GET", agent, headers }, (response) => {
          const chunks: Buffer[] = [];
          response.on("data", (chunk: Buffer) => chunks.push(chunk));
          response.on("end", () => {
            try {
              resolve(parseOk(url, response.statusCode ?? 0, Buffer.concat(chunks).toString("utf8")));
            } catch (error) {
              reject(error);
            }
          });
          response.on("error", reject);
        });
        request.on("error", reject);
        request.end();
      }),
  );
}

/** The settings this client gives axios, so the layers below it are measured as it runs them. */
function axiosSettings(config: WorkerConfig) {
  return {
    httpsAgent: new https.Agent({ keepAlive: true, rejectUnauthorized: true, ca: config.ca }),
    maxRedirects: 0,
    maxContentLength: 64 * 1024 * 1024,
    responseType: "text" as const,
    timeout: 30_000,
    transitional: { clarifyTimeoutError: true },
  };
}

/** This client's HTTP adapter alone, called as axios calls it, with the floor's signing and parsing. */
function adapterClient(config: WorkerConfig): SendOne {
  const adapter = createLeanHttpAdapter();
  const settings = axiosSettings(config);
  const validateStatus = (status: number) => status >= 200 && status < 300;
  return signedGets(config, async (url, headers) => {
    const response = await adapter({ ...settings, method: "get", url, headers: new AxiosHeaders({ Accept: "application/json", ...headers }), validateStatus });
    return parseOk(url, response.status, response.data as string);
  });
}

/** The same adapter under axios and axios-retry, configured as this client configures them. */
function axiosClient(config: WorkerConfig): SendOne {
  const instance = axios.create({ ...axiosSettings(config), adapter: createLeanHttpAdapter(), transformRequest: [(data: unknown) => data], transformResponse: [(data: unknown) => data] });
  axiosRetry(instance, { retries: 4, retryDelay: () => 0, retryCondition: () => false });
  return signedGets(config, async (url, headers) => {
    const response = await instance.request<string>({ method: "GET", url, headers: { Accept: "application/json", ...headers } });
    return parseOk(url, response.status, response.data);
  });
}

const CLIENTS: Record<ClientKind, (config: WorkerConfig) => SendOne> = {
  "this-client": thisClient,
  official: officialClient,
  floor: floorClient,
  adapter: adapterClient,
  axios: axiosClient,
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
