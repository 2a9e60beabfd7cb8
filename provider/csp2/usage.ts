import type { Statistics } from "./models";

/**
 * OVH's usage statistics (`usageStatistics`: per day, per licence, the count at the end of the day and the day's peak)
 * turned round into one series per licence, and the changes they show. A licence OVH leaves out of a day had no seats
 * that day: OVH lists a licence's line on the days it had any (docs/ovh-assumptions.md), and a line with zeros reads the
 * same.
 */

/** One day of a licence's seats. */
export interface SeatDay {
  /** The day, as OVH writes it (`YYYY-MM-DD`). */
  date: string;
  /** Seats at the end of the day (OVH's `endOfDayCount`). */
  endOfDayCount: number;
  /** Most seats at once during the day (OVH's `peakCount`). */
  peakCount: number;
}

/** A licence's seats day by day over the period asked for. */
export interface LicenseSeries {
  licenseId: number;
  licenseName: string;
  /** Every day of the period, oldest first. */
  days: SeatDay[];
}

/** One series per licence met in the period (sorted by name), each with every day of the period. */
export function seriesByLicense(statistics: readonly Statistics[]): LicenseSeries[] {
  const days = [...statistics].sort((a, b) => a.date.localeCompare(b.date));
  const names = new Map<number, string>();
  for (const day of days) for (const line of day.lines) names.set(line.licenceId, line.licenceName);
  return [...names]
    .map(([licenseId, licenseName]) => ({
      licenseId,
      licenseName,
      days: days.map((day) => {
        const line = day.lines.find((candidate) => candidate.licenceId === licenseId);
        return { date: day.date, endOfDayCount: line?.endOfDayCount ?? 0, peakCount: line?.peakCount ?? 0 };
      }),
    }))
    .sort((a, b) => a.licenseName.localeCompare(b.licenseName) || a.licenseId - b.licenseId);
}

/** A change of a licence's seats seen from one day to the next. */
export interface SeatChange {
  date: string;
  licenseId: number;
  licenseName: string;
  /** Seats at the end of the day before. */
  from: number;
  /** Seats at the end of this day. */
  to: number;
  /** The day's peak, when it went above both (seats added, then removed, the same day). */
  peak?: number;
}

/**
 * What changed when: for each licence, each day whose end-of-day count differs from the day before's, or whose peak
 * rose above both; the first day of the period has nothing before it to compare with. Oldest first.
 */
export function seatChanges(series: readonly LicenseSeries[]): SeatChange[] {
  const changes: SeatChange[] = [];
  for (const { licenseId, licenseName, days } of series) {
    for (let index = 1; index < days.length; index++) {
      const from = days[index - 1].endOfDayCount;
      const { date, endOfDayCount: to, peakCount } = days[index];
      const spike = peakCount > Math.max(from, to);
      if (from === to && !spike) continue;
      changes.push({ date, licenseId, licenseName, from, to, ...(spike ? { peak: peakCount } : {}) });
    }
  }
  return changes.sort((a, b) => a.date.localeCompare(b.date) || a.licenseName.localeCompare(b.licenseName));
}

/** The seats of every licence added up, day by day: the account-wide series of one licence across several groups. */
export function addSeries(parts: readonly LicenseSeries[][]): LicenseSeries[] {
  const byLicense = new Map<number, { licenseName: string; days: Map<string, SeatDay> }>();
  for (const series of parts.flat()) {
    const total = byLicense.get(series.licenseId) ?? { licenseName: series.licenseName, days: new Map<string, SeatDay>() };
    for (const day of series.days) {
      const sum = total.days.get(day.date) ?? { date: day.date, endOfDayCount: 0, peakCount: 0 };
      total.days.set(day.date, { date: day.date, endOfDayCount: sum.endOfDayCount + day.endOfDayCount, peakCount: sum.peakCount + day.peakCount });
    }
    byLicense.set(series.licenseId, total);
  }
  const dates = [...new Set(parts.flat().flatMap((series) => series.days.map((day) => day.date)))].sort();
  return [...byLicense]
    .map(([licenseId, { licenseName, days }]) => ({
      licenseId,
      licenseName,
      days: dates.map((date) => days.get(date) ?? { date, endOfDayCount: 0, peakCount: 0 }),
    }))
    .sort((a, b) => a.licenseName.localeCompare(b.licenseName) || a.licenseId - b.licenseId);
}
