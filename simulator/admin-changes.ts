/**
 * Out-of-band changes to the simulated account, as a person in the OVH control panel (or OVH itself) would make
 * them: at once, without the checks the API makes.
 */
import { randomBytes } from "crypto";
import { nonNegative, positiveInteger, refuseUnknownKeys, TASK_FUNCTIONS } from "./admin-checks";
import { SimulatorAdminError } from "./admin-error";
import { AdminReading, adminGroup, adminLicenseId, liveAdminSubscription, subscriptionSnapshot, taskSnapshot, type AdminSubscription, type AdminTask } from "./admin-reading";
import type { Account } from "./model/account";
import { addLicenseGroup as addGroup, findLicense, insertSubscription, setSubscriptionQuantity, type TenantFields } from "./model/groups";
import { applySeatHistory, createState, seatHistory, type SeedSubscription } from "./model/seed";
import * as services from "./model/services";
import type { LicenseGroupState, LicenseState, SubscriptionState, TaskFunction, TaskOutcome, TenantStatus } from "./model/state";
import type { SimulatorRuntime } from "./runtime";
import { DAY_MS, HOUR_MS } from "./time";

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

export interface AddLicenseGroupRequest {
  serviceName?: string;
  tenant?: Partial<TenantFields>;
  subscriptions?: SeedSubscription[];
}

const TENANT_STATUSES: readonly TenantStatus[] = ["creating", "inMaintenance", "ok", "reopening", "suspended", "suspending"];
const TENANT_FIELDS: ReadonlySet<string> = new Set(["displayName", "firstName", "lastName", "email", "phone", "address", "city", "zipCode", "mpnId", "status"]);
const LICENSE_FIELDS: ReadonlySet<string> = new Set(["name", "limit", "newSeatsAllowed", "newSubscriptionsAllowed"]);

/** Changes one live subscription in one transaction, and answers it as the admin API shows it. */
function changeSubscription(
  runtime: SimulatorRuntime,
  serviceName: string,
  subscriptionId: number,
  change: (account: Account, group: LicenseGroupState, subscription: SubscriptionState) => void,
): AdminSubscription {
  return runtime.transact(() => {
    const account = runtime.account;
    const group = adminGroup(account, serviceName);
    const subscription = liveAdminSubscription(group, subscriptionId);
    change(account, group, subscription);
    account.markChanged();
    return subscriptionSnapshot(account, group, subscription);
  });
}

export type NewSubscriptionRequest = {
  license: string | number;
  seats: number;
  parentSubscriptionId?: number;
  /** How long ago it was created (and its seats last increased, unless `earlierSeats` says otherwise). */
  ageHours?: number;
  /** Its seat history before `seats`, as a seed gives it (`SeedSubscription.earlierSeats`). */
  earlierSeats?: SeedSubscription["earlierSeats"];
};

/** Inserts a subscription created `ageHours` ago with its seat history, its seats, age and history checked first. */
function insertAgedSubscription(account: Account, group: LicenseGroupState, request: NewSubscriptionRequest): SubscriptionState {
  const quantity = positiveInteger(request.seats, "seats");
  const ageHours = nonNegative(request.ageHours ?? 0, "ageHours");
  const licenseId = adminLicenseId(account, request.license);
  let history: ReturnType<typeof seatHistory>;
  try {
    history = seatHistory({ license: request.license, seats: quantity, ageHours, earlierSeats: request.earlierSeats }, account.now());
  } catch (error) {
    throw new SimulatorAdminError((error as Error).message);
  }
  const [created, ...changes] = history;
  const subscription = insertSubscription(account.state, group, { licenseId, quantity: created.seats, parentSubscriptionId: request.parentSubscriptionId ?? null }, created.at);
  applySeatHistory(group, subscription, changes);
  return subscription;
}

/** The admin API's out-of-band changes, on top of its reading calls. */
export class AdminChanges extends AdminReading {
  /** Changes seats at once, as a change made in the control panel shows up. */
  setSeats(serviceName: string, subscriptionId: number, seats: number): AdminSubscription {
    positiveInteger(seats, "seats");
    return changeSubscription(this.runtime, serviceName, subscriptionId, (account, group, subscription) =>
      setSubscriptionQuantity(group, subscription, seats, account.now()),
    );
  }

  /** Deletes a subscription (and its add-ons) at once, as the `deletedSubscriptions` setting says. */
  deleteSubscription(serviceName: string, subscriptionId: number): void {
    this.runtime.transact(() => {
      const account = this.runtime.account;
      const group = adminGroup(account, serviceName);
      liveAdminSubscription(group, subscriptionId);
      account.deleteSubscription(group, subscriptionId, account.now());
      account.markChanged();
    });
  }

  addSubscription(serviceName: string, request: NewSubscriptionRequest): AdminSubscription {
    return this.runtime.transact(() => {
      const account = this.runtime.account;
      const group = adminGroup(account, serviceName);
      if (request.parentSubscriptionId !== undefined) liveAdminSubscription(group, request.parentSubscriptionId);
      const subscription = insertAgedSubscription(account, group, request);
      account.markChanged();
      return subscriptionSnapshot(account, group, subscription);
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
      const account = this.runtime.account;
      const group = adminGroup(account, serviceName);
      const target = request.function === "addSubscription" ? undefined : liveAdminSubscription(group, positiveInteger(request.subscriptionId, "subscriptionId"));
      const needsQuantity = request.function !== "deleteSubscription";
      const quantity = needsQuantity ? positiveInteger(request.quantity, "quantity") : null;
      const ordersLicense = request.function === "addSubscription" || request.function === "orderAddon";
      if (ordersLicense && request.license === undefined) throw new SimulatorAdminError(`license is required to start ${request.function}`);
      const licenseId = request.license !== undefined ? adminLicenseId(account, request.license) : (target?.licenseId ?? null);
      const task = account.createTask(
        group,
        { function: request.function, subscriptionId: target?.id ?? null, licenseId, quantity },
        { durationMs: request.durationMs, outcome: request.outcome },
      );
      return taskSnapshot(account, task);
    });
  }

  /** Ends a task now (a stuck one included); `done` applies its change. */
  finishTask(serviceName: string, taskId: number, status: TaskOutcome = "done"): AdminTask {
    if (!["done", "error", "cancelled"].includes(status)) throw new SimulatorAdminError(`status must be done, error or cancelled, got ${JSON.stringify(status)}`);
    return this.runtime.transact(() => {
      const account = this.runtime.account;
      const group = adminGroup(account, serviceName);
      const task = group.tasks[taskId];
      if (!task) throw new SimulatorAdminError(`No task ${taskId} in ${serviceName}`, 404);
      account.endTask(group, task, status, account.now());
      return taskSnapshot(account, task);
    });
  }

  /** Ends every running task now with its planned outcome (stuck ones end `done`). Returns how many ended. */
  settleTasks(): number {
    return this.runtime.transact(() => {
      const account = this.runtime.account;
      let ended = 0;
      for (const group of Object.values(account.state.groups)) {
        for (const task of account.pendingTasks(group)) {
          account.endTask(group, task, task.endDate === null ? "done" : task.outcome, account.now());
          ended += 1;
        }
      }
      return ended;
    });
  }

  /** Moves a subscription's creation and last seat increase back in time (e.g. past the seat-decrease window). */
  ageSubscription(serviceName: string, subscriptionId: number, hours: number): AdminSubscription {
    nonNegative(hours, "hours");
    return changeSubscription(this.runtime, serviceName, subscriptionId, (_account, _group, subscription) => {
      subscription.creationDate -= hours * HOUR_MS;
      subscription.lastSeatIncrease -= hours * HOUR_MS;
    });
  }

  setTenant(serviceName: string, fields: Partial<TenantFields> & { status?: TenantStatus }): void {
    if (fields.status !== undefined && !TENANT_STATUSES.includes(fields.status)) {
      throw new SimulatorAdminError(`status must be one of ${TENANT_STATUSES.join(", ")}, got ${JSON.stringify(fields.status)}`);
    }
    refuseUnknownKeys("tenant fields", fields, TENANT_FIELDS);
    this.runtime.transact(() => {
      Object.assign(adminGroup(this.runtime.account, serviceName).tenant, fields);
      this.runtime.account.markChanged();
    });
  }

  addLicenceGroup(request: AddLicenseGroupRequest = {}): string {
    return this.runtime.transact(() => {
      const account = this.runtime.account;
      const state = account.state;
      const serviceName = request.serviceName ?? `csp2-${randomBytes(4).toString("hex")}`;
      if (!/^[A-Za-z0-9._-]+$/.test(serviceName)) throw new SimulatorAdminError(`serviceName ${JSON.stringify(serviceName)} may only hold letters, digits, '.', '_' and '-'`);
      if (state.groups[serviceName]) throw new SimulatorAdminError(`A licence group named ${serviceName} already exists`, 409);
      const group = addGroup(state, serviceName, request.tenant ?? {}, account.now() - 30 * DAY_MS);
      for (const s of request.subscriptions ?? []) {
        if (s.endedHoursAgo !== undefined) throw new SimulatorAdminError("endedHoursAgo is for a seed's subscriptions: add a subscription, then delete it");
        const base = insertAgedSubscription(account, group, s);
        for (const addon of s.addons ?? []) insertAgedSubscription(account, group, { ...addon, parentSubscriptionId: base.id });
      }
      account.markChanged();
      return serviceName;
    });
  }

  /** Changes a catalogue entry (limit, newSeatsAllowed, newSubscriptionsAllowed, name). */
  setLicence(licenseId: number, patch: Partial<Pick<LicenseState, "name" | "limit" | "newSeatsAllowed" | "newSubscriptionsAllowed">>): LicenseState {
    refuseUnknownKeys("licence fields", patch, LICENSE_FIELDS);
    return this.runtime.transact(() => {
      const license = findLicense(this.runtime.account.state, licenseId);
      if (!license) throw new SimulatorAdminError(`No licence ${licenseId} in the catalogue`, 404);
      Object.assign(license, patch);
      this.runtime.account.markChanged();
      return { ...license, addonIds: [...license.addonIds] };
    });
  }

  /** The token OVH would have e-mailed after `POST /services/{serviceId}/terminate`, or null when none is pending. */
  terminationToken(serviceNameOrId: string | number): string | null {
    return this.runtime.transact(() => {
      const account = this.runtime.account;
      const group =
        typeof serviceNameOrId === "number"
          ? Object.values(account.state.groups).find((g) => g.service.serviceId === serviceNameOrId)
          : account.state.groups[serviceNameOrId];
      if (!group) throw new SimulatorAdminError(`No licence group ${serviceNameOrId}`, 404);
      return services.terminationToken(account, group.service.serviceId);
    });
  }

  /** Puts the account back to its seed, and removes faults and clock skew (the request log is kept). */
  reset(): void {
    const runtime = this.runtime;
    runtime.faults.clear();
    runtime.account.clearTaskFaults();
    runtime.clockSkewMs = 0;
    runtime.account.replaceState(createState(runtime.seed, runtime.account.now()));
    runtime.account.markChanged();
    runtime.commit();
  }
}
