#!/usr/bin/env node
// @ts-check
/**
 * Writes provider/csp2/models.ts from the repository's OVH API schema excerpt (schema/ovh-api-v1-csp2.json): one
 * TypeScript type per model the csp2 calls use, and `OvhOperations`, the typed table of those calls.
 *
 *   node scripts/generate-models.js            write the file
 *   node scripts/generate-models.js --check    exit 1 if the committed file differs from the schema
 *   options: --schema <file> --out <file>
 *
 * The schema is the source of truth: test/csp2/models.test.ts regenerates in memory and compares.
 */
"use strict";

const fs = require("fs");
const path = require("path");

const DEFAULT_SCHEMA = path.resolve(__dirname, "..", "schema", "ovh-api-v1-csp2.json");
const DEFAULT_OUT = path.resolve(__dirname, "..", "provider", "csp2", "models.ts");

/** Schema sections whose operations the csp2 module wraps (`auth` belongs to the HTTP client). */
const SECTIONS = ["saasCsp2", "orderCart", "meOrder", "services"];

const METHOD_ORDER = ["GET", "POST", "PUT", "DELETE"];

const PRIMITIVES = {
  string: "string",
  text: "string",
  password: "string",
  phoneNumber: "string",
  uuid: "string",
  ipBlock: "string",
  ip: "string",
  duration: "string",
  date: "string",
  datetime: "string",
  long: "number",
  int: "number",
  double: "number",
  float: "number",
  boolean: "boolean",
  void: "void",
};

/**
 * @typedef {{ canBeNull?: boolean, description?: string, readOnly?: boolean, required?: boolean, type: string, fullType?: string }} SchemaProperty
 * @typedef {{ description?: string, enum?: string[], generics?: string[], properties?: Record<string, SchemaProperty> }} SchemaModel
 * @typedef {{ name?: string, paramType: string, dataType: string, required?: boolean, description?: string }} SchemaParameter
 * @typedef {{ httpMethod: string, description?: string, parameters: SchemaParameter[], responseType: string, apiStatus?: { value: string } }} SchemaOperation
 * @typedef {{ path: string, operations: SchemaOperation[] }} SchemaApi
 * @typedef {{ apis: SchemaApi[], models: Record<string, SchemaModel> }} SchemaSection
 */

/** The operations of the wrapped sections, sorted by path then method, and every model of the schema. */
function collect(schema) {
  /** @type {Record<string, SchemaModel>} */
  const models = {};
  /** @type {{ method: string, path: string, operation: SchemaOperation }[]} */
  const operations = [];
  for (const [sectionName, section] of Object.entries(schema)) {
    if (!section || typeof section !== "object" || !("models" in section)) continue;
    for (const [name, model] of Object.entries(/** @type {SchemaSection} */ (section).models)) {
      if (models[name] && JSON.stringify(models[name]) !== JSON.stringify(model)) {
        throw new Error(`model ${name} is defined twice with different content (section ${sectionName})`);
      }
      models[name] = model;
    }
    if (!SECTIONS.includes(sectionName)) continue;
    for (const api of /** @type {SchemaSection} */ (section).apis) {
      for (const operation of api.operations) operations.push({ method: operation.httpMethod, path: api.path, operation });
    }
  }
  for (const wanted of SECTIONS) {
    if (!schema[wanted]) throw new Error(`schema has no section "${wanted}"`);
  }
  operations.sort((a, b) => (a.path === b.path ? METHOD_ORDER.indexOf(a.method) - METHOD_ORDER.indexOf(b.method) : a.path < b.path ? -1 : 1));
  return { models, operations };
}

/** The element type of an array type (`X[]`, or `[]X` inside maps), else undefined. */
function arrayElement(type) {
  if (type.endsWith("[]")) return type.slice(0, -2);
  if (type.startsWith("[]")) return type.slice(2);
  return undefined;
}

/** Model names a type expression refers to: `saas.csp2.OfficeTask[]` → `saas.csp2.OfficeTask`. */
function referencedModels(type, models) {
  const element = arrayElement(type) ?? type;
  const map = /^map\[string\](.+)$/.exec(element);
  if (map) return referencedModels(map[1], models);
  if (models[element]) return [element];
  return [];
}

/** Model names reachable from the given roots through property types. */
function closure(roots, models) {
  const seen = new Set();
  const queue = [...roots];
  while (queue.length > 0) {
    const name = /** @type {string} */ (queue.shift());
    if (seen.has(name)) continue;
    seen.add(name);
    for (const property of Object.values(models[name].properties ?? {})) queue.push(...referencedModels(property.type, models));
  }
  return seen;
}

/**
 * TypeScript names: the shortest dotted suffix of the schema name, in PascalCase, that no other model's name
 * shares (`saas.csp2.OfficeTask` → `OfficeTask`; `order.Price` / `order.cart.Price` → `OrderPrice` / `CartPrice`).
 * Names still equal after joining grow by one segment each until they differ.
 */
function typeNames(names) {
  const segments = new Map(names.map((name) => [name, name.replace(/<.*>$/, "").split(".")]));
  const pascal = (name, length) => segments.get(name).slice(-length).map((part) => part[0].toUpperCase() + part.slice(1)).join("");
  const length = new Map(names.map((name) => [name, 1]));
  for (;;) {
    const byName = new Map();
    for (const name of names) {
      const typeName = pascal(name, length.get(name));
      byName.set(typeName, [...(byName.get(typeName) ?? []), name]);
    }
    const clashes = [...byName.values()].filter((group) => group.length > 1);
    if (clashes.length === 0) return new Map(names.map((name) => [name, pascal(name, length.get(name))]));
    for (const group of clashes) {
      const growable = group.filter((name) => length.get(name) < segments.get(name).length);
      if (growable.length === 0) throw new Error(`models ${group.join(", ")} have no distinct TypeScript name`);
      growable.forEach((name) => length.set(name, length.get(name) + 1));
    }
  }
}

/** The TypeScript type of a schema type expression. */
function tsType(type, names, generics) {
  const arrayOf = arrayElement(type);
  if (arrayOf !== undefined) {
    const element = tsType(arrayOf, names, generics);
    return /[ |]/.test(element) ? `(${element})[]` : `${element}[]`;
  }
  const map = /^map\[string\](.+)$/.exec(type);
  if (map) return `Record<string, ${tsType(map[1], names, generics)}>`;
  if (generics.includes(type)) return type;
  const generic = /^(.+)<(.+)>$/.exec(type);
  if (generic && names.has(type)) return `${names.get(type)}<${tsType(generic[2], names, generics)}>`;
  if (names.has(type)) return /** @type {string} */ (names.get(type));
  const primitive = PRIMITIVES[type.includes(":") ? type.split(":")[1] : type];
  if (primitive) return primitive;
  throw new Error(`no TypeScript mapping for schema type "${type}"`);
}

/** An object key as written in TypeScript: bare when it is an identifier (`orderId`), quoted otherwise (`"date.from"`). */
function propertyKey(name) {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name);
}

function docComment(text, indent) {
  const clean = text.replace(/\*\//g, "* /").replace(/\s+/g, " ").trim();
  return clean ? `${indent}/** ${clean} */\n` : "";
}

function propertyLines(properties, names, generics, { optional, writableOnly }) {
  let out = "";
  for (const key of Object.keys(properties).sort()) {
    const property = properties[key];
    if (writableOnly && property.readOnly) continue;
    out += docComment(property.description ?? "", "  ");
    const nullable = property.canBeNull ? " | null" : "";
    const mark = optional(property) ? "?" : "";
    out += `  ${propertyKey(key)}${mark}: ${tsType(property.type, names, generics)}${nullable};\n`;
  }
  return out;
}

/** The text of models.ts for a parsed schema. */
function generateModels(schema) {
  const { models, operations } = collect(schema);

  /** Models reached from responses are always complete; those only sent may omit non-required properties. */
  const responseRoots = [];
  const requestRoots = [];
  /** Models sent whole as a request body: their writable part gets its own type. */
  const bodyModels = new Set();
  for (const { operation } of operations) {
    responseRoots.push(...referencedModels(operation.responseType, models));
    for (const parameter of operation.parameters) {
      const refs = referencedModels(parameter.dataType, models);
      requestRoots.push(...refs);
      if (parameter.paramType === "body" && !parameter.name) refs.forEach((ref) => bodyModels.add(ref));
    }
  }
  const inResponses = closure(responseRoots, models);
  const used = new Set([...inResponses, ...closure(requestRoots, models)]);
  const usedNames = [...used].sort();
  const names = typeNames(usedNames);
  const hasReadOnly = (name) => Object.values(models[name].properties ?? {}).some((property) => property.readOnly);
  const writableName = (name) => `${names.get(name)}Writable`;

  let out =
    "// Generated by scripts/generate-models.js from schema/ovh-api-v1-csp2.json: do not edit.\n" +
    "// Regenerate with `node scripts/generate-models.js`; test/csp2/models.test.ts fails when this file is stale.\n" +
    "// Types: long/double → number, date/datetime/duration → string (ISO 8601), canBeNull → `| null`.\n";

  for (const name of usedNames) {
    const model = models[name];
    const typeName = names.get(name);
    const description = `${model.description && model.description !== "Missing description" ? model.description : "OVH model"} (\`${name}\`)`;
    out += "\n" + docComment(description, "");
    if (model.enum) {
      out += `export type ${typeName} = ${model.enum.map((value) => JSON.stringify(value)).join(" | ")};\n`;
      out += docComment(`Every value of ${typeName}, in schema order.`, "");
      out += `export const ${typeName}Values: readonly ${typeName}[] = [${model.enum.map((value) => JSON.stringify(value)).join(", ")}];\n`;
      continue;
    }
    const generics = model.generics ?? [];
    const header = generics.length > 0 ? `${typeName}<${generics.join(", ")}>` : typeName;
    const optional = inResponses.has(name) ? () => false : (property) => !property.required;
    out += `export interface ${header} {\n${propertyLines(model.properties ?? {}, names, generics, { optional, writableOnly: false })}}\n`;
    if (bodyModels.has(name) && hasReadOnly(name)) {
      out += "\n" + docComment(`The writable properties of ${typeName}: what a request body may carry.`, "");
      out += `export interface ${writableName(name)} {\n`;
      out += propertyLines(model.properties ?? {}, names, generics, { optional: (property) => !property.required, writableOnly: true });
      out += "}\n";
      const keys = Object.keys(model.properties ?? {}).filter((key) => !model.properties?.[key].readOnly).sort();
      out += docComment(`The property names of ${writableName(name)}, to check a body at run time.`, "");
      out += `export const ${writableName(name)}Keys: readonly (keyof ${writableName(name)})[] = [${keys.map((key) => JSON.stringify(key)).join(", ")}];\n`;
    }
  }

  out +=
    "\n/**\n" +
    " * Every operation the csp2 module wraps, keyed by `METHOD /path/{template}`: path parameters, query, body and\n" +
    " * response as the schema declares them.\n" +
    " */\n" +
    "export interface OvhOperations {\n";
  for (const { method, path: apiPath, operation } of operations) {
    const status = operation.apiStatus?.value && operation.apiStatus.value !== "PRODUCTION" ? ` (${operation.apiStatus.value})` : "";
    out += docComment(`${operation.description ?? ""}${status}`, "  ");
    out += `  ${JSON.stringify(`${method} ${apiPath}`)}: {\n`;
    const byKind = (kind) => operation.parameters.filter((parameter) => parameter.paramType === kind);
    const fields = (parameters) =>
      parameters
        .slice()
        .sort((a, b) => (String(a.name) < String(b.name) ? -1 : 1))
        .map((parameter) => `${propertyKey(String(parameter.name))}${parameter.required ? "" : "?"}: ${tsType(parameter.dataType, names, [])}`)
        .join("; ");
    const pathParameters = byKind("path");
    const placeholders = [...apiPath.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort().join(", ") || "none";
    const declared = pathParameters.map((parameter) => String(parameter.name)).sort().join(", ") || "none";
    if (placeholders !== declared) {
      throw new Error(`${method} ${apiPath}: path placeholders ${placeholders}, path parameters ${declared}`);
    }
    if (pathParameters.length > 0) out += `    path: { ${fields(pathParameters)} };\n`;
    const queryParameters = byKind("query");
    if (queryParameters.length > 0) {
      const mark = queryParameters.some((parameter) => parameter.required) ? "" : "?";
      out += `    query${mark}: { ${fields(queryParameters)} };\n`;
    }
    const bodyParameters = byKind("body");
    const wholeBody = bodyParameters.find((parameter) => !parameter.name);
    if (wholeBody) {
      const model = wholeBody.dataType;
      out += `    body: ${names.has(model) && hasReadOnly(model) ? writableName(model) : tsType(model, names, [])};\n`;
    } else if (bodyParameters.length > 0) {
      out += `    body: { ${fields(bodyParameters)} };\n`;
    }
    out += `    response: ${tsType(operation.responseType, names, [])};\n`;
    out += "  };\n";
  }
  out += "}\n";
  return out;
}

function main(argv) {
  const option = (flag, fallback) => {
    const index = argv.indexOf(flag);
    return index >= 0 && argv[index + 1] ? path.resolve(argv[index + 1]) : fallback;
  };
  const schemaFile = option("--schema", DEFAULT_SCHEMA);
  const outFile = option("--out", DEFAULT_OUT);
  const text = generateModels(JSON.parse(fs.readFileSync(schemaFile, "utf8")));
  if (argv.includes("--check")) {
    const current = fs.existsSync(outFile) ? fs.readFileSync(outFile, "utf8") : "";
    if (current !== text) {
      process.stderr.write(`${path.relative(process.cwd(), outFile)} is stale: run node scripts/generate-models.js\n`);
      return 1;
    }
    return 0;
  }
  fs.writeFileSync(outFile, text);
  process.stdout.write(`wrote ${path.relative(process.cwd(), outFile)} from ${path.relative(process.cwd(), schemaFile)}\n`);
  return 0;
}

module.exports = { generateModels, DEFAULT_SCHEMA, DEFAULT_OUT };

if (require.main === module) process.exitCode = main(process.argv.slice(2));
