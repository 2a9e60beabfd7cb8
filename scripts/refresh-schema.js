#!/usr/bin/env node
// @ts-check
/**
 * Refreshes the repository's OVH API schema excerpt (schema/ovh-api-v1-csp2.json) from the API descriptions OVH
 * publishes, keeping exactly the excerpt's paths and the models they reference. Run with --help for the usage.
 */
"use strict";

const fs = require("node:fs");
const path = require("node:path");
const { parseArgs } = require("node:util");

const DEFAULT_OUT = path.resolve(__dirname, "..", "schema", "ovh-api-v1-csp2.json");
const DEFAULT_ENDPOINT = "https://eu.api.ovh.com/1.0";
const FETCH_TIMEOUT_MS = 60_000;

const USAGE = `Usage: npm run schema:refresh -- [options] [source...]
       node scripts/refresh-schema.js [options] [source...]

Refreshes the OVH API schema excerpt (schema/ovh-api-v1-csp2.json) from the API descriptions OVH publishes.

A source is a file or an http(s) URL of one published description, e.g.
  https://eu.api.ovh.com/1.0/saas/csp2.json   https://eu.api.ovh.com/1.0/order.json
  https://eu.api.ovh.com/1.0/me.json          https://eu.api.ovh.com/1.0/services.json
  https://eu.api.ovh.com/1.0/auth.json
each {"apis": [{"path", "operations"}], "models": {...}, "basePath", "resourcePath", ...}. Without sources, the
descriptions of the excerpt's sections are fetched from --endpoint.

The excerpt's sections (saasCsp2, orderCart, meOrder, services, auth) keep exactly the paths they already have: each
path is taken whole (every method OVH publishes on it) from the description that publishes the section, together with
the models its operations reference, directly or through other models. Paths the descriptions publish beyond the
excerpt are left out; to use a new one, add its path to the excerpt by hand, then refresh. A description lacking one
of the excerpt's paths, or a model they reference, is refused and nothing is written. The note records the date and
the descriptions used. Keys are sorted, so the same descriptions always give the same file.

Options:
  --out <file>          the excerpt to refresh, whose paths are kept (default: schema/ovh-api-v1-csp2.json)
  --endpoint <url>      where to fetch the descriptions when no source is given (default: ${DEFAULT_ENDPOINT})
  --date <YYYY-MM-DD>   the date recorded in the note (default: today, UTC)
  -h, --help            this help

Then regenerate the client's types and check the client and the simulator against the new excerpt:
  node scripts/generate-models.js
  npx jest test/csp2/models.test.ts test/contract test/simulator/api-schema.test.ts
`;

/** Why a refresh was refused; the message says what to give instead. */
class RefreshError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = "RefreshError";
  }
}

/**
 * @typedef {{ httpMethod: string, parameters?: { dataType: string }[], responseType: string }} Operation
 * @typedef {{ path: string, operations: Operation[] }} Api
 * @typedef {{ generics?: string[], properties?: Record<string, { type: string }> }} Model
 * @typedef {{ apis: Api[], models: Record<string, Model>, [key: string]: unknown }} Description
 * @typedef {{ label: string, description: Description }} Source
 * @typedef {{ note: string, [section: string]: unknown }} Excerpt
 */

/** Scalar types of the OVH schema: every other name with a dot is a model. */
const isModelName = (/** @type {string} */ name) => name.includes(".");

/**
 * The model names a schema type expression refers to, outermost first: `order.cart.Item[]` → `order.cart.Item`,
 * `map[string][]iam.resource.TagFilter` → `iam.resource.TagFilter`, `complexType.SafeKeyValue<services.X>` →
 * `complexType.SafeKeyValue<services.X>`, `services.X`.
 * @param {string} type
 * @returns {string[]}
 */
function referencedModelNames(type) {
  if (type.endsWith("[]")) return referencedModelNames(type.slice(0, -2));
  if (type.startsWith("[]")) return referencedModelNames(type.slice(2));
  const map = /^map\[[^\]]+\](.+)$/.exec(type);
  if (map) return referencedModelNames(map[1]);
  const generic = /^([^<]+)<(.+)>$/.exec(type);
  if (generic) return [type, ...generic[2].split(",").flatMap((argument) => referencedModelNames(argument.trim()))];
  return isModelName(type) ? [type] : [];
}

/**
 * The description's model for a referenced name. A generic instance (`complexType.SafeKeyValue<string>`) is published
 * as its generic model (`complexType.SafeKeyValue<T>`); the excerpt stores it under the instance's name, which is how
 * operations and properties refer to it.
 * @param {Record<string, Model>} models
 * @param {string} name
 * @returns {Model | undefined}
 */
function modelFor(models, name) {
  if (Object.hasOwn(models, name)) return models[name];
  const generic = /^([^<]+)<(.+)>$/.exec(name);
  if (!generic) return undefined;
  const arity = generic[2].split(",").length;
  const key = Object.keys(models).find((candidate) => candidate.startsWith(`${generic[1]}<`) && models[candidate].generics?.length === arity);
  return key === undefined ? undefined : models[key];
}

/**
 * Every model the operations of `apis` reference, directly or through the properties of other models, by name.
 * @param {Api[]} apis
 * @param {Record<string, Model>} models
 * @param {string} sourceLabel
 * @returns {Record<string, Model>}
 */
function modelClosure(apis, models, sourceLabel) {
  /** @type {[string, string][]} pairs of (model name, what refers to it) */
  const queue = [];
  for (const api of apis) {
    for (const operation of api.operations) {
      const where = `${operation.httpMethod} ${api.path}`;
      for (const name of referencedModelNames(operation.responseType)) queue.push([name, where]);
      for (const parameter of operation.parameters ?? []) for (const name of referencedModelNames(parameter.dataType)) queue.push([name, where]);
    }
  }
  /** @type {Record<string, Model>} */
  const kept = {};
  while (queue.length > 0) {
    const [name, referrer] = /** @type {[string, string]} */ (queue.shift());
    if (Object.hasOwn(kept, name)) continue;
    const model = modelFor(models, name);
    if (model === undefined) {
      throw new RefreshError(`${sourceLabel} does not describe the model ${name}, which ${referrer} refers to: is it a complete OVH API description?`);
    }
    kept[name] = model;
    for (const property of Object.values(model.properties ?? {})) {
      for (const referenced of referencedModelNames(property.type)) queue.push([referenced, `model ${name}`]);
    }
  }
  return kept;
}

/**
 * The sections of an excerpt: every top-level entry holding `apis`, in file order.
 * @param {Excerpt} excerpt
 * @returns {[string, Description][]}
 */
function sectionsOf(excerpt) {
  return /** @type {[string, Description][]} */ (
    Object.entries(excerpt).filter(([, value]) => value !== null && typeof value === "object" && Array.isArray(/** @type {Description} */ (value).apis))
  );
}

/**
 * Where OVH publishes a section's description: its `resourcePath`, else the first segment of its paths
 * (`/order/cart/...` → `/order`), below the endpoint, with `.json`.
 * @param {Description} section
 * @param {string} endpoint
 */
function publishedUrl(section, endpoint) {
  return `${endpoint.replace(/\/+$/, "")}${resourceOf(section)}.json`;
}

/**
 * The resource a section belongs to: its `resourcePath`, else the first segment of its paths (`/order/cart` → `/order`).
 * @param {Description} section
 */
function resourceOf(section) {
  return typeof section.resourcePath === "string" ? section.resourcePath : `/${section.apis[0].path.split("/")[1]}`;
}

/**
 * The source describing a section: the one publishing most of its paths (ties go to the first given), else the one
 * describing its resource, else none.
 * @param {Description} section
 * @param {Source[]} sources
 * @returns {Source | undefined}
 */
function sourceOf(section, sources) {
  const publishes = (/** @type {Source} */ source) => section.apis.filter((wanted) => source.description.apis.some((api) => api.path === wanted.path)).length;
  const best = sources.reduce((found, candidate) => (publishes(candidate) > publishes(found) ? candidate : found), sources[0]);
  if (best !== undefined && publishes(best) > 0) return best;
  return sources.find((source) => source.description.resourcePath === resourceOf(section));
}

/**
 * The descriptions to fetch when no source is given: one per section of the excerpt, in order, without repeats.
 * @param {Excerpt} excerpt
 * @param {string} endpoint
 */
function defaultSources(excerpt, endpoint) {
  return [...new Set(sectionsOf(excerpt).map(([, section]) => publishedUrl(section, endpoint)))];
}

/**
 * How a source is named in the note: where OVH publishes it when the description says so, else as given.
 * @param {string} given
 * @param {Description} description
 */
function sourceLabel(given, description) {
  const { basePath, resourcePath } = description;
  if (typeof basePath === "string" && typeof resourcePath === "string") return `${basePath.replace(/\/+$/, "")}${resourcePath}.json`;
  return /^https?:\/\//.test(given) ? given : path.basename(given);
}

/**
 * Checks the shape of one published description.
 * @param {unknown} parsed
 * @param {string} given
 * @returns {Description}
 */
function asDescription(parsed, given) {
  const candidate = /** @type {Partial<Description> | null} */ (parsed);
  if (candidate === null || typeof candidate !== "object" || !Array.isArray(candidate.apis) || candidate.models === null || typeof candidate.models !== "object") {
    throw new RefreshError(`${given} is not an OVH API description: it needs "apis" (a list of {path, operations}) and "models", as in ${DEFAULT_ENDPOINT}/order.json`);
  }
  for (const api of candidate.apis) {
    if (typeof api?.path !== "string" || !Array.isArray(api.operations)) {
      throw new RefreshError(`${given} is not an OVH API description: an entry of "apis" has no path or no operations`);
    }
  }
  return /** @type {Description} */ (candidate);
}

/**
 * A copy of `value` with the keys of every object sorted, so the file does not depend on the order OVH serves them in.
 * @param {unknown} value
 * @returns {unknown}
 */
function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys(/** @type {Record<string, unknown>} */ (value)[key])]),
  );
}

/**
 * The refreshed excerpt: the current excerpt's sections rebuilt from the sources, and a note with the date.
 * Refuses (RefreshError) when a source lacks a path of the excerpt or a model it references.
 * @param {Excerpt} current
 * @param {Source[]} sources
 * @param {{ date: string, endpoint?: string }} options
 * @returns {{ excerpt: Excerpt, summary: string[] }}
 */
function refreshExcerpt(current, sources, { date, endpoint = DEFAULT_ENDPOINT }) {
  const sections = sectionsOf(current);
  if (sections.length === 0) throw new RefreshError("the excerpt has no sections (entries with \"apis\"): nothing says which paths to keep");
  /** @type {Record<string, unknown>} */
  const refreshed = {};
  /** @type {string[]} */
  const missing = [];
  /** @type {string[]} */
  const summary = [];
  /** @type {string[]} */
  const used = [];
  for (const [name, section] of sections) {
    const paths = section.apis.map((api) => api.path);
    const source = sourceOf(section, sources);
    if (source === undefined) {
      missing.push(`${name}: ${paths.join(", ")} (in none of the sources; OVH publishes them at ${publishedUrl(section, endpoint)})`);
      continue;
    }
    const apis = paths.map((wanted) => source.description.apis.find((api) => api.path === wanted));
    const absent = paths.filter((_, index) => apis[index] === undefined);
    if (absent.length > 0) {
      missing.push(`${name}: ${absent.join(", ")} (not in ${source.label}, the section's description)`);
      continue;
    }
    const keptApis = /** @type {Api[]} */ (apis);
    const models = modelClosure(keptApis, source.description.models, source.label);
    /** @type {Record<string, unknown>} */
    const rebuilt = {};
    for (const key of Object.keys(section)) {
      if (key === "apis") rebuilt.apis = keptApis;
      else if (key === "models") rebuilt.models = models;
      else rebuilt[key] = Object.hasOwn(source.description, key) ? source.description[key] : section[key];
    }
    refreshed[name] = sortKeys(rebuilt);
    if (!used.includes(source.label)) used.push(source.label);
    summary.push(sectionSummary(name, section, /** @type {Description} */ (refreshed[name]), source));
  }
  if (missing.length > 0) {
    throw new RefreshError(
      `the sources lack paths of the excerpt, so nothing was written:\n  ${missing.join("\n  ")}\n` +
        "Give the descriptions that publish them (see --help); a path OVH no longer publishes must first be removed from the excerpt and from the code using it.",
    );
  }
  const pathCount = sections.reduce((count, [, section]) => count + section.apis.length, 0);
  const modelCount = Object.values(refreshed).reduce((/** @type {number} */ count, section) => count + Object.keys(/** @type {Description} */ (section).models).length, 0);
  const note =
    `Excerpts of the public OVHcloud API v1 schema, refreshed on ${date} from ${used.join(", ")}: ` +
    `the ${pathCount} paths the project uses (${sections.map(([name]) => name).join(", ")}) with every method published on them, ` +
    `and the ${modelCount} models their operations reference. Refresh with \`npm run schema:refresh\`.`;
  return { excerpt: /** @type {Excerpt} */ ({ note, ...refreshed }), summary };
}

/**
 * One line saying what changed in a section: methods and models added (+), removed (-) or changed (~).
 * @param {string} name
 * @param {Description} before
 * @param {Description} after
 * @param {Source} source
 */
function sectionSummary(name, before, after, source) {
  const operationKeys = (/** @type {Description} */ section) =>
    new Map(section.apis.flatMap((api) => api.operations.map((operation) => [`${operation.httpMethod} ${api.path}`, JSON.stringify(sortKeys(operation))])));
  const modelKeys = (/** @type {Description} */ section) => new Map(Object.entries(section.models).map(([key, model]) => [key, JSON.stringify(sortKeys(model))]));
  const changes = (/** @type {Map<string, string>} */ old, /** @type {Map<string, string>} */ now) => [
    ...[...now.keys()].filter((key) => !old.has(key)).map((key) => `+${key}`),
    ...[...old.keys()].filter((key) => !now.has(key)).map((key) => `-${key}`),
    ...[...now.keys()].filter((key) => old.has(key) && old.get(key) !== now.get(key)).map((key) => `~${key}`),
  ];
  const operations = changes(operationKeys(before), operationKeys(after));
  const models = changes(modelKeys(before), modelKeys(after));
  const counts = `${after.apis.length} paths of ${source.description.apis.length} published, ${Object.keys(after.models).length} models`;
  const detail = [...operations, ...models.map((change) => `${change[0]}model ${change.slice(1)}`)];
  return `${name}: ${counts} from ${source.label}; ${detail.length === 0 ? "unchanged" : detail.join(", ")}`;
}

/**
 * The file's text: one-space indentation, as the excerpt has always had, and a final newline.
 * @param {Excerpt} excerpt
 */
function formatExcerpt(excerpt) {
  return `${JSON.stringify(excerpt, null, 1)}\n`;
}

/**
 * Reads one source: a file, or an http(s) URL fetched with a timeout.
 * @param {string} given
 * @param {(line: string) => void} log
 * @returns {Promise<Source>}
 */
async function loadSource(given, log) {
  let text;
  if (/^https?:\/\//.test(given)) {
    log(`fetching ${given}`);
    let response;
    try {
      response = await fetch(given, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
    } catch (error) {
      throw new RefreshError(`cannot fetch ${given}: ${/** @type {Error} */ (error).cause ?? /** @type {Error} */ (error).message}; check the URL and the network, or download it and give the file`);
    }
    if (!response.ok) throw new RefreshError(`${given} answered HTTP ${response.status}: check the URL (see --help for OVH's)`);
    text = await response.text();
  } else {
    try {
      text = fs.readFileSync(given, "utf8");
    } catch (error) {
      throw new RefreshError(`cannot read ${given}: ${/** @type {Error} */ (error).message}`);
    }
  }
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new RefreshError(`${given} is not JSON (${/** @type {Error} */ (error).message}): give OVH's description, e.g. ${DEFAULT_ENDPOINT}/order.json`);
  }
  const description = asDescription(parsed, given);
  return { label: sourceLabel(given, description), description };
}

/** `YYYY-MM-DD` naming a day that exists (not 2026-02-30). */
const isCalendarDate = (/** @type {string} */ text) => /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(Date.parse(text)) && new Date(text).toISOString().startsWith(text);

/**
 * @param {string[]} argv
 * @param {{ out: (text: string) => void, err: (text: string) => void, today: () => string }} io
 * @returns {Promise<number>} the exit code
 */
async function main(argv, io) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        out: { type: "string" },
        endpoint: { type: "string" },
        date: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    io.err(`refresh-schema: ${/** @type {Error} */ (error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  const date = values.date ?? io.today();
  if (!isCalendarDate(date)) {
    io.err(`refresh-schema: --date ${date} is not a date: give YYYY-MM-DD, e.g. 2026-12-01\n`);
    return 2;
  }
  const outFile = path.resolve(values.out ?? DEFAULT_OUT);
  const log = (/** @type {string} */ line) => io.out(`${line}\n`);
  try {
    let current;
    try {
      current = JSON.parse(fs.readFileSync(outFile, "utf8"));
    } catch (error) {
      throw new RefreshError(`cannot read the excerpt ${outFile} (${/** @type {Error} */ (error).message}): its paths say what to keep`);
    }
    const endpoint = values.endpoint ?? DEFAULT_ENDPOINT;
    const given = positionals.length > 0 ? positionals : defaultSources(current, endpoint);
    const sources = [];
    for (const source of given) sources.push(await loadSource(source, log));
    const { excerpt, summary } = refreshExcerpt(current, sources, { date, endpoint });
    summary.forEach(log);
    // Written beside the target, then renamed: an interrupted refresh leaves the old excerpt whole.
    const scratch = `${outFile}.${process.pid}.tmp`;
    fs.writeFileSync(scratch, formatExcerpt(excerpt));
    fs.renameSync(scratch, outFile);
    log(`wrote ${path.relative(process.cwd(), outFile)}; now run: node scripts/generate-models.js`);
    return 0;
  } catch (error) {
    if (!(error instanceof RefreshError)) throw error;
    io.err(`refresh-schema: ${error.message}\n`);
    return 1;
  }
}

module.exports = { refreshExcerpt, referencedModelNames, defaultSources, formatExcerpt, main, RefreshError, DEFAULT_OUT, USAGE };

if (require.main === module) {
  main(process.argv.slice(2), {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    today: () => new Date().toISOString().slice(0, 10),
  }).then((code) => {
    process.exitCode = code;
  });
}
