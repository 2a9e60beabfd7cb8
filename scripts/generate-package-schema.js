#!/usr/bin/env node
// @ts-check
/**
 * Writes provider/native/schema.json, the Pulumi package schema of the native provider plugin, from the TypeScript
 * types the resources are built on: one source of truth, not two hand-kept copies.
 *
 *   node scripts/generate-package-schema.js            write the file
 *   node scripts/generate-package-schema.js --check    exit 1 if the committed file differs from the types
 *
 * - config and the provider's inputs: `ProviderSettings` (provider/resources/provider-settings.ts);
 * - each resource: its `…Args` interface gives the inputs (required where not optional), its `…Outputs` interface the
 *   outputs, its class's doc comment the description;
 * - the interfaces they refer to become object types. Every property needs a doc comment (it is what an SDK's users
 *   read); `@secret` marks a secret. Numbers are integers in resources (seats, ids, minutes), unless tagged `@decimal`
 *   (a price), and plain numbers in config.
 *
 * test/native/schema.test.ts regenerates in memory, compares, and validates the result against Pulumi's metaschema.
 */
"use strict";

const fs = require("fs");
const path = require("path");
const ts = require("typescript");

const ROOT = path.resolve(__dirname, "..");
const OUT = path.join(ROOT, "provider", "native", "schema.json");
const PACKAGE = "ovh-office365";
const MODULE = "index";

/** The resources: token name, the file of its class, its inputs and outputs interfaces. */
const RESOURCES = [
  { name: "LicenseGroup", classFile: "provider/resources/license-group.ts", typesFile: "provider/resources/license-group-types.ts", args: "LicenseGroupArgs", outputs: "LicenseGroupOutputs" },
  { name: "Subscription", classFile: "provider/resources/subscription.ts", typesFile: "provider/resources/subscription-types.ts", args: "SubscriptionArgs", outputs: "SubscriptionOutputs" },
];
const SETTINGS = { file: "provider/resources/provider-settings.ts", name: "ProviderSettings" };

/** The schema, as the types describe it today. */
function generate() {
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
  const files = [SETTINGS.file, ...RESOURCES.flatMap((r) => [r.classFile, r.typesFile])].map((file) => path.join(ROOT, file));
  const program = ts.createProgram(files, { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, strict: true, skipLibCheck: true });
  const checker = program.getTypeChecker();
  /** @type {Record<string, unknown>} */
  const types = {};

  /** @param {string} file @param {string} name */
  function declaration(file, name) {
    const source = program.getSourceFile(path.join(ROOT, file));
    if (!source) throw new Error(`${file} is not in the program`);
    /** @type {ts.Node | undefined} */
    let found;
    ts.forEachChild(source, (node) => {
      if ((ts.isInterfaceDeclaration(node) || ts.isClassDeclaration(node)) && node.name?.text === name) found = node;
    });
    if (!found) throw new Error(`${file} declares no ${name}`);
    return /** @type {ts.InterfaceDeclaration | ts.ClassDeclaration} */ (found);
  }

  /** The doc comment of a symbol, without its tags; throws when there is none. @param {ts.Symbol} symbol @param {string} where */
  function documentation(symbol, where) {
    const text = ts.displayPartsToString(symbol.getDocumentationComment(checker)).replace(/\s+/g, " ").trim();
    if (!text) throw new Error(`${where} has no doc comment: write one, it is the description SDK users read`);
    return text;
  }

  /** @param {ts.Symbol} symbol @param {string} tag */
  function hasTag(symbol, tag) {
    return symbol.getJsDocTags(checker).some((t) => t.name === tag);
  }

  /** The type a property declares, `pulumi.Input<T>` read as T. @param {ts.Symbol} symbol */
  function declaredType(symbol) {
    const node = symbol.valueDeclaration ?? symbol.declarations?.[0];
    if (node && (ts.isPropertySignature(node) || ts.isPropertyDeclaration(node)) && node.type) {
      const typeNode = node.type;
      if (ts.isTypeReferenceNode(typeNode) && /(^|\.)Input$/.test(typeNode.typeName.getText()) && typeNode.typeArguments?.length === 1) {
        return checker.getTypeFromTypeNode(typeNode.typeArguments[0]);
      }
    }
    return checker.getTypeOfSymbol(symbol);
  }

  /** @param {ts.Type} type @param {"integer" | "number"} numbers @param {string} where @returns {Record<string, unknown>} */
  function typeSpec(type, numbers, where) {
    const parts = type.isUnion() ? type.types.filter((t) => !(t.flags & (ts.TypeFlags.Null | ts.TypeFlags.Undefined))) : [type];
    if (parts.every((t) => t.flags & ts.TypeFlags.BooleanLike)) return { type: "boolean" };
    if (parts.length !== 1 && parts.every((t) => t.flags & ts.TypeFlags.StringLike)) return { type: "string" };
    if (parts.length !== 1) throw new Error(`${where}: ${checker.typeToString(type)} has no schema type`);
    const [only] = parts;
    if (only.flags & ts.TypeFlags.StringLike) return { type: "string" };
    if (only.flags & ts.TypeFlags.NumberLike) return { type: numbers };
    if (checker.isArrayType(only)) {
      const [item] = checker.getTypeArguments(/** @type {ts.TypeReference} */ (only));
      return { type: "array", items: typeSpec(item, numbers, `${where}[]`) };
    }
    const symbol = only.aliasSymbol ?? only.getSymbol();
    if (only.flags & ts.TypeFlags.Object && symbol && /^[A-Z]/.test(symbol.name)) {
      const token = `${PACKAGE}:${MODULE}:${symbol.name}`;
      if (!types[token]) {
        types[token] = {}; // Reserved first: a type that refers to itself stops here.
        types[token] = objectSpec(only, symbol, numbers);
      }
      return { $ref: `#/types/${token}` };
    }
    throw new Error(`${where}: ${checker.typeToString(type)} has no schema type`);
  }

  /** An object type's spec: its properties (each documented), the ones always present. */
  function objectSpec(/** @type {ts.Type} */ type, /** @type {ts.Symbol} */ symbol, /** @type {"integer" | "number"} */ numbers) {
    const { properties, required } = propertiesOf(type, numbers, symbol.name);
    return { type: "object", description: documentation(symbol, symbol.name), properties, ...(required.length > 0 ? { required } : {}) };
  }

  /** @param {ts.Type} type @param {"integer" | "number"} numbers @param {string} owner */
  function propertiesOf(type, numbers, owner) {
    /** @type {Record<string, unknown>} */
    const properties = {};
    /** @type {string[]} */
    const required = [];
    for (const property of checker.getPropertiesOfType(type)) {
      const where = `${owner}.${property.name}`;
      // `@decimal` marks a number that takes fractions (a price) where the resource's numbers are whole.
      const spec = typeSpec(declaredType(property), numbers, where);
      properties[property.name] = {
        ...(hasTag(property, "decimal") && spec.type === "integer" ? { ...spec, type: "number" } : spec),
        description: documentation(property, where),
        ...(hasTag(property, "secret") ? { secret: true } : {}),
      };
      if (!(property.flags & ts.SymbolFlags.Optional)) required.push(property.name);
    }
    return { properties, required };
  }

  /** @param {string} file @param {string} name */
  function interfaceType(file, name) {
    const node = declaration(file, name);
    const symbol = checker.getSymbolAtLocation(/** @type {ts.Identifier} */ (node.name));
    if (!symbol) throw new Error(`${name} has no symbol`);
    return { type: checker.getDeclaredTypeOfSymbol(symbol), symbol };
  }

  const settings = propertiesOf(interfaceType(SETTINGS.file, SETTINGS.name).type, "number", SETTINGS.name).properties;
  /** @type {Record<string, unknown>} */
  const resources = {};
  for (const resource of RESOURCES) {
    const classNode = declaration(resource.classFile, resource.name);
    const classSymbol = checker.getSymbolAtLocation(/** @type {ts.Identifier} */ (classNode.name));
    if (!classSymbol) throw new Error(`${resource.name} has no symbol`);
    const inputs = propertiesOf(interfaceType(resource.typesFile, resource.args).type, "integer", resource.args);
    const outputs = propertiesOf(interfaceType(resource.typesFile, resource.outputs).type, "integer", resource.outputs);
    resources[`${PACKAGE}:${MODULE}:${resource.name}`] = {
      description: documentation(classSymbol, resource.name),
      inputProperties: inputs.properties,
      ...(inputs.required.length > 0 ? { requiredInputs: inputs.required } : {}),
      properties: outputs.properties,
      required: outputs.required,
    };
  }

  return {
    name: PACKAGE,
    displayName: "OVHcloud Office 365 reseller (CSP2)",
    version: manifest.version,
    description: manifest.description,
    keywords: ["pulumi", "ovh", "ovhcloud", "office365", "microsoft365", "csp", "category/cloud", "kind/native"],
    homepage: manifest.homepage,
    license: manifest.license,
    repository: manifest.repository.url.replace(/^git\+/, "").replace(/\.git$/, ""),
    publisher: "ovh-office365",
    config: { variables: settings },
    provider: {
      description: "The ovh-office365 provider: one OVH account. Settings left out fall back on the `OVH_*` environment variables.",
      inputProperties: settings,
    },
    types: Object.fromEntries(Object.entries(types).sort(([a], [b]) => a.localeCompare(b))),
    resources,
    language: {
      nodejs: { packageName: "@ovh-office365/pulumi-ovh-office365-sdk", packageDescription: manifest.description },
      python: { packageName: "pulumi_ovh_office365" },
      go: { importBasePath: "github.com/ovh-office365/pulumi-ovh-office365/sdk/go/ovhoffice365" },
      csharp: { rootNamespace: "OvhOffice365" },
      java: { basePackage: "com.ovhoffice365" },
    },
  };
}

function render() {
  return `${JSON.stringify(generate(), null, 2)}\n`;
}

module.exports = { generate, render, OUT };

if (require.main === module) {
  const text = render();
  if (process.argv.includes("--check")) {
    const current = fs.existsSync(OUT) ? fs.readFileSync(OUT, "utf8") : "";
    if (current !== text) {
      console.error(`${path.relative(ROOT, OUT)} is out of date with the types: run node scripts/generate-package-schema.js`);
      process.exit(1);
    }
  } else {
    fs.mkdirSync(path.dirname(OUT), { recursive: true });
    fs.writeFileSync(OUT, text);
    console.log(`wrote ${path.relative(ROOT, OUT)}`);
  }
}
