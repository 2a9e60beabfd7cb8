// @ts-check
/**
 * The schema excerpt's refresh, without input or output: which paths each section keeps, the models they reference,
 * the note and the summary of changes. scripts/refresh-schema.js reads the sources and writes the result.
 */
"use strict";

const DEFAULT_ENDPOINT = "https://eu.api.ovh.com/1.0";

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

module.exports = { refreshExcerpt, referencedModelNames, defaultSources, formatExcerpt, RefreshError, DEFAULT_ENDPOINT };
