import { BODY_MODELS, REQUEST_ENUMS, type FieldSpec, type ParamSpec, type RouteSpec } from "./api-schema";
import { badRequest, type OvhHttpError } from "./ovh-errors";

export type ParamValue = string | number | boolean;

export interface ValidatedRequest {
  /** Path and query parameters, converted to their schema type. */
  params: Record<string, ParamValue>;
  /** Writable body fields (read-only ones dropped), checked against their schema type. */
  body: Record<string, unknown>;
}

const ISO_DURATION = /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;
// OVH phone numbers: country code, a dot, then the national number, e.g. +33.972101007.
const OVH_PHONE = /^\+\d{1,3}\.\d{4,14}$/;
const LONG_TEXT = /^-?\d{1,16}$/;

function invalidType(name: string, value: unknown, type: string): OvhHttpError {
  const shown = typeof value === "string" ? value : JSON.stringify(value);
  const hint = type === "phoneNumber" ? " (expected the OVH format +<country code>.<number>, e.g. +33.972101007)" : "";
  return badRequest(`[${name}] Given data (${shown}) is not valid for type ${type}${hint}`);
}

function notInEnum(name: string, value: unknown, type: string, allowed: readonly string[]): OvhHttpError {
  return badRequest(`[${name}] Given data (${String(value)}) does not belong to the ${type} enumeration (allowed: ${allowed.join(", ")})`);
}

/** A path or query parameter arrives as text; converts it to its type or refuses it naming the parameter. */
export function parseTextParam(spec: ParamSpec, raw: string): ParamValue {
  const enumValues = REQUEST_ENUMS[spec.type];
  if (enumValues) {
    if (!enumValues.includes(raw)) throw notInEnum(spec.name, raw, spec.type, enumValues);
    return raw;
  }
  switch (spec.type) {
    case "long": {
      const value = Number(raw);
      if (!LONG_TEXT.test(raw) || !Number.isSafeInteger(value)) throw invalidType(spec.name, raw, "long");
      return value;
    }
    case "boolean":
      if (raw !== "true" && raw !== "false") throw invalidType(spec.name, raw, "boolean");
      return raw === "true";
    case "datetime":
      if (!ISO_DATETIME.test(raw) || Number.isNaN(Date.parse(raw))) throw invalidType(spec.name, raw, "datetime");
      return raw;
    default:
      return raw;
  }
}

/** Checks one JSON value against a schema type; `path` names it in errors (e.g. `renew.period`). */
function checkJsonValue(path: string, value: unknown, type: string): unknown {
  if (type.endsWith("[]")) {
    if (!Array.isArray(value)) throw invalidType(path, value, type);
    return value.map((item, index) => checkJsonValue(`${path}[${index}]`, item, type.slice(0, -2)));
  }
  const enumValues = REQUEST_ENUMS[type];
  if (enumValues) {
    if (typeof value !== "string" || !enumValues.includes(value)) throw notInEnum(path, value, type, enumValues);
    return value;
  }
  const model = BODY_MODELS[type];
  if (model) {
    if (typeof value !== "object" || value === null || Array.isArray(value)) throw invalidType(path, value, type);
    return checkModel(value as Record<string, unknown>, model, type, `${path}.`);
  }
  switch (type) {
    case "long":
      if (typeof value !== "number" || !Number.isSafeInteger(value)) throw invalidType(path, value, "long");
      return value;
    case "boolean":
      if (typeof value !== "boolean") throw invalidType(path, value, "boolean");
      return value;
    case "duration":
      if (typeof value !== "string" || !ISO_DURATION.test(value)) throw invalidType(path, value, "duration");
      return value;
    case "date":
      if (typeof value !== "string" || !ISO_DATE.test(value) || Number.isNaN(Date.parse(value))) throw invalidType(path, value, "date");
      return value;
    case "datetime":
      if (typeof value !== "string" || !ISO_DATETIME.test(value) || Number.isNaN(Date.parse(value))) throw invalidType(path, value, "datetime");
      return value;
    case "phoneNumber":
      if (typeof value !== "string" || !OVH_PHONE.test(value)) throw invalidType(path, value, "phoneNumber");
      return value;
    case "string":
    case "text":
    case "password":
      if (typeof value !== "string") throw invalidType(path, value, type);
      return value;
    default:
      throw new Error(`The simulator has no validation rule for schema type ${type}`);
  }
}

function checkModel(input: Record<string, unknown>, fields: readonly FieldSpec[], modelName: string, prefix: string): Record<string, unknown> {
  const described = new Set(fields.map((f) => f.name));
  const undescribed = Object.keys(input).filter((key) => !described.has(key));
  if (undescribed.length > 0) {
    throw badRequest(`Received not described parameters: (${undescribed.map((k) => prefix + k).join(", ")}) while reading ${modelName}`);
  }
  const out: Record<string, unknown> = {};
  for (const spec of fields) {
    const value = input[spec.name];
    const name = prefix + spec.name;
    if (spec.readOnly) continue;
    if (value === undefined) {
      if (spec.required) throw badRequest(`[${name}] Property is mandatory (type ${spec.type})`);
      continue;
    }
    if (value === null) {
      if (!spec.canBeNull) throw badRequest(`[${name}] Null value not allowed (type ${spec.type})`);
      out[spec.name] = null;
      continue;
    }
    out[spec.name] = checkJsonValue(name, value, spec.type);
  }
  return out;
}

/**
 * Checks a request against its route: path and query parameters (unknown query parameters are refused,
 * as OVH does), and the JSON body (either one model, or named body parameters).
 */
export function validateRequest(
  route: RouteSpec,
  pathParams: Record<string, string>,
  query: URLSearchParams,
  rawBody: string,
): ValidatedRequest {
  const params: Record<string, ParamValue> = {};
  for (const spec of route.params) {
    if (spec.in === "path") params[spec.name] = parseTextParam(spec, pathParams[spec.name]);
  }
  const querySpecs = route.params.filter((p) => p.in === "query");
  const undescribedQuery = [...new Set(query.keys())].filter((key) => !querySpecs.some((p) => p.name === key));
  if (undescribedQuery.length > 0) {
    throw badRequest(`Received not described parameters: (${undescribedQuery.join(", ")}) while calling ${route.method} ${route.path}`);
  }
  for (const spec of querySpecs) {
    const raw = query.get(spec.name);
    if (raw === null) {
      if (spec.required) throw badRequest(`[${spec.name}] Missing required query parameter (type ${spec.type})`);
      continue;
    }
    params[spec.name] = parseTextParam(spec, raw);
  }

  const bodySpecs = route.params.filter((p) => p.in === "body");
  if (!route.body && bodySpecs.length === 0) return { params, body: {} };

  let parsed: unknown = {};
  if (rawBody.trim() !== "") {
    try {
      parsed = JSON.parse(rawBody);
    } catch {
      throw badRequest("The input that you provided isn't valid JSON or not well formatted");
    }
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw badRequest(`The request body must be a JSON object${route.body ? ` (${route.body})` : ""}`);
  }
  const input = parsed as Record<string, unknown>;
  if (route.body) return { params, body: checkModel(input, BODY_MODELS[route.body], route.body, "") };

  const fields: FieldSpec[] = bodySpecs.map((p) => ({ name: p.name, type: p.type, required: p.required, canBeNull: !p.required, readOnly: false }));
  return { params, body: checkModel(input, fields, `${route.method} ${route.path}`, "") };
}
