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
  configurations?: LicenseGroupOrderConfiguration[];
  /** Pay with the account's default payment method (default true). False leaves the order waiting for payment. */
  autoPay?: boolean;
  /** How long to wait for OVH to deliver the group (default 60). */
  deliveryTimeoutMinutes?: number;
}

/** One configuration of the cart item, as `GET /order/cart/{cartId}/item/{itemId}/requiredConfiguration` names it. */
export interface LicenseGroupOrderConfiguration {
  /** The configuration's label. */
  label: string;
  /** Its value. */
  value: string;
}

/** Tenant contact fields managed on the group (`PUT /saas/csp2/{serviceName}`). */
export interface LicenseGroupContact {
  /** The contact's first name. */
  firstName?: string;
  /** The contact's last name. */
  lastName?: string;
  /** The contact's e-mail address. */
  email?: string;
  /** The contact's phone number, such as "+33.123456789". */
  phone?: string;
  /** The contact's street address. */
  address?: string;
  /** The contact's city. */
  city?: string;
  /** The contact's postal code. */
  zipCode?: string;
}

/** What a program declares for one licence group (one customer tenant). */
export interface LicenseGroupArgs {
  /** Adopt this existing licence group. Either `serviceName` or `order`. Changing it replaces the resource. */
  serviceName?: pulumi.Input<string>;
  /** Order a new licence group instead of adopting one. */
  order?: pulumi.Input<LicenseGroupOrder>;
  /** The group's internal name, shown in the OVH control panel. */
  displayName?: pulumi.Input<string>;
  /** Tenant contact fields to manage on the group; fields left out are left as they are. */
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

/** The OVH service behind the group (`/saas/csp2/{serviceName}/serviceInfos`). */
export interface LicenseGroupServiceInfo {
  /** The service's status at OVH. */
  status: string;
  /** When the service was created (date). */
  creation: string;
  /** When the service expires unless renewed (date). */
  expiration: string;
  /** Whether OVH renews the service automatically. */
  renewalAutomatic: boolean;
  /** The renewal period in months, when renewed automatically. */
  renewalPeriod: number | null;
  /** The account (NIC handle) that administers the service. */
  contactAdmin: string;
  /** The account billed for the service. */
  contactBilling: string;
  /** The technical contact account. */
  contactTech: string;
}

/** The tenant as OVH has it now. */
export interface LicenseGroupTenant extends Required<LicenseGroupContact> {
  /** The group's internal name. */
  displayName: string;
  /** The tenant's Microsoft Partner Network id, when set. */
  mpnId: string | null;
}

/** Everything stored in state: the declared inputs plus the live group. */
export interface LicenseGroupOutputs {
  /** The group's service name. */
  serviceName: string;
  /** The order the group was created with, when it was ordered. */
  order?: LicenseGroupOrder;
  /** The OVH order id when the group was ordered by this resource. */
  orderId?: number;
  /** True when the group was adopted through `serviceName` rather than ordered by this resource. */
  adopted: boolean;
  /** The live display name, when declared. */
  displayName?: string;
  /** The live values of the declared contact fields. */
  contact?: LicenseGroupContact;
  /** Whether deleting the resource terminates the group at OVH (when the stack allows it). */
  terminateOnDelete?: boolean;
  /** The tenant as OVH has it now. */
  tenant: LicenseGroupTenant;
  /** The group's status: creating, inMaintenance, ok, reopening, suspended or suspending. */
  status: string;
  /** When the group was created. */
  creationDate: string;
  /** The Microsoft 365 admin portal, where the tenant's users and licences are assigned. */
  microsoftAdminPortalUrl: string;
  /** Microsoft's training and tutorials. */
  tutorialUrl: string;
  /** The OVH service behind the group: expiration, renewal, contacts. */
  serviceInfo: LicenseGroupServiceInfo;
  /** OVH tasks of the group not finished yet. */
  pendingTasks: PendingTask[];
}
