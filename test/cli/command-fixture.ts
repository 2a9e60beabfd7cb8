import { connect } from "../../provider/cli/commands/command-support";
import type { OvhRequester } from "../../provider/ovh";
import { simulatorEnvironment, startSimulator, type RunningSimulator, type SimulatorCredentials, type SimulatorOptions } from "../../simulator";
import { recordingWriter, uniqueCredentials, type RecordedOutput } from "./support";

export interface CommandFixture {
  readonly simulator: RunningSimulator;
  /** Credentials unique to this file's simulator. */
  readonly credentials: SimulatorCredentials;
  /** A requester connected to the simulator as the commands connect. */
  readonly requester: OvhRequester;
  /** Runs a command with a fresh recording writer, keeping its output for the file's leak check. */
  run(command: (writer: RecordedOutput["writer"]) => Promise<number>): Promise<RecordedOutput & { exitCode: number }>;
  /** Everything the commands of this file printed so far, every stream. */
  readonly printed: readonly string[];
  /** A licence group of the seeded account with at least `minimum` subscriptions. */
  groupWithSubscriptions(minimum: number): string;
  apiRequestCount(): number;
}

/**
 * The simulator a file of command tests runs against: started once, reset before each test, closed at the end.
 * `settings` are kept across resets (e.g. `listMode`).
 */
export function commandFixture(settings: Omit<SimulatorOptions, "credentials"> = {}): CommandFixture {
  let simulator: RunningSimulator;
  let credentials: SimulatorCredentials;
  let requester: OvhRequester;
  const printed: string[] = [];

  beforeAll(async () => {
    credentials = uniqueCredentials();
    // Tasks started by the tests stay pending for the whole file; the admin API ends them when needed.
    simulator = await startSimulator({ credentials, taskDurationMs: 600_000, ...settings });
    // The client's default rate (10 requests/s, sized for OVH) would only slow the tests down.
    requester = connect({ env: { ...simulatorEnvironment(simulator), OVH_MAX_REQUESTS_PER_SECOND: "1000" } });
  });
  beforeEach(() => simulator.admin.reset());
  afterAll(async () => {
    await simulator?.close();
  });

  return {
    get simulator() {
      return simulator;
    },
    get credentials() {
      return credentials;
    },
    get requester() {
      return requester;
    },
    printed,
    async run(command) {
      const recorded = recordingWriter();
      const exitCode = await command(recorded.writer);
      printed.push(recorded.stdout, recorded.stderr, ...recorded.progress);
      return Object.assign(recorded, { exitCode });
    },
    groupWithSubscriptions(minimum) {
      const found = simulator.admin.licenceGroups().find((serviceName) => simulator.admin.subscriptions(serviceName).length >= minimum);
      if (!found) throw new Error(`The seeded account has no group with ${minimum} subscriptions`);
      return found;
    },
    apiRequestCount() {
      return simulator.requestLog.entries().length;
    },
  };
}
