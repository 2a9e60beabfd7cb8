import type * as pulumi from "@pulumi/pulumi";
import type { PendingTask } from "../csp2";

/**
 * The LicenseGroup resource's inputs, outputs and nested types. They import nothing from the resource's other files,
 * which all import them; the resource file re-exports them.
 */

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
