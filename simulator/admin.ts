import { randomBytes } from "crypto";
import { SimulatorAdminError } from "./admin-error";
import type { AccessRule, CredentialStatus } from "./auth";
import type { ActiveFault, FaultRule } from "./faults";
import type { TaskFaultRule } from "./model/account";
import { addLicenceGroup, activeGroup, findLicence, insertSubscription, setSubscriptionQuantity, type TenantFields } from "./model/groups";
import { createState, resolveLicenceId, type SeedSubscription } from "./model/seed";
import * as services from "./model/services";
import { isLingering, type LicenceGroupState, type LicenceState, type SimulatorState, type SubscriptionState, type TaskFunction, type TaskOutcome, type TaskState, type TenantStatus } from "./model/state";
import { isVariantName, variantProblem, type VariantSettings } from "./model/variants";
import { OvhHttpError } from "./ovh-errors";
import type { SimulatorRuntime } from "./runtime";
import { DAY_MS, HOUR_MS } from "./time";

export interface AdminSubscription {
  id: number;
  licenseId: number;
  licenseName: string;
  quantity: number;
  status: string;
  parentSubscriptionId: number | null;
  creationDate: string;
  lastUpdate: string | null;
  lastSeatIncrease: string;
  /** Id of the task running on it, 0 when none (as the API shows). */
  taskPendingId: number;
}

export interface AdminTask {
  id: number;
  function: TaskFunction;
  status: "todo" | "doing" | "done" | "error" | "cancelled";
  subscriptionId: number | null;
  licenseId: number | null;
  quantity: number | null;
  createdSubscriptionId: number | null;
  todoDate: string;
  /** When it ended (or will end: null for a task that never ends). */
  endDate: string | null;
}

export interface StartTaskRequest {
  function: TaskFunction;
  /** Target subscription (the parent for `orderAddon`); not for `addSubscription`. */
  subscriptionId?: number;
  /** Licence name or id, required for `addSubscription` and `orderAddon`. */
  license?: string | number;
  /** Seats, for `addSubscription`, `changeQuantity` and `orderAddon`. */
  quantity?: number;
  durationMs?: number;
  /** How it ends; `stuck` never ends on its own. */
  outcome?: TaskOutcome | "stuck";
}

export interface AddLicenceGroupRequest {
  serviceName?: string;
  tenant?: Partial<TenantFields>;
  subscriptions?: SeedSubscription[];
}

export interface SimulatorSettings extends VariantSettings {
  taskDurationMs: number;
  orderDurationMs: number;
  seatDecreaseWindowHours: number;
}

const TASK_FUNCTIONS: readonly TaskFunction[] = ["addSubscription", "changeQuantity", "deleteSubscription", "orderAddon"];
const TENANT_STATUSES: readonly TenantStatus[] = ["creating", "inMaintenance", "ok", "reopening", "suspended", "suspending"];

function positiveInteger(value: unknown, name: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw new SimulatorAdminError(`${name} must be a positive integer, got ${JSON.stringify(value)}`);
  }
  return value;
}

function nonNegative(value: unknown, name: string): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new SimulatorAdminError(`${name} must be a non-negative number, got ${JSON.stringify(value)}`);
  }
  return value;
}


/**
 * Out-of-band control of the simulated account, as a person in the OVH control panel (or OVH itself)
 * would act, plus fault injection. The same operations are served over HTTP under `/_simulator`.
 */
export class SimulatorAdmin {
  private readonly runtime: SimulatorRuntime;

  constructor(runtime: SimulatorRuntime) {
    this.runtime = runtime;
  }

  private get account() {
    return this.runtime.account;
  }

  private group(serviceName: string): LicenceGroupState {
    try {
      return activeGroup(this.account.state, serviceName);
    } catch (error) {
      if (error instanceof OvhHttpError) {
        const existing = Object.values(this.account.state.groups)
          .filter((g) => g.service.terminatedAt === null)
          .map((g) => g.serviceName);
        throw new SimulatorAdminError(`No licence group ${serviceName}: existing ones are ${existing.join(", ") || "none"}`, 404);
      }
      throw error;
    }
  }

  private subscriptionOf(group: LicenceGroupState, id: number): SubscriptionState {
    const subscription = group.subscriptions[id];
    if (!subscription) {
      throw new SimulatorAdminError(`No subscription ${id} in ${group.serviceName}: it has ${Object.keys(group.subscriptions).join(", ") || "none"}`, 404);
    }
    return subscription;
  }

  /** A subscription that is not deleted (a lingering one is only shown until it disappears). */
  private liveSubscriptionOf(group: LicenceGroupState, id: number): SubscriptionState {
    const subscription = this.subscriptionOf(group, id);
    if (isLingering(subscription)) {
      const until = new Date(subscription.lingersUntil as number).toISOString();
      throw new SimulatorAdminError(`Subscription ${id} in ${group.serviceName} was deleted (status ${subscription.status}, shown until ${until}): it can no longer be changed`, 409);
    }
    return subscription;
  }

  private licenceId(license: string | number): number {
    try {
      return resolveLicenceId(this.account.state, license);
    } catch (error) {
      throw new SimulatorAdminError((error as Error).message);
    }
  }

  private subscriptionSnapshot(group: LicenceGroupState, s: SubscriptionState): AdminSubscription {
    return {
      id: s.id,
      licenseId: s.licenseId,
      licenseName: findLicence(this.account.state, s.licenseId)?.name ?? String(s.licenseId),
      quantity: s.quantity,
      status: s.status,
      parentSubscriptionId: s.parentSubscriptionId,
      creationDate: new Date(s.creationDate).toISOString(),
      lastUpdate: s.lastUpdate === null ? null : new Date(s.lastUpdate).toISOString(),
      lastSeatIncrease: new Date(s.lastSeatIncrease).toISOString(),
      taskPendingId: this.account.taskPendingId(group, s),
    };
  }

  private taskSnapshot(t: TaskState): AdminTask {
    return {
      id: t.id,
      function: t.function,
      status: this.account.taskStatus(t),
      subscriptionId: t.subscriptionId,
      licenseId: t.licenseId,
      quantity: t.quantity,
      createdSubscriptionId: t.createdSubscriptionId,
      todoDate: new Date(t.todoDate).toISOString(),
      endDate: t.endDate === null ? null : new Date(t.endDate).toISOString(),
    };
  }

  // ---- reading ----

  /** A deep copy of the whole account. */
  state(): SimulatorState {
    return this.runtime.transact(() => JSON.parse(JSON.stringify(this.account.state)) as SimulatorState);
  }

  licenceGroups(): string[] {
    return this.runtime.transact(() =>
      Object.values(this.account.state.groups)
        .filter((g) => g.service.terminatedAt === null)
        .map((g) => g.serviceName)
        .sort(),
    );
  }

  subscriptions(serviceName: string): AdminSubscription[] {
    return this.runtime.transact(() => {
      const group = this.group(serviceName);
      return Object.values(group.subscriptions)
        .sort((a, b) => a.id - b.id)
        .map((s) => this.subscriptionSnapshot(group, s));
    });
  }

  subscription(serviceName: string, id: number): AdminSubscription | undefined {
    return this.subscriptions(serviceName).find((s) => s.id === id);
  }

  tasks(serviceName: string): AdminTask[] {
    return this.runtime.transact(() =>
      Object.values(this.group(serviceName).tasks)
        .sort((a, b) => a.id - b.id)
        .map((t) => this.taskSnapshot(t)),
    );
  }

  licences(): LicenceState[] {
    return this.runtime.transact(() => this.account.state.licences.map((l) => ({ ...l, addonIds: [...l.addonIds] })));
  }

  settings(): SimulatorSettings {
    return { ...this.account.settings };
  }

  // ---- out-of-band changes ----

  /** Changes seats at once, as a change made in the control panel shows up. */
  setSeats(serviceName: string, subscriptionId: number, seats: number): AdminSubscription {
    positiveInteger(seats, "seats");
    return this.runtime.transact(() => {
      const group = this.group(serviceName);
      const subscription = this.liveSubscriptionOf(group, subscriptionId);
      setSubscriptionQuantity(group, subscription, seats, this.account.now());
      this.account.markChanged();
      return this.subscriptionSnapshot(group, subscription);
    });
  }

  deleteSubscription(serviceName: string, subscriptionId: number): void {
    this.runtime.transact(() => {
      const group = this.group(serviceName);
      this.liveSubscriptionOf(group, subscriptionId);
      this.account.deleteSubscription(group, subscriptionId, this.account.now());
      this.account.markChanged();
    });
  }

  addSubscription(serviceName: string, request: { license: string | number; seats: number; parentSubscriptionId?: number; ageHours?: number }): AdminSubscription {
    positiveInteger(request.seats, "seats");
    const ageHours = nonNegative(request.ageHours ?? 0, "ageHours");
    return this.runtime.transact(() => {
      const group = this.group(serviceName);
      if (request.parentSubscriptionId !== undefined) this.liveSubscriptionOf(group, request.parentSubscriptionId);
      const at = this.account.now() - ageHours * HOUR_MS;
      const subscription = insertSubscription(
        this.account.state,
        group,
        { licenseId: this.licenceId(request.license), quantity: request.seats, parentSubscriptionId: request.parentSubscriptionId ?? null },
        at,
      );
      this.account.markChanged();
      return this.subscriptionSnapshot(group, subscription);
    });
  }

  /** Starts a task as if the change had been asked in the control panel (no licence rule is checked). */
  startTask(serviceName: string, request: StartTaskRequest): AdminTask {
    if (!TASK_FUNCTIONS.includes(request.function)) {
      throw new SimulatorAdminError(`function must be one of ${TASK_FUNCTIONS.join(", ")}, got ${JSON.stringify(request.function)}`);
    }
    if (request.durationMs !== undefined) nonNegative(request.durationMs, "durationMs");
    if (request.outcome !== undefined && !["done", "error", "cancelled", "stuck"].includes(request.outcome)) {
      throw new SimulatorAdminError(`outcome must be done, error, cancelled or stuck, got ${JSON.stringify(request.outcome)}`);
    }
    return this.runtime.transact(() => {
      const group = this.group(serviceName);
      const target = request.function === "addSubscription" ? undefined : this.liveSubscriptionOf(group, positiveInteger(request.subscriptionId, "subscriptionId"));
      const needsQuantity = request.function !== "deleteSubscription";
      const quantity = needsQuantity ? positiveInteger(request.quantity, "quantity") : null;
      const ordersLicence = request.function === "addSubscription" || request.function === "orderAddon";
      if (ordersLicence && request.license === undefined) throw new SimulatorAdminError(`license is required to start ${request.function}`);
      const licenseId = request.license !== undefined ? this.licenceId(request.license) : (target?.licenseId ?? null);
      const task = this.account.createTask(
        group,
        { function: request.function, subscriptionId: target?.id ?? null, licenseId, quantity },
        { durationMs: request.durationMs, outcome: request.outcome },
      );
      return this.taskSnapshot(task);
    });
  }

  /** Ends a task now (a stuck one included); `done` applies its change. */
  finishTask(serviceName: string, taskId: number, status: TaskOutcome = "done"): AdminTask {
    if (!["done", "error", "cancelled"].includes(status)) throw new SimulatorAdminError(`status must be done, error or cancelled, got ${JSON.stringify(status)}`);
    return this.runtime.transact(() => {
      const group = this.group(serviceName);
      const task = group.tasks[taskId];
      if (!task) throw new SimulatorAdminError(`No task ${taskId} in ${serviceName}`, 404);
      this.account.endTask(group, task, status, this.account.now());
      return this.taskSnapshot(task);
    });
  }

  /** Ends every running task now with its planned outcome (stuck ones end `done`). Returns how many ended. */
  settleTasks(): number {
    return this.runtime.transact(() => {
      let ended = 0;
      for (const group of Object.values(this.account.state.groups)) {
        for (const task of this.account.pendingTasks(group)) {
          this.account.endTask(group, task, task.endDate === null ? "done" : task.outcome, this.account.now());
          ended += 1;
        }
      }
      return ended;
    });
  }

  /** Moves a subscription's creation and last seat increase back in time (e.g. past the seat-decrease window). */
  ageSubscription(serviceName: string, subscriptionId: number, hours: number): AdminSubscription {
    nonNegative(hours, "hours");
    return this.runtime.transact(() => {
      const group = this.group(serviceName);
      const subscription = this.liveSubscriptionOf(group, subscriptionId);
      subscription.creationDate -= hours * HOUR_MS;
      subscription.lastSeatIncrease -= hours * HOUR_MS;
      this.account.markChanged();
      return this.subscriptionSnapshot(group, subscription);
    });
  }

  setTenant(serviceName: string, fields: Partial<TenantFields> & { status?: TenantStatus }): void {
    if (fields.status !== undefined && !TENANT_STATUSES.includes(fields.status)) {
      throw new SimulatorAdminError(`status must be one of ${TENANT_STATUSES.join(", ")}, got ${JSON.stringify(fields.status)}`);
    }
    const allowed = new Set(["displayName", "firstName", "lastName", "email", "phone", "address", "city", "zipCode", "mpnId", "status"]);
    const unknown = Object.keys(fields).filter((k) => !allowed.has(k));
    if (unknown.length > 0) throw new SimulatorAdminError(`Unknown tenant fields ${unknown.join(", ")}: use ${[...allowed].join(", ")}`);
    this.runtime.transact(() => {
      Object.assign(this.group(serviceName).tenant, fields);
      this.account.markChanged();
    });
  }

  addLicenceGroup(request: AddLicenceGroupRequest = {}): string {
    return this.runtime.transact(() => {
      const state = this.account.state;
      const serviceName = request.serviceName ?? `csp2-${randomBytes(4).toString("hex")}`;
      if (!/^[A-Za-z0-9._-]+$/.test(serviceName)) throw new SimulatorAdminError(`serviceName ${JSON.stringify(serviceName)} may only hold letters, digits, '.', '_' and '-'`);
      if (state.groups[serviceName]) throw new SimulatorAdminError(`A licence group named ${serviceName} already exists`, 409);
      const group = addLicenceGroup(state, serviceName, request.tenant ?? {}, this.account.now() - 30 * DAY_MS);
      for (const s of request.subscriptions ?? []) {
        const base = insertSubscription(state, group, { licenseId: this.licenceId(s.license), quantity: positiveInteger(s.seats, "seats"), parentSubscriptionId: null }, this.account.now() - (s.ageHours ?? 0) * HOUR_MS);
        for (const addon of s.addons ?? []) {
          insertSubscription(state, group, { licenseId: this.licenceId(addon.license), quantity: positiveInteger(addon.seats, "seats"), parentSubscriptionId: base.id }, this.account.now() - (addon.ageHours ?? 0) * HOUR_MS);
        }
      }
      this.account.markChanged();
      return serviceName;
    });
  }

  /** Changes a catalogue entry (limit, newSeatsAllowed, newSubscriptionsAllowed, name). */
  setLicence(licenseId: number, patch: Partial<Pick<LicenceState, "name" | "limit" | "newSeatsAllowed" | "newSubscriptionsAllowed">>): LicenceState {
    const allowed = new Set(["name", "limit", "newSeatsAllowed", "newSubscriptionsAllowed"]);
    const unknown = Object.keys(patch).filter((k) => !allowed.has(k));
    if (unknown.length > 0) throw new SimulatorAdminError(`Unknown licence fields ${unknown.join(", ")}: use ${[...allowed].join(", ")}`);
    return this.runtime.transact(() => {
      const licence = findLicence(this.account.state, licenseId);
      if (!licence) throw new SimulatorAdminError(`No licence ${licenseId} in the catalogue`, 404);
      Object.assign(licence, patch);
      this.account.markChanged();
      return { ...licence, addonIds: [...licence.addonIds] };
    });
  }

  /** The token OVH would have e-mailed after `POST /services/{serviceId}/terminate`, or null when none is pending. */
  terminationToken(serviceNameOrId: string | number): string | null {
    return this.runtime.transact(() => {
      const group =
        typeof serviceNameOrId === "number"
          ? Object.values(this.account.state.groups).find((g) => g.service.serviceId === serviceNameOrId)
          : this.account.state.groups[serviceNameOrId];
      if (!group) throw new SimulatorAdminError(`No licence group ${serviceNameOrId}`, 404);
      return services.terminationToken(this.account, group.service.serviceId);
    });
  }

  /** Puts the account back to its seed, and removes faults and clock skew (the request log is kept). */
  reset(): void {
    this.runtime.faults.clear();
    this.account.clearTaskFaults();
    this.runtime.clockSkewMs = 0;
    this.account.replaceState(createState(this.runtime.seed, this.account.now()));
    this.account.markChanged();
    this.runtime.commit();
  }

  // ---- settings and faults ----

  setSettings(settings: Partial<SimulatorSettings>): SimulatorSettings {
    const allowed = new Set(Object.keys(this.account.settings));
    const unknown = Object.keys(settings).filter((k) => !allowed.has(k));
    if (unknown.length > 0) throw new SimulatorAdminError(`Unknown settings ${unknown.join(", ")}: use ${[...allowed].join(", ")}`);
    for (const [name, value] of Object.entries(settings)) {
      if (isVariantName(name)) {
        const problem = variantProblem(name, value);
        if (problem) throw new SimulatorAdminError(problem);
      } else nonNegative(value, name);
    }
    Object.assign(this.account.settings, settings);
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
    return this.account.addTaskFault(rule);
  }

  removeTaskFault(id: string): boolean {
    return this.account.removeTaskFault(id);
  }

  clearTaskFaults(): void {
    this.account.clearTaskFaults();
  }

  taskFaults(): ({ id: string } & TaskFaultRule)[] {
    return this.account.listTaskFaults();
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
      this.account.state.tokensValidAfter = this.runtime.serverNow() + 1;
      this.account.markChanged();
    });
  }

  /** Another consumer key of the same application, e.g. limited by access rules or not validated yet. */
  addConsumerKey(init: { rules?: AccessRule[]; status?: CredentialStatus } = {}): { consumerKey: string; credentialId: number } {
    return this.runtime.auth.addConsumerKey(init);
  }
}
