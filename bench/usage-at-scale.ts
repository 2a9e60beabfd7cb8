/**
 * `ovh-office365 usage --all` on a large account: the OVH requests it sends and its wall time at the client's default
 * rate limit (10 requests/s), against its floor, one call per licence group (each group's billing figures; the group
 * list's one call and the client's clock read come on top). Run the same way as the command (`connect`, the OVH_*
 * variables), against the simulator in this process, each group given subscriptions with a seat history.
 */
import { connect } from "../provider/cli/commands/command-support";
import { readAllUsage } from "../provider/cli/commands/usage";
import { simulatorEnvironment, startSimulator, type RunningSimulator } from "../simulator";

export interface UsageAtScaleOptions {
  groups: number;
}

export interface UsageRun {
  /** Requests that reached the OVH API, the clock read included. */
  requests: number;
  /** Of which: the client's `GET /auth/time`. */
  clockReads: number;
  wallMs: number;
  invoicingLines: number;
}

export interface UsageAtScaleReport {
  options: UsageAtScaleOptions;
  /** The client's default rate limit, as a user runs the command. */
  defaultRate: UsageRun;
  defaultRequestsPerSecond: number;
  /** The same with the rate limit out of the way: what the command costs itself. */
  unbound: UsageRun;
}

const DEFAULT_REQUESTS_PER_SECOND = 10;

function seedAccount(simulator: RunningSimulator, groups: number): void {
  const licenses = ["Microsoft 365 Business Basic", "Microsoft 365 Business Standard", "Exchange Online (Plan 1)", "Office 365 E3"];
  for (let group = 0; group < groups; group++) {
    simulator.admin.addLicenceGroup({
      serviceName: `bench-usage-${group}`,
      tenant: { displayName: `Customer ${group}` },
      subscriptions: [0, 1].map((index) => ({
        license: licenses[(group + index) % licenses.length],
        seats: 10 + (group % 7),
        ageHours: 24 * 120,
        earlierSeats: [{ seats: 4 + index, untilHoursAgo: 24 * 60 }, { seats: 12 + (group % 5), untilHoursAgo: 24 * 20 }],
      })),
    });
  }
}

async function timedUsage(simulator: RunningSimulator, requestsPerSecond: number): Promise<UsageRun> {
  const requester = connect({ env: { ...simulatorEnvironment(simulator), OVH_MAX_REQUESTS_PER_SECOND: String(requestsPerSecond) } });
  simulator.requestLog.clear();
  const started = process.hrtime.bigint();
  const report = await readAllUsage(requester, { out: () => undefined, err: () => undefined, progress: () => undefined }, { all: true });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const entries = simulator.requestLog.entries();
  return { requests: entries.length, clockReads: entries.filter((entry) => entry.apiPath === "/auth/time").length, wallMs, invoicingLines: report.lines.length };
}

export async function runUsageAtScale(options: UsageAtScaleOptions): Promise<UsageAtScaleReport> {
  const simulator = await startSimulator({ seed: "empty" });
  try {
    seedAccount(simulator, options.groups);
    // Unbound first: it also warms the code the timed run under the rate limit goes through.
    const unbound = await timedUsage(simulator, 100_000);
    const defaultRate = await timedUsage(simulator, DEFAULT_REQUESTS_PER_SECOND);
    return { options, defaultRate, defaultRequestsPerSecond: DEFAULT_REQUESTS_PER_SECOND, unbound };
  } finally {
    await simulator.close();
  }
}

export function formatUsageAtScale(report: UsageAtScaleReport): string {
  const { groups } = report.options;
  const floorRequests = groups;
  const floorMs = (floorRequests / report.defaultRequestsPerSecond) * 1000;
  const row = (name: string, run: UsageRun, floor: string) =>
    `| ${name} | ${run.requests} (${run.requests - run.clockReads} API + ${run.clockReads} clock) | ${Math.round(run.wallMs).toLocaleString("en-US")} ms | ${floor} |`;
  return [
    `usage --all on ${groups} licence groups (${report.defaultRate.invoicingLines} invoicing lines), against the floor of one call per group:`,
    "",
    "| run | requests | wall time | floor |",
    "|---|---|---|---|",
    row(`default rate limit (${report.defaultRequestsPerSecond}/s)`, report.defaultRate, `${floorRequests} requests, ${Math.round(floorMs).toLocaleString("en-US")} ms: ${(report.defaultRate.wallMs / floorMs).toFixed(2)}x its time`),
    row("rate limit out of the way", report.unbound, `${floorRequests} requests: ${((report.unbound.requests - report.unbound.clockReads) / floorRequests).toFixed(3)}x`),
  ].join("\n");
}
