/**
 * The simulated reseller account as plain JSON (times are epoch milliseconds), so it can be written to a
 * state file and shared by several simulator processes.
 */
export type LicenseType = "NON-SPECIFIC" | "ADDON";

export interface LicenseState {
  id: number;
  name: string;
  licenceType: LicenseType;
  /** Most seats a licence group may hold of this licence across its subscriptions; null when unlimited. */
  limit: number | null;
  newSeatsAllowed: boolean;
  newSubscriptionsAllowed: boolean;
  /** Add-on licences that can be ordered on a subscription of this licence. */
  addonIds: number[];
}

export type TenantStatus = "creating" | "inMaintenance" | "ok" | "reopening" | "suspended" | "suspending";

export interface TenantState {
  displayName: string;
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  address: string;
  city: string;
  zipCode: string;
  mpnId: string | null;
  mpnIssueFlag: string | null;
  status: TenantStatus;
  creationDate: number;
}

export interface SubscriptionState {
  id: number;
  licenseId: number;
  quantity: number;
  status: string;
  creationDate: number;
  lastUpdate: number | null;
  /** Creation or last seat increase: Microsoft allows decreases only for a while after it. */
  lastSeatIncrease: number;
  parentSubscriptionId: number | null;
  /** Set on a deleted subscription that stays visible (the `linger` variant): when it disappears. */
  lingersUntil?: number;
}

export type TaskFunction = "addSubscription" | "changeQuantity" | "deleteSubscription" | "orderAddon";
export type TaskStatus = "todo" | "doing" | "done" | "error" | "cancelled";
export type TaskOutcome = "done" | "error" | "cancelled";

export interface TaskState {
  id: number;
  function: TaskFunction;
  todoDate: number;
  /** When the task moves from `todo` to `doing`. */
  startDate: number;
  /** When the task ends; null for a task that never finishes (until the admin API finishes it). */
  endDate: number | null;
  outcome: TaskOutcome;
  /** Set once the task has ended (its effect applied when `done`). */
  finalStatus: TaskOutcome | null;
  /** The subscription the task changes (the parent for `orderAddon`); null for `addSubscription`. */
  subscriptionId: number | null;
  licenseId: number | null;
  quantity: number | null;
  /** The subscription a finished `addSubscription` / `orderAddon` created. */
  createdSubscriptionId: number | null;
}

export interface SeatEvent {
  at: number;
  subscriptionId: number;
  licenseId: number;
  quantity: number;
}

export interface ServiceState {
  serviceId: number;
  creation: number;
  expiration: number;
  displayName: string | null;
  renewMode: "automatic" | "manual";
  renewPeriod: string;
  renew: { automatic: boolean; deleteAtExpiration: boolean; forced: boolean; manualPayment: boolean | null; period: number | null };
  terminationPolicy: "empty" | "terminateAtEngagementDate" | "terminateAtExpirationDate";
  /** Token "e-mailed" by a termination request, to be confirmed. */
  terminationToken: string | null;
  terminatedAt: number | null;
}

export interface LicenseGroupState {
  serviceName: string;
  iamId: string;
  tenant: TenantState;
  service: ServiceState;
  licenseIds: number[];
  subscriptions: Record<string, SubscriptionState>;
  tasks: Record<string, TaskState>;
  /** Ids of tasks not ended yet, oldest first. */
  pendingTaskIds: number[];
  seatEvents: SeatEvent[];
  /** Subscriptions that reads show as they were before a task changed them (the `…LagMs` variants), by id. */
  laggedViews?: Record<string, LaggedView>;
  /** A group an order delivered is shown by reads only from then on (the `deliveredGroupLagMs` variant). */
  shownFrom?: number;
}

/** What reads show of a subscription until `until`: a copy of it from before the change, or nothing (a new one). */
export interface LaggedView {
  until: number;
  view: SubscriptionState | null;
}

export interface CartItemState {
  itemId: number;
  planCode: string;
  duration: string;
  pricingMode: string;
  quantity: number;
  configurations: { id: number; label: string; value: string }[];
}

export interface CartState {
  cartId: string;
  description: string;
  ovhSubsidiary: string;
  expire: number;
  assigned: boolean;
  readOnly: boolean;
  items: CartItemState[];
}

export interface OrderDetailState {
  orderDetailId: number;
  cartItemId: number;
  planCode: string;
  duration: string;
  pricingMode: string;
  quantity: number;
  configurations: { label: string; value: string }[];
  /** The licence group this detail delivers. */
  serviceName: string;
}

export interface OrderState {
  orderId: number;
  date: number;
  cartId: string;
  password: string;
  paidAt: number | null;
  deliveredAt: number | null;
  details: OrderDetailState[];
}

export interface SimulatorState {
  format: 1;
  nichandle: string;
  licences: LicenseState[];
  groups: Record<string, LicenseGroupState>;
  carts: Record<string, CartState>;
  orders: Record<string, OrderState>;
  nextIds: { subscription: number; task: number; service: number; order: number; orderDetail: number; cartItem: number; configuration: number };
  /** OAuth2 tokens issued before this time are refused (the admin API's "expire tokens"). */
  tokensValidAfter: number;
}

export function isTaskEnded(task: TaskState): boolean {
  return task.finalStatus !== null;
}

/** A deleted subscription still shown for a while: it counts for nothing and can no longer be changed. */
export function isLingering(subscription: SubscriptionState): boolean {
  return subscription.lingersUntil !== undefined;
}
