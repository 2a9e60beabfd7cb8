import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import { REPO_ROOT } from "../support/paths";

/**
 * The library's layers point one way: resources → csp2 → ovh, the command line on top, and nothing below resources/
 * knows about Pulumi. No module imports itself back through others (type-only imports included): a resource's types
 * sit at the bottom of resources/, in its `*-types.ts`.
 */

const PROVIDER_DIR = path.join(REPO_ROOT, "provider");

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const entryPath = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(entryPath);
    return entry.isFile() && entry.name.endsWith(".ts") ? [entryPath] : [];
  });
}

/** What `file` imports: provider modules as file paths, packages by name. */
function imports(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(fs.readFileSync(file, "utf8"), true, true);
  return importedFiles.map(({ fileName }) => {
    if (!fileName.startsWith(".")) return fileName;
    const base = path.resolve(path.dirname(file), fileName);
    return [`${base}.ts`, path.join(base, "index.ts")].find((candidate) => fs.existsSync(candidate)) ?? base;
  });
}

const files = sourceFiles(PROVIDER_DIR);
const graph = new Map(files.map((file) => [file, imports(file)]));
const relative = (file: string) => path.relative(PROVIDER_DIR, file);
const layerOf = (file: string) => relative(file).split(path.sep)[0];

/** Every cycle, as the list of modules that import each other round (one per strongly connected group). */
function cycles(): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let counter = 0;
  const visit = (file: string) => {
    index.set(file, counter);
    low.set(file, counter++);
    stack.push(file);
    onStack.add(file);
    for (const next of graph.get(file) ?? []) {
      if (!graph.has(next)) continue;
      if (!index.has(next)) {
        visit(next);
        low.set(file, Math.min(low.get(file)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(file, Math.min(low.get(file)!, index.get(next)!));
    }
    if (low.get(file) === index.get(file)) {
      const group: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        group.push(relative(member));
      } while (member !== file);
      if (group.length > 1) found.push(group.sort());
    }
  };
  for (const file of files) if (!index.has(file)) visit(file);
  return found;
}

describe("provider/ imports", () => {
  it("form no cycle", () => {
    expect(cycles()).toEqual([]);
  });

  it.each([
    ["ovh", ["csp2", "resources", "cli"]],
    ["csp2", ["resources", "cli"]],
    ["resources", ["cli"]],
  ])("%s/ imports nothing from the layers above it", (layer, above) => {
    const crossing = files
      .filter((file) => layerOf(file) === layer)
      .flatMap((file) => (graph.get(file) ?? []).filter((target) => graph.has(target) && above.includes(layerOf(target))).map((target) => `${relative(file)} → ${relative(target)}`));
    expect(crossing).toEqual([]);
  });

  it("nothing below resources/ knows about Pulumi", () => {
    const pulumi = files
      .filter((file) => ["ovh", "csp2"].includes(layerOf(file)))
      .filter((file) => (graph.get(file) ?? []).some((target) => target.startsWith("@pulumi/")))
      .map(relative);
    expect(pulumi).toEqual([]);
  });

  it("the checker finds a cycle when there is one", () => {
    const [a, b] = files;
    const saved = [graph.get(a)!, graph.get(b)!];
    graph.set(a, [...saved[0], b]);
    graph.set(b, [...saved[1], a]);
    try {
      expect(cycles().some((group) => group.includes(relative(a)) && group.includes(relative(b)))).toBe(true);
    } finally {
      graph.set(a, saved[0]);
      graph.set(b, saved[1]);
    }
  });
});
