import {
  checkSubscriptionInputs,
  decideOrder,
  diffSubscription,
  inputsFromOutputs,
  isTerminalStatus,
  parseSubscriptionResourceId,
  seatGuardProblem,
  declaredOf,
  describeOrder,
  isPendingOrderState,
  pendingOrderOutputs,
  pendingOrderResourceId,
  subscriptionTarget,
} from "../../provider/resources/subscription-rules";
import type { SubscriptionOutputs } from "../../provider/resources/subscription";

const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

function outputs(overrides: Partial<SubscriptionOutputs> = {}): SubscriptionOutputs {
  return {
    serviceName: "acme-tenant",
    license: "Microsoft 365 Business Basic",
    licenseId: 6012,
    licenseName: "Microsoft 365 Business Basic",
    seats: 10,
    subscriptionId: 41,
    adopted: false,
    status: "ok",
    creationDate: "2026-11-01T10:00:00Z",
    lastUpdate: null,
    taskPendingId: 0,
    pendingTasks: [],
    ...overrides,
  };
}

describe("checkSubscriptionInputs", () => {
  const valid = { serviceName: "acme-tenant", license: "Microsoft 365 Business Basic", seats: 10 };
  const failuresOf = (news: Record<string, unknown>, olds: Record<string, unknown> = {}) =>
    checkSubscriptionInputs(olds, news).failures ?? [];

  it("accepts valid inputs and values not known yet", () => {
    expect(failuresOf(valid)).toEqual([]);
    expect(failuresOf({ ...valid, serviceName: unknown, seats: unknown })).toEqual([]);
  });

  it.each([
    [{ ...valid, seats: 0 }, "seats", "from 1"],
    [{ ...valid, seats: -3 }, "seats", "from 1"],
    [{ ...valid, seats: 2.5 }, "seats", "whole number"],
    [{ ...valid, seats: "10" }, "seats", "got \"10\""],
    [{ ...valid, seats: 10_000_000 }, "seats", "1000000"],
    [{ serviceName: "acme-tenant", license: "x" }, "seats", "is required"],
    [{ ...valid, serviceName: "acme/evil" }, "serviceName", "no \"/\""],
    [{ ...valid, serviceName: "../etc" }, "serviceName", "not a licence group"],
    [{ ...valid, serviceName: "a%2Fb" }, "serviceName", "not a licence group"],
    [{ ...valid, serviceName: "" }, "serviceName", "must not be empty"],
    [{ ...valid, serviceName: "acme\u0000" }, "serviceName", "not a licence group"],
    [{ serviceName: "acme-tenant", seats: 3 }, "license", "is required"],
    [{ ...valid, licenseId: 6012 }, "license", "both set"],
    [{ ...valid, license: "" }, "license", "must not be empty"],
    [{ ...valid, parentSubscriptionId: 0 }, "parentSubscriptionId", "from 1"],
    [{ ...valid, taskTimeoutMinutes: 0 }, "taskTimeoutMinutes", "from 1"],
    [{ ...valid, seat: 4 }, "seat", "did you mean \"seats\""],
    [{ ...valid, quantity: 4 }, "quantity", 'use "seats" instead. Known inputs: '],
  ])("rejects %j on %s", (news, property, text) => {
    const failure = failuresOf(news).find((f) => f.property === property);
    expect(failure?.reason).toContain(text);
  });

  it("applies the seat guard rail against the previous seats", () => {
    const failures = failuresOf({ ...valid, seats: 40, maxSeatChange: 5 }, { seats: 10 });
    expect(failures).toEqual([{ property: "seats", reason: expect.stringContaining("10 => 40 changes 30 seats, more than maxSeatChange (5)") }]);
    expect(failuresOf({ ...valid, seats: 14, maxSeatChange: 5 }, { seats: 10 })).toEqual([]);
  });

  it("allows adopting without naming the licence", () => {
    expect(failuresOf({ serviceName: "acme-tenant", subscriptionId: 41, seats: 3 })).toEqual([]);
  });
});

describe("seatGuardProblem", () => {
  it("is silent without a guard rail or within it", () => {
    expect(seatGuardProblem(10, 100, undefined)).toBeUndefined();
    expect(seatGuardProblem(10, 5, 5)).toBeUndefined();
    expect(seatGuardProblem(10, 4, 5)).toContain("changes 6 seats");
  });
});

describe("diffSubscription", () => {
  it("sees no change when nothing differs", () => {
    expect(diffSubscription(outputs(), { serviceName: "acme-tenant", license: "Microsoft 365 Business Basic", seats: 10 })).toEqual({
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });

  it("updates seats in place", () => {
    const result = diffSubscription(outputs(), { serviceName: "acme-tenant", license: "Microsoft 365 Business Basic", seats: 12 });
    expect(result.changes).toBe(true);
    expect(result.replaces).toEqual([]);
  });

  it("matches licence names ignoring case and spacing, and replaces on a licence change", () => {
    expect(diffSubscription(outputs(), { serviceName: "acme-tenant", license: " microsoft 365  business basic ", seats: 10 }).replaces).toEqual([]);
    expect(diffSubscription(outputs(), { serviceName: "acme-tenant", license: "Office 365 E3", seats: 10 }).replaces).toEqual(["license"]);
    expect(diffSubscription(outputs({ license: undefined }), { serviceName: "acme-tenant", licenseId: 7000, seats: 10 }).replaces).toEqual(["licenseId"]);
  });

  it("replaces when the group or the parent changes", () => {
    const result = diffSubscription(outputs(), { serviceName: "other", license: "Microsoft 365 Business Basic", seats: 10, parentSubscriptionId: 3 });
    expect(result.replaces).toEqual(["serviceName", "parentSubscriptionId"]);
  });

  it("reports a change while a task is pending, so the update waits for it", () => {
    const pending = outputs({ taskPendingId: 77, pendingTasks: [{ id: 77, function: "changeQuantity", status: "doing", todoDate: "2026-11-01T10:00:00Z" }] });
    expect(diffSubscription(pending, { serviceName: "acme-tenant", license: "Microsoft 365 Business Basic", seats: 10 }).changes).toBe(true);
  });
});

describe("inputsFromOutputs", () => {
  it("reports the live seats with what was declared", () => {
    expect(inputsFromOutputs(outputs({ seats: 12, maxSeatChange: 5 }))).toEqual({
      serviceName: "acme-tenant",
      license: "Microsoft 365 Business Basic",
      seats: 12,
      maxSeatChange: 5,
    });
  });

  it("keeps licenseId and subscriptionId only when they were declared that way", () => {
    expect(inputsFromOutputs(outputs({ license: undefined, adopted: true }))).toEqual({
      serviceName: "acme-tenant",
      licenseId: 6012,
      subscriptionId: 41,
      seats: 10,
    });
  });
});

describe("parseSubscriptionResourceId", () => {
  it("splits a valid id", () => {
    expect(parseSubscriptionResourceId("acme-tenant/41")).toEqual({ serviceName: "acme-tenant", subscriptionId: 41 });
  });
  it.each(["acme-tenant", "/41", "acme-tenant/x", "a/b/41", "acme-tenant/-1"])("refuses %s", (id) => {
    expect(() => parseSubscriptionResourceId(id)).toThrow("is not \"<serviceName>/<subscriptionId>\"");
  });
});

describe("decideOrder", () => {
  const now = Date.parse("2026-11-24T12:00:00Z");
  const recent = { id: 50, licenseId: 6012, quantity: 10, creationDate: "2026-11-24T11:55:00Z", status: "ok" };
  const old = { id: 9, licenseId: 6012, quantity: 10, creationDate: "2025-01-01T00:00:00Z", status: "ok" };

  it("orders when the group has no such subscription", () => {
    expect(decideOrder([], 10, new Set(), now, "\"Basic\"")).toEqual({ action: "order" });
  });

  it("resumes with a recent subscription of the declared seats (an interrupted earlier run)", () => {
    expect(decideOrder([recent], 10, new Set(), now, "\"Basic\"")).toEqual({ action: "resume", subscriptionId: 50 });
  });

  it("refuses, explaining adoption, when an older or different subscription exists", () => {
    const decision = decideOrder([old], 10, new Set(), now, "\"Basic\"");
    expect(decision).toMatchObject({ action: "refuse", reason: expect.stringContaining("set subscriptionId: 9") });
    expect(decideOrder([{ ...recent, quantity: 3 }], 10, new Set(), now, "\"Basic\"").action).toBe("refuse");
  });

  it.each(["inactive", "suspended", "pending"])("never resumes with one whose status (%s) is not known to mean in use, and names it", (status) => {
    const decision = decideOrder([{ ...recent, status }], 10, new Set(), now, "\"Basic\"");
    expect(decision).toMatchObject({ action: "refuse", reason: expect.stringContaining(`status "${status}"`) });
    expect(decideOrder([{ ...recent, status: "Active" }], 10, new Set(), now, "\"Basic\"").action).toBe("resume");
  });

  it("never resumes with a subscription another resource already manages", () => {
    const decision = decideOrder([recent], 10, new Set([50]), now, "\"Basic\"");
    expect(decision).toMatchObject({ action: "refuse", reason: expect.stringContaining("another resource of this program already manages it") });
  });
});

describe("isTerminalStatus", () => {
  it.each(["deleted", "terminated", "cancelled", "canceled", " Terminated "])("%s means deleted", (status) => {
    expect(isTerminalStatus(status)).toBe(true);
  });
  it.each(["ok", "active", "inactive", "suspended", "expired", "creating", ""])("%s counts as existing", (status) => {
    expect(isTerminalStatus(status)).toBe(false);
  });
});

describe("pending orders in the state", () => {
  const order = { taskId: 4711, orderedAt: "2026-11-30T12:00:00.000Z", licenseId: 6012, seats: 4, subscriptionsBefore: [3] };
  const declared = { serviceName: "acme-tenant", license: "Microsoft 365 Business Basic", seats: 4, maxSeatChange: 5 };
  const state = pendingOrderOutputs(declared, { id: 6012, name: "Microsoft 365 Business Basic" }, order);

  it("keep what was declared and the order, and give it back as the inputs", () => {
    expect(state).toEqual({ ...declared, licenseId: 6012, licenseName: "Microsoft 365 Business Basic", adopted: false, pendingOrder: order });
    expect(declaredOf(state)).toEqual(declared);
    expect(describeOrder(state)).toBe('the order of 4 seats of "Microsoft 365 Business Basic" placed at 2026-11-30T12:00:00.000Z (OVH task 4711)');
  });

  it("have an id of their own, named after the order's task, else when it was placed", () => {
    expect(pendingOrderResourceId("acme-tenant", order)).toBe("acme-tenant/pending-order-4711");
    expect(pendingOrderResourceId("acme-tenant", { ...order, taskId: undefined })).toBe(`acme-tenant/pending-order-${Date.parse(order.orderedAt)}`);
  });

  it("point at the order while its subscription is not known, at the subscription once an update found it", () => {
    const id = pendingOrderResourceId("acme-tenant", order);
    expect(isPendingOrderState(state)).toBe(true);
    expect(subscriptionTarget(id, state)).toEqual({ kind: "pendingOrder", serviceName: "acme-tenant", state });
    const found = { ...state, subscriptionId: 9 } as unknown as SubscriptionOutputs;
    expect(isPendingOrderState(found)).toBe(false);
    expect(subscriptionTarget(id, found)).toEqual({ kind: "subscription", serviceName: "acme-tenant", subscriptionId: 9 });
    expect(subscriptionTarget("acme-tenant/41")).toEqual({ kind: "subscription", serviceName: "acme-tenant", subscriptionId: 41 });
    expect(() => subscriptionTarget(id, {})).toThrow("names a pending order, but the state holds neither the order nor its subscription");
  });

  it("are a change still to make: diff reports one", () => {
    expect(diffSubscription(state, declared).changes).toBe(true);
  });
});
