import type { OfficeSubscription } from "../../provider/csp2";
import { OvhApiError, OvhNetworkError } from "../../provider/ovh/errors";
import type { OvhRequester } from "../../provider/ovh/types";
import { setProgressSink } from "../../provider/resources/provider-config";
import { adoptionCheckFailures, adoptionProblems, type DeclaredAdoption } from "../../provider/resources/subscription-adoption";
import { license, ScriptedRequester } from "../csp2/fakes";

const BASIC = license(11, "Microsoft 365 Business Basic", { limit: 300 });
const E1 = license(12, "Office 365 E1");
const DEFENDER = license(31, "Microsoft Defender for Office 365 (Plan 1)", { licenceType: "ADDON" });

function subscription(id: number, licenseId: number, quantity: number, status = "ok"): OfficeSubscription {
  return { id, licenseId, quantity, status, creationDate: "2024-01-01T10:00:00+01:00", lastUpdate: null, taskPendingId: 0 };
}

describe("adoptionProblems: what must hold before a subscription is taken over", () => {
  const declared: DeclaredAdoption = { serviceName: "g-1", subscriptionId: 7, license: BASIC.name };

  it("refuses a subscription OVH does not have, or has as deleted, naming subscriptionId and the command that lists them", () => {
    expect(adoptionProblems(declared, {})).toEqual([
      { property: "subscriptionId", reason: expect.stringMatching(/^subscription 7 does not exist in licence group g-1: `ovh-office365 subscriptions g-1` lists/) },
    ]);
    expect(adoptionProblems(declared, { live: subscription(7, 11, 5, "deleted") })[0].reason).toContain('(it is "deleted": deleted)');
  });

  it("refuses a subscription of another licence than the one declared, naming both", () => {
    const problems = adoptionProblems(declared, { live: subscription(7, 12, 5), declaredLicense: BASIC, liveLicense: E1 });
    expect(problems).toEqual([{ property: "subscriptionId", reason: expect.stringContaining(`is a "Office 365 E1" subscription, not "${BASIC.name}"`) }]);
    expect(problems[0].reason).toContain(`declare "Office 365 E1" to adopt this one`);
  });

  it("refuses an add-on adopted without its parent, and says which subscription that is when known", () => {
    const facts = { live: subscription(8, 31, 5), declaredLicense: DEFENDER, liveLicense: DEFENDER };
    const addon = { serviceName: "g-1", subscriptionId: 8, license: DEFENDER.name };
    expect(adoptionProblems(addon, { ...facts, actualParent: 7 })).toEqual([
      {
        property: "parentSubscriptionId",
        reason: `is missing: subscription 8 is an add-on ("${DEFENDER.name}") of subscription 7: set parentSubscriptionId: 7 (in a licence file, list it under \`addons:\` of the licence with subscriptionId: 7).`,
      },
    ]);
    expect(adoptionProblems(addon, facts)[0].reason).toContain("set parentSubscriptionId to the subscription it extends (`ovh-office365 subscriptions g-1`");
  });

  it("refuses an add-on declared under another subscription than its own, or under one that does not exist", () => {
    const live = subscription(8, 31, 5);
    const underNine = { serviceName: "g-1", subscriptionId: 8, parentSubscriptionId: 9 };
    expect(adoptionProblems(underNine, { live, liveLicense: DEFENDER, parentAddons: [10], actualParent: 7 })).toEqual([
      { property: "parentSubscriptionId", reason: expect.stringContaining("subscription 8 is not an add-on of subscription 9: it is an add-on of subscription 7: set parentSubscriptionId: 7") },
    ]);
    expect(adoptionProblems(underNine, { live, liveLicense: DEFENDER })[0].reason).toContain("subscription 9 does not exist in licence group g-1");
  });

  it("refuses a subscription of its own declared as an add-on: move it out of addons", () => {
    const problems = adoptionProblems({ ...declared, parentSubscriptionId: 9 }, { live: subscription(7, 11, 5), declaredLicense: BASIC, liveLicense: BASIC, parentAddons: [] });
    expect(problems).toEqual([{ property: "parentSubscriptionId", reason: expect.stringContaining("it is an add-on of no subscription: remove parentSubscriptionId (in a licence file, move it out of `addons:`)") }]);
  });

  it("accepts the subscription as declared: its licence, its parent or none, or a parent not known yet", () => {
    expect(adoptionProblems(declared, { live: subscription(7, 11, 5), declaredLicense: BASIC, liveLicense: BASIC })).toEqual([]);
    const addon = { serviceName: "g-1", subscriptionId: 8, parentSubscriptionId: 7 };
    expect(adoptionProblems(addon, { live: subscription(8, 31, 5), liveLicense: DEFENDER, parentAddons: [8] })).toEqual([]);
    expect(adoptionProblems({ ...addon, parentSubscriptionId: "unknown" }, { live: subscription(8, 31, 5), liveLicense: DEFENDER })).toEqual([]);
  });
});

/** Each test its own group: the catalogue is cached per group for the process. */
let groups = 0;

/** A group holding a Business Basic subscription (7, 25 seats) with a Defender add-on (8), and an E1 one (9). */
function groupWithSubscriptions() {
  const serviceName = `adoption-check-${++groups}`;
  const base = `/saas/csp2/${serviceName}`;
  const requester = new ScriptedRequester()
    .on(`GET ${base}/orderableLicenses`, [11, 12, 31])
    .on(`GET ${base}/orderableLicenses/11`, BASIC)
    .on(`GET ${base}/orderableLicenses/12`, E1)
    .on(`GET ${base}/orderableLicenses/31`, DEFENDER)
    .on(`GET ${base}/subscription`, [7, 8, 9])
    .on(`GET ${base}/subscription/7`, subscription(7, 11, 25))
    .on(`GET ${base}/subscription/8`, subscription(8, 31, 25))
    .on(`GET ${base}/subscription/9`, subscription(9, 12, 3))
    .on(`GET ${base}/subscription/7/addonsSubscriptionIds`, [8])
    .on(`GET ${base}/subscription/9/addonsSubscriptionIds`, []);
  return { serviceName, requester };
}

describe("adoptionCheckFailures: what pulumi preview tells of an adoption", () => {
  let told: string[];
  beforeEach(() => {
    told = [];
    setProgressSink((line) => told.push(line));
  });
  afterAll(() => setProgressSink((line) => console.log(line)));

  it("refuses an id the group does not have, and one of another licence, naming subscriptionId", async () => {
    const { serviceName, requester } = groupWithSubscriptions();
    const path = `/saas/csp2/${serviceName}/subscription/70`;
    requester.on(`GET ${path}`, () => {
      throw new OvhApiError({ status: 404, method: "GET", path, body: { class: "Client::NotFound", message: "The requested object (id = 70) does not exist" } });
    });
    expect(await adoptionCheckFailures(() => requester, {}, { serviceName, subscriptionId: 70, license: BASIC.name, seats: 3 })).toEqual([
      { property: "subscriptionId", reason: expect.stringContaining(`subscription 70 does not exist in licence group ${serviceName}`) },
    ]);
    expect(await adoptionCheckFailures(() => requester, {}, { serviceName, subscriptionId: 9, license: BASIC.name, seats: 3 })).toEqual([
      { property: "subscriptionId", reason: expect.stringContaining(`subscription 9 is a "Office 365 E1" subscription, not "${BASIC.name}"`) },
    ]);
  });

  it("refuses an add-on adopted on its own, naming the subscription to put it under", async () => {
    const { serviceName, requester } = groupWithSubscriptions();
    const failures = await adoptionCheckFailures(() => requester, {}, { serviceName, subscriptionId: 8, license: DEFENDER.name, seats: 25 });
    expect(failures).toEqual([{ property: "parentSubscriptionId", reason: expect.stringContaining("is an add-on (\"Microsoft Defender for Office 365 (Plan 1)\") of subscription 7: set parentSubscriptionId: 7") }]);
  });

  it("refuses an add-on under the wrong subscription, and passes it under its own", async () => {
    const { serviceName, requester } = groupWithSubscriptions();
    const wrong = await adoptionCheckFailures(() => requester, {}, { serviceName, subscriptionId: 8, license: DEFENDER.name, parentSubscriptionId: 9, seats: 25 });
    expect(wrong).toEqual([{ property: "parentSubscriptionId", reason: expect.stringContaining("not an add-on of subscription 9: it is an add-on of subscription 7") }]);
    expect(await adoptionCheckFailures(() => requester, {}, { serviceName, subscriptionId: 8, license: DEFENDER.name, parentSubscriptionId: 7, seats: 25 })).toEqual([]);
    expect(told).toEqual([]);
  });

  it("tells the seat change adoption will make, and refuses one past maxSeatChange or the licence's limit", async () => {
    const { serviceName, requester } = groupWithSubscriptions();
    expect(await adoptionCheckFailures(() => requester, {}, { serviceName, subscriptionId: 7, license: BASIC.name, seats: 30 })).toEqual([]);
    expect(told).toEqual([`ovh-office365: ${serviceName}/7: adopting it sets its seats 25 => 30 ("${BASIC.name}")`]);
    expect(await adoptionCheckFailures(() => requester, {}, { serviceName, subscriptionId: 7, license: BASIC.name, seats: 30, maxSeatChange: 2 })).toEqual([
      { property: "seats", reason: expect.stringContaining("adopting subscription 7: 25 => 30 changes 5 seats, more than maxSeatChange (2)") },
    ]);
    expect(await adoptionCheckFailures(() => requester, {}, { serviceName, subscriptionId: 7, license: BASIC.name, seats: 301 })).toEqual([
      { property: "seats", reason: expect.stringContaining("set seats to 300 or fewer") },
    ]);
  });

  it("reads nothing for a resource that adopted the subscription already, or inputs not known yet", async () => {
    const { serviceName, requester } = groupWithSubscriptions();
    const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
    const cases: Array<[Record<string, unknown>, Record<string, unknown>]> = [
      [{ serviceName, subscriptionId: 7, seats: 25 }, { serviceName, subscriptionId: 7, license: "Nope", seats: 30 }],
      [{}, { serviceName: unknown, subscriptionId: 7, seats: 5 }],
      [{}, { serviceName, subscriptionId: unknown, seats: 5 }],
    ];
    for (const [olds, news] of cases) expect(await adoptionCheckFailures(() => requester, olds, news)).toEqual([]);
    expect(requester.calls).toEqual([]);
  });

  it("leaves the parent to pulumi up when it is not known yet", async () => {
    const { serviceName, requester } = groupWithSubscriptions();
    expect(await adoptionCheckFailures(() => requester, {}, { serviceName, subscriptionId: 8, license: DEFENDER.name, parentSubscriptionId: "04da6b54-80e4-46f7-96ec-b56ff0331ba9", seats: 25 })).toEqual([]);
    expect(requester.keys.filter((key) => key.endsWith("addonsSubscriptionIds"))).toEqual([]);
  });

  it("leaves everything to pulumi up when OVH cannot be asked now", async () => {
    const serviceName = `adoption-check-${++groups}`;
    const noCredentials = () => {
      throw new Error("No OVH credentials");
    };
    expect(await adoptionCheckFailures(noCredentials, {}, { serviceName, subscriptionId: 7, seats: 5 })).toEqual([]);
    const unreachable: OvhRequester = {
      request: () => Promise.reject(new OvhNetworkError("GET", "/saas/csp2", "ECONNREFUSED", "connect ECONNREFUSED")),
    };
    expect(await adoptionCheckFailures(() => unreachable, {}, { serviceName, subscriptionId: 7, seats: 5 })).toEqual([]);
  });
});
