/** Usage statistics (`usageStatistics`, `billingPeriodPeaks`), replaying a group's seat history. */
import { formatDate, DAY_MS, HOUR_MS, startOfParisDay } from "../time";
import type { Account } from "./account";
import { activeGroup, findLicense, nextMonthlyRenewal } from "./groups";
import type { LicenseGroupState, SeatEvent } from "./state";

interface DayFigures {
  start: number;
  peak: Map<number, number>;
  endOfDay: Map<number, number>;
}

/** Seats per licence over consecutive periods [bounds[i], bounds[i+1]), replaying seat events. */
function replaySeats(seatEvents: readonly SeatEvent[], bounds: number[]): DayFigures[] {
  const events = [...seatEvents].sort((a, b) => a.at - b.at);
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

function licenseName(account: Account, licenseId: number): string {
  return findLicense(account.state, licenseId)?.name ?? `Licence ${licenseId}`;
}

export function usageStatistics(account: Account, serviceName: string, timePeriod: string): Record<string, unknown>[] {
  const group = activeGroup(account.state, serviceName);
  const now = account.now();
  const today = startOfParisDay(now);
  const days = PERIOD_DAYS[timePeriod];
  const bounds: number[] = [];
  for (let i = days - 1; i >= 0; i--) bounds.push(startOfParisDay(today - i * DAY_MS + 12 * HOUR_MS));
  bounds.push(now + 1);
  return replaySeats(group.seatEvents, bounds).map((day) => ({
    date: formatDate(day.start),
    lines: [...day.peak.keys()]
      .filter((licenseId) => (day.peak.get(licenseId) ?? 0) > 0)
      .sort((a, b) => a - b)
      .map((licenseId) => ({
        endOfDayCount: day.endOfDay.get(licenseId) ?? 0,
        licenceId: licenseId,
        licenceName: licenseName(account, licenseId),
        peakCount: day.peak.get(licenseId) ?? 0,
      })),
  }));
}

/** The billing period holding `now`, as the `billingPeriod` setting says: its first instant and its first and last days. */
function currentPeriod(account: Account, group: LicenseGroupState, now: number): { from: number; startDate: string; endDate: string } {
  if (account.settings.billingPeriod === "serviceRenewal") {
    const renewal = nextMonthlyRenewal(group.service.creation, now);
    const from = renewal - 30 * DAY_MS;
    return { from, startDate: formatDate(from), endDate: formatDate(renewal - 1) };
  }
  const today = formatDate(now);
  const monthStartText = `${today.slice(0, 8)}01`;
  const [year, month] = [Number(today.slice(0, 4)), Number(today.slice(5, 7))];
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return {
    from: startOfParisDay(Date.parse(`${monthStartText}T12:00:00Z`)),
    startDate: monthStartText,
    endDate: `${today.slice(0, 8)}${String(lastDay).padStart(2, "0")}`,
  };
}

/**
 * The seat events as Microsoft bills them when it refunds a decrease made within its window after an increase: every
 * count since that increase lowered to the decreased one, as if the refunded seats had never been added.
 */
function refundedDecreases(seatEvents: readonly SeatEvent[], windowMs: number): SeatEvent[] {
  const events = [...seatEvents].sort((a, b) => a.at - b.at).map((event) => ({ ...event }));
  const held = new Map<number, number>();
  const lastIncrease = new Map<number, number>();
  for (const [index, event] of events.entries()) {
    const before = held.get(event.subscriptionId) ?? 0;
    held.set(event.subscriptionId, event.quantity);
    if (event.quantity > before) lastIncrease.set(event.subscriptionId, index);
    const increase = lastIncrease.get(event.subscriptionId);
    if (event.quantity >= before || increase === undefined || event.at - events[increase].at > windowMs) continue;
    for (let earlier = increase; earlier < index; earlier++) {
      const counted = events[earlier];
      if (counted.subscriptionId === event.subscriptionId) counted.quantity = Math.min(counted.quantity, event.quantity);
    }
  }
  return events;
}

export function billingPeriodPeaks(account: Account, serviceName: string): Record<string, unknown> {
  const group = activeGroup(account.state, serviceName);
  const now = account.now();
  const period = currentPeriod(account, group, now);
  const events =
    account.settings.peakAfterDecrease === "loweredInWindow" ? refundedDecreases(group.seatEvents, account.settings.seatDecreaseWindowHours * HOUR_MS) : group.seatEvents;
  const [figures] = replaySeats(events, [period.from, now + 1]);
  return {
    endDate: period.endDate,
    lines: [...figures.peak.keys()]
      .filter((licenseId) => (figures.peak.get(licenseId) ?? 0) > 0)
      .sort((a, b) => a - b)
      .map((licenseId) => ({ licenceId: licenseId, licenceName: licenseName(account, licenseId), peakCount: figures.peak.get(licenseId) ?? 0 })),
    startDate: period.startDate,
  };
}
