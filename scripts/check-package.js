#!/usr/bin/env node
// @ts-check
/**
 * Checks the package as a user gets it: packs a fresh clone, installs the tarball into an empty project and uses it
 * from there. Run with --help for what it checks.
 */
"use strict";

const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { parseArgs } = require("node:util");

const REPO_ROOT = path.resolve(__dirname, "..");
const PACKAGE_NAME = "pulumi-ovh-office365";
/** The modules every stored `__provider` requires: a public contract (existing stacks refresh and destroy with them). */
const LIFECYCLE_MODULES = ["subscription-lifecycle", "license-group-lifecycle"].map((name) => `${PACKAGE_NAME}/dist/provider/resources/${name}.js`);
const LIFECYCLE_FUNCTIONS = ["configure", "check", "diff", "create", "read", "update", "remove"];
/** Files the package must ship: its entry points, what the CLI runs (the demo drives the provider host), and what the README points users to. */
const REQUIRED_FILES = [
  "LICENSE",
  "README.md",
  "package.json",
  "simulator/README.md",
  "dist/provider/index.js",
  "dist/provider/index.d.ts",
  "dist/provider/cli/main.js",
  "dist/pulumi-host/index.js",
  "dist/simulator/index.js",
  "dist/simulator/index.d.ts",
  "dist/provider/native/main.js",
  "dist/provider/native/schema.json",
  ...LIFECYCLE_MODULES.map((module) => module.slice(PACKAGE_NAME.length + 1)),
];

const USAGE = `Usage: npm run check:package -- [options]
       node scripts/check-package.js [options]

Checks the package as users get it, from the last commit (uncommitted changes are not part of it):
  1. clones this repository into a scratch folder and packs it with npm pack (prepare builds dist/; the clone
     uses this checkout's node_modules, so run npm ci first);
  2. checks the tarball holds ${REQUIRED_FILES.length} required files (LICENSE, READMEs, entry points, types, CLI, the
     demo's provider-host driver, the modules stored __provider requires) and no sources, tests or source maps;
  3. installs the tarball with @pulumi/pulumi (the peer) into an empty project outside the repository;
  4. from there: requires the package, ${PACKAGE_NAME}/dist/simulator and the lifecycle modules (${LIFECYCLE_FUNCTIONS.join(", ")});
     serializes both providers as Pulumi does and checks they require exactly those modules; compiles a TypeScript
     program against the installed types (moduleResolution node10 and node16); runs \`npx ovh-office365 --help\`;
     starts the provider host with the shipped driver as the demo does, which must run that @pulumi/pulumi; starts
     the provider plugin the package installs as a bin, which must answer its version and schema; and runs
     \`npx ovh-office365 demo\`, which must end with every step converged.

Options:
  --pulumi-version <v>   @pulumi/pulumi to install beside it (default: this repository's, ${repositoryPulumiVersion()})
  --task-duration <ms>   simulated OVH task length for the demo (default: 300)
  --keep                 keep the scratch folder and print where it is
  -h, --help             this help

Exit code 0 when every check passed, 1 when one failed (its output is shown), 2 on a usage error.
`;

/** A check failed; the message says which and shows what the command printed. */
class CheckFailed extends Error {}

function repositoryPulumiVersion() {
  const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8"));
  return manifest.devDependencies["@pulumi/pulumi"];
}

/**
 * Runs a command, returning its output; throws CheckFailed with the output's tail when it exits non-zero.
 * @param {string} command
 * @param {string[]} args
 * @param {{ cwd: string, env?: NodeJS.ProcessEnv }} options
 */
function run(command, args, options) {
  const result = spawnSync(command, args, { cwd: options.cwd, env: options.env ?? process.env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const output = `${result.stdout ?? ""}${result.stderr ?? ""}`;
  if (result.error || result.status !== 0) {
    const tail = output.trim().split("\n").slice(-40).join("\n");
    const shown = [command, ...args.map((arg) => (arg.includes("\n") ? "<script>" : arg))].join(" ");
    throw new CheckFailed(`\`${shown}\` in ${options.cwd} ${result.error ? `could not run: ${result.error.message}` : `exited with ${result.status}`}:\n${tail}`);
  }
  return result.stdout;
}

/**
 * @param {boolean} condition
 * @param {string} message
 */
function expect(condition, message) {
  if (!condition) throw new CheckFailed(message);
}

/** The tarball's files, checked against what the package must and must not ship. @param {string[]} files */
function checkPackedFiles(files) {
  const missing = REQUIRED_FILES.filter((file) => !files.includes(file));
  expect(missing.length === 0, `the tarball lacks ${missing.join(", ")}: check "files" in package.json and the build`);
  const unwanted = files.filter((file) => /\.map$|^(test|bench|scripts|schema|examples)\//.test(file) || (/\.ts$/.test(file) && !file.endsWith(".d.ts")));
  expect(unwanted.length === 0, `the tarball ships files users do not need: ${unwanted.slice(0, 10).join(", ")}`);
}

/** A program using the public API, compiled against the installed declarations. */
const TYPESCRIPT_PROGRAM = `import { LicenseGroup, Subscription, declareLicenses, declareLicences, type SubscriptionArgs } from "${PACKAGE_NAME}";
import { startSimulator, type SimulatorOptions } from "${PACKAGE_NAME}/dist/simulator";

const args: SubscriptionArgs = { serviceName: "csp2-0000cafe", license: "Office 365 E1", seats: 3 };
const options: SimulatorOptions = { taskDurationMs: 100 };
export const used = [LicenseGroup, Subscription, declareLicenses, declareLicences, startSimulator, args, options];
`;

/** Serializes both providers exactly as pulumi.dynamic.Resource does and prints the modules each requires. */
const SERIALIZE_PROGRAM = `
const pulumi = require("@pulumi/pulumi");
const pkg = require("${PACKAGE_NAME}");
Promise.all([pkg.subscriptionProvider, pkg.licenseGroupProvider].map((provider) => pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true })))
  .then((serialized) => console.log(JSON.stringify(serialized.map(({ text }) => [...new Set([...text.matchAll(/require\\("([^"]+)"\\)/g)].map((m) => m[1]))]))))
  .catch((error) => { console.error(error); process.exit(1); });
`;

/** Requires every public entry point and the lifecycle modules, printing what it found. */
const REQUIRE_PROGRAM = `
const pkg = require("${PACKAGE_NAME}");
const simulator = require("${PACKAGE_NAME}/dist/simulator");
const lifecycles = ${JSON.stringify(LIFECYCLE_MODULES)}.map((name) => Object.keys(require(name)));
console.log(JSON.stringify({ exports: Object.keys(pkg), simulator: Object.keys(simulator), lifecycles }));
`;

/**
 * Starts the dynamic-provider host with the shipped driver in the project, as the demo does once installed, and
 * prints the @pulumi/pulumi version the host reports.
 */
const HOST_PROGRAM = `
const { startProviderHost } = require("${PACKAGE_NAME}/dist/pulumi-host");
startProviderHost({ cwd: process.cwd() })
  .then(async (host) => { const { version } = host; await host.close(); console.log(JSON.stringify({ version })); })
  .catch((error) => { console.error(error); process.exit(1); });
`;

/**
 * Starts the resource provider plugin the package installs as a bin, as the engine starts one found on PATH, with the
 * shipped driver, and prints its version and its schema's name.
 */
const PLUGIN_PROGRAM = `
const path = require("path");
const { startProviderPlugin } = require("${PACKAGE_NAME}/dist/pulumi-host");
const command = [path.join(process.cwd(), "node_modules", ".bin", "pulumi-resource-ovh-office365")];
startProviderPlugin({ cwd: process.cwd(), packageName: "ovh-office365", command })
  .then(async (plugin) => { const { version } = plugin; const schema = await plugin.getSchema(); await plugin.close(); console.log(JSON.stringify({ version, name: schema.name })); })
  .catch((error) => { console.error(error); process.exit(1); });
`;

/**
 * @param {{ pulumiVersion: string, taskDuration: string, scratch: string }} options
 * @param {(line: string) => void} say
 */
function checkPackage({ pulumiVersion, taskDuration, scratch }, say) {
  const step = (/** @type {string} */ text) => say(`check-package: ${text}`);
  const head = run("git", ["rev-parse", "HEAD"], { cwd: REPO_ROOT }).trim();
  if (run("git", ["status", "--porcelain", "--untracked-files=no"], { cwd: REPO_ROOT }).trim() !== "") {
    step(`warning: uncommitted changes are not checked, only commit ${head.slice(0, 12)}`);
  }
  expect(fs.existsSync(path.join(REPO_ROOT, "node_modules", "typescript")), `${REPO_ROOT}/node_modules has no typescript: run npm ci first`);

  const clone = path.join(scratch, "clone");
  step(`cloning ${head.slice(0, 12)} into ${clone}`);
  run("git", ["clone", "--quiet", REPO_ROOT, clone], { cwd: scratch });
  run("git", ["checkout", "--quiet", head], { cwd: clone });
  fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(clone, "node_modules"), "dir");

  step("npm pack (prepare builds dist/)");
  const [packed] = JSON.parse(run("npm", ["pack", "--json", "--pack-destination", scratch], { cwd: clone }));
  const files = packed.files.map((/** @type {{ path: string }} */ file) => file.path);
  checkPackedFiles(files);
  step(`${packed.filename}: ${files.length} files, ${(packed.size / 1024).toFixed(0)} KiB`);

  const project = path.join(scratch, "project");
  fs.mkdirSync(project);
  fs.writeFileSync(path.join(project, "package.json"), `${JSON.stringify({ name: "check-package-project", version: "1.0.0", private: true }, null, 2)}\n`);
  step(`npm install ${packed.filename} @pulumi/pulumi@${pulumiVersion} in an empty project`);
  run("npm", ["install", "--no-audit", "--no-fund", path.join(scratch, packed.filename), `@pulumi/pulumi@${pulumiVersion}`], { cwd: project });

  step("require the package, its simulator and the lifecycle modules");
  const loaded = JSON.parse(run(process.execPath, ["-e", REQUIRE_PROGRAM], { cwd: project }));
  for (const name of ["LicenseGroup", "Subscription", "subscriptionProvider", "licenseGroupProvider", "declareLicenses", "declareLicences"]) {
    expect(loaded.exports.includes(name), `require("${PACKAGE_NAME}") lacks ${name} (has ${loaded.exports.join(", ")})`);
  }
  expect(loaded.simulator.includes("startSimulator"), `require("${PACKAGE_NAME}/dist/simulator") lacks startSimulator`);
  loaded.lifecycles.forEach((/** @type {string[]} */ names, /** @type {number} */ index) => {
    const absent = LIFECYCLE_FUNCTIONS.filter((name) => !names.includes(name));
    expect(absent.length === 0, `${LIFECYCLE_MODULES[index]} lacks ${absent.join(", ")}: existing stacks could no longer refresh or destroy`);
  });

  step("serialize both providers as Pulumi stores them");
  const requires = JSON.parse(run(process.execPath, ["-e", SERIALIZE_PROGRAM], { cwd: project }));
  expect(
    JSON.stringify(requires) === JSON.stringify(LIFECYCLE_MODULES.map((module) => [module])),
    `the serialized providers require ${JSON.stringify(requires)}, not ${JSON.stringify(LIFECYCLE_MODULES)}: state would churn or break`,
  );

  const tsc = path.join(REPO_ROOT, "node_modules", "typescript", "bin", "tsc");
  fs.writeFileSync(path.join(project, "index.ts"), TYPESCRIPT_PROGRAM);
  for (const [moduleKind, resolution] of [["commonjs", "node10"], ["node16", "node16"]]) {
    step(`compile a TypeScript program against the installed types (moduleResolution ${resolution})`);
    const typeRoots = path.join(REPO_ROOT, "node_modules", "@types");
    run(process.execPath, [tsc, "--noEmit", "--strict", "--module", moduleKind, "--moduleResolution", resolution, "--typeRoots", typeRoots, "--types", "node", "index.ts"], { cwd: project });
  }

  step("npx ovh-office365 --help");
  const help = run("npx", ["--no", "--", "ovh-office365", "--help"], { cwd: project });
  for (const command of ["simulator", "groups", "status", "licences", "tasks", "demo"]) {
    expect(new RegExp(`^\\s+${command}\\b`, "m").test(help), `ovh-office365 --help does not list ${command}:\n${help}`);
  }

  // The demo prints no developer lines (host version, pid), so the host it would start is checked on its own.
  step("start the provider host with the shipped driver, as the demo does");
  const host = JSON.parse(run(process.execPath, ["-e", HOST_PROGRAM], { cwd: project }));
  expect(host.version === pulumiVersion, `the provider host the demo starts runs @pulumi/pulumi ${host.version}, not ${pulumiVersion}`);

  step("start the provider plugin the package installs (node_modules/.bin/pulumi-resource-ovh-office365)");
  const plugin = JSON.parse(run(process.execPath, ["-e", PLUGIN_PROGRAM], { cwd: project }));
  expect(plugin.version === packed.version && plugin.name === "ovh-office365", `the installed plugin answered ${JSON.stringify(plugin)}, not version ${packed.version} of ovh-office365`);

  step(`npx ovh-office365 demo --task-duration ${taskDuration}`);
  const started = Date.now();
  const demo = run("npx", ["--no", "--", "ovh-office365", "demo", "--task-duration", taskDuration], { cwd: project });
  const done = demo.trim().split("\n").pop() ?? "";
  expect(/every step converged/.test(done), `the demo did not end with every step converged:\n${demo.split("\n").slice(-30).join("\n")}`);
  step(`demo: ${done.replace(/^=== /, "")} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  step(`passed: ${packed.filename} works installed beside @pulumi/pulumi ${pulumiVersion} on Node ${process.versions.node}`);
}

function main() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        "pulumi-version": { type: "string" },
        "task-duration": { type: "string" },
        keep: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    process.stderr.write(`check-package: ${/** @type {Error} */ (error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const taskDuration = values["task-duration"] ?? "300";
  if (!/^\d+$/.test(taskDuration)) {
    process.stderr.write(`check-package: --task-duration ${taskDuration} is not a number of milliseconds, e.g. 300\n`);
    return 2;
  }
  // Outside the repository, so nothing resolves through its node_modules.
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "check-package-"));
  try {
    checkPackage({ pulumiVersion: values["pulumi-version"] ?? repositoryPulumiVersion(), taskDuration, scratch }, (line) => console.log(line));
    return 0;
  } catch (error) {
    if (!(error instanceof CheckFailed)) throw error;
    console.error(`check-package: FAILED: ${error.message}`);
    return 1;
  } finally {
    if (values.keep) console.log(`check-package: kept ${scratch}`);
    else fs.rmSync(scratch, { recursive: true, force: true });
  }
}

process.exitCode = main();
