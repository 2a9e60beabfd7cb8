import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

/**
 * Puts the package where a Pulumi program, and the dynamic-provider host started in that program's directory, can
 * `require` it.
 *
 * The host loads `__provider` with an empty filename, so every `require("pulumi-ovh-office365/...")` in the
 * serialized provider resolves from the host's working directory: that directory's `node_modules` chain must hold
 * the package, exactly as `npm install` would lay it out.
 */

export const PACKAGE_NAME = "pulumi-ovh-office365";

/** Staging or serializing could not be done; the message says what to do. */
export class ProgramStageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ProgramStageError";
  }
}

export interface StageProgramOptions {
  /** Directory holding the package's package.json (the repository root in development). */
  packageRoot: string;
  /** Program directory to install the package into; its `node_modules` chain must resolve the package's dependencies. */
  programDir: string;
}

export interface StagedProgram {
  /** Directory to start the provider host (and serialize providers) in. */
  programDir: string;
  /** Where `require("pulumi-ovh-office365")` resolves from `programDir`. */
  packageDir: string;
  /** False when the package was already installed in a `node_modules` and nothing was copied. */
  staged: boolean;
  /** Files copied, relative to `packageDir` (empty when nothing was copied). */
  files: string[];
}

interface PackageManifest {
  name?: string;
  main?: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

/**
 * Installs a copy of the package (the files `npm pack` would publish) into `programDir/node_modules`.
 * When the package already runs from inside a `node_modules` (installed from the registry), nothing is copied and
 * the directory holding that `node_modules` is returned as the program directory.
 */
export async function stageProgram(options: StageProgramOptions): Promise<StagedProgram> {
  const packageRoot = path.resolve(options.packageRoot);
  const manifest = readManifest(packageRoot);

  const installedIn = enclosingNodeModules(packageRoot);
  if (installedIn !== undefined) {
    return { programDir: path.dirname(installedIn), packageDir: packageRoot, staged: false, files: [] };
  }

  const files = await listPackFiles(packageRoot);
  const main = path.normalize(manifest.main ?? "index.js");
  if (!files.includes(main)) {
    throw new ProgramStageError(
      `${PACKAGE_NAME} is not built: ${path.join(packageRoot, main)} is missing. ` +
        `Run \`npm run build\` in ${packageRoot}, then try again.`,
    );
  }

  const programDir = path.resolve(options.programDir);
  const nodeModules = path.join(programDir, "node_modules");
  const packageDir = path.join(nodeModules, PACKAGE_NAME);

  const unresolved = Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies }).filter(
    (dependency) => findInstalledPackage(dependency, packageDir) === undefined,
  );
  if (unresolved.length > 0) {
    throw new ProgramStageError(
      `The program directory ${programDir} cannot resolve ${unresolved.join(", ")} for ${PACKAGE_NAME}. ` +
        `Place it inside the project (for example under ${path.join(packageRoot, ".tmp")}) so Node finds ` +
        `${path.join(packageRoot, "node_modules")}, or install those packages in the program.`,
    );
  }
  // Copy next to the target, then swap it in, so a half-written copy is never visible under the package name.
  const scratchDir = path.join(nodeModules, `.${PACKAGE_NAME}-${process.pid}-${Date.now()}`);
  fs.mkdirSync(scratchDir, { recursive: true });
  for (const file of files) {
    const target = path.join(scratchDir, file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(path.join(packageRoot, file), target);
  }
  fs.rmSync(packageDir, { recursive: true, force: true });
  fs.renameSync(scratchDir, packageDir);
  return { programDir, packageDir, staged: true, files };
}

/**
 * The root of this package (the directory of its package.json) seen from `fromDir`: the repository in development,
 * `node_modules/pulumi-ovh-office365` once installed. Defaults to where this module runs from.
 */
export function findPackageRoot(fromDir: string = __dirname): string {
  for (let dir = path.resolve(fromDir); ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, "package.json");
    if (fs.existsSync(manifest) && readManifestName(manifest) === PACKAGE_NAME) return dir;
    if (path.dirname(dir) === dir) {
      throw new ProgramStageError(`No package.json of ${PACKAGE_NAME} above ${fromDir}: pass packageRoot explicitly.`);
    }
  }
}

export interface SerializeProviderOptions {
  /** Program directory whose `node_modules` holds the package (see {@link stageProgram}). */
  programDir: string;
  /** Name of the exported provider object, e.g. `subscriptionProvider`. */
  exportName: string;
  /** Package that exports the provider; defaults to this package. */
  packageName?: string;
}

/**
 * Serializes an exported provider object exactly as `pulumi.dynamic.Resource` does, returning the `__provider`
 * text the engine stores in state.
 *
 * It runs in a plain `node` child process started in `programDir`: the closure serializer decides between
 * `require("<package>/<file>")` and inlining from real module paths, which only a normal Node module system gives.
 */
export async function serializeProvider(options: SerializeProviderOptions): Promise<string> {
  const packageName = options.packageName ?? PACKAGE_NAME;
  const { stdout } = await run(process.execPath, ["-e", SERIALIZE_SCRIPT, packageName, options.exportName], {
    cwd: options.programDir,
    failure: (detail) =>
      `Could not serialize ${packageName}'s export "${options.exportName}" from ${options.programDir}: ${detail}`,
  });
  const text: unknown = JSON.parse(stdout);
  if (typeof text !== "string") {
    throw new ProgramStageError(`Serializing "${options.exportName}" printed ${stdout.slice(0, 200)}, not a string.`);
  }
  return text;
}

const SERIALIZE_SCRIPT = `
const [packageName, exportName] = process.argv.slice(1);
const exported = require(packageName);
const provider = exported[exportName];
if (provider === undefined || provider === null) {
  const names = Object.keys(exported).join(", ");
  console.error(packageName + " has no export named " + JSON.stringify(exportName) + "; it exports: " + names);
  process.exit(2);
}
require("@pulumi/pulumi").runtime.serializeFunction(() => provider, { allowSecrets: true })
  .then((serialized) => process.stdout.write(JSON.stringify(serialized.text)))
  .catch((error) => { console.error(error && error.stack ? error.stack : String(error)); process.exit(1); });
`;

function readManifestName(manifestPath: string): string | undefined {
  return (JSON.parse(fs.readFileSync(manifestPath, "utf8")) as PackageManifest).name;
}

function readManifest(packageRoot: string): PackageManifest {
  const manifestPath = path.join(packageRoot, "package.json");
  let manifest: PackageManifest;
  try {
    manifest = JSON.parse(fs.readFileSync(manifestPath, "utf8")) as PackageManifest;
  } catch (error) {
    throw new ProgramStageError(
      `Cannot read ${manifestPath} (${(error as Error).message}): ` +
        `packageRoot must be the directory of ${PACKAGE_NAME}'s package.json.`,
    );
  }
  if (manifest.name !== PACKAGE_NAME) {
    throw new ProgramStageError(
      `${manifestPath} is the package "${manifest.name}", not ${PACKAGE_NAME}: ` +
        `pass the directory of ${PACKAGE_NAME}'s package.json as packageRoot.`,
    );
  }
  return manifest;
}

/** The innermost `node_modules` directory that `dir` is inside of, if any. */
function enclosingNodeModules(dir: string): string | undefined {
  const parts = dir.split(path.sep);
  const index = parts.lastIndexOf("node_modules");
  return index > 0 ? parts.slice(0, index + 1).join(path.sep) : undefined;
}

/** Finds `name` the way Node does from `fromDir`: `node_modules/<name>` in it and every parent directory. */
function findInstalledPackage(name: string, fromDir: string): string | undefined {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, "node_modules", name, "package.json");
    if (fs.existsSync(candidate)) return path.dirname(candidate);
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** The files `npm pack` would publish (package.json's `files`, negations, always-included files), relative paths. */
async function listPackFiles(packageRoot: string): Promise<string[]> {
  const { stdout } = await run(npmCommand(), ["pack", "--dry-run", "--json", "--ignore-scripts"], {
    cwd: packageRoot,
    // npm is a script on Windows (npm.cmd), which only a shell can start.
    shell: process.platform === "win32",
    failure: (detail) => `\`npm pack --dry-run\` failed in ${packageRoot}: ${detail}. Check that npm is on PATH.`,
  });
  const packs = JSON.parse(stdout) as Array<{ files: Array<{ path: string }> }>;
  return packs[0].files.map((file) => path.normalize(file.path));
}

function npmCommand(): string {
  return process.platform === "win32" ? "npm.cmd" : "npm";
}

interface RunOptions {
  cwd: string;
  shell?: boolean;
  failure: (detail: string) => string;
}

function run(command: string, args: string[], options: RunOptions): Promise<{ stdout: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { cwd: options.cwd, maxBuffer: 64 * 1024 * 1024, shell: options.shell ?? false },
      (error, stdout, stderr) => {
        if (error) {
          const detail = lastLines(stderr, 8) || error.message;
          reject(new ProgramStageError(options.failure(detail)));
        } else {
          resolve({ stdout });
        }
      },
    );
  });
}

function lastLines(text: string, count: number): string {
  return text.trim().split(/\r?\n/).slice(-count).join("\n");
}
