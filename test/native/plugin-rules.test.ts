import { detailedDiff } from "../../provider/native/detailed-diff";
import { engineAddressOf } from "../../provider/native/main";
import { configChanges, configFailures, settingTextsOf } from "../../provider/native/provider-configuration";
import { hasUnknowns, plainProperties, UNKNOWN } from "../../provider/native/wire";

/** The plugin's pure rules: what the engine sends, read as the lifecycle takes it, and what goes back. */

const secret = (value: unknown) => ({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value });

describe("engineAddressOf: the engine's address among the flags it may pass", () => {
  it.each([
    [["127.0.0.1:5000"], "127.0.0.1:5000"],
    [["--logtostderr", "-v=9", "--tracing", "http://t", "127.0.0.1:5000"], "127.0.0.1:5000"],
    // The engine passes --logtostderr without -v when it logs its flow: the address is not taken for its value.
    [["--logtostderr", "127.0.0.1:5000"], "127.0.0.1:5000"],
    [["-v", "9", "127.0.0.1:5000"], "127.0.0.1:5000"],
    [[], undefined],
  ])("%j → %s", (argv, address) => {
    expect(engineAddressOf(argv)).toBe(address);
  });
});

describe("plainProperties: secrets unwrapped, every unknown as the one marker the rules know", () => {
  it("unwraps secrets at any depth, and turns every kind of unknown into the string one", () => {
    const unknownNumber = "3eeb2bf0-c639-47a8-9e75-3b44932eb421";
    const unknownObject = "dd056dcd-154b-4c76-9bd3-c8f88648b5ff";
    expect(plainProperties({ seats: secret(4), contact: { email: secret("a@b.c") }, tags: [secret("x")], maxSeatChange: unknownNumber, order: unknownObject })).toEqual({
      seats: 4,
      contact: { email: "a@b.c" },
      tags: ["x"],
      maxSeatChange: UNKNOWN,
      order: UNKNOWN,
    });
  });

  it("hasUnknowns looks at every depth", () => {
    expect(hasUnknowns({ a: 1, b: { c: [2, UNKNOWN] } })).toBe(true);
    expect(hasUnknowns({ a: 1, b: { c: [2, "3"] } })).toBe(false);
  });
});

describe("detailedDiff", () => {
  const names = ["serviceName", "license", "licenseId", "seats", "subscriptionId", "maxSeatChange"];

  it("names each declared input that changed, replacing or not as the resource's diff decided", () => {
    expect(detailedDiff(names, { serviceName: "g", license: "Basic", seats: 4 }, { serviceName: "g", license: "Basic", seats: 6 }, [])).toEqual({ seats: "update" });
    expect(detailedDiff(names, { serviceName: "g", seats: 4 }, { serviceName: "g", seats: 4, maxSeatChange: 5 }, [])).toEqual({ maxSeatChange: "add" });
    expect(detailedDiff(names, { serviceName: "g", seats: 4, maxSeatChange: 5 }, { serviceName: "g", seats: 4 }, [])).toEqual({ maxSeatChange: "delete" });
    expect(detailedDiff(names, { serviceName: "g", license: "Basic", seats: 4 }, { serviceName: "g", license: "Standard", seats: 4 }, ["license"])).toEqual({ license: "updateReplace" });
  });

  it("marks a replacement the diff decided even where the values compare equal (a licence named differently)", () => {
    expect(detailedDiff(names, { license: "basic" }, { license: "basic" }, ["license"])).toEqual({ license: "updateReplace" });
    expect(detailedDiff(names, {}, {}, ["licenseId"])).toEqual({ licenseId: "updateReplace" });
  });

  it("compares objects whatever the order of their keys, and ignores outputs that are not inputs", () => {
    const contact = ["contact"];
    expect(detailedDiff(contact, { contact: { a: "1", b: "2" }, status: "ok" }, { contact: { b: "2", a: "1" } }, [])).toEqual({});
  });
});

describe("the provider's configuration", () => {
  it("reads settings as text whatever an SDK sends: strings, numbers, lists; leaves out version and unknowns", () => {
    expect(settingTextsOf({ endpoint: "ovh-ca", maxRequestsPerSecond: 4, allowDeletes: ["csp2-a", "csp2-b/3"], version: "0.1.0", consumerKey: UNKNOWN })).toEqual({
      endpoint: "ovh-ca",
      maxRequestsPerSecond: "4",
      allowDeletes: '["csp2-a","csp2-b/3"]',
    });
  });

  it("names each setting it cannot use, never a credential's value", () => {
    const failures = configFailures({ applicationKey: "ak-value", consumerKey: "ck-value", allowDeletes: ["*", "bad value"], readSettleSeconds: -1 }, {});
    expect(failures.map((f) => f.property).sort()).toEqual(["allowDeletes", "applicationKey", "readSettleSeconds"]);
    expect(failures.find((f) => f.property === "applicationKey")!.reason).toContain("applicationSecret is missing");
    expect(JSON.stringify(failures)).not.toMatch(/ak-value|ck-value/);
  });

  it("lets credentials come from the environment when the configuration gives none", () => {
    expect(configFailures({ endpoint: "ovh-ca" }, {})).toEqual([]);
  });

  it("diffs configurations by setting", () => {
    expect(configChanges({ endpoint: "ovh-eu", allowDeletes: ["*"] }, { endpoint: "ovh-eu", allowDeletes: '["*"]' })).toEqual([]);
    expect(configChanges({ endpoint: "ovh-eu" }, { endpoint: "ovh-ca", readSettleSeconds: 5 })).toEqual(["endpoint", "readSettleSeconds"]);
  });
});
