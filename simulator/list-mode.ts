import type { IncomingHttpHeaders } from "http";
import type { RouteSpec } from "./api-schema";
import { badRequest } from "./ovh-errors";

/**
 * OVH's list mode, as its API gateway serves it on every list route (a GET answering an array of ids whose items
 * have a `GET …/{id}` route): with `X-Pagination-Mode: CachedObjectList-Pages`, the answer is the objects
 * themselves, filtered (`X-Pagination-Filter`), sorted (`X-Pagination-Sort`, `X-Pagination-Sort-Order`) and paged
 * (`X-Pagination-Size`, `X-Pagination-Number`), with the total after filtering in `X-Pagination-Elements`.
 */
export const LIST_MODE_HEADER_VALUE = "CachedObjectList-Pages";

/**
 * How the gateway treats the mode (a simulator setting): `honoured`; `ignored` (plain id arrays, as without the
 * headers); `noFilter` (objects and paging, the filter ignored); `noPaging` (objects, filtered, but in pages of the
 * gateway's own size whatever size was asked).
 */
export type ListMode = "honoured" | "ignored" | "noFilter" | "noPaging";
export const LIST_MODES: readonly ListMode[] = ["honoured", "ignored", "noFilter", "noPaging"];

/** Largest page served. */
export const MAX_LIST_PAGE_SIZE = 5000;
/** The page size of a gateway that ignores the one asked (`noPaging`). */
export const GATEWAY_PAGE_SIZE = 10;

const OPERATORS = ["eq", "ne", "lt", "gt", "like", "in"] as const;
type Operator = (typeof OPERATORS)[number];

interface Condition {
  field: string;
  operator: Operator;
  values: string[];
}

/** A list-mode request, read from its headers. */
export interface ListModeRequest {
  pageSize: number;
  pageNumber: number;
  conditions: Condition[];
  sort?: { field: string; descending: boolean };
}

/** What the request log keeps of a request's list-mode headers (none of them carries a secret). */
export interface PaginationAsked {
  /** `X-Pagination-Mode` as sent. */
  mode: string;
  /** `X-Pagination-Number` (default 1). */
  page: number;
  /** `X-Pagination-Size`, when sent. */
  size?: number;
  /** `X-Pagination-Filter` as sent. */
  filter?: string;
  /** `X-Pagination-Sort` and its order, e.g. `id DESC`. */
  sort?: string;
  /** `Pragma: no-cache` was sent. */
  noCache: boolean;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(",") : value;
}

/** The list-mode headers of a request, for the request log; undefined when it sent no `X-Pagination-Mode`. */
export function paginationAsked(headers: IncomingHttpHeaders): PaginationAsked | undefined {
  const mode = header(headers, "x-pagination-mode");
  if (mode === undefined) return undefined;
  const number = Number(header(headers, "x-pagination-number") ?? "1");
  const size = header(headers, "x-pagination-size");
  const filter = header(headers, "x-pagination-filter");
  const sort = header(headers, "x-pagination-sort");
  return {
    mode,
    page: Number.isSafeInteger(number) ? number : 1,
    ...(size !== undefined && /^\d+$/.test(size.trim()) ? { size: Number(size) } : {}),
    ...(filter !== undefined ? { filter } : {}),
    ...(sort !== undefined ? { sort: `${sort} ${header(headers, "x-pagination-sort-order") ?? "ASC"}` } : {}),
    noCache: /(^|,)\s*no-cache\s*(,|$)/i.test(header(headers, "pragma") ?? ""),
  };
}

function decodePart(text: string, what: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw badRequest(`Invalid X-Pagination-Filter: ${what} "${text}" is not correctly URL-encoded`);
  }
}

function readConditions(filter: string | undefined): Condition[] {
  if (filter === undefined || filter.trim() === "") return [];
  return filter.split("&").map((part) => {
    const match = /^([^:=]+):([a-z]+)=(.*)$/.exec(part);
    if (!match) throw badRequest(`Invalid X-Pagination-Filter "${part}": expected field:operator=value (operators: ${OPERATORS.join(", ")}), several joined by &`);
    const [, rawField, operator, rawValue] = match;
    if (!(OPERATORS as readonly string[]).includes(operator)) {
      throw badRequest(`Invalid X-Pagination-Filter "${part}": unknown operator ${operator} (use ${OPERATORS.join(", ")})`);
    }
    const values = operator === "in" ? rawValue.split(",") : [rawValue];
    return { field: decodePart(rawField, "field"), operator: operator as Operator, values: values.map((v) => decodePart(v, "value")) };
  });
}

function wholeNumberHeader(headers: IncomingHttpHeaders, name: string, fallback: number, label: string): number {
  const text = header(headers, name);
  if (text === undefined) return fallback;
  const value = Number(text.trim());
  if (!/^\d+$/.test(text.trim()) || value < 1) throw badRequest(`Invalid ${label}: "${text}" is not a whole number of at least 1`);
  return value;
}

/**
 * Reads a request's list-mode headers; undefined when it does not ask for the mode. Malformed headers are refused
 * with 400 in OVH's error shape; a filter the gateway ignores (`noFilter`) is not read at all.
 */
export function readListModeRequest(headers: IncomingHttpHeaders, mode: ListMode): ListModeRequest | undefined {
  if (mode === "ignored" || header(headers, "x-pagination-mode") !== LIST_MODE_HEADER_VALUE) return undefined;
  const pageSize = wholeNumberHeader(headers, "x-pagination-size", MAX_LIST_PAGE_SIZE, "X-Pagination-Size");
  const pageNumber = wholeNumberHeader(headers, "x-pagination-number", 1, "X-Pagination-Number");
  const conditions = mode === "noFilter" ? [] : readConditions(header(headers, "x-pagination-filter"));
  const sortField = header(headers, "x-pagination-sort");
  const order = (header(headers, "x-pagination-sort-order") ?? "ASC").toUpperCase();
  if (order !== "ASC" && order !== "DESC") throw badRequest(`Invalid X-Pagination-Sort-Order "${order}": use ASC or DESC`);
  return {
    pageSize: mode === "noPaging" ? GATEWAY_PAGE_SIZE : Math.min(pageSize, MAX_LIST_PAGE_SIZE),
    pageNumber,
    conditions,
    sort: sortField === undefined || sortField === "" ? undefined : { field: decodePart(sortField, "sort field"), descending: order === "DESC" },
  };
}

const DATETIME_TEXT = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/;

/** -1, 0 or 1 comparing a field with a filter value read as the field's type; undefined when they cannot compare. */
function order(fieldValue: unknown, text: string): number | undefined {
  if (fieldValue === null || fieldValue === undefined) return undefined;
  let difference: number;
  if (typeof fieldValue === "number") {
    if (text.trim() === "" || Number.isNaN(Number(text))) return undefined;
    difference = fieldValue - Number(text);
  } else if (typeof fieldValue === "boolean") {
    if (text !== "true" && text !== "false") return undefined;
    difference = Number(fieldValue) - Number(text === "true");
  } else if (typeof fieldValue === "string" && DATETIME_TEXT.test(fieldValue) && DATETIME_TEXT.test(text)) {
    difference = Date.parse(fieldValue) - Date.parse(text);
  } else {
    const value = String(fieldValue);
    difference = value === text ? 0 : value < text ? -1 : 1;
  }
  return Math.sign(difference);
}

function like(value: unknown, pattern: string): boolean {
  if (value === null || value === undefined) return false;
  const source = pattern.replace(/[\\^$.*+?()[\]{}|]/g, "\\$&").replace(/%/g, ".*").replace(/_/g, ".");
  return new RegExp(`^${source}$`, "s").test(String(value));
}

function holds(item: Record<string, unknown>, condition: Condition): boolean {
  const value = item[condition.field];
  const [first] = condition.values;
  switch (condition.operator) {
    case "eq":
      return order(value, first) === 0;
    case "ne":
      return order(value, first) !== 0;
    case "lt":
      return order(value, first) === -1;
    case "gt":
      return order(value, first) === 1;
    case "like":
      return like(value, first);
    case "in":
      return condition.values.some((candidate) => order(value, candidate) === 0);
  }
}

function compareItems(field: string, a: Record<string, unknown>, b: Record<string, unknown>): number {
  const left = a[field];
  const right = b[field];
  if (left === null || left === undefined) return right === null || right === undefined ? 0 : 1;
  if (right === null || right === undefined) return -1;
  if (typeof left === "number" && typeof right === "number") return left - right;
  return order(left, String(right)) ?? 0;
}

/** One page of the objects, filtered and sorted, and the answer headers saying where it sits. */
export function listPage(objects: Record<string, unknown>[], request: ListModeRequest): { page: Record<string, unknown>[]; headers: Record<string, string> } {
  const kept = objects.filter((item) => request.conditions.every((condition) => holds(item, condition)));
  const sort = request.sort;
  if (sort) kept.sort((a, b) => (sort.descending ? -1 : 1) * compareItems(sort.field, a, b));
  const start = (request.pageNumber - 1) * request.pageSize;
  return {
    page: kept.slice(start, start + request.pageSize),
    headers: {
      "X-Pagination-Elements": String(kept.length),
      "X-Pagination-Number": String(request.pageNumber),
      "X-Pagination-Size": String(request.pageSize),
    },
  };
}

/**
 * The list routes of the schema, each with its item route and the item route's id parameter: a GET answering
 * `long[]` or `string[]` whose path plus `/{param}` is a GET route too.
 */
export function listRoutes(routes: readonly RouteSpec[]): Map<string, { item: RouteSpec; idParam: string }> {
  const found = new Map<string, { item: RouteSpec; idParam: string }>();
  for (const list of routes) {
    if (list.method !== "GET" || (list.responseType !== "long[]" && list.responseType !== "string[]")) continue;
    const item = routes.find((r) => r.method === "GET" && new RegExp(`^${escapeRegExp(list.path)}/\\{(\\w+)\\}$`).test(r.path));
    if (item) found.set(list.path, { item, idParam: (/\{(\w+)\}$/.exec(item.path) as RegExpExecArray)[1] });
  }
  return found;
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|]/g, "\\$&");
}
