import { licenseGroupToken, providerToken, subscriptionToken } from "../../native/tokens";
import { slugOf } from "../../resources/license-file-parsing";
import { subscriptionResourceId } from "../../resources/subscription-rules";
import { plannedSubscriptions, type ExportPlan, type PlannedGroup, type PlannedSubscription } from "./export-plan";

/**
 * The export as Pulumi's bulk import file, for `pulumi import --file <file>` with the native provider plugin: a
 * LicenseGroup per group (id: its serviceName) and a Subscription per subscription (id: `<serviceName>/<id>`), under
 * readable logical names that stay the same from one export to the next. The plugin's import reads each one and
 * declares it as a program would (an add-on with its parent's id), so the code Pulumi generates adopts it as it is.
 */

/** One resource to import, with the keys `pulumi import --file` reads (those this export needs). */
export interface PulumiImportResource {
  type: string;
  name: string;
  id: string;
  /** A key of `nameTable`: the explicit provider the resource is imported with. */
  provider?: string;
}

/** What `pulumi import --file` reads: `nameTable` maps the names resources refer to onto URNs in the stack. */
export interface PulumiImportFile {
  nameTable?: Record<string, string>;
  resources: PulumiImportResource[];
}

/** An explicit provider resource, already in the stack, that every resource is imported with. */
export interface ImportProvider {
  /** Its logical name (`new ovhoffice365.Provider("<name>", …)`). */
  name: string;
  /** The stack's name (`dev`) and the project's (`Pulumi.yaml`'s `name`): its URN is built from them. */
  stack: string;
  project: string;
}

/** The URN of the provider resource: how the import file's `nameTable` points at it. */
export function providerUrn(provider: ImportProvider): string {
  return `urn:pulumi:${provider.stack}::${provider.project}::${providerToken}::${provider.name}`;
}

export function pulumiImportFile(plan: ExportPlan, provider?: ImportProvider): PulumiImportFile {
  const names = logicalNames(plan.groups);
  const withProvider = (resource: PulumiImportResource): PulumiImportResource => (provider ? { ...resource, provider: provider.name } : resource);
  const resources = plan.groups.flatMap((group) => [
    withProvider({ type: licenseGroupToken, name: names.get(group) as string, id: group.serviceName }),
    ...plannedSubscriptions(group).map((subscription) =>
      withProvider({ type: subscriptionToken, name: names.get(subscription) as string, id: subscriptionResourceId(subscription.serviceName, subscription.subscriptionId) }),
    ),
  ]);
  return { ...(provider && { nameTable: { [provider.name]: providerUrn(provider) } }), resources };
}

/**
 * A logical name per group and subscription: the group's display name (else its serviceName), then the licence, and
 * for an add-on its parent's licence before its own, each lower-case with "-" between words ("acme-corp",
 * "acme-corp-microsoft-365-business-basic"). Two groups of one display name are told apart by their serviceName, and
 * any name still taken gets a number, so that every name is unique.
 */
export function logicalNames(groups: readonly PlannedGroup[]): Map<PlannedGroup | PlannedSubscription, string> {
  const names = new Map<PlannedGroup | PlannedSubscription, string>();
  const taken = new Set<string>();
  const claim = (item: PlannedGroup | PlannedSubscription, wanted: string) => {
    let name = wanted;
    for (let suffix = 2; taken.has(name); suffix++) name = `${wanted}-${suffix}`;
    taken.add(name);
    names.set(item, name);
    return name;
  };
  const base = (group: PlannedGroup) => nameSlug(group.displayName ?? "") || nameSlug(group.serviceName);
  const shared = new Set(groups.map(base).filter((name, index, all) => all.indexOf(name) !== index));
  for (const group of groups) {
    const groupName = claim(group, shared.has(base(group)) ? `${base(group)}-${nameSlug(group.serviceName)}` : base(group));
    for (const subscription of group.subscriptions) {
      const subscriptionName = claim(subscription, `${groupName}-${nameSlug(subscription.license)}`);
      for (const addon of subscription.addons) claim(addon, `${subscriptionName}-${nameSlug(addon.license)}`);
    }
  }
  return names;
}

/** A licence file's resource-name slug, accents dropped, so that the names Pulumi generates code from are plain. */
function nameSlug(text: string): string {
  return slugOf(text.normalize("NFKD").replace(/\p{M}/gu, ""));
}
