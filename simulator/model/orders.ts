import { createHash, randomBytes, randomUUID } from "crypto";
import { badRequest, forbidden, objectNotFound } from "../ovh-errors";
import { DAY_MS, formatDatetime, formatNullableDatetime } from "../time";
import type { Account } from "./account";
import { CSP2_PLANS, type PlanDefinition, type PlanPrice } from "./catalogue";
import { addLicenceGroup } from "./groups";
import type { CartItemState, CartState, OrderState, SimulatorState } from "./state";

/** The cart and order flow that buys a new licence group, and `/me/order` to follow it. */
const ZERO_EUR = { currencyCode: "EUR", priceInUcents: 0, text: "0.00 €", value: 0 };

function planByCode(planCode: string): PlanDefinition | undefined {
  return CSP2_PLANS.find((p) => p.planCode === planCode);
}

function cartOf(account: Account, cartId: string): CartState {
  const cart = account.state.carts[cartId];
  if (!cart || cart.expire <= account.now()) throw objectNotFound("cartId", cartId);
  return cart;
}

function writableCart(account: Account, cartId: string): CartState {
  const cart = cartOf(account, cartId);
  if (cart.readOnly) throw forbidden(`Cart ${cartId} has been checked out and is read-only: create a new cart`);
  return cart;
}

function itemOf(cart: CartState, itemId: number): CartItemState {
  const item = cart.items.find((i) => i.itemId === itemId);
  if (!item) throw objectNotFound("itemId", itemId);
  return item;
}

export function cartView(cart: CartState): Record<string, unknown> {
  return {
    cartId: cart.cartId,
    description: cart.description,
    expire: formatDatetime(cart.expire),
    items: cart.items.map((i) => i.itemId),
    readOnly: cart.readOnly,
  };
}

export function createCart(account: Account, body: { ovhSubsidiary: string; description?: string; expire?: string }): Record<string, unknown> {
  const now = account.now();
  const expire = body.expire === undefined ? now + DAY_MS : Date.parse(body.expire);
  if (expire <= now) throw badRequest(`[expire] ${body.expire} is in the past: give a future date or leave it out`);
  const cart: CartState = {
    cartId: randomUUID(),
    description: body.description ?? "",
    ovhSubsidiary: body.ovhSubsidiary,
    expire,
    assigned: false,
    readOnly: false,
    items: [],
  };
  account.state.carts[cart.cartId] = cart;
  account.markChanged();
  return cartView(cart);
}

export function listCarts(account: Account, description: string | undefined): string[] {
  const now = account.now();
  return Object.values(account.state.carts)
    .filter((c) => c.assigned && c.expire > now && (description === undefined || c.description === description))
    .map((c) => c.cartId);
}

export function getCart(account: Account, cartId: string): Record<string, unknown> {
  return cartView(cartOf(account, cartId));
}

export function updateCart(account: Account, cartId: string, body: { description?: string; expire?: string }): Record<string, unknown> {
  const cart = writableCart(account, cartId);
  if (body.description !== undefined) cart.description = body.description;
  if (body.expire !== undefined) {
    const expire = Date.parse(body.expire);
    if (expire <= account.now()) throw badRequest(`[expire] ${body.expire} is in the past: give a future date`);
    cart.expire = expire;
  }
  account.markChanged();
  return cartView(cart);
}

export function deleteCart(account: Account, cartId: string): void {
  cartOf(account, cartId);
  delete account.state.carts[cartId];
  account.markChanged();
}

export function assignCart(account: Account, cartId: string): void {
  const cart = cartOf(account, cartId);
  cart.assigned = true;
  account.markChanged();
}

function priceView(price: PlanPrice): Record<string, unknown> {
  return {
    capacities: price.capacities,
    description: price.description,
    duration: price.duration,
    interval: price.interval,
    maximumQuantity: 1,
    maximumRepeat: 1,
    minimumQuantity: 1,
    minimumRepeat: 1,
    price: ZERO_EUR,
    priceInUcents: 0,
    pricingMode: price.pricingMode,
    pricingType: "rental",
  };
}

export function productDefinitions(account: Account, cartId: string): Record<string, unknown>[] {
  cartOf(account, cartId);
  return CSP2_PLANS.map((plan) => ({
    planCode: plan.planCode,
    prices: plan.prices.map(priceView),
    productName: plan.productName,
    productType: "saas_license",
  }));
}

function knownPlan(planCode: string): PlanDefinition {
  const plan = planByCode(planCode);
  if (!plan) {
    throw badRequest(`[planCode] Plan ${planCode} is not available for product csp2 (available: ${CSP2_PLANS.map((p) => p.planCode).join(", ")})`);
  }
  return plan;
}

function checkPricing(plan: PlanDefinition, duration: string, pricingMode: string): void {
  if (!plan.prices.some((p) => p.duration === duration && p.pricingMode === pricingMode)) {
    throw badRequest(
      `Duration ${duration} with pricing mode ${pricingMode} is not available for plan ${plan.planCode} (available: ${plan.prices
        .map((p) => `${p.duration}/${p.pricingMode}`)
        .join(", ")})`,
    );
  }
}

function checkItemQuantity(plan: PlanDefinition, quantity: number): void {
  if (quantity < 1 || quantity > plan.maximumQuantity) {
    throw badRequest(`[quantity] ${quantity} is out of range for plan ${plan.planCode}: order between 1 and ${plan.maximumQuantity}`);
  }
}

function itemView(cart: CartState, item: CartItemState): Record<string, unknown> {
  return {
    cartId: cart.cartId,
    configurations: item.configurations.map((c) => c.id),
    duration: item.duration,
    itemId: item.itemId,
    offerId: null,
    options: [],
    parentItemId: null,
    prices: [
      { label: "PRICE", price: ZERO_EUR, promotions: null },
      { label: "TOTAL", price: ZERO_EUR, promotions: null },
    ],
    productId: "csp2",
    settings: { planCode: item.planCode, pricingMode: item.pricingMode, quantity: item.quantity },
  };
}

export function addCsp2Item(
  account: Account,
  cartId: string,
  body: { planCode: string; duration: string; pricingMode: string; quantity: number },
): Record<string, unknown> {
  const cart = writableCart(account, cartId);
  const plan = knownPlan(body.planCode);
  checkPricing(plan, body.duration, body.pricingMode);
  checkItemQuantity(plan, body.quantity);
  const item: CartItemState = {
    itemId: account.state.nextIds.cartItem++,
    planCode: plan.planCode,
    duration: body.duration,
    pricingMode: body.pricingMode,
    quantity: body.quantity,
    configurations: [],
  };
  cart.items.push(item);
  account.markChanged();
  return itemView(cart, item);
}

export function csp2Options(account: Account, cartId: string, planCode: string): Record<string, unknown>[] {
  cartOf(account, cartId);
  knownPlan(planCode);
  return [];
}

export function addCsp2Option(account: Account, cartId: string, body: { planCode: string; itemId: number }): never {
  const cart = writableCart(account, cartId);
  const item = itemOf(cart, body.itemId);
  throw badRequest(`[planCode] Option ${body.planCode} is not available for plan ${item.planCode}: this plan has no options`);
}

export function itemIds(account: Account, cartId: string): number[] {
  return cartOf(account, cartId).items.map((i) => i.itemId);
}

export function getItem(account: Account, cartId: string, itemId: number): Record<string, unknown> {
  const cart = cartOf(account, cartId);
  return itemView(cart, itemOf(cart, itemId));
}

export function updateItem(account: Account, cartId: string, itemId: number, body: { duration?: string; quantity?: number }): Record<string, unknown> {
  const cart = writableCart(account, cartId);
  const item = itemOf(cart, itemId);
  const plan = knownPlan(item.planCode);
  if (body.duration !== undefined) {
    checkPricing(plan, body.duration, item.pricingMode);
    item.duration = body.duration;
  }
  if (body.quantity !== undefined) {
    checkItemQuantity(plan, body.quantity);
    item.quantity = body.quantity;
  }
  account.markChanged();
  return itemView(cart, item);
}

export function deleteItem(account: Account, cartId: string, itemId: number): void {
  const cart = writableCart(account, cartId);
  itemOf(cart, itemId);
  cart.items = cart.items.filter((i) => i.itemId !== itemId);
  account.markChanged();
}

export function configurationIds(account: Account, cartId: string, itemId: number, label: string | undefined): number[] {
  const item = itemOf(cartOf(account, cartId), itemId);
  return item.configurations.filter((c) => label === undefined || c.label === label).map((c) => c.id);
}

export function addConfiguration(account: Account, cartId: string, itemId: number, body: { label: string; value: string }): Record<string, unknown> {
  const item = itemOf(writableCart(account, cartId), itemId);
  if (body.label.trim() === "") throw badRequest("[label] must not be empty");
  const configuration = { id: account.state.nextIds.configuration++, label: body.label, value: body.value };
  item.configurations.push(configuration);
  account.markChanged();
  return { ...configuration };
}

export function getConfiguration(account: Account, cartId: string, itemId: number, configurationId: number): Record<string, unknown> {
  const configuration = itemOf(cartOf(account, cartId), itemId).configurations.find((c) => c.id === configurationId);
  if (!configuration) throw objectNotFound("configurationId", configurationId);
  return { ...configuration };
}

export function deleteConfiguration(account: Account, cartId: string, itemId: number, configurationId: number): void {
  const item = itemOf(writableCart(account, cartId), itemId);
  if (!item.configurations.some((c) => c.id === configurationId)) throw objectNotFound("configurationId", configurationId);
  item.configurations = item.configurations.filter((c) => c.id !== configurationId);
  account.markChanged();
}

/**
 * What the item needs before checkout, as `order.cart.ConfigurationRequirements`. OVH does not publish the labels a
 * csp2 item requires, so by default it requires none.
 */
export function requiredConfigurations(account: Account, cartId: string, itemId: number): Record<string, unknown>[] {
  itemOf(cartOf(account, cartId), itemId);
  return [];
}

function assignedCart(account: Account, cartId: string): CartState {
  const cart = cartOf(account, cartId);
  if (!cart.assigned) throw forbidden(`Cart ${cartId} is not assigned to your account: call POST /order/cart/${cartId}/assign first`);
  return cart;
}

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

/** Delivers paid orders whose time has come: their licence groups start to exist. */
export function deliverDueOrders(account: Account, now: number): boolean {
  let delivered = false;
  for (const order of Object.values(account.state.orders)) {
    if (order.deliveredAt !== null || order.paidAt === null || now - order.paidAt < account.settings.orderDurationMs) continue;
    order.deliveredAt = order.paidAt + account.settings.orderDurationMs;
    for (const detail of order.details) {
      if (!account.state.groups[detail.serviceName]) addLicenceGroup(account.state, detail.serviceName, {}, order.deliveredAt);
    }
    delivered = true;
  }
  return delivered;
}
