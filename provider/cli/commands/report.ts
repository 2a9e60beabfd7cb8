import * as fs from "node:fs";
import * as path from "node:path";
import type { Command } from "commander";
import {
  addSeries,
  fetchLicenseGroups,
  getBillingPeriodPeaks,
  getUsageStatistics,
  LicensePeriodEnumValues,
  seatChanges,
  seriesByLicense,
  type LicensePeriodEnum,
} from "../../csp2";
import { OvhApiError } from "../../ovh/errors";
import type { OvhRequester } from "../../ovh/types";
import { priceOf, roundAmount, type SeatPrices } from "../../resources/seat-prices";
import { CliUsageError, countReporter, defineCommand, printReport, readsReporter, type CommonOptions, type ExitCode } from "./command-support";
import type { CliWriter } from "./output";
import { renderReportHtml, sumAmounts, type AccountUsage, type GroupUsage, type PeakLine } from "./report-html";
import { readPrices } from "./usage";

/**
 * `ovh-office365 report`: one self-contained HTML page for a person: the account's total first, then per customer its
 * billing period's peaks (with amounts when priced), a chart of its seats per licence over the period, and what changed
 * when. Reads the groups in one call, then two per group (billing figures and usage statistics).
 */

export interface ReportOptions extends CommonOptions {
  period?: LicensePeriodEnum;
  /** Where the page goes. */
  out?: string;
  prices?: string;
}

/** What `report --json` prints: where the page went and what it covers. */
export interface ReportSummary {
  file: string;
  groups: number;
  timePeriod: LicensePeriodEnum;
}

export const defaultReportPeriod: LicensePeriodEnum = "lastQuarter";
export const defaultReportFile = "ovh-office365-report.html";
const periodWords: Record<LicensePeriodEnum, string> = { lastWeek: "over the last week", lastMonth: "over the last month", lastQuarter: "over the last quarter", lastYear: "over the last year" };

function checkReportOptions(options: ReportOptions): void {
  if (options.period !== undefined && !(LicensePeriodEnumValues as readonly string[]).includes(options.period)) {
    throw new CliUsageError(`--period must be one of ${LicensePeriodEnumValues.join(", ")}, got "${options.period}".`);
  }
  if (options.out !== undefined) {
    const directory = path.dirname(path.resolve(options.out));
    if (!fs.existsSync(directory)) throw new CliUsageError(`--out: the folder ${directory} does not exist: create it, or write the report elsewhere.`);
  }
}

function pricedPeak(prices: SeatPrices | undefined, peak: Omit<PeakLine, "seatPrice" | "amount">): PeakLine {
  const price = priceOf(prices, peak.licenseName);
  return price ? { ...peak, seatPrice: price.monthly, amount: roundAmount(peak.peakSeats * price.monthly, price.currency) } : peak;
}

/** Reads what the report shows, for every group of the account. */
export async function readAccountUsage(requester: OvhRequester, writer: CliWriter, options: ReportOptions = {}): Promise<AccountUsage> {
  checkReportOptions(options);
  const prices = readPrices(options.prices);
  const timePeriod = options.period ?? defaultReportPeriod;
  const tenants = await fetchLicenseGroups(requester, { onListed: readsReporter(writer, "licence groups") });
  const done = countReporter(writer, tenants.length, `the billing figures and seat history of ${tenants.length} licence groups`);
  const read = await Promise.all(
    tenants.map(async (tenant): Promise<GroupUsage | undefined> => {
      try {
        const [figures, statistics] = await Promise.all([getBillingPeriodPeaks(requester, tenant.serviceName), getUsageStatistics(requester, tenant.serviceName, timePeriod)]);
        const series = seriesByLicense(statistics);
        return {
          serviceName: tenant.serviceName,
          displayName: tenant.displayName,
          billingPeriod: { start: figures.startDate, end: figures.endDate },
          peaks: figures.lines
            .filter((line) => line.peakCount > 0)
            .map((line) => pricedPeak(prices, { licenseId: line.licenceId, licenseName: line.licenceName, peakSeats: line.peakCount }))
            .sort((a, b) => a.licenseName.localeCompare(b.licenseName)),
          series,
          changes: seatChanges(series),
        };
      } catch (error) {
        // A group terminated since the listing has nothing left to show.
        if (error instanceof OvhApiError && error.isNotFound) return undefined;
        throw error;
      } finally {
        done();
      }
    }),
  );
  const groups = read.filter((group): group is GroupUsage => group !== undefined);
  const totalPeaks = new Map<number, Omit<PeakLine, "seatPrice" | "amount">>();
  for (const peak of groups.flatMap((group) => group.peaks)) {
    const sum = totalPeaks.get(peak.licenseId) ?? { licenseId: peak.licenseId, licenseName: peak.licenseName, peakSeats: 0 };
    totalPeaks.set(peak.licenseId, { ...sum, peakSeats: sum.peakSeats + peak.peakSeats });
  }
  // Each group is billed its own peak, so the account's amount is the groups' amounts added up.
  const peaks = [...totalPeaks.values()].map((peak) => pricedPeak(prices, peak)).sort((a, b) => a.licenseName.localeCompare(b.licenseName));
  const groupAmounts = groups.map((group) => sumAmounts(group.peaks)).filter((amount): amount is number => amount !== undefined);
  return {
    generatedAt: new Date().toISOString(),
    periodWords: periodWords[timePeriod],
    ...(prices ? { currency: prices.currency } : {}),
    groups,
    total: {
      series: addSeries(groups.map((group) => group.series)),
      peaks,
      billingPeriods: [...new Set(groups.map((group) => `${group.billingPeriod.start} to ${group.billingPeriod.end}`))].sort(),
      ...(prices && groupAmounts.length > 0 ? { amount: roundAmount(groupAmounts.reduce((sum, amount) => sum + amount, 0), prices.currency) } : {}),
    },
  };
}

/** Reads the account, writes the page, and says where. */
export async function writeReport(requester: OvhRequester, writer: CliWriter, options: ReportOptions = {}): Promise<ReportSummary> {
  const usage = await readAccountUsage(requester, writer, options);
  const file = path.resolve(options.out ?? defaultReportFile);
  fs.writeFileSync(file, renderReportHtml(usage));
  return { file, groups: usage.groups.length, timePeriod: options.period ?? defaultReportPeriod };
}

export function renderReportSummary(summary: ReportSummary): string {
  return `Report written to ${summary.file}: ${summary.groups} licence groups, seats ${periodWords[summary.timePeriod]}. Open it in a browser (it needs no network).\n`;
}

/** `ovh-office365 report`. Resolves to the exit code. */
export function runReport(requester: OvhRequester, writer: CliWriter, options: ReportOptions = {}): Promise<ExitCode> {
  return printReport(writer, options, () => writeReport(requester, writer, options), renderReportSummary);
}

export function registerReportCommand(program: Command): Command {
  return defineCommand<ReportOptions>(program, {
    name: "report",
    summary: "Write an HTML report of every customer's seats and billing-period peaks",
    description:
      "Writes one self-contained HTML page (charts inline, no script, nothing fetched when it opens): the account's " +
      "total first, then for each licence group of the account its billing period's peaks (what OVH bills; with " +
      "--prices, the amounts), a chart of its seats per licence over --period, and what changed when. Reads the groups " +
      "in one call, then two per group, paced by the client's rate limit.",
    examples: [
      "ovh-office365 report",
      "ovh-office365 report --period lastYear --prices licences.yaml --out billing-2026-12.html",
      "ovh-office365 report --json | jq -r .file",
    ],
    run: (requester, writer, _operands, options) => runReport(requester, writer, options),
  })
    .option("--period <period>", `span of the seat history (${LicensePeriodEnumValues.join(", ")}; default ${defaultReportPeriod})`)
    .option("--out <file>", `where to write the page (default ${defaultReportFile} in the current folder)`)
    .option("--prices <file>", "a licence file whose defaults give currency and prices: amounts in that currency");
}
