import type { ListAllOptions, ListFilter, ListQuery } from "../ovh/list-mode";
import { operationRequest, type OperationKey, type OperationParameters } from "./call";

/** The list operations read in list mode: a licence group's, and the account's list of groups. */
export type GroupListOperation =
  | "GET /saas/csp2"
  | "GET /saas/csp2/{serviceName}/subscription"
  | "GET /saas/csp2/{serviceName}/task"
  | "GET /saas/csp2/{serviceName}/orderableLicenses";

/** The path template of an operation: what list mode support is remembered by. */
export function routeOf(operation: OperationKey): string {
  return operation.slice(operation.indexOf(" ") + 1);
}

/**
 * The list-mode query of a list operation. Always `Pragma: no-cache`: these listings are compared with
 * declared state (drift, pending tasks), so OVH's cached copy of the list will not do.
 */
export function groupListQuery<K extends GroupListOperation>(operation: K, parameters: OperationParameters<K>, filters?: readonly ListFilter[]): ListQuery {
  const request = operationRequest(operation, parameters);
  return { path: request.path, route: routeOf(operation), query: request.query, noCache: true, ...(filters ? { filters } : {}) };
}

/** How a fetch of a group's objects (numbered by id) reads them. */
export interface GroupFetchOptions {
  /** Only the objects with these ids; in the fallback only these are read, one GET each. */
  only?: (id: number) => boolean;
  /** Told how many objects are read one GET each (0 in list mode), before they are: for progress. */
  onListed?: (readsOneByOne: number) => void;
}

export function groupFetchListOptions({ only, onListed }: GroupFetchOptions): ListAllOptions {
  return { select: only && ((id) => only(Number(id))), onListed };
}

export function byId<T extends { id: number }>(items: T[]): T[] {
  return items.sort((a, b) => a.id - b.id);
}
