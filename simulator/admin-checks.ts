/** The checks admin calls make of their input, each refusal naming the field. */
import { SimulatorAdminError } from "./admin-error";
import type { TaskFunction } from "./model/state";

export const TASK_FUNCTIONS: readonly TaskFunction[] = ["addSubscription", "changeQuantity", "deleteSubscription", "orderAddon"];

export function positiveInteger(value: unknown, name: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw new SimulatorAdminError(`${name} must be a positive integer, got ${JSON.stringify(value)}`);
  }
  return value;
}

export function nonNegative(value: unknown, name: string): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new SimulatorAdminError(`${name} must be a non-negative number, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** Refuses keys outside `allowed`, naming them and the allowed ones. */
export function refuseUnknownKeys(what: string, given: object, allowed: ReadonlySet<string>): void {
  const unknown = Object.keys(given).filter((k) => !allowed.has(k));
  if (unknown.length > 0) throw new SimulatorAdminError(`Unknown ${what} ${unknown.join(", ")}: use ${[...allowed].join(", ")}`);
}
