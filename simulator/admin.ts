import { AdminChanges } from "./admin-changes";
import { nonNegative, positiveInteger, refuseUnknownKeys, TASK_FUNCTIONS } from "./admin-checks";
import { SimulatorAdminError } from "./admin-error";
import type { AccessRule, CredentialStatus } from "./auth";
import type { ActiveFault, FaultRule } from "./faults";
import type { TaskFaultRule } from "./model/account";
import { isVariantName, variantProblem, type VariantSettings } from "./model/variants";

export type { AddLicenseGroupRequest, StartTaskRequest } from "./admin-changes";
export type { AdminSubscription, AdminTask } from "./admin-reading";

export interface SimulatorSettings extends VariantSettings {
  taskDurationMs: number;
  orderDurationMs: number;
  seatDecreaseWindowHours: number;
}

/**
 * Out-of-band control of the simulated account, as a person in the OVH control panel (or OVH itself)
 * would act, plus fault injection. The same operations are served over HTTP under `/_simulator`.
 * What it reads is in admin-reading.ts (AdminReading), the changes it makes in admin-changes.ts (AdminChanges,
 * which it extends); its settings, faults, clock and credentials are here.
 */
export class SimulatorAdmin extends AdminChanges {
  settings(): SimulatorSettings {
    return { ...this.runtime.account.settings };
  }

  /** Checks every setting given before changing any, so a refused change changes nothing. */
  setSettings(changes: Partial<SimulatorSettings>): SimulatorSettings {
    const settings = this.runtime.account.settings;
    refuseUnknownKeys("settings", changes, new Set(Object.keys(settings)));
    for (const [name, value] of Object.entries(changes)) {
      if (isVariantName(name)) {
        const problem = variantProblem(name, value);
        if (problem) throw new SimulatorAdminError(problem);
      } else nonNegative(value, name);
    }
    Object.assign(settings, changes);
    return this.settings();
  }

  addFault(rule: FaultRule): string {
    return this.runtime.faults.add(rule);
  }

  removeFault(id: string): boolean {
    return this.runtime.faults.remove(id);
  }

  clearFaults(): void {
    this.runtime.faults.clear();
  }

  faults(): ActiveFault[] {
    return this.runtime.faults.list();
  }

  addTaskFault(rule: TaskFaultRule): string {
    if (!["error", "cancelled", "stuck"].includes(rule?.outcome)) {
      throw new SimulatorAdminError(`Task fault outcome must be error, cancelled or stuck, got ${JSON.stringify(rule?.outcome)}`);
    }
    if (rule.function !== undefined && !TASK_FUNCTIONS.includes(rule.function)) {
      throw new SimulatorAdminError(`Task fault function must be one of ${TASK_FUNCTIONS.join(", ")}, got ${JSON.stringify(rule.function)}`);
    }
    if (rule.count !== undefined) positiveInteger(rule.count, "count");
    return this.runtime.account.addTaskFault(rule);
  }

  removeTaskFault(id: string): boolean {
    return this.runtime.account.removeTaskFault(id);
  }

  clearTaskFaults(): void {
    this.runtime.account.clearTaskFaults();
  }

  taskFaults(): ({ id: string } & TaskFaultRule)[] {
    return this.runtime.account.listTaskFaults();
  }

  /** Sets how far OVH's clock is ahead (positive) or behind (negative) the real one. */
  setClockSkew(seconds: number): void {
    if (typeof seconds !== "number" || !Number.isFinite(seconds)) throw new SimulatorAdminError(`skewSeconds must be a number, got ${JSON.stringify(seconds)}`);
    this.runtime.clockSkewMs = Math.round(seconds * 1000);
  }

  clockSkewSeconds(): number {
    return this.runtime.clockSkewMs / 1000;
  }

  /** Every OAuth2 token issued so far stops working (clients must fetch a new one). */
  expireAccessTokens(): void {
    this.runtime.transact(() => {
      this.runtime.account.state.tokensValidAfter = this.runtime.serverNow() + 1;
      this.runtime.account.markChanged();
    });
  }

  /** Another consumer key of the same application, e.g. limited by access rules or not validated yet. */
  addConsumerKey(init: { rules?: AccessRule[]; status?: CredentialStatus } = {}): { consumerKey: string; credentialId: number } {
    return this.runtime.auth.addConsumerKey(init);
  }
}
