/** The simulator's settings, the faults it injects, its clock and its credentials, as the admin API sets them. */
import { nonNegative, positiveInteger, refuseUnknownKeys, TASK_FUNCTIONS } from "./admin-checks";
import { SimulatorAdminError } from "./admin-error";
import type { TaskFaultRule } from "./model/account";
import { isVariantName, variantProblem, type VariantSettings } from "./model/variants";
import type { SimulatorRuntime } from "./runtime";

export interface SimulatorSettings extends VariantSettings {
  taskDurationMs: number;
  orderDurationMs: number;
  seatDecreaseWindowHours: number;
}

export function settings(runtime: SimulatorRuntime): SimulatorSettings {
  return { ...runtime.account.settings };
}

/** Checks every setting given before changing any, so a refused change changes nothing. */
export function setSettings(runtime: SimulatorRuntime, changes: Partial<SimulatorSettings>): SimulatorSettings {
  refuseUnknownKeys("settings", changes, new Set(Object.keys(runtime.account.settings)));
  for (const [name, value] of Object.entries(changes)) {
    if (isVariantName(name)) {
      const problem = variantProblem(name, value);
      if (problem) throw new SimulatorAdminError(problem);
    } else nonNegative(value, name);
  }
  Object.assign(runtime.account.settings, changes);
  return settings(runtime);
}

export function addTaskFault(runtime: SimulatorRuntime, rule: TaskFaultRule): string {
  if (!["error", "cancelled", "stuck"].includes(rule?.outcome)) {
    throw new SimulatorAdminError(`Task fault outcome must be error, cancelled or stuck, got ${JSON.stringify(rule?.outcome)}`);
  }
  if (rule.function !== undefined && !TASK_FUNCTIONS.includes(rule.function)) {
    throw new SimulatorAdminError(`Task fault function must be one of ${TASK_FUNCTIONS.join(", ")}, got ${JSON.stringify(rule.function)}`);
  }
  if (rule.count !== undefined) positiveInteger(rule.count, "count");
  return runtime.account.addTaskFault(rule);
}

/** Sets how far OVH's clock is ahead (positive) or behind (negative) the real one. */
export function setClockSkew(runtime: SimulatorRuntime, seconds: number): void {
  if (typeof seconds !== "number" || !Number.isFinite(seconds)) throw new SimulatorAdminError(`skewSeconds must be a number, got ${JSON.stringify(seconds)}`);
  runtime.clockSkewMs = Math.round(seconds * 1000);
}

/** Every OAuth2 token issued so far stops working (clients must fetch a new one). */
export function expireAccessTokens(runtime: SimulatorRuntime): void {
  runtime.transact(() => {
    runtime.account.state.tokensValidAfter = runtime.serverNow() + 1;
    runtime.account.markChanged();
  });
}
