import type * as pulumi from "@pulumi/pulumi";
import * as csp2 from "../csp2";
import type { OfficeLicence, OfficeSubscription, OfficeTask } from "../csp2";
import { OvhApiError, OvhNetworkError } from "../ovh/errors";
import type { OvhRequester } from "../ovh/types";
import { licenceById, orderableLicences, resolveDeclaredLicence } from "./catalogue";
import { withLock } from "./locks";
import { type PendingTask, pendingTasksOf, taskProgressReporter, waitForPendingTask } from "./pending-tasks";
import { configureFromStack, ovhClient, tell } from "./provider-config";
import type { SubscriptionInputs, SubscriptionOutputs } from "./subscription";
import {
  checkSubscriptionInputs,
  decideOrder,
  defaultTaskTimeoutMinutes,
  diffSubscription,
  type ExistingSubscription,
  hasPendingTask,
  inputsFromOutputs,
  parseSubscriptionResourceId,
  seatGuardProblem,
  subscriptionResourceId,
} from "./subscription-rules";

/** The Subscription resource's operations against OVH. The provider object in subscription.ts delegates here. */

/** Subscriptions managed by a resource in this process, so two resources never manage one subscription. */
const claimed = new Set<string>();

export const configure = configureFromStack;

export async function check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
  return checkSubscriptionInputs(olds, news);
}

export async function diff(id: string, olds: SubscriptionOutputs, news: SubscriptionInputs): Promise<pulumi.dynamic.DiffResult> {
  if (hasPendingTask(olds)) {
    const tasks = (olds.pendingTasks ?? []).map((task) => `${task.id} (${task.function}, ${task.status})`).join(", ");
    tell(id, `OVH task ${tasks || olds.taskPendingId} is pending: the update will wait for it`);
  }
  return diffSubscription(olds, news);
}

export async function create(inputs: SubscriptionInputs): Promise<pulumi.dynamic.CreateResult> {
  const requester = ovhClient();
  const declared = inputs;
  const subject = `${declared.serviceName}/${declared.license ?? declared.licenseId ?? declared.subscriptionId}`;
  let live: OfficeSubscription;
  let adopted: boolean;
  if (declared.subscriptionId !== undefined) {
    live = await adoptSubscription(requester, declared, declared.subscriptionId);
    adopted = true;
  } else {
    const licence = await resolveDeclaredLicence(requester, declared.serviceName, declared);
    live = await orderSubscription(requester, declared, licence, subject);
    adopted = false;
  }
  const id = subscriptionResourceId(declared.serviceName, live.id);
  try {
    live = await withLock(id, () => convergeSeats(requester, declared, live.id, id));
  } catch (error) {
    // The subscription exists: record it in state (a partial create) so the next run updates it, never reorders it.
    throw Object.assign(error instanceof Error ? error : new Error(String(error)), {
      id,
      properties: await outputsFor(requester, declared, live, adopted),
    });
  }
  return { id, outs: await outputsFor(requester, declared, live, adopted) };
}

export async function read(id: string, props?: SubscriptionOutputs): Promise<pulumi.dynamic.ReadResult> {
  const requester = ovhClient();
  const { serviceName, subscriptionId } = parseSubscriptionResourceId(id);
  let live: OfficeSubscription;
  try {
    live = await csp2.getSubscription(requester, serviceName, subscriptionId);
  } catch (error) {
    if (error instanceof OvhApiError && error.isNotFound) {
      tell(id, "no longer exists at OVH (deleted outside this program): it is removed from the state");
      return { id: "", props: {} };
    }
    throw error;
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
  const outs = await outputsFor(requester, declared, live, old.adopted ?? false, knownName);
  claimed.add(id);
  return { id, props: outs, inputs: inputsFromOutputs(outs) };
}

export async function update(id: string, olds: SubscriptionOutputs, news: SubscriptionInputs): Promise<pulumi.dynamic.UpdateResult> {
  const requester = ovhClient();
  const { subscriptionId } = parseSubscriptionResourceId(id);
  const live = await withLock(id, () => convergeSeats(requester, news, subscriptionId, id));
  return { outs: await outputsFor(requester, news, live, olds.adopted ?? news.subscriptionId !== undefined) };
}

export async function remove(id: string, props: SubscriptionOutputs): Promise<void> {
  const requester = ovhClient();
  const { serviceName, subscriptionId } = parseSubscriptionResourceId(id);
  const timeoutMs = taskTimeoutMs(props);
  await withLock(id, async () => {
    const live = await csp2.findSubscription(requester, serviceName, subscriptionId);
    if (!live) {
      tell(id, "already deleted at OVH");
      return;
    }
    // After a run killed mid-delete, the pending task may be this very deletion.
    if (await waitForPendingTask(requester, serviceName, live, id, timeoutMs)) {
      await deleteAndWait(requester, serviceName, subscriptionId, id, timeoutMs);
    }
    claimed.delete(id);
    tell(id, "deleted");
  });
}

async function deleteAndWait(requester: OvhRequester, serviceName: string, subscriptionId: number, subject: string, timeoutMs: number): Promise<void> {
  let task: OfficeTask;
  try {
    task = await csp2.deleteSubscription(requester, serviceName, subscriptionId);
  } catch (error) {
    if (error instanceof OvhApiError && error.isNotFound) return;
    if (!isAmbiguous(error)) throw error;
    const after = await csp2.findSubscription(requester, serviceName, subscriptionId);
    if (!after) return;
    if (after.taskPendingId <= 0) throw error;
    task = await csp2.getTask(requester, serviceName, after.taskPendingId);
  }
  tell(subject, `deleting: OVH task ${task.id} (${task.function})`);
  await csp2.waitForTask(requester, serviceName, task.id, { timeoutMs, onProgress: taskProgressReporter(subject) });
}

async function adoptSubscription(requester: OvhRequester, declared: SubscriptionInputs, subscriptionId: number): Promise<OfficeSubscription> {
  const id = subscriptionResourceId(declared.serviceName, subscriptionId);
  const live = await csp2.findSubscription(requester, declared.serviceName, subscriptionId);
  if (!live) {
    throw new Error(
      `subscriptionId: subscription ${subscriptionId} does not exist in licence group ${declared.serviceName}: ` +
        `\`ovh-office365 status ${declared.serviceName}\` lists its subscriptions.`,
    );
  }
  if (declared.license !== undefined || declared.licenseId !== undefined) {
    const licence = await resolveDeclaredLicence(requester, declared.serviceName, declared);
    if (licence.id !== live.licenseId) {
      const liveName = (await licenceById(requester, declared.serviceName, live.licenseId))?.name ?? `licence ${live.licenseId}`;
      throw new Error(
        `subscriptionId: subscription ${subscriptionId} is a "${liveName}" subscription, not "${licence.name}": ` +
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
  claimed.add(id);
  tell(id, `adopted (${live.quantity} seats)`);
  return live;
}

async function orderSubscription(
  requester: OvhRequester,
  declared: SubscriptionInputs,
  licence: OfficeLicence,
  subject: string,
): Promise<OfficeSubscription> {
  const { serviceName, parentSubscriptionId, seats } = declared;
  csp2.checkSeatChange(licence, 0, seats);
  await checkAddonPlacement(requester, serviceName, licence, parentSubscriptionId);
  return withLock(`${serviceName}|order|${licence.id}|${parentSubscriptionId ?? ""}`, async () => {
    const timeoutMs = taskTimeoutMs(declared);
    // OVH shows an add-on order as a task of its parent: wait for it, so an interrupted order is found, not repeated.
    if (parentSubscriptionId !== undefined) await waitForParentTask(requester, serviceName, parentSubscriptionId, subject, timeoutMs);
    const before = await groupSnapshot(requester, serviceName);
    for (const task of before.creationTasks) {
      tell(subject, `OVH task ${task.id} (${task.function}) is still running in the group, maybe an order from an interrupted run: waiting for it`);
      await csp2.waitForTask(requester, serviceName, task.id, { timeoutMs, onProgress: taskProgressReporter(subject) }).catch((error) => {
        tell(subject, `earlier task ${task.id} did not complete (${(error as Error).message}); going on`);
      });
    }
    const current = before.creationTasks.length > 0 ? await groupSnapshot(requester, serviceName) : before;
    const matching = await matchingSubscriptions(requester, serviceName, current.subscriptions, licence.id, parentSubscriptionId);
    const claimedHere = new Set([...claimed].filter((key) => key.startsWith(`${serviceName}/`)).map((key) => Number(key.slice(serviceName.length + 1))));
    const decision = decideOrder(matching, seats, claimedHere, Date.now(), `"${licence.name}"`);
    if (decision.action === "refuse") throw new Error(`${subject}: ${decision.reason}`);
    if (decision.action === "resume") {
      tell(subject, `found subscription ${decision.subscriptionId} with ${seats} seats, ordered by an earlier interrupted run: using it instead of ordering again`);
      claimed.add(subscriptionResourceId(serviceName, decision.subscriptionId));
      return csp2.getSubscription(requester, serviceName, decision.subscriptionId);
    }

    const idsBefore = new Set(current.subscriptions.map((s) => s.id));
    const body = { licenseId: licence.id, quantity: seats };
    let task: Pick<OfficeTask, "id" | "function"> | undefined;
    try {
      task =
        parentSubscriptionId === undefined
          ? await csp2.createSubscription(requester, serviceName, body)
          : await csp2.orderAddon(requester, serviceName, parentSubscriptionId, body);
    } catch (error) {
      if (!isAmbiguous(error)) throw error;
      tell(subject, "OVH did not confirm the order: checking whether it was placed before going on");
      task = await findOrderAfterAmbiguousFailure(requester, serviceName, idsBefore, licence.id, error as Error);
    }
    if (task) {
      tell(subject, `ordered ${seats} seats of "${licence.name}": OVH task ${task.id} (${task.function})`);
      await csp2.waitForTask(requester, serviceName, task.id, { timeoutMs, onProgress: taskProgressReporter(subject) });
    }
    const created = await findNewSubscription(requester, serviceName, idsBefore, licence.id);
    if (!created) {
      throw new Error(
        `${subject}: OVH finished the order task but no new "${licence.name}" subscription appeared in ${serviceName}. ` +
          `Check \`ovh-office365 status ${serviceName}\`; a re-run will not order again if the subscription shows up.`,
      );
    }
    claimed.add(subscriptionResourceId(serviceName, created.id));
    return created;
  });
}

async function waitForParentTask(requester: OvhRequester, serviceName: string, parentSubscriptionId: number, subject: string, timeoutMs: number) {
  const parent = await csp2.findSubscription(requester, serviceName, parentSubscriptionId);
  if (parent) await waitForPendingTask(requester, serviceName, parent, `${subject} (parent subscription ${parentSubscriptionId})`, timeoutMs);
}

/** After an order call with no clear answer: look for its task or its subscription for a while before deciding. */
async function findOrderAfterAmbiguousFailure(
  requester: OvhRequester,
  serviceName: string,
  idsBefore: ReadonlySet<number>,
  licenseId: number,
  failure: Error,
): Promise<PendingTask | undefined> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const snapshot = await groupSnapshot(requester, serviceName);
    if (snapshot.creationTasks.length > 0) return snapshot.creationTasks[snapshot.creationTasks.length - 1];
    if (await findNewSubscription(requester, serviceName, idsBefore, licenseId)) return undefined;
    await new Promise((resolve) => setTimeout(resolve, 3000));
  }
  throw new Error(
    `${failure.message} No task and no new subscription appeared in ${serviceName} within 30 s, so the order was most ` +
      `likely not placed. Re-run \`pulumi up\`: it checks again before ordering and will not order twice.`,
  );
}

async function checkAddonPlacement(requester: OvhRequester, serviceName: string, licence: OfficeLicence, parentSubscriptionId?: number) {
  if (parentSubscriptionId === undefined) {
    if (licence.licenceType === "ADDON") {
      throw new Error(
        `license: "${licence.name}" is an add-on: set parentSubscriptionId to the subscription it extends ` +
          `(in licences.yaml, list it under \`addons:\` of that licence).`,
      );
    }
    return;
  }
  let available: number[];
  try {
    available = await csp2.listAvailableAddonLicenses(requester, serviceName, parentSubscriptionId);
  } catch (error) {
    if (!(error instanceof OvhApiError && error.isNotFound)) throw error;
    throw new Error(
      `parentSubscriptionId: subscription ${parentSubscriptionId} does not exist in licence group ${serviceName}: ` +
        `\`ovh-office365 status ${serviceName}\` lists its subscriptions.`,
    );
  }
  if (!available.includes(licence.id)) {
    const catalogue = await orderableLicences(requester, serviceName);
    const names = available.map((id) => `"${catalogue.find((l) => l.id === id)?.name ?? `licence ${id}`}"`);
    throw new Error(
      `parentSubscriptionId: "${licence.name}" cannot be added to subscription ${parentSubscriptionId} ` +
        `(its add-ons: ${names.join(", ") || "none"}): pick one of those, or remove parentSubscriptionId ` +
        `(in licences.yaml, move it out of \`addons:\`).`,
    );
  }
}

interface GroupSnapshot {
  subscriptions: OfficeSubscription[];
  /** Running tasks not attached to an existing subscription: orders in progress. */
  creationTasks: PendingTask[];
}

async function groupSnapshot(requester: OvhRequester, serviceName: string): Promise<GroupSnapshot> {
  // Tasks first: a seat change started meanwhile is then either not listed or shown on its subscription. One that
  // ends between the two reads still looks like an order in progress; callers wait for it, which never orders twice.
  const running = await pendingTasksOf(requester, serviceName);
  const ids = await csp2.listSubscriptions(requester, serviceName);
  const subscriptions = await Promise.all(ids.map((id) => csp2.getSubscription(requester, serviceName, id)));
  const attached = new Set(subscriptions.map((s) => s.taskPendingId).filter((id) => id > 0));
  return { subscriptions, creationTasks: running.filter((task) => !attached.has(task.id)) };
}

async function matchingSubscriptions(
  requester: OvhRequester,
  serviceName: string,
  subscriptions: OfficeSubscription[],
  licenseId: number,
  parentSubscriptionId?: number,
): Promise<ExistingSubscription[]> {
  let candidates = subscriptions.filter((s) => s.licenseId === licenseId);
  if (parentSubscriptionId !== undefined) {
    const addons = new Set(await csp2.listAddonsSubscriptionIds(requester, serviceName, parentSubscriptionId));
    candidates = candidates.filter((s) => addons.has(s.id));
  }
  return candidates.map((s) => ({ id: s.id, licenseId: s.licenseId, quantity: s.quantity, creationDate: s.creationDate }));
}

async function findNewSubscription(
  requester: OvhRequester,
  serviceName: string,
  idsBefore: ReadonlySet<number>,
  licenseId: number,
): Promise<OfficeSubscription | undefined> {
  const ids = (await csp2.listSubscriptions(requester, serviceName)).filter((id) => !idsBefore.has(id));
  const fresh = await Promise.all(ids.map((id) => csp2.getSubscription(requester, serviceName, id)));
  return fresh.filter((s) => s.licenseId === licenseId).sort((a, b) => b.id - a.id)[0];
}

/** Brings the live seat count to the declared one: waits for a pending task first, checks the guard rails, verifies. */
async function convergeSeats(requester: OvhRequester, declared: SubscriptionInputs, subscriptionId: number, subject: string): Promise<OfficeSubscription> {
  const { serviceName, seats } = declared;
  const timeoutMs = taskTimeoutMs(declared);
  const gone = () => deletedMeanwhile(subject, serviceName, declared.subscriptionId !== undefined);
  const reread = async (): Promise<OfficeSubscription> => {
    const found = await csp2.findSubscription(requester, serviceName, subscriptionId);
    if (!found) throw gone();
    return found;
  };
  const settle = async (subscription: OfficeSubscription): Promise<OfficeSubscription> => {
    const settled = await waitForPendingTask(requester, serviceName, subscription, subject, timeoutMs);
    if (!settled) throw gone();
    return settled;
  };
  let live = await settle(await reread());
  if (live.quantity === seats) return live;

  const guard = seatGuardProblem(live.quantity, seats, declared.maxSeatChange);
  if (guard) throw new Error(`seats: ${guard}.`);
  const licence = await licenceById(requester, serviceName, live.licenseId);
  if (licence) csp2.checkSeatChange(licence, live.quantity, seats);

  let task: OfficeTask | undefined;
  try {
    task = await changeQuantity(requester, serviceName, subscriptionId, seats, async () => settle(await reread()));
  } catch (error) {
    if (!isAmbiguous(error)) throw explainSeatRefusal(error, live.quantity, seats);
    tell(subject, "OVH did not confirm the seat change: checking what happened");
    const after = await reread();
    if (after.taskPendingId <= 0 && after.quantity !== seats) throw error;
    if (after.taskPendingId > 0) task = await csp2.getTask(requester, serviceName, after.taskPendingId);
  }
  if (task) {
    tell(subject, `seats ${live.quantity} => ${seats}: OVH task ${task.id} (${task.function})`);
    await csp2.waitForTask(requester, serviceName, task.id, { timeoutMs, onProgress: taskProgressReporter(subject) });
  }
  live = await reread();
  if (live.quantity !== seats) {
    throw new Error(
      `${subject}: OVH finished the seat change but the subscription has ${live.quantity} seats, not ${seats}. ` +
        `Someone may have changed it meanwhile: run \`pulumi refresh\` and try again.`,
    );
  }
  return live;
}

/** `changeQuantity`, waiting once for a task that OVH says is still pending (started by someone else meanwhile). */
async function changeQuantity(
  requester: OvhRequester,
  serviceName: string,
  subscriptionId: number,
  seats: number,
  waitForOtherTask: () => Promise<unknown>,
): Promise<OfficeTask> {
  try {
    return await csp2.changeQuantity(requester, serviceName, subscriptionId, { quantity: seats });
  } catch (error) {
    if (!(error instanceof OvhApiError) || error.status !== 409) throw error;
    await waitForOtherTask();
    return csp2.changeQuantity(requester, serviceName, subscriptionId, { quantity: seats });
  }
}

function deletedMeanwhile(subject: string, serviceName: string, adopted: boolean): Error {
  const next = adopted
    ? "then remove the resource, or adopt another subscription with subscriptionId"
    : "then `pulumi up` orders it again";
  return new Error(
    `${subject}: the subscription was deleted at OVH (by a task pending on it, or in the control panel). ` +
      `Run \`pulumi refresh\` to drop it from the state, ${next}; \`ovh-office365 tasks ${serviceName}\` shows the tasks.`,
  );
}

function explainSeatRefusal(error: unknown, from: number, to: number): unknown {
  if (!(error instanceof OvhApiError) || to >= from || error.status >= 500) return error;
  error.message =
    `${error.message} Lowering seats (${from} => ${to}) was refused: Microsoft only accepts seat decreases shortly ` +
    `after seats were added. Keep ${from} seats until the renewal date (set seats: ${from}), or ask OVH support.`;
  return error;
}

async function outputsFor(
  requester: OvhRequester,
  declared: SubscriptionInputs,
  live: OfficeSubscription,
  adopted: boolean,
  knownLicenceName?: string,
): Promise<SubscriptionOutputs> {
  const licenceName =
    knownLicenceName ?? (await licenceById(requester, declared.serviceName, live.licenseId))?.name ?? `licence ${live.licenseId}`;
  const pendingTasks =
    live.taskPendingId > 0 ? await pendingTasksOf(requester, declared.serviceName, [live.taskPendingId]) : [];
  const outputs: SubscriptionOutputs = {
    serviceName: declared.serviceName,
    licenseId: live.licenseId,
    licenseName: licenceName,
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

/** A failure after which OVH may or may not have applied the change. */
function isAmbiguous(error: unknown): boolean {
  return error instanceof OvhNetworkError || (error instanceof OvhApiError && error.status >= 500);
}

function taskTimeoutMs(declared: { taskTimeoutMinutes?: number }): number {
  return (declared.taskTimeoutMinutes ?? defaultTaskTimeoutMinutes) * 60_000;
}
