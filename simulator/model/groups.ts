import { createHash } from "crypto";
import { objectNotFound } from "../ovh-errors";
import { DAY_MS } from "../time";
import { isLingering, type LicenseGroupState, type LicenseState, type SimulatorState, type SubscriptionState, type TenantState } from "./state";

export type TenantFields = Omit<TenantState, "creationDate" | "status" | "mpnIssueFlag">;

/** Deterministic UUID so the same seed gives the same account. */
function uuidFrom(text: string): string {
  const hex = createHash("sha256").update(text).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function addLicenseGroup(state: SimulatorState, serviceName: string, tenant: Partial<TenantFields>, createdAt: number): LicenseGroupState {
  if (state.groups[serviceName]) throw new Error(`A licence group named ${serviceName} already exists`);
  const group: LicenseGroupState = {
    serviceName,
    iamId: uuidFrom(`csp2:${serviceName}`),
    tenant: {
      displayName: tenant.displayName ?? serviceName,
      firstName: tenant.firstName ?? "",
      lastName: tenant.lastName ?? "",
      email: tenant.email ?? "",
      phone: tenant.phone ?? "",
      address: tenant.address ?? "",
      city: tenant.city ?? "",
      zipCode: tenant.zipCode ?? "",
      mpnId: tenant.mpnId ?? null,
      mpnIssueFlag: null,
      status: "ok",
      creationDate: createdAt,
    },
    service: {
      serviceId: state.nextIds.service++,
      creation: createdAt,
      expiration: nextMonthlyRenewal(createdAt, createdAt),
      displayName: null,
      renewMode: "automatic",
      renewPeriod: "P1M",
      renew: { automatic: true, deleteAtExpiration: false, forced: false, manualPayment: false, period: 1 },
      terminationPolicy: "empty",
      terminationToken: null,
      terminatedAt: null,
    },
    licenseIds: state.licences.map((l) => l.id),
    subscriptions: {},
    tasks: {},
    pendingTaskIds: [],
    seatEvents: [],
  };
  state.groups[serviceName] = group;
  return group;
}

/** The first monthly anniversary of `creation` that is after `now`. */
export function nextMonthlyRenewal(creation: number, now: number): number {
  let expiration = creation + 30 * DAY_MS;
  while (expiration <= now) expiration += 30 * DAY_MS;
  return expiration;
}

export function refreshExpiration(group: LicenseGroupState, now: number): void {
  if (group.service.expiration <= now) group.service.expiration = nextMonthlyRenewal(group.service.creation, now);
}

/** A group that exists and is not terminated, or OVH's 404. */
export function activeGroup(state: SimulatorState, serviceName: string): LicenseGroupState {
  const group = state.groups[serviceName];
  if (!group || group.service.terminatedAt !== null) throw objectNotFound("serviceName", serviceName);
  return group;
}

export function findLicense(state: SimulatorState, licenseId: number): LicenseState | undefined {
  return state.licences.find((l) => l.id === licenseId);
}

export function insertSubscription(
  state: SimulatorState,
  group: LicenseGroupState,
  init: { licenseId: number; quantity: number; parentSubscriptionId: number | null },
  at: number,
): SubscriptionState {
  const subscription: SubscriptionState = {
    id: state.nextIds.subscription++,
    licenseId: init.licenseId,
    quantity: init.quantity,
    status: "ok",
    creationDate: at,
    lastUpdate: at,
    lastSeatIncrease: at,
    parentSubscriptionId: init.parentSubscriptionId,
  };
  group.subscriptions[subscription.id] = subscription;
  group.seatEvents.push({ at, subscriptionId: subscription.id, licenseId: subscription.licenseId, quantity: subscription.quantity });
  return subscription;
}

export function setSubscriptionQuantity(group: LicenseGroupState, subscription: SubscriptionState, quantity: number, at: number): void {
  if (quantity > subscription.quantity) subscription.lastSeatIncrease = at;
  subscription.quantity = quantity;
  subscription.lastUpdate = at;
  group.seatEvents.push({ at, subscriptionId: subscription.id, licenseId: subscription.licenseId, quantity });
}

/** How a deleted subscription stays visible: with this status, until this time. */
export interface Linger {
  status: string;
  until: number;
}

/**
 * Deletes a subscription and its add-ons (an add-on cannot outlive its base licence): gone at once, or, with
 * `linger`, kept visible with the given status until `linger.until`. Either way its seats end now.
 */
export function removeSubscription(group: LicenseGroupState, subscriptionId: number, at: number, linger?: Linger): void {
  for (const addon of Object.values(group.subscriptions)) {
    if (addon.parentSubscriptionId === subscriptionId) removeSubscription(group, addon.id, at, linger);
  }
  const subscription = group.subscriptions[subscriptionId];
  if (!subscription) return;
  const deletedBefore = isLingering(subscription);
  if (!deletedBefore) group.seatEvents.push({ at, subscriptionId, licenseId: subscription.licenseId, quantity: 0 });
  if (!linger) delete group.subscriptions[subscriptionId];
  else if (!deletedBefore) Object.assign(subscription, { status: linger.status, lastUpdate: at, lingersUntil: linger.until });
}

/** Drops the deleted subscriptions whose lingering time is over; true when any was dropped. */
export function dropExpiredLingering(group: LicenseGroupState, now: number): boolean {
  let dropped = false;
  for (const subscription of Object.values(group.subscriptions)) {
    if (subscription.lingersUntil !== undefined && subscription.lingersUntil <= now) {
      delete group.subscriptions[subscription.id];
      dropped = true;
    }
  }
  return dropped;
}
