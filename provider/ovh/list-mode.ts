import { OvhApiError } from "./errors";
import type { OvhRequester, OvhResponse, QueryValue } from "./types";

/**
 * OVH's list mode, as its control panel and CLI use it: on a list route (one answering an array of ids), the
 * `X-Pagination-Mode: CachedObjectList-Pages` header makes the gateway answer the objects themselves, a page at a
 * time, filtered and sorted as asked, with `X-Pagination-Elements` (the total) in the answer. It is not documented
 * for every route, and a gateway may honour it only in part, so everything here checks what came back: plain ids
 * mean the mode was ignored (remembered for the route, then one GET per id), and filters, sorting and paging are
 * applied again on this side when the answer shows they were not.
 */
export const LIST_MODE = "CachedObjectList-Pages";
/** The largest page asked for (OVH's control panel asks up to this). */
export const MAX_PAGE_SIZE = 5000;
/** Times a listing is read again when its pages disagree (objects added or removed while paging). */
const MAX_LISTING_ATTEMPTS = 3;
/** Pages read at most when the gateway gives no total, so a gateway repeating a page cannot loop forever. */
const MAX_PAGES_WITHOUT_TOTAL = 1000;

export type ListFilterOperator = "eq" | "ne" | "lt" | "gt" | "like" | "in";
export type ListValue = string | number | boolean;

/** `field:operator=value`. `like` takes `%` (any text) and `_` (one character); `in` takes several values. */
export interface ListFilter {
  field: string;
  operator: ListFilterOperator;
  value: ListValue | readonly ListValue[];
}

export interface ListSort {
  field: string;
  order?: "ASC" | "DESC";
}

export interface ListQuery {
  /** Concrete path of a list route (one answering an array of ids), e.g. `/saas/csp2/office-1/subscription`. */
  path: string;
  /** The route's template, e.g. `/saas/csp2/{serviceName}/subscription`: what is learnt is remembered per template. Default: `path`. */
  route?: string;
  query?: Record<string, QueryValue>;
  /** All must hold. */
  filters?: readonly ListFilter[];
  sort?: ListSort;
  /** Objects per page asked for, 1 to 5000. Default 5000. */
  pageSize?: number;
  /** Send `Pragma: no-cache`, so the gateway's cached list is not used. Default true: callers compare with live state. */
  noCache?: boolean;
  /** The objects' id field, to tell pages apart and to match ids. Default `id`. */
  idField?: string;
}

export type ListedId = string | number;

/** The objects (all pages, filtered and sorted), or the plain ids when the gateway ignores list mode. */
export type ListOutcome<T> = { kind: "objects"; items: T[] } | { kind: "ids"; ids: ListedId[] };

/** Per route template of an endpoint: whether the gateway answered objects (true) or plain ids (false). */
type RouteMemory = Map<string, boolean>;
const memoryByEndpoint = new Map<string, RouteMemory>();
const memoryByRequester = new WeakMap<object, RouteMemory>();

function memoryOf(requester: OvhRequester): RouteMemory {
  const key = requester.endpointKey;
  let memory = key === undefined ? memoryByRequester.get(requester) : memoryByEndpoint.get(key);
  if (!memory) {
    memory = new Map();
    if (key === undefined) memoryByRequester.set(requester, memory);
    else memoryByEndpoint.set(key, memory);
  }
  return memory;
}

function remember(requester: OvhRequester, route: string, objects: boolean): void {
  memoryOf(requester).set(route, objects);
}

/**
 * Whether listing a route costs one call (true), one call per object (false: the requester cannot use list mode,
 * or the gateway answered plain ids), or is not known yet (undefined: not tried in this process).
 */
export function listModeSupported(requester: OvhRequester, route: string): boolean | undefined {
  if (!requester.requestWithResponse) return false;
  return memoryOf(requester).get(route);
}

/** The `X-Pagination-Filter` header: filters joined by `&`, field and values URL-encoded, `in` values by `,`. */
export function encodeListFilters(filters: readonly ListFilter[]): string {
  return filters
    .map(({ field, operator, value }) => {
      const values = Array.isArray(value) ? value : [value as ListValue];
      if (operator !== "in" && values.length !== 1) throw new TypeError(`List filter ${field}:${operator} takes one value, got ${values.length}.`);
      if (values.length === 0) throw new TypeError(`List filter ${field}:in needs at least one value.`);
      return `${encodeURIComponent(field)}:${operator}=${values.map((v) => encodeURIComponent(String(v))).join(",")}`;
    })
    .join("&");
}

/** Orders a field's value against a filter value: numbers as numbers, dates as instants, other text as text. */
function compareValue(fieldValue: unknown, wanted: ListValue): number | undefined {
  if (fieldValue === null || fieldValue === undefined) return undefined;
  if (typeof fieldValue === "number") {
    const number = typeof wanted === "number" ? wanted : Number(wanted);
    return Number.isNaN(number) ? undefined : fieldValue - number;
  }
  const text = String(fieldValue);
  const other = String(wanted);
  if (isDateText(text) && isDateText(other)) return Date.parse(text) - Date.parse(other);
  return text < other ? -1 : text > other ? 1 : 0;
}

function isDateText(text: string): boolean {
  return /^\d{4}-\d{2}-\d{2}/.test(text) && !Number.isNaN(Date.parse(text));
}

function likePattern(pattern: string): RegExp {
  const body = [...pattern].map((c) => (c === "%" ? ".*" : c === "_" ? "." : c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))).join("");
  return new RegExp(`^${body}$`, "s");
}

/** Whether an object passes one filter, as the gateway reads it. */
export function matchesFilter(item: Record<string, unknown>, filter: ListFilter): boolean {
  const fieldValue = item[filter.field];
  const values = Array.isArray(filter.value) ? (filter.value as readonly ListValue[]) : [filter.value as ListValue];
  switch (filter.operator) {
    case "eq":
      return compareValue(fieldValue, values[0]) === 0;
    case "ne":
      return compareValue(fieldValue, values[0]) !== 0;
    case "lt":
      return (compareValue(fieldValue, values[0]) ?? 0) < 0;
    case "gt":
      return (compareValue(fieldValue, values[0]) ?? 0) > 0;
    case "in":
      return values.some((value) => compareValue(fieldValue, value) === 0);
    case "like":
      return fieldValue !== null && fieldValue !== undefined && likePattern(String(values[0])).test(String(fieldValue));
  }
}

/** Filters and sorts objects on this side, for a gateway that ignored either (or for objects fetched one by one). */
export function refineListed<T>(items: readonly T[], query: Pick<ListQuery, "filters" | "sort">): T[] {
  const filters = query.filters ?? [];
  const kept = items.filter((item) => filters.every((filter) => matchesFilter(item as Record<string, unknown>, filter)));
  const sort = query.sort;
  if (!sort) return kept;
  const direction = sort.order === "DESC" ? -1 : 1;
  return kept.sort((a, b) => {
    const left = (a as Record<string, unknown>)[sort.field];
    const right = (b as Record<string, unknown>)[sort.field];
    if (left === undefined || left === null) return right === undefined || right === null ? 0 : 1;
    if (right === undefined || right === null) return -1;
    return direction * (compareValue(left, right as ListValue) ?? 0);
  });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function headerCount(headers: Readonly<Record<string, string>>, name: string): number | undefined {
  const text = headers[name];
  if (text === undefined || !/^\s*\d+\s*$/.test(text)) return undefined;
  return Number(text);
}

function pageHeaders(query: ListQuery, pageNumber: number, pageSize: number): Record<string, string> {
  const headers: Record<string, string> = {
    "X-Pagination-Mode": LIST_MODE,
    "X-Pagination-Size": String(pageSize),
    "X-Pagination-Number": String(pageNumber),
  };
  if (query.filters && query.filters.length > 0) headers["X-Pagination-Filter"] = encodeListFilters(query.filters);
  if (query.sort) {
    headers["X-Pagination-Sort"] = encodeURIComponent(query.sort.field);
    headers["X-Pagination-Sort-Order"] = query.sort.order ?? "ASC";
  }
  if (query.noCache ?? true) headers.Pragma = "no-cache";
  return headers;
}

interface Page {
  items: unknown[];
  total?: number;
  size?: number;
}

async function fetchPage(requester: OvhRequester, query: ListQuery, pageNumber: number, pageSize: number): Promise<Page> {
  const send = requester.requestWithResponse as NonNullable<OvhRequester["requestWithResponse"]>;
  const answer: OvhResponse<unknown> = await send.call(requester, { method: "GET", path: query.path, query: query.query, headers: pageHeaders(query, pageNumber, pageSize) });
  if (!Array.isArray(answer.body)) {
    throw new OvhApiError({
      status: answer.status,
      method: "GET",
      path: query.path,
      queryId: answer.headers["x-ovh-queryid"],
      message: "a list route answered something other than an array: check that the path is a list route of the OVH API",
    });
  }
  return { items: answer.body, total: headerCount(answer.headers, "x-pagination-elements"), size: headerCount(answer.headers, "x-pagination-size") };
}

type Collected = { kind: "objects"; items: Record<string, unknown>[] } | { kind: "ids"; ids: ListedId[] } | { kind: "refused" } | { kind: "unsettled" };

function idOf(item: Record<string, unknown>, idField: string): ListedId | undefined {
  const id = item[idField];
  return typeof id === "string" || typeof id === "number" ? id : undefined;
}

/** Reads every page once; `unsettled` when the pages disagree (the list changed meanwhile, or the page number was ignored). */
async function collectPages(requester: OvhRequester, query: ListQuery): Promise<Collected> {
  const asked = Math.min(MAX_PAGE_SIZE, Math.max(1, Math.floor(query.pageSize ?? MAX_PAGE_SIZE)));
  const idField = query.idField ?? "id";
  let first: Page;
  try {
    first = await fetchPage(requester, query, 1, asked);
  } catch (error) {
    // A gateway that refuses the list-mode headers on this route (a `class` error body): the plain listing still works.
    // An authentication refusal (`errorCode` body, e.g. QUERY_TIME_OUT) says nothing about list mode.
    if (error instanceof OvhApiError && error.status === 400 && error.errorCode === undefined) return { kind: "refused" };
    throw error;
  }
  if (!first.items.every(isPlainObject)) return { kind: "ids", ids: first.items as ListedId[] };

  const pages: Page[] = [first];
  if (first.total !== undefined) {
    if (first.items.length < first.total) {
      const pageSize = first.size !== undefined && first.size > 0 ? first.size : first.items.length;
      if (pageSize === 0) return { kind: "unsettled" };
      const pageCount = Math.ceil(first.total / pageSize);
      const numbers = Array.from({ length: pageCount - 1 }, (_, index) => index + 2);
      pages.push(...(await Promise.all(numbers.map((number) => fetchPage(requester, query, number, asked)))));
    }
  } else if (first.items.length > 0) {
    // No total: read on until a page comes back shorter than the first (or empty).
    for (let number = 2; number <= MAX_PAGES_WITHOUT_TOTAL; number++) {
      const page = await fetchPage(requester, query, number, asked);
      pages.push(page);
      if (page.items.length < first.items.length) break;
    }
  }

  const items: Record<string, unknown>[] = [];
  const seen = new Set<ListedId>();
  for (const page of pages) {
    if (!page.items.every(isPlainObject)) return { kind: "unsettled" };
    if (page.total !== first.total) return { kind: "unsettled" };
    let fresh = 0;
    for (const item of page.items as Record<string, unknown>[]) {
      const id = idOf(item, idField);
      if (id !== undefined && seen.has(id)) continue;
      if (id !== undefined) seen.add(id);
      items.push(item);
      fresh += 1;
    }
    // A later page holding nothing new: the gateway ignored the page number.
    if (page !== first && page.items.length > 0 && fresh === 0) return { kind: "unsettled" };
  }
  if (first.total !== undefined && items.length !== first.total) return { kind: "unsettled" };
  return { kind: "objects", items };
}

function plainListing(requester: OvhRequester, query: ListQuery): Promise<ListedId[]> {
  return requester.request<ListedId[]>({ method: "GET", path: query.path, query: query.query });
}

/**
 * Lists a route in list mode: every page, then the filters and sorting applied again on this side. Answers the
 * plain ids instead when the requester cannot send the mode's headers, when the gateway ignores (or refuses) the
 * mode on this route (remembered for the process, so later calls send a plain GET), or when the pages keep
 * disagreeing: the caller then reads the objects one by one (see `listAll`).
 */
export async function listObjects<T>(requester: OvhRequester, query: ListQuery): Promise<ListOutcome<T>> {
  const route = query.route ?? query.path;
  if (!requester.requestWithResponse || memoryOf(requester).get(route) === false) {
    return { kind: "ids", ids: await plainListing(requester, query) };
  }
  for (let attempt = 1; attempt <= MAX_LISTING_ATTEMPTS; attempt++) {
    const collected = await collectPages(requester, query);
    if (collected.kind === "ids") {
      remember(requester, route, false);
      return collected;
    }
    if (collected.kind === "refused") {
      remember(requester, route, false);
      return { kind: "ids", ids: await plainListing(requester, query) };
    }
    if (collected.kind === "objects") {
      if (collected.items.length > 0) remember(requester, route, true);
      return { kind: "objects", items: refineListed(collected.items, query) as T[] };
    }
    remember(requester, route, true);
  }
  return { kind: "ids", ids: await plainListing(requester, query) };
}

/** Reads objects one by one, at once (the client's throttle paces them); those answering 404 (deleted meanwhile) are left out. */
export async function fetchEach<T>(ids: readonly ListedId[], getOne: (id: ListedId) => Promise<T>): Promise<T[]> {
  const found = await Promise.all(
    ids.map(async (id) => {
      try {
        return await getOne(id);
      } catch (error) {
        if (error instanceof OvhApiError && error.isNotFound) return undefined;
        throw error;
      }
    }),
  );
  return found.filter((item): item is Awaited<T> => item !== undefined) as T[];
}

export interface ListAllOptions {
  /** Only the objects with these ids; in the fallback, only these are read. */
  select?: (id: ListedId) => boolean;
  /** In the fallback only, which of the (selected) listed ids are read, e.g. the most recent ones. */
  narrow?: (ids: readonly ListedId[]) => ListedId[];
  /** Told once the list is read how many objects are then read one GET each (0 in list mode): for progress. */
  onListed?: (readsOneByOne: number) => void;
}

/**
 * Every object of a list route, filtered and sorted as asked: one call per page in list mode, else the plain ids
 * and one GET per id (`getOne`), filtered and sorted here. Objects deleted between the listing and their GET are
 * left out.
 */
export async function listAll<T>(requester: OvhRequester, query: ListQuery, getOne: (id: ListedId) => Promise<T>, options: ListAllOptions = {}): Promise<T[]> {
  const outcome = await listObjects<T>(requester, query);
  const { select, narrow, onListed } = options;
  if (outcome.kind === "objects") {
    onListed?.(0);
    if (!select) return outcome.items;
    const idField = query.idField ?? "id";
    return outcome.items.filter((item) => {
      const id = idOf(item as Record<string, unknown>, idField);
      return id !== undefined && select(id);
    });
  }
  const selected = select ? outcome.ids.filter(select) : outcome.ids;
  const ids = narrow ? narrow(selected) : selected;
  onListed?.(ids.length);
  return refineListed(await fetchEach(ids, getOne), query);
}
