import {
  Csp2InputError,
  LicenseResolutionError,
  SeatChangeError,
  checkSeatChange,
  normalizeLicenseName,
  resolveLicense,
  type OfficeLicence,
} from "../../provider/csp2";
import { license } from "./fakes";

const catalogue: OfficeLicence[] = [
  license(11, "Microsoft 365 Business Basic"),
  license(12, "Microsoft 365 Business Standard"),
  license(13, "Exchange Online (Plan 1)"),
  license(21, "Teams Phone Standard", { licenceType: "ADDON" }),
  license(31, "Visio Plan 2"),
  license(32, "VISIO  plan 2"),
];

/** The error `run` throws, checked to be of the class expected. */
function thrownBy<E extends Error>(expected: new (...args: never[]) => E, run: () => unknown): E {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(expected);
    return error as E;
  }
  throw new Error(`expected a ${expected.name}`);
}

const failure = (run: () => unknown): LicenseResolutionError => thrownBy(LicenseResolutionError, run);

describe("normalizeLicenseName", () => {
  it("ignores case, surrounding and repeated whitespace", () => {
    expect(normalizeLicenseName("  Microsoft\t365   BUSINESS basic ")).toBe("microsoft 365 business basic");
  });
});

describe("resolveLicense", () => {
  it("finds a licence by name regardless of case and extra whitespace", () => {
    expect(resolveLicense(catalogue, { license: " microsoft 365  business BASIC" }).id).toBe(11);
  });

  it("finds a licence by id", () => {
    expect(resolveLicense(catalogue, { licenseId: 13 }).name).toBe("Exchange Online (Plan 1)");
  });

  it("accepts name and id together when they agree, and uses the id to pick among equal names", () => {
    expect(resolveLicense(catalogue, { license: "Exchange Online (Plan 1)", licenseId: 13 }).id).toBe(13);
    expect(resolveLicense(catalogue, { license: "visio plan 2", licenseId: 32 }).id).toBe(32);
  });

  it("lists the valid names, with ids, when the name matches nothing", () => {
    const error = failure(() => resolveLicense(catalogue, { license: "Office E3" }));
    expect(error.field).toBe("license");
    expect(error.value).toBe("Office E3");
    expect(error.message).toContain('license: "Office E3" matches no licence orderable in this licence group');
    expect(error.message).toContain('"Microsoft 365 Business Basic" (id 11)');
    expect(error.message).toContain('"Teams Phone Standard" (id 21)');
    expect(error.validNames).toEqual([
      "Exchange Online (Plan 1)",
      "Microsoft 365 Business Basic",
      "Microsoft 365 Business Standard",
      "Teams Phone Standard",
      "Visio Plan 2",
      "VISIO  plan 2",
    ]);
  });

  it("suggests the licences whose names contain the one given", () => {
    const error = failure(() => resolveLicense(catalogue, { license: "business basic" }));
    expect(error.message).toContain('did you mean "Microsoft 365 Business Basic" (id 11)?');
  });

  it("refuses an ambiguous name, listing the licences it matches and asking for licenseId", () => {
    const error = failure(() => resolveLicense(catalogue, { license: "Visio Plan 2" }));
    expect(error.message).toContain('matches several licences: "Visio Plan 2" (id 31), "VISIO  plan 2" (id 32)');
    expect(error.message).toContain("set licenseId to the one meant");
  });

  it("refuses an id the group cannot order, listing what it can", () => {
    const error = failure(() => resolveLicense(catalogue, { licenseId: 99 }));
    expect(error.field).toBe("licenseId");
    expect(error.message).toContain("licenseId: 99 is not orderable in this licence group");
    expect(error.message).toContain('"Visio Plan 2" (id 31)');
  });

  it("refuses a name and an id that designate different licences", () => {
    const error = failure(() => resolveLicense(catalogue, { license: "Microsoft 365 Business Basic", licenseId: 12 }));
    expect(error.message).toContain('does not name licence "Microsoft 365 Business Standard" (id 12) given as licenseId');
  });

  it("asks for a licence when neither name nor id is given, and refuses a blank name", () => {
    expect(failure(() => resolveLicense(catalogue, {})).message).toContain("license: undefined is missing: set license (a name) or licenseId");
    expect(failure(() => resolveLicense(catalogue, { license: "   " })).message).toContain('license: "   " is not a licence name');
  });

  it("says so when the group offers no licence at all", () => {
    expect(failure(() => resolveLicense([], { license: "Visio Plan 2" })).message).toContain("none (the group offers no licence)");
  });
});

describe("checkSeatChange", () => {
  const basic = license(11, "Microsoft 365 Business Basic", { limit: 25 }) as OfficeLicence;

  const seatFailure = (run: () => unknown): SeatChangeError => thrownBy(SeatChangeError, run);

  it("accepts changes within the licence's rules", () => {
    expect(() => checkSeatChange(basic, 0, 10)).not.toThrow();
    expect(() => checkSeatChange(basic, 10, 25)).not.toThrow();
    expect(() => checkSeatChange(basic, 10, 3)).not.toThrow();
    expect(() => checkSeatChange({ ...basic, limit: null }, 10, 5000)).not.toThrow();
  });

  it("refuses more seats than the limit, naming the limit and the largest allowed count", () => {
    const error = seatFailure(() => checkSeatChange(basic, 10, 30));
    expect(error).toMatchObject({ field: "seats", value: 30, licenseRule: "limit" });
    expect(error.message).toBe(
      'seats: 30 is more than licence "Microsoft 365 Business Basic" (id 11) allows (limit: 25): set seats to 25 or fewer.',
    );
  });

  it("allows bringing an over-limit subscription down, but not up", () => {
    expect(() => checkSeatChange(basic, 40, 30)).not.toThrow();
    expect(seatFailure(() => checkSeatChange(basic, 40, 41)).message).toContain("set seats to 40 or fewer");
  });

  it("refuses adding seats when newSeatsAllowed is false, but allows removing them", () => {
    const frozen = { ...basic, newSeatsAllowed: false };
    const error = seatFailure(() => checkSeatChange(frozen, 10, 12));
    expect(error).toMatchObject({ field: "seats", value: 12, licenseRule: "newSeatsAllowed" });
    expect(error.message).toContain("newSeatsAllowed: false");
    expect(error.message).toContain("keep seats at 10 or fewer");
    expect(() => checkSeatChange(frozen, 10, 8)).not.toThrow();
  });

  it("refuses a new subscription of a licence with newSubscriptionsAllowed false", () => {
    const closed = { ...basic, newSubscriptionsAllowed: false };
    const error = seatFailure(() => checkSeatChange(closed, 0, 5));
    expect(error).toMatchObject({ field: "license", value: "Microsoft 365 Business Basic", licenseRule: "newSubscriptionsAllowed" });
    expect(error.message).toContain("pick another licence");
    expect(() => checkSeatChange(closed, 5, 6)).not.toThrow();
  });

  it.each([0, -3, 2.5, Number.NaN])("refuses %p seats", (seats) => {
    const error = seatFailure(() => checkSeatChange(basic, 5, seats));
    expect(error.field).toBe("seats");
    expect(error.licenseRule).toBeUndefined();
    expect(error.message).toContain("give a whole number of seats, at least 1");
  });

  it("refuses a malformed current seat count", () => {
    expect(() => checkSeatChange(basic, -1, 5)).toThrow(Csp2InputError);
    expect(() => checkSeatChange(basic, -1, 5)).toThrow("currentSeats: -1 is not a seat count");
  });
});
