import type { OvhRequester } from "../ovh/types";
import { call } from "./call";
import {
  addCsp2Item,
  addItemConfiguration,
  assignCart,
  checkoutCart,
  createCart,
  deleteCart,
  getCheckout,
  getRequiredConfiguration,
  listCsp2Offers,
} from "./cart";
import { Csp2Error, Csp2InputError, OrderFailedError, OrderTimeoutError } from "./errors";
import {
  OvhSubsidiaryEnumValues,
  type AssociatedObject,
  type BillingOrder,
  type ConfigurationRequirements,
  type BillingOrderDetail,
  type GenericProductDefinition,
  type ItemDetail,
  type OrderOrder,
  type OrderStatusEnum,
  type OvhOperations,
  type OvhSubsidiaryEnum,
  type ReusablePaymentMeanEnum,
} from "./models";
import { pollUntil, type PollingOptions } from "./polling";

export type OrderListQuery = NonNullable<OvhOperations["GET /me/order"]["query"]>;

/** Ids of the account's orders, optionally within `date.from` / `date.to` (ISO 8601). */
export function listOrders(requester: OvhRequester, query: OrderListQuery = {}): Promise<number[]> {
  return call(requester, "GET /me/order", { query });
}

export function getOrder(requester: OvhRequester, orderId: number): Promise<BillingOrder> {
  return call(requester, "GET /me/order/{orderId}", { path: { orderId } });
}

export function getOrderAssociatedObject(requester: OvhRequester, orderId: number): Promise<AssociatedObject> {
  return call(requester, "GET /me/order/{orderId}/associatedObject", { path: { orderId } });
}

export function getOrderStatus(requester: OvhRequester, orderId: number): Promise<OrderStatusEnum> {
  return call(requester, "GET /me/order/{orderId}/status", { path: { orderId } });
}

/** Ids of the order's details (its lines). */
export function listOrderDetails(requester: OvhRequester, orderId: number): Promise<number[]> {
  return call(requester, "GET /me/order/{orderId}/details", { path: { orderId } });
}

/** One line of an order; `domain` is the service it delivered. */
export function getOrderDetail(requester: OvhRequester, orderId: number, orderDetailId: number): Promise<BillingOrderDetail> {
  return call(requester, "GET /me/order/{orderId}/details/{orderDetailId}", { path: { orderId, orderDetailId } });
}

/** The plan (code, duration, pricing mode) a line of an order was for. */
export function getOrderDetailExtension(requester: OvhRequester, orderId: number, orderDetailId: number): Promise<ItemDetail> {
  return call(requester, "GET /me/order/{orderId}/details/{orderDetailId}/extension", { path: { orderId, orderDetailId } });
}

export function payWithRegisteredPaymentMean(
  requester: OvhRequester,
  orderId: number,
  payment: { paymentMean: ReusablePaymentMeanEnum; paymentMeanId?: number },
): Promise<void> {
  return call(requester, "POST /me/order/{orderId}/payWithRegisteredPaymentMean", { path: { orderId }, body: payment });
}

/** What to order for a new licence group. Plan codes are not public: take them from `listCsp2Offers`. */
export interface LicenseGroupOrder {
  /** OVH subsidiary billing the order, e.g. `FR` (any case). */
  ovhSubsidiary: string;
  planCode: string;
  /** ISO 8601 duration, e.g. `P1M`. */
  duration: string;
  /** e.g. `default`. */
  pricingMode: string;
  /** Item configurations the offer requires, sent as given. */
  configurations?: ReadonlyArray<{ label: string; value: string }>;
  /** Pay with the account's preferred payment method at checkout. Without it only a free order gets paid. */
  autoPay: boolean;
  /** Cart description, e.g. a mark to find the cart again after an interrupted run. */
  description?: string;
}

const isoDuration = /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$/;

/** The order with its subsidiary in upper case; throws `Csp2InputError` naming the first bad field. Calls nothing. */
export function validateLicenseGroupOrder(order: LicenseGroupOrder): LicenseGroupOrder & { ovhSubsidiary: OvhSubsidiaryEnum } {
  const subsidiary = typeof order.ovhSubsidiary === "string" ? order.ovhSubsidiary.trim().toUpperCase() : "";
  if (!(OvhSubsidiaryEnumValues as readonly string[]).includes(subsidiary)) {
    throw new Csp2InputError("ovhSubsidiary", order.ovhSubsidiary, "is not an OVH subsidiary", `use one of ${OvhSubsidiaryEnumValues.join(", ")}`);
  }
  for (const field of ["planCode", "pricingMode"] as const) {
    if (typeof order[field] !== "string" || order[field].trim() === "") {
      throw new Csp2InputError(field, order[field], "is empty", "give the value listed by the cart's CSP2 offers (GET /order/cart/{cartId}/csp2)");
    }
  }
  if (typeof order.duration !== "string" || !isoDuration.test(order.duration)) {
    throw new Csp2InputError("duration", order.duration, "is not an ISO 8601 duration", "write it like P1M (one month) or P1Y (one year)");
  }
  for (const [index, configuration] of (order.configurations ?? []).entries()) {
    if (typeof configuration?.label !== "string" || configuration.label.trim() === "") {
      throw new Csp2InputError(`configurations[${index}].label`, configuration?.label, "is not a configuration label", "give the label the offer expects");
    }
    // The value is not echoed: a configuration may carry something private.
    if (typeof configuration.value !== "string") {
      throw new Csp2InputError(`configurations[${index}].value`, typeof configuration.value, "is not a string", "give the value as a string");
    }
  }
  if (typeof order.autoPay !== "boolean") {
    throw new Csp2InputError("autoPay", order.autoPay, "is not a boolean", "give true to pay with the preferred payment method, false to pay yourself");
  }
  return { ...order, ovhSubsidiary: subsidiary as OvhSubsidiaryEnum };
}

/** Throws unless the offers hold the plan with this duration and pricing mode, listing what they do hold. */
function checkOffered(offers: GenericProductDefinition[], order: LicenseGroupOrder): void {
  const offer = offers.find((candidate) => candidate.planCode === order.planCode);
  if (!offer) {
    const codes = offers.map((candidate) => candidate.planCode).sort();
    throw new Csp2InputError(
      "planCode",
      order.planCode,
      `is not a CSP2 offer of subsidiary ${order.ovhSubsidiary}`,
      codes.length > 0 ? `use one of ${codes.join(", ")}` : "this subsidiary offers no CSP2 plan: check ovhSubsidiary",
    );
  }
  if (!offer.prices.some((price) => price.duration === order.duration && price.pricingMode === order.pricingMode)) {
    const pairs = [...new Set(offer.prices.map((price) => `${price.duration}/${price.pricingMode}`))].sort();
    throw new Csp2InputError(
      "duration",
      `${order.duration}/${order.pricingMode}`,
      `(duration/pricingMode) is not a pricing of plan ${order.planCode}`,
      `use one of ${pairs.join(", ")}`,
    );
  }
}

/**
 * Throws before checkout, naming every configuration the cart item requires and the order does not set (the labels
 * for CSP2 are not public: OVH lists them per item).
 */
export function checkRequiredConfigurations(required: ConfigurationRequirements[], order: LicenseGroupOrder): void {
  const given = new Set((order.configurations ?? []).map((configuration) => configuration.label));
  const missing = required.filter((requirement) => requirement.required && !given.has(requirement.label));
  if (missing.length === 0) return;
  const described = missing.map((requirement) => {
    const allowed = requirement.allowedValues?.length ? `, one of ${requirement.allowedValues.join(", ")}` : "";
    return `"${requirement.label}" (${requirement.type}${allowed})`;
  });
  throw new Csp2InputError(
    "configurations",
    [...given],
    `lack what plan ${order.planCode} requires: ${described.join(", ")}`,
    `add each as {label, value}; nothing was ordered and the cart was deleted`,
  );
}

/**
 * Orders a new licence group through the cart and returns the order id: create cart, assign it, check the plan
 * against the offers, add the CSP2 item and its configurations, preview, checkout, pay (preferred payment method
 * when `autoPay`, else the fidelity account for a free order). A cart that fails before checkout is deleted.
 * Follow with `waitForOrderDelivery`.
 */
export async function orderLicenseGroup(
  requester: OvhRequester,
  order: LicenseGroupOrder,
  onProgress: (message: string) => void = () => undefined,
): Promise<number> {
  const wanted = validateLicenseGroupOrder(order);
  const cart = await createCart(requester, { ovhSubsidiary: wanted.ovhSubsidiary, description: wanted.description });
  onProgress(`cart ${cart.cartId} created (subsidiary ${wanted.ovhSubsidiary})`);
  let preview: OrderOrder;
  try {
    await assignCart(requester, cart.cartId);
    checkOffered(await listCsp2Offers(requester, cart.cartId), wanted);
    const item = await addCsp2Item(requester, cart.cartId, {
      planCode: wanted.planCode,
      duration: wanted.duration,
      pricingMode: wanted.pricingMode,
      quantity: 1,
    });
    onProgress(`plan ${wanted.planCode} (${wanted.duration}, ${wanted.pricingMode}) added as item ${item.itemId}`);
    checkRequiredConfigurations(await getRequiredConfiguration(requester, cart.cartId, item.itemId), wanted);
    for (const { label, value } of wanted.configurations ?? []) {
      await addItemConfiguration(requester, cart.cartId, item.itemId, { label, value });
      onProgress(`configuration ${label} set`);
    }
    preview = await getCheckout(requester, cart.cartId);
  } catch (error) {
    // The cart is useless now; OVH would expire it anyway, so a failed clean-up must not hide the real error.
    await deleteCart(requester, cart.cartId).catch(() => undefined);
    throw error;
  }
  const price = preview.prices.withoutTax;
  onProgress(`checking out: ${price.text} without tax`);
  const placed = await checkoutCart(requester, cart.cartId, { autoPayWithPreferredPaymentMethod: wanted.autoPay, waiveRetractationPeriod: false });
  if (placed.orderId === null) {
    throw new Csp2Error(`OVH checked out cart ${cart.cartId} without an order id: look for the order in the OVH control panel before ordering again.`);
  }
  if (wanted.autoPay) {
    onProgress(`order ${placed.orderId} placed, paid with the preferred payment method`);
  } else if (price.value === 0) {
    await payWithRegisteredPaymentMean(requester, placed.orderId, { paymentMean: "fidelityAccount" });
    onProgress(`order ${placed.orderId} placed, free: validated with the fidelity account`);
  } else {
    onProgress(`order ${placed.orderId} placed and waiting for payment${placed.url ? `: ${placed.url}` : ""}`);
  }
  return placed.orderId;
}

/** Reported after every poll of an order's status. */
export interface OrderProgress {
  orderId: number;
  status: OrderStatusEnum;
  elapsedMs: number;
  polls: number;
}

export interface WaitForOrderOptions extends PollingOptions {
  /** Default 30 minutes. */
  timeoutMs?: number;
  /** The ordered plan: picks the right line when a delivered order names several services. */
  planCode?: string;
  onProgress?: (progress: OrderProgress) => void;
}

export const defaultOrderTimeoutMs = 30 * 60 * 1000;

/** Statuses after which an order will not be delivered without a person acting. */
const orderDeadEnds: Partial<Record<OrderStatusEnum, string>> = {
  cancelled: "it was cancelled: order again if the licence group is still wanted.",
  cancelling: "it is being cancelled: order again if the licence group is still wanted.",
  documentsRequested:
    "OVH asks for documents before delivering it: send them from the OVH control panel; once the order is delivered, " +
    "adopt the licence group by its serviceName.",
};

/**
 * Polls the order's status until `delivered`, then returns the serviceName of the licence group it delivered
 * (the `domain` of its details). Throws `OrderFailedError` for a cancelled order or one waiting for documents, or
 * delivered without a recognisable service, `OrderTimeoutError` after `timeoutMs`.
 */
export async function waitForOrderDelivery(requester: OvhRequester, orderId: number, options: WaitForOrderOptions = {}): Promise<string> {
  await waitForOrderDelivered(requester, orderId, options);
  const serviceName = await deliveredServiceName(requester, orderId, options.planCode);
  if (serviceName === undefined) throw new OrderFailedError(orderId, "delivered", noServiceNamed);
  return serviceName;
}

/** The explanation of an order delivered whose details name no service. */
export const noServiceNamed =
  "it is delivered but none of its details names a service: find the new licence group with `GET /saas/csp2` and adopt it by serviceName.";

/**
 * Polls the order's status until `delivered`. Throws `OrderFailedError` for a cancelled order or one waiting for
 * documents, `OrderTimeoutError` after `timeoutMs`.
 */
export async function waitForOrderDelivered(requester: OvhRequester, orderId: number, options: WaitForOrderOptions = {}): Promise<void> {
  let last: OrderStatusEnum = "unknown";
  await pollUntil(
    async ({ polls, elapsedMs }) => {
      const status = await getOrderStatus(requester, orderId);
      last = status;
      options.onProgress?.({ orderId, status, elapsedMs, polls });
      const deadEnd = orderDeadEnds[status];
      if (deadEnd) throw new OrderFailedError(orderId, status, deadEnd);
      return status === "delivered" ? status : undefined;
    },
    ({ elapsedMs }) => new OrderTimeoutError(orderId, last, elapsedMs, options.timeoutMs ?? defaultOrderTimeoutMs),
    options,
    defaultOrderTimeoutMs,
  );
}

// The simulator, like OVH's own order details, names an undelivered service "*001".
const notAServiceName = (domain: string) => domain === "" || domain.startsWith("*");

/**
 * The serviceName of the licence group a delivered order brought (the `domain` of its details), or undefined while no
 * detail names one (OVH may fill them in after the status says delivered). Throws `OrderFailedError` when its
 * details name several services and the plan code does not tell which.
 */
export async function deliveredServiceName(requester: OvhRequester, orderId: number, planCode: string | undefined): Promise<string | undefined> {
  const ids = await listOrderDetails(requester, orderId);
  const details = await Promise.all(ids.map((id) => getOrderDetail(requester, orderId, id)));
  let candidates = details.filter((detail) => !detail.cancelled && !notAServiceName(detail.domain.trim()));
  if (new Set(candidates.map((detail) => detail.domain)).size > 1 && planCode !== undefined) {
    const extensions = await Promise.all(candidates.map((detail) => getOrderDetailExtension(requester, orderId, detail.orderDetailId)));
    candidates = candidates.filter((_, index) => extensions[index].order.plan.code === planCode);
  }
  const names = [...new Set(candidates.map((detail) => detail.domain))];
  if (names.length <= 1) return names[0];
  throw new OrderFailedError(orderId, "delivered", `it is delivered but its details name several services (${names.join(", ")}): adopt the licence group by serviceName.`);
}
