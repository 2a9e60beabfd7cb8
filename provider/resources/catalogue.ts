import * as csp2 from "../csp2";
import type { OfficeLicence } from "../csp2";
import { OvhApiError } from "../ovh/errors";
import type { OvhRequester } from "../ovh/types";
import { isUnknown, type CheckFailure } from "./input-checks";

/**
 * The licences a group can order, cached per group for this process: licence resolution would otherwise cost one
 * call per licence for every resource. A miss refetches once, in case OVH added a licence since.
 */
const cacheTtlMs = 10 * 60 * 1000;
const cache = new Map<string, { fetchedAt: number; licenses: Promise<OfficeLicence[]> }>();

export async function orderableLicenses(requester: OvhRequester, serviceName: string, refresh = false): Promise<OfficeLicence[]> {
  const cached = cache.get(serviceName);
  if (cached && !refresh && Date.now() - cached.fetchedAt < cacheTtlMs) return cached.licenses;
  const licenses = fetchLicenses(requester, serviceName);
  cache.set(serviceName, { fetchedAt: Date.now(), licenses });
  licenses.catch(() => cache.delete(serviceName));
  return licenses;
}

/** The error for a `serviceName` that names no licence group of the account. */
export function licenseGroupNotFound(serviceName: string): Error {
  return new Error(`serviceName: licence group ${serviceName} does not exist on this OVH account: \`ovh-office365 groups\` lists yours.`);
}

async function fetchLicenses(requester: OvhRequester, serviceName: string): Promise<OfficeLicence[]> {
  try {
    return await csp2.fetchOrderableLicenses(requester, serviceName);
  } catch (error) {
    throw error instanceof OvhApiError && error.isNotFound ? licenseGroupNotFound(serviceName) : error;
  }
}

/** The licence by id from the catalogue, refetching once on a miss; undefined if the group does not offer it. */
export async function licenseById(requester: OvhRequester, serviceName: string, licenseId: number): Promise<OfficeLicence | undefined> {
  const find = (licenses: OfficeLicence[]) => licenses.find((license) => license.id === licenseId);
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

/**
 * What `pulumi preview` can tell from the group's catalogue about a subscription about to be ordered (a new resource,
 * or a new licence): a licence name the group cannot order, or seats the licence refuses. Inputs that are not known
 * yet and seat changes of existing subscriptions are left to `pulumi up`, which checks against the live subscription
 * before acting, adoptions to `adoptionCheckFailures`; so is everything when OVH cannot be asked now (no credentials, no
 * answer): a preview does not fail for what only `up` needs.
 */
export async function orderCheckFailures(
  requester: () => OvhRequester,
  olds: Record<string, unknown>,
  news: { serviceName?: unknown; license?: unknown; licenseId?: unknown; subscriptionId?: unknown; seats?: unknown },
): Promise<CheckFailure[]> {
  const { serviceName, license, licenseId, seats } = news;
  const licenseChanged = olds.seats === undefined || olds.license !== license || olds.licenseId !== licenseId;
  const knownText = (value: unknown): value is string => typeof value === "string" && !isUnknown(value);
  const declared = knownText(license) ? { license } : typeof licenseId === "number" ? { licenseId } : undefined;
  if (news.subscriptionId !== undefined || !licenseChanged || !knownText(serviceName) || !declared || typeof seats !== "number") return [];
  try {
    const license = await resolveDeclaredLicense(requester(), serviceName, declared);
    csp2.checkSeatChange(license, 0, seats);
    return [];
  } catch (error) {
    return error instanceof csp2.Csp2InputError ? [checkFailureOf(error)] : [];
  }
}

/** A catalogue refusal (licence or seats) as a check failure. */
export function checkFailureOf(error: csp2.Csp2InputError): CheckFailure {
  // Its message opens with "<field>: ", which the engine prints itself before the reason.
  return { property: error.field, reason: error.message.slice(error.field.length + 2) };
}
