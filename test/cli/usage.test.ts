import * as fs from "node:fs";
import * as path from "node:path";
import { ExitCode } from "../../provider/cli/commands/command-support";
import { runUsage, type UsageAllReport, type UsageReport } from "../../provider/cli/commands/usage";
import { foldColumns, seatChart } from "../../provider/cli/commands/terminal-chart";
import { getBillingPeriodPeaks } from "../../provider/csp2";
import { makeProgramDir, removeDir } from "../support/paths";
import { commandFixture } from "./command-fixture";
import { secretValues, writePricesFile } from "./support";
import { rowsOf, tablesIn } from "./tables";

const fixture = commandFixture();
const { run } = fixture;
const ACME = "csp2-1f4a7c92";
const BASIC = "Microsoft 365 Business Basic";

let dir: string;
let pricesFile: string;
beforeAll(() => {
  dir = makeProgramDir("usage-command");
  // A licence named in another case and spacing still finds its price.
  pricesFile = writePricesFile(dir, { [BASIC]: 5.6, "microsoft 365 business standard": 11.7 });
});
afterAll(() => {
  removeDir(dir);
  const printed = fixture.printed.join("\n");
  for (const secret of secretValues(fixture.credentials)) expect(printed).not.toContain(secret);
});

const usage = (serviceName: string | undefined, options: Parameters<typeof runUsage>[3] = {}) => run((writer) => runUsage(fixture.requester, writer, serviceName, options));
/** The seats the simulator's group holds now, per licence name. */
const heldSeats = (serviceName: string) => {
  const seats = new Map<string, number>();
  for (const subscription of fixture.simulator.admin.subscriptions(serviceName)) seats.set(subscription.licenseName, (seats.get(subscription.licenseName) ?? 0) + subscription.quantity);
  return seats;
};

describe("usage <serviceName>", () => {
  it("reports each licence's seats now and the period's peak, which a decrease today does not lower", async () => {
    const [basic] = fixture.simulator.admin.subscriptions(ACME).filter((subscription) => subscription.licenseName === BASIC);
    fixture.simulator.admin.setSeats(ACME, basic.id, basic.quantity + 7);
    fixture.simulator.admin.setSeats(ACME, basic.id, basic.quantity - 2);

    const result = await usage(ACME, { json: true });
    expect(result.exitCode).toBe(ExitCode.ok);
    const report = JSON.parse(result.stdout) as UsageReport;
    expect(Object.keys(report)).toEqual(["serviceName", "displayName", "billingPeriod", "licenses", "history"]);
    expect(report.displayName).toBe("Acme Corp");
    const today = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Paris" }).format(new Date());
    expect(report.billingPeriod.start).toBe(`${today.slice(0, 8)}01`);
    expect(report.billingPeriod.end >= today).toBe(true);

    const seats = heldSeats(ACME);
    expect(report.licenses.map((license) => [license.licenseName, license.seats])).toEqual([...seats].sort(([a], [b]) => a.localeCompare(b)));
    expect(report.licenses.find((license) => license.licenseName === BASIC)).toMatchObject({ seats: basic.quantity - 2, peakSeats: basic.quantity + 7 });
    for (const license of report.licenses) expect(license.amount).toBeUndefined();

    // The history: every day of the last month, one series per licence, today's end-of-day count the seats now.
    expect(report.history.timePeriod).toBe("lastMonth");
    for (const series of report.history.licenses) {
      expect(series.days).toHaveLength(30);
      expect(series.days[series.days.length - 1]).toMatchObject({ date: today, endOfDayCount: seats.get(series.licenseName) ?? 0 });
    }
    const basicDays = report.history.licenses.find((series) => series.licenseName === BASIC)!.days;
    expect(basicDays[basicDays.length - 1].peakCount).toBe(basic.quantity + 7);
  });

  it("draws the seat history over --period as a chart, and the licences as a table", async () => {
    const result = await usage(ACME, { period: "lastQuarter" });
    expect(result.exitCode).toBe(ExitCode.ok);
    const [fields, licenses] = tablesIn(result.stdout);
    expect(fields[0]).toEqual(["Licence group", `${ACME} (Acme Corp)`]);
    expect(rowsOf(licenses).map((row) => Object.keys(row))[0]).toEqual(["Licence", "Seats now", "Peak this period"]);
    expect(result.stdout).toContain(`${BASIC}: seats at the end of each day, last quarter`);
    // The seed's Business Basic went 16 → 22 → 28 → 25 over the quarter: the chart's axis runs from 16 to 28.
    const chart = result.stdout.slice(result.stdout.indexOf(`${BASIC}: seats`)).split("\n\n")[0];
    expect(chart).toMatch(/^ 28 ┤/m);
    expect(chart).toMatch(/^ 16 ┼/m);
    expect(chart.split("\n").filter((line) => /[╭╮╯╰]/.test(line)).length).toBeGreaterThanOrEqual(3);
  });

  it("shows amounts in the prices' currency, and counts only for a licence without a price", async () => {
    const result = await usage(ACME, { json: true, prices: pricesFile });
    const report = JSON.parse(result.stdout) as UsageReport;
    expect(report.currency).toBe("EUR");
    const basic = report.licenses.find((license) => license.licenseName === BASIC)!;
    expect(basic).toMatchObject({ seatPrice: 5.6, amount: Math.round(basic.peakSeats * 560) / 100 });
    const defender = report.licenses.find((license) => license.licenseName.startsWith("Microsoft Defender"))!;
    expect(defender.amount).toBeUndefined();
    expect(result.stderr).toContain('no price given for "Microsoft Defender for Office 365 (Plan 1)": counts only for it.');

    const text = await usage(ACME, { prices: pricesFile });
    const row = rowsOf(tablesIn(text.stdout)[1]).find((entry) => entry.Licence === BASIC)!;
    expect(row["Seat price (month)"]).toBe("5.60 EUR");
    expect(row["Amount this period"]).toBe(`${(basic.peakSeats * 5.6).toFixed(2)} EUR`);
  });
});

describe("usage under each billing variant of the simulator", () => {
  afterEach(() => fixture.simulator.admin.setSettings({ billingPeriod: "calendarMonth", peakAfterDecrease: "kept" }));

  it.each([
    [{ billingPeriod: "serviceRenewal" as const }],
    [{ peakAfterDecrease: "loweredInWindow" as const }],
  ])("%j: the period and the peaks are OVH's, as given", async (settings) => {
    fixture.simulator.admin.setSettings(settings);
    const dupont = "csp2-5c7e2d10";
    const figures = await getBillingPeriodPeaks(fixture.requester, dupont);
    const report = JSON.parse((await usage(dupont, { json: true })).stdout) as UsageReport;
    expect(report.billingPeriod).toEqual({ start: figures.startDate, end: figures.endDate });
    expect(report.licenses.map((license) => [license.licenseId, license.peakSeats])).toEqual(figures.lines.map((line) => [line.licenceId, line.peakCount]));
    const all = JSON.parse((await usage(undefined, { all: true, json: true })).stdout) as UsageAllReport;
    expect(all.lines.filter((line) => line.serviceName === dupont).map((line) => [line.periodStart, line.periodEnd, line.peakSeats])).toEqual(
      figures.lines.map((line) => [figures.startDate, figures.endDate, line.peakCount]),
    );
  });
});

describe("usage --all", () => {
  it("gives one invoicing line per group, licence and period, with the display name, as CSV", async () => {
    const comma = fixture.simulator.admin.addLicenceGroup({ tenant: { displayName: 'Dupont, Martin & "Fils"' }, subscriptions: [{ license: BASIC, seats: 4 }] });
    const result = await usage(undefined, { all: true, csv: true, prices: pricesFile });
    expect(result.exitCode).toBe(ExitCode.ok);
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe("serviceName,displayName,licenseId,licenseName,periodStart,periodEnd,peakSeats,seatPrice,amount,currency");
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^${comma},"Dupont, Martin & ""Fils""",\\d+,${BASIC},\\d{4}-\\d{2}-01,\\d{4}-\\d{2}-\\d{2},4,5\\.60,22\\.40,EUR$`)));
    // Every licence with seats in every group, and nothing else.
    const expected = fixture.simulator.admin.licenceGroups().flatMap((serviceName) => [...heldSeats(serviceName).keys()].map((license) => `${serviceName} ${license}`));
    const listed = lines.slice(1).map((line) => {
      const [serviceName] = line.split(",");
      const licenseName = line.split(/,\d{4}-/)[0].split(",").slice(-1)[0];
      return `${serviceName} ${licenseName}`;
    });
    expect(listed.sort()).toEqual(expected.sort());
    // Unpriced licences have empty price columns.
    expect(lines.find((line) => line.includes("Office 365 ProPlus"))).toMatch(/,3,,,$/);
  });

  it("reads the groups in one call and each group's billing figures in one, and says so on a terminal when they are many", async () => {
    for (let index = 0; index < 20; index++) fixture.simulator.admin.addLicenceGroup({ subscriptions: [{ license: "Office 365 E1", seats: index + 1 }] });
    const groups = fixture.simulator.admin.licenceGroups().length;
    const before = fixture.apiRequestCount();
    const result = await usage(undefined, { all: true, json: true });
    const routes = fixture.simulator.requestLog
      .entries()
      .slice(before)
      .filter((entry) => entry.apiPath !== "/auth/time")
      .map((entry) => entry.route);
    expect(routes.filter((route) => route === "/saas/csp2")).toHaveLength(1);
    expect(routes.filter((route) => route === "/saas/csp2/{serviceName}/billingPeriodPeaks")).toHaveLength(groups);
    expect(routes).toHaveLength(groups + 1);
    const report = JSON.parse(result.stdout) as UsageAllReport;
    expect(report.groups).toBe(groups);
    expect(result.progress[0]).toBe(`Reading the billing figures of ${groups} licence groups…`);
    expect(result.progress[result.progress.length - 1]).toBe(`… ${groups} of ${groups}`);
    expect(result.progress.length).toBeLessThanOrEqual(12);
  });

  it("prints a table by default", async () => {
    const result = await usage(undefined, { all: true });
    const rows = rowsOf(tablesIn(result.stdout)[0]);
    expect(rows.find((row) => row["Service name"] === ACME && row.Licence === BASIC)).toMatchObject({ "Display name": "Acme Corp" });
    expect(Object.keys(rows[0])).toEqual(["Service name", "Display name", "Licence", "Billing period", "Peak seats"]);
  });
});

describe("usage errors, before anything is sent", () => {
  it.each([
    [undefined, {}, "Give the licence group's serviceName (see `ovh-office365 groups`), or --all"],
    [ACME, { all: true }, "Give a serviceName or --all, not both."],
    [ACME, { csv: true, json: true }, "Choose --csv or --json, not both."],
    [undefined, { all: true, period: "lastWeek" }, "--period draws one group's seat history"],
    [ACME, { period: "lastDecade" }, '--period must be one of lastMonth, lastQuarter, lastWeek, lastYear, got "lastDecade"'],
    ["bad/name", {}, "Invalid serviceName argument"],
  ] as const)("%s %j", async (serviceName, options, message) => {
    const before = fixture.apiRequestCount();
    const result = await usage(serviceName, { ...options, json: true } as Parameters<typeof runUsage>[3]);
    expect(result.exitCode).toBe(ExitCode.usageError);
    expect(JSON.parse(result.stderr).error).toMatchObject({ kind: "usage", message: expect.stringContaining(message) });
    expect(fixture.apiRequestCount()).toBe(before);
  });

  it("a prices file without prices, or with a mistake, names the file and the fix", async () => {
    const noPrices = path.join(dir, "no-prices.yaml");
    fs.writeFileSync(noPrices, "groups: {}\n");
    const missing = await usage(ACME, { prices: noPrices });
    expect(missing.exitCode).toBe(ExitCode.usageError);
    expect(missing.stderr).toContain(`--prices: ${noPrices} gives no prices: add \`currency:\` and \`prices:\``);
    const wrong = path.join(dir, "wrong-prices.yaml");
    fs.writeFileSync(wrong, `defaults:\n  currency: €\n  prices:\n    ${BASIC}: 5.6\ngroups: {}\n`);
    const refused = await usage(ACME, { prices: wrong });
    expect(refused.exitCode).toBe(ExitCode.usageError);
    expect(refused.stderr).toContain(`${wrong}:2:13: defaults.currency is "€", not a currency code`);
  });

  it("an unknown group is OVH's 404, said as for the other commands", async () => {
    const result = await usage("csp2-doesnotexist", { json: true });
    expect(result.exitCode).toBe(ExitCode.ovhError);
    expect(JSON.parse(result.stderr).error.kind).toBe("unknownLicenceGroup");
  });
});

describe("the terminal chart", () => {
  const days = (values: number[]) => values.map((value, index) => ({ date: `2026-01-${String(index + 1).padStart(2, "0")}`, value }));

  it("folds a long period into the width, keeping each column's highest count", () => {
    const folded = foldColumns(days([1, 1, 9, 1, 1, 1, 2, 2, 2, 3]), 5);
    expect(folded.map((point) => point.value)).toEqual([1, 9, 1, 2, 3]);
    expect(folded[folded.length - 1].date).toBe("2026-01-10");
    expect(foldColumns(days([1, 2]), 5)).toHaveLength(2);
  });

  it("labels whole seats, one row per seat for a small range, with the first and last dates under it", () => {
    const chart = seatChart(days([3, 3, 5, 5, 4]));
    const rows = chart.trimEnd().split("\n");
    expect(rows.slice(0, -1).map((row) => /^\s*(\d+)\s*[┤┼]/.exec(row)?.[1])).toEqual(["5", "4", "3"]);
    expect(rows[0]).toMatch(/┤ ╭─╮/);
    expect(rows[rows.length - 1].trim()).toBe("2026-01-01 … 2026-01-05");
    expect(seatChart([])).toBe("");
  });
});
