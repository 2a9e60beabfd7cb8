import { spawn, type ChildProcess } from "node:child_process";
import * as readline from "node:readline";
import { ProviderHostError, type HostExit, type OutputLine, type OutputMatch } from "./types";

/**
 * A provider plugin as a process, started as the engine starts one (`<command> <engine-address>`, in the program's
 * directory): the dynamic-provider host (`node <sdk>/cmd/dynamic-provider/index.js`) or a resource plugin. Its port,
 * the lines it prints, the messages it logs to the engine, and how it ends.
 */

// The dynamic-provider host must be told where the engine listens but never calls it (3.248.0): nothing has to
// listen there. A resource plugin logs to the engine: it is given a fake engine's address (./engine-server).
const UNUSED_ENGINE_ADDRESS = "127.0.0.1:0";
const KEPT_OUTPUT_LINES = 5000;

export interface HostProcessOptions {
  /** The program and the arguments before the engine's address, e.g. `[node, <sdk>/cmd/dynamic-provider/index.js]`. */
  command: readonly string[];
  /** Where the engine listens; by default an address nothing listens on. */
  engineAddress?: string;
  /** Program directory, where the host runs. */
  cwd: string;
  project: string;
  env?: NodeJS.ProcessEnv;
  onOutput?: (line: OutputLine) => void;
}

/** Starts the host process; {@link HostProcess.readPort} then waits for the port it serves on. */
export function spawnHostProcess(options: HostProcessOptions): HostProcess {
  const [program, ...args] = options.command;
  const child = spawn(program, [...args, options.engineAddress ?? UNUSED_ENGINE_ADDRESS], {
    cwd: options.cwd,
    // As the engine: the project name (the host's Config.get("key") reads "<project>:key"), and PULUMI_CONFIG
    // holding only "pulumi-nodejs:*" keys, so stack config reaches the provider through configure() alone.
    env: {
      ...process.env,
      PULUMI_NODEJS_PROJECT: options.project,
      PULUMI_PROJECT: options.project,
      PULUMI_CONFIG: "{}",
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  return new HostProcess(child, options.onOutput);
}

// Hosts still running when this process exits would otherwise outlive it, serving on their port forever.
const liveHosts = new Set<ChildProcess>();

function killLiveHosts(): void {
  for (const child of liveHosts) child.kill("SIGKILL");
}

function trackLiveHost(child: ChildProcess): void {
  if (liveHosts.size === 0) process.on("exit", killLiveHosts);
  liveHosts.add(child);
}

function untrackLiveHost(child: ChildProcess): void {
  liveHosts.delete(child);
  if (liveHosts.size === 0) process.off("exit", killLiveHosts);
}

export class HostProcess {
  /** Settles when the process exits, however that happens. */
  readonly exited: Promise<HostExit>;
  private exitStatus?: HostExit;
  private readonly lines: OutputLine[] = [];
  private readonly lineListeners = new Set<(line: OutputLine) => void>();

  constructor(
    private readonly child: ChildProcess,
    private readonly onOutput?: (line: OutputLine) => void,
  ) {
    trackLiveHost(child);
    this.exited = new Promise<HostExit>((resolve) => {
      // "close" comes after "exit" and after stdout/stderr end, so every line printed is recorded by then.
      child.once("close", (code, signal) => {
        untrackLiveHost(child);
        resolve({ code, signal });
      });
      // A process that could not be spawned never closes.
      child.once("error", () => {
        if (child.pid !== undefined) return;
        untrackLiveHost(child);
        resolve({ code: null, signal: null });
      });
    });
    void this.exited.then((exit) => {
      this.exitStatus = exit;
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** How the process ended, once it has. */
  get exit(): HostExit | undefined {
    return this.exitStatus;
  }

  /** Waits for the port the host prints first; every later line is recorded as output. */
  readPort(timeoutMs: number): Promise<number> {
    return new Promise((resolve, reject) => {
      let portLine: string | undefined;
      const fail = (reason: string, exit?: HostExit) => {
        clearTimeout(timer);
        reject(new ProviderHostError(`The dynamic-provider host ${reason}.${this.stderrTail()}`, exit));
      };
      const timer = setTimeout(() => fail(`printed no port within ${timeoutMs} ms`), timeoutMs);
      readline.createInterface({ input: this.child.stdout! }).on("line", (text) => {
        if (portLine !== undefined) return this.record({ stream: "stdout", text });
        portLine = text;
        clearTimeout(timer);
        const port = Number(text.trim());
        if (Number.isInteger(port) && port > 0) resolve(port);
        else fail(`printed "${text.slice(0, 200)}" where its port was expected`);
      });
      readline
        .createInterface({ input: this.child.stderr! })
        .on("line", (text) => this.record({ stream: "stderr", text }));
      this.child.on("error", (error) => fail(`could not be started (${error.message})`));
      void this.exited.then((exit) => {
        if (portLine === undefined) fail(`exited (${describeExit(exit)}) before printing its port`, exit);
      });
    });
  }

  /** Lines printed so far, and messages logged to the engine (the most recent {@link KEPT_OUTPUT_LINES}). */
  output(): readonly OutputLine[] {
    return [...this.lines];
  }

  /** Takes a message the process logged to the engine, as a line of its output. */
  engineMessage(text: string): void {
    this.record({ stream: "engine", text });
  }

  /** Resolves with the first line, printed already or later, that matches. */
  waitForOutput(match: OutputMatch, timeoutMs = 10_000): Promise<OutputLine> {
    const matches =
      typeof match === "function"
        ? match
        : typeof match === "string"
          ? (line: OutputLine) => line.text.includes(match)
          : (line: OutputLine) => match.test(line.text);
    const printed = this.lines.find(matches);
    if (printed) return Promise.resolve(printed);
    const wanted = String(match);
    return new Promise((resolve, reject) => {
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        this.lineListeners.delete(listener);
        settle();
      };
      const listener = (line: OutputLine) => {
        if (matches(line)) finish(() => resolve(line));
      };
      const timer = setTimeout(() => {
        const error = new ProviderHostError(`The host printed no line matching ${wanted} within ${timeoutMs} ms.`);
        finish(() => reject(error));
      }, timeoutMs);
      this.lineListeners.add(listener);
      void this.exited.then((exit) => {
        const error = new ProviderHostError(
          `The host exited (${describeExit(exit)}) without printing a line matching ${wanted}.`,
          exit,
        );
        finish(() => reject(error));
      });
    });
  }

  /** Signals the process, unless it has exited already, and resolves once it has. */
  async kill(signal: NodeJS.Signals): Promise<HostExit> {
    if (!this.exitStatus) this.child.kill(signal);
    return this.exited;
  }

  /** SIGTERM, then SIGKILL if the process lingers. */
  async stop(): Promise<HostExit> {
    if (this.exitStatus) return this.exitStatus;
    this.child.kill("SIGTERM");
    const exit = await this.exitWithin(5_000);
    if (exit) return exit;
    this.child.kill("SIGKILL");
    return this.exited;
  }

  /** How the process ended, if it does within `timeoutMs`. */
  exitWithin(timeoutMs: number): Promise<HostExit | undefined> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(undefined), timeoutMs);
      void this.exited.then((exit) => {
        clearTimeout(timer);
        resolve(exit);
      });
    });
  }

  /** The last lines of error output, as a sentence to append to an error message ("" when there are none). */
  stderrTail(): string {
    const tail = this.lines.filter((line) => line.stream === "stderr").slice(-10);
    return tail.length === 0 ? "" : ` Its last error output:\n${tail.map((line) => line.text).join("\n")}`;
  }

  private record(line: OutputLine): void {
    this.lines.push(line);
    if (this.lines.length > KEPT_OUTPUT_LINES) this.lines.shift();
    this.onOutput?.(line);
    for (const listener of this.lineListeners) listener(line);
  }
}

export function describeExit(exit: HostExit): string {
  return exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
}
