import Table from "cli-table3";
import { resolveClientLimits } from "../provider/ovh/options";
import {
  DEFAULT_RATE_WALL_GOAL_MS,
  NOOP_FACTOR_GOAL,
  PEAK_RSS_GOAL_BYTES,
  PROVIDER_BYTES_GOAL,
  REQUESTS_PER_SUBSCRIPTION_GOAL,
  type RefreshAtScaleReport,
} from "./refresh-at-scale";

/** The client's default rate limit (ovh-office365:maxRequestsPerSecond unset). */
const DEFAULT_REQUESTS_PER_SECOND = resolveClientLimits({}, {}).maxRequestsPerSecond;

function verdict(value: number, goal: number): string {
  return value <= goal ? "met" : `missed by ${(((value - goal) / goal) * 100).toFixed(0)} %`;
}

/** The refresh-at-scale figures, each beside its floor and goal. */
export function formatRefreshAtScale(report: RefreshAtScaleReport): string {
  const { options, honoured, ignored, noop, latencyPerGroup, defaultRate, withoutBilling, defaultRateWithoutBilling, up } = report;
  const perSubscription = (requests: number) => requests / honoured.resources;
  const ms = (value: number) => `${value.toFixed(0)} ms`;
  const table = new Table({
    head: ["measure", "value", "floor", "× floor", "goal", "result"],
    colAligns: ["left", "right", "right", "right", "right", "left"],
    style: { head: [], border: [] },
  });
  const honouredPer = perSubscription(honoured.httpRequests);
  const ignoredPer = perSubscription(ignored.httpRequests);
  const groupFloor = options.groups / honoured.resources;
  const withoutBillingPer = perSubscription(withoutBilling.httpRequests);
  const rateFloorWithoutBillingMs = (defaultRateWithoutBilling.httpRequests / DEFAULT_REQUESTS_PER_SECOND) * 1000;
  const wallFactor = honoured.wallMs / noop.wallMs;
  const rateFloorMs = (defaultRate.httpRequests / DEFAULT_REQUESTS_PER_SECOND) * 1000;
  const upFloor = up.orders + up.taskPolls + up.created;
  table.push(
    ["OVH requests per subscription, list mode honoured", honouredPer.toFixed(3), `${(2 * groupFloor).toFixed(3)} (a list and a billing read per group)`, (honouredPer / (2 * groupFloor)).toFixed(2), "", ""],
    ["the same, readBillingPeriod false", withoutBillingPer.toFixed(3), `${groupFloor.toFixed(3)} (one list per group)`, (withoutBillingPer / groupFloor).toFixed(2), `≤ ${REQUESTS_PER_SUBSCRIPTION_GOAL}`, verdict(withoutBillingPer, REQUESTS_PER_SUBSCRIPTION_GOAL)],
    ["OVH requests per subscription, list mode ignored", ignoredPer.toFixed(3), `${(1 + groupFloor).toFixed(3)} (one GET each, a billing read per group)`, (ignoredPer / (1 + groupFloor)).toFixed(2), "", ""],
    ["wall time, list mode honoured, readBillingPeriod false", ms(withoutBilling.wallMs), `${ms(noop.wallMs)} (no-op provider)`, (withoutBilling.wallMs / noop.wallMs).toFixed(2), "", ""],
    ["wall time, list mode honoured", ms(honoured.wallMs), `${ms(noop.wallMs)} (no-op provider)`, wallFactor.toFixed(2), `≤ ${NOOP_FACTOR_GOAL}×`, verdict(wallFactor, NOOP_FACTOR_GOAL)],
    ["wall time, list mode honoured, against one latency per group", ms(honoured.wallMs), `${ms(latencyPerGroup.wallMs)} (waits ${options.latencyMs} ms per group)`, (honoured.wallMs / latencyPerGroup.wallMs).toFixed(2), "", ""],
    ["wall time, list mode ignored", ms(ignored.wallMs), ms(noop.wallMs), (ignored.wallMs / noop.wallMs).toFixed(2), "", ""],
    ["provider host CPU, list mode honoured", ms(honoured.hostCpuMs), `${ms(noop.hostCpuMs)} (no-op provider)`, (honoured.hostCpuMs / noop.hostCpuMs).toFixed(2), "", ""],
    [`wall time under the default rate limit (${DEFAULT_REQUESTS_PER_SECOND}/s), all measured`, ms(defaultRate.wallMs), `${ms(rateFloorMs)} (${defaultRate.httpRequests} requests)`, (defaultRate.wallMs / rateFloorMs).toFixed(2), "", ""],
    ["the same, readBillingPeriod false", ms(defaultRateWithoutBilling.wallMs), `${ms(rateFloorWithoutBillingMs)} (${defaultRateWithoutBilling.httpRequests} requests)`, (defaultRateWithoutBilling.wallMs / rateFloorWithoutBillingMs).toFixed(2), `≤ ${DEFAULT_RATE_WALL_GOAL_MS / 1000} s`, verdict(defaultRateWithoutBilling.wallMs, DEFAULT_RATE_WALL_GOAL_MS)],
    [`pulumi up: requests per created subscription (${up.created} in ${options.upGroups} groups)`, (up.httpRequests / up.created).toFixed(2), `${(upFloor / up.created).toFixed(2)} (order + task polls + one read)`, (up.httpRequests / upFloor).toFixed(2), "", ""],
  );
  const footprint = new Table({ head: ["measure", "value", "goal", "result"], colAligns: ["left", "right", "right", "left"], style: { head: [], border: [] } });
  const kib = (bytes: number) => `${(bytes / 1024).toFixed(2)} KiB`;
  const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  footprint.push(
    ["__provider per resource", kib(report.providerBytes), `≤ ${kib(PROVIDER_BYTES_GOAL)}`, verdict(report.providerBytes, PROVIDER_BYTES_GOAL)],
    ["serialized state per resource (JSON of outputs + inputs)", kib(report.stateBytesPerResource), "", ""],
    ["provider host peak RSS (VmHWM) after the refresh", mib(report.hostPeakRssBytes), `≤ ${mib(PEAK_RSS_GOAL_BYTES)}`, verdict(report.hostPeakRssBytes, PEAK_RSS_GOAL_BYTES)],
  );
  return [
    `Refresh at scale: ${honoured.resources} subscriptions in ${options.groups} licence groups through the real provider host, ` +
      `${options.concurrency} reads at a time in the state's order, ${options.latencyMs} ms latency on every API answer; ` +
      `each run a new host, its code warmed by ${report.hostWarmUpReads} untimed no-op reads before the providers compared in it; the rate limit not binding unless said`,
    table.toString(),
    `pulumi up: ${up.created} created in ${ms(up.wallMs)}: ${up.httpRequests} requests, of which ${up.orders} orders and ${up.taskPolls} task polls`,
    "",
    "State footprint (package installed in the program's node_modules) and memory",
    footprint.toString(),
  ].join("\n");
}
