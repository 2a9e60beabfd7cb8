import { billingPeriodFrom, groupBillingFigures, peakChangeLine, periodEnded, seatsChangedElsewhere } from "../../provider/resources/billing-period";
import { listingMaxAgeMs } from "../../provider/resources/group-listings";
import { ScriptedRequester } from "../csp2/fakes";
import { currencyProblem, formatAmount, monthlyIncreaseProblem, plainAmount, priceOf } from "../../provider/resources/seat-prices";

describe("amounts", () => {
  it("are rounded to the currency's minor unit and shown with the code as given", () => {
    expect(formatAmount(5.6 * 25, "EUR")).toBe("140.00 EUR");
    expect(formatAmount(1260, "GBP")).toBe("1,260.00 GBP");
    expect(formatAmount(1234.5, "JPY")).toBe("1,235 JPY");
    expect(formatAmount(12.3456, "TND")).toBe("12.346 TND");
    expect(plainAmount(5.6 * 3, "EUR")).toBe("16.80");
  });

  it("take only a currency code, never a symbol or a guess", () => {
    expect(currencyProblem("EUR")).toBeUndefined();
    for (const bad of ["€", "eur", "EURO", "", 5, undefined]) expect(currencyProblem(bad)).toContain("not a currency code");
  });

  it("find a licence's price by its name, case and spacing ignored", () => {
    const prices = { currency: "EUR", monthly: { "Microsoft 365 Business Basic": 5.6 } };
    expect(priceOf(prices, "microsoft 365  business basic")).toEqual({ monthly: 5.6, currency: "EUR" });
    expect(priceOf(prices, "Office 365 E3")).toBeUndefined();
    expect(priceOf(undefined, "Office 365 E3")).toBeUndefined();
  });
});

describe("the guard rail in money", () => {
  const price = { monthly: 5.6, currency: "EUR" };
  it("refuses an increase of the monthly bill past the rail, with the numbers and the fix", () => {
    expect(monthlyIncreaseProblem(25, 250, price, 100)).toBe(
      "25 => 250 adds 225 seats at 5.60 EUR each, 1,260.00 EUR a month, more than maxMonthlyIncrease (100.00 EUR) allows in one run: " +
        "change the seats in smaller steps, or raise maxMonthlyIncrease if this change is intended",
    );
  });

  it("lets through what stays within it, every decrease, and anything without a price or a rail", () => {
    expect(monthlyIncreaseProblem(25, 42, price, 100)).toBeUndefined(); // 95.20 EUR
    expect(monthlyIncreaseProblem(250, 25, price, 1)).toBeUndefined();
    expect(monthlyIncreaseProblem(25, 250, undefined, 100)).toBeUndefined();
    expect(monthlyIncreaseProblem(25, 250, price, undefined)).toBeUndefined();
    // An order counts from nothing.
    expect(monthlyIncreaseProblem(0, 20, price, 100)).toContain("0 => 20 adds 20 seats");
  });
});

describe("the billing period's peak", () => {
  const figures = { startDate: "2026-12-01", endDate: "2026-12-31", lines: [{ licenceId: 7, licenceName: "Office 365 E3", peakCount: 45 }] };

  it("is the licence's peak in the group, never below the seats held now", () => {
    expect(billingPeriodFrom(figures, 7, 40)).toEqual({ start: "2026-12-01", end: "2026-12-31", peakSeats: 45 });
    expect(billingPeriodFrom(figures, 7, 50)).toMatchObject({ peakSeats: 50 });
    // A licence without a line has had no seats this period, until now.
    expect(billingPeriodFrom(figures, 8, 3)).toMatchObject({ peakSeats: 3 });
    expect(periodEnded({ end: "2026-11-30" }, "2026-12-01")).toBe(true);
    expect(periodEnded({ end: "2026-12-31" }, "2026-12-31")).toBe(false);
  });

  describe("read from OVH", () => {
    const reads = (requester: ScriptedRequester) => requester.keys.filter((key) => key.endsWith("/billingPeriodPeaks")).length;
    const groupWithFigures = (serviceName: string) => new ScriptedRequester().on(`GET /saas/csp2/${serviceName}/billingPeriodPeaks`, figures);

    it("once per group, by every subscription of it", async () => {
      const requester = groupWithFigures("csp2-shared");
      await Promise.all([groupBillingFigures(requester, "csp2-shared"), groupBillingFigures(requester, "csp2-shared")]);
      expect(await groupBillingFigures(requester, "csp2-shared")).toEqual(figures);
      expect(reads(requester)).toBe(1);
    });

    it("not again when a refresh that read them beside its listing finds seats changed outside the program", async () => {
      const requester = groupWithFigures("csp2-beside");
      const readStartedAt = Date.now();
      await groupBillingFigures(requester, "csp2-beside");
      seatsChangedElsewhere(requester, "csp2-beside", readStartedAt);
      await groupBillingFigures(requester, "csp2-beside");
      expect(reads(requester)).toBe(1);
    });

    it("again, once, when they were read before the listing that showed the change could have been", async () => {
      const requester = groupWithFigures("csp2-earlier");
      await groupBillingFigures(requester, "csp2-earlier");
      const later = Date.now() + listingMaxAgeMs + 1;
      seatsChangedElsewhere(requester, "csp2-earlier", later);
      await groupBillingFigures(requester, "csp2-earlier");
      expect(reads(requester)).toBe(2);
      // Once per group per run.
      seatsChangedElsewhere(requester, "csp2-earlier", later + 2 * listingMaxAgeMs);
      await groupBillingFigures(requester, "csp2-earlier");
      expect(reads(requester)).toBe(2);
    });
  });

  it("is what a preview line says a change does", () => {
    const basic = "Microsoft 365 Business Basic";
    expect(peakChangeLine({ licenseName: basic, from: 25, to: 30, peakSeats: 25 })).toBe(`peak 25 → 30 for ${basic} this period`);
    expect(peakChangeLine({ licenseName: basic, from: 25, to: 30, peakSeats: 25, seatPrice: { monthly: 5.6, currency: "EUR" } })).toBe(
      `peak 25 → 30 for ${basic} this period: +28.00 EUR this period (5 seats at 5.60 EUR)`,
    );
    // Back up to a peak reached earlier in the period: the peak does not move.
    expect(peakChangeLine({ licenseName: basic, from: 20, to: 25, peakSeats: 28 })).toBe(`peak stays 28 for ${basic} this period (seats 20 → 25: 25 seats stay within it)`);
    expect(peakChangeLine({ licenseName: basic, from: 30, to: 25, peakSeats: 30 })).toBe(`peak stays 30 for ${basic} this period (seats 30 → 25: a decrease does not lower it, unless Microsoft refunds the seats)`);
  });
});
