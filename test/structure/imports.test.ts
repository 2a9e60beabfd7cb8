import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import { REPO_ROOT } from "../support/paths";

/**
 * Imports point one way, in each of the three source trees. provider/: resources → csp2 → ovh, the command line on
 * top, and nothing below resources/ knows about Pulumi. simulator/: it stands in for OVH, so it is built apart from
 * the client it answers (nothing from provider/ or pulumi-host/) and knows nothing of Pulumi; only the command line
 * (its `simulator` and `demo` commands) loads it, never the library a program imports. pulumi-host/: it drives the
 * host as the engine does, apart from the simulator (and from provider/: test/pulumi-host/dependency-rule.test.ts).
 * In every tree no module imports itself back through others (type-only imports included): a resource's types sit
 * at the bottom of resources/, in its `*-types.ts`, and the simulator's account at the bottom of its model.
 */

const TREES = ["provider", "simulator", "pulumi-host"] as const;
type Tree = (typeof TREES)[number];

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const entryPath = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(entryPath);
    return entry.isFile() && entry.name.endsWith(".ts") ? [entryPath] : [];
  });
}

/** What `file` imports: the repository's modules as file paths, packages by name. */
function imports(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(fs.readFileSync(file, "utf8"), true, true);
  return importedFiles.map(({ fileName }) => {
    if (!fileName.startsWith(".")) return fileName;
    const base = path.resolve(path.dirname(file), fileName);
    return [`${base}.ts`, path.join(base, "index.ts")].find((candidate) => fs.existsSync(candidate)) ?? base;
  });
}

const files = TREES.flatMap((tree) => sourceFiles(path.join(REPO_ROOT, tree)));
const graph = new Map(files.map((file) => [file, imports(file)]));
const relative = (file: string) => path.relative(REPO_ROOT, file);
/** The tree a module lies in, and its folder below the tree (`ovh`, `model`…; the file's name for a module at the top). */
const treeOf = (file: string) => relative(file).split(path.sep)[0];
const layerOf = (file: string) => relative(file).split(path.sep)[1];
const filesOf = (tree: Tree) => files.filter((file) => treeOf(file) === tree);

/** `from → to` for each import of the modules `from` that lands on a module `to` of the repository. */
function crossings(from: (file: string) => boolean, to: (target: string) => boolean): string[] {
  return files
    .filter(from)
    .flatMap((file) => (graph.get(file) ?? []).filter((target) => graph.has(target) && to(target)).map((target) => `${relative(file)} → ${relative(target)}`));
}

/** The modules of `modules` that import a package whose name starts with `prefix`. */
function importersOf(modules: readonly string[], prefix: string): string[] {
  return modules.filter((file) => (graph.get(file) ?? []).some((target) => target.startsWith(prefix))).map(relative);
}

/** Every cycle among `modules`, as the list of modules that import each other round (one per strongly connected group). */
function cycles(modules: readonly string[]): string[][] {
  const members = new Set(modules);
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
      if (!members.has(next)) continue;
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
  for (const file of modules) if (!index.has(file)) visit(file);
  return found;
}

describe.each(TREES)("%s/ imports", (tree) => {
  it("form no cycle", () => {
    expect(filesOf(tree).length).toBeGreaterThan(5);
    expect(cycles(filesOf(tree))).toEqual([]);
  });
});

describe("provider/ imports", () => {
  const provider = (file: string) => treeOf(file) === "provider";

  it.each([
    ["ovh", ["csp2", "resources", "cli"]],
    ["csp2", ["resources", "cli"]],
    ["resources", ["cli"]],
  ])("%s/ imports nothing from the layers above it", (layer, above) => {
    expect(crossings((file) => provider(file) && layerOf(file) === layer, (target) => provider(target) && above.includes(layerOf(target)))).toEqual([]);
  });

  it("nothing below resources/ knows about Pulumi", () => {
    expect(importersOf(filesOf("provider").filter((file) => ["ovh", "csp2"].includes(layerOf(file))), "@pulumi/")).toEqual([]);
  });

  it("only the command line loads the simulator: a program importing the library never does", () => {
    expect(crossings((file) => provider(file) && layerOf(file) !== "cli", (target) => treeOf(target) === "simulator")).toEqual([]);
    expect(crossings((file) => provider(file) && layerOf(file) === "cli", (target) => treeOf(target) === "simulator")).not.toEqual([]);
  });
});

describe("simulator/ imports", () => {
  it("nothing from provider/ or pulumi-host/: it answers the client, it is not built from it", () => {
    expect(crossings((file) => treeOf(file) === "simulator", (target) => treeOf(target) !== "simulator")).toEqual([]);
  });

  it("nothing that knows about Pulumi", () => {
    expect(importersOf(filesOf("simulator"), "@pulumi/")).toEqual([]);
  });
});

describe("pulumi-host/ imports", () => {
  it("nothing from the simulator: it meets OVH only through the provider it hosts", () => {
    expect(crossings((file) => treeOf(file) === "pulumi-host", (target) => treeOf(target) === "simulator")).toEqual([]);
  });
});

describe("the checks", () => {
  it.each(TREES)("find a cycle in %s/ when there is one", (tree) => {
    const [a, b] = filesOf(tree);
    const saved = [graph.get(a)!, graph.get(b)!];
    graph.set(a, [...saved[0], b]);
    graph.set(b, [...saved[1], a]);
    try {
      expect(cycles(filesOf(tree)).some((group) => group.includes(relative(a)) && group.includes(relative(b)))).toBe(true);
    } finally {
      graph.set(a, saved[0]);
      graph.set(b, saved[1]);
    }
  });

  it("find an import that crosses between trees", () => {
    const [simulatorModule] = filesOf("simulator");
    const saved = graph.get(simulatorModule)!;
    graph.set(simulatorModule, [...saved, filesOf("provider")[0]]);
    try {
      expect(crossings((file) => treeOf(file) === "simulator", (target) => treeOf(target) !== "simulator")).toEqual([`${relative(simulatorModule)} → ${relative(filesOf("provider")[0])}`]);
    } finally {
      graph.set(simulatorModule, saved);
    }
  });
});
