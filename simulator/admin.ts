import * as changes from "./admin-changes";
import type { AddLicenceGroupRequest, StartTaskRequest } from "./admin-changes";
import * as reading from "./admin-reading";
import type { AdminSubscription, AdminTask } from "./admin-reading";
import * as simulatorSettings from "./admin-settings";
import type { SimulatorSettings } from "./admin-settings";
import type { AccessRule, CredentialStatus } from "./auth";
import type { ActiveFault, FaultRule } from "./faults";
import type { TaskFaultRule } from "./model/account";
import type { TenantFields } from "./model/groups";
import type { LicenceState, SimulatorState, TaskOutcome, TenantStatus } from "./model/state";
import type { SimulatorRuntime } from "./runtime";

export type { AddLicenceGroupRequest, StartTaskRequest } from "./admin-changes";
export type { AdminSubscription, AdminTask } from "./admin-reading";
export type { SimulatorSettings } from "./admin-settings";

/**
 * Out-of-band control of the simulated account, as a person in the OVH control panel (or OVH itself)
 * would act, plus fault injection. The same operations are served over HTTP under `/_simulator`.
 */
export class SimulatorAdmin {
  private readonly runtime: SimulatorRuntime;

  constructor(runtime: SimulatorRuntime) {
    this.runtime = runtime;
  }

  // ---- reading (admin-reading.ts) ----

  /** A deep copy of the whole account. */
  state(): SimulatorState {
    return reading.accountState(this.runtime);
  }

  licenceGroups(): string[] {
    return reading.licenceGroups(this.runtime);
  }

  subscriptions(serviceName: string): AdminSubscription[] {
    return reading.subscriptions(this.runtime, serviceName);
  }

  subscription(serviceName: string, id: number): AdminSubscription | undefined {
    return this.subscriptions(serviceName).find((s) => s.id === id);
  }

  tasks(serviceName: string): AdminTask[] {
    return reading.tasks(this.runtime, serviceName);
  }

  licences(): LicenceState[] {
    return reading.licences(this.runtime);
  }

  settings(): SimulatorSettings {
    return simulatorSettings.settings(this.runtime);
  }

  // ---- out-of-band changes (admin-changes.ts) ----

  /** Changes seats at once, as a change made in the control panel shows up. */
  setSeats(serviceName: string, subscriptionId: number, seats: number): AdminSubscription {
    return changes.setSeats(this.runtime, serviceName, subscriptionId, seats);
  }

  deleteSubscription(serviceName: string, subscriptionId: number): void {
    changes.deleteSubscription(this.runtime, serviceName, subscriptionId);
  }

  addSubscription(serviceName: string, request: changes.NewSubscriptionRequest): AdminSubscription {
    return changes.addSubscription(this.runtime, serviceName, request);
  }

  /** Starts a task as if the change had been asked in the control panel (no licence rule is checked). */
  startTask(serviceName: string, request: StartTaskRequest): AdminTask {
    return changes.startTask(this.runtime, serviceName, request);
  }

  /** Ends a task now (a stuck one included); `done` applies its change. */
  finishTask(serviceName: string, taskId: number, status: TaskOutcome = "done"): AdminTask {
    return changes.finishTask(this.runtime, serviceName, taskId, status);
  }

  /** Ends every running task now with its planned outcome (stuck ones end `done`). Returns how many ended. */
  settleTasks(): number {
    return changes.settleTasks(this.runtime);
  }

  /** Moves a subscription's creation and last seat increase back in time (e.g. past the seat-decrease window). */
  ageSubscription(serviceName: string, subscriptionId: number, hours: number): AdminSubscription {
    return changes.ageSubscription(this.runtime, serviceName, subscriptionId, hours);
  }

  setTenant(serviceName: string, fields: Partial<TenantFields> & { status?: TenantStatus }): void {
    changes.setTenant(this.runtime, serviceName, fields);
  }

  addLicenceGroup(request: AddLicenceGroupRequest = {}): string {
    return changes.addLicenceGroup(this.runtime, request);
  }

  /** Changes a catalogue entry (limit, newSeatsAllowed, newSubscriptionsAllowed, name). */
  setLicence(licenseId: number, patch: Partial<Pick<LicenceState, "name" | "limit" | "newSeatsAllowed" | "newSubscriptionsAllowed">>): LicenceState {
    return changes.setLicence(this.runtime, licenseId, patch);
  }

  /** The token OVH would have e-mailed after `POST /services/{serviceId}/terminate`, or null when none is pending. */
  terminationToken(serviceNameOrId: string | number): string | null {
    return changes.terminationToken(this.runtime, serviceNameOrId);
  }

  /** Puts the account back to its seed, and removes faults and clock skew (the request log is kept). */
  reset(): void {
    changes.reset(this.runtime);
  }

  // ---- settings and faults (admin-settings.ts) ----

  setSettings(settings: Partial<SimulatorSettings>): SimulatorSettings {
    return simulatorSettings.setSettings(this.runtime, settings);
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
    return simulatorSettings.addTaskFault(this.runtime, rule);
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
    simulatorSettings.setClockSkew(this.runtime, seconds);
  }

  clockSkewSeconds(): number {
    return this.runtime.clockSkewMs / 1000;
  }

  /** Every OAuth2 token issued so far stops working (clients must fetch a new one). */
  expireAccessTokens(): void {
    simulatorSettings.expireAccessTokens(this.runtime);
  }

  /** Another consumer key of the same application, e.g. limited by access rules or not validated yet. */
  addConsumerKey(init: { rules?: AccessRule[]; status?: CredentialStatus } = {}): { consumerKey: string; credentialId: number } {
    return this.runtime.auth.addConsumerKey(init);
  }
}
