import * as csp2 from "../csp2";
import type { OfficeLicence, OfficeSubscription, TaskEnd } from "../csp2";
import { formatDuration } from "../durations";
import { OvhApiError } from "../ovh/errors";
import { orderableLicenses } from "./catalogue";
import { groupPendingTasks, groupSubscriptions } from "./group-listings";
import { withLock } from "./locks";
import { orderListingGraceMs, settleWindowMs, wallClock, type OperationContext } from "./operation-context";
import { type PendingTask, waitForTaskOutcome } from "./pending-tasks";
import { readAgainFor, settleRead } from "./settling";
import type { PendingOrder, SubscriptionInputs } from "./subscription-types";
import {
  decideOrder,
  type ExistingSubscription,
  isActiveStatus,
  isTerminalStatus,
  maxRefusalsWaitedOut,
  subscriptionResourceId,
  taskTimeoutMs,
} from "./subscription-rules";
import { findSubscriptionInUse, isAmbiguous, isRefusal } from "./subscription-state";

/**
 * Ordering a subscription, so that it is never ordered twice: look at the group first (an order of an interrupted
 * run may be running or done), order only when nothing matches, and after an unclear answer look for the order
 * instead of sending it again. A wait that ends without an outcome stops the run; it never leads to an order.
 */

/** Subscriptions managed by a resource in this process, so two resources never manage one subscription. */
export interface SubscriptionClaims {
  /** A subscription this process ordered. */
  add(resourceId: string): void;
  /** A subscription that existed before this process's resource took it over (the result of an interrupted order). */
  takeOver(resourceId: string): void;
  /** Ids of the claimed subscriptions of one group. */
  inGroup(serviceName: string): ReadonlySet<number>;
}

export interface OrderRequest {
  declared: SubscriptionInputs;
  license: OfficeLicence;
  /** How progress and errors name this resource. */
  subject: string;
  claims: SubscriptionClaims;
  /** An earlier order of this resource whose subscription had not shown up, as the state keeps it. */
  earlier?: PendingOrder;
}

/**
 * An order was sent, or may have been, and its subscription does not show up: the state keeps `order` (a partial
 * create, or the resource's outputs after an update), so that no run orders again before it could have shown.
 */
export class OrderNotShownError extends Error {
  constructor(
    message: string,
    readonly order: PendingOrder,
  ) {
    super(message);
    this.name = "OrderNotShownError";
  }
}

export async function orderSubscription(ctx: OperationContext, request: OrderRequest): Promise<OfficeSubscription> {
  const { declared, license } = request;
  const { serviceName, parentSubscriptionId, seats } = declared;
  csp2.checkSeatChange(license, 0, seats);
  await checkAddonPlacement(ctx, serviceName, license, parentSubscriptionId);
  return withLock(`${serviceName}|order|${license.id}|${parentSubscriptionId ?? ""}`, async () => {
    for (let refusals = 0; ; ) {
      const outcome = await orderOnce(ctx, request);
      if (outcome.kind === "ordered") return outcome.subscription;
      refusals += 1;
      if (refusals > maxRefusalsWaitedOut) throw outcome.refusal;
    }
  });
}

type OrderAttempt = { kind: "ordered"; subscription: OfficeSubscription } | { kind: "retry"; refusal: OvhApiError };

async function orderOnce(ctx: OperationContext, request: OrderRequest): Promise<OrderAttempt> {
  const { declared, license, subject, claims, earlier } = request;
  const { serviceName, parentSubscriptionId, seats } = declared;
  const timeoutMs = taskTimeoutMs(declared);
  // OVH shows an add-on order as a task of its parent: wait for it, so an interrupted order is found, not repeated.
  const parentEnd = parentSubscriptionId === undefined ? undefined : await waitForParentTask(ctx, serviceName, parentSubscriptionId, subject, timeoutMs);
  const settled = await settledGroupSnapshot(ctx, serviceName, subject, timeoutMs);
  const { snapshot } = settled;
  const inUse = new Map(snapshot.subscriptions.map((s) => [s.id, s] as const));
  const matching = await matchingSubscriptions(ctx, serviceName, snapshot.subscriptions, license.id, parentSubscriptionId);
  const claimed = claims.inGroup(serviceName);

  if (earlier) {
    const shown = earlierOrderResult(earlier, matching, claimed);
    if (shown) {
      ctx.tell(subject, `the order placed at ${earlier.orderedAt}${earlier.taskId ? ` (OVH task ${earlier.taskId})` : ""} shows now: subscription ${shown.id}`);
      // This resource's own order: not one taken over from another resource.
      return ordered(serviceName, claims, inUse.get(shown.id)!);
    }
  }
  const decision = decideOrder(matching, seats, claimed, wallClock(ctx), `"${license.name}"`);
  if (decision.action === "refuse") throw new Error(`${subject}: ${decision.reason}`);
  if (decision.action === "resume") {
    ctx.tell(subject, `found subscription ${decision.subscriptionId} with ${seats} seats, ordered by an earlier interrupted run: using it instead of ordering again`);
    claims.takeOver(subscriptionResourceId(serviceName, decision.subscriptionId));
    return { kind: "ordered", subscription: inUse.get(decision.subscriptionId)! };
  }
  const subscriptionsBefore = snapshot.all.map((s) => s.id);
  const record = (taskId: number | undefined, orderedAt: number): PendingOrder => ({
    ...(taskId === undefined ? {} : { taskId }),
    orderedAt: new Date(orderedAt).toISOString(),
    licenseId: license.id,
    seats,
    ...(parentSubscriptionId === undefined ? {} : { parentSubscriptionId }),
    subscriptionsBefore,
  });
  if (settled.unaccounted.length > 0) {
    const taskId = endedTaskId(settled.unaccounted[0]);
    throw new OrderNotShownError(unaccountedCreationTasks(ctx, subject, serviceName, license, settled.unaccounted, timeoutMs), record(taskId, wallClock(ctx)));
  }
  const failed = parentEnd?.outcome === "failed" ? [...settled.failed, parentEnd] : settled.failed;
  if (failed.length > 0) throw failedCreationTasks(subject, serviceName, license, failed);
  if (earlier) {
    const graceEndsAt = Date.parse(earlier.orderedAt) + orderListingGraceMs(ctx);
    if (wallClock(ctx) < graceEndsAt) throw new OrderNotShownError(earlierOrderStillAwaited(subject, serviceName, license, earlier, graceEndsAt), earlier);
    ctx.tell(
      subject,
      `the order placed at ${earlier.orderedAt}${earlier.taskId ? ` (OVH task ${earlier.taskId})` : ""} has not shown up in ` +
        `${formatDuration(orderListingGraceMs(ctx))} (ovh-office365:orderListingGraceMinutes): ordering again`,
    );
  }

  const target: NewSubscription = {
    licenseId: license.id,
    parentSubscriptionId,
    before: new Set([...subscriptionsBefore, ...claimed]),
  };
  const body = { licenseId: license.id, quantity: seats };
  const orderedAt = wallClock(ctx);
  let task: Pick<PendingTask, "id" | "function"> | undefined;
  try {
    task =
      parentSubscriptionId === undefined
        ? await csp2.createSubscription(ctx.requester, serviceName, body)
        : await csp2.orderAddon(ctx.requester, serviceName, parentSubscriptionId, body);
  } catch (error) {
    if (isRefusal(error) && (await refusedForRunningTask(ctx, serviceName, parentSubscriptionId))) {
      ctx.tell(subject, `OVH refused the order (${error.status}) while a task runs ${parentSubscriptionId === undefined ? "in the group" : "on the parent subscription"}: waiting for it, then looking again`);
      return { kind: "retry", refusal: error };
    }
    if (isRefusal(error)) throw await explainOrderRefusal(ctx, serviceName, error);
    if (!isAmbiguous(error)) throw error;
    ctx.tell(subject, "OVH did not confirm the order: checking whether it was placed before going on");
    const look = await findOrderAfterAmbiguousFailure(ctx, { serviceName, subject, timeoutMs }, target);
    if (look.subscription) return ordered(serviceName, claims, look.subscription);
    if (!look.task) {
      throw new OrderNotShownError(
        `${(error as Error).message} No task and no new subscription showed in ${serviceName} within ` +
          `${formatDuration(settleWindowMs(ctx, timeoutMs))}, but OVH's reads may lag its changes, so the order may still ` +
          `have been placed. ${keptUntil(ctx, orderedAt)}`,
        record(undefined, orderedAt),
      );
    }
    task = look.task;
  }
  ctx.tell(subject, `ordered ${seats} seats of "${license.name}": OVH task ${task.id} (${task.function})`);
  const end = await waitForTaskOutcome(ctx, serviceName, task.id, subject, timeoutMs);
  if (end.outcome === "failed") {
    const created = await findNewSubscription(ctx, serviceName, target);
    if (created) return ordered(serviceName, claims, created);
    throw failedOrder(subject, serviceName, license, end);
  }
  const { value: created } = await settleRead(ctx, {
    subject,
    awaiting: `the new "${license.name}" subscription (task ${task.id} has ended)`,
    read: () => findNewSubscription(ctx, serviceName, target),
    shows: (found) => found !== undefined,
    timeoutMs,
  });
  if (created) {
    if (end.outcome === "vanished") ctx.tell(subject, `OVH no longer shows task ${end.taskId}; the new subscription ${created.id} is there`);
    return ordered(serviceName, claims, created);
  }
  const how = end.outcome === "vanished" ? "is no longer shown by OVH" : "is done";
  throw new OrderNotShownError(
    `${subject}: OVH task ${task.id} ordering ${seats} seats of "${license.name}" ${how}, but no new subscription of it ` +
      `shows in ${serviceName}${readAgainFor(ctx, timeoutMs, "the group")}. ` +
      `OVH's reads may lag its changes. ${keptUntil(ctx, orderedAt)}`,
    record(task.id, orderedAt),
  );
}

function ordered(serviceName: string, claims: SubscriptionClaims, created: OfficeSubscription): OrderAttempt {
  claims.add(subscriptionResourceId(serviceName, created.id));
  return { kind: "ordered", subscription: created };
}

/** What a kept order means for the next runs. */
function keptUntil(ctx: OperationContext, orderedAt: number): string {
  const graceEndsAt = new Date(orderedAt + orderListingGraceMs(ctx)).toISOString();
  return (
    `The order is kept in the stack's state as a pending order: the next run takes its subscription as soon as OVH ` +
    `shows it, and orders nothing again before ${graceEndsAt} (ovh-office365:orderListingGraceMinutes after the ` +
    `order). Run \`pulumi up\` again later; \`ovh-office365 status <serviceName>\` shows the group.`
  );
}

/** The subscription an earlier order brought, if OVH shows it now (one listing of the group), and `claimed` has not it. */
export async function findEarlierOrderResult(
  ctx: OperationContext,
  serviceName: string,
  earlier: PendingOrder,
  claimed: ReadonlySet<number>,
): Promise<OfficeSubscription | undefined> {
  const listing = await groupListing(ctx, serviceName);
  const matching = await matchingSubscriptions(ctx, serviceName, listing.subscriptions, earlier.licenseId, earlier.parentSubscriptionId);
  const shown = earlierOrderResult(earlier, matching, claimed);
  return shown && listing.subscriptions.find((s) => s.id === shown.id);
}

/** The subscription an earlier order brought, once OVH shows it: new since the order, of the licence, in use, unclaimed. */
function earlierOrderResult(earlier: PendingOrder, matching: ExistingSubscription[], claimed: ReadonlySet<number>): ExistingSubscription | undefined {
  const before = new Set(earlier.subscriptionsBefore);
  return newest(matching.filter((s) => !before.has(s.id) && !claimed.has(s.id) && isActiveStatus(s.status)));
}

function earlierOrderStillAwaited(subject: string, serviceName: string, license: OfficeLicence, earlier: PendingOrder, graceEndsAt: number): string {
  const task = earlier.taskId ? ` (OVH task ${earlier.taskId})` : "";
  return (
    `${subject}: the order of ${earlier.seats} seats of "${license.name}" placed at ${earlier.orderedAt}${task} does not ` +
    `show in ${serviceName} yet. Nothing was ordered: it may still appear (OVH's reads may lag its changes), and a second ` +
    `order would bill the licence twice. The next run looks again, and orders again only after ` +
    `${new Date(graceEndsAt).toISOString()} if nothing has appeared. If the control panel shows no such order and you ` +
    `want it now: \`pulumi config set ovh-office365:orderListingGraceMinutes 0\`, then run again.`
  );
}

function failedOrder(subject: string, serviceName: string, license: OfficeLicence, end: Extract<TaskEnd, { outcome: "failed" }>): Error {
  return new Error(
    `${subject}: the order task ${end.task.id} (${end.task.function}) ended "${end.task.status}" and no new "${license.name}" ` +
      `subscription appeared in ${serviceName}: nothing was created. OVH gives no reason through its API: check the ` +
      `licence and the tenant (MPN ID, status) in the control panel, then run again.`,
  );
}

function endedTaskId(end: TaskEnd): number {
  return end.outcome === "vanished" ? end.taskId : end.task.id;
}

function describeEnds(ends: TaskEnd[]): string {
  return ends
    .map((end) => (end.outcome === "vanished" ? `${end.taskId} (no longer shown by OVH)` : `${end.task.id} (${end.task.function}, "${end.task.status}")`))
    .join(", ");
}

/** Creation tasks that ended in failure: nothing came of them, and one may have been this resource's earlier order. */
function failedCreationTasks(subject: string, serviceName: string, license: OfficeLicence, failed: TaskEnd[]): Error {
  return new Error(
    `${subject}: OVH task ${describeEnds(failed)} in ${serviceName} ended without a new subscription in sight. OVH tasks ` +
      `do not say which licence they order, so it may have been an order of "${license.name}" from an earlier run. ` +
      `Nothing was ordered. Check \`ovh-office365 status ${serviceName}\` and \`ovh-office365 tasks ${serviceName} --all\`, ` +
      `then run again: the next run orders only if no "${license.name}" subscription has appeared.`,
  );
}

/** Creation tasks done (or no longer shown) whose subscriptions do not show: one may be this resource's earlier order. */
function unaccountedCreationTasks(ctx: OperationContext, subject: string, serviceName: string, license: OfficeLicence, ends: TaskEnd[], timeoutMs: number): string {
  return (
    `${subject}: OVH task ${describeEnds(ends)} in ${serviceName} has ended, but no new subscription from it shows` +
    `${readAgainFor(ctx, timeoutMs, "the group")}. OVH tasks do not say which licence ` +
    `they order, so it may have been an order of "${license.name}" from an earlier run whose subscription OVH does not ` +
    `list yet. Nothing was ordered. ${keptUntil(ctx, wallClock(ctx))}`
  );
}

/** The task pending on the parent subscription (OVH shows an add-on order there), or undefined. */
async function parentPendingTaskId(ctx: OperationContext, serviceName: string, parentSubscriptionId: number): Promise<number | undefined> {
  const parent = await findSubscriptionInUse(ctx.requester, serviceName, parentSubscriptionId);
  return parent && parent.taskPendingId > 0 ? parent.taskPendingId : undefined;
}

/** Waits for the task pending on the parent, if any, and says how it ended. */
async function waitForParentTask(
  ctx: OperationContext,
  serviceName: string,
  parentSubscriptionId: number,
  subject: string,
  timeoutMs: number,
): Promise<TaskEnd | undefined> {
  const taskId = await parentPendingTaskId(ctx, serviceName, parentSubscriptionId);
  if (taskId === undefined) return undefined;
  ctx.tell(subject, `OVH task ${taskId} is pending on parent subscription ${parentSubscriptionId}, maybe an add-on order from an interrupted run: waiting for it`);
  return waitForTaskOutcome(ctx, serviceName, taskId, subject, timeoutMs);
}

/** After a refused order: does the group (or the parent) show a running task that explains the refusal? */
async function refusedForRunningTask(ctx: OperationContext, serviceName: string, parentSubscriptionId: number | undefined): Promise<boolean> {
  if (parentSubscriptionId !== undefined) return (await parentPendingTaskId(ctx, serviceName, parentSubscriptionId)) !== undefined;
  return (await groupSnapshot(ctx, serviceName)).creationTasks.length > 0;
}

/** The refusal, with advice where the tenant explains it (OVH's guide requires a Microsoft MPN ID to order). */
async function explainOrderRefusal(ctx: OperationContext, serviceName: string, error: OvhApiError): Promise<OvhApiError> {
  if (error.status !== 403) return error;
  const tenant = await csp2.getTenant(ctx.requester, serviceName).catch(() => undefined);
  if (tenant && !tenant.mpnId) {
    error.message =
      `${error.message} The tenant of ${serviceName} has no MPN ID (Microsoft Partner Network id), which OVH may require ` +
      `before ordering licences: set it in the OVH control panel (or \`PUT /saas/csp2/${serviceName}\` with mpnId), then run again.`;
  }
  return error;
}

/** What one look for an unconfirmed order found: its subscription, or a task that may be it. */
interface OrderLook {
  subscription?: OfficeSubscription;
  task?: Pick<PendingTask, "id" | "function">;
}

/**
 * After an order call with no clear answer: look for its subscription or its task for the settle window before
 * deciding. Each look reads what the decision needs: an add-on order shows as a task of its parent; any other as a
 * running task attached to no subscription, among the group's most recent tasks (the order is the newest).
 */
async function findOrderAfterAmbiguousFailure(
  ctx: OperationContext,
  wait: { serviceName: string; subject: string; timeoutMs: number },
  target: NewSubscription,
): Promise<OrderLook> {
  const { serviceName, subject, timeoutMs } = wait;
  const look = async (): Promise<OrderLook> => {
    if (target.parentSubscriptionId !== undefined) {
      const taskId = await parentPendingTaskId(ctx, serviceName, target.parentSubscriptionId);
      if (taskId !== undefined) return { task: { id: taskId, function: "pending on the parent subscription" } };
      return { subscription: await findNewSubscription(ctx, serviceName, target) };
    }
    const running = await csp2.fetchPendingTasks(ctx.requester, serviceName);
    const subscriptions = await groupSubscriptions(ctx.requester, serviceName);
    const subscription = newest(newSubscriptions(subscriptions, target));
    if (subscription) return { subscription };
    const attached = new Set(subscriptions.filter((s) => !isTerminalStatus(s.status)).map((s) => s.taskPendingId));
    const creation = running.filter((task) => !attached.has(task.id));
    return creation.length > 0 ? { task: creation[creation.length - 1] } : {};
  };
  const { value } = await settleRead(ctx, { subject, awaiting: "the order's task or its subscription", read: look, shows: (l) => l.subscription !== undefined || l.task !== undefined, timeoutMs });
  return value;
}

async function checkAddonPlacement(ctx: OperationContext, serviceName: string, license: OfficeLicence, parentSubscriptionId?: number) {
  if (parentSubscriptionId === undefined) {
    if (license.licenceType === "ADDON") {
      throw new Error(
        `license: "${license.name}" is an add-on: set parentSubscriptionId to the subscription it extends ` +
          `(in licences.yaml, list it under \`addons:\` of that license).`,
      );
    }
    return;
  }
  let available: number[];
  try {
    available = await csp2.listAvailableAddonLicenses(ctx.requester, serviceName, parentSubscriptionId);
  } catch (error) {
    if (!(error instanceof OvhApiError && error.isNotFound)) throw error;
    throw new Error(
      `parentSubscriptionId: subscription ${parentSubscriptionId} does not exist in licence group ${serviceName}: ` +
        `\`ovh-office365 status ${serviceName}\` lists its subscriptions.`,
    );
  }
  if (!available.includes(license.id)) {
    const catalogue = await orderableLicenses(ctx.requester, serviceName);
    const names = available.map((id) => `"${catalogue.find((l) => l.id === id)?.name ?? `licence ${id}`}"`);
    throw new Error(
      `parentSubscriptionId: "${license.name}" cannot be added to subscription ${parentSubscriptionId} ` +
        `(its add-ons: ${names.join(", ") || "none"}): pick one of those, or remove parentSubscriptionId ` +
        `(in licences.yaml, move it out of \`addons:\`).`,
    );
  }
}

interface GroupListing {
  /** Every subscription OVH lists, deleted ones (terminal status) included. */
  all: OfficeSubscription[];
  /** The subscriptions in use. */
  subscriptions: OfficeSubscription[];
}

interface GroupSnapshot extends GroupListing {
  /** Running tasks not attached to a subscription in use: orders in progress. */
  creationTasks: PendingTask[];
}

async function groupListing(ctx: OperationContext, serviceName: string): Promise<GroupListing> {
  const all = await groupSubscriptions(ctx.requester, serviceName);
  return { all, subscriptions: all.filter((s) => !isTerminalStatus(s.status)) };
}

async function groupSnapshot(ctx: OperationContext, serviceName: string): Promise<GroupSnapshot> {
  // Tasks first: a seat change started meanwhile is then either not listed or shown on its subscription. One that
  // ends between the two reads still looks like an order in progress; callers wait for it, which never orders twice.
  const running = await groupPendingTasks(ctx.requester, serviceName);
  const listing = await groupListing(ctx, serviceName);
  const attached = new Set(listing.subscriptions.map((s) => s.taskPendingId).filter((id) => id > 0));
  return { ...listing, creationTasks: running.filter((task) => !attached.has(task.id)) };
}

/** The group once the orders in progress have ended, and what came of them. */
interface SettledGroup {
  snapshot: GroupListing;
  /** Creation tasks that ended in failure: nothing came of them. */
  failed: TaskEnd[];
  /** Creation tasks done or no longer shown, more than the new subscriptions that showed within the settle window. */
  unaccounted: TaskEnd[];
}

/**
 * The group once the orders in progress have ended. Each creation task done or no longer shown should bring a new
 * subscription: they get the settle window to show. A wait that times out throws: nothing may be ordered while an
 * order may still be running.
 */
async function settledGroupSnapshot(ctx: OperationContext, serviceName: string, subject: string, timeoutMs: number): Promise<SettledGroup> {
  const before = await groupSnapshot(ctx, serviceName);
  if (before.creationTasks.length === 0) return { snapshot: before, failed: [], unaccounted: [] };
  const ends: TaskEnd[] = [];
  for (const task of before.creationTasks) {
    ctx.tell(subject, `OVH task ${task.id} (${task.function}) is still running in the group, maybe an order from an interrupted run: waiting for it`);
    ends.push(await waitForTaskOutcome(ctx, serviceName, task.id, subject, timeoutMs));
  }
  const failed = ends.filter((end) => end.outcome === "failed");
  const succeeded = ends.filter((end) => end.outcome !== "failed");
  // The orders waited for have ended: only the subscriptions they brought are looked at now, not the tasks again.
  const known = new Set(before.all.map((s) => s.id));
  const appeared = (listing: GroupListing) => listing.subscriptions.filter((s) => !known.has(s.id)).length;
  const { value: after } = await settleRead(ctx, {
    subject,
    awaiting: `the subscriptions of the ${succeeded.length} order task(s) that ended`,
    read: () => groupListing(ctx, serviceName),
    shows: (listing) => appeared(listing) >= succeeded.length,
    timeoutMs,
  });
  return { snapshot: after, failed, unaccounted: succeeded.slice(appeared(after)) };
}

async function matchingSubscriptions(
  ctx: OperationContext,
  serviceName: string,
  subscriptions: OfficeSubscription[],
  licenseId: number,
  parentSubscriptionId?: number,
): Promise<ExistingSubscription[]> {
  const candidates = await ofParent(ctx, serviceName, subscriptions.filter((s) => s.licenseId === licenseId), parentSubscriptionId);
  return candidates.map((s) => ({ id: s.id, licenseId: s.licenseId, quantity: s.quantity, creationDate: s.creationDate, status: s.status }));
}

/** What an order is expected to bring: a subscription of the licence (an add-on of the parent) not seen before. */
interface NewSubscription {
  licenseId: number;
  parentSubscriptionId?: number;
  /** The group's subscriptions before the order, and those other resources of this process manage. */
  before: ReadonlySet<number>;
}

/** The newest subscription in use that the order may have brought. */
async function findNewSubscription(ctx: OperationContext, serviceName: string, target: NewSubscription): Promise<OfficeSubscription | undefined> {
  const fresh = newSubscriptions(await groupSubscriptions(ctx.requester, serviceName, (id) => !target.before.has(id)), target);
  if (fresh.length === 0) return undefined;
  return newest(await ofParent(ctx, serviceName, fresh, target.parentSubscriptionId));
}

/** Those of the listed subscriptions that the order may have brought, the parent aside. */
function newSubscriptions(listed: OfficeSubscription[], target: NewSubscription): OfficeSubscription[] {
  return listed.filter((s) => !target.before.has(s.id) && s.licenseId === target.licenseId && !isTerminalStatus(s.status));
}

function newest<T extends { id: number }>(subscriptions: T[]): T | undefined {
  return [...subscriptions].sort((a, b) => b.id - a.id)[0];
}

/** The add-ons of the parent among these subscriptions; all of them when there is no parent. */
async function ofParent(ctx: OperationContext, serviceName: string, subscriptions: OfficeSubscription[], parentSubscriptionId?: number): Promise<OfficeSubscription[]> {
  if (parentSubscriptionId === undefined) return subscriptions;
  const addons = new Set(await csp2.listAddonsSubscriptionIds(ctx.requester, serviceName, parentSubscriptionId));
  return subscriptions.filter((s) => addons.has(s.id));
}
