import { OvhApiError } from "../ovh/errors";
import { fetchEach, listAll, listModeSupported, listObjects } from "../ovh/list-mode";
import type { OvhRequester } from "../ovh/types";
import { call } from "./call";
import { Csp2InputError } from "./errors";
import { byId, groupFetchListOptions, groupListQuery, routeOf, type GroupFetchOptions } from "./listing";
import type {
  OfficeSubscription,
  OfficeTask,
  SubscriptionChangeQuantityCreation,
  SubscriptionCreation,
  SubscriptionOrderAddonCreation,
} from "./models";

/** Ids of the group's subscriptions. */
export function listSubscriptions(requester: OvhRequester, serviceName: string): Promise<number[]> {
  return call(requester, "GET /saas/csp2/{serviceName}/subscription", { path: { serviceName } });
}

export function getSubscription(requester: OvhRequester, serviceName: string, subscriptionId: number): Promise<OfficeSubscription> {
  return call(requester, "GET /saas/csp2/{serviceName}/subscription/{id}", { path: { serviceName, id: subscriptionId } });
}

const SUBSCRIPTION_LIST = "GET /saas/csp2/{serviceName}/subscription";

export type FetchSubscriptionsOptions = GroupFetchOptions;

/**
 * The group's subscriptions, read live (`Pragma: no-cache`), sorted by id: in list mode one call (per 5000), else the
 * ids and one GET per subscription (`only` narrows those), leaving out any deleted between the two. Absence from
 * this list is not proof of deletion: a subscription ordered or deleted while the list was read may be missed, so
 * confirm with `findSubscription` before acting on it.
 */
export async function fetchSubscriptions(requester: OvhRequester, serviceName: string, options: FetchSubscriptionsOptions = {}): Promise<OfficeSubscription[]> {
  const subscriptions = await listAll<OfficeSubscription>(
    requester,
    groupListQuery(SUBSCRIPTION_LIST, { path: { serviceName } }),
    (id) => getSubscription(requester, serviceName, Number(id)),
    groupFetchListOptions(options),
  );
  return byId(subscriptions);
}

/**
 * The group's subscriptions in one list-mode call (per 5000), sorted by id; undefined when list mode is not available
 * for them on this endpoint. That costs no call when already known, else one plain id listing, the first time in the
 * process: for a caller that needs one subscription and reads the whole group only when that is one call.
 */
export async function tryFetchSubscriptions(requester: OvhRequester, serviceName: string): Promise<OfficeSubscription[] | undefined> {
  if (subscriptionsInOneCall(requester) === false) return undefined;
  const outcome = await listObjects<OfficeSubscription>(requester, groupListQuery(SUBSCRIPTION_LIST, { path: { serviceName } }));
  return outcome.kind === "objects" ? byId(outcome.items) : undefined;
}

/**
 * Whether a group's subscriptions are read in one call on this requester's endpoint: true, false (one GET per
 * subscription), or undefined until a listing was tried in this process.
 */
export function subscriptionsInOneCall(requester: OvhRequester): boolean | undefined {
  return listModeSupported(requester, routeOf(SUBSCRIPTION_LIST));
}

/** The subscription, or undefined when OVH answers 404 (deleted, or never existed). */
export async function findSubscription(requester: OvhRequester, serviceName: string, subscriptionId: number): Promise<OfficeSubscription | undefined> {
  try {
    return await getSubscription(requester, serviceName, subscriptionId);
  } catch (error) {
    if (error instanceof OvhApiError && error.isNotFound) return undefined;
    throw error;
  }
}

/** Orders a subscription. OVH answers with the task that creates it: the subscription exists once the task is done. */
export async function createSubscription(requester: OvhRequester, serviceName: string, order: SubscriptionCreation): Promise<OfficeTask> {
  checkQuantity(order.quantity);
  return call(requester, "POST /saas/csp2/{serviceName}/subscription", {
    path: { serviceName },
    body: { licenseId: order.licenseId, quantity: order.quantity },
  });
}

/** Terminates a subscription, through a task. */
export function deleteSubscription(requester: OvhRequester, serviceName: string, subscriptionId: number): Promise<OfficeTask> {
  return call(requester, "DELETE /saas/csp2/{serviceName}/subscription/{id}", { path: { serviceName, id: subscriptionId } });
}

/** Sets the seat count, through a task. */
export async function changeQuantity(
  requester: OvhRequester,
  serviceName: string,
  subscriptionId: number,
  change: SubscriptionChangeQuantityCreation,
): Promise<OfficeTask> {
  checkQuantity(change.quantity);
  return call(requester, "POST /saas/csp2/{serviceName}/subscription/{id}/changeQuantity", {
    path: { serviceName, id: subscriptionId },
    body: { quantity: change.quantity },
  });
}

/** Ids of the add-on subscriptions attached to a subscription. */
export function listAddonsSubscriptionIds(requester: OvhRequester, serviceName: string, subscriptionId: number): Promise<number[]> {
  return call(requester, "GET /saas/csp2/{serviceName}/subscription/{id}/addonsSubscriptionIds", { path: { serviceName, id: subscriptionId } });
}

/**
 * Which subscription each add-on belongs to, by add-on id: OVH's subscription has no parent field, only each
 * subscription's `addonsSubscriptionIds` tells (one GET per subscription asked; one deleted meanwhile is left out).
 */
export async function fetchAddonParents(requester: OvhRequester, serviceName: string, subscriptionIds: readonly number[]): Promise<Map<number, number>> {
  const parents = new Map<number, number>();
  const lists = await fetchEach(subscriptionIds, async (id) => ({ parent: Number(id), addons: await listAddonsSubscriptionIds(requester, serviceName, Number(id)) }));
  for (const { parent, addons } of lists) for (const addon of addons) parents.set(addon, parent);
  return parents;
}

/** Ids of the licences that can be ordered as add-ons of a subscription. */
export function listAvailableAddonLicenses(requester: OvhRequester, serviceName: string, subscriptionId: number): Promise<number[]> {
  return call(requester, "GET /saas/csp2/{serviceName}/subscription/{id}/availableAddonLicenses", { path: { serviceName, id: subscriptionId } });
}

/** Orders an add-on subscription attached to `parentSubscriptionId`, through a task. */
export async function orderAddon(
  requester: OvhRequester,
  serviceName: string,
  parentSubscriptionId: number,
  order: SubscriptionOrderAddonCreation,
): Promise<OfficeTask> {
  checkQuantity(order.quantity);
  return call(requester, "POST /saas/csp2/{serviceName}/subscription/{id}/orderAddon", {
    path: { serviceName, id: parentSubscriptionId },
    body: { licenseId: order.licenseId, quantity: order.quantity },
  });
}

function checkQuantity(quantity: number): void {
  if (!Number.isSafeInteger(quantity) || quantity < 1) {
    throw new Csp2InputError("quantity", quantity, "is not a seat count OVH accepts", "give a whole number of seats, at least 1");
  }
}
