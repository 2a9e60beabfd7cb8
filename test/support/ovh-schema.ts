import { readFileSync } from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "./paths";

/**
 * The repository's copy of the public OVH API schema excerpt (schema/, refreshed by scripts/refresh-schema.js), read
 * as published: tests compare the client and the simulator with it, independently of the models generated from it.
 */

export const OVH_SCHEMA_FILE = path.join(REPO_ROOT, "schema", "ovh-api-v1-csp2.json");

export interface SchemaProperty {
  type: string;
  canBeNull?: boolean;
  readOnly?: boolean;
  required?: boolean;
}
export interface SchemaModel {
  enum?: string[];
  properties?: Record<string, SchemaProperty>;
}
export interface SchemaParameter {
  name?: string;
  paramType: "path" | "query" | "body";
  dataType: string;
  required?: boolean;
}
export interface SchemaOperation {
  httpMethod: string;
  parameters: SchemaParameter[];
  responseType: string;
  noAuthentication?: boolean;
}
interface SchemaSection {
  apis: { path: string; operations: SchemaOperation[] }[];
  models: Record<string, SchemaModel>;
}

/** One operation with where it is: its schema section (e.g. `saasCsp2`) and path template. */
export interface LocatedOperation {
  section: string;
  path: string;
  operation: SchemaOperation;
}

/** Every model and operation of every section. */
export function readOvhSchema(): { models: Record<string, SchemaModel>; operations: LocatedOperation[] } {
  const schema = JSON.parse(readFileSync(OVH_SCHEMA_FILE, "utf8")) as Record<string, SchemaSection | string>;
  const sections = Object.entries(schema).filter((entry): entry is [string, SchemaSection] => typeof entry[1] === "object");
  return {
    models: Object.assign({}, ...sections.map(([, section]) => section.models)),
    operations: sections.flatMap(([section, { apis }]) => apis.flatMap((api) => api.operations.map((operation) => ({ section, path: api.path, operation })))),
  };
}
