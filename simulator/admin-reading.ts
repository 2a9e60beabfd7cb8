/** What the admin API shows of the account, and how its calls find a group, a subscription or a licence. */
import { SimulatorAdminError } from "./admin-error";
import type { Account } from "./model/account";
import { activeServiceNames } from "./model/csp2-views";
import { activeGroup, findLicense } from "./model/groups";
import { resolveLicenseId } from "./model/seed";
import { isLingering, type LicenseGroupState, type LicenseState, type SimulatorState, type SubscriptionState, type TaskFunction, type TaskState } from "./model/state";
import { OvhHttpError } from "./ovh-errors";
import type { SimulatorRuntime } from "./runtime";

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

/** A licence group that is not terminated; refused with 404 naming the existing ones. */
export function adminGroup(account: Account, serviceName: string): LicenseGroupState {
  try {
    return activeGroup(account.state, serviceName);
  } catch (error) {
    if (error instanceof OvhHttpError) {
      throw new SimulatorAdminError(`No licence group ${serviceName}: existing ones are ${activeServiceNames(account).join(", ") || "none"}`, 404);
    }
    throw error;
  }
}

export function adminSubscription(group: LicenseGroupState, id: number): SubscriptionState {
  const subscription = group.subscriptions[id];
  if (!subscription) {
    throw new SimulatorAdminError(`No subscription ${id} in ${group.serviceName}: it has ${Object.keys(group.subscriptions).join(", ") || "none"}`, 404);
  }
  return subscription;
}

/** A subscription that is not deleted (a lingering one is only shown until it disappears). */
export function liveAdminSubscription(group: LicenseGroupState, id: number): SubscriptionState {
  const subscription = adminSubscription(group, id);
  if (isLingering(subscription)) {
    const until = new Date(subscription.lingersUntil as number).toISOString();
    throw new SimulatorAdminError(`Subscription ${id} in ${group.serviceName} was deleted (status ${subscription.status}, shown until ${until}): it can no longer be changed`, 409);
  }
  return subscription;
}

/** A licence's id, from its name or id. */
export function adminLicenseId(account: Account, license: string | number): number {
  try {
    return resolveLicenseId(account.state, license);
  } catch (error) {
    throw new SimulatorAdminError((error as Error).message);
  }
}

export function subscriptionSnapshot(account: Account, group: LicenseGroupState, s: SubscriptionState): AdminSubscription {
  return {
    id: s.id,
    licenseId: s.licenseId,
    licenseName: findLicense(account.state, s.licenseId)?.name ?? String(s.licenseId),
    quantity: s.quantity,
    status: s.status,
    parentSubscriptionId: s.parentSubscriptionId,
    creationDate: new Date(s.creationDate).toISOString(),
    lastUpdate: s.lastUpdate === null ? null : new Date(s.lastUpdate).toISOString(),
    lastSeatIncrease: new Date(s.lastSeatIncrease).toISOString(),
    taskPendingId: account.taskPendingId(group, s),
  };
}

export function taskSnapshot(account: Account, t: TaskState): AdminTask {
  return {
    id: t.id,
    function: t.function,
    status: account.taskStatus(t),
    subscriptionId: t.subscriptionId,
    licenseId: t.licenseId,
    quantity: t.quantity,
    createdSubscriptionId: t.createdSubscriptionId,
    todoDate: new Date(t.todoDate).toISOString(),
    endDate: t.endDate === null ? null : new Date(t.endDate).toISOString(),
  };
}

/** The admin API's reading calls: what a person sees of the account in the control panel, and more. */
export class AdminReading {
  protected readonly runtime: SimulatorRuntime;

  constructor(runtime: SimulatorRuntime) {
    this.runtime = runtime;
  }

  /** A deep copy of the whole account. */
  state(): SimulatorState {
    return this.runtime.transact(() => JSON.parse(JSON.stringify(this.runtime.account.state)) as SimulatorState);
  }

  licenceGroups(): string[] {
    return this.runtime.transact(() => activeServiceNames(this.runtime.account));
  }

  /** The group's subscriptions, lingering deleted ones included (with their status). */
  subscriptions(serviceName: string): AdminSubscription[] {
    return this.runtime.transact(() => {
      const account = this.runtime.account;
      const group = adminGroup(account, serviceName);
      return Object.values(group.subscriptions)
        .sort((a, b) => a.id - b.id)
        .map((s) => subscriptionSnapshot(account, group, s));
    });
  }

  subscription(serviceName: string, id: number): AdminSubscription | undefined {
    return this.subscriptions(serviceName).find((s) => s.id === id);
  }

  tasks(serviceName: string): AdminTask[] {
    return this.runtime.transact(() => {
      const account = this.runtime.account;
      return Object.values(adminGroup(account, serviceName).tasks)
        .sort((a, b) => a.id - b.id)
        .map((t) => taskSnapshot(account, t));
    });
  }

  /** The licence catalogue. */
  licences(): LicenseState[] {
    return this.runtime.transact(() => this.runtime.account.state.licences.map((l) => ({ ...l, addonIds: [...l.addonIds] })));
  }
}
