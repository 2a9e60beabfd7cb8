/** Changes through /saas/csp2: the tenant and service, and subscriptions, each checked as OVH and Microsoft check it. */
import { badRequest, classError, conflict, forbidden } from "../ovh-errors";
import { formatDatetime, HOUR_MS } from "../time";
import type { Account } from "./account";
import { availableAddonLicenseIds, subscriptionOf, taskView } from "./csp2-views";
import { activeGroup, findLicense } from "./groups";
import { isLingering, type LicenseGroupState, type LicenseState, type SubscriptionState } from "./state";

const TENANT_WRITABLE = ["address", "city", "displayName", "email", "firstName", "lastName", "mpnId", "phone", "zipCode"] as const;

export function updateTenant(account: Account, serviceName: string, body: Record<string, unknown>): void {
  const group = activeGroup(account.state, serviceName);
  if (typeof body.displayName === "string" && body.displayName.trim() === "") {
    throw badRequest("[displayName] must not be empty");
  }
  for (const key of TENANT_WRITABLE) {
    if (body[key] !== undefined) (group.tenant as unknown as Record<string, unknown>)[key] = body[key];
  }
  account.markChanged();
}

export function updateServiceInfos(account: Account, serviceName: string, body: Record<string, unknown>): void {
  const group = activeGroup(account.state, serviceName);
  const renew = body.renew as Partial<LicenseGroupState["service"]["renew"]> | null | undefined;
  if (renew) {
    group.service.renew = { ...group.service.renew, ...renew };
    group.service.renewMode = group.service.renew.automatic ? "automatic" : "manual";
    account.markChanged();
  }
}

// ---- subscriptions: each change checks what OVH and Microsoft check, then starts a task ----

function mutableGroup(account: Account, serviceName: string): LicenseGroupState {
  const group = activeGroup(account.state, serviceName);
  if (group.tenant.status === "suspended" || group.tenant.status === "suspending") {
    throw classError(460, "Client::ServiceSuspended", `The service ${serviceName} is ${group.tenant.status}: settle it in the OVH control panel before changing licences`);
  }
  return group;
}

/** The refusal of a change while a task runs; only the 409 variant names the task. */
function refuseIfPending(account: Account, group: LicenseGroupState, subscription: SubscriptionState): void {
  const pending = account.pendingTaskOn(group, subscription.id);
  if (!pending) return;
  const refusal = account.settings.pendingTaskRefusal;
  if (refusal === 409) {
    throw conflict(
      `Subscription ${subscription.id} already has a pending task (id ${pending.id}, ${pending.function}, ${account.taskStatus(pending)}): wait until it ends before requesting another change`,
      { taskId: String(pending.id) },
    );
  }
  const message = "An operation is already in progress on this subscription, please try again later";
  throw refusal === 400 ? badRequest(message) : forbidden(message);
}

/** A deleted subscription that lingers is still shown, but nothing can be done with it. */
function refuseIfDeleted(subscription: SubscriptionState): void {
  if (isLingering(subscription)) throw badRequest(`Subscription ${subscription.id} is ${subscription.status}: it can no longer be changed`);
}

/** A subscription that exists, is not deleted, and has no task running. */
function changeableSubscription(account: Account, group: LicenseGroupState, id: number): SubscriptionState {
  const subscription = subscriptionOf(group, id);
  refuseIfDeleted(subscription);
  refuseIfPending(account, group, subscription);
  return subscription;
}

/** The `mpnIdRequired` variant: no order without the tenant's Microsoft Partner Network id. */
function refuseWithoutMpnId(account: Account, group: LicenseGroupState): void {
  if (!account.settings.mpnIdRequired || (group.tenant.mpnId ?? "").trim() !== "") return;
  throw forbidden(
    `The tenant of ${group.serviceName} has no MPN ID (Microsoft Partner Network id), which Microsoft requires to order licences: set it with PUT /saas/csp2/${group.serviceName} {"mpnId": "…"}, then order again`,
  );
}

function checkQuantity(quantity: number): void {
  if (quantity < 1) throw badRequest(`[quantity] must be at least 1 (got ${quantity}): to remove every seat, delete the subscription`);
}

/** Seats the group will hold of a licence once its pending tasks end, leaving out one subscription. */
function projectedSeats(account: Account, group: LicenseGroupState, licenseId: number, excludeSubscriptionId: number | null): number {
  let total = 0;
  const pending = account.pendingTasks(group);
  for (const s of Object.values(group.subscriptions)) {
    if (s.licenseId !== licenseId || s.id === excludeSubscriptionId || isLingering(s)) continue;
    const task = pending.find((t) => t.subscriptionId === s.id && (t.function === "changeQuantity" || t.function === "deleteSubscription"));
    total += task?.function === "deleteSubscription" ? 0 : (task?.quantity ?? s.quantity);
  }
  for (const t of pending) {
    if ((t.function === "addSubscription" || t.function === "orderAddon") && t.licenseId === licenseId) total += t.quantity ?? 0;
  }
  return total;
}

function checkLimit(account: Account, group: LicenseGroupState, license: LicenseState, quantity: number, excludeSubscriptionId: number | null): void {
  if (license.limit === null) return;
  const total = projectedSeats(account, group, license.id, excludeSubscriptionId) + quantity;
  if (total > license.limit) {
    throw badRequest(
      `[quantity] ${quantity} seats of '${license.name}' (licence ${license.id}) would bring ${group.serviceName} to ${total} seats, over the licence limit of ${license.limit}`,
    );
  }
}

export function createSubscription(account: Account, serviceName: string, body: { licenseId: number; quantity: number }): Record<string, unknown> {
  const group = mutableGroup(account, serviceName);
  refuseWithoutMpnId(account, group);
  const license = group.licenseIds.includes(body.licenseId) ? findLicense(account.state, body.licenseId) : undefined;
  if (!license) {
    throw badRequest(`[licenseId] Licence ${body.licenseId} is not orderable on ${serviceName}: list the orderable ones with GET /saas/csp2/${serviceName}/orderableLicenses`);
  }
  if (license.licenceType === "ADDON") {
    throw badRequest(`[licenseId] '${license.name}' (licence ${license.id}) is an add-on: order it on its base subscription with POST /saas/csp2/${serviceName}/subscription/{id}/orderAddon`);
  }
  if (!license.newSubscriptionsAllowed) {
    throw forbidden(`New subscriptions to '${license.name}' (licence ${license.id}) are no longer sold: choose a current licence`);
  }
  checkQuantity(body.quantity);
  checkLimit(account, group, license, body.quantity, null);
  const task = account.createTask(group, { function: "addSubscription", subscriptionId: null, licenseId: license.id, quantity: body.quantity });
  return taskView(account, task);
}

export function changeQuantity(account: Account, serviceName: string, id: number, body: { quantity: number }): Record<string, unknown> {
  const group = mutableGroup(account, serviceName);
  const subscription = changeableSubscription(account, group, id);
  checkQuantity(body.quantity);
  const license = findLicense(account.state, subscription.licenseId) as LicenseState;
  if (body.quantity === subscription.quantity) {
    throw badRequest(`[quantity] Subscription ${id} already has ${subscription.quantity} seats`);
  }
  let refusedLater = false;
  if (body.quantity > subscription.quantity) {
    if (!license.newSeatsAllowed) {
      throw forbidden(`No new seats can be added to '${license.name}' (licence ${license.id}): it is no longer sold; move these users to a current licence`);
    }
    checkLimit(account, group, license, body.quantity, subscription.id);
  } else {
    const windowHours = account.settings.seatDecreaseWindowHours;
    const sinceHours = (account.now() - subscription.lastSeatIncrease) / HOUR_MS;
    const outsideWindow = sinceHours > windowHours;
    if (outsideWindow && account.settings.seatDecreaseRefusal === "immediate") {
      throw forbidden(
        `Seats of subscription ${id} ('${license.name}') cannot be decreased from ${subscription.quantity} to ${body.quantity}: Microsoft only accepts a decrease within ${windowHours} hours of the subscription's creation or last seat increase (${formatDatetime(subscription.lastSeatIncrease)}, ${Math.floor(sinceHours)} hours ago). Keep the seats until the renewal, or delete the subscription.`,
        { lastSeatIncrease: formatDatetime(subscription.lastSeatIncrease), windowHours },
      );
    }
    // Under the taskError variant OVH takes the request, and Microsoft's refusal shows only as the task's end.
    refusedLater = outsideWindow;
  }
  const task = account.createTask(
    group,
    { function: "changeQuantity", subscriptionId: id, licenseId: subscription.licenseId, quantity: body.quantity },
    refusedLater ? { outcome: "error" } : {},
  );
  return taskView(account, task);
}

export function deleteSubscription(account: Account, serviceName: string, id: number): Record<string, unknown> {
  const group = mutableGroup(account, serviceName);
  const subscription = changeableSubscription(account, group, id);
  const task = account.createTask(group, { function: "deleteSubscription", subscriptionId: id, licenseId: subscription.licenseId, quantity: null });
  return taskView(account, task);
}

export function orderAddon(account: Account, serviceName: string, id: number, body: { licenseId: number; quantity: number }): Record<string, unknown> {
  const group = mutableGroup(account, serviceName);
  refuseWithoutMpnId(account, group);
  const parent = subscriptionOf(group, id);
  refuseIfDeleted(parent);
  const available = availableAddonLicenseIds(account, serviceName, id);
  if (!available.includes(body.licenseId)) {
    throw badRequest(
      `[licenseId] Licence ${body.licenseId} is not an add-on available for subscription ${id}` +
        (available.length > 0 ? ` (available: ${available.join(", ")})` : ": this subscription takes no add-on"),
    );
  }
  refuseIfPending(account, group, parent);
  checkQuantity(body.quantity);
  const license = findLicense(account.state, body.licenseId) as LicenseState;
  if (!license.newSubscriptionsAllowed) throw forbidden(`'${license.name}' (licence ${license.id}) is no longer sold`);
  checkLimit(account, group, license, body.quantity, null);
  const task = account.createTask(group, { function: "orderAddon", subscriptionId: id, licenseId: license.id, quantity: body.quantity });
  return taskView(account, task);
}
