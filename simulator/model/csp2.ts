import { badRequest, classError, conflict, forbidden, objectNotFound } from "../ovh-errors";
import { formatDate, formatDatetime, formatNullableDatetime, DAY_MS, HOUR_MS, startOfParisDay } from "../time";
import type { Account } from "./account";
import { activeGroup, findLicence, refreshExpiration } from "./groups";
import { isLingering, isTaskEnded, type LicenceGroupState, type LicenceState, type SubscriptionState, type TaskState } from "./state";

/** API views of the /saas/csp2 models, built from the account state. */
export function tenantView(account: Account, serviceName: string): Record<string, unknown> {
  const group = activeGroup(account.state, serviceName);
  const t = group.tenant;
  return {
    address: t.address,
    city: t.city,
    creationDate: formatDatetime(t.creationDate),
    displayName: t.displayName,
    email: t.email,
    firstName: t.firstName,
    iam: {
      displayName: t.displayName,
      id: group.iamId,
      tags: null,
      urn: `urn:v1:eu:resource:csp2:${group.serviceName}`,
    },
    lastName: t.lastName,
    mpnId: t.mpnId,
    mpnIssueFlag: t.mpnIssueFlag,
    phone: t.phone,
    serviceName: group.serviceName,
    status: t.status,
    zipCode: t.zipCode,
  };
}

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

export function serviceInfosView(account: Account, serviceName: string): Record<string, unknown> {
  const group = activeGroup(account.state, serviceName);
  refreshExpiration(group, account.now());
  const s = group.service;
  return {
    canDeleteAtExpiration: true,
    contactAdmin: account.state.nichandle,
    contactBilling: account.state.nichandle,
    contactTech: account.state.nichandle,
    creation: formatDate(s.creation),
    domain: group.serviceName,
    engagedUpTo: null,
    expiration: formatDate(s.expiration),
    possibleRenewPeriod: [1],
    renew: { ...s.renew },
    renewalType: "automaticV2016",
    serviceId: s.serviceId,
    status: group.tenant.status === "suspended" ? "expired" : "ok",
  };
}

export function updateServiceInfos(account: Account, serviceName: string, body: Record<string, unknown>): void {
  const group = activeGroup(account.state, serviceName);
  const renew = body.renew as Partial<LicenceGroupState["service"]["renew"]> | null | undefined;
  if (renew) {
    group.service.renew = { ...group.service.renew, ...renew };
    group.service.renewMode = group.service.renew.automatic ? "automatic" : "manual";
    account.markChanged();
  }
}

function groupLicence(account: Account, group: LicenceGroupState, licenseId: number, paramName: string): LicenceState {
  const licence = group.licenseIds.includes(licenseId) ? findLicence(account.state, licenseId) : undefined;
  if (!licence) throw objectNotFound(paramName, licenseId);
  return licence;
}

export function orderableLicenseIds(account: Account, serviceName: string): number[] {
  return [...activeGroup(account.state, serviceName).licenseIds];
}

export function licenceView(account: Account, serviceName: string, licenseId: number): Record<string, unknown> {
  const l = groupLicence(account, activeGroup(account.state, serviceName), licenseId, "id");
  return {
    id: l.id,
    licenceType: l.licenceType,
    limit: l.limit,
    name: l.name,
    newSeatsAllowed: l.newSeatsAllowed,
    newSubscriptionsAllowed: l.newSubscriptionsAllowed,
  };
}

export function subscriptionIds(account: Account, serviceName: string): number[] {
  return Object.values(activeGroup(account.state, serviceName).subscriptions)
    .map((s) => s.id)
    .sort((a, b) => a - b);
}

function subscriptionOf(group: LicenceGroupState, id: number): SubscriptionState {
  const subscription = group.subscriptions[id];
  if (!subscription) throw objectNotFound("id", id);
  return subscription;
}

export function subscriptionView(account: Account, serviceName: string, id: number): Record<string, unknown> {
  const group = activeGroup(account.state, serviceName);
  const s = subscriptionOf(group, id);
  return {
    creationDate: formatDatetime(s.creationDate),
    id: s.id,
    lastUpdate: formatNullableDatetime(s.lastUpdate),
    licenseId: s.licenseId,
    quantity: s.quantity,
    status: s.status,
    taskPendingId: account.taskPendingId(group, s),
  };
}

export function addonSubscriptionIds(account: Account, serviceName: string, id: number): number[] {
  const group = activeGroup(account.state, serviceName);
  subscriptionOf(group, id);
  return Object.values(group.subscriptions)
    .filter((s) => s.parentSubscriptionId === id)
    .map((s) => s.id)
    .sort((a, b) => a - b);
}

export function availableAddonLicenseIds(account: Account, serviceName: string, id: number): number[] {
  const group = activeGroup(account.state, serviceName);
  const subscription = subscriptionOf(group, id);
  const base = findLicence(account.state, subscription.licenseId);
  return (base?.addonIds ?? []).filter((addonId) => group.licenseIds.includes(addonId));
}

export function taskView(account: Account, task: TaskState): Record<string, unknown> {
  return {
    finishDate: isTaskEnded(task) ? formatNullableDatetime(task.endDate) : null,
    function: task.function,
    id: task.id,
    status: account.taskStatus(task),
    todoDate: formatDatetime(task.todoDate),
  };
}

/** Whether OVH still shows a task: an ended one vanishes under the `finishedTasks: "vanish"` variant. */
function isTaskShown(account: Account, task: TaskState): boolean {
  return account.settings.finishedTasks === "kept" || !isTaskEnded(task);
}

export function taskIds(account: Account, serviceName: string): number[] {
  return Object.values(activeGroup(account.state, serviceName).tasks)
    .filter((t) => isTaskShown(account, t))
    .map((t) => t.id)
    .sort((a, b) => a - b);
}

export function taskViewById(account: Account, serviceName: string, id: number): Record<string, unknown> {
  const task = activeGroup(account.state, serviceName).tasks[id];
  if (!task || !isTaskShown(account, task)) throw objectNotFound("id", id);
  return taskView(account, task);
}

// ---- changes: each checks what OVH and Microsoft check, then starts a task ----

function mutableGroup(account: Account, serviceName: string): LicenceGroupState {
  const group = activeGroup(account.state, serviceName);
  if (group.tenant.status === "suspended" || group.tenant.status === "suspending") {
    throw classError(460, "Client::ServiceSuspended", `The service ${serviceName} is ${group.tenant.status}: settle it in the OVH control panel before changing licences`);
  }
  return group;
}

/** The refusal of a change while a task runs; only the 409 variant names the task. */
function refuseIfPending(account: Account, group: LicenceGroupState, subscription: SubscriptionState): void {
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
function changeableSubscription(account: Account, group: LicenceGroupState, id: number): SubscriptionState {
  const subscription = subscriptionOf(group, id);
  refuseIfDeleted(subscription);
  refuseIfPending(account, group, subscription);
  return subscription;
}

/** The `mpnIdRequired` variant: no order without the tenant's Microsoft Partner Network id. */
function refuseWithoutMpnId(account: Account, group: LicenceGroupState): void {
  if (!account.settings.mpnIdRequired || (group.tenant.mpnId ?? "").trim() !== "") return;
  throw forbidden(
    `The tenant of ${group.serviceName} has no MPN ID (Microsoft Partner Network id), which Microsoft requires to order licences: set it with PUT /saas/csp2/${group.serviceName} {"mpnId": "…"}, then order again`,
  );
}

function checkQuantity(quantity: number): void {
  if (quantity < 1) throw badRequest(`[quantity] must be at least 1 (got ${quantity}): to remove every seat, delete the subscription`);
}

/** Seats the group will hold of a licence once its pending tasks end, leaving out one subscription. */
function projectedSeats(account: Account, group: LicenceGroupState, licenseId: number, excludeSubscriptionId: number | null): number {
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

function checkLimit(account: Account, group: LicenceGroupState, licence: LicenceState, quantity: number, excludeSubscriptionId: number | null): void {
  if (licence.limit === null) return;
  const total = projectedSeats(account, group, licence.id, excludeSubscriptionId) + quantity;
  if (total > licence.limit) {
    throw badRequest(
      `[quantity] ${quantity} seats of '${licence.name}' (licence ${licence.id}) would bring ${group.serviceName} to ${total} seats, over the licence limit of ${licence.limit}`,
    );
  }
}

export function createSubscription(account: Account, serviceName: string, body: { licenseId: number; quantity: number }): Record<string, unknown> {
  const group = mutableGroup(account, serviceName);
  refuseWithoutMpnId(account, group);
  const licence = group.licenseIds.includes(body.licenseId) ? findLicence(account.state, body.licenseId) : undefined;
  if (!licence) {
    throw badRequest(`[licenseId] Licence ${body.licenseId} is not orderable on ${serviceName}: list the orderable ones with GET /saas/csp2/${serviceName}/orderableLicenses`);
  }
  if (licence.licenceType === "ADDON") {
    throw badRequest(`[licenseId] '${licence.name}' (licence ${licence.id}) is an add-on: order it on its base subscription with POST /saas/csp2/${serviceName}/subscription/{id}/orderAddon`);
  }
  if (!licence.newSubscriptionsAllowed) {
    throw forbidden(`New subscriptions to '${licence.name}' (licence ${licence.id}) are no longer sold: choose a current licence`);
  }
  checkQuantity(body.quantity);
  checkLimit(account, group, licence, body.quantity, null);
  const task = account.createTask(group, { function: "addSubscription", subscriptionId: null, licenseId: licence.id, quantity: body.quantity });
  return taskView(account, task);
}

export function changeQuantity(account: Account, serviceName: string, id: number, body: { quantity: number }): Record<string, unknown> {
  const group = mutableGroup(account, serviceName);
  const subscription = changeableSubscription(account, group, id);
  checkQuantity(body.quantity);
  const licence = findLicence(account.state, subscription.licenseId) as LicenceState;
  if (body.quantity === subscription.quantity) {
    throw badRequest(`[quantity] Subscription ${id} already has ${subscription.quantity} seats`);
  }
  let refusedLater = false;
  if (body.quantity > subscription.quantity) {
    if (!licence.newSeatsAllowed) {
      throw forbidden(`No new seats can be added to '${licence.name}' (licence ${licence.id}): it is no longer sold; move these users to a current licence`);
    }
    checkLimit(account, group, licence, body.quantity, subscription.id);
  } else {
    const windowHours = account.settings.seatDecreaseWindowHours;
    const sinceHours = (account.now() - subscription.lastSeatIncrease) / HOUR_MS;
    const outsideWindow = sinceHours > windowHours;
    if (outsideWindow && account.settings.seatDecreaseRefusal === "immediate") {
      throw forbidden(
        `Seats of subscription ${id} ('${licence.name}') cannot be decreased from ${subscription.quantity} to ${body.quantity}: Microsoft only accepts a decrease within ${windowHours} hours of the subscription's creation or last seat increase (${formatDatetime(subscription.lastSeatIncrease)}, ${Math.floor(sinceHours)} hours ago). Keep the seats until the renewal, or delete the subscription.`,
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
  const licence = findLicence(account.state, body.licenseId) as LicenceState;
  if (!licence.newSubscriptionsAllowed) throw forbidden(`'${licence.name}' (licence ${licence.id}) is no longer sold`);
  checkLimit(account, group, licence, body.quantity, null);
  const task = account.createTask(group, { function: "orderAddon", subscriptionId: id, licenseId: licence.id, quantity: body.quantity });
  return taskView(account, task);
}

// ---- statistics: replay the seat history ----

interface DayFigures {
  start: number;
  peak: Map<number, number>;
  endOfDay: Map<number, number>;
}

/** Seats per licence over consecutive periods [bounds[i], bounds[i+1]), replaying the group's seat events. */
function replaySeats(group: LicenceGroupState, bounds: number[]): DayFigures[] {
  const events = [...group.seatEvents].sort((a, b) => a.at - b.at);
  const perSubscription = new Map<number, { licenseId: number; quantity: number }>();
  const totals = new Map<number, number>();
  const apply = (e: (typeof events)[number]): void => {
    const previous = perSubscription.get(e.subscriptionId)?.quantity ?? 0;
    perSubscription.set(e.subscriptionId, { licenseId: e.licenseId, quantity: e.quantity });
    totals.set(e.licenseId, (totals.get(e.licenseId) ?? 0) - previous + e.quantity);
  };
  let next = 0;
  while (next < events.length && events[next].at < bounds[0]) apply(events[next++]);
  const figures: DayFigures[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const peak = new Map(totals);
    while (next < events.length && events[next].at < bounds[i + 1]) {
      apply(events[next++]);
      for (const [licenseId, total] of totals) peak.set(licenseId, Math.max(peak.get(licenseId) ?? 0, total));
    }
    figures.push({ start: bounds[i], peak, endOfDay: new Map(totals) });
  }
  return figures;
}

const PERIOD_DAYS: Record<string, number> = { lastWeek: 7, lastMonth: 30, lastQuarter: 90, lastYear: 365 };

function licenceName(account: Account, licenseId: number): string {
  return findLicence(account.state, licenseId)?.name ?? `Licence ${licenseId}`;
}

export function usageStatistics(account: Account, serviceName: string, timePeriod: string): Record<string, unknown>[] {
  const group = activeGroup(account.state, serviceName);
  const now = account.now();
  const today = startOfParisDay(now);
  const days = PERIOD_DAYS[timePeriod];
  const bounds: number[] = [];
  for (let i = days - 1; i >= 0; i--) bounds.push(startOfParisDay(today - i * DAY_MS + 12 * HOUR_MS));
  bounds.push(now + 1);
  return replaySeats(group, bounds).map((day) => ({
    date: formatDate(day.start),
    lines: [...day.peak.keys()]
      .filter((licenseId) => (day.peak.get(licenseId) ?? 0) > 0)
      .sort((a, b) => a - b)
      .map((licenseId) => ({
        endOfDayCount: day.endOfDay.get(licenseId) ?? 0,
        licenceId: licenseId,
        licenceName: licenceName(account, licenseId),
        peakCount: day.peak.get(licenseId) ?? 0,
      })),
  }));
}

export function billingPeriodPeaks(account: Account, serviceName: string): Record<string, unknown> {
  const group = activeGroup(account.state, serviceName);
  const now = account.now();
  const today = formatDate(now);
  const monthStartText = `${today.slice(0, 8)}01`;
  const monthStart = startOfParisDay(Date.parse(`${monthStartText}T12:00:00Z`));
  const [year, month] = [Number(today.slice(0, 4)), Number(today.slice(5, 7))];
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const [period] = replaySeats(group, [monthStart, now + 1]);
  return {
    endDate: `${today.slice(0, 8)}${String(lastDay).padStart(2, "0")}`,
    lines: [...period.peak.keys()]
      .filter((licenseId) => (period.peak.get(licenseId) ?? 0) > 0)
      .sort((a, b) => a - b)
      .map((licenseId) => ({ licenceId: licenseId, licenceName: licenceName(account, licenseId), peakCount: period.peak.get(licenseId) ?? 0 })),
    startDate: monthStartText,
  };
}

export function serviceNames(account: Account): string[] {
  return Object.values(account.state.groups)
    .filter((g) => g.service.terminatedAt === null)
    .map((g) => g.serviceName)
    .sort();
}
