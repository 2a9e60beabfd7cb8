import type * as pulumi from "@pulumi/pulumi";
import { LicenseGroup } from "./license-group";
import type { LicenseFile, LicenseGroupDeclaration, SubscriptionDeclaration } from "./license-file-parsing";
import { Subscription } from "./subscription";

/** The resources of a parsed licence file: a LicenseGroup per group, a Subscription per licence and add-on. */

export interface DeclareLicensesOptions {
  /** Parent of every LicenseGroup, e.g. a component resource per customer. */
  parent?: pulumi.Resource;
  /**
   * Protect every resource. Removing an entry from the file then fails the update instead of deleting the
   * subscription; unprotect it (`pulumi state unprotect`) to delete it on purpose.
   */
  protect?: boolean;
}

export interface DeclaredSubscription {
  declaration: SubscriptionDeclaration;
  subscription: Subscription;
}

export interface DeclaredLicenseGroup {
  declaration: LicenseGroupDeclaration;
  group: LicenseGroup;
  /** In the order of `declaration.subscriptions`. */
  subscriptions: DeclaredSubscription[];
}

/** Registers a LicenseGroup per group of the file and a Subscription per licence and add-on. */
export function declareLicenses(file: LicenseFile, options: DeclareLicensesOptions = {}): DeclaredLicenseGroup[] {
  return file.groups.map((group) => declareLicenseGroup(group, options));
}

/**
 * Registers one group: the LicenseGroup (adopted by its serviceName), then its subscriptions as its children, each
 * depending on it so the group is read first; an add-on is a child of the subscription it extends and gets that
 * subscription's id as `parentSubscriptionId`: the id the file adopts it by, known to `pulumi preview` (which then
 * checks that the add-on belongs to it), else the id it gets once ordered.
 */
export function declareLicenseGroup(declaration: LicenseGroupDeclaration, options: DeclareLicensesOptions = {}): DeclaredLicenseGroup {
  const { serviceName } = declaration;
  // Checked before anything is registered: a declaration built in code may not come from parseLicenseFile.
  const declaredBases = new Set<string>();
  for (const entry of declaration.subscriptions) {
    if (entry.addonOf === undefined) {
      declaredBases.add(entry.license);
    } else if (!declaredBases.has(entry.addonOf)) {
      throw new Error(
        `${entry.resourceName}: addonOf "${entry.addonOf}" is not a licence declared before it in group ${serviceName}: ` +
          "list the licence it extends first, with the same name",
      );
    }
  }
  const group = new LicenseGroup(
    serviceName,
    { serviceName, ...(declaration.displayName !== undefined && { displayName: declaration.displayName }) },
    { parent: options.parent, protect: options.protect },
  );
  const bases = new Map<string, DeclaredSubscription>();
  const subscriptions = declaration.subscriptions.map((entry): DeclaredSubscription => {
    const base = entry.addonOf === undefined ? undefined : bases.get(entry.addonOf);
    const parent = base?.subscription ?? group;
    const subscription = new Subscription(
      entry.resourceName,
      {
        serviceName,
        license: entry.license,
        seats: entry.seats,
        ...(base !== undefined && { parentSubscriptionId: base.declaration.subscriptionId ?? base.subscription.subscriptionId }),
        ...(entry.subscriptionId !== undefined && { subscriptionId: entry.subscriptionId }),
        ...(entry.maxSeatChange !== undefined && { maxSeatChange: entry.maxSeatChange }),
        ...(entry.taskTimeoutMinutes !== undefined && { taskTimeoutMinutes: entry.taskTimeoutMinutes }),
        ...(entry.seatPrice !== undefined && { seatPrice: entry.seatPrice }),
        ...(entry.maxMonthlyIncrease !== undefined && { maxMonthlyIncrease: entry.maxMonthlyIncrease }),
      },
      { parent, dependsOn: [parent], protect: options.protect },
    );
    const declared = { declaration: entry, subscription };
    if (entry.addonOf === undefined) bases.set(entry.license, declared);
    return declared;
  });
  return { declaration, group, subscriptions };
}
