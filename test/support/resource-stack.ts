import { startSimulator, type RunningSimulator, type SeedSpec } from "../../simulator";
import { openProviderHarness, type ProviderHarness } from "./provider-harness";
import { dynamicResourceType, type OutputLine } from "../../pulumi-host";

/**
 * How a program reaches the resources: the dynamic resources (Node.js, through Pulumi's dynamic-provider host), or the
 * native provider plugin (every language).
 */
export type ProviderFlavor = "dynamic" | "plugin";

/** What a program registers for one resource type: its type token, and the serialized provider a dynamic one carries. */
export interface ResourceType {
  type: string;
  /** `__provider` for a dynamic resource; none for the plugin's. */
  providerText?: string;
}

/** The simulator plus a real provider configured against it through stack config, as a stack would be. */
export interface ResourceStack {
  flavor: ProviderFlavor;
  simulator: RunningSimulator;
  harness: ProviderHarness;
  lines: OutputLine[];
  subscription: ResourceType;
  licenseGroup: ResourceType;
  /** The stack config the provider was configured with, as `harness.restart(config)` takes it. */
  config: Record<string, string>;
  close(): Promise<void>;
}

export interface ResourceStackOptions {
  /** Simulated task (and order delivery) duration; default 300 ms. */
  taskDurationMs?: number;
  seed?: "demo" | "empty" | SeedSpec;
  /** Stack config added to the endpoint and credentials, e.g. `ovh-office365:maxRequestsPerSecond`. */
  config?: Record<string, string>;
  /** Extra environment for the host, e.g. `OVH_REQUEST_TIMEOUT_MS`. */
  env?: NodeJS.ProcessEnv;
  /** The dynamic resources (the default) or the native plugin. Config keys are given as for the dynamic ones. */
  flavor?: ProviderFlavor;
}

/** Stack config keys `pulumi config set --secret` would keep encrypted. */
export const SECRET_STACK_CONFIG_KEYS = ["ovh:applicationSecret", "ovh:consumerKey"];

/**
 * The stack config pointing a provider at the simulator with its application-key credentials. Deletes are allowed,
 * as a stack being torn down would allow them; the suites about deletion intent configure their own.
 */
export function simulatorStackConfig(simulator: RunningSimulator): Record<string, string> {
  const { applicationKey, applicationSecret, consumerKey } = simulator.credentials;
  return {
    "ovh:endpoint": simulator.endpoint,
    "ovh:applicationKey": applicationKey,
    "ovh:applicationSecret": applicationSecret,
    "ovh:consumerKey": consumerKey,
    "ovh-office365:allowDeletes": "*",
  };
}

/**
 * The stack config of the dynamic resources as the plugin gets its settings: the `ovh-office365` provider's own keys,
 * without their namespace (`ovh:endpoint` and `ovh-office365:allowDeletes` are its `endpoint` and `allowDeletes`).
 */
export function pluginConfig(config: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(config).map(([key, value]) => [key.slice(key.indexOf(":") + 1), value]));
}

export async function openResourceStack(label: string, options: ResourceStackOptions = {}): Promise<ResourceStack> {
  const taskDurationMs = options.taskDurationMs ?? 300;
  const flavor = options.flavor ?? "dynamic";
  const simulator = await startSimulator({ seed: options.seed, taskDurationMs, orderDurationMs: taskDurationMs });
  const lines: OutputLine[] = [];
  try {
    const stackConfig = { ...simulatorStackConfig(simulator), ...options.config };
    const plugin = flavor === "plugin";
    const config = plugin ? pluginConfig(stackConfig) : stackConfig;
    const harness = await openProviderHarness({
      label,
      exportNames: plugin ? [] : ["subscriptionProvider", "licenseGroupProvider"],
      config,
      secretKeys: plugin ? Object.keys(pluginConfig(Object.fromEntries(SECRET_STACK_CONFIG_KEYS.map((key) => [key, ""])))) : SECRET_STACK_CONFIG_KEYS,
      env: options.env,
      onOutput: (line) => lines.push(line),
      plugin,
    });
    return {
      flavor,
      simulator,
      harness,
      lines,
      config,
      subscription: plugin ? { type: "ovh-office365:index:Subscription" } : { type: dynamicResourceType("Subscription", "ovh-office365"), providerText: harness.providers.subscriptionProvider },
      licenseGroup: plugin ? { type: "ovh-office365:index:LicenseGroup" } : { type: dynamicResourceType("LicenseGroup", "ovh-office365"), providerText: harness.providers.licenseGroupProvider },
      async close() {
        await harness.close();
        await simulator.close();
      },
    };
  } catch (error) {
    await simulator.close();
    throw error;
  }
}
