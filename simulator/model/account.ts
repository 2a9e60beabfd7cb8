import { dropExpiredLingering, insertSubscription, removeSubscription, setSubscriptionQuantity } from "./groups";
import { dropExpiredLags, lagReads } from "./read-lag";
import { isLingering, isTaskEnded, type LicenseGroupState, type SimulatorState, type SubscriptionState, type TaskFunction, type TaskOutcome, type TaskState, type TaskStatus } from "./state";
import type { VariantSettings } from "./variants";

export interface AccountSettings extends VariantSettings {
  /** How long a CSP2 task takes from `todo` to its end. */
  taskDurationMs: number;
  /** How long a paid order takes from `checking` to `delivered`. */
  orderDurationMs: number;
  /** Microsoft's window after a seat increase (or creation) during which seats may be decreased. */
  seatDecreaseWindowHours: number;
}

/** Makes the next matching tasks end in `error` or `cancelled`, or never end (`stuck`). */
export interface TaskFaultRule {
  outcome: "error" | "cancelled" | "stuck";
  function?: TaskFunction;
  serviceName?: string;
  /** How many tasks it applies to; unlimited when absent. */
  count?: number;
}

export interface TaskRequest {
  function: TaskFunction;
  subscriptionId: number | null;
  licenseId: number | null;
  quantity: number | null;
}

/**
 * The account state plus the clock that moves tasks forward. Time advances lazily: every request (and every admin
 * call) first ends the tasks whose time has come, in the order they were due, then delivers the orders that are due
 * (orders.ts, which builds on this module), so every answer sees one consistent state.
 */
export class Account {
  state: SimulatorState;
  readonly settings: AccountSettings;
  private readonly clock: () => number;
  private taskFaults: { id: string; rule: TaskFaultRule }[] = [];
  private nextTaskFaultId = 1;
  private changed = false;

  constructor(state: SimulatorState, settings: AccountSettings, clock: () => number) {
    this.state = state;
    this.settings = settings;
    this.clock = clock;
  }

  now(): number {
    return this.clock();
  }

  markChanged(): void {
    this.changed = true;
  }

  /** True once after any change, so the caller knows to persist. */
  takeChanged(): boolean {
    const changed = this.changed;
    this.changed = false;
    return changed;
  }

  replaceState(state: SimulatorState): void {
    this.state = state;
  }

  /** Ends the tasks whose time has come, in the order they were due, and drops the lingering deletions that expired. */
  endDueTasks(): void {
    const now = this.now();
    const due: { group: LicenseGroupState; task: TaskState }[] = [];
    for (const group of Object.values(this.state.groups)) {
      for (const taskId of group.pendingTaskIds) {
        const task = group.tasks[taskId];
        if (task.endDate !== null && task.endDate <= now) due.push({ group, task });
      }
    }
    due.sort((a, b) => (a.task.endDate as number) - (b.task.endDate as number) || a.task.id - b.task.id);
    for (const { group, task } of due) this.endTask(group, task, task.outcome, task.endDate as number);
    for (const group of Object.values(this.state.groups)) {
      if (dropExpiredLingering(group, now)) this.changed = true;
      if (dropExpiredLags(group, now)) this.changed = true;
    }
  }

  taskStatus(task: TaskState): TaskStatus {
    if (task.finalStatus !== null) return task.finalStatus;
    return this.now() < task.startDate ? "todo" : "doing";
  }

  pendingTaskOn(group: LicenseGroupState, subscriptionId: number): TaskState | undefined {
    return group.pendingTaskIds.map((id) => group.tasks[id]).find((task) => task.subscriptionId === subscriptionId);
  }

  /** The task id a subscription shows as `taskPendingId`: 0 when none, and always 0 on a deleted (lingering) one. */
  taskPendingId(group: LicenseGroupState, subscription: SubscriptionState): number {
    return isLingering(subscription) ? 0 : (this.pendingTaskOn(group, subscription.id)?.id ?? 0);
  }

  /** Deletes a subscription and its add-ons now, as the `deletedSubscriptions` setting says (gone, or lingering). */
  deleteSubscription(group: LicenseGroupState, subscriptionId: number, at: number): void {
    const { deletedSubscriptions, deletedSubscriptionStatus, deletedSubscriptionLingerMs } = this.settings;
    const linger = deletedSubscriptions === "linger" ? { status: deletedSubscriptionStatus, until: at + deletedSubscriptionLingerMs } : undefined;
    removeSubscription(group, subscriptionId, at, linger);
  }

  pendingTasks(group: LicenseGroupState): TaskState[] {
    return group.pendingTaskIds.map((id) => group.tasks[id]);
  }

  createTask(group: LicenseGroupState, request: TaskRequest, overrides: { durationMs?: number; outcome?: TaskOutcome | "stuck" } = {}): TaskState {
    const now = this.now();
    const durationMs = Math.max(0, overrides.durationMs ?? this.settings.taskDurationMs);
    const decided = overrides.outcome ?? this.takeTaskFault(group.serviceName, request.function);
    const task: TaskState = {
      id: this.state.nextIds.task++,
      function: request.function,
      todoDate: now,
      startDate: now + Math.round(durationMs / 4),
      endDate: decided === "stuck" ? null : now + durationMs,
      outcome: decided === "stuck" ? "done" : decided,
      finalStatus: null,
      subscriptionId: request.subscriptionId,
      licenseId: request.licenseId,
      quantity: request.quantity,
      createdSubscriptionId: null,
    };
    group.tasks[task.id] = task;
    group.pendingTaskIds.push(task.id);
    this.changed = true;
    return task;
  }

  /** Ends a task now or at its due time; a `done` task applies its change, unless its target was deleted meanwhile. */
  endTask(group: LicenseGroupState, task: TaskState, outcome: TaskOutcome, at: number): void {
    if (isTaskEnded(task)) return;
    group.pendingTaskIds = group.pendingTaskIds.filter((id) => id !== task.id);
    task.endDate = at;
    task.finalStatus = outcome === "done" && !this.applyTask(group, task, at) ? "error" : outcome;
    this.changed = true;
  }

  private applyTask(group: LicenseGroupState, task: TaskState, at: number): boolean {
    const found = task.subscriptionId === null ? undefined : group.subscriptions[task.subscriptionId];
    const target = found && !isLingering(found) ? found : undefined;
    switch (task.function) {
      case "addSubscription":
      case "orderAddon": {
        if (task.function === "orderAddon" && !target) return false;
        const created = insertSubscription(
          this.state,
          group,
          { licenseId: task.licenseId as number, quantity: task.quantity as number, parentSubscriptionId: task.function === "orderAddon" ? task.subscriptionId : null },
          at,
        );
        task.createdSubscriptionId = created.id;
        this.lagReadsAfter(group, created.id, null, at, this.settings.newSubscriptionLagMs);
        return true;
      }
      case "changeQuantity":
        if (!target) return false;
        this.lagReadsAfter(group, target.id, target, at, this.settings.seatChangeLagMs);
        setSubscriptionQuantity(group, target, task.quantity as number, at);
        return true;
      case "deleteSubscription":
        if (!target) return false;
        // Its add-ons go with it, and are read as they were for as long.
        for (const deleted of [target, ...Object.values(group.subscriptions).filter((s) => s.parentSubscriptionId === target.id && !isLingering(s))]) {
          this.lagReadsAfter(group, deleted.id, deleted, at, this.settings.deletedSubscriptionLagMs);
        }
        this.deleteSubscription(group, target.id, at);
        return true;
    }
  }

  /** Under a lag variant, reads go on showing `before` (null: nothing) for `lagMs` after a task's change at `at`. */
  private lagReadsAfter(group: LicenseGroupState, subscriptionId: number, before: SubscriptionState | null, at: number, lagMs: number): void {
    if (lagMs > 0) lagReads(group, subscriptionId, before, at + lagMs);
  }

  addTaskFault(rule: TaskFaultRule): string {
    const id = `task-fault-${this.nextTaskFaultId++}`;
    this.taskFaults.push({ id, rule: { ...rule } });
    return id;
  }

  listTaskFaults(): ({ id: string } & TaskFaultRule)[] {
    return this.taskFaults.map(({ id, rule }) => ({ id, ...rule }));
  }

  removeTaskFault(id: string): boolean {
    const before = this.taskFaults.length;
    this.taskFaults = this.taskFaults.filter((f) => f.id !== id);
    return this.taskFaults.length < before;
  }

  clearTaskFaults(): void {
    this.taskFaults = [];
  }

  private takeTaskFault(serviceName: string, fn: TaskFunction): TaskOutcome | "stuck" {
    const entry = this.taskFaults.find(
      ({ rule }) => (rule.function === undefined || rule.function === fn) && (rule.serviceName === undefined || rule.serviceName === serviceName),
    );
    if (!entry) return "done";
    if (entry.rule.count !== undefined) {
      entry.rule.count -= 1;
      if (entry.rule.count <= 0) this.taskFaults = this.taskFaults.filter((f) => f !== entry);
    }
    return entry.rule.outcome;
  }
}
