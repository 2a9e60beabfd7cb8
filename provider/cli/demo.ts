import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Command, InvalidArgumentError } from "commander";
import { simulatorEnvironment, startSimulator, type RunningSimulator } from "../../simulator";
import { createOvhClient } from "../ovh";
import { readStatus, renderStatus } from "./commands/status";
import type { CliWriter } from "./commands/output";
import { destroy, preview, refresh, up, type ResourceState } from "./engine-steps";
import { findPackageRoot, serializeProvider, stageProgram } from "./program-stage";
import { type ProviderHost, startProviderHost } from "./provider-host";

/**
 * `ovh-office365 demo`: the quickstart's resources driven through Pulumi's real dynamic-provider host (the engine's
 * own process; no Pulumi CLI needed) against the embedded OVH simulator, with a control-panel view after each step.
 */

const SUBSCRIPTION = "pulumi-nodejs:dynamic/ovh-office365:Subscription";
const LICENSE_GROUP = "pulumi-nodejs:dynamic/ovh-office365:LicenseGroup";

/** The quickstart program's declarations with its default config (examples/quickstart, Pulumi.yaml). */
export const quickstart = {
  group: { name: "licence-group", displayName: "Contoso (quickstart)" },
  maxSeatChange: 10,
  subscriptions: [
    { name: "business-basic", license: "Microsoft 365 Business Basic", seats: 5 },
    { name: "business-standard", license: "Microsoft 365 Business Standard", seats: 2 },
  ],
};

export interface DemoOptions {
  taskDurationMs: number;
  /** Where the program directory goes when the package is not installed in a node_modules. */
  workDir?: string;
  writer: Pick<CliWriter, "out">;
}

export async function runDemo(options: DemoOptions): Promise<void> {
  const say = (text: string) => options.writer.out(`${text}\n`);
  const heading = (text: string) => say(`\n=== ${text}`);
  const simulator = await startSimulator({ taskDurationMs: options.taskDurationMs });
  let host: ProviderHost | undefined;
  try {
    const serviceName = simulator.admin.licenceGroups().find((name) => groupLacksQuickstartLicences(simulator, name));
    if (!serviceName) throw new Error("The simulator's demo account has no group free of the quickstart's licences.");
    say(`OVH API simulator: ${simulator.endpoint} (licence group ${serviceName})`);

    const packageRoot = findPackageRoot();
    const { programDir } = await stageProgram({
      packageRoot,
      programDir: options.workDir ?? path.join(packageRoot, ".tmp", "demo-program"),
    });
    const [subscriptionProvider, licenseGroupProvider] = await Promise.all([
      serializeProvider({ programDir, exportName: "subscriptionProvider" }),
      serializeProvider({ programDir, exportName: "licenseGroupProvider" }),
    ]);
    host = await startProviderHost({ cwd: programDir, onOutput: (line) => say(`  │ ${line.text}`) });
    const { applicationKey, applicationSecret, consumerKey } = simulator.credentials;
    await host.configure(
      {
        "ovh:endpoint": simulator.endpoint,
        "ovh:applicationKey": applicationKey,
        "ovh:applicationSecret": applicationSecret,
        "ovh:consumerKey": consumerKey,
      },
      { secretKeys: ["ovh:applicationSecret", "ovh:consumerKey"] },
    );
    say(`Pulumi dynamic-provider host ${host.version} started (pid ${host.pid}); provider code in state: ${subscriptionProvider.length} bytes`);

    const requester = createOvhClient({ endpoint: simulator.endpoint, applicationKey, applicationSecret, consumerKey, env: {} });
    const controlPanel = async () => say(renderStatus(await readStatus(requester, silentWriter, serviceName)).trimEnd());
    const h = host;
    const groupInputs = { serviceName, displayName: quickstart.group.displayName };
    const seatsOf = (name: string) => quickstart.subscriptions.find((s) => s.name === name)!.seats;
    const subscriptionInputs = (name: string, seats = seatsOf(name)) => {
      const declared = quickstart.subscriptions.find((s) => s.name === name)!;
      return { serviceName, license: declared.license, seats, maxSeatChange: quickstart.maxSeatChange };
    };
    const urnOf = (type: string, name: string) => h.makeUrn(type, name);

    heading("1. pulumi up: adopt the licence group, order two subscriptions");
    const group = (await up(h, urnOf(LICENSE_GROUP, quickstart.group.name), { inputs: groupInputs, providerText: licenseGroupProvider })).state;
    const subscriptions = new Map<string, ResourceState>();
    await Promise.all(
      quickstart.subscriptions.map(async ({ name }) => {
        const result = await up(h, urnOf(SUBSCRIPTION, name), { inputs: subscriptionInputs(name), providerText: subscriptionProvider });
        subscriptions.set(name, result.state);
      }),
    );
    await controlPanel();

    heading("2. Seat change reviewed in a pull request: business-basic 5 => 8, then pulumi up");
    const basic = "business-basic";
    const declaredBasic = 8;
    const planned = await preview(h, subscriptions.get(basic)!, { inputs: subscriptionInputs(basic, declaredBasic), providerText: subscriptionProvider });
    say(`pulumi preview: ${planned.changes ? `~ update business-basic (seats: ${seatsOf(basic)} => ${declaredBasic})` : "no changes"}`);
    subscriptions.set(basic, (await up(h, urnOf(SUBSCRIPTION, basic), { inputs: subscriptionInputs(basic, declaredBasic), providerText: subscriptionProvider, previous: subscriptions.get(basic) })).state);
    await controlPanel();

    heading("3. Someone starts a seat change in the control panel: the task is pending");
    const basicId = subscriptions.get(basic)!.outputs.subscriptionId as number;
    const task = simulator.admin.startTask(serviceName, { function: "changeQuantity", subscriptionId: basicId, quantity: declaredBasic + 1, durationMs: options.taskDurationMs * 3 });
    subscriptions.set(basic, (await refresh(h, subscriptions.get(basic)!))!);
    await controlPanel();
    const pending = await preview(h, subscriptions.get(basic)!, { inputs: subscriptionInputs(basic, declaredBasic), providerText: subscriptionProvider });
    say(`pulumi preview --refresh --expect-no-changes: ${pending.changes ? `DRIFT (task ${task.id} pending): exit code 255` : "no changes"}`);
    say("pulumi up: waits for the task, then restores the declared seats");
    subscriptions.set(basic, (await up(h, urnOf(SUBSCRIPTION, basic), { inputs: subscriptionInputs(basic, declaredBasic), providerText: subscriptionProvider, previous: subscriptions.get(basic) })).state);
    await controlPanel();

    heading(`4. Drift: seats lowered by hand in the control panel (${declaredBasic} => ${declaredBasic - 2})`);
    simulator.admin.setSeats(serviceName, basicId, declaredBasic - 2);
    subscriptions.set(basic, (await refresh(h, subscriptions.get(basic)!))!);
    const drift = await preview(h, subscriptions.get(basic)!, { inputs: subscriptionInputs(basic, declaredBasic), providerText: subscriptionProvider });
    say(`pulumi preview --refresh: ${drift.changes ? `~ business-basic seats: ${subscriptions.get(basic)!.inputs.seats} => ${declaredBasic}` : "no changes"}`);
    subscriptions.set(basic, (await up(h, urnOf(SUBSCRIPTION, basic), { inputs: subscriptionInputs(basic, declaredBasic), providerText: subscriptionProvider, previous: subscriptions.get(basic) })).state);
    say(`pulumi up: converged to ${subscriptions.get(basic)!.outputs.seats} seats`);

    heading("5. Drift: a subscription deleted by hand in the control panel");
    const standard = "business-standard";
    simulator.admin.deleteSubscription(serviceName, subscriptions.get(standard)!.outputs.subscriptionId as number);
    const refreshed = await refresh(h, subscriptions.get(standard)!);
    say(`pulumi preview --refresh: ${refreshed ? "no changes" : "+ create business-standard (it no longer exists at OVH)"}`);
    subscriptions.set(standard, (await up(h, urnOf(SUBSCRIPTION, standard), { inputs: subscriptionInputs(standard), providerText: subscriptionProvider })).state);
    await controlPanel();

    heading("6. pulumi destroy: delete the subscriptions, forget the group");
    await Promise.all([...subscriptions.values()].map((state) => destroy(h, state)));
    await destroy(h, group);
    await controlPanel();
    const left = simulator.admin.subscriptions(serviceName).filter((s) => quickstart.subscriptions.some((q) => q.license === s.licenseName));
    if (left.length > 0) throw new Error(`Clean-up left ${left.length} subscription(s) behind.`);
    heading(`Done: ${simulator.requestLog.figures().requests} OVH API calls, every step converged.`);
  } finally {
    await host?.close();
    await simulator.close();
  }
}

function groupLacksQuickstartLicences(simulator: RunningSimulator, serviceName: string): boolean {
  const names = new Set(simulator.admin.subscriptions(serviceName).map((s) => s.licenseName));
  return quickstart.subscriptions.every((s) => !names.has(s.license));
}

const silentWriter: CliWriter = { out: () => undefined, err: () => undefined, progress: () => undefined };

/**
 * The same story with the real Pulumi CLI: `pulumi up`, `preview --refresh --expect-no-changes` and `destroy` of the
 * repository's Pulumi.yaml (examples/quickstart) with a local file backend, against the simulator.
 */
export async function runPulumiDemo(options: DemoOptions): Promise<void> {
  const say = (text: string) => options.writer.out(`${text}\n`);
  const pulumi = findOnPath("pulumi");
  if (!pulumi) {
    throw new Error("--pulumi needs the Pulumi CLI on PATH (https://www.pulumi.com/docs/install/); without it, run the demo without --pulumi.");
  }
  const packageRoot = findPackageRoot();
  if (!fs.existsSync(path.join(packageRoot, "Pulumi.yaml")) || !fs.existsSync(path.join(packageRoot, "examples", "node_modules"))) {
    throw new Error("--pulumi runs the repository's Pulumi.yaml: run it from a checkout, after `npm run build`.");
  }
  const backend = fs.mkdtempSync(path.join(os.tmpdir(), "ovh-office365-demo-backend-"));
  const simulator = await startSimulator({ taskDurationMs: options.taskDurationMs });
  const env = {
    ...process.env,
    ...simulatorEnvironment(simulator),
    PULUMI_BACKEND_URL: `file://${backend}`,
    PULUMI_CONFIG_PASSPHRASE: "ovh-office365-demo",
    PULUMI_SKIP_UPDATE_CHECK: "true",
  };
  const run = async (args: string[], expectedExit: (code: number) => boolean = (code) => code === 0): Promise<number> => {
    say(`\n$ pulumi ${args.join(" ")}`);
    const code = await new Promise<number>((resolve, reject) => {
      const child = spawn(pulumi, args, { cwd: packageRoot, env, stdio: ["ignore", "pipe", "pipe"] });
      child.stdout.on("data", (chunk: Buffer) => options.writer.out(chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => options.writer.out(chunk.toString()));
      child.on("error", reject);
      child.on("close", (exitCode) => resolve(exitCode ?? 1));
    });
    if (!expectedExit(code)) throw new Error(`\`pulumi ${args.join(" ")}\` exited with ${code}.`);
    return code;
  };
  try {
    const serviceName = simulator.admin.licenceGroups().find((name) => groupLacksQuickstartLicences(simulator, name));
    if (!serviceName) throw new Error("The simulator's demo account has no group free of the quickstart's licences.");
    say(`OVH API simulator: ${simulator.endpoint}; local Pulumi backend: ${backend}`);
    await run(["stack", "init", "demo", "--non-interactive"]);
    await run(["config", "set", "serviceName", serviceName]);
    await run(["up", "--yes", "--skip-preview"]);
    await run(["config", "set", "basicSeats", "8"]);
    await run(["preview", "--diff"]);
    await run(["up", "--yes", "--skip-preview"]);
    const basic = simulator.admin.subscriptions(serviceName).find((s) => s.licenseName === quickstart.subscriptions[0].license);
    if (!basic) throw new Error(`pulumi up did not create the ${quickstart.subscriptions[0].license} subscription.`);
    say(`\nIn the control panel, someone lowers ${basic.licenseName} to 6 seats.`);
    simulator.admin.setSeats(serviceName, basic.id, 6);
    const drift = await run(["preview", "--refresh", "--expect-no-changes"], (code) => code !== 0);
    say(`drift detected: pulumi exited with ${drift}`);
    await run(["up", "--refresh", "--yes", "--skip-preview"]);
    await run(["destroy", "--yes", "--skip-preview"]);
    await run(["stack", "rm", "demo", "--yes"]);
  } finally {
    await simulator.close();
    fs.rmSync(backend, { recursive: true, force: true });
  }
}

function findOnPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    const candidate = path.join(dir, command);
    if (dir !== "" && fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

export function registerDemoCommand(program: Command): Command {
  return program
    .command("demo")
    .summary("run the quickstart against the embedded OVH simulator, through Pulumi's provider host")
    .description(
      "Starts the OVH API simulator, then drives the quickstart's LicenseGroup and Subscription resources through " +
        "Pulumi's real dynamic-provider host (no Pulumi CLI or OVH account needed): orders subscriptions, changes " +
        "seats, shows a pending task, makes out-of-band changes as a person in the control panel would and shows them " +
        "detected as drift, converges, and cleans up. With --pulumi, runs the real `pulumi up`, `preview --refresh` " +
        "and `destroy` of the repository's Pulumi.yaml instead (needs the Pulumi CLI on PATH). " +
        "Exit code 0 when every step converged, 1 otherwise.",
    )
    .option("--task-duration <ms>", "how long each simulated OVH task takes", parseDuration, 1500)
    .option("--pulumi", "use the Pulumi CLI on PATH with a local file backend")
    .action(async (options: { taskDuration: number; pulumi?: boolean }) => {
      const demo = options.pulumi ? runPulumiDemo : runDemo;
      try {
        await demo({ taskDurationMs: options.taskDuration, writer: { out: (text) => process.stdout.write(text) } });
      } catch (error) {
        process.stderr.write(`\ndemo failed: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exitCode = 1;
      }
    });
}

function parseDuration(text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value > 600_000) throw new InvalidArgumentError(`must be a whole number of milliseconds up to 600000, got "${text}"`);
  return value;
}
