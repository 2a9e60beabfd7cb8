/**
 * Benchmark 1, client throughput: signed GETs over HTTPS against the simulator, at one concurrency, for this
 * client, OVH's official Node client and a bare keep-alive floor, plus two layers of this client (its HTTP adapter
 * alone, then under axios and axios-retry) so the cost of each shows. The simulator and each client run in their own
 * processes, so a client's CPU time is its own and the clients do not warm each other's JIT.
 */
import { fork, spawn, type ChildProcess } from "child_process";
import { mkdtempSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import path from "path";
import Table from "cli-table3";
import type { ClientKind, WorkerConfig, WorkerMessage, WorkerResult } from "./throughput-worker";

export interface ClientThroughputOptions {
  requests: number;
  concurrency: number;
  /** Untimed requests of each client before its timed ones. */
  warmupRequests: number;
  /** Requests sent (by the floor, untimed) before any client runs, so no client pays for the simulator's own JIT warm-up. */
  simulatorWarmupRequests: number;
}

export interface ClientMeasurement {
  kind: ClientKind;
  label: string;
  requestsPerSecond: number;
  cpuMicrosPerRequest: number;
}

export interface ClientThroughputReport {
  options: ClientThroughputOptions;
  path: string;
  measurements: Record<ClientKind, ClientMeasurement>;
}

/** Goals for this client's CPU per request: no more than the official client's, within this factor of the floor. */
export const OFFICIAL_FACTOR_GOAL = 1.0;
export const FLOOR_FACTOR_GOAL = 1.25;

const BENCH_PATH = "/saas/csp2";
const LABELS: Record<ClientKind, string> = {
  floor: "floor (bare https.request, keep-alive)",
  official: "@ovhcloud/node-ovh",
  "this-client": "this client (createOvhClient)",
  adapter: "  its HTTP adapter alone",
  axios: "  that adapter under axios + axios-retry",
};
const MEASURED: readonly ClientKind[] = ["floor", "official", "adapter", "axios", "this-client"];
// Benchmark-only credentials, given to the simulator child and to the clients.
const CREDENTIALS = { applicationKey: "bench-application-key", applicationSecret: "bench-application-secret", consumerKey: "bench-consumer-key" };
const CLI_MAIN = path.resolve(__dirname, "../provider/cli/main.js");
const WORKER = path.resolve(__dirname, "throughput-worker.js");

interface SimulatorProcess {
  endpoint: string;
  caFile: string;
  stop(): Promise<void>;
}

async function startSimulatorProcess(caFile: string): Promise<SimulatorProcess> {
  const child = spawn(
    process.execPath,
    [
      CLI_MAIN,
      "simulator",
      "--port", "0",
      "--tls",
      "--ca-out", caFile,
      "--application-key", CREDENTIALS.applicationKey,
      "--application-secret", CREDENTIALS.applicationSecret,
      "--consumer-key", CREDENTIALS.consumerKey,
    ],
    { stdio: ["ignore", "pipe", "pipe"], env: { PATH: process.env.PATH ?? "" } },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
  };
  try {
    const endpoint = await readEndpointLine(child);
    return { endpoint, caFile, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function readEndpointLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let stdout = "";
    let stderr = "";
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.stdout!.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
      const match = /^endpoint: (\S+)$/m.exec(stdout);
      if (match) resolve(match[1]);
    });
    child.once("exit", (code, signal) =>
      reject(new Error(`The simulator exited (${signal ?? `code ${code}`}) before printing its endpoint; run \`npm run build\` first if ${CLI_MAIN} is missing.\n${stderr}`)),
    );
    child.once("error", reject);
  });
}

function runWorker(config: WorkerConfig, caFile: string): Promise<WorkerResult> {
  return new Promise((resolve, reject) => {
    const worker = fork(WORKER, [], { env: { ...process.env, NODE_EXTRA_CA_CERTS: caFile }, stdio: ["ignore", "inherit", "inherit", "ipc"] });
    let answered = false;
    worker.once("message", (message: WorkerMessage) => {
      answered = true;
      if ("result" in message) resolve(message.result);
      else reject(new Error(`${LABELS[config.kind]} failed: ${message.error}`));
    });
    worker.once("error", reject);
    worker.once("exit", (code, signal) => {
      if (!answered) reject(new Error(`${LABELS[config.kind]} worker exited (${signal ?? `code ${code}`}) without a result.`));
    });
    worker.send(config);
  });
}

export async function runClientThroughput(options: ClientThroughputOptions): Promise<ClientThroughputReport> {
  const tempDir = mkdtempSync(path.join(tmpdir(), "ovh-office365-bench-"));
  const caFile = path.join(tempDir, "simulator-ca.pem");
  try {
    const simulator = await startSimulatorProcess(caFile);
    try {
      const ca = readFileSync(caFile, "utf8");
      const { requests, concurrency, warmupRequests, simulatorWarmupRequests } = options;
      const configFor = (kind: ClientKind): WorkerConfig => ({ kind, endpoint: simulator.endpoint, ca, ...CREDENTIALS, path: BENCH_PATH, requests, warmupRequests, concurrency });
      await runWorker({ ...configFor("floor"), requests: simulatorWarmupRequests, warmupRequests: 0 }, caFile);
      const measurements = {} as Record<ClientKind, ClientMeasurement>;
      for (const kind of MEASURED) {
        const result = await runWorker(configFor(kind), caFile);
        measurements[kind] = {
          kind,
          label: LABELS[kind],
          requestsPerSecond: options.requests / (result.wallMs / 1000),
          cpuMicrosPerRequest: result.cpuMicros / options.requests,
        };
      }
      return { options, path: BENCH_PATH, measurements };
    } finally {
      await simulator.stop();
    }
  } finally {
    rmSync(tempDir, { recursive: true, force: true });
  }
}

export function formatClientThroughput(report: ClientThroughputReport): string {
  const { floor, official, "this-client": ours, adapter, axios } = report.measurements;
  const table = new Table({ head: ["client", "requests/s", "CPU µs/request"], colAligns: ["left", "right", "right"], style: { head: [], border: [] } });
  for (const m of [ours, adapter, axios, official, floor]) table.push([m.label, m.requestsPerSecond.toFixed(0), m.cpuMicrosPerRequest.toFixed(0)]);
  const micros = (m: ClientMeasurement) => m.cpuMicrosPerRequest;
  const signed = (value: number) => `${value >= 0 ? "+" : "−"}${Math.abs(value).toFixed(0)} µs`;

  const cpuVersusOfficial = ours.cpuMicrosPerRequest / official.cpuMicrosPerRequest;
  const cpuVersusFloor = ours.cpuMicrosPerRequest / floor.cpuMicrosPerRequest;

  return [
    `Client throughput: ${report.options.requests} signed GET ${report.path} over HTTPS, concurrency ${report.options.concurrency}, ` +
      `${report.options.warmupRequests} warm-up requests each after ${report.options.simulatorWarmupRequests} to warm the simulator; node ${process.version}`,
    table.toString(),
    `CPU per request, this client / official: ${cpuVersusOfficial.toFixed(2)}× (goal ≤ ${OFFICIAL_FACTOR_GOAL.toFixed(2)}×: ${verdict(cpuVersusOfficial, OFFICIAL_FACTOR_GOAL)})`,
    `CPU per request, this client / floor:    ${cpuVersusFloor.toFixed(2)}× (goal ≤ ${FLOOR_FACTOR_GOAL.toFixed(2)}×: ${verdict(cpuVersusFloor, FLOOR_FACTOR_GOAL)})`,
    `throughput, this client / official: ${(ours.requestsPerSecond / official.requestsPerSecond).toFixed(2)}×, floor / this client: ${(floor.requestsPerSecond / ours.requestsPerSecond).toFixed(2)}×`,
    `CPU per request by layer: adapter alone ${signed(micros(adapter) - micros(floor))} over the floor, axios + axios-retry ` +
      `${signed(micros(axios) - micros(adapter))}, the client's own work (signing, throttle, retry rules, errors) ${signed(micros(ours) - micros(axios))}`,
  ].join("\n");
}

/** "met", or by how much a ratio is over its goal. */
export function verdict(ratio: number, goal: number): string {
  return ratio <= goal ? "met" : `missed by ${((ratio / goal - 1) * 100).toFixed(0)} %`;
}
