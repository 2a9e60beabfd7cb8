/**
 * A reseller's subscriptions through the real dynamic-provider host, as `pulumi refresh` and `pulumi up` drive it,
 * against the simulator with latency on every answer: OVH requests per subscription (list mode honoured and ignored)
 * against one list call per group, wall time against the same reads by a provider that calls nothing and by one that
 * only waits one answer's latency per group (what one list per group costs at best), the same refresh under the
 * client's default rate limit, `pulumi up` creating subscriptions against its floor, the state
 * each resource leaves and the host's peak memory. The package is staged in a program's `node_modules`, as
 * `npm install` lays it out, so the `__provider` measured is the one a real stack stores.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "fs";
import path from "path";
import {
  dynamicResourceType,
  findPackageRoot,
  PROVIDER_KEY,
  refresh,
  serializeProvider,
  stageProgram,
  startProviderHost,
  up,
  type ProviderHost,
  type ResourceState,
} from "../pulumi-host";
import { startSimulator, type ListMode, type RunningSimulator } from "../simulator";
import { inParallel } from "../provider/parallel";

export interface RefreshAtScaleOptions {
  groups: number;
  subscriptionsPerGroup: number;
  latencyMs: number;
  /** Reads in flight at once, as `pulumi refresh --parallel`, and the client's maxConcurrentRequests. */
  concurrency: number;
  /** `pulumi up` creating subscriptions: how many groups, and how many subscriptions in each. */
  upGroups: number;
  upSubscriptionsPerGroup: number;
}

export interface RefreshRun {
  resources: number;
  wallMs: number;
  httpRequests: number;
  /** CPU time the provider host spent (user + system). */
  hostCpuMs: number;
}

export interface UpRun {
  created: number;
  wallMs: number;
  httpRequests: number;
  orders: number;
  taskPolls: number;
}

export interface RefreshAtScaleReport {
  options: RefreshAtScaleOptions;
  honoured: RefreshRun;
  ignored: RefreshRun;
  noop: RefreshRun;
  /** The same reads by a provider that calls nothing but waits the latency once per group, as its first read's listing must. */
  latencyPerGroup: RefreshRun;
  /** Untimed no-op reads the host served before the timed runs in it. */
  hostWarmUpReads: number;
  defaultRate: RefreshRun;
  /** The honoured and default-rate runs again with `ovh-office365:readBillingPeriod` false: the list calls alone. */
  withoutBilling: RefreshRun;
  defaultRateWithoutBilling: RefreshRun;
  up: UpRun;
  hostPeakRssBytes: number;
  providerBytes: number;
  stateBytesPerResource: number;
}

/** Goals from the API economy issue, for a refresh of the listings alone (readBillingPeriod false). */
export const REQUESTS_PER_SUBSCRIPTION_GOAL = 0.11;
export const NOOP_FACTOR_GOAL = 1.25;
export const DEFAULT_RATE_WALL_GOAL_MS = 15_000;
export const PROVIDER_BYTES_GOAL = 2 * 1024;
export const PEAK_RSS_GOAL_BYTES = 200 * 1024 * 1024;

const SUBSCRIPTION_TYPE = dynamicResourceType("Subscription", "ovh-office365");
// The client's ceiling: high enough that the rate limiter never waits during the timed refreshes.
const UNBOUND_REQUESTS_PER_SECOND = 100_000;
const NOOP_PACKAGE = "bench-noop-provider";
/** Untimed reads before the timed ones, so every provider measured runs on host code the JIT has already compiled. */
const HOST_WARM_UP_READS = 1000;

export async function runRefreshAtScale(options: RefreshAtScaleOptions): Promise<RefreshAtScaleReport> {
  const simulator = await startSimulator({ seed: "empty", taskDurationMs: 1000 });
  const packageRoot = findPackageRoot(__dirname);
  const programDir = path.join(packageRoot, ".tmp", "programs", `bench-refresh-${process.pid}`);
  const hosts: ProviderHost[] = [];
  try {
    const serviceNames = seedAccount(simulator, options);
    const staged = await stageProgram({ packageRoot, programDir });
    writeNoopProviders(staged.programDir, options.latencyMs);
    const providerText = await serializeProvider({ programDir: staged.programDir, exportName: "subscriptionProvider" });
    const noopText = await serializeProvider({ programDir: staged.programDir, exportName: "noopProvider", packageName: NOOP_PACKAGE });
    const latencyPerGroupText = await serializeProvider({ programDir: staged.programDir, exportName: "latencyPerGroupProvider", packageName: NOOP_PACKAGE });
    /** A new host is a new `pulumi` run: nothing learnt or listed by the previous one. */
    const startRun = async (limits: Record<string, string>): Promise<ProviderHost> => {
      const started = await startProviderHost({ cwd: staged.programDir });
      hosts.push(started);
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
    const unbound = { "ovh-office365:maxRequestsPerSecond": String(UNBOUND_REQUESTS_PER_SECOND) };

    // Adopt every subscription with `pulumi up`, so the refreshed state is exactly what the engine stored, in the order
    // the engine stored it, as each operation finished. A group's subscriptions end up close together (with 10 a group,
    // 2.5 groups in 16 consecutive on average), as a program declaring a group and then its subscriptions leaves them.
    const adopting = await startRun(unbound);
    const targets = serviceNames.flatMap((serviceName) => simulator.admin.subscriptions(serviceName).map((subscription) => ({ serviceName, subscription })));
    const states: ResourceState[] = [];
    await inParallel(targets, options.concurrency, async ({ serviceName, subscription }) => {
      const urn = adopting.makeUrn(SUBSCRIPTION_TYPE, `${serviceName}-${subscription.id}`);
      const inputs = { serviceName, subscriptionId: subscription.id, seats: subscription.quantity };
      states.push((await up(adopting, urn, { inputs, providerText })).state);
    });
    await adopting.close();

    simulator.admin.addFault({ kind: "latency", delayMs: options.latencyMs });
    const timed = async (listMode: ListMode, limits: Record<string, string>, measured: ResourceState[], warmUp: ResourceState[] = []) => {
      simulator.admin.setSettings({ listMode });
      const host = await startRun(limits);
      await inParallel(warmUp, options.concurrency, (state) => refresh(host, state));
      const run = await timedRefresh(host, simulator, measured, options.concurrency);
      return { host, run };
    };
    const withProvider = (text: string) => states.map((state) => ({ ...state, outputs: { ...state.outputs, [PROVIDER_KEY]: text }, inputs: { ...state.inputs, [PROVIDER_KEY]: text } }));
    const noopStates = withProvider(noopText);
    // Whichever provider it serves, the host's own code (gRPC, protobuf, the SDK it loads at its first read) runs
    // slower until the JIT has compiled it: untimed no-op reads first, so that every timed run below finds it warm and
    // the comparison is of the providers alone, not of which one ran first.
    const warmUp = noopStates.slice(0, HOST_WARM_UP_READS);
    const { host: honouredHost, run: honoured } = await timed("honoured", unbound, states, warmUp);
    const noop = await timedRefresh(honouredHost, simulator, noopStates, options.concurrency);
    const latencyPerGroup = await timedRefresh(honouredHost, simulator, withProvider(latencyPerGroupText), options.concurrency);
    const hostPeakRssBytes = peakRssBytes(honouredHost.pid);
    const { run: ignored } = await timed("ignored", unbound, states);
    const { run: defaultRate } = await timed("honoured", {}, states);
    const withoutBillingReads = { "ovh-office365:readBillingPeriod": "false" };
    const { run: withoutBilling } = await timed("honoured", { ...unbound, ...withoutBillingReads }, states);
    const { run: defaultRateWithoutBilling } = await timed("honoured", withoutBillingReads, states);

    const upRun = await timedUp(await startRun(unbound), simulator, providerText, options);

    const providerBytes = Buffer.byteLength(providerText, "utf8");
    const stateBytes = states.reduce((sum, state) => sum + Buffer.byteLength(JSON.stringify({ outputs: state.outputs, inputs: state.inputs }), "utf8"), 0);
    return { options, honoured, ignored, noop, latencyPerGroup, hostWarmUpReads: warmUp.length, defaultRate, withoutBilling, defaultRateWithoutBilling, up: upRun, hostPeakRssBytes, providerBytes, stateBytesPerResource: stateBytes / states.length };
  } finally {
    await Promise.all(hosts.map((host) => host.close()));
    await simulator.close();
    rmSync(programDir, { recursive: true, force: true });
  }
}

/**
 * Two providers that read nothing: one answers at once (what the host and the engine's calls cost on their own);
 * the other waits the simulator's latency once per group, the first read of a group starting the wait and the
 * group's other reads joining it, as a read joins its group's listing: what one list call per group costs in wall
 * time at best, with the reads in this order and this many at a time, whatever the provider does with the answer.
 */
function writeNoopProviders(programDir: string, latencyMs: number): void {
  const dir = path.join(programDir, "node_modules", NOOP_PACKAGE);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: NOOP_PACKAGE, version: "1.0.0", main: "index.js" }));
  const source = [
    "exports.noopProvider = { read: async (id, props) => ({ id, props }) };",
    "const listings = new Map();",
    "exports.listingOf = (serviceName) => {",
    "  let listing = listings.get(serviceName);",
    `  if (!listing) listings.set(serviceName, (listing = new Promise((resolve) => setTimeout(resolve, ${latencyMs}))));`,
    "  return listing;",
    "};",
    // The read finds the listings through require, as the host keeps the package's module state; a Map captured by
    // the serialized closure would be copied into the state as a plain object.
    "exports.latencyPerGroupProvider = {",
    `  read: async (id, props) => (await require("${NOOP_PACKAGE}").listingOf(props.serviceName), { id, props }),`,
    "};",
    "",
  ];
  writeFileSync(path.join(dir, "index.js"), source.join("\n"));
}

/** Licence groups holding base subscriptions of the catalogue's licences, in turn. */
function seedAccount(simulator: RunningSimulator, options: RefreshAtScaleOptions): string[] {
  const licenses = simulator.admin.licences().filter((license) => license.licenceType !== "ADDON");
  if (licenses.length === 0) throw new Error("The simulator's catalogue has no base licence to subscribe to.");
  const serviceNames: string[] = [];
  for (let group = 0; group < options.groups; group++) {
    const serviceName = simulator.admin.addLicenceGroup({ serviceName: `bench-group-${group}` });
    for (let index = 0; index < options.subscriptionsPerGroup; index++) {
      const license = licenses[(group * options.subscriptionsPerGroup + index) % licenses.length];
      simulator.admin.addSubscription(serviceName, { license: license.id, seats: 1 + (index % 5) });
    }
    serviceNames.push(serviceName);
  }
  return serviceNames;
}

async function timedRefresh(host: ProviderHost, simulator: RunningSimulator, states: ResourceState[], concurrency: number): Promise<RefreshRun> {
  simulator.requestLog.clear();
  const cpuBefore = cpuMs(host.pid);
  const started = process.hrtime.bigint();
  const refreshed = await inParallel(states, concurrency, (state) => refresh(host, state));
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const hostCpuMs = cpuMs(host.pid) - cpuBefore;
  const gone = refreshed.filter((state) => state === undefined).length;
  if (gone > 0) throw new Error(`${gone} of ${states.length} subscriptions were reported gone by refresh: the benchmark's account is wrong.`);
  return { resources: states.length, wallMs, httpRequests: apiRequestEntries(simulator).length, hostCpuMs };
}

/** `pulumi up` creating subscriptions in new groups, one of each licence per group, all at once. */
async function timedUp(host: ProviderHost, simulator: RunningSimulator, providerText: string, options: RefreshAtScaleOptions): Promise<UpRun> {
  simulator.admin.clearFaults();
  const licenses = simulator.admin.licences().filter((l) => l.licenceType !== "ADDON" && l.newSubscriptionsAllowed).slice(0, options.upSubscriptionsPerGroup);
  const declared = Array.from({ length: options.upGroups }, (_, group) => simulator.admin.addLicenceGroup({ serviceName: `bench-up-${group}` })).flatMap(
    (serviceName) => licenses.map((license, index) => ({ serviceName, license: license.name, seats: 1 + index })),
  );
  simulator.admin.addFault({ kind: "latency", delayMs: options.latencyMs });
  simulator.requestLog.clear();
  const started = process.hrtime.bigint();
  await inParallel(declared, options.concurrency, (inputs) => up(host, host.makeUrn(SUBSCRIPTION_TYPE, `${inputs.serviceName}-${inputs.license}`), { inputs, providerText }));
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const entries = apiRequestEntries(simulator);
  return {
    created: declared.length,
    wallMs,
    httpRequests: entries.length,
    orders: entries.filter((entry) => entry.method === "POST" && /\/subscription$/.test(entry.apiPath)).length,
    taskPolls: entries.filter((entry) => entry.method === "GET" && /\/task\/\d+$/.test(entry.apiPath)).length,
  };
}

/** Requests to the OVH API, the client's time synchronisation apart (one per run, not per resource). */
function apiRequestEntries(simulator: RunningSimulator) {
  return simulator.requestLog.entries().filter((entry) => entry.apiPath !== "/auth/time");
}

/** User and system CPU time of a process so far, from Linux's /proc (clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  // Fields 14 and 15 of the whole line (utime, stime) are the 12th and 13th after the command name.
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** The process's peak resident set (VmHWM), from Linux's /proc. */
function peakRssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const match = /^VmHWM:\s+(\d+)\s+kB$/m.exec(status);
  if (!match) throw new Error(`/proc/${pid}/status has no VmHWM line: peak memory can only be read on Linux.`);
  return Number(match[1]) * 1024;
}
