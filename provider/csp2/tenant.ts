import { listAll } from "../ovh/list-mode";
import type { OvhRequester } from "../ovh/types";
import { call, writableBody } from "./call";
import { groupListQuery } from "./listing";
import {
  OfficeTenantWritableKeys,
  ServicesServiceWritableKeys,
  type BillingStatistics,
  type LicensePeriodEnum,
  type OfficeLicence,
  type OfficeTenantWithIAM,
  type OfficeTenantWritable,
  type ServicesService,
  type ServicesServiceWritable,
  type Statistics,
} from "./models";

/** The serviceNames of the account's licence groups. */
export function listLicenseGroups(requester: OvhRequester): Promise<string[]> {
  return call(requester, "GET /saas/csp2", {});
}

export function getTenant(requester: OvhRequester, serviceName: string): Promise<OfficeTenantWithIAM> {
  return call(requester, "GET /saas/csp2/{serviceName}", { path: { serviceName } });
}

const LICENSE_GROUP_LIST = "GET /saas/csp2";

export interface FetchLicenseGroupsOptions {
  /** Told how many groups are read one GET each (0 in list mode), before they are: for progress. */
  onListed?: (readsOneByOne: number) => void;
}

/**
 * The account's licence groups (their tenants), read live (`Pragma: no-cache`), sorted by serviceName: in list mode
 * one call (per 5000), else the serviceNames and one GET per group, leaving out any terminated in between.
 */
export async function fetchLicenseGroups(requester: OvhRequester, options: FetchLicenseGroupsOptions = {}): Promise<OfficeTenantWithIAM[]> {
  const query = { ...groupListQuery(LICENSE_GROUP_LIST, {}), idField: "serviceName" };
  const tenants = await listAll<OfficeTenantWithIAM>(requester, query, (serviceName) => getTenant(requester, String(serviceName)), { onListed: options.onListed });
  return tenants.sort((a, b) => a.serviceName.localeCompare(b.serviceName));
}

/** Changes the display name and contact fields given; the others stay as they are. Read-only fields are refused. */
export async function updateTenant(requester: OvhRequester, serviceName: string, changes: OfficeTenantWritable): Promise<void> {
  return call(requester, "PUT /saas/csp2/{serviceName}", {
    path: { serviceName },
    body: writableBody("changes", changes, OfficeTenantWritableKeys),
  });
}

export function getBillingPeriodPeaks(requester: OvhRequester, serviceName: string): Promise<BillingStatistics> {
  return call(requester, "GET /saas/csp2/{serviceName}/billingPeriodPeaks", { path: { serviceName } });
}

export function getUsageStatistics(requester: OvhRequester, serviceName: string, timePeriod: LicensePeriodEnum): Promise<Statistics[]> {
  return call(requester, "GET /saas/csp2/{serviceName}/usageStatistics", { path: { serviceName }, query: { timePeriod } });
}

/** Ids of the licences the group can order. */
export function listOrderableLicenses(requester: OvhRequester, serviceName: string): Promise<number[]> {
  return call(requester, "GET /saas/csp2/{serviceName}/orderableLicenses", { path: { serviceName } });
}

export function getOrderableLicense(requester: OvhRequester, serviceName: string, licenseId: number): Promise<OfficeLicence> {
  return call(requester, "GET /saas/csp2/{serviceName}/orderableLicenses/{id}", { path: { serviceName, id: licenseId } });
}

/** Expiration, renewal, contacts and the `serviceId` that `/services` calls take. */
export function getServiceInfos(requester: OvhRequester, serviceName: string): Promise<ServicesService> {
  return call(requester, "GET /saas/csp2/{serviceName}/serviceInfos", { path: { serviceName } });
}

export async function updateServiceInfos(requester: OvhRequester, serviceName: string, changes: ServicesServiceWritable): Promise<void> {
  return call(requester, "PUT /saas/csp2/{serviceName}/serviceInfos", {
    path: { serviceName },
    body: writableBody("changes", changes, ServicesServiceWritableKeys),
  });
}
