import { DEMO_SEED, startSimulator, type RunningSimulator } from "../../simulator";
import { ovhOk } from "./support/ovh-http";

/**
 * The seeds' seat history (orders, increases, decreases, a subscription that ended), as OVH's two usage calls replay
 * it. Dates are Paris days, as OVH's EU API writes them; expectations are worked out here from the seed's hours.
 */

interface Statistics {
  date: string;
  lines: { licenceId: number; licenceName: string; endOfDayCount: number; peakCount: number }[];
}
interface BillingStatistics {
  startDate: string;
  endDate: string;
  lines: { licenceId: number; licenceName: string; peakCount: number }[];
}

const HOUR_MS = 3_600_000;
const parisDate = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Paris", year: "numeric", month: "2-digit", day: "2-digit" });
/** The Paris date `hours` ago. */
const dateHoursAgo = (hours: number) => parisDate.format(new Date(Date.now() - hours * HOUR_MS));

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator({ taskDurationMs: 100 });
});
afterAll(() => sim.close());

async function statistics(serviceName: string, timePeriod: string): Promise<Statistics[]> {
  return ovhOk<Statistics[]>(sim, { path: `/saas/csp2/${serviceName}/usageStatistics?timePeriod=${timePeriod}` });
}

function lineOn(days: Statistics[], date: string, licenceName: string) {
  const day = days.find((entry) => entry.date === date);
  if (!day) throw new Error(`No statistics for ${date}`);
  return day.lines.find((line) => line.licenceName === licenceName);
}

describe("the demo seed's history", () => {
  const acme = "csp2-1f4a7c92";
  const basic = "Microsoft 365 Business Basic";

  it("replays each increase and decrease on its day: the day's peak before a decrease, its end after", async () => {
    const quarter = await statistics(acme, "lastQuarter");
    // Business Basic: 16 seats, 22 from 60 days ago, 28 from 30 days ago, 25 from 27 days ago.
    const days = (count: number) => count * 24;
    expect(lineOn(quarter, dateHoursAgo(days(61)), basic)).toMatchObject({ endOfDayCount: 16, peakCount: 16 });
    expect(lineOn(quarter, dateHoursAgo(days(60)), basic)).toMatchObject({ endOfDayCount: 22, peakCount: 22 });
    expect(lineOn(quarter, dateHoursAgo(days(29)), basic)).toMatchObject({ endOfDayCount: 28, peakCount: 28 });
    expect(lineOn(quarter, dateHoursAgo(days(27)), basic)).toMatchObject({ endOfDayCount: 25, peakCount: 28 });
    expect(lineOn(quarter, dateHoursAgo(0), basic)).toMatchObject({ endOfDayCount: 25 });
    // The curve really moves: at least four distinct end-of-day counts over the quarter.
    const counts = new Set(quarter.map((day) => day.lines.find((line) => line.licenceName === basic)?.endOfDayCount));
    expect(counts.size).toBeGreaterThanOrEqual(4);
  });

  it("shows a licence that ended only on the days it had seats", async () => {
    const boulangerie = "csp2-8d03b5e6";
    const quarter = await statistics(boulangerie, "lastQuarter");
    const e1 = "Office 365 E1";
    expect(lineOn(quarter, dateHoursAgo(46 * 24), e1)).toMatchObject({ endOfDayCount: 2, peakCount: 2 });
    expect(lineOn(quarter, dateHoursAgo(45 * 24), e1)).toMatchObject({ endOfDayCount: 0, peakCount: 2 });
    expect(lineOn(quarter, dateHoursAgo(44 * 24), e1)).toBeUndefined();
    expect(lineOn(quarter, dateHoursAgo(0), e1)).toBeUndefined();
    // Nowhere else: the ended subscription is not listed, and took none of the seeded ids.
    expect(sim.admin.subscriptions(boulangerie).map((subscription) => subscription.licenseName)).not.toContain(e1);
    expect(sim.admin.subscriptions("csp2-5c7e2d10").map((subscription) => subscription.id)).toEqual([3001206]);
  });

  it("gives the billing period's peak, which a decrease within the period does not lower", async () => {
    const dupont = "csp2-5c7e2d10";
    const peaks = await ovhOk<BillingStatistics>(sim, { path: `/saas/csp2/${dupont}/billingPeriodPeaks` });
    expect(peaks.startDate).toBe(`${dateHoursAgo(0).slice(0, 8)}01`);
    // Office 365 E3: created with 45 seats 72 hours ago, lowered to 40 30 hours ago.
    const decreasedInPeriod = dateHoursAgo(30) >= peaks.startDate;
    expect(peaks.lines.find((line) => line.licenceName === "Office 365 E3")?.peakCount).toBe(decreasedInPeriod ? 45 : 40);
    expect(sim.admin.subscriptions(dupont)[0].quantity).toBe(40);
  });

  it("keeps the last increase out of the seat-decrease window where the demo expects a refusal, and in it for Office 365 E3", () => {
    const hoursSince = (iso: string) => (Date.now() - Date.parse(iso)) / HOUR_MS;
    for (const serviceName of sim.admin.licenceGroups()) {
      for (const subscription of sim.admin.subscriptions(serviceName)) {
        const inWindow = hoursSince(subscription.lastSeatIncrease) < 168;
        expect({ license: subscription.licenseName, inWindow }).toEqual({ license: subscription.licenseName, inWindow: subscription.licenseName === "Office 365 E3" });
      }
    }
    expect(DEMO_SEED.groups.flatMap((group) => group.subscriptions ?? []).some((subscription) => (subscription.earlierSeats ?? []).length >= 3)).toBe(true);
  });
});

describe("what OVH does not publish about billing: the variants", () => {
  afterEach(() => sim.admin.setSettings({ billingPeriod: "calendarMonth", peakAfterDecrease: "kept" }));

  it("billingPeriod: serviceRenewal runs the period from the group's last monthly renewal", async () => {
    const acme = "csp2-1f4a7c92";
    const calendar = await ovhOk<BillingStatistics>(sim, { path: `/saas/csp2/${acme}/billingPeriodPeaks` });
    sim.admin.setSettings({ billingPeriod: "serviceRenewal" });
    const renewal = await ovhOk<BillingStatistics>(sim, { path: `/saas/csp2/${acme}/billingPeriodPeaks` });
    // The group renews every 30 days from its creation: the period is the 30 days before the next renewal.
    const creation = sim.admin.state().groups[acme].service.creation;
    let next = creation + 30 * 24 * HOUR_MS;
    while (next <= Date.now()) next += 30 * 24 * HOUR_MS;
    expect(renewal.startDate).toBe(parisDate.format(new Date(next - 30 * 24 * HOUR_MS)));
    expect(renewal.endDate).toBe(parisDate.format(new Date(next - 1)));
    expect(calendar.startDate.endsWith("-01")).toBe(true);
    expect(renewal.lines.map((line) => line.licenceName).sort()).toEqual(calendar.lines.map((line) => line.licenceName).sort());
  });

  it("peakAfterDecrease: loweredInWindow lowers the peak for seats removed within Microsoft's window, kept does not", async () => {
    const serviceName = sim.admin.addLicenceGroup({ subscriptions: [{ license: "Office 365 E1", seats: 5, ageHours: 24 * 40 }] });
    const [subscription] = sim.admin.subscriptions(serviceName);
    sim.admin.setSeats(serviceName, subscription.id, 12);
    sim.admin.setSeats(serviceName, subscription.id, 7);
    const peak = async () => (await ovhOk<BillingStatistics>(sim, { path: `/saas/csp2/${serviceName}/billingPeriodPeaks` })).lines[0].peakCount;
    expect(await peak()).toBe(12);
    sim.admin.setSettings({ peakAfterDecrease: "loweredInWindow" });
    expect(await peak()).toBe(7);
    // The day's statistics still show what was held: only the billing counts the refund.
    const [today] = (await statistics(serviceName, "lastWeek")).slice(-1);
    expect(today.lines[0]).toMatchObject({ endOfDayCount: 7, peakCount: 12 });
  });
});

describe("a seed's history is checked", () => {
  it.each([
    [[{ seats: 3, untilHoursAgo: 500 }], "below ageHours"],
    [[{ seats: 3, untilHoursAgo: 50 }, { seats: 4, untilHoursAgo: 60 }], "below the entry before it"],
    [[{ seats: 0, untilHoursAgo: 50 }], "positive integer"],
  ])("refusing %j", async (earlierSeats, message) => {
    await expect(
      startSimulator({ seed: { groups: [{ serviceName: "csp2-history", subscriptions: [{ license: "Office 365 E1", seats: 2, ageHours: 100, earlierSeats }] }] } }),
    ).rejects.toThrow(message);
  });

  it("through the admin API as through a seed", async () => {
    const serviceName = sim.admin.addLicenceGroup({
      subscriptions: [{ license: "Office 365 E1", seats: 9, ageHours: 200, earlierSeats: [{ seats: 4, untilHoursAgo: 100 }] }],
    });
    const [subscription] = sim.admin.subscriptions(serviceName);
    expect(subscription.quantity).toBe(9);
    expect(Date.now() - Date.parse(subscription.lastSeatIncrease)).toBeGreaterThanOrEqual(100 * HOUR_MS - 1000);
    const quarter = await statistics(serviceName, "lastQuarter");
    expect(lineOn(quarter, dateHoursAgo(124), "Office 365 E1")).toMatchObject({ endOfDayCount: 4 });
    expect(() => sim.admin.addLicenceGroup({ subscriptions: [{ license: "Office 365 E1", seats: 2, endedHoursAgo: 5 }] })).toThrow("endedHoursAgo");
  });
});
