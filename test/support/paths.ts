import * as fs from "node:fs";
import * as path from "node:path";
import { randomBytes } from "node:crypto";
import { secretSweep } from "./secret-sweep";

/** The repository root: the package's own directory, whose node_modules every staged program resolves through. */
export const REPO_ROOT = path.resolve(__dirname, "..", "..");

/**
 * A fresh, empty program directory under `<repo>/.tmp/programs` (git-ignored). Being inside the repository lets Node
 * walk up to `<repo>/node_modules` for @pulumi/pulumi and the package's dependencies; the random suffix keeps
 * parallel jest workers apart.
 */
export function makeProgramDir(label: string): string {
  const dir = path.join(REPO_ROOT, ".tmp", "programs", `${label}-${process.pid}-${randomBytes(4).toString("hex")}`);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** Deletes a scratch directory, after the secret sweep has searched every file written there. */
export function removeDir(dir: string): void {
  try {
    secretSweep.dir(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
