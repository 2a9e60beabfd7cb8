import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { buildWhen } from "../support/build";
import { REPO_ROOT } from "../support/paths";
import { secretSweep } from "../support/secret-sweep";

export const CLI_MAIN = path.join(REPO_ROOT, "dist", "provider", "cli", "main.js");
// The demo command runs the provider-host driver in pulumi-host/, so its sources make the CLI stale too.
const CLI_SOURCES = [path.join(REPO_ROOT, "provider", "cli"), path.join(REPO_ROOT, "provider", "cli", "commands"), path.join(REPO_ROOT, "pulumi-host")];

/**
 * Builds the package (`tsc -p tsconfig.build.json`) when the compiled CLI is missing or older than its sources,
 * so `npx jest test/cli` right after an edit runs the code as edited. `npm test` builds first and makes this a no-op.
 */
export async function ensureCliBuilt(): Promise<void> {
  await buildWhen(isStale, CLI_MAIN);
}

function isStale(): boolean {
  if (!fs.existsSync(CLI_MAIN)) return true;
  const sources = CLI_SOURCES.flatMap((source) =>
    fs.statSync(source).isDirectory() ? fs.readdirSync(source).filter((name) => name.endsWith(".ts")).map((name) => path.join(source, name)) : [source],
  );
  return sources.some((source) => {
    const compiled = path.join(REPO_ROOT, "dist", path.relative(REPO_ROOT, source)).replace(/\.ts$/, ".js");
    return !fs.existsSync(compiled) || fs.statSync(compiled).mtimeMs < fs.statSync(source).mtimeMs;
  });
}

export interface CliRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node dist/provider/cli/main.js <args>` with only PATH and `env` in its environment (no OVH_* variable
 * of the person running the tests leaks in). Asynchronous, so an in-process simulator keeps answering.
 * The secret sweep learns the credentials in `env` and searches what the command printed.
 */
export async function runCli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  secretSweep.registerSettings(env);
  const command = `ovh-office365 ${args[0] ?? ""}`.trimEnd();
  try {
    const run = await runCliProcess(args, env);
    secretSweep.text("stdout", run.stdout, command);
    secretSweep.text("stderr", run.stderr, command);
    return run;
  } catch (error) {
    secretSweep.error(error, command);
    throw error;
  }
}

function runCliProcess(args: string[], env: Record<string, string>): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [CLI_MAIN, ...args],
      { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? "", ...env }, timeout: 60_000, encoding: "utf8" },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== "number") {
          reject(new Error(`ovh-office365 ${args.join(" ")} did not exit on its own (${error.signal ?? error.code ?? error.message}):\n${stderr}`));
          return;
        }
        resolve({ exitCode: error ? (error.code as number) : 0, stdout, stderr });
      },
    );
  });
}
