import { startSimulator, type RunningSimulator } from "../../simulator";
import { ovhCall, ovhOk, waitFor } from "./support/ovh-http";

interface OfficeLicence {
  id: number;
  name: string;
  licenceType: "NON-SPECIFIC" | "ADDON";
  limit: number | null;
  newSeatsAllowed: boolean;
  newSubscriptionsAllowed: boolean;
}
interface Statistics {
  date: string;
  lines: { licenceId: number; licenceName: string; endOfDayCount: number; peakCount: number }[];
}

let sim: RunningSimulator;
let serviceName: string;

beforeAll(async () => {
  sim = await startSimulator({ taskDurationMs: 100 });
});
afterAll(() => sim.close());
beforeEach(() => {
  sim.admin.reset();
  serviceName = sim.admin.licenceGroups()[0];
});

const base = () => `/saas/csp2/${serviceName}`;

async function catalogue(): Promise<OfficeLicence[]> {
  const ids = await ovhOk<number[]>(sim, { path: `${base()}/orderableLicenses` });
  return Promise.all(ids.map((id) => ovhOk<OfficeLicence>(sim, { path: `${base()}/orderableLicenses/${id}` })));
}

async function untilDone(taskId: number): Promise<void> {
  await waitFor(async () => (await ovhOk<{ status: string }>(sim, { path: `${base()}/task/${taskId}` })).status === "done");
}

describe("the licence catalogue", () => {
  it("lists Microsoft licences with types, limits and sale flags", async () => {
    const licenses = await catalogue();
    const names = licenses.map((l) => l.name);
    for (const name of ["Microsoft 365 Business Basic", "Microsoft 365 Business Standard", "Microsoft 365 Business Premium", "Office 365 E1", "Office 365 E3", "Exchange Online (Plan 1)"]) {
      expect(names).toContain(name);
    }
    expect(licenses.find((l) => l.name === "Microsoft 365 Business Basic")).toMatchObject({ licenceType: "NON-SPECIFIC", limit: 300, newSeatsAllowed: true, newSubscriptionsAllowed: true });
    expect(licenses.filter((l) => l.licenceType === "ADDON").map((l) => l.name)).toEqual(
      expect.arrayContaining(["Microsoft Defender for Office 365 (Plan 1)", "Microsoft 365 Audio Conferencing"]),
    );
    expect(licenses.some((l) => !l.newSeatsAllowed)).toBe(true);
    expect(licenses.some((l) => !l.newSubscriptionsAllowed)).toBe(true);
    expect((await ovhCall(sim, { path: `${base()}/orderableLicenses/1` })).status).toBe(404);
  });

  it("refuses a new subscription or a seat increase beyond the licence limit", async () => {
    const basic = (await catalogue()).find((l) => l.name === "Microsoft 365 Business Basic") as OfficeLicence;
    const held = sim.admin.subscriptions(serviceName).filter((s) => s.licenseId === basic.id).reduce((sum, s) => sum + s.quantity, 0);
    const tooMany = await ovhCall(sim, { method: "POST", path: `${base()}/subscription`, body: { licenseId: basic.id, quantity: (basic.limit as number) - held + 1 } });
    expect(tooMany.status).toBe(400);
    expect((tooMany.body as { message: string }).message).toContain("over the licence limit of 300");

    const existing = sim.admin.subscriptions(serviceName).find((s) => s.licenseId === basic.id);
    if (!existing) throw new Error("the demo group holds Business Basic");
    const raise = await ovhCall(sim, { method: "POST", path: `${base()}/subscription/${existing.id}/changeQuantity`, body: { quantity: 301 } });
    expect(raise.status).toBe(400);
    const atLimit = await ovhCall(sim, { method: "POST", path: `${base()}/subscription/${existing.id}/changeQuantity`, body: { quantity: (basic.limit as number) - held + existing.quantity } });
    expect(atLimit.status).toBe(200);
  });

  it("counts pending orders against the limit", async () => {
    const basic = (await catalogue()).find((l) => l.name === "Microsoft 365 Business Basic") as OfficeLicence;
    const held = sim.admin.subscriptions(serviceName).filter((s) => s.licenseId === basic.id).reduce((sum, s) => sum + s.quantity, 0);
    const half = Math.floor(((basic.limit as number) - held) / 2) + 1;
    sim.admin.addTaskFault({ outcome: "stuck", count: 1 });
    expect((await ovhCall(sim, { method: "POST", path: `${base()}/subscription`, body: { licenseId: basic.id, quantity: half } })).status).toBe(200);
    expect((await ovhCall(sim, { method: "POST", path: `${base()}/subscription`, body: { licenseId: basic.id, quantity: half } })).status).toBe(400);
  });

  it("refuses new subscriptions to a retired licence, and new seats where the licence forbids them", async () => {
    const licenses = await catalogue();
    const retired = licenses.find((l) => !l.newSubscriptionsAllowed && l.newSeatsAllowed) as OfficeLicence;
    const refused = await ovhCall(sim, { method: "POST", path: `${base()}/subscription`, body: { licenseId: retired.id, quantity: 1 } });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ class: "Client::Forbidden" });

    const noNewSeats = licenses.find((l) => !l.newSeatsAllowed) as OfficeLicence;
    const group = sim.admin.licenceGroups().find((name) => sim.admin.subscriptions(name).some((s) => s.licenseId === noNewSeats.id)) as string;
    const held = sim.admin.subscriptions(group).find((s) => s.licenseId === noNewSeats.id)!;
    const raise = await ovhCall(sim, { method: "POST", path: `/saas/csp2/${group}/subscription/${held.id}/changeQuantity`, body: { quantity: held.quantity + 1 } });
    expect(raise.status).toBe(403);
    expect((raise.body as { message: string }).message).toContain("No new seats");
  });

  it("refuses zero seats and an unchanged seat count", async () => {
    const existing = sim.admin.subscriptions(serviceName)[0];
    const zero = await ovhCall(sim, { method: "POST", path: `${base()}/subscription/${existing.id}/changeQuantity`, body: { quantity: 0 } });
    expect(zero.status).toBe(400);
    expect((zero.body as { message: string }).message).toContain("[quantity]");
    const same = await ovhCall(sim, { method: "POST", path: `${base()}/subscription/${existing.id}/changeQuantity`, body: { quantity: existing.quantity } });
    expect(same.status).toBe(400);
  });
});

describe("Microsoft's seat-decrease window", () => {
  it("accepts a decrease soon after the last increase and refuses it once the subscription is older than the window", async () => {
    const e1 = (await catalogue()).find((l) => l.name === "Office 365 E1") as OfficeLicence;
    const created = await ovhOk<{ id: number }>(sim, { method: "POST", path: `${base()}/subscription`, body: { licenseId: e1.id, quantity: 10 } });
    await untilDone(created.id);
    const subscription = sim.admin.subscriptions(serviceName).find((s) => s.licenseId === e1.id)!;

    const early = await ovhOk<{ id: number }>(sim, { method: "POST", path: `${base()}/subscription/${subscription.id}/changeQuantity`, body: { quantity: 8 } });
    await untilDone(early.id);
    expect(sim.admin.subscription(serviceName, subscription.id)?.quantity).toBe(8);

    sim.admin.ageSubscription(serviceName, subscription.id, 169);
    const late = await ovhCall(sim, { method: "POST", path: `${base()}/subscription/${subscription.id}/changeQuantity`, body: { quantity: 6 } });
    expect(late.status).toBe(403);
    expect(late.body).toMatchObject({ class: "Client::Forbidden", details: { windowHours: 168 } });
    expect((late.body as { message: string }).message).toContain("within 168 hours");

    const increase = await ovhOk<{ id: number }>(sim, { method: "POST", path: `${base()}/subscription/${subscription.id}/changeQuantity`, body: { quantity: 9 } });
    await untilDone(increase.id);
    const reopened = await ovhCall(sim, { method: "POST", path: `${base()}/subscription/${subscription.id}/changeQuantity`, body: { quantity: 7 } });
    expect(reopened.status).toBe(200);
  });
});

describe("usage statistics and billing peaks", () => {
  it("follow the seats, day by day and over the billing period", async () => {
    const target = sim.admin.subscriptions(serviceName)[0];
    const before = await ovhOk<Statistics[]>(sim, { path: `${base()}/usageStatistics?timePeriod=lastWeek` });
    expect(before).toHaveLength(7);
    const todayBefore = before[6].lines.find((l) => l.licenceId === target.licenseId)!;
    expect(todayBefore.endOfDayCount).toBeGreaterThanOrEqual(target.quantity);

    sim.admin.setSeats(serviceName, target.id, target.quantity + 20);
    sim.admin.setSeats(serviceName, target.id, target.quantity + 5);
    const after = await ovhOk<Statistics[]>(sim, { path: `${base()}/usageStatistics?timePeriod=lastWeek` });
    const todayAfter = after[6].lines.find((l) => l.licenceId === target.licenseId)!;
    expect(todayAfter.endOfDayCount).toBe(todayBefore.endOfDayCount + 5);
    expect(todayAfter.peakCount).toBe(todayBefore.endOfDayCount + 20);
    expect(after[0].lines.find((l) => l.licenceId === target.licenseId)?.endOfDayCount).toBe(todayBefore.endOfDayCount);
    expect(after.map((d) => d.date)).toEqual([...after.map((d) => d.date)].sort());

    const peaks = await ovhOk<{ startDate: string; endDate: string; lines: { licenceId: number; peakCount: number }[] }>(sim, { path: `${base()}/billingPeriodPeaks` });
    expect(peaks.startDate.endsWith("-01")).toBe(true);
    expect(peaks.endDate > peaks.startDate).toBe(true);
    expect(peaks.lines.find((l) => l.licenceId === target.licenseId)?.peakCount).toBe(todayBefore.endOfDayCount + 20);

    const quarter = await ovhOk<Statistics[]>(sim, { path: `${base()}/usageStatistics?timePeriod=lastQuarter` });
    expect(quarter).toHaveLength(90);
  });
});
