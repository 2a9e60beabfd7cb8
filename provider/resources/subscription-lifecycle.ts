import type * as pulumi from "@pulumi/pulumi";
import * as csp2 from "../csp2";
import type { OfficeSubscription, PendingTask } from "../csp2";
import { licenseById, orderCheckFailures, resolveDeclaredLicense } from "./catalogue";
import { allowDeleteAdvice, deletionAdvice, isDeletionAllowed } from "./deletion-intent";
import { changingGroup, readSubscription } from "./group-listings";
import { withLock } from "./locks";
import type { OperationContext } from "./operation-context";
import { pendingTasksOf } from "./pending-tasks";
import { configureFromStack, deletionAllowance, operationContext, tell } from "./provider-config";
import type { SubscriptionInputs, SubscriptionOutputs } from "./subscription-types";
import { deleteSubscription } from "./subscription-deletion";
import { orderSubscription, type SubscriptionClaims } from "./subscription-ordering";
import {
  checkSubscriptionInputs,
  diffSubscription,
  hasPendingTask,
  inputsFromOutputs,
  isTerminalStatus,
  parseSubscriptionResourceId,
  subscriptionResourceId,
  taskTimeoutMs,
} from "./subscription-rules";
import { convergeSeats } from "./subscription-seats";

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
  return { inputs: checked.inputs, failures: await orderCheckFailures(() => operationContext().requester, olds, news) };
}

export async function diff(id: string, olds: SubscriptionOutputs, news: SubscriptionInputs): Promise<pulumi.dynamic.DiffResult> {
  if (hasPendingTask(olds)) {
    const tasks = (olds.pendingTasks ?? []).map((task) => `${task.id} (${task.function}, ${task.status})`).join(", ");
    tell(id, `OVH task ${tasks || olds.taskPendingId} is pending: the update will wait for it`);
  }
  const result = diffSubscription(olds, news);
  const { serviceName, subscriptionId } = parseSubscriptionResourceId(id);
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

export async function create(inputs: SubscriptionInputs): Promise<pulumi.dynamic.CreateResult> {
  const ctx = operationContext();
  return changingGroup(ctx.requester, inputs.serviceName, () => createIn(ctx, inputs));
}

async function createIn(ctx: OperationContext, declared: SubscriptionInputs): Promise<pulumi.dynamic.CreateResult> {
  const subject = `${declared.serviceName}/${declared.license ?? declared.licenseId ?? declared.subscriptionId}`;
  let live: OfficeSubscription;
  let adopted: boolean;
  if (declared.subscriptionId !== undefined) {
    live = await adoptSubscription(ctx, declared, declared.subscriptionId);
    adopted = true;
  } else {
    const license = await resolveDeclaredLicense(ctx.requester, declared.serviceName, declared);
    live = await orderSubscription(ctx, { declared, license, subject, claims });
    adopted = false;
  }
  const id = subscriptionResourceId(declared.serviceName, live.id);
  try {
    const fresh = live;
    live = await withLock(id, () => convergeSeats(ctx, declared, fresh.id, id, fresh));
  } catch (error) {
    // The subscription exists: record it in state (a partial create) so the next run updates it, never reorders it,
    // even when OVH cannot be asked for the licence's name or the pending task now.
    const properties = await outputsFor(ctx, declared, live, adopted).catch(() => outputsFrom(declared, live, adopted, `licence ${live.licenseId}`, []));
    throw Object.assign(error instanceof Error ? error : new Error(String(error)), { id, properties });
  }
  return { id, outs: await outputsFor(ctx, declared, live, adopted) };
}

export async function read(id: string, props?: SubscriptionOutputs): Promise<pulumi.dynamic.ReadResult> {
  const ctx = operationContext();
  const { serviceName, subscriptionId } = parseSubscriptionResourceId(id);
  const live = await readSubscription(ctx.requester, serviceName, subscriptionId);
  if (!live) {
    tell(id, "no longer exists at OVH (deleted outside this program): it is removed from the state");
    return { id: "", props: {} };
  }
  if (isTerminalStatus(live.status)) {
    tell(id, `is "${live.status}" at OVH (deleted outside this program): it is removed from the state`);
    return { id: "", props: {} };
  }
  const old: Partial<SubscriptionOutputs> = props ?? {};
  const declared: SubscriptionInputs = {
    serviceName,
    seats: live.quantity,
    license: old.license,
    licenseId: old.license === undefined ? live.licenseId : undefined,
    parentSubscriptionId: old.parentSubscriptionId,
    maxSeatChange: old.maxSeatChange,
    taskTimeoutMinutes: old.taskTimeoutMinutes,
  };
  const knownName = old.licenseId === live.licenseId ? old.licenseName : undefined;
  const outs = await outputsFor(ctx, declared, live, old.adopted ?? false, knownName);
  claimed.add(id);
  return { id, props: outs, inputs: inputsFromOutputs(outs) };
}

export async function update(id: string, olds: SubscriptionOutputs, news: SubscriptionInputs): Promise<pulumi.dynamic.UpdateResult> {
  const ctx = operationContext();
  const { serviceName, subscriptionId } = parseSubscriptionResourceId(id);
  const live = await changingGroup(ctx.requester, serviceName, () => withLock(id, () => convergeSeats(ctx, news, subscriptionId, id)));
  return { outs: await outputsFor(ctx, news, live, olds.adopted ?? news.subscriptionId !== undefined) };
}

export async function remove(id: string, props: SubscriptionOutputs): Promise<void> {
  const { serviceName, subscriptionId } = parseSubscriptionResourceId(id);
  if (takenOver.has(id)) {
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
    withLock(id, () => deleteSubscription(ctx, { serviceName, subscriptionId, subject: id, timeoutMs: taskTimeoutMs(props) })),
  );
  claimed.delete(id);
}

async function adoptSubscription(ctx: OperationContext, declared: SubscriptionInputs, subscriptionId: number): Promise<OfficeSubscription> {
  const { requester } = ctx;
  const id = subscriptionResourceId(declared.serviceName, subscriptionId);
  const live = await csp2.findSubscription(requester, declared.serviceName, subscriptionId);
  if (!live || isTerminalStatus(live.status)) {
    const state = live ? ` (it is "${live.status}": deleted)` : "";
    throw new Error(
      `subscriptionId: subscription ${subscriptionId} does not exist in licence group ${declared.serviceName}${state}: ` +
        `\`ovh-office365 status ${declared.serviceName}\` lists its subscriptions.`,
    );
  }
  if (declared.license !== undefined || declared.licenseId !== undefined) {
    const license = await resolveDeclaredLicense(requester, declared.serviceName, declared);
    if (license.id !== live.licenseId) {
      const liveName = (await licenseById(requester, declared.serviceName, live.licenseId))?.name ?? `licence ${live.licenseId}`;
      throw new Error(
        `subscriptionId: subscription ${subscriptionId} is a "${liveName}" subscription, not "${license.name}": ` +
          `fix license/licenseId, or adopt another subscription.`,
      );
    }
  }
  if (declared.parentSubscriptionId !== undefined) {
    const addons = await csp2.listAddonsSubscriptionIds(requester, declared.serviceName, declared.parentSubscriptionId);
    if (!addons.includes(subscriptionId)) {
      throw new Error(
        `parentSubscriptionId: subscription ${subscriptionId} is not an add-on of subscription ${declared.parentSubscriptionId}: ` +
          `remove parentSubscriptionId or fix it.`,
      );
    }
  }
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
  return outputsFrom(declared, live, adopted, licenseName, pendingTasks);
}

/** The outputs stored in state: what was declared, with the live subscription. */
function outputsFrom(
  declared: SubscriptionInputs,
  live: OfficeSubscription,
  adopted: boolean,
  licenseName: string,
  pendingTasks: PendingTask[],
): SubscriptionOutputs {
  const outputs: SubscriptionOutputs = {
    serviceName: declared.serviceName,
    licenseId: live.licenseId,
    licenseName,
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
  if (declared.maxSeatChange !== undefined) outputs.maxSeatChange = declared.maxSeatChange;
  if (declared.taskTimeoutMinutes !== undefined) outputs.taskTimeoutMinutes = declared.taskTimeoutMinutes;
  return outputs;
}
