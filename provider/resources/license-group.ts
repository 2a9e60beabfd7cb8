import * as pulumi from "@pulumi/pulumi";
import * as lifecycle from "./license-group-lifecycle";
import type { PendingTask } from "./pending-tasks";

/** How to order a new licence group through the OVH cart (used only when the group is created). */
export interface LicenseGroupOrder {
  /** OVH subsidiary of the account, e.g. "FR", "GB", "DE", "CA", "US". */
  ovhSubsidiary: string;
  /** The CSP2 plan code offered by the cart, as `GET /order/cart/{cartId}/csp2` lists it. */
  planCode: string;
  /** Billing duration, ISO 8601 (default "P1M"). */
  duration?: string;
  /** Pricing mode of the plan (default "default"). */
  pricingMode?: string;
  /** Extra cart item configurations the plan requires, as label/value pairs. */
  configurations?: { label: string; value: string }[];
  /** Pay with the account's default payment method (default true). False leaves the order waiting for payment. */
  autoPay?: boolean;
  /** How long to wait for OVH to deliver the group (default 60). */
  deliveryTimeoutMinutes?: number;
}

/** Tenant contact fields managed on the group (`PUT /saas/csp2/{serviceName}`). */
export interface LicenseGroupContact {
  firstName?: string;
  lastName?: string;
  email?: string;
  phone?: string;
  address?: string;
  city?: string;
  zipCode?: string;
}

export interface LicenseGroupArgs {
  /** Adopt this existing licence group. Either `serviceName` or `order`. Changing it replaces the resource. */
  serviceName?: pulumi.Input<string>;
  /** Order a new licence group instead of adopting one. */
  order?: pulumi.Input<LicenseGroupOrder>;
  /** The group's internal name, shown in the OVH control panel. */
  displayName?: pulumi.Input<string>;
  contact?: pulumi.Input<LicenseGroupContact>;
  /**
   * Default false: deleting the resource only forgets the group (it stays at OVH, still billed).
   * True: deleting it asks OVH to terminate the service (OVH e-mails a confirmation link).
   */
  terminateOnDelete?: pulumi.Input<boolean>;
}

export interface LicenseGroupInputs {
  serviceName?: string;
  order?: LicenseGroupOrder;
  displayName?: string;
  contact?: LicenseGroupContact;
  terminateOnDelete?: boolean;
}

export interface LicenseGroupServiceInfo {
  status: string;
  creation: string;
  expiration: string;
  renewalAutomatic: boolean;
  renewalPeriod: number | null;
  contactAdmin: string;
  contactBilling: string;
  contactTech: string;
}

/** The tenant as OVH has it now. */
export interface LicenseGroupTenant extends Required<LicenseGroupContact> {
  displayName: string;
  mpnId: string | null;
}

export interface LicenseGroupOutputs {
  serviceName: string;
  order?: LicenseGroupOrder;
  /** The OVH order id when the group was ordered by this resource. */
  orderId?: number;
  /** True when the group was adopted through `serviceName` rather than ordered by this resource. */
  adopted: boolean;
  /** The live display name, when declared. */
  displayName?: string;
  /** The live values of the declared contact fields. */
  contact?: LicenseGroupContact;
  terminateOnDelete?: boolean;
  tenant: LicenseGroupTenant;
  /** creating | inMaintenance | ok | reopening | suspended | suspending */
  status: string;
  creationDate: string;
  microsoftAdminPortalUrl: string;
  tutorialUrl: string;
  serviceInfo: LicenseGroupServiceInfo;
  pendingTasks: PendingTask[];
}

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
