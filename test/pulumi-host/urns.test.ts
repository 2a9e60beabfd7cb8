import { DYNAMIC_PROVIDER_TYPE, DYNAMIC_RESOURCE_TYPE, dynamicResourceType, makeUrn, parseUrn } from "../../pulumi-host/urns";

describe("type tokens and URNs", () => {
  it("spell type tokens and URNs as the SDK and engine do", () => {
    expect(dynamicResourceType()).toBe(DYNAMIC_RESOURCE_TYPE);
    expect(dynamicResourceType("Subscription", "ovh-office365")).toBe("pulumi-nodejs:dynamic/ovh-office365:Subscription");
    expect(makeUrn(DYNAMIC_RESOURCE_TYPE, "seats", { project: "licences", stack: "prod" })).toBe(
      "urn:pulumi:prod::licences::pulumi-nodejs:dynamic:Resource::seats",
    );
  });

  it("read back the name and type makeUrn wrote", () => {
    const type = dynamicResourceType("LicenseGroup", "ovh-office365");
    expect(parseUrn(makeUrn(type, "acme", { project: "licences", stack: "prod" }))).toEqual({ name: "acme", type });
    expect(parseUrn(makeUrn(DYNAMIC_PROVIDER_TYPE, "default", { project: "p", stack: "s" }))).toEqual({
      name: "default",
      type: DYNAMIC_PROVIDER_TYPE,
    });
  });

  it("take the last type of a parent chain, and keep '::' inside a name", () => {
    const urn = "urn:pulumi:dev::licences::my:component:Tenant$pulumi-nodejs:dynamic:Resource::acme::basic";
    expect(parseUrn(urn)).toEqual({ name: "acme::basic", type: DYNAMIC_RESOURCE_TYPE });
  });

  it.each(["", "acme", "urn:pulumi:dev::licences::pulumi-nodejs:dynamic:Resource", "urn:other:dev::p::t::n"])(
    "refuse %j as a URN, pointing to makeUrn",
    (urn) => {
      expect(() => parseUrn(urn)).toThrow(/is not a resource URN .*build one with makeUrn\(type, name\)/);
    },
  );
});
