import type { Command } from "commander";
import { stringify } from "csv-stringify/sync";
import {
  fetchLicenseGroups,
  fetchSubscriptions,
  getBillingPeriodPeaks,
  getTenant,
  getUsageStatistics,
  LicensePeriodEnumValues,
  seriesByLicense,
  type BillingStatistics,
  type LicensePeriodEnum,
  type LicenseSeries,
} from "../../csp2";
import { OvhApiError } from "../../ovh/errors";
import type { OvhRequester } from "../../ovh/types";
import { LicenseFileError } from "../../resources/license-file-messages";
import { loadLicenseFile } from "../../resources/license-file-parsing";
import { formatAmount, plainAmount, priceOf, roundAmount, type SeatPrices } from "../../resources/seat-prices";
import { isTerminalStatus } from "../../resources/subscription-rules";
import {
  checkServiceName,
  CliUsageError,
  countReporter,
  defineCommand,
  onLicenseGroup,
  printReport,
  readsReporter,
  type CommonOptions,
  type ExitCode,
} from "./command-support";
import { renderFields, renderTable, type CliWriter } from "./output";
import { seatChart } from "./terminal-chart";

/**
 * `ovh-office365 usage`: what each customer is billed. For one group: the billing period, per licence the seats now and
 * the period's peak so far (what OVH bills), and the seat history over `--period` as a chart. For every group
 * (`--all`): one invoicing line per group, licence and billing period, as a table, CSV or JSON. With `--prices`, amounts
 * in the prices' currency; without, counts only.
 */

export interface UsageOptions extends CommonOptions {
  /** Every group of the account instead of one. */
  all?: boolean;
  /** The seat history's span (one group only). */
  period?: LicensePeriodEnum;
  /** Invoicing lines as CSV. */
  csv?: boolean;
  /** A licence file whose `defaults` give `currency` and `prices`. */
  prices?: string;
}

/** A licence of one group: its seats now and the billing period's peak, with the amount when priced. */
export interface UsageLicense {
  licenseId: number;
  licenseName: string;
  /** Seats the group's subscriptions hold of it now. */
  seats: number;
  /** The most seats held at once this billing period so far: what OVH bills. */
  peakSeats: number;
  /** The monthly price of one seat, from the prices given. */
  seatPrice?: number;
  /** peakSeats × seatPrice, in the prices' currency, rounded to its minor unit. */
  amount?: number;
}

/** What `usage <serviceName> --json` prints. */
export interface UsageReport {
  serviceName: string;
  displayName: string;
  billingPeriod: { start: string; end: string };
  /** The currency of every price and amount; only with prices. */
  currency?: string;
  licenses: UsageLicense[];
  /** Seats per licence, day by day, over `timePeriod`. */
  history: { timePeriod: LicensePeriodEnum; licenses: LicenseSeries[] };
}

/** One invoicing line: a group, a licence and a billing period. */
export interface InvoicingLine {
  serviceName: string;
  displayName: string;
  licenseId: number;
  licenseName: string;
  periodStart: string;
  periodEnd: string;
  peakSeats: number;
  seatPrice?: number;
  amount?: number;
  currency?: string;
}

/** What `usage --all --json` prints. */
export interface UsageAllReport {
  scope: "all";
  /** Groups read, those without a seat this period included. */
  groups: number;
  lines: InvoicingLine[];
}

export const defaultUsagePeriod: LicensePeriodEnum = "lastMonth";

/** The prices of a licence file's `defaults`; a file that gives none, or that is wrong, is a usage error. */
export function readPrices(file: string | undefined): SeatPrices | undefined {
  if (file === undefined) return undefined;
  let prices: SeatPrices | undefined;
  try {
    prices = loadLicenseFile(file).prices;
  } catch (error) {
    if (error instanceof LicenseFileError) throw new CliUsageError(`--prices: ${error.message}`);
    throw error;
  }
  if (!prices) {
    throw new CliUsageError(
      `--prices: ${file} gives no prices: add \`currency:\` and \`prices:\` (the monthly price of one seat per licence) under \`defaults:\` (a file with only defaults and \`groups: {}\` will do).`,
    );
  }
  return prices;
}

/** Checks the options' combination before anything is sent. */
export function checkUsageOptions(serviceName: string | undefined, options: UsageOptions): void {
  if (options.all && serviceName !== undefined) throw new CliUsageError("Give a serviceName or --all, not both.");
  if (!options.all && serviceName === undefined) {
    throw new CliUsageError("Give the licence group's serviceName (see `ovh-office365 groups`), or --all for every group of the account.");
  }
  if (serviceName !== undefined) checkServiceName(serviceName);
  if (options.period !== undefined && !(LicensePeriodEnumValues as readonly string[]).includes(options.period)) {
    throw new CliUsageError(`--period must be one of ${LicensePeriodEnumValues.join(", ")}, got "${options.period}".`);
  }
  if (options.csv && options.json) throw new CliUsageError("Choose --csv or --json, not both.");
  if (options.all && options.period !== undefined) {
    throw new CliUsageError("--period draws one group's seat history: with --all, usage gives each group's billing period; run `usage <serviceName> --period …` for a history.");
  }
}

/** The amount of `peakSeats` seats at the licence's price, when the prices give one. */
function priced(prices: SeatPrices | undefined, licenseName: string, peakSeats: number): { seatPrice?: number; amount?: number } {
  const price = priceOf(prices, licenseName);
  if (!price) return {};
  return { seatPrice: price.monthly, amount: roundAmount(peakSeats * price.monthly, price.currency) };
}

/** Reads one group's usage: its tenant, subscriptions, billing figures and seat history (four calls in list mode). */
export async function readUsage(requester: OvhRequester, writer: CliWriter, serviceName: string | undefined, options: UsageOptions = {}): Promise<UsageReport> {
  checkUsageOptions(serviceName, options);
  if (serviceName === undefined) throw new CliUsageError("Give the licence group's serviceName.");
  const prices = readPrices(options.prices);
  const timePeriod = options.period ?? defaultUsagePeriod;
  const [tenant, subscriptions, figures, statistics] = await onLicenseGroup(serviceName, () =>
    Promise.all([
      getTenant(requester, serviceName),
      fetchSubscriptions(requester, serviceName, { onListed: readsReporter(writer, "subscriptions") }),
      getBillingPeriodPeaks(requester, serviceName),
      getUsageStatistics(requester, serviceName, timePeriod),
    ]),
  );
  const history = seriesByLicense(statistics);
  const seats = new Map<number, number>();
  for (const subscription of subscriptions) {
    if (!isTerminalStatus(subscription.status)) seats.set(subscription.licenseId, (seats.get(subscription.licenseId) ?? 0) + subscription.quantity);
  }
  const names = new Map<number, string>([...history.map((series) => [series.licenseId, series.licenseName] as const), ...figures.lines.map((line) => [line.licenceId, line.licenceName] as const)]);
  const peaks = new Map(figures.lines.map((line) => [line.licenceId, line.peakCount]));
  const licenseIds = [...new Set([...seats.keys(), ...peaks.keys()])];
  const licenses = licenseIds
    .map((licenseId): UsageLicense => {
      const licenseName = names.get(licenseId) ?? `licence ${licenseId}`;
      const peakSeats = peaks.get(licenseId) ?? 0;
      return { licenseId, licenseName, seats: seats.get(licenseId) ?? 0, peakSeats, ...priced(prices, licenseName, peakSeats) };
    })
    .sort((a, b) => a.licenseName.localeCompare(b.licenseName) || a.licenseId - b.licenseId);
  reportUnpriced(writer, prices, licenses.map((license) => license.licenseName));
  return {
    serviceName,
    displayName: tenant.displayName,
    billingPeriod: { start: figures.startDate, end: figures.endDate },
    ...(prices ? { currency: prices.currency } : {}),
    licenses,
    history: { timePeriod, licenses: history },
  };
}

/** Says which licences the prices leave without a price: their lines carry counts only. */
function reportUnpriced(writer: CliWriter, prices: SeatPrices | undefined, licenseNames: string[]): void {
  if (!prices) return;
  const unpriced = [...new Set(licenseNames.filter((name) => !priceOf(prices, name)))].sort();
  if (unpriced.length > 0) writer.err(`ovh-office365: no price given for ${unpriced.map((name) => JSON.stringify(name)).join(", ")}: counts only for ${unpriced.length > 1 ? "them" : "it"}.\n`);
}

/** The invoicing lines of one group's billing figures, one per licence with seats this period. */
export function invoicingLines(group: { serviceName: string; displayName: string }, figures: BillingStatistics, prices?: SeatPrices): InvoicingLine[] {
  return figures.lines
    .filter((line) => line.peakCount > 0)
    .map((line) => {
      const money = priced(prices, line.licenceName, line.peakCount);
      return {
        serviceName: group.serviceName,
        displayName: group.displayName,
        licenseId: line.licenceId,
        licenseName: line.licenceName,
        periodStart: figures.startDate,
        periodEnd: figures.endDate,
        peakSeats: line.peakCount,
        ...money,
        ...(money.amount !== undefined && prices ? { currency: prices.currency } : {}),
      };
    })
    .sort((a, b) => a.licenseName.localeCompare(b.licenseName) || a.licenseId - b.licenseId);
}

/**
 * Every group's invoicing lines: the groups in one call (list mode), then one billing read per group, sent at once and
 * paced by the client's rate limit. A group terminated in between (404) is left out; any other failure fails the whole
 * report, so no invoice is made from part of the account.
 */
export async function readAllUsage(requester: OvhRequester, writer: CliWriter, options: UsageOptions = {}): Promise<UsageAllReport> {
  checkUsageOptions(undefined, options);
  const prices = readPrices(options.prices);
  const groups = await fetchLicenseGroups(requester, { onListed: readsReporter(writer, "licence groups") });
  const done = countReporter(writer, groups.length, `the billing figures of ${groups.length} licence groups`);
  const perGroup = await Promise.all(
    groups.map(async (group) => {
      try {
        return invoicingLines(group, await getBillingPeriodPeaks(requester, group.serviceName), prices);
      } catch (error) {
        if (error instanceof OvhApiError && error.isNotFound) return [];
        throw error;
      } finally {
        done();
      }
    }),
  );
  const lines = perGroup.flat();
  reportUnpriced(writer, prices, lines.map((line) => line.licenseName));
  return { scope: "all", groups: groups.length, lines };
}

const csvColumns = ["serviceName", "displayName", "licenseId", "licenseName", "periodStart", "periodEnd", "peakSeats", "seatPrice", "amount", "currency"] as const;

/** The invoicing lines as CSV (RFC 4180, a header row); price columns stay empty where there is no price. */
export function renderCsv(lines: readonly InvoicingLine[]): string {
  const rows = lines.map((line) =>
    csvColumns.map((column) => {
      const value = line[column];
      if (value === undefined) return "";
      if ((column === "amount" || column === "seatPrice") && line.currency !== undefined) return plainAmount(value as number, line.currency);
      return String(value);
    }),
  );
  return stringify([[...csvColumns], ...rows]);
}

function periodText(start: string, end: string): string {
  return `${start} to ${end}`;
}

const periodWords: Record<LicensePeriodEnum, string> = { lastWeek: "last week", lastMonth: "last month", lastQuarter: "last quarter", lastYear: "last year" };

export function renderUsage(report: UsageReport): string {
  const header = renderFields([
    ["Licence group", `${report.serviceName} (${report.displayName})`],
    ["Billing period", periodText(report.billingPeriod.start, report.billingPeriod.end)],
  ]);
  const currency = report.currency;
  const money = (value: number | undefined) => (value === undefined || currency === undefined ? "-" : formatAmount(value, currency));
  const table =
    report.licenses.length === 0
      ? "No seats this billing period.\n"
      : renderTable(
          ["Licence", "Seats now", "Peak this period", ...(currency ? ["Seat price (month)", "Amount this period"] : [])],
          report.licenses.map((license) => [
            license.licenseName,
            license.seats,
            license.peakSeats,
            ...(currency ? [money(license.seatPrice), money(license.amount)] : []),
          ]),
        );
  const { timePeriod, licenses } = report.history;
  const charts = licenses.map((series) => {
    const days = series.days;
    const title = `${series.licenseName}: seats at the end of each day, ${periodWords[timePeriod]}`;
    return `${title}\n${seatChart(days.map((day) => ({ date: day.date, value: day.endOfDayCount })))}`;
  });
  const history = charts.length === 0 ? `No seats ${periodWords[timePeriod]}.\n` : charts.join("\n");
  return `${header}\n${table}\nSeat history\n\n${history}`;
}

export function renderAllUsage(report: UsageAllReport): string {
  if (report.lines.length === 0) return `No seats this billing period in the ${report.groups} licence groups of this account.\n`;
  const priced = report.lines.some((line) => line.amount !== undefined);
  return renderTable(
    ["Service name", "Display name", "Licence", "Billing period", "Peak seats", ...(priced ? ["Amount"] : [])],
    report.lines.map((line) => [
      line.serviceName,
      line.displayName,
      line.licenseName,
      periodText(line.periodStart, line.periodEnd),
      line.peakSeats,
      ...(priced ? [line.amount !== undefined && line.currency ? formatAmount(line.amount, line.currency) : "-"] : []),
    ]),
  );
}

/** `ovh-office365 usage [serviceName]`. Resolves to the exit code. */
export function runUsage(requester: OvhRequester, writer: CliWriter, serviceName: string | undefined, options: UsageOptions = {}): Promise<ExitCode> {
  if (options.all) {
    const read = () => {
      checkUsageOptions(serviceName, options);
      return readAllUsage(requester, writer, options);
    };
    return printReport(writer, options, read, (report) => (options.csv ? renderCsv(report.lines) : renderAllUsage(report)));
  }
  return printReport(
    writer,
    options,
    () => readUsage(requester, writer, serviceName, options),
    (report) => (options.csv ? renderCsv(invoicingLinesOf(report)) : renderUsage(report)),
  );
}

/** One group's report as invoicing lines, as `--all` gives them. */
function invoicingLinesOf(report: UsageReport): InvoicingLine[] {
  return report.licenses
    .filter((license) => license.peakSeats > 0)
    .map((license) => ({
      serviceName: report.serviceName,
      displayName: report.displayName,
      licenseId: license.licenseId,
      licenseName: license.licenseName,
      periodStart: report.billingPeriod.start,
      periodEnd: report.billingPeriod.end,
      peakSeats: license.peakSeats,
      ...(license.amount !== undefined ? { seatPrice: license.seatPrice, amount: license.amount, currency: report.currency } : {}),
    }));
}

export function registerUsageCommand(program: Command): Command {
  return defineCommand<UsageOptions>(program, {
    name: "usage",
    argument: { syntax: "[serviceName]", description: "the licence group's service name (see `ovh-office365 groups`); or --all" },
    summary: "What each customer is billed: seats, billing-period peaks and seat history",
    description:
      "For one licence group: the current billing period, per licence the seats now and the period's peak so far (OVH " +
      "bills the peak: a decrease does not lower it), and the seat history over --period as a chart. With --all instead " +
      "of a group, every group of the account, for invoicing: one line per group, licence and billing period, with the " +
      "group's display name (a table, --csv or --json). With --prices, a licence file whose `defaults` give `currency` " +
      "and `prices` (the monthly price of one seat per licence), each line also shows the seat price and the amount " +
      "(peak × price) in that currency; licences without a price get counts only, and so does everything without --prices.",
    examples: [
      "ovh-office365 usage csp2-1f4a7c92",
      "ovh-office365 usage csp2-1f4a7c92 --period lastQuarter --prices licences.yaml",
      "ovh-office365 usage --all --csv --prices licences.yaml > invoicing.csv",
      "ovh-office365 usage --all --json | jq '.lines[] | {displayName, licenseName, peakSeats}'",
    ],
    run: (requester, writer, [serviceName], options) => runUsage(requester, writer, serviceName, options),
  })
    .option("--all", "every licence group of the account: one invoicing line per group, licence and billing period")
    .option("--period <period>", `span of the seat history (${LicensePeriodEnumValues.join(", ")}; default ${defaultUsagePeriod}); one group only`)
    .option("--csv", "print the invoicing lines as CSV")
    .option("--prices <file>", "a licence file whose defaults give currency and prices: amounts in that currency");
}
