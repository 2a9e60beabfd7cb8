import { formatDuration } from "../durations";
import type { OfficeTask, OrderStatusEnum, TaskStatusEnum } from "./models";

/** Base of the errors the csp2 layer raises itself; answers from OVH stay `OvhApiError`. */
export class Csp2Error extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Quotes strings, prints the rest as JSON: `"Business Basic"`, `12`, `undefined`. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "undefined";
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  return JSON.stringify(value) ?? String(value);
}

/** A value handed to a csp2 call is not acceptable. The message names the field, the value and the fix. */
export class Csp2InputError extends Csp2Error {
  readonly field: string;
  readonly value: unknown;
  /** What would be accepted, in words. */
  readonly allowed: string;

  constructor(field: string, value: unknown, problem: string, allowed: string) {
    super(`${field}: ${describeValue(value)} ${problem}: ${allowed}.`);
    this.field = field;
    this.value = value;
    this.allowed = allowed;
  }
}

/** `license` / `licenseId` matches no orderable licence, or several. */
export class LicenseResolutionError extends Csp2InputError {
  /** The names the group can order, sorted. */
  readonly validNames: string[];

  constructor(field: string, value: unknown, problem: string, allowed: string, validNames: string[]) {
    super(field, value, problem, allowed);
    this.validNames = validNames;
  }
}

/** The licence field a seat change runs into. */
export type LicenseRule = "limit" | "newSeatsAllowed" | "newSubscriptionsAllowed";

/** A seat count the licence does not allow (before anything is sent to OVH). */
export class SeatChangeError extends Csp2InputError {
  /** The licence field that forbids it; undefined when the seat count itself is malformed. */
  readonly licenseRule?: LicenseRule;

  constructor(field: string, value: unknown, problem: string, allowed: string, licenseRule?: LicenseRule) {
    super(field, value, problem, allowed);
    this.licenseRule = licenseRule;
  }
}

/** An OVH task ended in `error` or `cancelled`. */
export class TaskFailedError extends Csp2Error {
  readonly serviceName: string;
  readonly taskId: number;
  readonly taskFunction: string;
  readonly status: Extract<TaskStatusEnum, "error" | "cancelled">;
  readonly task: OfficeTask;

  constructor(serviceName: string, task: OfficeTask & { status: "error" | "cancelled" }) {
    super(
      `OVH task ${task.id} (${task.function}) on licence group ${serviceName} ended with status "${task.status}"` +
        `${task.finishDate ? ` at ${task.finishDate}` : ""}. OVH gives no reason through its API: check the group's ` +
        `tasks in the OVH control panel, fix the cause (seats, licence, tenant state) and run again; quote task ` +
        `${task.id} to OVH support if it keeps failing.`,
    );
    this.serviceName = serviceName;
    this.taskId = task.id;
    this.taskFunction = task.function;
    this.status = task.status;
    this.task = task;
  }
}

/** OVH no longer shows a task (404): it ended, but OVH does not say how. */
export class TaskVanishedError extends Csp2Error {
  readonly serviceName: string;
  readonly taskId: number;
  readonly taskFunction?: string;

  constructor(serviceName: string, taskId: number, lastSeen?: Pick<OfficeTask, "function" | "status">) {
    const seen = lastSeen ? ` (${lastSeen.function}, last seen "${lastSeen.status}")` : "";
    super(
      `OVH task ${taskId}${seen} on licence group ${serviceName} is no longer shown by OVH (404): it has ended, but ` +
        `OVH does not say whether it succeeded. Check the licence group's state (\`ovh-office365 status ${serviceName}\`).`,
    );
    this.serviceName = serviceName;
    this.taskId = taskId;
    this.taskFunction = lastSeen?.function;
  }
}

/** An OVH task did not end within the timeout. It is still running at OVH. */
export class TaskTimeoutError extends Csp2Error {
  readonly serviceName: string;
  readonly taskId: number;
  readonly taskFunction: string;
  readonly lastStatus: TaskStatusEnum;
  readonly elapsedMs: number;
  readonly timeoutMs: number;

  constructor(serviceName: string, task: Pick<OfficeTask, "id" | "function" | "status">, elapsedMs: number, timeoutMs: number) {
    super(
      `OVH task ${task.id} (${task.function}) on licence group ${serviceName} is still "${task.status}" after ` +
        `${formatDuration(elapsedMs)}. It keeps running at OVH: run again later and the pending task is waited for, ` +
        `not ordered twice; raise the task timeout if OVH is usually this slow.`,
    );
    this.serviceName = serviceName;
    this.taskId = task.id;
    this.taskFunction = task.function;
    this.lastStatus = task.status;
    this.elapsedMs = elapsedMs;
    this.timeoutMs = timeoutMs;
  }
}

/** An order was cancelled, needs a person (documents), or was delivered without a recognisable service. */
export class OrderFailedError extends Csp2Error {
  readonly orderId: number;
  readonly status: OrderStatusEnum;

  constructor(orderId: number, status: OrderStatusEnum, explanation: string) {
    super(`OVH order ${orderId} (status "${status}"): ${explanation}`);
    this.orderId = orderId;
    this.status = status;
  }
}

/** An order was not delivered within the timeout. It goes on at OVH. */
export class OrderTimeoutError extends Csp2Error {
  readonly orderId: number;
  readonly lastStatus: OrderStatusEnum;
  readonly elapsedMs: number;
  readonly timeoutMs: number;

  constructor(orderId: number, lastStatus: OrderStatusEnum, elapsedMs: number, timeoutMs: number) {
    const payHint = lastStatus === "notPaid" ? " It is not paid yet: pay it in the OVH control panel (Billing, My orders)." : "";
    super(
      `OVH order ${orderId} is still "${lastStatus}" after ${formatDuration(elapsedMs)}.${payHint} The order goes on ` +
        `at OVH: once it is delivered, adopt the new licence group by its serviceName instead of ordering again.`,
    );
    this.orderId = orderId;
    this.lastStatus = lastStatus;
    this.elapsedMs = elapsedMs;
    this.timeoutMs = timeoutMs;
  }
}
