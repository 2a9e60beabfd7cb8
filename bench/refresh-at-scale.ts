/**
 * Benchmarks 2, 4 and 5 from one setup: a reseller's subscriptions refreshed through the real dynamic-provider host
 * (as `pulumi refresh` drives it) against the simulator with injected latency; the state each resource leaves; and
 * the host's peak memory. The package is staged in a program's `node_modules`, as `npm install` lays it out, so the
 * `__provider` measured is the one a real stack stores.
 */
import { readFileSync, rmSync } from "fs";
import path from "path";
import Table from "cli-table3";
import {
  refresh,
  up,
  type ResourceState,
  findPackageRoot,
  serializeProvider,
  stageProgram,
  PROVIDER_KEY,
  startProviderHost,
  type ProviderHost,
  dynamicResourceType,
} from "../pulumi-host";
import { startSimulator, type RunningSimulator } from "../simulator";

export interface RefreshAtScaleOptions {
  groups: number;
  subscriptionsPerGroup: number;
  latencyMs: number;
  /** Reads in flight at once, as `pulumi refresh --parallel`, and the client's maxConcurrentRequests. */
  concurrency: number;
  /** Subscriptions refreshed under the client's default rate limit; the full count is extrapolated from them. */
  defaultRateSample: number;
}

export interface RefreshRun {
  resources: number;
  wallMs: number;
  httpRequests: number;
  maxConcurrent: number;
}

export interface RefreshAtScaleReport {
  options: RefreshAtScaleOptions;
  unbound: RefreshRun;
  defaultRate: RefreshRun;
  hostPeakRssBytes: number;
  providerBytes: number;
  stateBytesPerResource: number;
}

/** Goals from the performance issue. */
export const SCALE_FACTOR_GOAL = 1.25;
export const PROVIDER_BYTES_GOAL = 2 * 1024;
export const PEAK_RSS_GOAL_BYTES = 200 * 1024 * 1024;

const SUBSCRIPTION_TYPE = dynamicResourceType("Subscription", "ovh-office365");
// The client's ceiling: high enough that the rate limiter never waits during the timed refresh.
const UNBOUND_REQUESTS_PER_SECOND = 100_000;

export async function runRefreshAtScale(options: RefreshAtScaleOptions): Promise<RefreshAtScaleReport> {
  const simulator = await startSimulator({ seed: "empty" });
  const packageRoot = findPackageRoot(__dirname);
  const programDir = path.join(packageRoot, ".tmp", "programs", `bench-refresh-${process.pid}`);
  let host: ProviderHost | undefined;
  try {
    const serviceNames = seedAccount(simulator, options);
    const staged = await stageProgram({ packageRoot, programDir });
    const providerText = await serializeProvider({ programDir: staged.programDir, exportName: "subscriptionProvider" });
    const startHost = async (limits: Record<string, string>): Promise<ProviderHost> => {
      const started = await startProviderHost({ cwd: staged.programDir });
      await started.configure(
        {
          "ovh:endpoint": simulator.endpoint,
          "ovh:applicationKey": simulator.credentials.applicationKey,
          "ovh:applicationSecret": simulator.credentials.applicationSecret,
          "ovh:consumerKey": simulator.credentials.consumerKey,
          "ovh-office365:maxConcurrentRequests": String(options.concurrency),
          ...limits,
        },
        { secretKeys: ["ovh:applicationSecret", "ovh:consumerKey"] },
      );
      return started;
    };

    host = await startHost({ "ovh-office365:maxRequestsPerSecond": String(UNBOUND_REQUESTS_PER_SECOND) });
    const unboundHost = host;
    // Adopt every subscription with `pulumi up`, so the refreshed state is exactly what the engine stored.
    const targets = serviceNames.flatMap((serviceName) =>
      simulator.admin.subscriptions(serviceName).map((subscription) => ({ serviceName, subscription })),
    );
    const states = await inParallel(targets, options.concurrency, async ({ serviceName, subscription }) => {
      const urn = unboundHost.makeUrn(SUBSCRIPTION_TYPE, `${serviceName}-${subscription.id}`);
      const inputs = { serviceName, subscriptionId: subscription.id, seats: subscription.quantity };
      return (await up(unboundHost, urn, { inputs, providerText })).state;
    });

    simulator.admin.addFault({ kind: "latency", delayMs: options.latencyMs });
    const unbound = await timedRefresh(unboundHost, simulator, states, options.concurrency);
    const hostPeakRssBytes = peakRssBytes(unboundHost.pid);
    await unboundHost.close();
    host = undefined;

    host = await startHost({});
    const defaultRate = await timedRefresh(host, simulator, states.slice(0, options.defaultRateSample), options.concurrency);

    const providerBytes = Buffer.byteLength(providerText, "utf8");
    const stateBytes = states.reduce((sum, state) => sum + Buffer.byteLength(JSON.stringify({ outputs: state.outputs, inputs: state.inputs }), "utf8"), 0);
    if (states.some((state) => state.outputs[PROVIDER_KEY] !== providerText)) {
      throw new Error(`Some refreshed outputs do not carry the serialized provider as ${PROVIDER_KEY}: the state measured would be wrong.`);
    }
    return { options, unbound, defaultRate, hostPeakRssBytes, providerBytes, stateBytesPerResource: stateBytes / states.length };
  } finally {
    await host?.close();
    await simulator.close();
    rmSync(programDir, { recursive: true, force: true });
  }
}

/** Licence groups holding base subscriptions of the catalogue's licences, in turn. */
function seedAccount(simulator: RunningSimulator, options: RefreshAtScaleOptions): string[] {
  const licences = simulator.admin.licences().filter((licence) => licence.licenceType !== "ADDON");
  if (licences.length === 0) throw new Error("The simulator's catalogue has no base licence to subscribe to.");
  const serviceNames: string[] = [];
  for (let group = 0; group < options.groups; group++) {
    const serviceName = simulator.admin.addLicenceGroup({ serviceName: `bench-group-${group}` });
    for (let index = 0; index < options.subscriptionsPerGroup; index++) {
      const licence = licences[(group * options.subscriptionsPerGroup + index) % licences.length];
      simulator.admin.addSubscription(serviceName, { license: licence.id, seats: 1 + (index % 5) });
    }
    serviceNames.push(serviceName);
  }
  return serviceNames;
}

async function timedRefresh(host: ProviderHost, simulator: RunningSimulator, states: ResourceState[], concurrency: number): Promise<RefreshRun> {
  simulator.requestLog.clear();
  const started = process.hrtime.bigint();
  const refreshed = await inParallel(states, concurrency, (state) => refresh(host, state));
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const gone = refreshed.filter((state) => state === undefined).length;
  if (gone > 0) throw new Error(`${gone} of ${states.length} subscriptions were reported gone by refresh: the benchmark's account is wrong.`);
  return { resources: states.length, wallMs, httpRequests: simulator.requestLog.entries().length, maxConcurrent: simulator.requestLog.maxConcurrent() };
}

/** Runs `work` over `items` with at most `limit` in flight, keeping the results in order. */
async function inParallel<Item, Result>(items: Item[], limit: number, work: (item: Item) => Promise<Result>): Promise<Result[]> {
  const results = new Array<Result>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** The process's peak resident set (VmHWM), from Linux's /proc. */
function peakRssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const match = /^VmHWM:\s+(\d+)\s+kB$/m.exec(status);
  if (!match) throw new Error(`/proc/${pid}/status has no VmHWM line: peak memory can only be read on Linux.`);
  return Number(match[1]) * 1024;
}

function verdict(value: number, goal: number, unit: string, format: (n: number) => string): string {
  return value <= goal ? "met" : `missed by ${format(value - goal)}${unit}`;
}

export function formatRefreshAtScale(report: RefreshAtScaleReport): string {
  const { options, unbound, defaultRate } = report;
  const timeFloorMs = (unbound.resources * options.latencyMs) / options.concurrency;
  const requestFloor = unbound.resources;
  const timeFactor = unbound.wallMs / timeFloorMs;
  const requestFactor = unbound.httpRequests / requestFloor;
  const scale = new Table({ head: ["measure", "value", "floor", "× floor", "goal", "result"], colAligns: ["left", "right", "right", "right", "right", "left"], style: { head: [], border: [] } });
  scale.push(
    ["wall time", `${unbound.wallMs.toFixed(0)} ms`, `${timeFloorMs.toFixed(0)} ms`, timeFactor.toFixed(2), `≤ ${SCALE_FACTOR_GOAL}×`, verdict(timeFactor, SCALE_FACTOR_GOAL, "×", (n) => n.toFixed(2))],
    ["HTTP requests", String(unbound.httpRequests), String(requestFloor), requestFactor.toFixed(2), `≤ ${SCALE_FACTOR_GOAL}×`, verdict(requestFactor, SCALE_FACTOR_GOAL, "×", (n) => n.toFixed(2))],
  );

  const perResourceMs = defaultRate.wallMs / defaultRate.resources;
  const extrapolatedMs = perResourceMs * unbound.resources;
  const footprint = new Table({ head: ["measure", "value", "goal", "result"], colAligns: ["left", "right", "right", "left"], style: { head: [], border: [] } });
  const kib = (bytes: number) => `${(bytes / 1024).toFixed(2)} KiB`;
  const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  footprint.push(
    [`${PROVIDER_KEY} per resource`, kib(report.providerBytes), `≤ ${kib(PROVIDER_BYTES_GOAL)}`, verdict(report.providerBytes, PROVIDER_BYTES_GOAL, "", kib)],
    ["serialized state per resource (JSON of outputs + inputs)", kib(report.stateBytesPerResource), "", ""],
    ["provider host peak RSS (VmHWM) over benchmark 2", mib(report.hostPeakRssBytes), `≤ ${mib(PEAK_RSS_GOAL_BYTES)}`, verdict(report.hostPeakRssBytes, PEAK_RSS_GOAL_BYTES, "", mib)],
  );

  return [
    `Refresh at scale: ${unbound.resources} subscriptions in ${options.groups} licence groups through the real provider host, ` +
      `${options.concurrency} reads at a time, ${options.latencyMs} ms latency on every API answer, client rate limit ${UNBOUND_REQUESTS_PER_SECOND}/s (not binding)`,
    scale.toString(),
    `most requests in flight at the simulator: ${unbound.maxConcurrent}`,
    "",
    `Under the client's default rate limit (maxRequestsPerSecond unset), ${defaultRate.resources} subscriptions measured, ${unbound.resources} extrapolated:`,
    `  ${defaultRate.resources} refreshed in ${defaultRate.wallMs.toFixed(0)} ms with ${defaultRate.httpRequests} HTTP requests ` +
      `(${(defaultRate.httpRequests / (defaultRate.wallMs / 1000)).toFixed(1)} requests/s); ` +
      `${unbound.resources} would take about ${(extrapolatedMs / 1000).toFixed(1)} s (extrapolated linearly, not measured)`,
    "",
    "State footprint (package installed in the program's node_modules) and memory",
    footprint.toString(),
  ].join("\n");
}
