import { billingReadSetting, waitSettings } from "../../provider/resources/provider-config";

describe("waitSettings: the settle window and the order listing grace", () => {
  it("are unset (the defaults apply) when neither the stack config nor the environment gives them", () => {
    expect(waitSettings({}, {})).toEqual({});
  });

  it("come from the stack config, in seconds and minutes", () => {
    expect(waitSettings({ readSettleSeconds: "10", orderListingGraceMinutes: "1.5" }, {})).toEqual({ settleMs: 10_000, orderListingGraceMs: 90_000 });
  });

  it("fall back on OVH_READ_SETTLE_SECONDS and OVH_ORDER_LISTING_GRACE_MINUTES; stack config wins", () => {
    const env = { OVH_READ_SETTLE_SECONDS: "5", OVH_ORDER_LISTING_GRACE_MINUTES: "0" };
    expect(waitSettings({}, env)).toEqual({ settleMs: 5_000, orderListingGraceMs: 0 });
    expect(waitSettings({ readSettleSeconds: "20" }, env)).toEqual({ settleMs: 20_000, orderListingGraceMs: 0 });
  });

  it.each([
    [{ readSettleSeconds: "-1" }, {}, 'Stack config ovh-office365:readSettleSeconds must be a number from 0 to 3600, got "-1"'],
    [{ readSettleSeconds: "5000" }, {}, "must be a number from 0 to 3600"],
    [{ orderListingGraceMinutes: "an hour" }, {}, 'Stack config ovh-office365:orderListingGraceMinutes must be a number from 0 to 10080, got "an hour"'],
    [{}, { OVH_READ_SETTLE_SECONDS: "1e3" }, 'Environment variable OVH_READ_SETTLE_SECONDS must be a number from 0 to 3600, got "1e3"'],
  ])("refuse %j %j, naming the setting and the fix", (config, env, message) => {
    expect(() => waitSettings(config, env)).toThrow(message);
    expect(() => waitSettings(config, env)).toThrow("pulumi config set");
  });
});

describe("billingReadSetting: whether subscriptions read their group's billing figures", () => {
  it("is unset (true applies) when neither the stack config nor the environment gives it", () => {
    expect(billingReadSetting({}, {})).toEqual({});
  });

  it("comes from the stack config, else OVH_READ_BILLING_PERIOD; stack config wins", () => {
    expect(billingReadSetting({ readBillingPeriod: "false" }, {})).toEqual({ readBillingPeriod: false });
    expect(billingReadSetting({}, { OVH_READ_BILLING_PERIOD: " FALSE " })).toEqual({ readBillingPeriod: false });
    expect(billingReadSetting({ readBillingPeriod: "true" }, { OVH_READ_BILLING_PERIOD: "false" })).toEqual({ readBillingPeriod: true });
  });

  it.each([
    [{ readBillingPeriod: "no" }, {}, 'Stack config ovh-office365:readBillingPeriod must be true or false, got "no"'],
    [{}, { OVH_READ_BILLING_PERIOD: "0" }, 'Environment variable OVH_READ_BILLING_PERIOD must be true or false, got "0"'],
  ])("refuses %j %j, naming the setting and the fix", (config, env, message) => {
    expect(() => billingReadSetting(config, env)).toThrow(message);
    expect(() => billingReadSetting(config, env)).toThrow("pulumi config set ovh-office365:readBillingPeriod false");
  });
});
