import type * as pulumi from "@pulumi/pulumi";
import type { PendingTask } from "../csp2";

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
}

/** Everything stored in state: the declared inputs plus the live subscription. */
export interface SubscriptionOutputs {
  serviceName: string;
  /** The licence name as declared (only when declared by name). */
  license?: string;
  /** The live licence id. */
  licenseId: number;
  /** The live licence name from the group's catalogue. */
  licenseName: string;
  /** The live seat count. */
  seats: number;
  parentSubscriptionId?: number;
  /** The live subscription id. */
  subscriptionId: number;
  /** True when the subscription was adopted through `subscriptionId` rather than ordered by this resource. */
  adopted: boolean;
  maxSeatChange?: number;
  taskTimeoutMinutes?: number;
  status: string;
  creationDate: string;
  lastUpdate: string | null;
  /** OVH's pending task id on this subscription, 0 when none. */
  taskPendingId: number;
  pendingTasks: PendingTask[];
}
