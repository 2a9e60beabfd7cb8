import { isRpcSecret, unwrapRpcSecret } from "@pulumi/pulumi/runtime/rpc";
import * as structProto from "google-protobuf/google/protobuf/struct_pb";
import {
  PROVIDER_KEY,
  UNKNOWN_VALUE,
  carriesProvider,
  fromStruct,
  providerSource,
  secretValue,
  toStruct,
  withProvider,
} from "../../pulumi-host/property-struct";

describe("__provider in property bags", () => {
  it("withProvider adds the provider text without touching the program's inputs", () => {
    const inputs = { seats: 5 };
    expect(withProvider("exports.handler = 1", inputs)).toEqual({ seats: 5, [PROVIDER_KEY]: "exports.handler = 1" });
    expect(inputs).toEqual({ seats: 5 });
  });

  it.each([
    ["no __provider", {}, false],
    ["an empty text", { [PROVIDER_KEY]: "" }, false],
    ["the unknown marker of a preview", { [PROVIDER_KEY]: UNKNOWN_VALUE }, false],
    ["a value that is not text", { [PROVIDER_KEY]: 42 }, false],
    ["a provider text", { [PROVIDER_KEY]: "exports.handler = 1" }, true],
  ])("carriesProvider is right about %s", (_label, props, expected) => {
    expect(carriesProvider(props)).toBe(expected);
  });

  it("providerSource falls back to the old state only while the new provider is unknown", () => {
    const olds = { [PROVIDER_KEY]: "old" };
    expect(providerSource(olds, { [PROVIDER_KEY]: UNKNOWN_VALUE })).toBe(olds);
    const news = { [PROVIDER_KEY]: "new" };
    expect(providerSource(olds, news)).toBe(news);
    expect(providerSource(olds, {})).toEqual({});
  });
});

describe("Struct conversion", () => {
  it("round-trips JSON values, drops undefined members and turns dates into text, as the engine's maps do", () => {
    const props = {
      seats: 5,
      license: "Microsoft 365 Business Basic",
      pendingTasks: [{ id: 7, status: "doing" }],
      parent: null,
      absent: undefined,
      at: new Date("2026-01-02T03:04:05.000Z"),
    };
    expect(fromStruct(toStruct(structProto, props))).toEqual({
      seats: 5,
      license: "Microsoft 365 Business Basic",
      pendingTasks: [{ id: 7, status: "doing" }],
      parent: null,
      at: "2026-01-02T03:04:05.000Z",
    });
  });

  it("reads an absent Struct as an empty bag", () => {
    expect(fromStruct(undefined)).toEqual({});
  });

  it("wraps a secret the way the SDK recognises it, keeping the value", () => {
    const wrapped = secretValue("not-a-real-secret");
    expect(isRpcSecret(wrapped)).toBe(true);
    expect(unwrapRpcSecret(wrapped)).toBe("not-a-real-secret");
    expect(isRpcSecret({ value: "not-a-real-secret" })).toBe(false);
  });
});
