import { CheckFailedError, destroy, dynamicResourceType, preview, refresh, up, type ResourceState } from "../../pulumi-host";
import { listingMaxAgeMs } from "../../provider/resources/group-listings";
import { openResourceStack, type ResourceStack } from "../support/resource-stack";

/**
 * A Subscription's billing period through the real provider host: the `billingPeriod` output (one billingPeriodPeaks
 * read per group per run), the preview's line on what a seat change does to the period's peak, and the guard rail in
 * money (`maxMonthlyIncrease`), checked in the preview.
 */

const SUBSCRIPTION = dynamicResourceType("Subscription", "ovh-office365");
/** The demo account's group without the licence these tests order. */
const serviceName = "csp2-5c7e2d10";
let stack: ResourceStack;

beforeAll(async () => {
  stack = await openResourceStack("subscription-billing-host");
});
afterAll(async () => stack?.close());

const host = () => stack.harness.host;
const provider = () => stack.harness.providers.subscriptionProvider;
const urn = (name: string) => host().makeUrn(SUBSCRIPTION, name);
const billingReads = (group: string) => stack.simulator.requestLog.entries({ method: "GET", apiPath: `/saas/csp2/${group}/billingPeriodPeaks` }).length;
const price = { monthly: 5.6, currency: "EUR" };

describe("billingPeriod and the preview of a seat change", () => {
  let state: ResourceState;
  const license = "Microsoft 365 Business Premium";
  const inputs = { serviceName, license, seats: 5, seatPrice: price };

  beforeAll(async () => {
    state = (await up(host(), urn("billed"), { inputs, providerText: provider() })).state;
  });
  afterAll(async () => {
    await destroy(host(), state).catch(() => undefined);
  });

  it("outputs the group's billing period and the licence's peak, as OVH gives them", async () => {
    const period = state.outputs.billingPeriod as { start: string; end: string; peakSeats: number };
    const today = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Paris" }).format(new Date());
    expect(period.start).toBe(`${today.slice(0, 8)}01`);
    expect(period.end >= today).toBe(true);
    expect(period.peakSeats).toBe(5);
    expect(state.outputs.seatPrice).toEqual(price);
  });

  it("says what a seat change does to the peak, with the amount, from the preview's diff", async () => {
    state = (await refresh(host(), state))!;
    expect(await preview(host(), state, { inputs: { ...inputs, seats: 9 }, providerText: provider() })).toMatchObject({ changes: true });
    await expect(
      host().waitForOutput(`peak 5 → 9 for ${license} this period: +22.40 EUR this period (4 seats at 5.60 EUR)`, 10_000),
    ).resolves.toBeDefined();

    const raised = await up(host(), urn("billed"), { inputs: { ...inputs, seats: 9 }, providerText: provider(), previous: state });
    state = raised.state;
    expect(state.outputs.billingPeriod).toMatchObject({ peakSeats: 9 });

    // A decrease leaves the period's peak where it is.
    state = (await refresh(host(), state))!;
    await preview(host(), state, { inputs: { ...inputs, seats: 7 }, providerText: provider() });
    await expect(host().waitForOutput(`peak stays 9 for ${license} this period (seats 9 → 7: a decrease does not lower it, unless Microsoft refunds the seats)`, 10_000)).resolves.toBeDefined();
  });

  it("refuses in the preview a change that raises the monthly bill more than maxMonthlyIncrease, naming the fix", async () => {
    const guarded = { ...inputs, seats: 30, maxMonthlyIncrease: 50 };
    const failure = await preview(host(), state, { inputs: guarded, providerText: provider() }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(CheckFailedError);
    const [problem] = (failure as CheckFailedError).failures;
    expect(problem.property).toBe("seats");
    expect(problem.reason).toContain("9 => 30 adds 21 seats at 5.60 EUR each, 117.60 EUR a month, more than maxMonthlyIncrease (50.00 EUR)");
    expect(problem.reason).toContain("raise maxMonthlyIncrease");
    // Within the rail, the same change goes through the preview.
    expect(await preview(host(), state, { inputs: { ...guarded, seats: 17 }, providerText: provider() })).toMatchObject({ changes: true });
  });

  it("refuses maxMonthlyIncrease without a seat price, and a malformed price", async () => {
    const missing = await preview(host(), state, { inputs: { serviceName, license, seats: 9, maxMonthlyIncrease: 50 }, providerText: provider() }).catch((error: unknown) => error);
    expect((missing as CheckFailedError).failures).toEqual([expect.objectContaining({ property: "maxMonthlyIncrease", reason: expect.stringContaining("needs seatPrice") })]);
    const badCurrency = await preview(host(), state, { inputs: { ...inputs, seatPrice: { monthly: 5.6, currency: "€" } }, providerText: provider() }).catch((error: unknown) => error);
    expect((badCurrency as CheckFailedError).failures).toEqual([expect.objectContaining({ property: "seatPrice", reason: expect.stringContaining("not a currency code") })]);
  });
});

describe("reads of the billing figures", () => {
  const group = "csp2-1f4a7c92";
  let adopted: ResourceState[] = [];

  it("are shared: a refresh of a group's subscriptions reads them once in a run", async () => {
    adopted = await Promise.all(
      stack.simulator.admin.subscriptions(group).map(async (subscription) =>
        (await up(host(), urn(`adopted-${subscription.id}`), {
          inputs: {
            serviceName: group,
            subscriptionId: subscription.id,
            seats: subscription.quantity,
            ...(subscription.parentSubscriptionId === null ? {} : { parentSubscriptionId: subscription.parentSubscriptionId }),
          },
          providerText: provider(),
        })).state,
      ),
    );
    expect(adopted.length).toBe(3);
    const before = billingReads(group);
    const refreshed = await Promise.all(adopted.map((state) => refresh(host(), state)));
    expect(billingReads(group) - before).toBe(0);
    // Each has its own licence's peak.
    for (const state of refreshed) expect((state!.outputs.billingPeriod as { peakSeats: number }).peakSeats).toBeGreaterThanOrEqual(state!.outputs.seats as number);
    expect(billingReads(group)).toBeLessThanOrEqual(1);
  });

  it("are made once more when a refresh finds seats changed outside the program, whose peak the run did not see", async () => {
    const basic = adopted.find((state) => state.outputs.licenseName === "Microsoft 365 Business Basic")!;
    const seats = basic.outputs.seats as number;
    const subscriptionId = basic.outputs.subscriptionId as number;
    // In the control panel: seats raised, then lowered again, between two runs' reads.
    stack.simulator.admin.setSeats(group, subscriptionId, seats + 6);
    stack.simulator.admin.setSeats(group, subscriptionId, seats - 1);
    // Past the age a refresh may serve a group's listing from (the last test's refresh listed it).
    await new Promise((resolve) => setTimeout(resolve, listingMaxAgeMs + 100));
    const before = billingReads(group);
    const refreshed = (await refresh(host(), basic))!;
    expect(refreshed.outputs.seats).toBe(seats - 1);
    expect(refreshed.outputs.billingPeriod).toMatchObject({ peakSeats: seats + 6 });
    expect(billingReads(group) - before).toBe(1);
    // Once per group per run: a second drift is shown with the figures just read.
    stack.simulator.admin.setSeats(group, subscriptionId, seats);
    await new Promise((resolve) => setTimeout(resolve, listingMaxAgeMs + 100));
    expect((await refresh(host(), refreshed))!.outputs).toMatchObject({ seats, billingPeriod: { peakSeats: seats + 6 } });
    expect(billingReads(group) - before).toBe(1);
  });

  it("that fail leave the output out and say so, and the refresh goes on", async () => {
    const group = "csp2-8d03b5e6";
    const [subscription] = stack.simulator.admin.subscriptions(group);
    const fault = stack.simulator.admin.addFault({ kind: "httpError", status: 403, method: "GET", path: `/saas/csp2/${group}/billingPeriodPeaks` });
    try {
      const state = (await up(host(), urn("unbilled"), { inputs: { serviceName: group, subscriptionId: subscription.id, seats: subscription.quantity }, providerText: provider() })).state;
      expect(state.outputs.billingPeriod).toBeUndefined();
      expect(state.outputs.seats).toBe(subscription.quantity);
      await expect(host().waitForOutput("the billing period's peak could not be read", 10_000)).resolves.toBeDefined();
    } finally {
      stack.simulator.admin.removeFault(fault);
    }
  });
});

describe("with readBillingPeriod false", () => {
  const group = "csp2-1f4a7c92";

  beforeAll(async () => {
    await stack.harness.restart({ ...stack.config, "ovh-office365:readBillingPeriod": "false" });
  });
  afterAll(async () => {
    await stack.harness.restart(stack.config);
  });

  it("a refresh, an adoption and a preview read no billing figures: no billingPeriod output, no peak line", async () => {
    const [subscription] = stack.simulator.admin.subscriptions(group).filter((s) => s.parentSubscriptionId === null);
    const before = billingReads(group);
    const inputs = { serviceName: group, subscriptionId: subscription.id, seats: subscription.quantity };
    const state = (await up(host(), urn("not-billed"), { inputs, providerText: provider() })).state;
    expect(state.outputs.billingPeriod).toBeUndefined();
    stack.simulator.admin.setSeats(group, subscription.id, subscription.quantity + 2);
    await new Promise((resolve) => setTimeout(resolve, listingMaxAgeMs + 100));
    const refreshed = (await refresh(host(), state))!;
    expect(refreshed.outputs).toMatchObject({ seats: subscription.quantity + 2 });
    expect(refreshed.outputs.billingPeriod).toBeUndefined();
    expect(await preview(host(), refreshed, { inputs: { ...inputs, seats: subscription.quantity + 4 }, providerText: provider() })).toMatchObject({ changes: true });
    expect(billingReads(group)).toBe(before);
    expect(host().output().filter((line) => line.text.includes("this period"))).toEqual([]);
    stack.simulator.admin.setSeats(group, subscription.id, subscription.quantity);
  });
});
