import * as csp2 from "../csp2";
import type { OfficeLicence, OfficeSubscription } from "../csp2";
import { OvhApiError } from "../ovh/errors";
import type { OvhRequester } from "../ovh/types";
import { checkFailureOf, licenseById, orderableLicenses, resolveDeclaredLicense } from "./catalogue";
import { groupSubscriptions, readSubscription } from "./group-listings";
import { isUnknown, type CheckFailure } from "./input-checks";
import { tell } from "./provider-config";
import { isTerminalStatus, seatGuardProblem, subscriptionResourceId } from "./subscription-rules";

/**
 * Adopting an existing subscription (`subscriptionId`): what must hold before a resource takes it over, checked by the
 * same rules in `pulumi preview` (check failures, from the group's listing) and in `pulumi up` (an error before
 * anything changes, from the subscription read live). The subscription exists and is in use, it is of the declared
 * licence, and an add-on is declared under the subscription OVH lists it under, a subscription on its own under none.
 */

/** What is declared for an adoption; `parentSubscriptionId` "unknown" when it is computed from a resource not created yet. */
export interface DeclaredAdoption {
  serviceName: string;
  subscriptionId: number;
  license?: string;
  licenseId?: number;
  parentSubscriptionId?: number | "unknown";
}

/** What OVH shows that an adoption is checked against. */
export interface AdoptionFacts {
  /** The subscription, undefined when OVH does not have it. */
  live?: OfficeSubscription;
  /** The licence `license`/`licenseId` designate, when one is declared. */
  declaredLicense?: OfficeLicence;
  /** The live subscription's licence, when the group's catalogue has it. */
  liveLicense?: OfficeLicence;
  /** The add-ons OVH lists under the declared parent; undefined when that parent does not exist. */
  parentAddons?: readonly number[];
  /** The subscription OVH lists it under as an add-on, when asked (only when the declared parent is wrong or missing). */
  actualParent?: number;
}

/** Why the subscription cannot be adopted as declared, each with the field to fix and how: empty when it can. */
export function adoptionProblems(declared: DeclaredAdoption, facts: AdoptionFacts): CheckFailure[] {
  const { serviceName, subscriptionId } = declared;
  const { live, declaredLicense, liveLicense, actualParent } = facts;
  const listing = `\`ovh-office365 subscriptions ${serviceName}\` lists its subscriptions with their licences and add-ons`;
  if (!live || isTerminalStatus(live.status)) {
    const state = live ? ` (it is "${live.status}": deleted)` : "";
    return [{ property: "subscriptionId", reason: `subscription ${subscriptionId} does not exist in licence group ${serviceName}${state}: ${listing}.` }];
  }
  const liveName = liveLicense?.name ?? `licence ${live.licenseId}`;
  if (declaredLicense && declaredLicense.id !== live.licenseId) {
    return [
      {
        property: "subscriptionId",
        reason:
          `subscription ${subscriptionId} is a "${liveName}" subscription, not "${declaredLicense.name}": give the id of the ` +
          `"${declaredLicense.name}" subscription, or declare "${liveName}" to adopt this one (${listing}).`,
      },
    ];
  }
  const parent = declared.parentSubscriptionId;
  const moveUnder = (id: number) => `set parentSubscriptionId: ${id} (in a licence file, list it under \`addons:\` of the licence with subscriptionId: ${id})`;
  if (parent === undefined) {
    if (liveLicense?.licenceType !== "ADDON") return [];
    const where = actualParent === undefined ? "" : ` of subscription ${actualParent}`;
    const fix = actualParent === undefined ? `set parentSubscriptionId to the subscription it extends (${listing})` : moveUnder(actualParent);
    return [{ property: "parentSubscriptionId", reason: `is missing: subscription ${subscriptionId} is an add-on ("${liveName}")${where}: ${fix}.` }];
  }
  if (parent === "unknown") return [];
  if (facts.parentAddons === undefined) {
    return [{ property: "parentSubscriptionId", reason: `subscription ${parent} does not exist in licence group ${serviceName}: ${listing}.` }];
  }
  if (facts.parentAddons.includes(subscriptionId)) return [];
  const fix =
    actualParent === undefined
      ? `it is an add-on of no subscription: remove parentSubscriptionId (in a licence file, move it out of \`addons:\`)`
      : `it is an add-on of subscription ${actualParent}: ${moveUnder(actualParent)}`;
  return [{ property: "parentSubscriptionId", reason: `subscription ${subscriptionId} is not an add-on of subscription ${parent}: ${fix}.` }];
}

/** How the subscription to adopt is read: from the group's shared listing (preview), or live (up). */
export type SubscriptionReader = (requester: OvhRequester, serviceName: string, subscriptionId: number) => Promise<OfficeSubscription | undefined>;

export interface AdoptionExamination {
  live?: OfficeSubscription;
  liveLicense?: OfficeLicence;
  problems: CheckFailure[];
}

/**
 * Reads what an adoption is checked against and applies the rules: the subscription, the group's catalogue (cached),
 * the declared parent's add-ons (one read), and, only to name it in a refusal, the subscription OVH lists it under (one
 * read per subscription of the group). A licence that does not resolve is a problem of its field.
 */
export async function examineAdoption(requester: OvhRequester, declared: DeclaredAdoption, read: SubscriptionReader): Promise<AdoptionExamination> {
  const { serviceName, subscriptionId } = declared;
  const live = await read(requester, serviceName, subscriptionId);
  if (!live || isTerminalStatus(live.status)) return { live, problems: adoptionProblems(declared, { live }) };

  let declaredLicense: OfficeLicence | undefined;
  if (declared.license !== undefined || declared.licenseId !== undefined) {
    try {
      declaredLicense = await resolveDeclaredLicense(requester, serviceName, declared);
    } catch (error) {
      if (!(error instanceof csp2.Csp2InputError)) throw error;
      return { live, problems: [checkFailureOf(error)] };
    }
  }
  const liveLicense = await licenseById(requester, serviceName, live.licenseId);
  const parent = declared.parentSubscriptionId;
  const parentAddons = typeof parent === "number" ? await addonsOf(requester, serviceName, parent) : undefined;
  const facts: AdoptionFacts = { live, declaredLicense, liveLicense, parentAddons };
  // The parent is looked for only to name it in a refusal.
  if (adoptionProblems(declared, facts).some((problem) => problem.property === "parentSubscriptionId")) {
    facts.actualParent = await addonParentOf(requester, serviceName, live);
  }
  return { live, liveLicense, problems: adoptionProblems(declared, facts) };
}

/** The add-ons OVH lists under a subscription; undefined when OVH does not have it. */
async function addonsOf(requester: OvhRequester, serviceName: string, subscriptionId: number): Promise<number[] | undefined> {
  try {
    return await csp2.listAddonsSubscriptionIds(requester, serviceName, subscriptionId);
  } catch (error) {
    if (error instanceof OvhApiError && error.isNotFound) return undefined;
    throw error;
  }
}

/**
 * The subscription OVH lists this one under as an add-on: OVH's subscription has no parent field, only each
 * subscription's add-on list tells (one read per subscription of the group in use that is not itself an add-on).
 */
export async function addonParentOf(requester: OvhRequester, serviceName: string, subscription: OfficeSubscription): Promise<number | undefined> {
  const addonLicenses = new Set((await orderableLicenses(requester, serviceName)).filter((l) => l.licenceType === "ADDON").map((l) => l.id));
  const bases = (await groupSubscriptions(requester, serviceName)).filter((s) => s.id !== subscription.id && !isTerminalStatus(s.status) && !addonLicenses.has(s.licenseId));
  return (await csp2.fetchAddonParents(requester, serviceName, bases.map((s) => s.id))).get(subscription.id);
}

/** The inputs of a Subscription as `check` sees them: any may be missing, or not known yet in a preview. */
interface CheckedInputs {
  serviceName?: unknown;
  subscriptionId?: unknown;
  license?: unknown;
  licenseId?: unknown;
  parentSubscriptionId?: unknown;
  seats?: unknown;
  maxSeatChange?: unknown;
}

/**
 * What `pulumi preview` tells of a subscription about to be adopted (a new resource, or another `subscriptionId`): the
 * adoption rules above, read from the group's listing (one list call per group, shared by the group's resources), and
 * the seat change adoption will make: refused past `maxSeatChange` or the licence's rules, else told as a progress
 * line (the dynamic provider's preview shows no detail). Inputs not known yet are left to `pulumi up`; so is everything
 * when OVH cannot be asked now (no credentials, no answer): a preview does not fail for what only `up` needs.
 */
export async function adoptionCheckFailures(requester: () => OvhRequester, olds: CheckedInputs, news: CheckedInputs): Promise<CheckFailure[]> {
  const { serviceName, subscriptionId, seats } = news;
  const known = (value: unknown) => value !== undefined && !isUnknown(value);
  if (typeof serviceName !== "string" || isUnknown(serviceName) || typeof subscriptionId !== "number" || olds.subscriptionId === subscriptionId) return [];
  if (known(news.license) && typeof news.license !== "string") return [];
  const declared: DeclaredAdoption = {
    serviceName,
    subscriptionId,
    ...(known(news.license) && { license: news.license as string }),
    ...(typeof news.licenseId === "number" && { licenseId: news.licenseId }),
    ...(news.parentSubscriptionId !== undefined && { parentSubscriptionId: typeof news.parentSubscriptionId === "number" ? news.parentSubscriptionId : "unknown" }),
  };
  try {
    const { live, liveLicense, problems } = await examineAdoption(requester(), declared, readSubscription);
    if (problems.length > 0 || !live || typeof seats !== "number" || live.quantity === seats) return problems;
    const guard = seatGuardProblem(live.quantity, seats, news.maxSeatChange);
    if (guard) return [{ property: "seats", reason: `adopting subscription ${subscriptionId}: ${guard}` }];
    if (liveLicense) csp2.checkSeatChange(liveLicense, live.quantity, seats);
    tell(subscriptionResourceId(serviceName, subscriptionId), `adopting it sets its seats ${live.quantity} => ${seats} ("${liveLicense?.name ?? `licence ${live.licenseId}`}")`);
    return [];
  } catch (error) {
    return error instanceof csp2.Csp2InputError ? [checkFailureOf(error)] : [];
  }
}
