import * as csp2 from "../csp2";
import type { BillingStatistics } from "../csp2";
import type { OvhRequester } from "../ovh/types";
import { listingMaxAgeMs } from "./group-listings";
import { formatAmount, type SeatPrice } from "./seat-prices";

/**
 * The billing period a subscription is in, and its licence's peak so far (OVH's `billingPeriodPeaks`): one read per
 * licence group per run, shared by the group's subscriptions (refresh, create, update and the preview's diff), as
 * group-listings.ts shares listings, and once more when a refresh finds seats changed outside the program with figures
 * read before it listed the group. The run's own changes raise the peak it shows to the live seats, without a read.
 * What the figures mean, and what OVH does not publish about them, is in docs/ovh-assumptions.md ("Billing").
 */

/** The current billing period of a subscription's licence group, and the peak of its licence in it. */
export interface BillingPeriod {
  /** First day of the billing period, as OVH gives it (`YYYY-MM-DD`). */
  start: string;
  /** Last day of the billing period, as OVH gives it (`YYYY-MM-DD`). */
  end: string;
  /**
   * The most seats of this licence the group held at once in the period so far, as OVH counts them (its peak, which a
   * decrease does not lower), never less than the subscription's live seats.
   */
  peakSeats: number;
}

/** How long one read of a group's billing figures serves: longer than a run, so a run reads each group once. */
const billingReadTtlMs = 10 * 60 * 1000;
const billingReads = new Map<string, { readAt: number; figures: Promise<BillingStatistics> }>();
/** Groups whose figures were read again after seats changed outside the program: once per group per run. */
const readAgainAfterDrift = new Set<string>();

function billingKey(requester: OvhRequester, serviceName: string): string {
  return `${requester.endpointKey ?? ""} ${serviceName}`;
}

/**
 * Seats changed outside the program (a refresh found them so, reading from `readStartedAt`): when the group's figures
 * were read before the listing that showed the change could have been (a process that lives across runs, as the demo's
 * does), the peak may have moved where they did not look, so they are read again at their next use, once per group per
 * run. Figures read beside that listing already show it: a refresh then reads each group's figures once.
 */
export function seatsChangedElsewhere(requester: OvhRequester, serviceName: string, readStartedAt: number): void {
  const key = billingKey(requester, serviceName);
  const cached = billingReads.get(key);
  if (readAgainAfterDrift.has(key) || !cached || cached.readAt >= readStartedAt - listingMaxAgeMs) return;
  readAgainAfterDrift.add(key);
  billingReads.delete(key);
}

/** The group's billing figures: read once per run (per endpoint and group); a failed read is forgotten at once. */
export function groupBillingFigures(requester: OvhRequester, serviceName: string): Promise<BillingStatistics> {
  const key = billingKey(requester, serviceName);
  const cached = billingReads.get(key);
  if (cached && Date.now() - cached.readAt < billingReadTtlMs) return cached.figures;
  const entry = { readAt: Date.now(), figures: csp2.getBillingPeriodPeaks(requester, serviceName) };
  billingReads.set(key, entry);
  entry.figures.catch(() => {
    if (billingReads.get(key) === entry) billingReads.delete(key);
  });
  return entry.figures;
}

/** The subscription's billing period from the group's figures: its licence's peak, at least the seats it holds now. */
export function billingPeriodFrom(figures: BillingStatistics, licenseId: number, liveSeats: number): BillingPeriod {
  const peak = figures.lines.find((line) => line.licenceId === licenseId)?.peakCount ?? 0;
  return { start: figures.startDate, end: figures.endDate, peakSeats: Math.max(peak, liveSeats) };
}

/**
 * The subscription's billing period, or undefined when OVH does not answer: the figures are informative, so a refresh
 * or an update does not fail for them; `onUnread` says why they are missing.
 */
export async function readBillingPeriod(
  requester: OvhRequester,
  subscription: { serviceName: string; licenseId: number; seats: number },
  onUnread: (reason: string) => void,
): Promise<BillingPeriod | undefined> {
  try {
    return billingPeriodFrom(await groupBillingFigures(requester, subscription.serviceName), subscription.licenseId, subscription.seats);
  } catch (error) {
    onUnread(`the billing period's peak could not be read (${error instanceof Error ? error.message : String(error)}): the billingPeriod output is left out`);
    return undefined;
  }
}

/** Whether the period ended before `today` (`YYYY-MM-DD`): its peak says nothing of the period a change falls in. */
export function periodEnded(period: Pick<BillingPeriod, "end">, today: string): boolean {
  return period.end < today;
}

/**
 * What a seat change does to this period's peak, as a preview says it: "peak 25 → 30 for Microsoft 365 Business Basic
 * this period", with the amount it adds when the seat price is known. A decrease leaves the peak where it is (OVH
 * bills the period's peak), unless Microsoft refunds seats removed soon after they were added, which OVH may show by
 * lowering the peak (docs/ovh-assumptions.md): the line says so.
 */
export function peakChangeLine(change: { licenseName: string; from: number; to: number; peakSeats: number; seatPrice?: SeatPrice }): string {
  const { licenseName, from, to, peakSeats, seatPrice } = change;
  const newPeak = Math.max(peakSeats, to);
  if (newPeak === peakSeats) {
    const why = to < from ? "a decrease does not lower it, unless Microsoft refunds the seats" : `${to} seats stay within it`;
    return `peak stays ${peakSeats} for ${licenseName} this period (seats ${from} → ${to}: ${why})`;
  }
  const amount = seatPrice ? `: +${formatAmount((newPeak - peakSeats) * seatPrice.monthly, seatPrice.currency)} this period (${newPeak - peakSeats} seats at ${formatAmount(seatPrice.monthly, seatPrice.currency)})` : "";
  return `peak ${peakSeats} → ${newPeak} for ${licenseName} this period${amount}`;
}
