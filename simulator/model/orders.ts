/**
 * Checkout, which turns a cart into an order, and `/me/order` to follow and pay it until its licence groups are
 * delivered. The cart routes live in carts.ts; their names are exported here too.
 */
import { createHash, randomBytes } from "crypto";
import { badRequest, forbidden, objectNotFound } from "../ovh-errors";
import { DAY_MS, formatDatetime, formatNullableDatetime } from "../time";
import type { Account } from "./account";
import { assignedCart, refuseIncompleteItems } from "./carts";
import { planByCode, ZERO_EUR } from "./catalogue";
import { addLicenseGroup, type TenantFields } from "./groups";
import type { CartState, OrderState, SimulatorState } from "./state";

function checkoutView(cart: CartState, orderId: number | null, password: string | null): Record<string, unknown> {
  return {
    contracts: [
      {
        content: "Conditions particulières du service Office 365 Reseller (CSP2).",
        name: "Conditions particulières Office 365 Reseller",
        url: "https://www.ovh.com/fr/support/documents_legaux/conditions_particulieres_office365_reseller.pdf",
      },
    ],
    details: cart.items.map((item) => ({
      cartItemID: item.itemId,
      description: `${planByCode(item.planCode)?.productName ?? item.planCode} (${item.duration})`,
      detailType: "DURATION",
      domain: "*",
      originalTotalPrice: ZERO_EUR,
      quantity: item.quantity,
      reductionTotalPrice: ZERO_EUR,
      reductions: [],
      totalPrice: ZERO_EUR,
      unitPrice: ZERO_EUR,
    })),
    orderId,
    prices: { originalWithoutTax: ZERO_EUR, reduction: ZERO_EUR, tax: ZERO_EUR, withTax: ZERO_EUR, withoutTax: ZERO_EUR },
    url: orderId === null ? null : `https://www.ovh.com/cgi-bin/order/display-order.cgi?orderId=${orderId}&orderPassword=${password}`,
  };
}

export function previewCheckout(account: Account, cartId: string): Record<string, unknown> {
  const cart = assignedCart(account, cartId);
  refuseIncompleteItems(account, cart);
  return checkoutView(cart, null, null);
}

/** A serviceName for a new licence group, derived from the order so it is stable across simulator processes. */
function newServiceName(state: SimulatorState, orderId: number, index: number): string {
  for (let attempt = 0; ; attempt++) {
    const name = `csp2-${createHash("sha256").update(`${orderId}:${index}:${attempt}`).digest("hex").slice(0, 8)}`;
    if (!state.groups[name]) return name;
  }
}

export function checkout(account: Account, cartId: string, body: { autoPayWithPreferredPaymentMethod?: boolean; waiveRetractationPeriod?: boolean }): Record<string, unknown> {
  const cart = assignedCart(account, cartId);
  if (cart.readOnly) throw forbidden(`Cart ${cartId} has already been checked out: create a new cart`);
  if (cart.items.length === 0) throw badRequest(`Cart ${cartId} is empty: add an item with POST /order/cart/${cartId}/csp2 first`);
  refuseIncompleteItems(account, cart);
  const now = account.now();
  const orderId = account.state.nextIds.order++;
  const order: OrderState = {
    orderId,
    date: now,
    cartId,
    password: randomBytes(4).toString("hex"),
    paidAt: body.autoPayWithPreferredPaymentMethod ? now : null,
    deliveredAt: null,
    details: cart.items.map((item, index) => ({
      orderDetailId: account.state.nextIds.orderDetail++,
      cartItemId: item.itemId,
      planCode: item.planCode,
      duration: item.duration,
      pricingMode: item.pricingMode,
      quantity: item.quantity,
      configurations: item.configurations.map((c) => ({ label: c.label, value: c.value })),
      serviceName: newServiceName(account.state, orderId, index),
    })),
  };
  account.state.orders[orderId] = order;
  cart.readOnly = true;
  account.markChanged();
  return checkoutView(cart, orderId, order.password);
}

function orderOf(account: Account, orderId: number): OrderState {
  const order = account.state.orders[orderId];
  if (!order) throw objectNotFound("orderId", orderId);
  return order;
}

export function orderIds(account: Account, from: string | undefined, to: string | undefined): number[] {
  const fromMs = from === undefined ? -Infinity : Date.parse(from);
  const toMs = to === undefined ? Infinity : Date.parse(to);
  return Object.values(account.state.orders)
    .filter((o) => o.date >= fromMs && o.date <= toMs)
    .map((o) => o.orderId)
    .sort((a, b) => a - b);
}

export function orderView(account: Account, orderId: number): Record<string, unknown> {
  const order = orderOf(account, orderId);
  return {
    date: formatDatetime(order.date),
    expirationDate: formatDatetime(order.date + 14 * DAY_MS),
    orderId: order.orderId,
    password: order.password,
    pdfUrl: `https://www.ovh.com/cgi-bin/order/bill.cgi?reference=${order.orderId}&passwd=${order.password}`,
    priceWithTax: ZERO_EUR,
    priceWithoutTax: ZERO_EUR,
    retractionDate: formatNullableDatetime(order.paidAt === null ? null : order.paidAt + 14 * DAY_MS),
    tax: ZERO_EUR,
    url: `https://www.ovh.com/cgi-bin/order/display-order.cgi?orderId=${order.orderId}&orderPassword=${order.password}`,
  };
}

export function orderStatus(account: Account, orderId: number): string {
  const order = orderOf(account, orderId);
  if (order.deliveredAt !== null) return "delivered";
  if (order.paidAt === null) return "notPaid";
  return account.now() - order.paidAt < account.settings.orderDurationMs / 3 ? "checking" : "delivering";
}

export function payOrder(account: Account, orderId: number): void {
  const order = orderOf(account, orderId);
  if (order.paidAt !== null) throw badRequest(`Order ${orderId} is already paid`);
  order.paidAt = account.now();
  account.markChanged();
}

export function associatedObject(account: Account, orderId: number): Record<string, unknown> {
  const order = orderOf(account, orderId);
  return order.paidAt === null ? { id: null, type: null } : { id: `FR${order.orderId}`, type: "Bill" };
}

export function orderDetailIds(account: Account, orderId: number): number[] {
  return orderOf(account, orderId).details.map((d) => d.orderDetailId);
}

function detailOf(account: Account, orderId: number, orderDetailId: number) {
  const order = orderOf(account, orderId);
  const detail = order.details.find((d) => d.orderDetailId === orderDetailId);
  if (!detail) throw objectNotFound("orderDetailId", orderDetailId);
  return { order, detail };
}

export function orderDetailView(account: Account, orderId: number, orderDetailId: number): Record<string, unknown> {
  const { order, detail } = detailOf(account, orderId, orderDetailId);
  return {
    cancelled: false,
    description: `${planByCode(detail.planCode)?.productName ?? detail.planCode} (${detail.duration})`,
    detailType: "DURATION",
    // OVH shows a placeholder until the service exists.
    domain: order.deliveredAt === null ? "*001" : detail.serviceName,
    orderDetailId: detail.orderDetailId,
    quantity: String(detail.quantity),
    totalPrice: ZERO_EUR,
    unitPrice: ZERO_EUR,
  };
}

export function orderDetailExtension(account: Account, orderId: number, orderDetailId: number): Record<string, unknown> {
  const { detail } = detailOf(account, orderId, orderDetailId);
  return {
    order: {
      action: "installation",
      configurations: detail.configurations.map((c) => ({ ...c })),
      plan: { code: detail.planCode, duration: detail.duration, pricingMode: detail.pricingMode, product: { name: "csp2" }, quantity: detail.quantity },
      type: "plan",
    },
  };
}

/** The tenant fields an order's (invented) configurations give the new licence group. */
export function tenantFromConfigurations(configurations: readonly { label: string; value: string }[]): Partial<TenantFields> {
  const valueOf = (label: string) => configurations.find((c) => c.label === label && c.value.trim() !== "")?.value;
  const mpnId = valueOf("mpn_id");
  const displayName = valueOf("tenant_display_name");
  return { ...(mpnId === undefined ? {} : { mpnId }), ...(displayName === undefined ? {} : { displayName }) };
}

/** Delivers paid orders whose time has come: their licence groups start to exist. */
export function deliverDueOrders(account: Account): void {
  const now = account.now();
  for (const order of Object.values(account.state.orders)) {
    if (order.deliveredAt !== null || order.paidAt === null || now - order.paidAt < account.settings.orderDurationMs) continue;
    order.deliveredAt = order.paidAt + account.settings.orderDurationMs;
    for (const detail of order.details) {
      if (account.state.groups[detail.serviceName]) continue;
      const group = addLicenseGroup(account.state, detail.serviceName, tenantFromConfigurations(detail.configurations), order.deliveredAt);
      if (account.settings.deliveredGroupLagMs > 0) group.shownFrom = order.deliveredAt + account.settings.deliveredGroupLagMs;
    }
    account.markChanged();
  }
}
