/** `npm run bench`: runs the benchmarks and prints their tables. A benchmark, not a test: it exits 0 unless it cannot run. */
import { Command, InvalidArgumentError } from "commander";
import { formatClientThroughput, runClientThroughput } from "./client-throughput";

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
}

async function main(): Promise<void> {
  const program = new Command("bench")
    .description("Benchmarks of pulumi-ovh-office365 against its local OVH API simulator")
    .option("--requests <n>", "timed requests per client", positiveInteger("--requests", 1_000_000), 3000)
    .option("--concurrency <n>", "requests in flight at once, the same for every client", positiveInteger("--concurrency", 256), 8)
    .option("--warmup <n>", "untimed requests per client before timing", positiveInteger("--warmup", 1_000_000), 1000)
    .option("--simulator-warmup <n>", "untimed requests before any client runs, to warm the simulator", positiveInteger("--simulator-warmup", 1_000_000), 5000)
    .parse(process.argv);
  const options = program.opts<BenchOptions>();

  console.log(`node ${process.version}, ${options.concurrency} requests in flight\n`);
  const report = await runClientThroughput({
    requests: options.requests, concurrency: options.concurrency, warmupRequests: options.warmup,
    simulatorWarmupRequests: options.simulatorWarmup,
  });
  console.log(formatClientThroughput(report));
}

main().catch((error: unknown) => {
  console.error(`Benchmark failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
