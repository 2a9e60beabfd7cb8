import type { HttpMethod, OvhRequest, OvhRequester, QueryValue } from "../ovh/types";
import { Csp2InputError } from "./errors";
import type { OvhOperations } from "./models";

/** `"GET /saas/csp2/{serviceName}/task/{id}"` and the other operations of the schema the csp2 module wraps. */
export type OperationKey = keyof OvhOperations;
/** What an operation takes: `path` parameters, `query` and `body`, as the schema declares them. */
export type OperationParameters<K extends OperationKey> = Omit<OvhOperations[K], "response">;
export type OperationResponse<K extends OperationKey> = OvhOperations[K]["response"];

interface LooseParameters {
  path?: Record<string, unknown>;
  query?: Record<string, unknown>;
  body?: unknown;
}

/**
 * Sends one schema operation. The operation key fixes the method, the path template, the parameter types and the
 * response type; every path parameter is checked and percent-encoded.
 */
export async function call<K extends OperationKey>(
  requester: OvhRequester,
  operation: K,
  parameters: OperationParameters<K>,
): Promise<OperationResponse<K>> {
  return requester.request<OperationResponse<K>>(operationRequest(operation, parameters));
}

/** The request of one schema operation, path filled and checked, as `call` sends it. */
export function operationRequest<K extends OperationKey>(operation: K, parameters: OperationParameters<K>): OvhRequest {
  const space = operation.indexOf(" ");
  const method = operation.slice(0, space) as HttpMethod;
  const template = operation.slice(space + 1);
  const { path, query, body } = parameters as LooseParameters;
  const request: OvhRequest = { method, path: fillPath(operation, template, path ?? {}) };
  if (query) request.query = toQuery(operation, query);
  if (body !== undefined) request.body = body;
  return request;
}

function fillPath(operation: string, template: string, values: Record<string, unknown>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(pathSegment(operation, name, values[name])));
}

function pathSegment(operation: string, name: string, value: unknown): string {
  if (typeof value === "string" && value.trim() !== "") return value;
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return String(value);
  throw new Csp2InputError(name, value, `cannot go in the path of ${operation}`, "give a non-empty string or a whole number ≥ 0");
}

function toQuery(operation: string, query: Record<string, unknown>): Record<string, QueryValue> {
  const result: Record<string, QueryValue> = {};
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") {
      throw new Csp2InputError(name, value, `is not a query value of ${operation}`, "give a string, a number or a boolean");
    }
    result[name] = value;
  }
  return result;
}

/** The body with only `allowed` keys (undefined values dropped); any other key is an error naming it. */
export function writableBody<T extends object>(field: string, body: T, allowed: readonly (keyof T)[]): T {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (!allowed.includes(key as keyof T)) {
      throw new Csp2InputError(`${field}.${key}`, value, "cannot be changed through the OVH API", `change only ${allowed.join(", ")}`);
    }
    if (value !== undefined) result[key] = value;
  }
  return result as T;
}
