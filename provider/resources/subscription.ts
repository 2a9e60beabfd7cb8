import * as pulumi from "@pulumi/pulumi";
import * as lifecycle from "./subscription-lifecycle";
import type { PendingTask } from "./pending-tasks";

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

/**
 * The dynamic provider. Each method is a one-line delegate: the serialized provider stored in state is then a small
 * `require(...)` of this package, so fixes reach existing stacks and no credential is ever captured.
 */
export const subscriptionProvider: pulumi.dynamic.ResourceProvider = {
  configure: (req) => lifecycle.configure(req),
  check: (olds, news) => lifecycle.check(olds, news),
  diff: (id, olds, news) => lifecycle.diff(id, olds, news),
  create: (inputs) => lifecycle.create(inputs),
  read: (id, props) => lifecycle.read(id, props),
  update: (id, olds, news) => lifecycle.update(id, olds, news),
  delete: (id, props) => lifecycle.remove(id, props),
};

/** A Microsoft 365 subscription (licence type + seats) in an OVH Office 365 reseller licence group. */
export class Subscription extends pulumi.dynamic.Resource {
  declare readonly serviceName: pulumi.Output<string>;
  declare readonly license: pulumi.Output<string | undefined>;
  declare readonly licenseId: pulumi.Output<number>;
  declare readonly licenseName: pulumi.Output<string>;
  declare readonly seats: pulumi.Output<number>;
  declare readonly parentSubscriptionId: pulumi.Output<number | undefined>;
  declare readonly subscriptionId: pulumi.Output<number>;
  declare readonly adopted: pulumi.Output<boolean>;
  declare readonly maxSeatChange: pulumi.Output<number | undefined>;
  declare readonly taskTimeoutMinutes: pulumi.Output<number | undefined>;
  declare readonly status: pulumi.Output<string>;
  declare readonly creationDate: pulumi.Output<string>;
  declare readonly lastUpdate: pulumi.Output<string | null>;
  declare readonly taskPendingId: pulumi.Output<number>;
  declare readonly pendingTasks: pulumi.Output<PendingTask[]>;

  constructor(name: string, args: SubscriptionArgs, opts?: pulumi.CustomResourceOptions) {
    super(subscriptionProvider, name, { ...outputPlaceholders, ...args }, opts, "ovh-office365", "Subscription");
  }
}

// Output properties must be present (as undefined) in the registered inputs to appear on the resource object.
const outputPlaceholders = {
  serviceName: undefined,
  license: undefined,
  licenseId: undefined,
  licenseName: undefined,
  seats: undefined,
  parentSubscriptionId: undefined,
  subscriptionId: undefined,
  maxSeatChange: undefined,
  taskTimeoutMinutes: undefined,
  adopted: undefined,
  status: undefined,
  creationDate: undefined,
  lastUpdate: undefined,
  taskPendingId: undefined,
  pendingTasks: undefined,
};
