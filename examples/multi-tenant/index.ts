import * as pulumi from "@pulumi/pulumi";
import {
  declareLicenseGroup,
  loadLicenseFile,
  type LicenseGroupDeclaration,
  type SubscriptionDeclaration,
} from "pulumi-ovh-office365";

/** What `pulumi stack output customerSummaries` shows for one customer. */
interface CustomerSummary {
  displayName: string;
  status: string;
  licences: Record<string, number>;
  totalSeats: number;
  maxSeatChange: number | null;
  taskTimeoutMinutes: number | null;
  microsoftAdminPortalUrl: string;
}

/**
 * One customer tenant: its licence group and subscriptions under one component, so `pulumi preview` groups each
 * customer's changes together. The component's name is the serviceName, which never changes.
 */
class Customer extends pulumi.ComponentResource {
  readonly serviceName: string;
  readonly summary: pulumi.Output<CustomerSummary>;

  constructor(declaration: LicenseGroupDeclaration, opts?: pulumi.ComponentResourceOptions) {
    super("ovh-office365-examples:multi-tenant:Customer", declaration.serviceName, {}, opts);
    this.serviceName = declaration.serviceName;
    const { group, subscriptions } = declareLicenseGroup(declaration, { parent: this });

    const licences = pulumi
      .all(subscriptions.map(({ declaration: entry, subscription }) => pulumi.all([labelOf(entry), subscription.seats])))
      .apply((pairs) => pairs.map(([license, seats]) => ({ license, seats })));
    this.summary = pulumi
      .all([group.status, group.microsoftAdminPortalUrl, licences])
      .apply(([status, microsoftAdminPortalUrl, seatsByLicence]) => ({
        displayName: declaration.displayName ?? declaration.serviceName,
        status,
        licences: Object.fromEntries(seatsByLicence.map(({ license, seats }) => [license, seats])),
        totalSeats: seatsByLicence.reduce((total, { seats }) => total + seats, 0),
        maxSeatChange: declaration.maxSeatChange ?? null,
        taskTimeoutMinutes: declaration.taskTimeoutMinutes ?? null,
        microsoftAdminPortalUrl,
      }));
    this.registerOutputs({ summary: this.summary });
  }
}

/** An add-on is shown with the licence it extends: the same add-on may extend two licences of one customer. */
function labelOf(entry: SubscriptionDeclaration): string {
  return entry.addonOf === undefined ? entry.license : `${entry.addonOf} + ${entry.license}`;
}

const config = new pulumi.Config();
const customers = loadLicenseFile(config.require("customersFile")).groups.map((group) => new Customer(group));

/** Per customer (by serviceName): live status, seats per licence, total seats and the guard rails in force. */
export const customerSummaries = pulumi
  .all(customers.map((customer) => customer.summary))
  .apply((summaries) => Object.fromEntries(summaries.map((summary, index) => [customers[index].serviceName, summary])));
/** Seats across every customer. */
export const totalSeats = customerSummaries.apply((summaries) =>
  Object.values(summaries).reduce((total, summary) => total + summary.totalSeats, 0),
);
