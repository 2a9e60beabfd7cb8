import * as fs from "node:fs";
import * as path from "node:path";

const PACKAGE_NAME = "pulumi-ovh-office365";

/**
 * Walks up from this file to the package's own package.json. The same code runs from the TypeScript sources
 * (under ts-jest), from `dist/` and from an installed copy in `node_modules`, each at a different depth.
 */
function readPackageVersion(startDirectory: string): string {
  let directory = startDirectory;
  for (;;) {
    const candidate = path.join(directory, "package.json");
    if (fs.existsSync(candidate)) {
      try {
        const manifest = JSON.parse(fs.readFileSync(candidate, "utf8")) as { name?: unknown; version?: unknown };
        if (manifest.name === PACKAGE_NAME && typeof manifest.version === "string") return manifest.version;
      } catch {
        // An unreadable or foreign package.json on the way up is not ours: keep walking.
      }
    }
    const parent = path.dirname(directory);
    if (parent === directory) return "unknown";
    directory = parent;
  }
}

/** The version of the installed pulumi-ovh-office365 package ("unknown" if its package.json cannot be found). */
export const packageVersion: string = readPackageVersion(__dirname);
