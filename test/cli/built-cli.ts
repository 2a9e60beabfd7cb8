import { execFile, execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "../support/paths";

export const CLI_MAIN = path.join(REPO_ROOT, "dist", "provider", "cli", "main.js");
/** The lock test/support/build.ts takes too, so two jest workers never compile into dist/ at once. */
const LOCK_DIR = path.join(REPO_ROOT, ".tmp", "build.lock");
const LOCK_WAIT_MS = 120_000;
const CLI_SOURCES = [path.join(REPO_ROOT, "provider", "cli", "main.ts"), path.join(REPO_ROOT, "provider", "cli", "commands")];

/**
 * Builds the package (`tsc -p tsconfig.build.json`) when the compiled CLI is missing or older than its sources,
 * so `npx jest test/cli` right after an edit runs the code as edited. `npm test` builds first and makes this a no-op.
 */
export async function ensureCliBuilt(): Promise<void> {
  if (!isStale()) return;
  await withBuildLock(() => {
    if (!isStale()) return;
    const tsc = require.resolve("typescript/bin/tsc", { paths: [REPO_ROOT] });
    let output = "";
    try {
      execFileSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { cwd: REPO_ROOT, encoding: "utf8" });
    } catch (error) {
      // tsc still emits when other folders have type errors; only a missing CLI is fatal here.
      output = String((error as { stdout?: string }).stdout ?? error);
    }
    if (!fs.existsSync(CLI_MAIN)) throw new Error(`Building the package did not produce ${CLI_MAIN}. Run \`npm run build\` and fix:\n${output}`);
  });
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

async function withBuildLock(build: () => void): Promise<void> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  fs.mkdirSync(path.dirname(LOCK_DIR), { recursive: true });
  for (;;) {
    try {
      fs.mkdirSync(LOCK_DIR);
      fs.writeFileSync(path.join(LOCK_DIR, "pid"), String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      if (lockOwnerIsGone()) {
        fs.rmSync(LOCK_DIR, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`Another process has held ${LOCK_DIR} for ${LOCK_WAIT_MS} ms: remove it if no build is running.`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  try {
    build();
  } finally {
    fs.rmSync(LOCK_DIR, { recursive: true, force: true });
  }
}

function lockOwnerIsGone(): boolean {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(path.join(LOCK_DIR, "pid"), "utf8"));
  } catch {
    // The owner made the directory but has not written its pid yet.
    return false;
  }
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
}

export interface CliRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node dist/provider/cli/main.js <args>` with only PATH and `env` in its environment (no OVH_* variable
 * of the person running the tests leaks in). Asynchronous, so an in-process simulator keeps answering.
 */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
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
