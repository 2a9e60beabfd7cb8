import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type BrowserContext } from "playwright-core";
import { ExitCode } from "../../provider/cli/commands/command-support";
import { runReport, type ReportSummary } from "../../provider/cli/commands/report";
import { getUsageStatistics } from "../../provider/csp2";
import { REPO_ROOT } from "../support/paths";
import { commandFixture } from "./command-fixture";
import { secretValues } from "./support";

/**
 * The HTML report in a real browser: Debian's Chromium, headless, driven by playwright-core. The page must load from
 * the file alone (no request leaves it, no script error), show the account's chart and one per customer, each with one
 * series per licence the customer had seats of over the period, and it is kept as a screenshot for a person to look at.
 */

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
/** The flags known to work on these machines: no sandbox as root, no background network in a closed one. */
const CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const ARTEFACTS = path.join(REPO_ROOT, ".tmp", "report-test");

const fixture = commandFixture();
let browser: BrowserContext;

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(
      `The report's browser test needs Chromium at ${CHROMIUM}, and it is missing: install it with \`apt-get install -y chromium\` ` +
        "(.ci/run does), or point CHROMIUM_PATH at a Chromium binary. The test does not skip without it.",
    );
  }
  fs.rmSync(ARTEFACTS, { recursive: true, force: true });
  fs.mkdirSync(ARTEFACTS, { recursive: true });
  // A fresh profile each run (playwright passes it as --user-data-dir).
  const userDataDir = path.join(ARTEFACTS, "chromium-profile");
  browser = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS.filter((flag) => flag !== "--headless"),
    viewport: { width: 1000, height: 900 },
  });
});
afterAll(async () => {
  await browser?.close();
  const printed = fixture.printed.join("\n");
  for (const secret of secretValues(fixture.credentials)) expect(printed).not.toContain(secret);
});

/** The licences a group had seats of over the period, as OVH's usage statistics list them. */
async function licensesOverQuarter(serviceName: string): Promise<Set<string>> {
  const statistics = await getUsageStatistics(fixture.requester, serviceName, "lastQuarter");
  return new Set(statistics.flatMap((day) => day.lines.map((line) => line.licenceName)));
}

interface SectionSeen {
  id: string;
  serviceName: string | null;
  heading: string;
  charts: number;
  /** Distinct series of the chart, by ECharts' own series index on each legend entry. */
  series: number;
  legend: string[];
  chartWidth: number;
}

describe("ovh-office365 report, in Chromium", () => {
  it("loads offline without errors, with the account's chart first and one per customer, each with a series per licence", async () => {
    const out = path.join(ARTEFACTS, "report.html");
    const result = await fixture.run((writer) => runReport(fixture.requester, writer, { out, json: true }));
    expect(result.exitCode).toBe(ExitCode.ok);
    const summary = JSON.parse(result.stdout) as ReportSummary;
    expect(summary).toEqual({ file: out, groups: fixture.simulator.admin.licenceGroups().length, timePeriod: "lastQuarter" });

    const html = fs.readFileSync(out, "utf8");
    // Only references inside the page (the SVG clip paths' url(#…)): nothing to fetch.
    expect(html).not.toMatch(/<script|<link|<img|<iframe|src=|url\((?!#)/i);

    const page = await browser.newPage();
    const problems: string[] = [];
    const requests: string[] = [];
    page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
    page.on("console", (message) => {
      if (message.type() === "error" || message.type() === "warning") problems.push(`console ${message.type()}: ${message.text()}`);
    });
    page.on("requestfailed", (request) => problems.push(`request failed: ${request.url()}`));
    page.on("request", (request) => requests.push(request.url()));
    const fileUrl = pathToFileURL(out).href;
    const response = await page.goto(fileUrl, { waitUntil: "load" });
    expect(response?.ok()).toBe(true);

    const sections = await page.$$eval("section.group", (elements) =>
      elements.map((section) => {
        const svgs = [...section.querySelectorAll("figure.chart svg")];
        const legendEntries = svgs.length === 1 ? [...svgs[0].querySelectorAll('[ecmeta_ssr_type="legend"]')] : [];
        const legendTexts = svgs.length === 1 ? [...svgs[0].querySelectorAll("text")].map((text) => text.textContent ?? "") : [];
        return {
          id: section.id,
          serviceName: section.getAttribute("data-service-name"),
          heading: section.querySelector("h2")?.textContent ?? "",
          charts: svgs.length,
          series: new Set(legendEntries.map((entry) => entry.getAttribute("ecmeta_series_index"))).size,
          legend: legendTexts,
          chartWidth: svgs[0]?.getBoundingClientRect().width ?? 0,
        };
      }),
    );
    await page.screenshot({ path: path.join(ARTEFACTS, "report.png"), fullPage: true });
    await page.close();

    expect(problems).toEqual([]);
    expect(requests).toEqual([fileUrl]);

    const [account, ...customers] = sections as SectionSeen[];
    expect(account.id).toBe("account");
    const groups = fixture.simulator.admin.licenceGroups();
    expect(customers.map((customer) => customer.serviceName).sort()).toEqual([...groups].sort());

    const everyLicense = new Set<string>();
    for (const customer of customers) {
      const licenses = await licensesOverQuarter(customer.serviceName!);
      for (const license of licenses) everyLicense.add(license);
      const displayName = fixture.simulator.admin.state().groups[customer.serviceName!].tenant.displayName;
      expect({ group: customer.serviceName, heading: customer.heading.startsWith(displayName), charts: customer.charts, series: customer.series }).toEqual({
        group: customer.serviceName,
        heading: true,
        charts: licenses.size > 0 ? 1 : 0,
        series: licenses.size,
      });
      for (const license of licenses) expect(customer.legend).toContain(license);
      if (licenses.size > 0) expect(customer.chartWidth).toBeGreaterThan(400);
    }
    expect({ charts: account.charts, series: account.series }).toEqual({ charts: 1, series: everyLicense.size });
    // The demo account has real curves: several licences, one of which ended during the quarter.
    expect(everyLicense.size).toBeGreaterThanOrEqual(6);
    expect(fs.statSync(path.join(ARTEFACTS, "report.png")).size).toBeGreaterThan(20_000);
  });
});
