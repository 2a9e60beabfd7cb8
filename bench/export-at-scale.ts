/**
 * `ovh-office365 export` of a whole account, run in-process against the simulator with latency on every answer: the
 * requests it sends and its wall time under the client's default rate limit, against the floor of the calls it cannot
 * avoid; and the same export where OVH ignores list mode, out of the rate limit's way, for the fallback's request count.
 */
import { mkdtempSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import path from "path";
import Table from "cli-table3";
import { connect } from "../provider/cli/commands/command-support";
import { runExport } from "../provider/cli/commands/export";
import type { CliWriter } from "../provider/cli/commands/output";
import { resolveClientLimits } from "../provider/ovh/options";
import { simulatorEnvironment, startSimulator, type ListMode, type RunningSimulator } from "../simulator";

export interface ExportAtScaleOptions {
  groups: number;
  latencyMs: number;
}

/** The client's default rate limit (OVH_MAX_REQUESTS_PER_SECOND unset). */
const DEFAULT_REQUESTS_PER_SECOND = resolveClientLimits({}, {}).maxRequestsPerSecond;
// The client's ceiling for the run out of the rate limit's way.
const UNBOUND_REQUESTS_PER_SECOND = 100_000;

/** What the export sends, by the kind of call. */
const ROUTE_KINDS: Record<string, string> = {
  "/saas/csp2": "group list",
  "/saas/csp2/{serviceName}": "group (tenant)",
  "/saas/csp2/{serviceName}/subscription": "subscription listing",
  "/saas/csp2/{serviceName}/subscription/{id}": "subscription",
  "/saas/csp2/{serviceName}/orderableLicenses": "catalogue listing",
  "/saas/csp2/{serviceName}/orderableLicenses/{id}": "catalogue entry",
  "/saas/csp2/{serviceName}/task": "task listing",
  "/saas/csp2/{serviceName}/task/{id}": "task",
  "/saas/csp2/{serviceName}/subscription/{id}/addonsSubscriptionIds": "add-on list",
};

export interface ExportRun {
  wallMs: number;
  requests: number;
  byKind: Record<string, number>;
}

export interface ExportAtScaleReport {
  options: ExportAtScaleOptions;
  subscriptions: number;
  addons: number;
  /** Groups holding an add-on, and the base subscriptions in them (whose add-on lists must be read). */
  groupsWithAddons: number;
  basesInThem: number;
  /** The calls the export cannot avoid in list mode. */
  floorRequests: number;
  honoured: ExportRun;
  ignored: ExportRun;
  /** Both runs wrote the same file. */
  sameFile: boolean;
}

export async function runExportAtScale(options: ExportAtScaleOptions): Promise<ExportAtScaleReport> {
  const simulator = await startSimulator({ seed: "empty" });
  const dir = mkdtempSync(path.join(tmpdir(), "bench-export-"));
  try {
    const account = seedAccount(simulator, options.groups);
    simulator.admin.addFault({ kind: "latency", delayMs: options.latencyMs });
    const honoured = await timedExport(simulator, "honoured", {}, path.join(dir, "honoured.yaml"));
    const ignored = await timedExport(simulator, "ignored", { OVH_MAX_REQUESTS_PER_SECOND: String(UNBOUND_REQUESTS_PER_SECOND) }, path.join(dir, "ignored.yaml"));
    const floorRequests = 1 + 3 * options.groups + account.basesInThem;
    const sameFile = readFileSync(path.join(dir, "honoured.yaml"), "utf8") === readFileSync(path.join(dir, "ignored.yaml"), "utf8");
    return { options, ...account, floorRequests, honoured, ignored, sameFile };
  } finally {
    await simulator.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Licence groups each holding two base subscriptions of the catalogue's licences in turn, every fourth one also an
 * add-on on its first: a reseller's account, whose add-on parents cost reads in some groups only.
 */
function seedAccount(simulator: RunningSimulator, groups: number) {
  const licenses = simulator.admin.licences();
  const bases = licenses.filter((license) => license.licenceType !== "ADDON" && license.newSubscriptionsAllowed);
  const addon = licenses.find((license) => license.licenceType === "ADDON" && bases[0].addonIds.includes(license.id));
  if (bases.length < 2 || !addon) throw new Error("The simulator's catalogue lacks two base licences and an add-on of the first.");
  let subscriptions = 0;
  let addons = 0;
  for (let group = 0; group < groups; group++) {
    const withAddon = group % 4 === 0;
    const held = [
      { license: bases[0].id, seats: 5 + (group % 7), ...(withAddon && { addons: [{ license: addon.id, seats: 2 }] }) },
      { license: bases[1 + (group % (bases.length - 1))].id, seats: 1 + (group % 3) },
    ];
    simulator.admin.addLicenceGroup({ serviceName: `bench-export-${String(group).padStart(4, "0")}`, tenant: { displayName: `Customer ${group}` }, subscriptions: held });
    subscriptions += 2 + (withAddon ? 1 : 0);
    if (withAddon) addons += 1;
  }
  const groupsWithAddons = Math.ceil(groups / 4);
  return { subscriptions, addons, groupsWithAddons, basesInThem: 2 * groupsWithAddons };
}

async function timedExport(simulator: RunningSimulator, listMode: ListMode, limits: Record<string, string>, out: string): Promise<ExportRun> {
  simulator.admin.setSettings({ listMode });
  // A new connection is a new process: nothing learnt of the endpoint's list mode by the previous run.
  const requester = connect({ env: { ...simulatorEnvironment(simulator), ...limits } });
  const silent: CliWriter = { out: () => undefined, err: (text) => process.stderr.write(text), progress: () => undefined };
  simulator.requestLog.clear();
  const started = process.hrtime.bigint();
  const exitCode = await runExport(requester, silent, [], { out });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (exitCode !== 0) throw new Error(`export exited ${exitCode}`);
  const entries = simulator.requestLog.entries().filter((entry) => entry.apiPath !== "/auth/time");
  const byKind: Record<string, number> = {};
  for (const entry of entries) {
    const kind = ROUTE_KINDS[entry.route ?? ""] ?? entry.route ?? entry.apiPath;
    byKind[kind] = (byKind[kind] ?? 0) + 1;
  }
  return { wallMs, requests: entries.length, byKind };
}

export function formatExportAtScale(report: ExportAtScaleReport): string {
  const { options, honoured, ignored } = report;
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const floorMs = (report.floorRequests / DEFAULT_REQUESTS_PER_SECOND) * 1000;
  const table = new Table({ head: ["run", "requests", "wall time", "floor", "× floor"], colAligns: ["left", "right", "right", "right", "right"], style: { head: [], border: [] } });
  table.push(
    [
      `list mode honoured, default rate limit (${DEFAULT_REQUESTS_PER_SECOND}/s)`,
      honoured.requests,
      seconds(honoured.wallMs),
      `${report.floorRequests} requests, ${seconds(floorMs)}`,
      `${(honoured.requests / report.floorRequests).toFixed(2)} / ${(honoured.wallMs / floorMs).toFixed(2)}`,
    ],
    ["list mode ignored, no rate limit", ignored.requests, seconds(ignored.wallMs), "", ""],
  );
  const kinds = (run: ExportRun) =>
    Object.entries(run.byKind)
      .map(([kind, count]) => `${kind} ${count}`)
      .join(", ");
  return [
    `Export of an account of ${options.groups} licence groups (${report.subscriptions} subscriptions, ${report.addons} of them add-ons, in ` +
      `${report.groupsWithAddons} groups), ${options.latencyMs} ms latency on every API answer, the file written to disk`,
    table.toString(),
    `Floor: the group list (tenants included, in list mode), then per group one listing each of its subscriptions, its catalogue ` +
      `(licence names, and which are add-ons) and its tasks in progress (a group with one is not written), and one add-on list per ` +
      `base subscription of a group holding an add-on (${report.basesInThem}): 1 + 3 × ${options.groups} + ${report.basesInThem} = ${report.floorRequests}`,
    `Requests, list mode honoured: ${kinds(honoured)}`,
    `Requests, list mode ignored: ${kinds(ignored)}`,
    `Same file from both runs: ${report.sameFile ? "yes" : "NO"}`,
  ].join("\n");
}
