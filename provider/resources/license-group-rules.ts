import { createHash } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import {
  type CheckFailure,
  describe,
  isUnknown,
  serviceNameProblem,
  textProblem,
  unknownKeyFailures,
  wholeNumberProblem,
} from "./input-checks";
import type { LicenseGroupContact, LicenseGroupInputs, LicenseGroupOrder, LicenseGroupOutputs } from "./license-group-types";

/** Pure rules of the LicenseGroup resource: validation, diffing, and the inputs a refresh reports. */

// Not part of the OVH API: the links the control panel shows for every group.
export const microsoftAdminPortalUrl = "https://admin.microsoft.com";
export const tutorialUrl = "https://support.microsoft.com/training";

export const licenseGroupInputNames = ["serviceName", "order", "displayName", "contact", "terminateOnDelete"] as const;
const orderFieldNames = ["ovhSubsidiary", "planCode", "duration", "pricingMode", "configurations", "autoPay", "deliveryTimeoutMinutes"] as const;
export const contactFieldNames = ["firstName", "lastName", "email", "phone", "address", "city", "zipCode"] as const;

export function checkLicenseGroupInputs(news: Record<string, unknown>): pulumi.dynamic.CheckResult {
  const failures: CheckFailure[] = unknownKeyFailures(news, licenseGroupInputNames);
  const fail = (property: string, reason: string | undefined) => {
    if (reason) failures.push({ property, reason });
  };
  const known = (value: unknown) => value !== undefined && !isUnknown(value);

  if (news.serviceName === undefined && news.order === undefined) {
    fail("serviceName", "or order is required: serviceName adopts an existing licence group (`ovh-office365 groups` lists them), order orders a new one");
  } else if (news.serviceName !== undefined && news.order !== undefined) {
    fail("order", "and serviceName are both set: keep serviceName to adopt an existing group, or order to order a new one");
  }
  if (known(news.serviceName)) fail("serviceName", serviceNameProblem(news.serviceName));
  if (known(news.order)) failures.push(...orderFailures(news.order));
  if (news.order !== undefined && news.displayName === undefined) {
    fail("displayName", "is required when ordering a group: it names the new group and lets an interrupted order be recognised");
  }
  if (known(news.displayName)) fail("displayName", textProblem(news.displayName, "the group's internal name", 100));
  if (known(news.contact)) failures.push(...contactFailures(news.contact));
  if (known(news.terminateOnDelete) && typeof news.terminateOnDelete !== "boolean") {
    fail("terminateOnDelete", `must be true or false, got ${describe(news.terminateOnDelete)}`);
  }
  return { inputs: news, failures };
}

function orderFailures(order: unknown): CheckFailure[] {
  if (typeof order !== "object" || order === null || Array.isArray(order)) {
    return [{ property: "order", reason: `must be an object {ovhSubsidiary, planCode, ...}, got ${describe(order)}` }];
  }
  const fields = order as Record<string, unknown>;
  const failures = unknownKeyFailures(fields, orderFieldNames, { owner: "order" }).map((f) => ({ ...f, property: `order.${f.property}` }));
  const fail = (field: string, reason: string | undefined) => {
    if (reason) failures.push({ property: `order.${field}`, reason });
  };
  if (typeof fields.ovhSubsidiary !== "string" || !/^[A-Z]{2}$/.test(fields.ovhSubsidiary)) {
    fail("ovhSubsidiary", `must be the account's OVH subsidiary, two capital letters such as "FR", "GB", "DE", "CA", "US"; got ${describe(fields.ovhSubsidiary)}`);
  }
  fail("planCode", textProblem(fields.planCode, "the planCode of a CSP2 offer, as `GET /order/cart/{cartId}/csp2` lists them in the OVH API console", 100));
  if (fields.duration !== undefined && (typeof fields.duration !== "string" || !/^P[1-9][0-9]?[DMY]$/.test(fields.duration))) {
    fail("duration", `must be an ISO 8601 duration such as "P1M" or "P1Y", got ${describe(fields.duration)}`);
  }
  if (fields.pricingMode !== undefined) fail("pricingMode", textProblem(fields.pricingMode, "the plan's pricing mode, e.g. \"default\"", 50));
  if (fields.autoPay !== undefined && typeof fields.autoPay !== "boolean") fail("autoPay", `must be true or false, got ${describe(fields.autoPay)}`);
  if (fields.deliveryTimeoutMinutes !== undefined) {
    fail("deliveryTimeoutMinutes", wholeNumberProblem(fields.deliveryTimeoutMinutes, { min: 1, max: 7 * 24 * 60, what: "minutes to wait for delivery" }));
  }
  if (fields.configurations !== undefined) {
    const valid =
      Array.isArray(fields.configurations) &&
      fields.configurations.every(
        (c) => typeof c === "object" && c !== null && typeof c.label === "string" && c.label !== "" && typeof c.value === "string",
      );
    if (!valid) fail("configurations", `must be a list of {label, value} strings, got ${describe(fields.configurations)}`);
  }
  return failures;
}

function contactFailures(contact: unknown): CheckFailure[] {
  if (typeof contact !== "object" || contact === null || Array.isArray(contact)) {
    return [{ property: "contact", reason: `must be an object {firstName, lastName, email, ...}, got ${describe(contact)}` }];
  }
  const fields = contact as Record<string, unknown>;
  const failures = unknownKeyFailures(fields, contactFieldNames, { owner: "contact" }).map((f) => ({ ...f, property: `contact.${f.property}` }));
  for (const name of contactFieldNames) {
    const value = fields[name];
    if (value === undefined || isUnknown(value)) continue;
    const problem = textProblem(value, `the tenant contact's ${name}`, 200);
    if (problem) failures.push({ property: `contact.${name}`, reason: problem });
  }
  if (typeof fields.email === "string" && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(fields.email)) {
    failures.push({ property: "contact.email", reason: `must be an e-mail address, got ${describe(fields.email)}` });
  }
  if (typeof fields.phone === "string" && !/^\+?[0-9][0-9 .()-]{5,24}$/.test(fields.phone)) {
    failures.push({ property: "contact.phone", reason: `must be a phone number such as "+33.123456789", got ${describe(fields.phone)}` });
  }
  return failures;
}

/** The tenant fields to PUT so the declared ones match: empty when nothing differs. */
export function tenantChanges(declared: LicenseGroupInputs, live: { displayName: string } & Record<string, unknown>): Record<string, string> {
  const changes: Record<string, string> = {};
  if (declared.displayName !== undefined && declared.displayName !== live.displayName) changes.displayName = declared.displayName;
  for (const name of contactFieldNames) {
    const wanted = declared.contact?.[name];
    if (wanted !== undefined && wanted !== live[name]) changes[name] = wanted;
  }
  return changes;
}

export function diffLicenseGroup(olds: LicenseGroupOutputs, news: LicenseGroupInputs): pulumi.dynamic.DiffResult {
  const replaces = news.serviceName !== undefined && news.serviceName !== olds.serviceName ? ["serviceName"] : [];
  const tenantDiffers = Object.keys(tenantChanges(news, { ...olds.tenant })).length > 0;
  const declaredDiffers =
    (news.displayName ?? null) !== (olds.displayName ?? null) ||
    JSON.stringify(news.contact ?? null) !== JSON.stringify(olds.contact ?? null) ||
    (news.terminateOnDelete ?? null) !== (olds.terminateOnDelete ?? null);
  return {
    changes: replaces.length > 0 || tenantDiffers || declaredDiffers || (olds.pendingTasks ?? []).length > 0,
    replaces,
    deleteBeforeReplace: false,
  };
}

/** The inputs a refresh reports: what was declared, with the live values of declared tenant fields. */
export function licenseGroupInputsFromOutputs(outputs: LicenseGroupOutputs): LicenseGroupInputs {
  const inputs: LicenseGroupInputs = outputs.adopted ? { serviceName: outputs.serviceName } : { order: outputs.order };
  if (outputs.displayName !== undefined) inputs.displayName = outputs.displayName;
  if (outputs.contact !== undefined) inputs.contact = outputs.contact;
  if (outputs.terminateOnDelete !== undefined) inputs.terminateOnDelete = outputs.terminateOnDelete;
  return inputs;
}

/** The live values of the declared contact fields. */
export function declaredContact(declared: LicenseGroupContact | undefined, live: Record<string, unknown>): LicenseGroupContact | undefined {
  if (declared === undefined) return undefined;
  const contact: LicenseGroupContact = {};
  for (const name of contactFieldNames) {
    if (declared[name] !== undefined) contact[name] = String(live[name] ?? "");
  }
  return contact;
}

/**
 * The order's mark, written as the cart description: it lets a re-run recognise a cart an interrupted run already
 * checked out, so a group is never ordered twice.
 */
export function orderMark(displayName: string, order: LicenseGroupOrder): string {
  const digest = createHash("sha256").update(JSON.stringify([displayName, order.ovhSubsidiary, order.planCode])).digest("hex");
  return `pulumi-ovh-office365 ${digest.slice(0, 16)}`;
}
