/** API views of the /saas/csp2 models (a group's tenant, service, licences, subscriptions and tasks), built from the account state. */
import { objectNotFound } from "../ovh-errors";
import { formatDate, formatDatetime, formatNullableDatetime } from "../time";
import type { Account } from "./account";
import { activeGroup, findLicense, refreshExpiration } from "./groups";
import { isGroupShown, shownSubscriptions } from "./read-lag";
import { isTaskEnded, type LicenseGroupState, type LicenseState, type SubscriptionState, type TaskState } from "./state";

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

function groupLicense(account: Account, group: LicenseGroupState, licenseId: number, paramName: string): LicenseState {
  const license = group.licenseIds.includes(licenseId) ? findLicense(account.state, licenseId) : undefined;
  if (!license) throw objectNotFound(paramName, licenseId);
  return license;
}

export function orderableLicenseIds(account: Account, serviceName: string): number[] {
  return [...activeGroup(account.state, serviceName).licenseIds];
}

export function licenseView(account: Account, serviceName: string, licenseId: number): Record<string, unknown> {
  const l = groupLicense(account, activeGroup(account.state, serviceName), licenseId, "id");
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
  return [...shownSubscriptions(activeGroup(account.state, serviceName), account.now()).keys()].sort((a, b) => a - b);
}

export function subscriptionOf(group: LicenseGroupState, id: number): SubscriptionState {
  const subscription = group.subscriptions[id];
  if (!subscription) throw objectNotFound("id", id);
  return subscription;
}

export function subscriptionView(account: Account, serviceName: string, id: number): Record<string, unknown> {
  const group = activeGroup(account.state, serviceName);
  const s = shownSubscriptions(group, account.now()).get(id);
  if (!s) throw objectNotFound("id", id);
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
  const shown = shownSubscriptions(group, account.now());
  if (!shown.has(id)) throw objectNotFound("id", id);
  return [...shown.values()]
    .filter((s) => s.parentSubscriptionId === id)
    .map((s) => s.id)
    .sort((a, b) => a - b);
}

export function availableAddonLicenseIds(account: Account, serviceName: string, id: number): number[] {
  const group = activeGroup(account.state, serviceName);
  const subscription = subscriptionOf(group, id);
  const base = findLicense(account.state, subscription.licenseId);
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

/** The account's groups as `GET /saas/csp2` lists them: not terminated, and shown by reads already. */
export function serviceNames(account: Account): string[] {
  return activeServiceNames(account).filter((serviceName) => isGroupShown(account.state.groups[serviceName], account.now()));
}

/** Every group not terminated, whether reads show it yet or not (what the admin API lists). */
export function activeServiceNames(account: Account): string[] {
  return Object.values(account.state.groups)
    .filter((g) => g.service.terminatedAt === null)
    .map((g) => g.serviceName)
    .sort();
}

/** OVH's 404 for a group reads do not show yet (just delivered, under `deliveredGroupLagMs`): changes see it as it is. */
export function requireShownGroup(account: Account, serviceName: string): void {
  const group = account.state.groups[serviceName];
  if (group && !isGroupShown(group, account.now())) throw objectNotFound("serviceName", serviceName);
}
