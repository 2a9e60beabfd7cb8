import type * as pulumi from "@pulumi/pulumi";
import * as csp2 from "../csp2";
import type { OfficeLicence, OfficeSubscription, PendingTask } from "../csp2";
import { formatDuration } from "../durations";
import { licenseById, orderCheckFailures, resolveDeclaredLicense } from "./catalogue";
import { groupBillingFigures, billingPeriodFrom, peakChangeLine, periodEnded, readBillingPeriod, seatsChangedElsewhere, type BillingPeriod } from "./billing-period";
import { allowDeleteAdvice, deletionAdvice, isDeletionAllowed } from "./deletion-intent";
import { changingGroup, readSubscription } from "./group-listings";
import { withLock } from "./locks";
import { orderListingGraceMs, wallClock, type OperationContext } from "./operation-context";
import { withPartialState } from "./partial-state";
import { pendingTasksOf } from "./pending-tasks";
import { billingPeriodRead, configuredWaits, configureFromStack, deletionAllowance, operationContext, tell } from "./provider-config";
import type { PendingOrderOutputs, StoredSubscription, SubscriptionInputs, SubscriptionOutputs } from "./subscription-types";
import { addonParentOf, adoptionCheckFailures, examineAdoption } from "./subscription-adoption";
import { deleteSubscription } from "./subscription-deletion";
import { findEarlierOrderResult, OrderNotShownError, orderSubscription, type SubscriptionClaims } from "./subscription-ordering";
import {
  checkSubscriptionInputs,
  copyDeclaredSettings,
  diffSubscription,
  hasPendingTask,
  inputsFromOutputs,
  isTerminalStatus,
  declaredOf,
  describeOrder,
  pendingOrderOutputs,
  pendingOrderResourceId,
  subscriptionResourceId,
  subscriptionTarget,
  taskTimeoutMs,
  type SubscriptionTarget,
} from "./subscription-rules";
import { convergeSeats } from "./subscription-seats";
import { deletedMeanwhile, findSubscriptionInUse } from "./subscription-state";

/**
 * The Subscription resource's operations against OVH: the CRUD entry points. The provider object in subscription.ts
 * delegates here, and every `__provider` stored in a stack requires this file and calls these names with these
 * arguments (`configure(req)`, `check(olds, news)`, `diff(id, olds, news)`, `create(inputs)`, `read(id, props)`,
 * `update(id, olds, news)`, `remove(id, props)`): they are a public contract. Ordering, seats and deletion live in
 * subscription-ordering.ts, subscription-seats.ts and subscription-deletion.ts.
 */

/** Subscriptions managed by a resource in this process, so two resources never manage one subscription. */
const claimed = new Set<string>();
/**
 * Subscriptions that existed before a resource of this run took them over: adopted, or found as the result of an
 * interrupted order. A delete of one of these in the same run comes from another resource on the same subscription,
 * typically one renamed without an alias (its new self is created first, then the old one deleted).
 */
const takenOver = new Set<string>();
const claims: SubscriptionClaims = {
  add: (resourceId) => void claimed.add(resourceId),
  takeOver: (resourceId) => {
    claimed.add(resourceId);
    takenOver.add(resourceId);
  },
  inGroup: (serviceName) =>
    new Set([...claimed].filter((key) => key.startsWith(`${serviceName}/`)).map((key) => Number(key.slice(serviceName.length + 1)))),
};

export const configure = configureFromStack;

export async function check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
  const checked = checkSubscriptionInputs(olds, news);
  if ((checked.failures ?? []).length > 0) return checked;
  const requester = () => operationContext().requester;
  const failures = news.subscriptionId === undefined ? await orderCheckFailures(requester, olds, news) : await adoptionCheckFailures(requester, olds, news);
  return { inputs: checked.inputs, failures };
}

export async function diff(id: string, olds: StoredSubscription, news: SubscriptionInputs): Promise<pulumi.dynamic.DiffResult> {
  const target = subscriptionTarget(id, olds);
  if (target.kind === "pendingOrder") {
    tell(id, `${describeOrder(target.state)} has not shown up at OVH yet: the update looks for it first, and orders again only after ${graceEnd(target.state)} if it has not appeared`);
  } else if (hasPendingTask(olds as SubscriptionOutputs)) {
    const { pendingTasks, taskPendingId } = olds as SubscriptionOutputs;
    const tasks = (pendingTasks ?? []).map((task) => `${task.id} (${task.function}, ${task.status})`).join(", ");
    tell(id, `OVH task ${tasks || taskPendingId} is pending: the update will wait for it`);
  }
  const result = diffSubscription(olds, news);
  if (target.kind === "subscription" && news.seats !== olds.seats && (result.replaces ?? []).length === 0) {
    await tellPeakChange(id, olds as SubscriptionOutputs, news);
  }
  const { serviceName } = target;
  const subscriptionId = target.kind === "subscription" ? target.subscriptionId : undefined;
  const replaces = result.replaces ?? [];
  if (replaces.length === 0) return result;
  // A replacement orders the new subscription, then deletes this one: refuse it now, before anything is ordered.
  if (!isDeletionAllowed(deletionAllowance(), serviceName, subscriptionId)) {
    throw new Error(
      `${id}: changing ${replaces.join(", ")} replaces the subscription: a new one is ordered and this one ` +
        `(${olds.seats} seats of "${olds.licenseName}") is deleted at OVH, and this stack does not allow that delete. ` +
        `${allowDeleteAdvice("replace", serviceName, subscriptionId)} ` +
        `To keep this subscription, keep ${replaces.join(" and ")} as ${replaces.length > 1 ? "they were" : "it was"}.`,
    );
  }
  return result;
}

/**
 * Says in the preview what a seat change does to this billing period's peak, which OVH bills. The peak comes from the
 * state (a refresh in this run has just read it), else from the group's billing figures, read once per run; when
 * neither is to be had, the preview goes on without the line.
 */
async function tellPeakChange(id: string, olds: SubscriptionOutputs, news: SubscriptionInputs): Promise<void> {
  if (!billingPeriodRead()) return;
  let period: BillingPeriod | undefined = olds.billingPeriod;
  if (!period || periodEnded(period, new Date().toISOString().slice(0, 10))) {
    try {
      period = billingPeriodFrom(await groupBillingFigures(operationContext().requester, olds.serviceName), olds.licenseId, olds.seats);
    } catch {
      return;
    }
  }
  tell(id, peakChangeLine({ licenseName: olds.licenseName, from: olds.seats, to: news.seats, peakSeats: period.peakSeats, seatPrice: news.seatPrice }));
}

export async function create(inputs: SubscriptionInputs): Promise<pulumi.dynamic.CreateResult> {
  const ctx = operationContext();
  return changingGroup(ctx.requester, inputs.serviceName, () => createIn(ctx, inputs));
}

async function createIn(ctx: OperationContext, declared: SubscriptionInputs): Promise<pulumi.dynamic.CreateResult> {
  const subject = `${declared.serviceName}/${declared.license ?? declared.licenseId ?? declared.subscriptionId}`;
  if (declared.subscriptionId !== undefined) {
    const live = await adoptSubscription(ctx, declared, declared.subscriptionId);
    const id = subscriptionResourceId(declared.serviceName, live.id);
    return { id, outs: await convergeRecorded(ctx, { id, declared, live, adopted: true }) };
  }
  const license = await resolveDeclaredLicense(ctx.requester, declared.serviceName, declared);
  const live = await orderRecorded(ctx, { declared, license, subject, recordedAs: (order) => pendingOrderResourceId(declared.serviceName, order) });
  const id = subscriptionResourceId(declared.serviceName, live.id);
  return { id, outs: await convergeRecorded(ctx, { id, declared, live, adopted: false }) };
}

/**
 * Orders the subscription. An order whose subscription does not show up is recorded in the state as a pending order
 * (a partial create, or the outputs of an update), under `recordedAs(order)`, so no later run orders it again before
 * it could have shown.
 */
async function orderRecorded(
  ctx: OperationContext,
  order: { declared: SubscriptionInputs; license: OfficeLicence; subject: string; recordedAs: (order: OrderNotShownError["order"]) => string; earlier?: PendingOrderOutputs },
): Promise<OfficeSubscription> {
  const { declared, license, subject, earlier } = order;
  try {
    return await orderSubscription(ctx, { declared, license, subject, claims, earlier: earlier?.pendingOrder });
  } catch (error) {
    if (!(error instanceof OrderNotShownError)) throw error;
    throw withPartialState(error, order.recordedAs(error.order), pendingOrderOutputs(declared, license, error.order), declared);
  }
}

/**
 * Brings the subscription's seats to the declared ones and returns the outputs. When that fails, the subscription
 * exists all the same: the error records it in the state (a partial create or update), so the next run updates it and
 * never orders it again, even when OVH cannot be asked for the licence's name or the pending task now.
 */
async function convergeRecorded(
  ctx: OperationContext,
  change: { id: string; declared: SubscriptionInputs; live: OfficeSubscription; adopted: boolean },
): Promise<SubscriptionOutputs> {
  const { id, declared, adopted } = change;
  let live = change.live;
  const subject = subscriptionResourceId(declared.serviceName, live.id);
  try {
    const first = live;
    live = await withLock(subject, () => convergeSeats(ctx, declared, first.id, id, first));
    return await outputsFor(ctx, declared, live, adopted);
  } catch (error) {
    const properties = await outputsFor(ctx, declared, live, adopted).catch(() => outputsFrom(declared, live, adopted, `licence ${live.licenseId}`, []));
    throw withPartialState(error, id, properties, declared);
  }
}


function graceEnd(state: PendingOrderOutputs, waits: Pick<OperationContext, "orderListingGraceMs"> = configuredWaits()): string {
  return new Date(Date.parse(state.pendingOrder.orderedAt) + orderListingGraceMs(waits)).toISOString();
}

export async function read(id: string, props?: StoredSubscription): Promise<pulumi.dynamic.ReadResult> {
  const ctx = operationContext();
  const target = subscriptionTarget(id, props);
  if (target.kind === "pendingOrder") return readPendingOrder(ctx, id, target.state);
  const { serviceName, subscriptionId } = target;
  // The group's billing figures are read beside its listing, not after it: a refresh waits one answer per group, not two.
  const readStartedAt = Date.now();
  if (ctx.readBillingPeriod !== false) void groupBillingFigures(ctx.requester, serviceName).catch(() => undefined);
  const live = await readSubscription(ctx.requester, serviceName, subscriptionId);
  if (!live) {
    tell(id, "no longer exists at OVH (deleted outside this program): it is removed from the state");
    return { id: "", props: {} };
  }
  if (isTerminalStatus(live.status)) {
    tell(id, `is "${live.status}" at OVH (deleted outside this program): it is removed from the state`);
    return { id: "", props: {} };
  }
  // An import (`pulumi import`) reads with the id alone: it adopts the subscription, declared as a program would.
  const importing = props === undefined;
  const old: Partial<SubscriptionOutputs> = (props as SubscriptionOutputs | undefined) ?? {};
  const declared: SubscriptionInputs = importing
    ? await importedDeclaration(ctx, serviceName, live)
    : {
        serviceName,
        seats: live.quantity,
        license: old.license,
        licenseId: old.license === undefined ? live.licenseId : undefined,
        parentSubscriptionId: old.parentSubscriptionId,
        ...copyDeclaredSettings(old, {}),
      };
  if (old.seats !== undefined && old.seats !== live.quantity) seatsChangedElsewhere(ctx.requester, serviceName, readStartedAt);
  const knownName = old.licenseId === live.licenseId ? old.licenseName : undefined;
  const outs = await outputsFor(ctx, declared, live, importing || (old.adopted ?? false), knownName);
  const resourceId = subscriptionResourceId(serviceName, subscriptionId);
  claimed.add(resourceId);
  // The id of a pending order whose subscription an update found becomes the subscription's now.
  return { id: resourceId, props: outs, inputs: inputsFromOutputs(outs) };
}

/**
 * What a program declares to adopt this subscription: its licence by name (by id when the group no longer offers it),
 * its seats, its id, and for an add-on the subscription it belongs to (OVH tells only through each subscription's
 * add-on list: one read per base subscription of the group).
 */
async function importedDeclaration(ctx: OperationContext, serviceName: string, live: OfficeSubscription): Promise<SubscriptionInputs> {
  const declared: SubscriptionInputs = { serviceName, seats: live.quantity, subscriptionId: live.id };
  const license = await licenseById(ctx.requester, serviceName, live.licenseId);
  if (license) declared.license = license.name;
  else declared.licenseId = live.licenseId;
  if (license?.licenceType === "ADDON") {
    const parent = await addonParentOf(ctx.requester, serviceName, live);
    if (parent !== undefined) declared.parentSubscriptionId = parent;
  }
  return declared;
}

/** A refresh of a pending order: its subscription once OVH shows it (the resource then takes its id), else the order. */
async function readPendingOrder(ctx: OperationContext, id: string, state: PendingOrderOutputs): Promise<pulumi.dynamic.ReadResult> {
  const { serviceName } = state;
  const found = await findEarlierOrderResult(ctx, serviceName, state.pendingOrder, claims.inGroup(serviceName));
  const declared = declaredOf(state);
  if (!found) {
    tell(id, `${describeOrder(state)} does not show at OVH yet: the next \`pulumi up\` looks for it again, and orders again only after ${graceEnd(state, ctx)} if it has not appeared`);
    return { id, props: state, inputs: declared };
  }
  const resourceId = subscriptionResourceId(serviceName, found.id);
  claims.add(resourceId);
  tell(id, `${describeOrder(state)} shows now as subscription ${found.id}: the resource takes its id`);
  const outs = await outputsFor(ctx, declared, found, false, state.licenseName);
  return { id: resourceId, props: outs, inputs: inputsFromOutputs(outs) };
}

export async function update(id: string, olds: StoredSubscription, news: SubscriptionInputs): Promise<pulumi.dynamic.UpdateResult> {
  const ctx = operationContext();
  const target = subscriptionTarget(id, olds);
  return { outs: await changingGroup(ctx.requester, target.serviceName, () => updateIn(ctx, id, target, news, olds.adopted ?? news.subscriptionId !== undefined)) };
}

async function updateIn(ctx: OperationContext, id: string, target: SubscriptionTarget, news: SubscriptionInputs, adopted: boolean): Promise<SubscriptionOutputs> {
  if (target.kind === "pendingOrder") {
    // The order kept in the state is looked for first; the id becomes the subscription's at the next refresh.
    const license = await resolveDeclaredLicense(ctx.requester, target.serviceName, news);
    const live = await orderRecorded(ctx, { declared: news, license, subject: id, recordedAs: () => id, earlier: target.state });
    return convergeRecorded(ctx, { id, declared: news, live, adopted: false });
  }
  const live = await findSubscriptionInUse(ctx.requester, target.serviceName, target.subscriptionId);
  if (!live) throw deletedMeanwhile(id, target.serviceName, news.subscriptionId !== undefined);
  return convergeRecorded(ctx, { id, declared: news, live, adopted });
}

export async function remove(id: string, props: StoredSubscription): Promise<void> {
  const target = subscriptionTarget(id, props);
  if (target.kind === "pendingOrder") return removePendingOrder(operationContext(), id, target.state);
  await removeSubscription(id, target.serviceName, target.subscriptionId, props as SubscriptionOutputs);
}

async function removeSubscription(id: string, serviceName: string, subscriptionId: number, props: Partial<SubscriptionOutputs>): Promise<void> {
  const resourceId = subscriptionResourceId(serviceName, subscriptionId);
  if (takenOver.has(resourceId)) {
    throw new Error(
      `${id}: not deleted: another resource of this program took subscription ${subscriptionId} over in this run (a ` +
        `resource renamed without an alias is created anew, finds the subscription, and the old one is deleted). ` +
        `Nothing was deleted. If the resource was renamed, give it \`aliases\` with its old name and run again; or drop the ` +
        `old one from the state with \`pulumi state delete <urn>\`.`,
    );
  }
  if (!isDeletionAllowed(deletionAllowance(), serviceName, subscriptionId)) {
    const what = props.seats !== undefined ? `its ${props.seats} seats of "${props.licenseName ?? props.license}"` : "its seats";
    throw new Error(
      `${id}: not deleted. Deleting this subscription at OVH cancels ${what} for the customer, and this stack does not ` +
        `allow it. ${deletionAdvice(serviceName, subscriptionId)}`,
    );
  }
  const ctx = operationContext();
  await changingGroup(ctx.requester, serviceName, () =>
    withLock(resourceId, () => deleteSubscription(ctx, { serviceName, subscriptionId, subject: id, timeoutMs: taskTimeoutMs(props) })),
  );
  claimed.delete(resourceId);
}

/**
 * Removing a pending order: its subscription, once OVH shows it, is deleted like any other (with the stack's allowance);
 * one another resource of this run took is left to it. While it may still appear, nothing leaves the state: a
 * subscription that showed up later would be billed and managed by nobody.
 */
async function removePendingOrder(ctx: OperationContext, id: string, state: PendingOrderOutputs): Promise<void> {
  const { serviceName } = state;
  const found = await findEarlierOrderResult(ctx, serviceName, state.pendingOrder, new Set());
  if (found) {
    const resourceId = subscriptionResourceId(serviceName, found.id);
    if (claimed.has(resourceId)) {
      tell(id, `${describeOrder(state)} shows as subscription ${found.id}, which another resource of this program manages now: only this record leaves the state`);
      return;
    }
    tell(id, `${describeOrder(state)} shows now as subscription ${found.id}`);
    return removeSubscription(id, serviceName, found.id, { ...state, licenseName: state.licenseName, seats: found.quantity });
  }
  const graceEndsAt = Date.parse(state.pendingOrder.orderedAt) + orderListingGraceMs(ctx);
  if (wallClock(ctx) < graceEndsAt) {
    throw new Error(
      `${id}: not removed: ${describeOrder(state)} does not show at OVH yet, and it may still appear; removed from the ` +
        `state now, it would be billed and managed by nobody. Run again after ${new Date(graceEndsAt).toISOString()}; or, ` +
        `if the control panel shows no such subscription, \`pulumi state delete <urn>\` drops it now.`,
    );
  }
  tell(id, `${describeOrder(state)} never showed up at OVH in ${formatDuration(orderListingGraceMs(ctx))}: nothing to delete, it leaves the state`);
}

/** Takes the subscription over, once the adoption rules (those `pulumi preview` checked) hold against it read live. */
async function adoptSubscription(ctx: OperationContext, declared: SubscriptionInputs, subscriptionId: number): Promise<OfficeSubscription> {
  const id = subscriptionResourceId(declared.serviceName, subscriptionId);
  const { live, problems } = await examineAdoption(ctx.requester, { ...declared, subscriptionId }, csp2.findSubscription);
  if (problems.length > 0 || !live) throw new Error(problems.map((problem) => `${problem.property}: ${problem.reason}`).join(" "));
  if (claimed.has(id)) throw new Error(`subscriptionId: subscription ${id} is already managed by another resource of this program.`);
  claims.takeOver(id);
  ctx.tell(id, `adopted (${live.quantity} seats)`);
  return live;
}

async function outputsFor(
  ctx: OperationContext,
  declared: SubscriptionInputs,
  live: OfficeSubscription,
  adopted: boolean,
  knownLicenseName?: string,
): Promise<SubscriptionOutputs> {
  const { requester } = ctx;
  const licenseName =
    knownLicenseName ?? (await licenseById(requester, declared.serviceName, live.licenseId))?.name ?? `licence ${live.licenseId}`;
  const pendingTasks =
    live.taskPendingId > 0 ? await pendingTasksOf(requester, declared.serviceName, [live.taskPendingId]) : [];
  const subject = subscriptionResourceId(declared.serviceName, live.id);
  const billingPeriod =
    ctx.readBillingPeriod === false
      ? undefined
      : await readBillingPeriod(requester, { serviceName: declared.serviceName, licenseId: live.licenseId, seats: live.quantity }, (reason) => ctx.tell(subject, reason));
  return outputsFrom(declared, live, adopted, licenseName, pendingTasks, billingPeriod);
}

/** The outputs stored in state: what was declared, with the live subscription. */
function outputsFrom(
  declared: SubscriptionInputs,
  live: OfficeSubscription,
  adopted: boolean,
  licenseName: string,
  pendingTasks: PendingTask[],
  billingPeriod?: BillingPeriod,
): SubscriptionOutputs {
  const outputs: SubscriptionOutputs = {
    serviceName: declared.serviceName,
    licenseId: live.licenseId,
    licenseName: licenseName,
    seats: live.quantity,
    subscriptionId: live.id,
    adopted,
    status: live.status,
    creationDate: live.creationDate,
    lastUpdate: live.lastUpdate ?? null,
    taskPendingId: live.taskPendingId,
    pendingTasks: pendingTasks.map((task) => ({ id: task.id, function: task.function, status: task.status, todoDate: task.todoDate })),
  };
  if (declared.license !== undefined) outputs.license = declared.license;
  if (declared.parentSubscriptionId !== undefined) outputs.parentSubscriptionId = declared.parentSubscriptionId;
  copyDeclaredSettings(declared, outputs);
  if (billingPeriod !== undefined) outputs.billingPeriod = billingPeriod;
  return outputs;
}
