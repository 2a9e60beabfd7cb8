import type * as pulumi from "@pulumi/pulumi";
import type { PendingTask } from "../csp2";
import type { BillingPeriod } from "./billing-period";
import type { SeatPrice } from "./seat-prices";

/**
 * The Subscription resource's inputs, outputs and nested types. They import nothing from the resource's other files,
 * which all import them; the resource file re-exports them.
 */

/** What a program declares for one subscription (one licence type, a number of seats) in a licence group. */
export interface SubscriptionArgs {
  /** The licence group (`saas/csp2` service name) the subscription belongs to. Changing it replaces the subscription. */
  serviceName: pulumi.Input<string>;
  /** The licence by name, as listed in the group's orderable licences (case and spacing do not matter). */
  license?: pulumi.Input<string>;
  /** The licence by OVH id, instead of `license`. Changing the licence replaces the subscription. */
  licenseId?: pulumi.Input<number>;
  /** Number of seats (whole number, at least 1, at most the licence's `limit`). */
  seats: pulumi.Input<number>;
  /** Order this licence as an add-on of that subscription (`orderAddon`). */
  parentSubscriptionId?: pulumi.Input<number>;
  /** Adopt this existing subscription instead of ordering a new one. */
  subscriptionId?: pulumi.Input<number>;
  /** Guard rail: the largest seat change (up or down) one run may make. Unset: no limit. */
  maxSeatChange?: pulumi.Input<number>;
  /** How long to wait for one OVH task before failing (the task goes on at OVH; a re-run picks it up). Default 30. */
  taskTimeoutMinutes?: pulumi.Input<number>;
  /** The monthly price of one seat, which a preview counts amounts with; needed by `maxMonthlyIncrease`. */
  seatPrice?: pulumi.Input<SeatPrice>;
  /**
   * Guard rail in money: the largest increase of the monthly bill (added seats × `seatPrice.monthly`, in its currency)
   * one run may make; an order counts from 0 seats. Unset: no limit.
   * @decimal
   */
  maxMonthlyIncrease?: pulumi.Input<number>;
}

/** The resolved inputs, as the provider receives them. */
export interface SubscriptionInputs {
  serviceName: string;
  license?: string;
  licenseId?: number;
  seats: number;
  parentSubscriptionId?: number;
  subscriptionId?: number;
  maxSeatChange?: number;
  taskTimeoutMinutes?: number;
  seatPrice?: SeatPrice;
  maxMonthlyIncrease?: number;
}

/**
 * An order sent to OVH (or that may have been sent) whose subscription did not show up before the run ended. The state
 * keeps it, so that no later run orders the licence again before the subscription could have shown.
 */
export interface PendingOrder {
  /** OVH's task for the order, when one was seen. */
  taskId?: number;
  /** When it was ordered, or first seen, by this machine's clock (ISO 8601). */
  orderedAt: string;
  /** The licence ordered. */
  licenseId: number;
  /** The seats ordered. */
  seats: number;
  /** The subscription the order is an add-on of. */
  parentSubscriptionId?: number;
  /** The group's subscriptions before the order: the one it brings is not among them. */
  subscriptionsBefore: number[];
}

/** Everything stored in state: the declared inputs plus the live subscription. */
export interface SubscriptionOutputs {
  /** The licence group the subscription belongs to. */
  serviceName: string;
  /** The licence name as declared (only when declared by name). */
  license?: string;
  /** The live licence id. */
  licenseId: number;
  /** The live licence name from the group's catalogue. */
  licenseName: string;
  /** The live seat count. */
  seats: number;
  /** The subscription this one is an add-on of, as declared. */
  parentSubscriptionId?: number;
  /** The live subscription id. */
  subscriptionId: number;
  /** True when the subscription was adopted through `subscriptionId` rather than ordered by this resource. */
  adopted: boolean;
  /** The guard rail, as declared: the largest seat change one run may make. */
  maxSeatChange?: number;
  /** How long to wait for one OVH task, as declared. */
  taskTimeoutMinutes?: number;
  /** The monthly price of one seat, as declared. */
  seatPrice?: SeatPrice;
  /**
   * The guard rail in money, as declared: the largest increase of the monthly bill one run may make.
   * @decimal
   */
  maxMonthlyIncrease?: number;
  /** The subscription's status at OVH (OVH does not publish its values; "ok" in use). */
  status: string;
  /** When the subscription was created. */
  creationDate: string;
  /** When the subscription last changed, if OVH says. */
  lastUpdate: string | null;
  /** OVH's pending task id on this subscription, 0 when none. */
  taskPendingId: number;
  /** OVH tasks on this subscription not finished yet. */
  pendingTasks: PendingTask[];
  /**
   * The group's current billing period and the peak of this licence in it so far, which OVH bills; left out when OVH
   * did not answer.
   */
  billingPeriod?: BillingPeriod;
  /**
   * An order whose subscription OVH did not show before the run ended: the resource's id is then a pending order's
   * (`<serviceName>/pending-order-<task id>`), and the next run takes the subscription once OVH shows it.
   */
  pendingOrder?: PendingOrder;
}

/** What the state holds while an order's subscription has not shown up at OVH: the declared inputs and the order. */
export type PendingOrderOutputs = Pick<
  SubscriptionOutputs,
  "serviceName" | "license" | "licenseId" | "licenseName" | "seats" | "parentSubscriptionId" | "maxSeatChange" | "taskTimeoutMinutes" | "seatPrice" | "maxMonthlyIncrease"
> & { adopted: false; pendingOrder: PendingOrder };

/** A Subscription's state: its live subscription, or an order that has not shown up yet. */
export type StoredSubscription = SubscriptionOutputs | PendingOrderOutputs;
