import { OvhNetworkError } from "../../provider/ovh/errors";
import type { OvhRequester } from "../../provider/ovh/types";
import { orderCheckFailures } from "../../provider/resources/catalogue";
import { license, ScriptedRequester } from "../csp2/fakes";

/** Each test its own group: the catalogue is cached per group for the process. */
let groups = 0;
function groupWithCatalogue(): { serviceName: string; requester: ScriptedRequester } {
  const serviceName = `office-check-${++groups}`;
  const requester = new ScriptedRequester()
    .on(`GET /saas/csp2/${serviceName}/orderableLicenses`, [11, 12])
    .on(`GET /saas/csp2/${serviceName}/orderableLicenses/11`, license(11, "Microsoft 365 Business Basic", { limit: 300 }))
    .on(`GET /saas/csp2/${serviceName}/orderableLicenses/12`, license(12, "Office 365 E1", { newSubscriptionsAllowed: false }));
  return { serviceName, requester };
}

describe("orderCheckFailures: what pulumi preview tells from the catalogue before an order", () => {
  it("names the licence field, with the valid names, when the group cannot order that licence", async () => {
    const { serviceName, requester } = groupWithCatalogue();
    const failures = await orderCheckFailures(() => requester, {}, { serviceName, license: "Microsoft 365 Busines Basic", seats: 5 });
    expect(failures).toHaveLength(1);
    expect(failures[0].property).toBe("license");
    expect(failures[0].reason).toContain("Microsoft 365 Business Basic");
    expect(failures[0].reason).not.toMatch(/^license: /);
  });

  it("names the seats, with the limit, when the licence refuses that many", async () => {
    const { serviceName, requester } = groupWithCatalogue();
    const failures = await orderCheckFailures(() => requester, {}, { serviceName, license: "Microsoft 365 Business Basic", seats: 5000 });
    expect(failures).toEqual([{ property: "seats", reason: expect.stringContaining("set seats to 300 or fewer") }]);
  });

  it("refuses a licence OVH no longer sells for new subscriptions, by id too", async () => {
    const { serviceName, requester } = groupWithCatalogue();
    const failures = await orderCheckFailures(() => requester, {}, { serviceName, licenseId: 12, seats: 5 });
    expect(failures).toEqual([{ property: "license", reason: expect.stringContaining("newSubscriptionsAllowed: false") }]);
  });

  it("passes a licence the group can order, within its limit, reading the catalogue once for the group", async () => {
    const { serviceName, requester } = groupWithCatalogue();
    expect(await orderCheckFailures(() => requester, {}, { serviceName, license: "microsoft 365 business basic", seats: 300 })).toEqual([]);
    expect(await orderCheckFailures(() => requester, {}, { serviceName, license: "Microsoft 365 Business Basic", seats: 20 })).toEqual([]);
    expect(requester.calls).toHaveLength(3);
  });

  it("asks OVH nothing for an adoption, an unchanged licence, or inputs not known yet", async () => {
    const { serviceName, requester } = groupWithCatalogue();
    const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
    const cases: Array<[Record<string, unknown>, Record<string, unknown>]> = [
      [{}, { serviceName, license: "Nope", subscriptionId: 42, seats: 5 }],
      [{ serviceName, license: "Nope", seats: 5 }, { serviceName, license: "Nope", seats: 9000 }],
      [{}, { serviceName: unknown, license: "Nope", seats: 5 }],
    ];
    for (const [olds, news] of cases) expect(await orderCheckFailures(() => requester, olds, news)).toEqual([]);
    expect(requester.calls).toHaveLength(0);
  });

  it("checks again when the licence of an existing resource changes (a replacement orders anew)", async () => {
    const { serviceName, requester } = groupWithCatalogue();
    const failures = await orderCheckFailures(() => requester, { serviceName, license: "Microsoft 365 Business Basic", seats: 5 }, { serviceName, license: "Nope", seats: 5 });
    expect(failures.map((failure) => failure.property)).toEqual(["license"]);
  });

  it("leaves everything to pulumi up when OVH cannot be asked now", async () => {
    const serviceName = `office-check-${++groups}`;
    const noCredentials = () => {
      throw new Error("No OVH credentials");
    };
    expect(await orderCheckFailures(noCredentials, {}, { serviceName, license: "Nope", seats: 5 })).toEqual([]);
    const unreachable: OvhRequester = {
      request: () => Promise.reject(new OvhNetworkError("GET", "/saas/csp2", "ECONNREFUSED", "connect ECONNREFUSED")),
    };
    expect(await orderCheckFailures(() => unreachable, {}, { serviceName, license: "Nope", seats: 5 })).toEqual([]);
  });
});
