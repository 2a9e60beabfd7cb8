import * as pulumi from "@pulumi/pulumi";
import type { PendingTask } from "../csp2";
import * as lifecycle from "./license-group-lifecycle";
import type { LicenseGroupOrder, LicenseGroupContact, LicenseGroupArgs, LicenseGroupServiceInfo, LicenseGroupTenant } from "./license-group-types";

export type { LicenseGroupOrder, LicenseGroupContact, LicenseGroupArgs, LicenseGroupInputs, LicenseGroupServiceInfo, LicenseGroupTenant, LicenseGroupOutputs } from "./license-group-types";

/** The dynamic provider: one-line delegates, so the serialized provider is a small `require(...)` of this package. */
export const licenseGroupProvider: pulumi.dynamic.ResourceProvider = {
  configure: (req) => lifecycle.configure(req),
  check: (olds, news) => lifecycle.check(olds, news),
  diff: (id, olds, news) => lifecycle.diff(id, olds, news),
  create: (inputs) => lifecycle.create(inputs),
  read: (id, props) => lifecycle.read(id, props),
  update: (id, olds, news) => lifecycle.update(id, olds, news),
  delete: (id, props) => lifecycle.remove(id, props),
};

/** An OVH Office 365 reseller licence group (`saas/csp2` service): one per customer tenant. */
export class LicenseGroup extends pulumi.dynamic.Resource {
  declare readonly serviceName: pulumi.Output<string>;
  declare readonly order: pulumi.Output<LicenseGroupOrder | undefined>;
  declare readonly orderId: pulumi.Output<number | undefined>;
  declare readonly adopted: pulumi.Output<boolean>;
  declare readonly displayName: pulumi.Output<string | undefined>;
  declare readonly contact: pulumi.Output<LicenseGroupContact | undefined>;
  declare readonly terminateOnDelete: pulumi.Output<boolean | undefined>;
  declare readonly tenant: pulumi.Output<LicenseGroupTenant>;
  declare readonly status: pulumi.Output<string>;
  declare readonly creationDate: pulumi.Output<string>;
  declare readonly microsoftAdminPortalUrl: pulumi.Output<string>;
  declare readonly tutorialUrl: pulumi.Output<string>;
  declare readonly serviceInfo: pulumi.Output<LicenseGroupServiceInfo>;
  declare readonly pendingTasks: pulumi.Output<PendingTask[]>;

  constructor(name: string, args: LicenseGroupArgs, opts?: pulumi.CustomResourceOptions) {
    super(licenseGroupProvider, name, { ...outputPlaceholders, ...args }, opts, "ovh-office365", "LicenseGroup");
  }
}

// Output properties must be present (as undefined) in the registered inputs to appear on the resource object.
const outputPlaceholders = {
  serviceName: undefined,
  order: undefined,
  orderId: undefined,
  adopted: undefined,
  displayName: undefined,
  contact: undefined,
  terminateOnDelete: undefined,
  tenant: undefined,
  status: undefined,
  creationDate: undefined,
  microsoftAdminPortalUrl: undefined,
  tutorialUrl: undefined,
  serviceInfo: undefined,
  pendingTasks: undefined,
};
