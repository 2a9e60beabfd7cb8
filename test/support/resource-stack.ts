import { startSimulator, type RunningSimulator, type SeedSpec } from "../../simulator";
import { openProviderHarness, type ProviderHarness } from "./provider-harness";
import type { OutputLine } from "../../pulumi-host";

/** The simulator plus the real provider host configured against it through stack config, as a stack would be. */
export interface ResourceStack {
  simulator: RunningSimulator;
  harness: ProviderHarness;
  lines: OutputLine[];
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

export async function openResourceStack(label: string, options: ResourceStackOptions = {}): Promise<ResourceStack> {
  const taskDurationMs = options.taskDurationMs ?? 300;
  const simulator = await startSimulator({ seed: options.seed, taskDurationMs, orderDurationMs: taskDurationMs });
  const lines: OutputLine[] = [];
  try {
    const harness = await openProviderHarness({
      label,
      exportNames: ["subscriptionProvider", "licenseGroupProvider"],
      config: { ...simulatorStackConfig(simulator), ...options.config },
      secretKeys: SECRET_STACK_CONFIG_KEYS,
      env: options.env,
      onOutput: (line) => lines.push(line),
    });
    return {
      simulator,
      harness,
      lines,
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
