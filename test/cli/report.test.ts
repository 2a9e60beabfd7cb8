import * as fs from "node:fs";
import * as path from "node:path";
import { ExitCode } from "../../provider/cli/commands/command-support";
import { readAccountUsage, runReport } from "../../provider/cli/commands/report";
import { escapeHtml } from "../../provider/cli/commands/report-html";
import { addSeries, seatChanges, seriesByLicense } from "../../provider/csp2";
import { makeProgramDir, removeDir } from "../support/paths";
import { commandFixture } from "./command-fixture";
import { recordingWriter, writePricesFile } from "./support";

/** What the report reads and writes, without a browser (report-browser.test.ts opens it in Chromium). */

const fixture = commandFixture();
const BASIC = "Microsoft 365 Business Basic";
let dir: string;
let pricesFile: string;
beforeAll(() => {
  dir = makeProgramDir("report-command");
  pricesFile = writePricesFile(dir, { [BASIC]: 5.6, "Office 365 E3": 21.5 });
});
afterAll(() => removeDir(dir));

describe("report", () => {
  it("adds up the customers' peaks and amounts for the account, and lists what changed when", async () => {
    const usage = await readAccountUsage(fixture.requester, recordingWriter().writer, { prices: pricesFile });
    expect(usage.groups.map((group) => group.serviceName)).toEqual(fixture.simulator.admin.licenceGroups());
    for (const license of usage.total.peaks) {
      const perGroup = usage.groups.flatMap((group) => group.peaks.filter((peak) => peak.licenseId === license.licenseId));
      expect(license.peakSeats).toBe(perGroup.reduce((sum, peak) => sum + peak.peakSeats, 0));
    }
    const e3 = usage.total.peaks.find((peak) => peak.licenseName === "Office 365 E3")!;
    expect(e3.amount).toBeCloseTo(e3.peakSeats * 21.5, 2);
    const amounts = usage.groups.flatMap((group) => group.peaks).map((peak) => peak.amount ?? 0);
    expect(usage.total.amount).toBeCloseTo(amounts.reduce((sum, amount) => sum + amount, 0), 2);
    expect(usage.currency).toBe("EUR");

    // The seed's Business Basic at Acme: 16 → 22 60 days ago, 22 → 28 30 days ago, 28 → 25 27 days ago.
    const acme = usage.groups.find((group) => group.serviceName === "csp2-1f4a7c92")!;
    expect(acme.changes.filter((change) => change.licenseName === BASIC).map(({ from, to }) => `${from}→${to}`)).toEqual(["16→22", "22→28", "28→25"]);
  });

  it("reads the groups in one call, then two per group", async () => {
    const before = fixture.apiRequestCount();
    const out = path.join(dir, "counted.html");
    const result = await fixture.run((writer) => runReport(fixture.requester, writer, { out }));
    expect(result.exitCode).toBe(ExitCode.ok);
    expect(result.stdout).toBe(`Report written to ${out}: 3 licence groups, seats over the last quarter. Open it in a browser (it needs no network).\n`);
    const routes = fixture.simulator.requestLog
      .entries()
      .slice(before)
      .map((entry) => entry.route)
      .filter((route) => route !== "/auth/time");
    expect(routes).toHaveLength(1 + 2 * 3);
  });

  it("escapes what OVH says, so a display name cannot write into the page", async () => {
    const serviceName = fixture.simulator.admin.addLicenceGroup({ tenant: { displayName: '<script>alert("x")</script> & Co' }, subscriptions: [{ license: BASIC, seats: 2 }] });
    const out = path.join(dir, "escaped.html");
    await fixture.run((writer) => runReport(fixture.requester, writer, { out, period: "lastWeek" }));
    const html = fs.readFileSync(out, "utf8");
    expect(html).not.toContain("<script>");
    expect(html).toContain(`${escapeHtml('<script>alert("x")</script> & Co')}<span class="service">${serviceName}</span>`);
  });

  it("refuses a bad --period or an --out folder that does not exist, before anything is sent", async () => {
    const before = fixture.apiRequestCount();
    const period = await fixture.run((writer) => runReport(fixture.requester, writer, { period: "lastDecade" as never, json: true }));
    expect(period.exitCode).toBe(ExitCode.usageError);
    expect(JSON.parse(period.stderr).error.message).toContain("--period must be one of");
    const out = await fixture.run((writer) => runReport(fixture.requester, writer, { out: path.join(dir, "missing", "r.html") }));
    expect(out.exitCode).toBe(ExitCode.usageError);
    expect(out.stderr).toContain("does not exist: create it, or write the report elsewhere");
    expect(fixture.apiRequestCount()).toBe(before);
  });
});

describe("series and changes from OVH's usage statistics", () => {
  const day = (date: string, lines: [number, string, number, number][]) => ({
    date,
    lines: lines.map(([licenceId, licenceName, endOfDayCount, peakCount]) => ({ licenceId, licenceName, endOfDayCount, peakCount })),
  });
  const statistics = [
    day("2026-11-03", [[1, "B", 5, 5]]),
    day("2026-11-01", [[1, "B", 3, 3], [2, "A", 2, 2]]),
    day("2026-11-02", [[1, "B", 3, 7]]),
  ];

  it("gives every licence a value on every day, a licence OVH leaves out of a day counting 0", () => {
    const series = seriesByLicense(statistics);
    expect(series.map((line) => [line.licenseName, line.days.map((d) => d.endOfDayCount)])).toEqual([
      ["A", [2, 0, 0]],
      ["B", [3, 3, 5]],
    ]);
  });

  it("finds the changes, a day's spike included, and adds groups up for the account", () => {
    const series = seriesByLicense(statistics);
    expect(seatChanges(series)).toEqual([
      { date: "2026-11-02", licenseId: 2, licenseName: "A", from: 2, to: 0 },
      { date: "2026-11-02", licenseId: 1, licenseName: "B", from: 3, to: 3, peak: 7 },
      { date: "2026-11-03", licenseId: 1, licenseName: "B", from: 3, to: 5 },
    ]);
    const total = addSeries([series, seriesByLicense([day("2026-11-01", [[1, "B", 10, 10]]), day("2026-11-02", []), day("2026-11-03", [])])]);
    expect(total.find((line) => line.licenseName === "B")?.days.map((d) => d.endOfDayCount)).toEqual([13, 3, 5]);
  });
});
