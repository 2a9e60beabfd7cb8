import * as csp2 from "../csp2";
import type { OfficeLicence, OfficeSubscription, TaskEnd } from "../csp2";
import { OvhApiError } from "../ovh/errors";
import { orderableLicenses } from "./catalogue";
import { groupPendingTasks, groupSubscriptions } from "./group-listings";
import { withLock } from "./locks";
import { pause, wallClock, type OperationContext } from "./operation-context";
import { type PendingTask, waitForTaskOutcome } from "./pending-tasks";
import type { SubscriptionInputs } from "./subscription-types";
import { decideOrder, type ExistingSubscription, isTerminalStatus, maxRefusalsWaitedOut, subscriptionResourceId, taskTimeoutMs } from "./subscription-rules";
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
}

/** After an order call with no clear answer: how many looks, and how far apart, before saying it was not placed. */
const ambiguousOrderChecks = 10;
const ambiguousOrderCheckIntervalMs = 3000;

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
  const { declared, license, subject, claims } = request;
  const { serviceName, parentSubscriptionId, seats } = declared;
  const timeoutMs = taskTimeoutMs(declared);
  // OVH shows an add-on order as a task of its parent: wait for it, so an interrupted order is found, not repeated.
  const parentEnd = parentSubscriptionId === undefined ? undefined : await waitForParentTask(ctx, serviceName, parentSubscriptionId, subject, timeoutMs);
  const settled = await settledGroupSnapshot(ctx, serviceName, subject, timeoutMs);
  const { snapshot } = settled;
  const unresolved = parentEnd && parentEnd.outcome !== "done" ? [...settled.unresolved, parentEnd] : settled.unresolved;
  const matching = await matchingSubscriptions(ctx, serviceName, snapshot.subscriptions, license.id, parentSubscriptionId);
  const decision = decideOrder(matching, seats, claims.inGroup(serviceName), wallClock(ctx), `"${license.name}"`);
  if (decision.action === "refuse") throw new Error(`${subject}: ${decision.reason}`);
  if (decision.action === "resume") {
    ctx.tell(subject, `found subscription ${decision.subscriptionId} with ${seats} seats, ordered by an earlier interrupted run: using it instead of ordering again`);
    claims.takeOver(subscriptionResourceId(serviceName, decision.subscriptionId));
    return { kind: "ordered", subscription: await csp2.getSubscription(ctx.requester, serviceName, decision.subscriptionId) };
  }
  if (unresolved.length > 0) throw unresolvedCreationTasks(subject, serviceName, license, unresolved);

  const target: NewSubscription = {
    licenseId: license.id,
    parentSubscriptionId,
    before: new Set([...snapshot.all.map((s) => s.id), ...claims.inGroup(serviceName)]),
  };
  const body = { licenseId: license.id, quantity: seats };
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
    task = await findOrderAfterAmbiguousFailure(ctx, serviceName, target, error as Error);
  }
  let end: TaskEnd | undefined;
  if (task) {
    ctx.tell(subject, `ordered ${seats} seats of "${license.name}": OVH task ${task.id} (${task.function})`);
    end = await waitForTaskOutcome(ctx, serviceName, task.id, subject, timeoutMs);
  }
  const created = await findNewSubscription(ctx, serviceName, target);
  if (created) {
    if (end?.outcome === "vanished") ctx.tell(subject, `OVH no longer shows task ${end.taskId}; the new subscription ${created.id} is there`);
    claims.add(subscriptionResourceId(serviceName, created.id));
    return { kind: "ordered", subscription: created };
  }
  throw noNewSubscription(subject, serviceName, license, end);
}

function noNewSubscription(subject: string, serviceName: string, license: OfficeLicence, end: TaskEnd | undefined): Error {
  if (end?.outcome === "failed") {
    return new Error(
      `${subject}: the order task ${end.task.id} (${end.task.function}) ended "${end.task.status}" and no new "${license.name}" ` +
        `subscription appeared in ${serviceName}: nothing was created. OVH gives no reason through its API: check the ` +
        `licence and the tenant (MPN ID, status) in the control panel, then run again.`,
    );
  }
  if (end?.outcome === "vanished") {
    return new Error(
      `${subject}: OVH no longer shows the order task ${end.taskId} and no new "${license.name}" subscription appeared in ` +
        `${serviceName}, so whether the order succeeded is unknown. Nothing else was ordered. Check \`ovh-office365 status ` +
        `${serviceName}\` and run again later: the next run orders only if no such subscription shows up.`,
    );
  }
  return new Error(
    `${subject}: OVH finished the order task but no new "${license.name}" subscription appeared in ${serviceName}. ` +
      `Check \`ovh-office365 status ${serviceName}\`; a re-run will not order again if the subscription shows up.`,
  );
}

/** Creation tasks that ended without a visible result: one may have been this resource's own order. */
function unresolvedCreationTasks(subject: string, serviceName: string, license: OfficeLicence, unresolved: TaskEnd[]): Error {
  const described = unresolved
    .map((end) => (end.outcome === "vanished" ? `${end.taskId} (no longer shown by OVH)` : end.outcome === "failed" ? `${end.task.id} (${end.task.function}, "${end.task.status}")` : `${end.task.id}`))
    .join(", ");
  return new Error(
    `${subject}: OVH task ${described} in ${serviceName} ended without a new subscription in sight. OVH tasks do not say ` +
      `which licence they order, so it may have been an order of "${license.name}" from an earlier run. Nothing was ` +
      `ordered. Check \`ovh-office365 status ${serviceName}\` and \`ovh-office365 tasks ${serviceName} --all\`, then run ` +
      `again: the next run orders only if no "${license.name}" subscription has appeared.`,
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

/** After an order call with no clear answer: look for its task or its subscription for a while before deciding. */
async function findOrderAfterAmbiguousFailure(
  ctx: OperationContext,
  serviceName: string,
  target: NewSubscription,
  failure: Error,
): Promise<Pick<PendingTask, "id" | "function"> | undefined> {
  for (let attempt = 0; attempt < ambiguousOrderChecks; attempt++) {
    // An add-on order shows as a task of its parent; any other as a running task attached to no subscription.
    if (target.parentSubscriptionId !== undefined) {
      const taskId = await parentPendingTaskId(ctx, serviceName, target.parentSubscriptionId);
      if (taskId !== undefined) return { id: taskId, function: "pending on the parent subscription" };
    } else {
      const snapshot = await groupSnapshot(ctx, serviceName);
      if (snapshot.creationTasks.length > 0) return snapshot.creationTasks[snapshot.creationTasks.length - 1];
    }
    if (await findNewSubscription(ctx, serviceName, target)) return undefined;
    await pause(ctx, ambiguousOrderCheckIntervalMs);
  }
  throw new Error(
    `${failure.message} No task and no new subscription appeared in ${serviceName} within ` +
      `${(ambiguousOrderChecks * ambiguousOrderCheckIntervalMs) / 1000} s, so the order was most likely not placed. ` +
      `Run \`pulumi up\` again: it looks at the group again before ordering.`,
  );
}

async function checkAddonPlacement(ctx: OperationContext, serviceName: string, license: OfficeLicence, parentSubscriptionId?: number) {
  if (parentSubscriptionId === undefined) {
    if (license.licenceType === "ADDON") {
      throw new Error(
        `license: "${license.name}" is an add-on: set parentSubscriptionId to the subscription it extends ` +
          `(in licences.yaml, list it under \`addons:\` of that licence).`,
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

/**
 * The group once the orders in progress have ended. A creation task that ended in failure, or that OVH no longer
 * shows, while no new subscription appeared, is returned as unresolved: it may have been this resource's order.
 * A wait that times out throws: nothing may be ordered while an order may still be running.
 */
async function settledGroupSnapshot(
  ctx: OperationContext,
  serviceName: string,
  subject: string,
  timeoutMs: number,
): Promise<{ snapshot: GroupListing; unresolved: TaskEnd[] }> {
  const before = await groupSnapshot(ctx, serviceName);
  if (before.creationTasks.length === 0) return { snapshot: before, unresolved: [] };
  const ends: TaskEnd[] = [];
  for (const task of before.creationTasks) {
    ctx.tell(subject, `OVH task ${task.id} (${task.function}) is still running in the group, maybe an order from an interrupted run: waiting for it`);
    ends.push(await waitForTaskOutcome(ctx, serviceName, task.id, subject, timeoutMs));
  }
  // The orders waited for have ended: only the subscriptions they brought are looked at now, not the tasks again.
  const after = await groupListing(ctx, serviceName);
  const known = new Set(before.all.map((s) => s.id));
  const appeared = after.subscriptions.filter((s) => !known.has(s.id)).length;
  // A vanished task is explained when as many new subscriptions appeared as tasks vanished; a failed one never is.
  const vanished = ends.filter((end) => end.outcome === "vanished");
  const unresolved = [...ends.filter((end) => end.outcome === "failed"), ...(appeared >= vanished.length ? [] : vanished)];
  return { snapshot: after, unresolved };
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
  const fresh = (await groupSubscriptions(ctx.requester, serviceName, (id) => !target.before.has(id))).filter(
    (s) => !target.before.has(s.id) && s.licenseId === target.licenseId && !isTerminalStatus(s.status),
  );
  if (fresh.length === 0) return undefined;
  return (await ofParent(ctx, serviceName, fresh, target.parentSubscriptionId)).sort((a, b) => b.id - a.id)[0];
}

/** The add-ons of the parent among these subscriptions; all of them when there is no parent. */
async function ofParent(ctx: OperationContext, serviceName: string, subscriptions: OfficeSubscription[], parentSubscriptionId?: number): Promise<OfficeSubscription[]> {
  if (parentSubscriptionId === undefined) return subscriptions;
  const addons = new Set(await csp2.listAddonsSubscriptionIds(ctx.requester, serviceName, parentSubscriptionId));
  return subscriptions.filter((s) => addons.has(s.id));
}
