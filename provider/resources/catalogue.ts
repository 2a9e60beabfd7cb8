import * as csp2 from "../csp2";
import type { OfficeLicence } from "../csp2";
import { OvhApiError } from "../ovh/errors";
import type { OvhRequester } from "../ovh/types";

/**
 * The licences a group can order, cached per group for this process: licence resolution would otherwise cost one
 * call per licence for every resource. A miss refetches once, in case OVH added a licence since.
 */
const cacheTtlMs = 10 * 60 * 1000;
const cache = new Map<string, { fetchedAt: number; licences: Promise<OfficeLicence[]> }>();

export async function orderableLicenses(requester: OvhRequester, serviceName: string, refresh = false): Promise<OfficeLicence[]> {
  const cached = cache.get(serviceName);
  if (cached && !refresh && Date.now() - cached.fetchedAt < cacheTtlMs) return cached.licences;
  const licences = fetchLicences(requester, serviceName);
  cache.set(serviceName, { fetchedAt: Date.now(), licences });
  licences.catch(() => cache.delete(serviceName));
  return licences;
}

/** The error for a `serviceName` that names no licence group of the account. */
export function licenseGroupNotFound(serviceName: string): Error {
  return new Error(`serviceName: licence group ${serviceName} does not exist on this OVH account: \`ovh-office365 groups\` lists yours.`);
}

async function fetchLicences(requester: OvhRequester, serviceName: string): Promise<OfficeLicence[]> {
  try {
    return await csp2.fetchOrderableLicences(requester, serviceName);
  } catch (error) {
    throw error instanceof OvhApiError && error.isNotFound ? licenseGroupNotFound(serviceName) : error;
  }
}

/** The licence by id from the catalogue, refetching once on a miss; undefined if the group does not offer it. */
export async function licenseById(requester: OvhRequester, serviceName: string, licenseId: number): Promise<OfficeLicence | undefined> {
  const find = (licences: OfficeLicence[]) => licences.find((licence) => licence.id === licenseId);
  return find(await orderableLicenses(requester, serviceName)) ?? find(await orderableLicenses(requester, serviceName, true));
}

/** Resolves `license` (a name) or `licenseId` against the group's catalogue; the error lists the valid names. */
export async function resolveDeclaredLicense(
  requester: OvhRequester,
  serviceName: string,
  declared: { license?: string; licenseId?: number },
): Promise<OfficeLicence> {
  try {
    return csp2.resolveLicense(await orderableLicenses(requester, serviceName), declared);
  } catch {
    return csp2.resolveLicense(await orderableLicenses(requester, serviceName, true), declared);
  }
}
