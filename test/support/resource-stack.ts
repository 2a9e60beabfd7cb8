import { startSimulator, type RunningSimulator, type SeedSpec } from "../../simulator";
import { openProviderHarness, type ProviderHarness } from "./provider-harness";
import type { OutputLine } from "../../provider/cli/provider-host";

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

export async function openResourceStack(label: string, options: ResourceStackOptions = {}): Promise<ResourceStack> {
  const taskDurationMs = options.taskDurationMs ?? 300;
  const simulator = await startSimulator({ seed: options.seed, taskDurationMs, orderDurationMs: taskDurationMs });
  const lines: OutputLine[] = [];
  const { applicationKey, applicationSecret, consumerKey } = simulator.credentials;
  try {
    const harness = await openProviderHarness({
      label,
      exportNames: ["subscriptionProvider", "licenseGroupProvider"],
      config: {
        "ovh:endpoint": simulator.endpoint,
        "ovh:applicationKey": applicationKey,
        "ovh:applicationSecret": applicationSecret,
        "ovh:consumerKey": consumerKey,
        ...options.config,
      },
      secretKeys: ["ovh:applicationSecret", "ovh:consumerKey"],
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
