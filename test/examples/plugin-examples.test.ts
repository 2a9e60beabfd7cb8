import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { REPO_ROOT } from "../support/paths";

/**
 * The example programs for the provider plugin (Pulumi YAML and Python) cannot be run here (no Pulumi CLI, no PyPI):
 * their resource types and property names are checked against the package schema the plugin serves, and their
 * configuration against what they read, so a typo fails here rather than in a user's `pulumi up`.
 */

interface ResourceSpec {
  inputProperties: Record<string, unknown>;
  requiredInputs?: string[];
  properties: Record<string, unknown>;
}
const schema = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "provider", "native", "schema.json"), "utf8")) as { resources: Record<string, ResourceSpec> };
const example = (dir: string, file: string) => fs.readFileSync(path.join(REPO_ROOT, "examples", dir, file), "utf8");
const snakeToCamel = (name: string) => name.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());

describe("examples/yaml", () => {
  const program = parse(example("yaml", "Pulumi.yaml")) as {
    runtime: string;
    plugins: { providers: { name: string; path: string }[] };
    config: Record<string, unknown>;
    resources: Record<string, { type: string; properties: Record<string, unknown> }>;
    outputs: Record<string, string>;
  };

  it("uses the plugin from the repository root, where a built checkout holds its executable", () => {
    expect(program.runtime).toBe("yaml");
    expect(program.plugins.providers).toEqual([{ name: "ovh-office365", path: "../.." }]);
    expect(fs.existsSync(path.join(REPO_ROOT, "examples", "yaml", "../..", "pulumi-resource-ovh-office365"))).toBe(true);
  });

  it("declares only types the schema has, with inputs it knows and every required one", () => {
    for (const [name, resource] of Object.entries(program.resources)) {
      const spec = schema.resources[resource.type];
      expect({ name, type: resource.type, known: spec !== undefined }).toEqual({ name, type: resource.type, known: true });
      expect({ name, unknown: Object.keys(resource.properties).filter((key) => !(key in spec.inputProperties)) }).toEqual({ name, unknown: [] });
      expect({ name, missing: (spec.requiredInputs ?? []).filter((key) => !(key in resource.properties)) }).toEqual({ name, missing: [] });
    }
  });

  it("refers only to configuration it declares and to outputs the resources have", () => {
    const text = example("yaml", "Pulumi.yaml");
    for (const [, reference] of text.matchAll(/\$\{([^}]+)\}/g)) {
      const [head, property] = reference.split(".");
      if (property === undefined) {
        expect({ reference, declared: head in program.config || head in program.resources }).toEqual({ reference, declared: true });
      } else {
        const spec = schema.resources[program.resources[head]?.type];
        expect({ reference, output: spec !== undefined && property in spec.properties }).toEqual({ reference, output: true });
      }
    }
  });
});

describe("examples/python", () => {
  const source = example("python", "__main__.py");
  const config = (parse(example("python", "Pulumi.yaml")) as { config: Record<string, unknown> }).config;
  /** Each `office365.<Type>("name", key=value, ...)` call: the type and the keyword arguments. */
  const calls = [...source.matchAll(/office365\.(\w+)\(\s*"[^"]+",([\s\S]*?)\n\)/g)].map(([, type, args]) => ({
    type: `ovh-office365:index:${type}`,
    keywords: [...args.matchAll(/^\s+(\w+)=/gm)].map(([, keyword]) => keyword).filter((keyword) => keyword !== "opts"),
  }));

  it("declares resources of the schema's types, with inputs it knows (the SDK's snake_case) and every required one", () => {
    expect(calls.map((call) => call.type)).toEqual(["ovh-office365:index:LicenseGroup", "ovh-office365:index:Subscription", "ovh-office365:index:Subscription"]);
    for (const call of calls) {
      const spec = schema.resources[call.type];
      const inputs = call.keywords.map(snakeToCamel);
      expect({ type: call.type, unknown: inputs.filter((input) => !(input in spec.inputProperties)) }).toEqual({ type: call.type, unknown: [] });
      expect({ type: call.type, missing: (spec.requiredInputs ?? []).filter((input) => !inputs.includes(input)) }).toEqual({ type: call.type, missing: [] });
    }
  });

  it("reads outputs the resources have, and configuration Pulumi.yaml declares", () => {
    const outputs = [...source.matchAll(/\b(?:group|s)\.(\w+)/g)].map(([, attribute]) => snakeToCamel(attribute));
    const all = { ...schema.resources["ovh-office365:index:LicenseGroup"].properties, ...schema.resources["ovh-office365:index:Subscription"].properties };
    expect(outputs.filter((output) => !(output in all))).toEqual([]);
    const read = [...source.matchAll(/config\.require(?:_int)?\("(\w+)"\)/g)].map(([, key]) => key);
    expect(read.filter((key) => !(key in config))).toEqual([]);
    expect(read.length).toBeGreaterThan(3);
  });
});
