import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "./paths";

const LOCK_DIR = path.join(REPO_ROOT, ".tmp", "build.lock");
const LOCK_WAIT_MS = 120_000;

/**
 * Makes sure the package's `main` exists, building it once with `tsc -p tsconfig.build.json` when it does not.
 * `npm test` builds before jest; this covers `npx jest <folder>` on a fresh clone.
 */
export async function ensurePackageBuilt(): Promise<void> {
  const main = mainFile();
  await buildWhen(() => !fs.existsSync(main), main);
}

/**
 * Builds the package when `needsBuild()` says so, checking that `expectedFile` then exists. A lock directory keeps two
 * jest workers from compiling into dist/ at the same time.
 */
export async function buildWhen(needsBuild: () => boolean, expectedFile: string): Promise<void> {
  if (!needsBuild()) return;
  await withBuildLock(() => {
    if (!needsBuild()) return;
    const tsc = require.resolve("typescript/bin/tsc", { paths: [REPO_ROOT] });
    let output = "";
    try {
      execFileSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { cwd: REPO_ROOT, encoding: "utf8" });
    } catch (error) {
      // tsc still emits when some files have type errors; only a missing output is fatal here.
      output = String((error as { stdout?: string }).stdout ?? error);
    }
    if (!fs.existsSync(expectedFile)) {
      throw new Error(`Building the package did not produce ${expectedFile}. Run \`npm run build\` and fix:\n${output}`);
    }
  });
}

function mainFile(): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { main: string };
  return path.join(REPO_ROOT, manifest.main);
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
      if (Date.now() > deadline) {
        throw new Error(`Another process has held ${LOCK_DIR} for ${LOCK_WAIT_MS} ms: remove it if no build is running.`);
      }
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
