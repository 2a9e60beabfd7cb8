import * as path from "node:path";
import * as ts from "typescript";
import * as pkg from "../../provider";
import type * as Package from "../../provider";
import { REPO_ROOT } from "../support/paths";

/** The package's earlier "licence" names and the "license" names they stand for. */
const valueNames = {
  loadLicenceFile: "loadLicenseFile",
  parseLicenceFile: "parseLicenseFile",
  declareLicences: "declareLicenses",
  declareLicenceGroup: "declareLicenseGroup",
  LicenceFileError: "LicenseFileError",
} as const;
const typeNames = {
  LicenceFileError: "LicenseFileError",
  LicenceFileProblem: "LicenseFileProblem",
  LicenceFile: "LicenseFile",
  LicenceGroupDeclaration: "LicenseGroupDeclaration",
  DeclareLicencesOptions: "DeclareLicensesOptions",
  DeclaredLicenceGroup: "DeclaredLicenseGroup",
} as const;

/** True when A and B are the same type; a mismatch below fails type checking (ts-jest, `npm run typecheck`). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameTypes: { [Old in keyof typeof typeNames]: true } = {
  LicenceFileError: true satisfies Same<Package.LicenceFileError, Package.LicenseFileError>,
  LicenceFileProblem: true satisfies Same<Package.LicenceFileProblem, Package.LicenseFileProblem>,
  LicenceFile: true satisfies Same<Package.LicenceFile, Package.LicenseFile>,
  LicenceGroupDeclaration: true satisfies Same<Package.LicenceGroupDeclaration, Package.LicenseGroupDeclaration>,
  DeclareLicencesOptions: true satisfies Same<Package.DeclareLicencesOptions, Package.DeclareLicensesOptions>,
  DeclaredLicenceGroup: true satisfies Same<Package.DeclaredLicenceGroup, Package.DeclaredLicenseGroup>,
};

/** Each export of the package's entry with its JSDoc `@deprecated` text, as an editor shows it. */
function deprecations(): Map<string, string | undefined> {
  const entry = path.join(REPO_ROOT, "provider", "index.ts");
  const program = ts.createProgram([entry], { strict: true, skipLibCheck: true, noEmit: true });
  const checker = program.getTypeChecker();
  const module = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
  return new Map(
    checker.getExportsOfModule(module).map((symbol) => {
      const tag = symbol.getJsDocTags(checker).find((candidate) => candidate.name === "deprecated");
      return [symbol.getName(), tag && ts.displayPartsToString(tag.text)];
    }),
  );
}

describe("the package's earlier licence spellings", () => {
  it.each(Object.entries(valueNames))("exports %s as %s itself", (oldName, newName) => {
    const exports = pkg as unknown as Record<string, unknown>;
    expect(exports[newName]).toBeDefined();
    expect(exports[oldName]).toBe(exports[newName]);
  });

  it("keeps the old error class usable: instanceof sees one class either way, named as the README names it", () => {
    const error = new pkg.LicenceFileError("l.yaml", [{ path: "", message: "the file is empty" }]);
    expect(error).toBeInstanceOf(pkg.LicenseFileError);
    expect(new pkg.LicenseFileError("l.yaml", [])).toBeInstanceOf(pkg.LicenceFileError);
    expect(error.name).toBe("LicenseFileError");
    const thrown = (() => {
      try {
        pkg.parseLicenseFile("groups: []\n", "l.yaml");
      } catch (caught) {
        return caught as Error;
      }
      throw new Error("parseLicenseFile accepted a file without groups");
    })();
    expect(thrown).toBeInstanceOf(pkg.LicenceFileError);
    expect(thrown).toBeInstanceOf(pkg.LicenseFileError);
    expect(thrown.name).toBe("LicenseFileError");
  });

  it("keeps every old type name as the new type", () => {
    expect(Object.keys(sameTypes).sort()).toEqual(Object.keys(typeNames).sort());
  });

  describe("as an editor sees them", () => {
    const exported = deprecations();

    it("marks every old name deprecated, naming its replacement", () => {
      const renames = { ...typeNames, ...valueNames };
      expect(Object.fromEntries(Object.keys(renames).map((oldName) => [oldName, exported.get(oldName)]))).toEqual(
        Object.fromEntries(Object.entries(renames).map(([oldName, newName]) => [oldName, `Use ${newName}.`])),
      );
    });

    it("has no other export spelt licence, and no new name deprecated", () => {
      const oldNames = new Set<string>([...Object.keys(valueNames), ...Object.keys(typeNames)]);
      expect([...exported.keys()].filter((name) => /licence/i.test(name) && !oldNames.has(name))).toEqual([]);
      const newNames = new Set<string>([...Object.values(valueNames), ...Object.values(typeNames)]);
      expect([...newNames].filter((name) => !exported.has(name) || exported.get(name) !== undefined)).toEqual([]);
    });
  });
});
