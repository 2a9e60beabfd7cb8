import { listAll } from "../ovh/list-mode";
import type { OvhRequester } from "../ovh/types";
import { Csp2InputError, LicenseResolutionError, SeatChangeError, describeValue } from "./errors";
import { byId, groupFetchListOptions, groupListQuery, type GroupFetchOptions } from "./listing";
import type { OfficeLicence } from "./models";
import { getOrderableLicense } from "./tenant";

export type FetchOrderableLicensesOptions = GroupFetchOptions;

/**
 * The licences the group can order, read live (`Pragma: no-cache`), sorted by id: in list mode one call, else the ids
 * and one GET per licence (`only` narrows those), leaving out any that OVH stopped offering in between.
 */
export async function fetchOrderableLicenses(requester: OvhRequester, serviceName: string, options: FetchOrderableLicensesOptions = {}): Promise<OfficeLicence[]> {
  const licenses = await listAll<OfficeLicence>(
    requester,
    groupListQuery("GET /saas/csp2/{serviceName}/orderableLicenses", { path: { serviceName } }),
    (id) => getOrderableLicense(requester, serviceName, Number(id)),
    groupFetchListOptions(options),
  );
  return byId(licenses);
}

/** How licence names compare: case, surrounding and repeated whitespace, and Unicode width variants ignored. */
export function normalizeLicenseName(name: string): string {
  return name.normalize("NFKC").trim().replace(/\s+/g, " ").toLowerCase();
}

function label(license: OfficeLicence): string {
  return `"${license.name}" (id ${license.id})`;
}

function catalogue(licenses: readonly OfficeLicence[]): { names: string[]; listing: string } {
  const key = (license: OfficeLicence) => normalizeLicenseName(license.name);
  const sorted = [...licenses].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a.id - b.id));
  return {
    names: [...new Set(sorted.map((license) => license.name))],
    listing: sorted.length > 0 ? sorted.map(label).join(", ") : "none (the group offers no licence)",
  };
}

/**
 * The orderable licence a declaration means: by `licenseId`, or by `license` (a name, compared with
 * `normalizeLicenseName`). With both, they must designate the same licence. Throws `LicenseResolutionError`
 * listing the valid names when nothing or several licences match. Calls nothing.
 */
export function resolveLicense(licenses: readonly OfficeLicence[], wanted: { licenseId?: number; license?: string }): OfficeLicence {
  const { names, listing } = catalogue(licenses);
  const fail = (field: string, value: unknown, problem: string, allowed: string): never => {
    throw new LicenseResolutionError(field, value, problem, allowed, names);
  };
  const { licenseId, license } = wanted;

  let byId: OfficeLicence | undefined;
  if (licenseId !== undefined) {
    if (!Number.isSafeInteger(licenseId)) fail("licenseId", licenseId, "is not a licence id", `give a whole number; orderable: ${listing}`);
    byId = licenses.find((license) => license.id === licenseId);
    if (!byId) fail("licenseId", licenseId, "is not orderable in this licence group", `use one of ${listing}`);
  }
  if (license === undefined) {
    if (byId) return byId;
    return fail("license", undefined, "is missing", `set license (a name) or licenseId; orderable: ${listing}`);
  }
  if (typeof license !== "string" || normalizeLicenseName(license) === "") {
    return fail("license", license, "is not a licence name", `use one of ${listing}`);
  }

  const key = normalizeLicenseName(license);
  const matches = licenses.filter((license) => normalizeLicenseName(license.name) === key);
  if (byId) {
    if (matches.some((license) => license.id === byId.id)) return byId;
    return fail("license", license, `does not name licence ${label(byId)} given as licenseId`, "remove one of license and licenseId, or make them agree");
  }
  if (matches.length === 1) return matches[0];
  if (matches.length > 1) {
    return fail("license", license, `matches several licences: ${matches.map(label).join(", ")}`, "set licenseId to the one meant");
  }
  const close = licenses.filter((license) => {
    const name = normalizeLicenseName(license.name);
    return name.includes(key) || key.includes(name);
  });
  const hint = close.length > 0 ? `did you mean ${close.map(label).join(" or ")}? Orderable: ${listing}` : `use one of ${listing}`;
  return fail("license", license, "matches no licence orderable in this licence group", hint);
}

/**
 * Checks a seat count against the licence before anything is ordered: `currentSeats` is the live count, 0 for a
 * subscription not ordered yet. A new subscription needs `newSubscriptionsAllowed`; adding seats to an existing one
 * needs `newSeatsAllowed`; more seats than `limit` are refused (a decrease stays allowed). Throws `SeatChangeError`.
 * Microsoft may still refuse a decrease (commerce rules): only OVH can tell.
 */
export function checkSeatChange(license: OfficeLicence, currentSeats: number, wantedSeats: number): void {
  if (!Number.isSafeInteger(currentSeats) || currentSeats < 0) {
    throw new Csp2InputError("currentSeats", currentSeats, "is not a seat count", "give the live seat count, or 0 for a subscription not ordered yet");
  }
  if (!Number.isSafeInteger(wantedSeats) || wantedSeats < 1) {
    throw new SeatChangeError("seats", wantedSeats, "is not a seat count OVH accepts", "give a whole number of seats, at least 1 (delete the subscription to end it)");
  }
  if (currentSeats === 0 && !license.newSubscriptionsAllowed) {
    throw new SeatChangeError(
      "license",
      license.name,
      `cannot be ordered: licence ${label(license)} has newSubscriptionsAllowed: false`,
      "pick another licence (OVH no longer sells this one for new subscriptions)",
      "newSubscriptionsAllowed",
    );
  }
  if (currentSeats > 0 && wantedSeats > currentSeats && !license.newSeatsAllowed) {
    throw new SeatChangeError(
      "seats",
      wantedSeats,
      `adds seats to ${currentSeats} but licence ${label(license)} has newSeatsAllowed: false`,
      `keep seats at ${currentSeats} or fewer, or move users to another licence`,
      "newSeatsAllowed",
    );
  }
  if (license.limit !== null && wantedSeats > license.limit && wantedSeats > currentSeats) {
    throw new SeatChangeError(
      "seats",
      wantedSeats,
      `is more than licence ${label(license)} allows (limit: ${describeValue(license.limit)})`,
      `set seats to ${Math.max(license.limit, currentSeats)} or fewer`,
      "limit",
    );
  }
}
