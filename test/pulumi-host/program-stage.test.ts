import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PACKAGE_NAME, ProgramStageError, findPackageRoot, stageProgram } from "../../pulumi-host";
import { ensurePackageBuilt } from "../support/build";
import { REPO_ROOT, makeProgramDir, removeDir } from "../support/paths";

/** Resolves a module the way a program in `dir` would, in a plain node process (jest has its own resolver). */
function resolveFrom(dir: string, request: string): string {
  return execFileSync(process.execPath, ["-e", `process.stdout.write(require.resolve(${JSON.stringify(request)}))`], {
    cwd: dir,
    encoding: "utf8",
  });
}

function writePackage(dir: string, manifest: Record<string, unknown>): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify(manifest));
}

describe("stageProgram", () => {
  const cleanup: string[] = [];

  beforeAll(async () => {
    await ensurePackageBuilt();
  });

  afterAll(() => {
    for (const dir of cleanup) removeDir(dir);
  });

  function programDir(label: string): string {
    const dir = makeProgramDir(label);
    cleanup.push(dir);
    return dir;
  }

  it("installs the packed files so the program resolves the package and its dependencies", async () => {
    const dir = programDir("stage");
    const staged = await stageProgram({ packageRoot: REPO_ROOT, programDir: dir });

    const packageDir = path.join(dir, "node_modules", PACKAGE_NAME);
    expect(staged).toMatchObject({ programDir: dir, packageDir, staged: true });
    expect(resolveFrom(dir, `${PACKAGE_NAME}/package.json`)).toBe(path.join(packageDir, "package.json"));
    expect(resolveFrom(packageDir, "@pulumi/pulumi")).toBe(require.resolve("@pulumi/pulumi"));

    expect(staged.files).toContain("package.json");
    expect(staged.files).toContain(path.join("dist", "provider", "index.js"));
    expect(staged.files.filter((file) => file.endsWith(".map"))).toEqual([]);
    expect(staged.files.filter((file) => !file.startsWith("dist") && !/^(package\.json|README|LICENSE|simulator[\\/]README\.md$)/i.test(file))).toEqual([]);
    for (const file of staged.files) {
      expect(fs.readFileSync(path.join(packageDir, file))).toEqual(fs.readFileSync(path.join(REPO_ROOT, file)));
    }
  });

  it("finds the package root from inside the repository and from inside a staged copy", async () => {
    expect(findPackageRoot()).toBe(REPO_ROOT);
    const dir = programDir("find-root");
    const staged = await stageProgram({ packageRoot: REPO_ROOT, programDir: dir });
    expect(findPackageRoot(path.join(staged.packageDir, "dist", "provider"))).toBe(staged.packageDir);
    expect(() => findPackageRoot(os.tmpdir())).toThrow(`No package.json of ${PACKAGE_NAME} above`);
  });

  it("replaces a previous copy instead of mixing old files in", async () => {
    const dir = programDir("restage");
    const first = await stageProgram({ packageRoot: REPO_ROOT, programDir: dir });
    fs.writeFileSync(path.join(first.packageDir, "left-over.js"), "");

    const second = await stageProgram({ packageRoot: REPO_ROOT, programDir: dir });
    expect(fs.existsSync(path.join(second.packageDir, "left-over.js"))).toBe(false);
    expect(fs.readdirSync(path.join(dir, "node_modules"))).toEqual([PACKAGE_NAME]);
  });

  it("uses an installed package where it is, with the directory above its node_modules as the program", async () => {
    const app = programDir("installed");
    const installed = path.join(app, "node_modules", PACKAGE_NAME);
    writePackage(installed, { name: PACKAGE_NAME, version: "1.0.0", main: "dist/provider/index.js" });
    const unused = path.join(app, "unused-program");

    const staged = await stageProgram({ packageRoot: installed, programDir: unused });
    expect(staged).toEqual({ programDir: app, packageDir: installed, staged: false, files: [] });
    expect(fs.existsSync(unused)).toBe(false);
  });

  it("says to build when the package's main file is missing", async () => {
    const root = programDir("unbuilt");
    writePackage(root, { name: PACKAGE_NAME, version: "1.0.0", main: "dist/provider/index.js", files: ["dist"] });

    const error = await stageProgram({ packageRoot: root, programDir: path.join(root, "program") }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProgramStageError);
    expect((error as Error).message).toContain(`Run \`npm run build\` in ${root}`);
  });

  it("names the dependencies a program outside the project cannot resolve", async () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), "ovh-office365-stage-"));
    cleanup.push(outside);

    const error = await stageProgram({ packageRoot: REPO_ROOT, programDir: outside }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProgramStageError);
    expect((error as Error).message).toMatch(/cannot resolve .*axios.*@pulumi\/pulumi/);
    expect((error as Error).message).toContain(path.join(REPO_ROOT, ".tmp"));
    expect(fs.existsSync(path.join(outside, "node_modules"))).toBe(false);
  });

  it("refuses a packageRoot that holds another package", async () => {
    const other = programDir("other-package");
    writePackage(other, { name: "left-pad", version: "1.0.0" });

    await expect(stageProgram({ packageRoot: other, programDir: path.join(other, "program") })).rejects.toThrow(
      `is the package "left-pad", not ${PACKAGE_NAME}`,
    );
  });
});
