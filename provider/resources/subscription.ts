import * as pulumi from "@pulumi/pulumi";
import type { PendingTask } from "../csp2";
import * as lifecycle from "./subscription-lifecycle";
import type { BillingPeriod } from "./billing-period";
import type { SeatPrice } from "./seat-prices";
import type { PendingOrder, SubscriptionArgs } from "./subscription-types";

export type { PendingOrder, SubscriptionArgs, SubscriptionInputs, SubscriptionOutputs } from "./subscription-types";
export type { BillingPeriod } from "./billing-period";
export type { SeatPrice } from "./seat-prices";

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
  declare readonly seatPrice: pulumi.Output<SeatPrice | undefined>;
  declare readonly maxMonthlyIncrease: pulumi.Output<number | undefined>;
  declare readonly status: pulumi.Output<string>;
  declare readonly creationDate: pulumi.Output<string>;
  declare readonly lastUpdate: pulumi.Output<string | null>;
  declare readonly taskPendingId: pulumi.Output<number>;
  declare readonly pendingTasks: pulumi.Output<PendingTask[]>;
  /** The group's current billing period and this licence's peak in it so far (what OVH bills). */
  declare readonly billingPeriod: pulumi.Output<BillingPeriod | undefined>;
  /** An order whose subscription OVH did not show before the run ended; the next run takes it as soon as it shows. */
  declare readonly pendingOrder: pulumi.Output<PendingOrder | undefined>;

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
  seatPrice: undefined,
  maxMonthlyIncrease: undefined,
  adopted: undefined,
  status: undefined,
  creationDate: undefined,
  lastUpdate: undefined,
  taskPendingId: undefined,
  pendingTasks: undefined,
  billingPeriod: undefined,
  pendingOrder: undefined,
};
