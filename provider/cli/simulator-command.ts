import { existsSync, readFileSync } from "fs";
import { Command, InvalidArgumentError, Option } from "commander";
import { ExitCode } from "./commands/command-support";
import {
  DEFAULT_CREDENTIALS,
  DEFAULT_SEAT_DECREASE_WINDOW_HOURS,
  DEFAULT_VARIANTS,
  LIST_MODES,
  startSimulator,
  VARIANT_NAMES,
  type RequestLogEntry,
  type SeedSpec,
  type SimulatorCredentials,
  type SimulatorOptions,
  type VariantSettings,
} from "../../simulator";

interface SimulatorCommandOptions {
  port: number;
  host: string;
  tls?: boolean;
  caOut?: string;
  applicationKey?: string;
  applicationSecret?: string;
  consumerKey?: string;
  clientId?: string;
  clientSecret?: string;
  accessToken?: string;
  state?: string;
  seed: string;
  taskDuration: number;
  orderDuration?: number;
  decreaseWindow?: number;
  finishedTasks?: VariantSettings["finishedTasks"];
  pendingTaskRefusal?: string;
  deletedSubscriptions?: VariantSettings["deletedSubscriptions"];
  deletedSubscriptionStatus?: string;
  deletedSubscriptionLinger?: number;
  seatDecreaseRefusal?: VariantSettings["seatDecreaseRefusal"];
  mpnIdRequired?: boolean;
  groupOrderConfigurations?: VariantSettings["groupOrderConfigurations"];
  listMode?: VariantSettings["listMode"];
  seatChangeLag?: number;
  newSubscriptionLag?: number;
  deletedSubscriptionLag?: number;
  deliveredGroupLag?: number;
  billingPeriod?: VariantSettings["billingPeriod"];
  peakAfterDecrease?: VariantSettings["peakAfterDecrease"];
  logRequests?: boolean;
}

export const DEFAULT_SIMULATOR_PORT = 8480;

function nonNegativeInteger(name: string, max = Number.MAX_SAFE_INTEGER) {
  return (text: string): number => {
    const value = Number(text);
    if (!/^\d+$/.test(text.trim()) || value > max) throw new InvalidArgumentError(`${name} must be a whole number from 0 to ${max}, got "${text}".`);
    return value;
  };
}

/** A flag taking a whole number (milliseconds, hours, a port), from its environment variable too. */
function wholeNumberOption(flags: string, description: string, env: string, defaultValue?: number): Option {
  const option = new Option(flags, description).env(env).argParser(nonNegativeInteger(flags.split(" ")[0]));
  return defaultValue === undefined ? option : option.default(defaultValue);
}

function readSeed(seed: string): SimulatorOptions["seed"] {
  if (seed === "demo" || seed === "empty") return seed;
  if (!existsSync(seed)) throw new InvalidArgumentError(`--seed must be "demo", "empty" or a JSON seed file; no file at ${seed}.`);
  try {
    return JSON.parse(readFileSync(seed, "utf8")) as SeedSpec;
  } catch (error) {
    throw new InvalidArgumentError(`--seed file ${seed} is not valid JSON (${(error as Error).message}).`);
  }
}

function isTruthy(text: string | undefined): boolean {
  return text !== undefined && ["1", "true", "yes", "on"].includes(text.trim().toLowerCase());
}

function nonEmpty(name: string) {
  return (text: string): string => {
    if (text.trim() === "") throw new InvalidArgumentError(`${name} must not be empty.`);
    return text;
  };
}

/** A yes/no environment variable: unset is no; anything but 1/true/yes/on or 0/false/no/off is refused. */
function booleanFromEnv(name: string, refuse: (message: string) => never): boolean {
  const text = process.env[name];
  if (text === undefined) return false;
  const value = text.trim().toLowerCase();
  if (["1", "true", "yes", "on"].includes(value)) return true;
  if (["", "0", "false", "no", "off"].includes(value)) return false;
  return refuse(`error: ${name} must be 1, true, yes, on or 0, false, no, off, got "${text}".`);
}

function formatLogLine(entry: RequestLogEntry): string {
  const time = new Date(entry.startedAt).toISOString().slice(11, 23);
  const query = entry.query ? `?${entry.query}` : "";
  const fault = entry.fault ? ` [${entry.fault}]` : "";
  return `${time} ${entry.method} ${entry.path}${query} ${entry.status || "reset"} ${entry.endedAt - entry.startedAt}ms${fault}`;
}

const CREDENTIAL_FLAGS: { key: keyof SimulatorCredentials; flag: string; env: string; label: string }[] = [
  { key: "applicationKey", flag: "--application-key <key>", env: "OVH_SIMULATOR_APPLICATION_KEY", label: "application key" },
  { key: "applicationSecret", flag: "--application-secret <secret>", env: "OVH_SIMULATOR_APPLICATION_SECRET", label: "application secret" },
  { key: "consumerKey", flag: "--consumer-key <key>", env: "OVH_SIMULATOR_CONSUMER_KEY", label: "consumer key" },
  { key: "clientId", flag: "--client-id <id>", env: "OVH_SIMULATOR_CLIENT_ID", label: "OAuth2 client id" },
  { key: "clientSecret", flag: "--client-secret <secret>", env: "OVH_SIMULATOR_CLIENT_SECRET", label: "OAuth2 client secret" },
  { key: "accessToken", flag: "--access-token <token>", env: "OVH_SIMULATOR_ACCESS_TOKEN", label: "access token" },
];

/** `ovh-office365 simulator`: a local OVH API (Office 365 reseller) in the foreground until Ctrl+C. */
export function registerSimulatorCommand(program: Command): Command {
  const command = program
    .command("simulator")
    .summary("Run a local OVH API simulator (Office 365 reseller, CSP2) with a demo account")
    .description(
      "Run a local OVH API simulator (Office 365 reseller, CSP2) with a demo reseller account, in the foreground. " +
        "Once it accepts requests it prints `endpoint: <URL>`, then the credentials and environment variables to use.",
    )
    .showHelpAfterError("(run `ovh-office365 simulator --help` for usage)")
    .addOption(new Option("--port <n>", "TCP port; 0 picks a free one").env("OVH_SIMULATOR_PORT").default(DEFAULT_SIMULATOR_PORT).argParser(nonNegativeInteger("--port", 65535)))
    .addOption(new Option("--host <address>", "interface to listen on").env("OVH_SIMULATOR_HOST").default("127.0.0.1"))
    .option("--tls", "serve HTTPS with a certificate from a CA generated at start (also OVH_SIMULATOR_TLS=1)")
    .addOption(new Option("--ca-out <file>", "with --tls, write the CA certificate (PEM) there, for NODE_EXTRA_CA_CERTS").env("OVH_SIMULATOR_CA_OUT"));
  // Not commander defaults: whether a credential was given decides whether it is echoed back.
  for (const c of CREDENTIAL_FLAGS) command.addOption(new Option(c.flag, `accepted ${c.label}; a fixed simulator value unless given`).env(c.env));
  command
    .addOption(new Option("--state <file>", "JSON file holding the account, shared with other simulator processes").env("OVH_SIMULATOR_STATE"))
    .addOption(new Option("--seed <demo|empty|file>", "account to start with when there is no state file").env("OVH_SIMULATOR_SEED").default("demo"))
    .addOption(
      wholeNumberOption("--task-duration <ms>", "how long a licence task takes", "OVH_SIMULATOR_TASK_DURATION", 3000),
    )
    .addOption(
      wholeNumberOption("--order-duration <ms>", "how long a paid order takes to deliver; 3 × the task duration unless given", "OVH_SIMULATOR_ORDER_DURATION"),
    )
    .addOption(
      wholeNumberOption("--decrease-window <hours>", "Microsoft's seat-decrease window after a seat increase", "OVH_SIMULATOR_DECREASE_WINDOW", DEFAULT_SEAT_DECREASE_WINDOW_HOURS),
    )
    // What OVH does not publish: one flag per variant (simulator/README.md describes each).
    .addOption(
      new Option("--finished-tasks <kept|vanish>", "an ended task stays readable, or answers 404 and leaves the task list")
        .env("OVH_SIMULATOR_FINISHED_TASKS")
        .choices(["kept", "vanish"]),
    )
    .addOption(
      new Option("--pending-task-refusal <409|400|403>", "status refusing a change while a task is pending (400/403 do not name the task)")
        .env("OVH_SIMULATOR_PENDING_TASK_REFUSAL")
        .choices(["409", "400", "403"]),
    )
    .addOption(
      new Option("--deleted-subscriptions <vanish|linger>", "a deleted subscription is gone at once, or stays listed for a while")
        .env("OVH_SIMULATOR_DELETED_SUBSCRIPTIONS")
        .choices(["vanish", "linger"]),
    )
    .addOption(
      new Option("--deleted-subscription-status <status>", "status of a lingering deleted subscription")
        .env("OVH_SIMULATOR_DELETED_SUBSCRIPTION_STATUS")
        .default(DEFAULT_VARIANTS.deletedSubscriptionStatus)
        .argParser(nonEmpty("--deleted-subscription-status")),
    )
    .addOption(
      wholeNumberOption("--deleted-subscription-linger <ms>", "how long a deleted subscription lingers", "OVH_SIMULATOR_DELETED_SUBSCRIPTION_LINGER", DEFAULT_VARIANTS.deletedSubscriptionLingerMs),
    )
    .addOption(
      new Option("--seat-decrease-refusal <immediate|taskError>", "a seat decrease outside the window is refused with 403, or becomes a task ending in error")
        .env("OVH_SIMULATOR_SEAT_DECREASE_REFUSAL")
        .choices(["immediate", "taskError"]),
    )
    .option("--mpn-id-required", "ordering needs the tenant's MPN ID (also OVH_SIMULATOR_MPN_ID_REQUIRED=1)")
    .addOption(
      new Option("--group-order-configurations <none|required>", "a licence group order needs no configuration, or some checked at checkout")
        .env("OVH_SIMULATOR_GROUP_ORDER_CONFIGURATIONS")
        .choices(["none", "required"]),
    )
    .addOption(
      new Option("--list-mode <mode>", "how list mode (X-Pagination-Mode: CachedObjectList-Pages) is served")
        .env("OVH_SIMULATOR_LIST_MODE")
        .choices(LIST_MODES)
        .default(DEFAULT_VARIANTS.listMode),
    )
    .addOption(
      wholeNumberOption("--seat-change-lag <ms>", "reads show a subscription's old seat count for this long after its seat change is done", "OVH_SIMULATOR_SEAT_CHANGE_LAG", DEFAULT_VARIANTS.seatChangeLagMs),
    )
    .addOption(
      wholeNumberOption("--new-subscription-lag <ms>", "a new subscription is listed and readable only this long after its creation task is done", "OVH_SIMULATOR_NEW_SUBSCRIPTION_LAG", DEFAULT_VARIANTS.newSubscriptionLagMs),
    )
    .addOption(
      wholeNumberOption("--deleted-subscription-lag <ms>", "a deleted subscription is still listed as it was for this long after its deletion task is done", "OVH_SIMULATOR_DELETED_SUBSCRIPTION_LAG", DEFAULT_VARIANTS.deletedSubscriptionLagMs),
    )
    .addOption(
      wholeNumberOption("--delivered-group-lag <ms>", "a licence group an order delivered is listed and readable only this long after the delivery", "OVH_SIMULATOR_DELIVERED_GROUP_LAG", DEFAULT_VARIANTS.deliveredGroupLagMs),
    )
    .addOption(
      new Option("--billing-period <calendarMonth|serviceRenewal>", "billingPeriodPeaks' period: the calendar month, or the month since the group's last renewal")
        .env("OVH_SIMULATOR_BILLING_PERIOD")
        .choices(["calendarMonth", "serviceRenewal"]),
    )
    .addOption(
      new Option("--peak-after-decrease <kept|loweredInWindow>", "a seat decrease within Microsoft's window leaves the period's peak as it was, or lowers it")
        .env("OVH_SIMULATOR_PEAK_AFTER_DECREASE")
        .choices(["kept", "loweredInWindow"]),
    )
    .option("--log-requests", "print one line per API request")
    .action(async (options: SimulatorCommandOptions) => {
      try {
        await runSimulator(options, variantOptions(options, (message) => command.error(message, { code: "commander.invalidArgument" })));
      } catch (error) {
        // A flag checked once the values are read (a seed file, --ca-out without --tls) is a usage error like the
        // ones commander finds itself: the same message shape, the same exit code.
        if (error instanceof InvalidArgumentError) command.error(`error: ${error.message}`, { exitCode: ExitCode.usageError, code: error.code });
        throw error;
      }
    });
  return command;
}

/** The variant settings the flags and environment chose, as `startSimulator` options. */
function variantOptions(options: SimulatorCommandOptions, refuse: (message: string) => never): Partial<VariantSettings> {
  return {
    finishedTasks: options.finishedTasks,
    pendingTaskRefusal: options.pendingTaskRefusal === undefined ? undefined : (Number(options.pendingTaskRefusal) as VariantSettings["pendingTaskRefusal"]),
    deletedSubscriptions: options.deletedSubscriptions,
    deletedSubscriptionStatus: options.deletedSubscriptionStatus,
    deletedSubscriptionLingerMs: options.deletedSubscriptionLinger,
    seatDecreaseRefusal: options.seatDecreaseRefusal,
    mpnIdRequired: options.mpnIdRequired === true || booleanFromEnv("OVH_SIMULATOR_MPN_ID_REQUIRED", refuse),
    groupOrderConfigurations: options.groupOrderConfigurations,
    listMode: options.listMode,
    seatChangeLagMs: options.seatChangeLag,
    newSubscriptionLagMs: options.newSubscriptionLag,
    deletedSubscriptionLagMs: options.deletedSubscriptionLag,
    deliveredGroupLagMs: options.deliveredGroupLag,
    billingPeriod: options.billingPeriod,
    peakAfterDecrease: options.peakAfterDecrease,
  };
}

/** `name=value` for each variant setting that is not its default, for the start-up lines. */
function chosenVariants(settings: VariantSettings): string[] {
  return VARIANT_NAMES.filter((name) => settings[name] !== DEFAULT_VARIANTS[name]).map((name) => `${name}=${settings[name]}`);
}

/** A port another process holds is the person's to change, like any bad flag: a usage error naming --port. */
function portInUse(error: unknown, options: Pick<SimulatorCommandOptions, "port" | "host">): InvalidArgumentError | undefined {
  if ((error as NodeJS.ErrnoException | undefined)?.code !== "EADDRINUSE") return undefined;
  return new InvalidArgumentError(
    `--port ${options.port} is already in use on ${options.host}: another simulator may already be running there. ` +
      "Stop it, or choose another port with --port (--port 0 picks a free one).",
  );
}

async function runSimulator(options: SimulatorCommandOptions, variants: Partial<VariantSettings>): Promise<void> {
  const tls = options.tls === true || isTruthy(process.env.OVH_SIMULATOR_TLS);
  if (options.caOut && !tls) throw new InvalidArgumentError("--ca-out needs --tls: the CA file only exists for HTTPS.");
  const given: Partial<SimulatorCredentials> = {};
  for (const c of CREDENTIAL_FLAGS) if (options[c.key] !== undefined) given[c.key] = options[c.key];

  const simulator = await startSimulator({
    port: options.port,
    host: options.host,
    tls,
    caOut: options.caOut,
    credentials: given,
    seed: readSeed(options.seed),
    stateFile: options.state,
    taskDurationMs: options.taskDuration,
    orderDurationMs: options.orderDuration,
    seatDecreaseWindowHours: options.decreaseWindow,
    ...variants,
    onRequest: options.logRequests ? (entry) => console.log(formatLogLine(entry)) : undefined,
  }).catch((error: unknown) => {
    throw portInUse(error, options) ?? error;
  });

  const groups = simulator.admin.licenceGroups();
  const variantsChosen = chosenVariants(simulator.admin.settings());
  const c = simulator.credentials;
  // Values the user passed in are theirs to know: they are never echoed back.
  const shown = (key: keyof SimulatorCredentials) => (given[key] === undefined ? c[key] : "(as given)");
  const lines = [
    `endpoint: ${simulator.endpoint}`,
    `OVH API simulator (Office 365 reseller, CSP2) is running; Ctrl+C stops it.`,
    `  licence groups: ${groups.length > 0 ? groups.join(", ") : "none"}`,
    `  tasks take ${options.taskDuration} ms; account ${options.state ? `kept in ${options.state}` : "kept in memory"}`,
    ...(variantsChosen.length > 0 ? [`  unpublished OVH behaviour chosen: ${variantsChosen.join(", ")}`] : []),
    `  OAuth2 token URL: ${simulator.tokenUrl}`,
    `  admin API: ${simulator.adminUrl} (see simulator/README.md)`,
    ...(simulator.caFile ? [`  CA certificate: ${simulator.caFile}`] : []),
    ``,
    `Credentials (accepted by this simulator only):`,
    ...CREDENTIAL_FLAGS.map((f) => `  ${`${f.label}:`.padEnd(22)}${shown(f.key)}`),
    ``,
    `# Paste into a shell to point ovh-office365, the Pulumi provider or OVH's own tools at the simulator:`,
    `export OVH_ENDPOINT=${simulator.endpoint}`,
    ...(given.applicationKey === undefined ? [`export OVH_APPLICATION_KEY=${c.applicationKey}`] : []),
    ...(given.applicationSecret === undefined ? [`export OVH_APPLICATION_SECRET=${c.applicationSecret}`] : []),
    ...(given.consumerKey === undefined ? [`export OVH_CONSUMER_KEY=${c.consumerKey}`] : []),
    ...(simulator.caFile ? [`export NODE_EXTRA_CA_CERTS=${simulator.caFile}`] : []),
    `# For OAuth2 instead, unset the three keys above and set OVH_CLIENT_ID and OVH_CLIENT_SECRET.`,
  ];
  if (c.applicationKey === DEFAULT_CREDENTIALS.applicationKey && options.host !== "127.0.0.1" && options.host !== "localhost") {
    lines.push(`# Warning: listening on ${options.host} with the default credentials; pass your own with --application-key etc.`);
  }
  console.log(lines.join("\n"));

  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      simulator.close().then(() => {
        console.log(`simulator stopped (${signal})`);
        resolve();
      });
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}
