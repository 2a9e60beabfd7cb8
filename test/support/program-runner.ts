import { execFile } from "node:child_process";
import * as path from "node:path";
import { REPO_ROOT } from "./paths";
import { secretSweep } from "./secret-sweep";

const RUNNER = path.join(REPO_ROOT, "test", "examples", "run-program.js");

/** What test/examples/run-program.js is given: see its header. */
export interface ProgramSpec {
  projectDir: string;
  program?: string;
  typescript?: boolean;
  config?: Record<string, string | number | boolean>;
}

/** A resource the program registered, as run-program.js reports it. */
export interface RegisteredResource {
  type: string;
  name: string;
  urn: string;
  parent?: string;
  dependencies: string[];
  protect: boolean;
  custom: boolean;
  inputs: Record<string, unknown>;
  provider?: { length: number; requires: string[] };
}

export type ProgramRun =
  | { resources: RegisteredResource[]; outputs: Record<string, unknown>; error?: undefined }
  | { error: { name: string; message: string; runError: boolean }; resources?: undefined };

/** Runs a Pulumi program under mocks in a plain node process; its output goes through the secret sweep. */
export function runProgramUnderMocks(spec: ProgramSpec): Promise<ProgramRun> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [RUNNER, JSON.stringify(spec)], { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      secretSweep.text("stdout", stdout, "run-program.js");
      secretSweep.text("stderr", stderr, "run-program.js");
      const lastLine = stdout.trim().split("\n").pop() ?? "";
      try {
        resolve(JSON.parse(lastLine) as ProgramRun);
      } catch {
        reject(new Error(`run-program printed no result (${error?.message ?? "exit 0"}):\n${stdout}\n${stderr}`));
      }
    });
  });
}

/** The run's resources and outputs; throws with the program's error when it failed. */
export function succeeded(run: ProgramRun): { resources: RegisteredResource[]; outputs: Record<string, unknown> } {
  if (run.error !== undefined) throw new Error(`the program failed: ${run.error.name}: ${run.error.message}`);
  return run;
}
