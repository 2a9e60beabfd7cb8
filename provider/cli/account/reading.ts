import {
  fetchAddonParents,
  fetchLicenseGroups,
  fetchOrderableLicenses,
  fetchPendingTasks,
  fetchSubscriptions,
  getBillingPeriodPeaks,
  getTenant,
  type Csp2ServiceStateEnum,
  type OfficeLicence,
  type OfficeSubscription,
  type OfficeTenantWithIAM,
  type PendingTask,
} from "../../csp2";
import type { OvhRequester } from "../../ovh/types";
import { inParallel } from "../../parallel";
import { isTerminalStatus } from "../../resources/subscription-rules";
import { checkServiceName, countReporter, onLicenseGroup, readsReporter } from "../commands/command-support";
import type { CliWriter } from "../commands/output";

/**
 * The licence groups of an account with their subscriptions, as the account-wide commands (`subscriptions`, `export`)
 * read them: per group its tenant, one listing each of its subscriptions and its catalogue (which names each licence
 * and says which are add-ons), its tasks in progress when asked, and for a group holding add-ons each base
 * subscription's add-on list (OVH's subscription has no parent field).
 */

export interface AccountSubscription {
  id: number;
  licenseId: number;
  /** Null when OVH names the licence nowhere: not in the group's catalogue, and no seats this billing period. */
  licenseName: string | null;
  /** The group's catalogue entry of the licence; null when the catalogue does not list it (OVH stopped offering it). */
  license: OfficeLicence | null;
  seats: number;
  status: string;
  /** The task changing the subscription now, or null. */
  taskPendingId: number | null;
  /** The subscription OVH lists this one under as an add-on; null for a subscription on its own. */
  parentSubscriptionId: number | null;
}

export interface AccountGroup {
  serviceName: string;
  displayName: string;
  status: Csp2ServiceStateEnum;
  /** Sorted by id, deleted ones OVH still lists included. */
  subscriptions: AccountSubscription[];
  /** Its tasks still todo or doing, when they were asked for; empty otherwise. */
  pendingTasks: PendingTask[];
}

export interface AccountReading {
  /** No group was named: every group of the account was read. */
  wholeAccount: boolean;
  /** Sorted by serviceName. */
  groups: AccountGroup[];
}

export interface ReadAccountOptions {
  /** Also read each group's tasks in progress (one filtered listing, or every task where OVH cannot filter them). */
  pendingTasks?: boolean;
}

/** Groups read at once: enough to keep the client's requests in flight, few enough for progress to move steadily. */
const groupsAtOnce = 8;

/**
 * Checks every name first (nothing is sent for a bad one), then reads the named groups, or every group of the account
 * when none is named. A named group that does not exist fails with `UnknownLicenseGroupError`.
 */
export async function readAccount(requester: OvhRequester, writer: CliWriter, serviceNames: readonly string[], options: ReadAccountOptions = {}): Promise<AccountReading> {
  for (const serviceName of serviceNames) checkServiceName(serviceName);
  const wholeAccount = serviceNames.length === 0;
  const tenants: (OfficeTenantWithIAM | string)[] = wholeAccount
    ? await fetchLicenseGroups(requester, { onListed: readsReporter(writer, "licence groups") })
    : [...new Set(serviceNames)].sort();
  const groupRead = countReporter(writer, tenants.length, `${tenants.length} licence groups`);
  const groups = await inParallel(tenants, groupsAtOnce, async (tenant) => {
    const group = await readGroup(requester, tenant, options);
    groupRead();
    return group;
  });
  return { wholeAccount, groups };
}

async function readGroup(requester: OvhRequester, known: OfficeTenantWithIAM | string, options: ReadAccountOptions): Promise<AccountGroup> {
  const serviceName = typeof known === "string" ? known : known.serviceName;
  const tenant = typeof known === "string" ? await onLicenseGroup(serviceName, () => getTenant(requester, serviceName)) : known;
  const [subscriptions, catalogue, pendingTasks] = await onLicenseGroup(serviceName, () =>
    Promise.all([
      fetchSubscriptions(requester, serviceName),
      fetchOrderableLicenses(requester, serviceName),
      options.pendingTasks ? fetchPendingTasks(requester, serviceName, { recentLimit: Number.POSITIVE_INFINITY }) : [],
    ]),
  );
  const licenses = new Map(catalogue.map((license) => [license.id, license]));
  const [parents, unlistedNames] = await Promise.all([addonParents(requester, serviceName, subscriptions, licenses), namesOfUnlisted(requester, serviceName, subscriptions, licenses)]);
  return {
    serviceName,
    displayName: tenant.displayName,
    status: tenant.status,
    subscriptions: subscriptions.map((subscription) => {
      const license = licenses.get(subscription.licenseId) ?? null;
      return {
        id: subscription.id,
        licenseId: subscription.licenseId,
        licenseName: license?.name ?? unlistedNames.get(subscription.licenseId) ?? null,
        license,
        seats: subscription.quantity,
        status: subscription.status,
        taskPendingId: subscription.taskPendingId > 0 ? subscription.taskPendingId : null,
        parentSubscriptionId: parents.get(subscription.id) ?? null,
      };
    }),
    pendingTasks,
  };
}

/**
 * Each add-on's parent, by add-on id: asked only of a group holding a subscription that is, or may be, an add-on (its
 * licence an add-on, or not in the catalogue), one add-on list per subscription in use that may be a base.
 */
function addonParents(requester: OvhRequester, serviceName: string, subscriptions: OfficeSubscription[], licenses: Map<number, OfficeLicence>): Promise<Map<number, number>> {
  const inUse = subscriptions.filter((subscription) => !isTerminalStatus(subscription.status));
  const typeOf = (subscription: OfficeSubscription) => licenses.get(subscription.licenseId)?.licenceType;
  if (!inUse.some((subscription) => typeOf(subscription) !== "NON-SPECIFIC")) return Promise.resolve(new Map());
  const bases = inUse.filter((subscription) => typeOf(subscription) !== "ADDON").map((subscription) => subscription.id);
  return fetchAddonParents(requester, serviceName, bases);
}

/** Names of licences the catalogue does not list, from the billing figures (one call, only when there are some). */
async function namesOfUnlisted(requester: OvhRequester, serviceName: string, subscriptions: OfficeSubscription[], licenses: Map<number, OfficeLicence>): Promise<Map<number, string>> {
  if (subscriptions.every((subscription) => licenses.has(subscription.licenseId))) return new Map();
  const peaks = await onLicenseGroup(serviceName, () => getBillingPeriodPeaks(requester, serviceName));
  return new Map(peaks.lines.map((line) => [line.licenceId, line.licenceName]));
}
