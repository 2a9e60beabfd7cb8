import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import { REPO_ROOT } from "../support/paths";

/**
 * The driver of the provider host sits beside the library, not inside it: only the command line (provider/cli/, for
 * the demo) may import pulumi-host/, and pulumi-host/ imports nothing from provider/, so the library never loads the
 * driver and the driver only ever meets the provider through the host, as the engine does.
 */

const PACKAGE_NAME = "pulumi-ovh-office365";
const PROVIDER_DIR = path.join(REPO_ROOT, "provider");
const CLI_DIR = path.join(PROVIDER_DIR, "cli");
const HOST_DIR = path.join(REPO_ROOT, "pulumi-host");

/** The folder each module `file` imports or requires lies in: an absolute path, or the package's own provider/. */
function importedPaths(file: string, text: string): string[] {
  const { importedFiles } = ts.preProcessFile(text, true, true);
  return importedFiles.map(({ fileName }) => {
    if (fileName.startsWith(".")) return path.resolve(path.dirname(file), fileName);
    // The package importing itself by name reaches its compiled provider/.
    if (fileName === PACKAGE_NAME || fileName.startsWith(`${PACKAGE_NAME}/`)) return PROVIDER_DIR;
    return fileName;
  });
}

function isInside(target: string, dir: string): boolean {
  const relative = path.relative(dir, target);
  return relative === "" || (!relative.startsWith("..") && !path.isAbsolute(relative));
}

/** `file: specifier` for every import of `file` that lands in `forbidden`. */
function violations(file: string, text: string, forbidden: string): string[] {
  return importedPaths(file, text)
    .filter((target) => path.isAbsolute(target) && isInside(target, forbidden))
    .map((target) => `${path.relative(REPO_ROOT, file)} imports ${path.relative(REPO_ROOT, target) || "."}`);
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const entryPath = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(entryPath);
    return entry.isFile() && entry.name.endsWith(".ts") ? [entryPath] : [];
  });
}

describe("the dependency rule between provider/ and pulumi-host/", () => {
  it("finds imports, requires and the package's own name that cross it", () => {
    const file = path.join(HOST_DIR, "example.ts");
    const text = [
      `import { up } from "../provider/resources/subscription";`,
      `export * from "../provider/ovh";`,
      `const lifecycle = require("pulumi-ovh-office365/dist/provider/resources/subscription-lifecycle.js");`,
      `import * as fs from "node:fs";`,
      `import { withProvider } from "./property-struct";`,
    ].join("\n");
    expect(violations(file, text, PROVIDER_DIR)).toEqual([
      "pulumi-host/example.ts imports provider/resources/subscription",
      "pulumi-host/example.ts imports provider/ovh",
      "pulumi-host/example.ts imports provider",
    ]);
  });

  it("only provider/cli/ imports pulumi-host/ among the library's files", () => {
    const library = sourceFiles(PROVIDER_DIR).filter((file) => !isInside(file, CLI_DIR));
    expect(library.length).toBeGreaterThan(20);
    const found = library.flatMap((file) => violations(file, fs.readFileSync(file, "utf8"), HOST_DIR));
    expect(found).toEqual([]);
    const cli = sourceFiles(CLI_DIR).flatMap((file) => violations(file, fs.readFileSync(file, "utf8"), HOST_DIR));
    expect(cli).toContain("provider/cli/demo.ts imports pulumi-host");
  });

  it("pulumi-host/ imports nothing from provider/", () => {
    const driver = sourceFiles(HOST_DIR);
    expect(driver.map((file) => path.basename(file))).toContain("index.ts");
    const found = driver.flatMap((file) => violations(file, fs.readFileSync(file, "utf8"), PROVIDER_DIR));
    expect(found).toEqual([]);
  });
});
