import type { LicenseSeries, SeatChange } from "../../csp2";
import { formatAmount } from "../../resources/seat-prices";
import { seatChartSvg } from "./report-charts";

/**
 * The report as one self-contained HTML page: styles inline, charts as inline SVG, no script, no font or image to
 * fetch, so it opens anywhere, offline, and prints.
 */

/** A licence's billing-period peak in a group (or summed over the account), with its amount when priced. */
export interface PeakLine {
  licenseId: number;
  licenseName: string;
  peakSeats: number;
  seatPrice?: number;
  amount?: number;
}

/** One customer: its billing period and peaks, its seats over the period, and what changed when. */
export interface GroupUsage {
  serviceName: string;
  displayName: string;
  billingPeriod: { start: string; end: string };
  peaks: PeakLine[];
  series: LicenseSeries[];
  changes: SeatChange[];
}

/** Everything the report shows. */
export interface AccountUsage {
  /** When the figures were read (ISO 8601). */
  generatedAt: string;
  /** The span of the seat history, in words (e.g. "last quarter"). */
  periodWords: string;
  /** The prices' currency, when prices were given. */
  currency?: string;
  groups: GroupUsage[];
  /** The account: each licence's seats added over the groups, and its peaks added (each group is billed its own). */
  total: { series: LicenseSeries[]; peaks: PeakLine[]; billingPeriods: string[]; amount?: number };
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string);
}

const styles = `
  :root { color-scheme: light; }
  body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 920px; padding: 0 1rem; color: #1d2433; }
  h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
  h2 { font-size: 1.25rem; margin: 0 0 0.3rem; }
  h2 .service { font-weight: normal; color: #5b6478; font-size: 0.95rem; margin-left: 0.5rem; }
  h3 { font-size: 1rem; margin: 1rem 0 0.4rem; }
  .meta, .period { color: #5b6478; margin: 0.2rem 0 0.8rem; }
  section.group { border: 1px solid #d8dde8; border-radius: 8px; padding: 1rem 1.2rem; margin: 1.5rem 0; page-break-inside: avoid; }
  section.account { background: #f6f8fc; }
  table { border-collapse: collapse; margin: 0.4rem 0; }
  th, td { text-align: left; padding: 0.25rem 0.8rem 0.25rem 0; border-bottom: 1px solid #e6e9f0; }
  td.number, th.number { text-align: right; }
  figure.chart { margin: 0.6rem 0; }
  figure.chart svg { max-width: 100%; height: auto; }
  nav ul { padding-left: 1.2rem; columns: 2; }
  .empty { color: #5b6478; font-style: italic; }
`;

function peaksTable(peaks: readonly PeakLine[], currency: string | undefined, total?: number): string {
  if (peaks.length === 0) return `<p class="empty">No seats this billing period.</p>`;
  const money = (value: number | undefined) => (value === undefined || currency === undefined ? "–" : escapeHtml(formatAmount(value, currency)));
  const head = `<tr><th>Licence</th><th class="number">Peak this period</th>${currency ? `<th class="number">Seat price (month)</th><th class="number">Amount</th>` : ""}</tr>`;
  const rows = peaks.map(
    (peak) =>
      `<tr><td>${escapeHtml(peak.licenseName)}</td><td class="number">${peak.peakSeats}</td>${currency ? `<td class="number">${money(peak.seatPrice)}</td><td class="number">${money(peak.amount)}</td>` : ""}</tr>`,
  );
  const totalRow = currency && total !== undefined ? `<tr><th>Total</th><td></td><td></td><th class="number">${money(total)}</th></tr>` : "";
  return `<table class="peaks">${head}${rows.join("")}${totalRow}</table>`;
}

function chart(series: readonly LicenseSeries[], label: string): string {
  if (series.length === 0) return `<p class="empty">No seats over the period.</p>`;
  return `<figure class="chart" aria-label="${escapeHtml(label)}">${seatChartSvg(series)}</figure>`;
}

function changesTable(changes: readonly SeatChange[]): string {
  if (changes.length === 0) return `<p class="empty">No change over the period.</p>`;
  const rows = changes.map((change) => {
    const seats = `${change.from} → ${change.to}${change.peak !== undefined ? ` (up to ${change.peak} during the day)` : ""}`;
    return `<tr><td>${escapeHtml(change.date)}</td><td>${escapeHtml(change.licenseName)}</td><td>${escapeHtml(seats)}</td></tr>`;
  });
  return `<table class="changes"><tr><th>Day</th><th>Licence</th><th>Seats at the end of the day</th></tr>${rows.join("")}</table>`;
}

function groupAnchor(serviceName: string): string {
  return `group-${serviceName.replace(/[^A-Za-z0-9_-]/g, "_")}`;
}

function groupSection(group: GroupUsage, usage: AccountUsage): string {
  const title = `${escapeHtml(group.displayName)}<span class="service">${escapeHtml(group.serviceName)}</span>`;
  return `
<section class="group customer" id="${groupAnchor(group.serviceName)}" data-service-name="${escapeHtml(group.serviceName)}">
  <h2>${title}</h2>
  <p class="period">Billing period ${escapeHtml(group.billingPeriod.start)} to ${escapeHtml(group.billingPeriod.end)}</p>
  ${peaksTable(group.peaks, usage.currency, usage.currency ? sumAmounts(group.peaks) : undefined)}
  <h3>Seats per licence, ${escapeHtml(usage.periodWords)}</h3>
  ${chart(group.series, `Seats per licence of ${group.displayName}`)}
  <h3>What changed when</h3>
  ${changesTable(group.changes)}
</section>`;
}

export function sumAmounts(peaks: readonly PeakLine[]): number | undefined {
  const amounts = peaks.map((peak) => peak.amount).filter((amount): amount is number => amount !== undefined);
  return amounts.length === 0 ? undefined : amounts.reduce((sum, amount) => sum + amount, 0);
}

/** The page. */
export function renderReportHtml(usage: AccountUsage): string {
  const { total } = usage;
  const generated = usage.generatedAt.replace("T", " ").replace(/\.\d+Z$/, " UTC");
  const nav = usage.groups.map((group) => `<li><a href="#${groupAnchor(group.serviceName)}">${escapeHtml(group.displayName)}</a></li>`).join("");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Licences and billing: ${usage.groups.length} licence groups</title>
<style>${styles}</style>
</head>
<body>
<header>
  <h1>Licences and billing</h1>
  <p class="meta">Office 365 reseller (CSP2) licence groups at OVHcloud: ${usage.groups.length} groups, seats ${escapeHtml(usage.periodWords)}. Read ${escapeHtml(generated)}. OVH bills each licence's peak of the billing period: a decrease does not lower it.</p>
</header>
<section class="group account" id="account">
  <h2>Account total</h2>
  <p class="period">Billing period${total.billingPeriods.length > 1 ? "s" : ""} ${escapeHtml(total.billingPeriods.join(", ") || "–")}</p>
  ${peaksTable(total.peaks, usage.currency, total.amount)}
  <h3>Seats per licence, all customers, ${escapeHtml(usage.periodWords)}</h3>
  ${chart(total.series, "Seats per licence, all customers")}
</section>
<nav><h2>Customers</h2><ul>${nav}</ul></nav>
${usage.groups.map((group) => groupSection(group, usage)).join("\n")}
</body>
</html>
`;
}
