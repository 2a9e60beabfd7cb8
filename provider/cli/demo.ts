import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Command, InvalidArgumentError } from "commander";
import { simulatorEnvironment, startSimulator, type RunningSimulator } from "../../simulator";
import { createOvhClient } from "../ovh";
import { CliConfigError } from "./commands/command-support";
import { writeReport } from "./commands/report";
import { readStatus } from "./commands/status";
import { changedSubscriptions, refusedDeletesSummary, renderChanges, renderHoldings, type SubscriptionSnapshot } from "./demo-view";
import type { CliWriter } from "./commands/output";
import {
  destroy,
  preview,
  refresh,
  up,
  type ResourceState,
  findPackageRoot,
  serializeProvider,
  stageProgram,
  type ProviderHost,
  startProviderHost,
  dynamicResourceType,
} from "../../pulumi-host";

/**
 * `ovh-office365 demo`: the quickstart's resources driven through Pulumi's real dynamic-provider host (the engine's
 * own process; no Pulumi CLI needed) against the embedded OVH simulator, with a short control-panel view of what
 * changed after each step.
 */

const SUBSCRIPTION = dynamicResourceType("Subscription", "ovh-office365");
const LICENSE_GROUP = dynamicResourceType("LicenseGroup", "ovh-office365");

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
  /** Where the report of the account is written at the end. Default: beside the program directory. */
  reportFile?: string;
  writer: Pick<CliWriter, "out">;
}

export async function runDemo(options: DemoOptions): Promise<void> {
  const say = (text: string) => options.writer.out(`${text}\n`);
  const simulator = await startSimulator({ taskDurationMs: options.taskDurationMs });
  let host: ProviderHost | undefined;
  try {
    const serviceName = simulator.admin.licenceGroups().find((name) => groupLacksQuickstartLicenses(simulator, name));
    if (!serviceName) throw new Error("The simulator's demo account has no group free of the quickstart's licences.");

    const packageRoot = findPackageRoot();
    const { programDir } = await stageProgram({
      packageRoot,
      programDir: options.workDir ?? path.join(packageRoot, ".tmp", "demo-program"),
    });
    const [subscriptionProvider, licenseGroupProvider] = await Promise.all([
      serializeProvider({ programDir, exportName: "subscriptionProvider" }),
      serializeProvider({ programDir, exportName: "licenseGroupProvider" }),
    ]);
    // What the provider prints is what `pulumi up` shows its user.
    const { applicationKey, applicationSecret, consumerKey } = simulator.credentials;
    /** Each `pulumi` command starts the provider host anew, with the stack config of that moment. */
    const startRun = async (extraConfig: Record<string, string> = {}): Promise<ProviderHost> => {
      await host?.close();
      // The provider's own lines; the host's stderr repeats a failed operation's error with its stack.
      host = await startProviderHost({ cwd: programDir, onOutput: (line) => line.stream === "stdout" && say(`  │ ${line.text}`) });
      await host.configure(
        {
          "ovh:endpoint": simulator.endpoint,
          "ovh:applicationKey": applicationKey,
          "ovh:applicationSecret": applicationSecret,
          "ovh:consumerKey": consumerKey,
          ...extraConfig,
        },
        { secretKeys: ["ovh:applicationSecret", "ovh:consumerKey"] },
      );
      return host;
    };
    let h = await startRun();

    // The demo's own look at the control panel: a local simulator, so no need for OVH's request rate.
    const requester = createOvhClient({ endpoint: simulator.endpoint, applicationKey, applicationSecret, consumerKey, maxRequestsPerSecond: 1000, env: {} });
    const readSubscriptions = async () => (await readStatus(requester, silentWriter, serviceName)).subscriptions;
    const groupInputs = { serviceName, displayName: quickstart.group.displayName };
    const declaredOf = (name: string) => quickstart.subscriptions.find((s) => s.name === name)!;
    const subscriptionInputs = (name: string, seats = declaredOf(name).seats) => ({
      serviceName,
      license: declaredOf(name).license,
      seats,
      maxSeatChange: quickstart.maxSeatChange,
    });
    const urnOf = (type: string, name: string) => h.makeUrn(type, name);
    const upSubscription = async (name: string, seats?: number, previous?: ResourceState) =>
      (await up(h, urnOf(SUBSCRIPTION, name), { inputs: subscriptionInputs(name, seats), providerText: subscriptionProvider, previous })).state;

    const before = await readStatus(requester, silentWriter, serviceName);
    say(
      "The quickstart (examples/quickstart) against a simulated OVH account: each step does what `pulumi up`, `preview` or " +
        "`destroy` would, through Pulumi's own provider host.",
    );
    say(renderHoldings(serviceName, before.displayName, before.subscriptions).trimEnd());

    let lastSeen: SubscriptionSnapshot = before.subscriptions;
    /** Runs one step, then shows the subscriptions that changed since the step began (and at each checkpoint). */
    const step = async (title: string, body: (checkpoint: () => Promise<void>, watch: <T>(during: Promise<T>) => Promise<T>) => Promise<void>) => {
      say(`\n${title}`);
      const snapshots: SubscriptionSnapshot[] = [lastSeen];
      const checkpoint = async () => {
        snapshots.push(await readSubscriptions());
      };
      /**
       * Looks at the account every 50 ms while `during` runs, keeping each state seen: a control-panel change that ends
       * in the middle of a `pulumi up` shows in the step's view. It looks through the simulator's admin side, so the
       * demo's count of OVH API calls stays the provider's.
       */
      const watch = async <T>(during: Promise<T>): Promise<T> => {
        const timer = setInterval(() => snapshots.push(accountSnapshot(simulator, serviceName)), 50);
        try {
          return await during;
        } finally {
          clearInterval(timer);
        }
      };
      await body(checkpoint, watch);
      await checkpoint();
      lastSeen = snapshots[snapshots.length - 1];
      say(renderChanges(serviceName, changedSubscriptions(snapshots)).trimEnd());
    };

    const basic = "business-basic";
    const standard = "business-standard";
    const basicLicense = declaredOf(basic).license;
    const standardLicense = declaredOf(standard).license;
    const declaredBasic = 8;
    const subscriptions = new Map<string, ResourceState>();
    let group: ResourceState | undefined;

    await step(
      `1. pulumi up: adopt licence group ${serviceName}, order ${declaredOf(basic).seats} seats of ${basicLicense} and ${declaredOf(standard).seats} of ${standardLicense}`,
      async () => {
        group = (await up(h, urnOf(LICENSE_GROUP, quickstart.group.name), { inputs: groupInputs, providerText: licenseGroupProvider })).state;
        await Promise.all(quickstart.subscriptions.map(async ({ name }) => subscriptions.set(name, await upSubscription(name))));
      },
    );

    await step(`2. A reviewed pull request sets ${basic} to ${declaredBasic} seats`, async () => {
      const planned = await preview(h, subscriptions.get(basic)!, { inputs: subscriptionInputs(basic, declaredBasic), providerText: subscriptionProvider });
      say(`pulumi preview: ${planned.changes ? `~ update ${basic} (seats: ${subscriptions.get(basic)!.outputs.seats} => ${declaredBasic})` : "no changes"}`);
      say("pulumi up:");
      subscriptions.set(basic, await upSubscription(basic, declaredBasic, subscriptions.get(basic)));
    });

    await step("3. A seat change started in the control panel is still running", async (checkpoint, watch) => {
      const basicId = subscriptions.get(basic)!.outputs.subscriptionId as number;
      const wanted = declaredBasic + 1;
      const task = simulator.admin.startTask(serviceName, { function: "changeQuantity", subscriptionId: basicId, quantity: wanted, durationMs: options.taskDurationMs * 3 });
      say(`In the control panel, someone set ${basicLicense} to ${wanted} seats: OVH task ${task.id} is running.`);
      subscriptions.set(basic, (await refresh(h, subscriptions.get(basic)!))!);
      await checkpoint();
      const pending = await preview(h, subscriptions.get(basic)!, { inputs: subscriptionInputs(basic, declaredBasic), providerText: subscriptionProvider });
      const pendingIds = pendingTaskIds(subscriptions.get(basic)!);
      say(
        pending.changes
          ? `pulumi preview --refresh --expect-no-changes would fail: ~ update ${basic} (OVH task ${pendingIds.join(", ")} pending)`
          : "pulumi preview --refresh --expect-no-changes: no changes",
      );
      say(`pulumi up: waits for the task, then sets the declared ${declaredBasic} seats again`);
      subscriptions.set(basic, await watch(upSubscription(basic, declaredBasic, subscriptions.get(basic))));
    });

    await step("4. Drift: seats changed by hand in the control panel", async (checkpoint) => {
      const lowered = declaredBasic - 2;
      simulator.admin.setSeats(serviceName, subscriptions.get(basic)!.outputs.subscriptionId as number, lowered);
      say(`In the control panel, someone set ${basicLicense} to ${lowered} seats.`);
      await checkpoint();
      subscriptions.set(basic, (await refresh(h, subscriptions.get(basic)!))!);
      const drift = await preview(h, subscriptions.get(basic)!, { inputs: subscriptionInputs(basic, declaredBasic), providerText: subscriptionProvider });
      say(`pulumi preview --refresh: ${drift.changes ? `~ ${basic} seats: ${subscriptions.get(basic)!.inputs.seats} => ${declaredBasic}` : "no changes"}`);
      say("pulumi up:");
      subscriptions.set(basic, await upSubscription(basic, declaredBasic, subscriptions.get(basic)));
    });

    await step("5. Drift: a subscription deleted by hand in the control panel", async (checkpoint) => {
      const deletedId = subscriptions.get(standard)!.outputs.subscriptionId as number;
      simulator.admin.deleteSubscription(serviceName, deletedId);
      say(`In the control panel, someone deleted the ${standardLicense} subscription (${deletedId}).`);
      await checkpoint();
      const refreshed = await refresh(h, subscriptions.get(standard)!);
      say(`pulumi preview --refresh: ${refreshed ? "no changes" : `+ create ${standard} (it no longer exists at OVH)`}`);
      say("pulumi up:");
      subscriptions.set(standard, await upSubscription(standard, undefined, refreshed));
    });

    await step("6. pulumi destroy: refused, because deleting at OVH cancels the customer's licences and needs intent", async () => {
      const outcomes = await Promise.all(
        [...subscriptions].map(async ([name, state]) => ({ name, id: state.id, error: await destroy(h, state).then(() => undefined, (error: Error) => error) })),
      );
      const refused = outcomes.filter((outcome): outcome is typeof outcome & { error: Error } => outcome.error !== undefined);
      if (refused.length !== subscriptions.size) throw new Error(`pulumi destroy deleted ${subscriptions.size - refused.length} subscription(s) without an allowance.`);
      say(refusedDeletesSummary(refused));
      say("What the provider said for each, as `pulumi destroy` shows it:");
      for (const { error } of refused) say(`  │ ${error.message}`);
    });

    await step(
      `7. pulumi config set ovh-office365:allowDeletes ${serviceName}, then pulumi destroy: both subscriptions deleted; the licence group is only forgotten (it stays at OVH)`,
      async () => {
        h = await startRun({ "ovh-office365:allowDeletes": serviceName });
        await Promise.all([...subscriptions.values()].map((state) => destroy(h, state)));
        if (group) await destroy(h, group);
      },
    );
    const left = simulator.admin.subscriptions(serviceName).filter((s) => quickstart.subscriptions.some((q) => q.license === s.licenseName));
    if (left.length > 0) throw new Error(`Clean-up left ${left.length} subscription(s) behind.`);
    // The provider's calls, counted before the report reads the account.
    const calls = simulator.requestLog.figures().requests;
    const reportFile = options.reportFile ?? path.join(path.dirname(programDir), "demo-report.html");
    fs.mkdirSync(path.dirname(reportFile), { recursive: true });
    const report = await writeReport(requester, silentWriter, { out: reportFile });
    say(`\nThe account's seats over the last quarter and this billing period's peaks, per customer, as \`ovh-office365 report\` writes them: ${report.file} (open it in a browser).`);
    say(`\nDone: ${calls} OVH API calls, every step converged.`);
  } finally {
    await host?.close();
    await simulator.close();
  }
}

/** The group's subscriptions as the simulator holds them, in the shape of the control panel's view. */
function accountSnapshot(simulator: RunningSimulator, serviceName: string): SubscriptionSnapshot {
  return simulator.admin.subscriptions(serviceName).map(({ id, licenseId, licenseName, quantity, status, taskPendingId }) => ({
    id,
    licenseId,
    licenseName,
    seats: quantity,
    status,
    taskPendingId: taskPendingId > 0 ? taskPendingId : null,
  }));
}

/** The OVH tasks a refreshed subscription reports pending, as the provider read them. */
function pendingTaskIds(state: ResourceState): number[] {
  const tasks = (state.outputs.pendingTasks as { id: number }[] | undefined) ?? [];
  const ids = tasks.map((task) => task.id);
  const onSubscription = state.outputs.taskPendingId as number | undefined;
  if (onSubscription && !ids.includes(onSubscription)) ids.push(onSubscription);
  return ids;
}

function groupLacksQuickstartLicenses(simulator: RunningSimulator, serviceName: string): boolean {
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
    throw new CliConfigError("--pulumi needs the Pulumi CLI on PATH (https://www.pulumi.com/docs/install/); without it, run the demo without --pulumi.");
  }
  const packageRoot = findPackageRoot();
  if (!fs.existsSync(path.join(packageRoot, "Pulumi.yaml")) || !fs.existsSync(path.join(packageRoot, "examples", "node_modules"))) {
    throw new CliConfigError("--pulumi runs the repository's Pulumi.yaml: run it from a checkout, after `npm run build`.");
  }
  // A run that fails midway must not leave its stack settings (serviceName, allowDeletes) for the next run to find.
  const stackFile = path.join(packageRoot, "Pulumi.demo.yaml");
  const ownsStackFile = !fs.existsSync(stackFile);
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
    const serviceName = simulator.admin.licenceGroups().find((name) => groupLacksQuickstartLicenses(simulator, name));
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
    const refused = await run(["destroy", "--yes", "--skip-preview"], (code) => code !== 0);
    say(`deletes need intent: pulumi destroy exited with ${refused}, nothing deleted`);
    await run(["config", "set", "ovh-office365:allowDeletes", serviceName]);
    await run(["destroy", "--yes", "--skip-preview"]);
    await run(["stack", "rm", "demo", "--yes"]);
  } finally {
    await simulator.close();
    fs.rmSync(backend, { recursive: true, force: true });
    if (ownsStackFile) fs.rmSync(stackFile, { force: true });
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
    .summary("Run the quickstart against the embedded OVH simulator, through Pulumi's provider host")
    .showHelpAfterError("(run `ovh-office365 demo --help` for usage)")
    .description(
      "Starts the OVH API simulator, then drives the quickstart's LicenseGroup and Subscription resources through " +
        "Pulumi's real dynamic-provider host (no Pulumi CLI or OVH account needed): orders subscriptions, changes " +
        "seats, shows a pending task, makes out-of-band changes as a person in the control panel would and shows them " +
        "detected as drift, converges, and cleans up; after each step it shows the subscriptions that changed. With --pulumi, runs the real `pulumi up`, `preview --refresh` " +
        "and `destroy` of the repository's Pulumi.yaml instead (needs the Pulumi CLI on PATH). " +
        "Exit code 0 when every step converged, 1 when one did not, 2 for a bad option or a missing prerequisite (--pulumi without the Pulumi CLI).",
    )
    .option("--task-duration <ms>", "how long each simulated OVH task takes", parseDuration, 1500)
    .option("--pulumi", "use the Pulumi CLI on PATH with a local file backend")
    .action(async (options: { taskDuration: number; pulumi?: boolean }) => {
      const demo = options.pulumi ? runPulumiDemo : runDemo;
      try {
        await demo({ taskDurationMs: options.taskDuration, writer: { out: (text) => process.stdout.write(text) } });
      } catch (error) {
        process.stderr.write(`\ndemo failed: ${error instanceof Error ? error.message : String(error)}\n`);
        // A missing prerequisite is a usage problem (2); a step that did not converge is 1.
        process.exitCode = error instanceof CliConfigError ? 2 : 1;
      }
    });
}

function parseDuration(text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value > 600_000) throw new InvalidArgumentError(`--task-duration must be a whole number of milliseconds from 0 to 600000, got "${text}".`);
  return value;
}
