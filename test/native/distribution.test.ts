import * as fs from "node:fs";
import * as path from "node:path";
import { stageProgram, startProviderPlugin, type ProviderPlugin } from "../../pulumi-host";
import { ensurePackageBuilt } from "../support/build";
import { makeProgramDir, removeDir, REPO_ROOT } from "../support/paths";

/**
 * The ways Pulumi finds and starts the plugin, as far as they can run without the Pulumi CLI: the executable at the
 * root of a built checkout (`plugins.providers[].path`, `pulumi package add <checkout>`), and the `plugin/` folder a git
 * URL install runs through the Node.js language host (`pulumi package add github.com/…/plugin@v<version>`), whose
 * `run-plugin` is started here as that host starts it.
 */

const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
  version: string;
  repository: { url: string };
  bin: Record<string, string>;
};
const pluginManifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "plugin", "package.json"), "utf8")) as {
  version: string;
  main: string;
  dependencies: Record<string, string>;
};

let programDir: string;
let packageDir: string;

beforeAll(async () => {
  await ensurePackageBuilt();
  ({ programDir, packageDir } = await stageProgram({ packageRoot: REPO_ROOT, programDir: makeProgramDir("native-distribution") }));
});
afterAll(() => removeDir(programDir));

async function startedAnswers(plugin: ProviderPlugin): Promise<void> {
  try {
    expect(plugin.version).toBe(manifest.version);
    expect(await plugin.getSchema()).toMatchObject({ name: "ovh-office365", version: manifest.version });
    expect(plugin.output().filter((line) => line.stream === "stdout")).toEqual([]);
  } finally {
    await plugin.close();
  }
}

it("the plugin/ folder installs the package from the git tag of its own version, with the SDK the language host needs", () => {
  expect(pluginManifest.version).toBe(manifest.version);
  const repository = manifest.repository.url.replace(/^git\+/, "");
  expect(pluginManifest.dependencies["pulumi-ovh-office365"]).toBe(`git+${repository}#v${manifest.version}`);
  expect(pluginManifest.dependencies["@pulumi/pulumi"]).toBeDefined();
  expect(fs.readFileSync(path.join(REPO_ROOT, "plugin", "PulumiPlugin.yaml"), "utf8")).toMatch(/^runtime: nodejs$/m);
});

it("the package ships the plugin as a bin, pulumi-resource-ovh-office365, which starts and answers", async () => {
  expect(manifest.bin["pulumi-resource-ovh-office365"]).toBe("dist/provider/native/main.js");
  const shipped = path.join(packageDir, manifest.bin["pulumi-resource-ovh-office365"]);
  expect(fs.readFileSync(shipped, "utf8").startsWith("#!/usr/bin/env node")).toBe(true);
  await startedAnswers(await startProviderPlugin({ cwd: programDir, packageName: "ovh-office365", command: [process.execPath, shipped] }));
});

it("a built checkout's root holds the executable Pulumi looks for in a plugins.providers path", async () => {
  const executable = path.join(REPO_ROOT, "pulumi-resource-ovh-office365");
  expect(fs.statSync(executable).mode & 0o111).not.toBe(0);
  // The engine passes its flags before its address.
  await startedAnswers(await startProviderPlugin({ cwd: REPO_ROOT, packageName: "ovh-office365", command: [executable, "--logtostderr", "-v=3"] }));
});

it("the plugin/ folder starts through the Node.js language host's run-plugin, as a git URL install runs it", async () => {
  const pluginDir = path.join(programDir, "plugin-from-git");
  fs.mkdirSync(pluginDir);
  for (const file of ["PulumiPlugin.yaml", "package.json", pluginManifest.main]) fs.copyFileSync(path.join(REPO_ROOT, "plugin", file), path.join(pluginDir, file));
  // What `npm install` there leaves: the package (here the staged copy beside it) and @pulumi/pulumi.
  const runPlugin = require.resolve("@pulumi/pulumi/cmd/run-plugin/index.js", { paths: [pluginDir] });
  await startedAnswers(await startProviderPlugin({ cwd: pluginDir, packageName: "ovh-office365", command: [process.execPath, runPlugin, pluginDir], startTimeoutMs: 60_000 }));
}, 90_000);
