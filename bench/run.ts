/** `npm run bench`: runs the benchmarks and prints their tables. A benchmark, not a test: it exits 0 unless it cannot run. */
import { Command, InvalidArgumentError } from "commander";
import { formatClientThroughput, runClientThroughput } from "./client-throughput";
import { formatExportAtScale, runExportAtScale } from "./export-at-scale";
import { runRefreshAtScale } from "./refresh-at-scale";
import { formatRefreshAtScale } from "./refresh-report";
import { formatTaskLatency, runTaskLatency } from "./task-latency";
import { formatUsageAtScale, runUsageAtScale } from "./usage-at-scale";

const BENCHMARKS = ["throughput", "refresh", "tasks", "export", "usage"] as const;
type Benchmark = (typeof BENCHMARKS)[number];

function benchmarkName(text: string, previous: Benchmark[] | undefined): Benchmark[] {
  if (!(BENCHMARKS as readonly string[]).includes(text)) {
    throw new InvalidArgumentError(`unknown benchmark "${text}": choose from ${BENCHMARKS.join(", ")}, or give none to run them all.`);
  }
  return [...(previous ?? []), text as Benchmark];
}

function positiveInteger(flag: string, max: number) {
  return (text: string): number => {
    const value = Number(text);
    if (!/^\d+$/.test(text.trim()) || value < 1 || value > max) throw new InvalidArgumentError(`${flag} must be a whole number from 1 to ${max}, got "${text}".`);
    return value;
  };
}

interface BenchOptions {
  requests: number;
  concurrency: number;
  warmup: number;
  simulatorWarmup: number;
  groups: number;
  subscriptionsPerGroup: number;
  latency: number;
  parallel: number;
  upGroups: number;
  upSubscriptionsPerGroup: number;
  longTask: boolean;
  exportGroups: number;
  usageGroups: number;
}

async function main(): Promise<void> {
  const program = new Command("bench")
    .description("Benchmarks of pulumi-ovh-office365 against its local OVH API simulator")
    .option("--requests <n>", "timed requests per client", positiveInteger("--requests", 1_000_000), 3000)
    .option("--concurrency <n>", "requests in flight at once, the same for every client", positiveInteger("--concurrency", 256), 8)
    .option("--warmup <n>", "untimed requests per client before timing", positiveInteger("--warmup", 1_000_000), 1000)
    .option("--simulator-warmup <n>", "untimed requests before any client runs, to warm the simulator", positiveInteger("--simulator-warmup", 1_000_000), 5000)
    .option("--groups <n>", "refresh: licence groups", positiveInteger("--groups", 10_000), 100)
    .option("--subscriptions-per-group <n>", "refresh: subscriptions in each group", positiveInteger("--subscriptions-per-group", 1000), 10)
    .option("--latency <ms>", "refresh: latency the simulator adds to every API answer", positiveInteger("--latency", 10_000), 20)
    .option("--parallel <n>", "refresh: reads at a time, and the client's maxConcurrentRequests", positiveInteger("--parallel", 256), 16)
    .option("--up-groups <n>", "refresh: licence groups pulumi up creates subscriptions in", positiveInteger("--up-groups", 1000), 10)
    .option("--up-subscriptions-per-group <n>", "refresh: subscriptions pulumi up creates in each (one per licence)", positiveInteger("--up-subscriptions-per-group", 5), 5)
    .option("--long-task", "tasks: also measure a 60 s task", false)
    .option("--export-groups <n>", "export: licence groups of the account exported", positiveInteger("--export-groups", 10_000), 200)
    .option("--usage-groups <n>", "usage: licence groups `usage --all` reads", positiveInteger("--usage-groups", 100_000), 500)
    .argument("[benchmarks...]", `which to run (${BENCHMARKS.join(", ")}); all when none is given`, benchmarkName)
    .parse(process.argv);
  const options = program.opts<BenchOptions>();
  // Commander hands an empty list, not undefined, when no benchmark is named.
  const named = (program.processedArgs[0] as Benchmark[] | undefined) ?? [];
  const chosen: Benchmark[] = named.length > 0 ? named : [...BENCHMARKS];

  console.log(`node ${process.version}\n`);
  if (chosen.includes("throughput")) {
    const report = await runClientThroughput({
      requests: options.requests, concurrency: options.concurrency, warmupRequests: options.warmup,
      simulatorWarmupRequests: options.simulatorWarmup,
    });
    console.log(`${formatClientThroughput(report)}\n`);
  }
  if (chosen.includes("refresh")) {
    const report = await runRefreshAtScale({
      groups: options.groups, subscriptionsPerGroup: options.subscriptionsPerGroup, latencyMs: options.latency,
      concurrency: options.parallel, upGroups: options.upGroups, upSubscriptionsPerGroup: options.upSubscriptionsPerGroup,
    });
    console.log(`${formatRefreshAtScale(report)}\n`);
  }
  if (chosen.includes("export")) {
    const report = await runExportAtScale({ groups: options.exportGroups, latencyMs: options.latency });
    console.log(`${formatExportAtScale(report)}\n`);
  }
  if (chosen.includes("usage")) {
    const report = await runUsageAtScale({ groups: options.usageGroups });
    console.log(`${formatUsageAtScale(report)}\n`);
  }
  if (chosen.includes("tasks")) {
    const measurements = await runTaskLatency(options.longTask ? [2000, 10_000, 60_000] : [2000, 10_000]);
    console.log(`${formatTaskLatency(measurements)}\n`);
  }
}

main().catch((error: unknown) => {
  console.error(`Benchmark failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
