import type * as pulumi from "@pulumi/pulumi";
import { amountProblem, currencyProblem, isSeatPrice, maxSeatPrice, monthlyIncreaseProblem } from "./seat-prices";
import type { PendingOrder, PendingOrderOutputs, StoredSubscription, SubscriptionInputs, SubscriptionOutputs } from "./subscription-types";
import {
  type CheckFailure,
  isUnknown,
  serviceNameProblem,
  textProblem,
  unknownKeyFailures,
  wholeNumberProblem,
} from "./input-checks";

/** Pure rules of the Subscription resource: validation, diffing, ids, and what to do after an interrupted order. */

export const subscriptionInputNames = [
  "serviceName",
  "license",
  "licenseId",
  "seats",
  "parentSubscriptionId",
  "subscriptionId",
  "maxSeatChange",
  "taskTimeoutMinutes",
  "seatPrice",
  "maxMonthlyIncrease",
] as const;

/** The declared settings stored beside the live subscription and given back as inputs: guard rails, timeout, price. */
export const declaredSettingNames = ["maxSeatChange", "taskTimeoutMinutes", "seatPrice", "maxMonthlyIncrease"] as const;
type DeclaredSettings = Pick<SubscriptionInputs, (typeof declaredSettingNames)[number]>;

/** Copies the declared settings that are set from `from` onto `to`. */
export function copyDeclaredSettings<T extends DeclaredSettings>(from: DeclaredSettings, to: T): T {
  for (const name of declaredSettingNames) {
    if (from[name] !== undefined) (to as Record<string, unknown>)[name] = from[name];
  }
  return to;
}

/** The largest `maxMonthlyIncrease`: a bill a billion a month higher is a typo. */
const maxMonthlyIncreaseAllowed = 1_000_000_000;

export const maxSeats = 1_000_000;
/** OVH API field names a reseller may write instead of this resource's inputs. */
const ovhFieldNames = { quantity: "seats", licenseName: "license", id: "subscriptionId" } as const;
const maxOvhId = Number.MAX_SAFE_INTEGER;
export const defaultTaskTimeoutMinutes = 30;
export const maxTaskTimeoutMinutes = 24 * 60;

/** `check`: every input validated before anything is called; `olds` are the previous inputs (live seats after refresh). */
export function checkSubscriptionInputs(olds: Record<string, unknown>, news: Record<string, unknown>): pulumi.dynamic.CheckResult {
  const failures: CheckFailure[] = unknownKeyFailures(news, subscriptionInputNames, { aliases: ovhFieldNames });
  const fail = (property: string, reason: string | undefined) => {
    if (reason) failures.push({ property, reason });
  };
  const known = (key: string) => news[key] !== undefined && !isUnknown(news[key]);

  if (news.serviceName === undefined) fail("serviceName", "is required: the licence group's service name (`ovh-office365 groups` lists them)");
  else if (known("serviceName")) fail("serviceName", serviceNameProblem(news.serviceName));

  const adopting = news.subscriptionId !== undefined;
  if (news.license !== undefined && news.licenseId !== undefined) {
    fail("license", "and licenseId are both set: keep one (the licence name, or its OVH id)");
  } else if (news.license === undefined && news.licenseId === undefined && !adopting) {
    fail("license", "is required (or licenseId): the licence name as listed by `ovh-office365 licences <serviceName>`");
  }
  if (known("license")) fail("license", textProblem(news.license, "a licence name as listed by `ovh-office365 licences <serviceName>`", 200));
  const idRule = (what: string) => ({ min: 1, max: maxOvhId, what });
  if (known("licenseId")) fail("licenseId", wholeNumberProblem(news.licenseId, idRule("an OVH licence id")));
  if (known("parentSubscriptionId")) fail("parentSubscriptionId", wholeNumberProblem(news.parentSubscriptionId, idRule("an OVH subscription id")));
  if (known("subscriptionId")) fail("subscriptionId", wholeNumberProblem(news.subscriptionId, idRule("an OVH subscription id")));

  if (news.seats === undefined) fail("seats", `is required: the number of seats, a whole number from 1 to ${maxSeats}`);
  else if (known("seats")) fail("seats", wholeNumberProblem(news.seats, { min: 1, max: maxSeats, what: "a seat count" }));
  if (known("maxSeatChange")) fail("maxSeatChange", wholeNumberProblem(news.maxSeatChange, { min: 1, max: maxSeats, what: "the largest seat change one run may make" }));
  if (known("taskTimeoutMinutes")) {
    fail("taskTimeoutMinutes", wholeNumberProblem(news.taskTimeoutMinutes, { min: 1, max: maxTaskTimeoutMinutes, what: "minutes to wait for one OVH task" }));
  }

  if (known("seatPrice")) fail("seatPrice", seatPriceProblem(news.seatPrice));
  if (known("maxMonthlyIncrease")) {
    fail("maxMonthlyIncrease", amountProblem(news.maxMonthlyIncrease, "the largest increase of the monthly bill one run may make", maxMonthlyIncreaseAllowed));
    if (news.seatPrice === undefined) {
      fail("maxMonthlyIncrease", "needs seatPrice ({monthly, currency}: the monthly price of one seat) to count the increase: set seatPrice, or remove maxMonthlyIncrease");
    }
  }

  if (failures.length === 0) {
    fail("seats", seatGuardProblem(olds.seats, news.seats, news.maxSeatChange));
    // An order (no seats before, nothing adopted) raises the bill by all its seats.
    const before = olds.seats ?? (adopting ? undefined : 0);
    fail("seats", monthlyIncreaseProblem(before, news.seats, news.seatPrice, news.maxMonthlyIncrease));
  }
  return { inputs: news, failures };
}

/** What is wrong with a `seatPrice` input, or undefined. */
function seatPriceProblem(value: unknown): string | undefined {
  const shape = "must be {monthly, currency}: the monthly price of one seat and its ISO 4217 currency code, e.g. {monthly: 5.6, currency: \"EUR\"}";
  if (typeof value !== "object" || value === null || Array.isArray(value)) return shape;
  const unknownKeys = Object.keys(value).filter((key) => key !== "monthly" && key !== "currency");
  if (unknownKeys.length > 0) return `has ${unknownKeys.map((key) => JSON.stringify(key)).join(", ")}: it ${shape}`;
  const { monthly, currency } = value as Record<string, unknown>;
  const monthlyProblem = isUnknown(monthly) ? undefined : amountProblem(monthly, "the monthly price of one seat", maxSeatPrice);
  if (monthlyProblem) return `.monthly ${monthlyProblem}`;
  const currencyText = isUnknown(currency) ? undefined : currencyProblem(currency);
  return currencyText && `.currency ${currencyText}`;
}

/** Why going from `current` to `wanted` seats breaks the `maxSeatChange` guard rail, or undefined. */
export function seatGuardProblem(current: unknown, wanted: unknown, maxSeatChange: unknown): string | undefined {
  if (typeof current !== "number" || typeof wanted !== "number" || typeof maxSeatChange !== "number") return undefined;
  const change = Math.abs(wanted - current);
  if (change <= maxSeatChange) return undefined;
  return (
    `${current} => ${wanted} changes ${change} seats, more than maxSeatChange (${maxSeatChange}) allows in one run: ` +
    `change the seats in smaller steps, or raise maxSeatChange if this change is intended`
  );
}

/**
 * Subscription statuses that mean "deleted": OVH does not publish its status values (docs/ovh-assumptions.md). A
 * subscription listed with one of these does not count as existing when ordering or adopting, and a refresh drops
 * it. Every other status, known or not, counts as existing, so an unknown status never leads to a second order.
 */
export const terminalSubscriptionStatuses = ["deleted", "terminated", "cancelled", "canceled"] as const;

export function isTerminalStatus(status: string): boolean {
  return (terminalSubscriptionStatuses as readonly string[]).includes(status.trim().toLowerCase());
}

export function taskTimeoutMs(declared: { taskTimeoutMinutes?: number }): number {
  return (declared.taskTimeoutMinutes ?? defaultTaskTimeoutMinutes) * 60_000;
}

export function normalizeLicenseName(name: string): string {
  return name.trim().replace(/\s+/g, " ").toLowerCase();
}

/** `diff`: `olds` are the stored outputs (or a pending order), `news` the checked inputs. */
export function diffSubscription(olds: StoredSubscription, news: SubscriptionInputs): pulumi.dynamic.DiffResult {
  const oldSubscriptionId = "subscriptionId" in olds ? olds.subscriptionId : undefined;
  const replaces: string[] = [];
  if (news.serviceName !== olds.serviceName) replaces.push("serviceName");
  if (news.licenseId !== undefined && news.licenseId !== olds.licenseId) replaces.push("licenseId");
  if (news.license !== undefined && normalizeLicenseName(news.license) !== normalizeLicenseName(olds.licenseName ?? olds.license ?? "")) {
    replaces.push("license");
  }
  if ((news.parentSubscriptionId ?? null) !== (olds.parentSubscriptionId ?? null)) replaces.push("parentSubscriptionId");
  if (news.subscriptionId !== undefined && news.subscriptionId !== oldSubscriptionId) replaces.push("subscriptionId");

  const declaredChanged =
    news.seats !== olds.seats ||
    (news.license ?? null) !== (olds.license ?? null) ||
    (news.maxSeatChange ?? null) !== (olds.maxSeatChange ?? null) ||
    (news.taskTimeoutMinutes ?? null) !== (olds.taskTimeoutMinutes ?? null) ||
    !sameSeatPrice(news.seatPrice, olds.seatPrice) ||
    (news.maxMonthlyIncrease ?? null) !== (olds.maxMonthlyIncrease ?? null);
  return {
    // A pending order is a change still to make: its subscription has yet to be found (or ordered again).
    changes: replaces.length > 0 || declaredChanged || isPendingOrderState(olds) || hasPendingTask(olds as SubscriptionOutputs),
    replaces,
    deleteBeforeReplace: false,
  };
}

function sameSeatPrice(a: unknown, b: unknown): boolean {
  if (!isSeatPrice(a) || !isSeatPrice(b)) return a === b;
  return a.monthly === b.monthly && a.currency === b.currency;
}

export function hasPendingTask(outputs: Partial<Pick<SubscriptionOutputs, "taskPendingId" | "pendingTasks">>): boolean {
  return (outputs.taskPendingId ?? 0) > 0 || (outputs.pendingTasks ?? []).length > 0;
}

/**
 * The inputs a refresh reports: what was declared, with the live seat count, so a change made in the control panel
 * shows in the next preview as `seats: 12 => 10`.
 */
export function inputsFromOutputs(outputs: SubscriptionOutputs): SubscriptionInputs {
  const inputs: SubscriptionInputs = { serviceName: outputs.serviceName, seats: outputs.seats };
  if (outputs.license !== undefined) inputs.license = outputs.license;
  else inputs.licenseId = outputs.licenseId;
  if (outputs.parentSubscriptionId !== undefined) inputs.parentSubscriptionId = outputs.parentSubscriptionId;
  if (outputs.adopted) inputs.subscriptionId = outputs.subscriptionId;
  return copyDeclaredSettings(outputs, inputs);
}

export function subscriptionResourceId(serviceName: string, subscriptionId: number): string {
  return `${serviceName}/${subscriptionId}`;
}

/**
 * The id of a resource whose order has not shown up yet: its subscription id is not known. It names the order's task
 * when one was seen, else when it was ordered.
 */
export function pendingOrderResourceId(serviceName: string, order: PendingOrder): string {
  return `${serviceName}/${pendingOrderIdPrefix}${order.taskId ?? Date.parse(order.orderedAt)}`;
}

const pendingOrderIdPrefix = "pending-order-";

/** The state holds an order whose subscription has not shown up yet (not one an update has since found). */
export function isPendingOrderState(state: Partial<StoredSubscription> | undefined): state is PendingOrderOutputs {
  return state !== undefined && "pendingOrder" in state && state.pendingOrder !== undefined && !("subscriptionId" in state && state.subscriptionId !== undefined);
}

/** What a resource's id and state point at at OVH: a subscription, or an order whose subscription has not shown up. */
export type SubscriptionTarget =
  | { kind: "subscription"; serviceName: string; subscriptionId: number }
  | { kind: "pendingOrder"; serviceName: string; state: PendingOrderOutputs };

/**
 * Where the id is a pending order's, the state says the rest: the order, or the subscription an update found for it
 * (the id itself changes at the next refresh, the only step that may change an id).
 */
export function subscriptionTarget(id: string, state?: Partial<StoredSubscription>): SubscriptionTarget {
  const slash = id.lastIndexOf("/");
  if (slash > 0 && id.slice(slash + 1).startsWith(pendingOrderIdPrefix)) {
    const serviceName = id.slice(0, slash);
    if (isPendingOrderState(state)) return { kind: "pendingOrder", serviceName, state };
    const found = (state as Partial<SubscriptionOutputs> | undefined)?.subscriptionId;
    if (typeof found === "number" && Number.isSafeInteger(found) && found > 0 && !serviceNameProblem(serviceName)) {
      return { kind: "subscription", serviceName, subscriptionId: found };
    }
    throw new Error(`Subscription id ${JSON.stringify(id)} names a pending order, but the state holds neither the order nor its subscription: the state was edited by hand or is corrupt.`);
  }
  return { kind: "subscription", ...parseSubscriptionResourceId(id) };
}

/** The state of a resource whose order has not shown up: what was declared, and the order. */
export function pendingOrderOutputs(declared: SubscriptionInputs, license: { id: number; name: string }, order: PendingOrder): PendingOrderOutputs {
  const outputs: PendingOrderOutputs = {
    serviceName: declared.serviceName,
    licenseId: license.id,
    licenseName: license.name,
    seats: declared.seats,
    adopted: false,
    pendingOrder: order,
  };
  if (declared.license !== undefined) outputs.license = declared.license;
  if (declared.parentSubscriptionId !== undefined) outputs.parentSubscriptionId = declared.parentSubscriptionId;
  return copyDeclaredSettings(declared, outputs);
}

/** The order a pending order's state keeps, for messages. */
export function describeOrder(state: PendingOrderOutputs): string {
  const { pendingOrder: order } = state;
  return `the order of ${order.seats} seats of "${state.licenseName}" placed at ${order.orderedAt}${order.taskId ? ` (OVH task ${order.taskId})` : ""}`;
}

/** What was declared, as a pending order's state keeps it. */
export function declaredOf(state: PendingOrderOutputs): SubscriptionInputs {
  const declared: SubscriptionInputs = { serviceName: state.serviceName, seats: state.seats };
  if (state.license !== undefined) declared.license = state.license;
  else declared.licenseId = state.licenseId;
  if (state.parentSubscriptionId !== undefined) declared.parentSubscriptionId = state.parentSubscriptionId;
  return copyDeclaredSettings(state, declared);
}

export function parseSubscriptionResourceId(id: string): { serviceName: string; subscriptionId: number } {
  const slash = id.lastIndexOf("/");
  const serviceName = id.slice(0, slash);
  const subscriptionId = Number(id.slice(slash + 1));
  if (slash <= 0 || serviceNameProblem(serviceName) || !Number.isSafeInteger(subscriptionId) || subscriptionId <= 0) {
    throw new Error(`Subscription id ${JSON.stringify(id)} is not "<serviceName>/<subscriptionId>": the state was edited by hand or is corrupt.`);
  }
  return { serviceName, subscriptionId };
}

/** A subscription as the ordering logic needs to see it. */
export interface ExistingSubscription {
  id: number;
  licenseId: number;
  quantity: number;
  creationDate: string;
  status: string;
}

/**
 * Statuses of a subscription in use, as far as known (docs/ovh-assumptions.md): only a subscription showing one of
 * these may be taken for the result of an interrupted order. Any other status refuses, rather than resume with a
 * subscription that may be a deleted one OVH still lists.
 */
const activeSubscriptionStatuses = ["ok", "active"] as const;

export function isActiveStatus(status: string): boolean {
  return (activeSubscriptionStatuses as readonly string[]).includes(status.trim().toLowerCase());
}

/** How many refusals explained by a running task (or a change in between) are waited out before giving up. */
export const maxRefusalsWaitedOut = 5;

/** How recent a matching subscription must be to count as the result of an interrupted earlier order. */
export const interruptedOrderWindowMs = 24 * 3600 * 1000;

export type OrderDecision =
  | { action: "order" }
  | { action: "resume"; subscriptionId: number }
  | { action: "refuse"; reason: string };

/**
 * Before ordering: a group holds at most one managed subscription per licence (per parent for add-ons). A recent one
 * in use with exactly the declared seats is the result of an earlier run that died after ordering: resume with it
 * instead of ordering twice. An older one, one with other seats, or one whose status is not known to mean in use, is
 * someone else's (or a deleted one OVH still lists): refuse, and say how to adopt it.
 */
export function decideOrder(
  matching: ExistingSubscription[],
  wantedSeats: number,
  claimed: ReadonlySet<number>,
  now: number,
  describeLicense: string,
): OrderDecision {
  const unclaimed = matching.filter((s) => !claimed.has(s.id));
  const resumable = unclaimed
    .filter((s) => s.quantity === wantedSeats && isActiveStatus(s.status) && now - Date.parse(s.creationDate) <= interruptedOrderWindowMs)
    .sort((a, b) => Date.parse(b.creationDate) - Date.parse(a.creationDate));
  if (resumable.length > 0) return { action: "resume", subscriptionId: resumable[0].id };
  if (matching.length === 0) return { action: "order" };
  const listed = matching.map((s) => `${s.id} (${s.quantity} seats, created ${s.creationDate}${isActiveStatus(s.status) ? "" : `, status "${s.status}"`})`).join(", ");
  const owner = unclaimed.length === 0 ? " and another resource of this program already manages it" : "";
  return {
    action: "refuse",
    reason:
      `the group already has a subscription for ${describeLicense}: ${listed}${owner}. Ordering another would bill the ` +
      `licence twice. To manage the existing one, set subscriptionId: ${matching[0].id} (adoption); to keep it out of ` +
      `this program, remove this resource.`,
  };
}
