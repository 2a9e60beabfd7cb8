/**
 * Reads that lag writes (the `…LagMs` variants): for a while after a task changed a subscription, OVH's reads show it
 * as it was before (or not at all, for a new one), as a cached list would; a licence group an order delivered is not
 * shown at all for a while. Only API reads lag; the changes themselves, the rules that check them and the admin API
 * see the account as it is.
 */
import type { LicenseGroupState, SubscriptionState } from "./state";

/**
 * Makes reads show `before` (null: nothing) until `until`. A view already lagging keeps its older content and lags
 * until the later of the two ends, so something not listed yet is never shown early by a second change.
 */
export function lagReads(group: LicenseGroupState, subscriptionId: number, before: SubscriptionState | null, until: number): void {
  const lagged = (group.laggedViews ??= {});
  const current = lagged[subscriptionId];
  lagged[subscriptionId] = current
    ? { view: current.view, until: Math.max(current.until, until) }
    : { view: before === null ? null : structuredClone(before), until };
}

/** Forgets the lagging views whose time is over; true when any was forgotten. */
export function dropExpiredLags(group: LicenseGroupState, now: number): boolean {
  let dropped = false;
  for (const [id, lagged] of Object.entries(group.laggedViews ?? {})) {
    if (lagged.until > now) continue;
    delete group.laggedViews![id];
    dropped = true;
  }
  return dropped;
}

/**
 * The group's subscriptions as OVH's reads show them now, by id: the real ones, with each lagging view in place of its
 * subscription (a new one not shown yet is left out; a deleted one still shown is put back).
 */
export function shownSubscriptions(group: LicenseGroupState, now: number): Map<number, SubscriptionState> {
  const shown = new Map(Object.values(group.subscriptions).map((s) => [s.id, s] as const));
  for (const [id, lagged] of Object.entries(group.laggedViews ?? {})) {
    if (lagged.until <= now) continue;
    if (lagged.view === null) shown.delete(Number(id));
    else shown.set(Number(id), lagged.view);
  }
  return shown;
}

/** Whether API reads show the group yet (one an order just delivered may not be, under `deliveredGroupLagMs`). */
export function isGroupShown(group: LicenseGroupState, now: number): boolean {
  return group.shownFrom === undefined || group.shownFrom <= now;
}
