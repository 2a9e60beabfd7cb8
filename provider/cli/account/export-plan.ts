import type { OfficeLicence } from "../../csp2";
import { serviceNameProblem } from "../../resources/input-checks";
import { fileDisplayNameProblem, fileLicenseNameProblem, slugOf } from "../../resources/license-file-parsing";
import { isActiveStatus, isTerminalStatus, maxSeats, normalizeLicenseName } from "../../resources/subscription-rules";
import type { AccountGroup, AccountSubscription } from "./reading";

/**
 * What `ovh-office365 export` writes of an account, whatever the format: each subscription it can adopt exactly as OVH
 * holds it (its licence by OVH's name, its seats, its id, an add-on under its parent), and everything else with the
 * reason it is left out. Nothing is written on a guess: a group with a task in progress, a subscription whose status
 * is not known to mean in use, one whose licence the catalogue does not list, and two subscriptions of one licence
 * are left out and said so.
 */

/** A subscription written to the file: it adopts `subscriptionId` with its seats as they are. */
export interface PlannedSubscription {
  serviceName: string;
  subscriptionId: number;
  /** The licence as OVH names it. */
  license: string;
  seats: number;
  /** The subscription it is an add-on of; undefined for one on its own. */
  parentSubscriptionId?: number;
  /** Written, with something to know: said in the output and as a comment above the entry. */
  caution?: string;
  addons: PlannedSubscription[];
}

export interface PlannedGroup {
  serviceName: string;
  /** Undefined when OVH's display name cannot be written in a licence file (the reason is a note). */
  displayName?: string;
  /** What of the group is not written, and why: comments above the group. */
  notes: string[];
  /** Sorted by licence name, each with its add-ons. */
  subscriptions: PlannedSubscription[];
}

/** Something found at OVH and not written: a whole group (no subscriptionId), or a subscription. */
export interface LeftOut {
  serviceName: string;
  subscriptionId?: number;
  license?: string;
  seats?: number;
  reason: string;
}

export interface ExportPlan {
  /** The groups written, sorted by serviceName. */
  groups: PlannedGroup[];
  /** Groups not written at all, with why. */
  groupsLeftOut: LeftOut[];
  /** Subscriptions of written groups that are not written, with why. */
  subscriptionsLeftOut: LeftOut[];
}

export function planExport(groups: readonly AccountGroup[]): ExportPlan {
  const plan: ExportPlan = { groups: [], groupsLeftOut: [], subscriptionsLeftOut: [] };
  for (const group of [...groups].sort((a, b) => a.serviceName.localeCompare(b.serviceName))) {
    const groupReason = groupLeftOutReason(group);
    if (groupReason !== undefined) {
      plan.groupsLeftOut.push({ serviceName: group.serviceName, reason: groupReason });
      continue;
    }
    const { planned, leftOut } = planGroup(group);
    plan.groups.push(planned);
    plan.subscriptionsLeftOut.push(...leftOut);
  }
  return plan;
}

/** Every subscription a plan writes, add-ons after their parent. */
export function plannedSubscriptions(group: PlannedGroup): PlannedSubscription[] {
  return group.subscriptions.flatMap((subscription) => [subscription, ...subscription.addons]);
}

/** The group's subscriptions in use (deleted ones OVH still lists left out). */
function inUse(group: AccountGroup): AccountSubscription[] {
  return group.subscriptions.filter((subscription) => !isTerminalStatus(subscription.status));
}

function groupLeftOutReason(group: AccountGroup): string | undefined {
  const nameProblem = serviceNameProblem(group.serviceName);
  if (nameProblem) return `its service name cannot be a licence file key: ${nameProblem}`;
  const taskIds = new Set([...group.pendingTasks.map((task) => task.id), ...group.subscriptions.flatMap((s) => (s.taskPendingId === null ? [] : [s.taskPendingId]))]);
  if (taskIds.size === 0) return undefined;
  const described = [...taskIds].sort((a, b) => a - b).map((id) => {
    const task = group.pendingTasks.find((candidate) => candidate.id === id);
    return task ? `${id} (${task.function}, ${task.status})` : String(id);
  });
  const count = inUse(group).length;
  const tasks = described.length === 1 ? `OVH task ${described[0]} is` : `OVH tasks ${described.join(", ")} are`;
  return (
    `${tasks} in progress: its ${count === 1 ? "subscription" : `${count} subscriptions`} may be changing, so none is ` +
    `written on a guess; once the tasks end (\`ovh-office365 tasks ${group.serviceName}\`), export again (\`--merge <file>\` adds the group)`
  );
}

/** Why a subscription in use cannot be adopted as it is, before its place in the group is looked at. */
function subscriptionLeftOutReason(subscription: AccountSubscription): string | undefined {
  if (!isActiveStatus(subscription.status)) {
    return `its status "${subscription.status}" is not known to mean in use, so it is not adopted on a guess: check it in the OVH control panel`;
  }
  if (subscription.license === null) {
    return "its licence is not in the group's catalogue (OVH no longer offers it), and a licence file names a licence as the catalogue does: manage it in the control panel";
  }
  const nameProblem = fileLicenseNameProblem(subscription.license.name);
  if (nameProblem) return `its licence name cannot be a licence file key: ${nameProblem}`;
  if (subscription.seats < 1 || subscription.seats > maxSeats) return `it has ${subscription.seats} seats, which a licence file cannot declare (1 to ${maxSeats})`;
  return undefined;
}

function caution(subscription: AccountSubscription): string | undefined {
  const license = subscription.license;
  if (license === null || license.newSubscriptionsAllowed) return undefined;
  const seats = license.newSeatsAllowed ? "" : ", and its seats cannot be raised";
  return `OVH no longer sells "${license.name}" for new subscriptions: if this subscription ends, it cannot be ordered again${seats}`;
}

/** A subscription whose licence the catalogue lists. */
type Listed = AccountSubscription & { license: OfficeLicence };

function planGroup(group: AccountGroup): { planned: PlannedGroup; leftOut: LeftOut[] } {
  const { serviceName } = group;
  const leftOut: LeftOut[] = [];
  const leave = (subscription: AccountSubscription, reason: string) =>
    leftOut.push({ serviceName, subscriptionId: subscription.id, license: subscription.licenseName ?? `licence ${subscription.licenseId}`, seats: subscription.seats, reason });

  for (const deleted of group.subscriptions.filter((subscription) => isTerminalStatus(subscription.status))) {
    leave(deleted, `it is "${deleted.status}" at OVH (deleted): nothing to manage`);
  }
  const candidates = inUse(group).filter((subscription): subscription is Listed => {
    const reason = subscriptionLeftOutReason(subscription);
    if (reason !== undefined) leave(subscription, reason);
    return reason === undefined;
  });
  const isAddon = (subscription: Listed) => subscription.parentSubscriptionId !== null || subscription.license.licenceType === "ADDON";
  const baseCandidates = candidates.filter((subscription) => !isAddon(subscription));
  const bases = keepDistinct(baseCandidates, "this group", leave);
  const baseNames = new Set(bases.map((base) => normalizeLicenseName(base.license.name)));

  const addonsOf = new Map<number, Listed[]>();
  for (const addon of candidates.filter(isAddon)) {
    const parent = addon.parentSubscriptionId;
    if (parent === null) leave(addon, "it is an add-on that OVH lists under no subscription of the group, so it is not placed on a guess");
    else if (!bases.some((base) => base.id === parent)) leave(addon, `it is an add-on of subscription ${parent}, which is not written (see above)`);
    else if (baseNames.has(normalizeLicenseName(addon.license.name))) leave(addon, `its licence "${addon.license.name}" is also held on its own in this group, and a licence file declares a licence one way in a group`);
    else addonsOf.set(parent, [...(addonsOf.get(parent) ?? []), addon]);
  }

  const planned = (subscription: Listed, addons: PlannedSubscription[]): PlannedSubscription => {
    const note = caution(subscription);
    return {
      serviceName,
      subscriptionId: subscription.id,
      license: subscription.license.name,
      seats: subscription.seats,
      ...(subscription.parentSubscriptionId !== null && { parentSubscriptionId: subscription.parentSubscriptionId }),
      ...(note !== undefined && { caution: note }),
      addons,
    };
  };
  const subscriptions = byLicenseName(bases).map((base) => planned(base, byLicenseName(keepDistinct(addonsOf.get(base.id) ?? [], `subscription ${base.id}`, leave)).map((addon) => planned(addon, []))));

  const notes = leftOut.map((item) => `not managed: subscription ${item.subscriptionId} "${item.license}" (${item.seats} seats): ${item.reason}`);
  const displayNameProblem = fileDisplayNameProblem(group.displayName);
  if (displayNameProblem) notes.unshift(`displayName left out: OVH's ${JSON.stringify(group.displayName)} ${displayNameProblem}`);
  return { planned: { serviceName, ...(displayNameProblem === undefined && { displayName: group.displayName }), notes, subscriptions }, leftOut };
}

/**
 * The subscriptions among these (of one group, or the add-ons of one subscription) that a licence file can hold side by
 * side: one per licence, and no two whose resource names would clash. The others are left out, every one of a clash:
 * which one a person means to manage is not for the export to guess.
 */
function keepDistinct(subscriptions: Listed[], scope: string, leave: (subscription: AccountSubscription, reason: string) => void): Listed[] {
  const byKey = (key: (subscription: Listed) => string) => {
    const groups = new Map<string, Listed[]>();
    for (const subscription of subscriptions) groups.set(key(subscription), [...(groups.get(key(subscription)) ?? []), subscription]);
    return [...groups.values()].filter((members) => members.length > 1);
  };
  const clashing = new Set<Listed>();
  const ids = (members: Listed[]) => members.map((member) => member.id).join(" and ");
  for (const members of byKey((s) => normalizeLicenseName(s.license.name))) {
    for (const member of members) {
      clashing.add(member);
      leave(
        member,
        `${scope} holds ${members.length} "${member.license.name}" subscriptions (${ids(members)}), and a licence file holds one per licence, so none ` +
          "is written on a guess: keep the one to manage in the file by hand with its subscriptionId",
      );
    }
  }
  for (const members of byKey((s) => slugOf(s.license.name)).map((all) => all.filter((member) => !clashing.has(member)))) {
    if (members.length < 2) continue;
    for (const member of members) {
      clashing.add(member);
      leave(member, `its licence name and that of subscription ${ids(members.filter((other) => other !== member))} would give one resource name, so neither is written`);
    }
  }
  return subscriptions.filter((subscription) => !clashing.has(subscription));
}

function byLicenseName(subscriptions: Listed[]): Listed[] {
  const key = (subscription: Listed) => normalizeLicenseName(subscription.license.name);
  return [...subscriptions].sort((a, b) => key(a).localeCompare(key(b)) || a.id - b.id);
}
