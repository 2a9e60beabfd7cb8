import { OvhApiError } from "../ovh/errors";
import { fetchEach, listAll, type ListAllOptions, type ListedId } from "../ovh/list-mode";
import type { OvhRequester } from "../ovh/types";
import { call } from "./call";
import { TaskFailedError, TaskTimeoutError, TaskVanishedError } from "./errors";
import { byId, groupListQuery } from "./listing";
import type { OfficeTask, TaskStatusEnum } from "./models";
import { pollUntil, type PollingOptions } from "./polling";

/** Ids of the group's tasks (the schema describes them as its pending tasks; finished ones may be listed too). */
export function listTasks(requester: OvhRequester, serviceName: string): Promise<number[]> {
  return call(requester, "GET /saas/csp2/{serviceName}/task", { path: { serviceName } });
}

export function getTask(requester: OvhRequester, serviceName: string, taskId: number): Promise<OfficeTask> {
  return call(requester, "GET /saas/csp2/{serviceName}/task/{id}", { path: { serviceName, id: taskId } });
}

/** Reported after every poll, so callers can print progress. */
export interface TaskProgress {
  serviceName: string;
  taskId: number;
  function: string;
  status: TaskStatusEnum;
  elapsedMs: number;
  polls: number;
}

export interface WaitForTaskOptions extends PollingOptions {
  /** Default 30 minutes. */
  timeoutMs?: number;
  onProgress?: (progress: TaskProgress) => void;
}

export const defaultTaskTimeoutMs = 30 * 60 * 1000;

/** How a task ended, as far as OVH still shows it. */
export type TaskEnd =
  | { outcome: "done"; task: OfficeTask }
  | { outcome: "failed"; task: OfficeTask & { status: "error" | "cancelled" } }
  /**
   * OVH answered 404 for the task: some OVH task APIs drop a task once it has ended, so it ended one way or the
   * other. Only the resource's own state can tell which.
   */
  | { outcome: "vanished"; taskId: number; lastSeen?: OfficeTask };

/**
 * Polls the task until it ends and says how: `done`, `failed` (`error` or `cancelled`), or `vanished` (OVH no
 * longer shows it). Throws `TaskTimeoutError` when it is still `todo`/`doing` after `timeoutMs`.
 */
export function waitForTaskEnd(requester: OvhRequester, serviceName: string, taskId: number, options: WaitForTaskOptions = {}): Promise<TaskEnd> {
  let last: OfficeTask | undefined;
  return pollUntil<TaskEnd>(
    async ({ polls, elapsedMs }) => {
      let task: OfficeTask;
      try {
        task = await getTask(requester, serviceName, taskId);
      } catch (error) {
        if (error instanceof OvhApiError && error.isNotFound) return { outcome: "vanished", taskId, lastSeen: last };
        throw error;
      }
      last = task;
      options.onProgress?.({ serviceName, taskId, function: task.function, status: task.status, elapsedMs, polls });
      if (task.status === "done") return { outcome: "done", task };
      if (task.status === "error" || task.status === "cancelled") return { outcome: "failed", task: { ...task, status: task.status } };
      return undefined;
    },
    // The first poll always comes before a timeout, and a poll that found no task ends the wait.
    ({ elapsedMs }) => new TaskTimeoutError(serviceName, last as OfficeTask, elapsedMs, options.timeoutMs ?? defaultTaskTimeoutMs),
    options,
    defaultTaskTimeoutMs,
  );
}

/**
 * Polls the task until it is `done` and returns it. Throws `TaskFailedError` when it ends in `error` or
 * `cancelled`, `TaskVanishedError` when OVH no longer shows it, and `TaskTimeoutError` when it is still
 * `todo`/`doing` after `timeoutMs`.
 */
export async function waitForTask(requester: OvhRequester, serviceName: string, taskId: number, options: WaitForTaskOptions = {}): Promise<OfficeTask> {
  const end = await waitForTaskEnd(requester, serviceName, taskId, options);
  if (end.outcome === "done") return end.task;
  if (end.outcome === "failed") throw new TaskFailedError(serviceName, end.task);
  throw new TaskVanishedError(serviceName, taskId, end.lastSeen);
}

/** A task not finished yet, as resources show it in their outputs. */
export interface PendingTask {
  /** OVH's task id. */
  id: number;
  /** What the task does, as OVH names it (the names are not published). */
  function: string;
  /** "todo" or "doing". */
  status: Extract<TaskStatusEnum, "todo" | "doing">;
  /** When the task was created. */
  todoDate: string;
}

/**
 * Which of these tasks (e.g. a subscription's `taskPendingId`) are still `todo` or `doing`, oldest first, one GET each
 * and without listing the group's tasks; one that OVH no longer shows is left out.
 */
export async function pendingTasks(requester: OvhRequester, serviceName: string, taskIds: readonly number[]): Promise<PendingTask[]> {
  const tasks = await fetchEach(taskIds, (id) => getTask(requester, serviceName, Number(id)));
  return byId(tasks.filter(isPending)).map(toPendingTask);
}

const TASK_LIST = "GET /saas/csp2/{serviceName}/task";
/** The statuses of a task not finished yet. */
export const PENDING_TASK_STATUSES: readonly PendingTask["status"][] = ["todo", "doing"];
/** Recent tasks looked at for pending ones when the gateway cannot filter the task list. */
export const DEFAULT_RECENT_TASKS_SCANNED = 20;

function toPendingTask({ id, function: taskFunction, status, todoDate }: OfficeTask): PendingTask {
  return { id, function: taskFunction, status: status as PendingTask["status"], todoDate };
}

function isPending(task: OfficeTask): boolean {
  return (PENDING_TASK_STATUSES as readonly TaskStatusEnum[]).includes(task.status);
}

export interface FetchPendingTasksOptions {
  /** Without list mode, how many of the most recent tasks are read (one GET each) to find the pending ones. Default 20. */
  recentLimit?: number;
  /** Told how many tasks are read one GET each (0 in list mode), before they are: for progress. */
  onListed?: (readsOneByOne: number) => void;
}

/**
 * The group's tasks still `todo` or `doing`, oldest first, read live (`Pragma: no-cache`). In list mode one call
 * filtered on `status:in=todo,doing`, whatever the number of tasks the group ever had. Without it (on this
 * endpoint, learnt once per process), among the `recentLimit` most recent tasks, one GET each: OVH lists tasks
 * without a filter, and pending ones are the recent ones.
 */
export async function fetchPendingTasks(requester: OvhRequester, serviceName: string, options: FetchPendingTasksOptions = {}): Promise<PendingTask[]> {
  const recentLimit = options.recentLimit ?? DEFAULT_RECENT_TASKS_SCANNED;
  const mostRecent = (ids: readonly ListedId[]) => [...ids].sort((a, b) => Number(b) - Number(a)).slice(0, recentLimit);
  const tasks = await fetchTasks(requester, serviceName, { statuses: PENDING_TASK_STATUSES, narrow: mostRecent, onListed: options.onListed });
  return tasks.map(toPendingTask);
}

export interface FetchTasksOptions {
  /** Only the tasks in these statuses: filtered by OVH in list mode; in the fallback every task is read and filtered here. */
  statuses?: readonly TaskStatusEnum[];
  /** In the fallback only, which of the listed task ids are read. */
  narrow?: ListAllOptions["narrow"];
  /** Told how many tasks are read one GET each (0 in list mode), before they are: for progress. */
  onListed?: (readsOneByOne: number) => void;
}

/**
 * The group's tasks, finished ones included (or only those in `statuses`), read live (`Pragma: no-cache`), sorted by
 * id: in list mode one call (per 5000), else the ids and one GET per task, leaving out any OVH dropped in between.
 */
export async function fetchTasks(requester: OvhRequester, serviceName: string, options: FetchTasksOptions = {}): Promise<OfficeTask[]> {
  const { statuses, narrow, onListed } = options;
  const filters = statuses ? [{ field: "status", operator: "in" as const, value: statuses }] : undefined;
  const query = groupListQuery(TASK_LIST, { path: { serviceName } }, filters);
  const tasks = await listAll<OfficeTask>(requester, query, (id) => getTask(requester, serviceName, Number(id)), { narrow, onListed });
  return byId(tasks);
}
