import { checkLicenseGroupInputs, diffLicenseGroup, licenseGroupInputsFromOutputs, orderMark, tenantChanges } from "../../provider/resources/license-group-rules";
import type { LicenseGroupOutputs } from "../../provider/resources/license-group";

const tenant = {
  displayName: "ACME",
  firstName: "Ana",
  lastName: "Silva",
  email: "ana@acme.example",
  phone: "+351.211234567",
  address: "Rua 1",
  city: "Lisboa",
  zipCode: "1000-001",
  mpnId: null,
};

function outputs(overrides: Partial<LicenseGroupOutputs> = {}): LicenseGroupOutputs {
  return {
    serviceName: "acme-tenant",
    adopted: true,
    displayName: "ACME",
    tenant,
    status: "ok",
    creationDate: "2026-01-01T00:00:00Z",
    microsoftAdminPortalUrl: "https://admin.microsoft.com",
    tutorialUrl: "https://support.microsoft.com/training",
    serviceInfo: {
      status: "ok",
      creation: "2026-01-01",
      expiration: "2027-01-01",
      renewalAutomatic: true,
      renewalPeriod: 1,
      contactAdmin: "ab123-ovh",
      contactBilling: "ab123-ovh",
      contactTech: "ab123-ovh",
    },
    pendingTasks: [],
    ...overrides,
  };
}

describe("checkLicenseGroupInputs", () => {
  const failuresOf = (news: Record<string, unknown>) => checkLicenseGroupInputs(news).failures ?? [];
  const order = { ovhSubsidiary: "FR", planCode: "csp2-plan" };

  it("accepts adoption and ordering", () => {
    expect(failuresOf({ serviceName: "acme-tenant", displayName: "ACME" })).toEqual([]);
    expect(failuresOf({ order, displayName: "New customer" })).toEqual([]);
  });

  it.each([
    [{}, "serviceName", "or order is required"],
    [{ serviceName: "acme-tenant", order, displayName: "x" }, "order", "both set"],
    [{ order }, "displayName", "required when ordering"],
    [{ order: { ...order, ovhSubsidiary: "fr" }, displayName: "x" }, "order.ovhSubsidiary", "two capital letters"],
    [{ order: { ...order, duration: "1 month" }, displayName: "x" }, "order.duration", "ISO 8601"],
    [{ order: { ...order, plancode: "x" }, displayName: "x" }, "order.plancode", "did you mean \"planCode\""],
    [{ serviceName: "acme-tenant", contact: { email: "nope" } }, "contact.email", "e-mail address"],
    [{ serviceName: "acme-tenant", terminateOnDelete: "yes" }, "terminateOnDelete", "true or false"],
    [{ serviceName: "acme tenant" }, "serviceName", "not a licence group"],
  ])("rejects %j on %s", (news, property, text) => {
    expect(failuresOf(news).find((f) => f.property === property)?.reason).toContain(text);
  });
});

describe("LicenseGroup diff and refresh", () => {
  it("puts only the declared tenant fields that differ", () => {
    expect(tenantChanges({ displayName: "ACME", contact: { city: "Porto" } }, tenant)).toEqual({ city: "Porto" });
    expect(tenantChanges({}, tenant)).toEqual({});
  });

  it("sees a display name changed in the control panel", () => {
    const drifted = outputs({ displayName: "Acme (old)", tenant: { ...tenant, displayName: "Acme (old)" } });
    expect(diffLicenseGroup(drifted, { serviceName: "acme-tenant", displayName: "ACME" }).changes).toBe(true);
    expect(diffLicenseGroup(outputs(), { serviceName: "acme-tenant", displayName: "ACME" }).changes).toBe(false);
    expect(diffLicenseGroup(outputs(), { serviceName: "other", displayName: "ACME" }).replaces).toEqual(["serviceName"]);
  });

  it("reports live values of declared fields as inputs", () => {
    expect(licenseGroupInputsFromOutputs(outputs({ displayName: "Renamed" }))).toEqual({ serviceName: "acme-tenant", displayName: "Renamed" });
  });

  it("marks an order by its name, subsidiary and plan, stably", () => {
    const a = orderMark("ACME", { ovhSubsidiary: "FR", planCode: "p" });
    expect(a).toBe(orderMark("ACME", { ovhSubsidiary: "FR", planCode: "p", duration: "P1Y" }));
    expect(a).not.toBe(orderMark("ACME 2", { ovhSubsidiary: "FR", planCode: "p" }));
    expect(a).toMatch(/^pulumi-ovh-office365 [0-9a-f]{16}$/);
  });
});
