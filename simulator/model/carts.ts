/** The order cart (`/order/cart`): carts, their csp2 items and the items' configurations, up to checkout. */
import { randomUUID } from "crypto";
import { badRequest, forbidden, objectNotFound } from "../ovh-errors";
import { DAY_MS, formatDatetime } from "../time";
import type { Account } from "./account";
import { CSP2_PLANS, planByCode, ZERO_EUR, type PlanDefinition, type PlanPrice } from "./catalogue";
import type { CartItemState, CartState } from "./state";

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

export interface CartConfigurationRequirement {
  label: string;
  type: string;
  required: boolean;
  fields: string[] | null;
  allowedValues: string[] | null;
}

/**
 * What a csp2 item requires under the `groupOrderConfigurations: "required"` variant. OVH does not publish the
 * csp2 labels (its guide says an order needs an MPN ID and the new tenant's domain): these are invented.
 */
const CSP2_CONFIGURATION_REQUIREMENTS: readonly CartConfigurationRequirement[] = [
  { label: "mpn_id", type: "string", required: true, fields: null, allowedValues: null },
  { label: "tenant_domain", type: "string", required: true, fields: null, allowedValues: null },
  { label: "tenant_display_name", type: "string", required: false, fields: null, allowedValues: null },
];

function configurationRequirements(account: Account): readonly CartConfigurationRequirement[] {
  return account.settings.groupOrderConfigurations === "required" ? CSP2_CONFIGURATION_REQUIREMENTS : [];
}

export function requiredConfigurations(account: Account, cartId: string, itemId: number): Record<string, unknown>[] {
  itemOf(cartOf(account, cartId), itemId);
  return configurationRequirements(account).map((r) => ({ ...r }));
}

/** Labels an item still needs: required ones without a configuration holding a value. */
export function missingConfigurationLabels(requirements: readonly CartConfigurationRequirement[], item: CartItemState): string[] {
  return requirements
    .filter((r) => r.required && !item.configurations.some((c) => c.label === r.label && c.value.trim() !== ""))
    .map((r) => r.label);
}

/** Refuses a checkout while an item lacks a required configuration, naming each. */
export function refuseIncompleteItems(account: Account, cart: CartState): void {
  const requirements = configurationRequirements(account);
  const gaps = cart.items
    .map((item) => ({ item, missing: missingConfigurationLabels(requirements, item) }))
    .filter(({ missing }) => missing.length > 0);
  if (gaps.length === 0) return;
  const described = gaps.map(({ item, missing }) => `item ${item.itemId} misses ${missing.join(", ")}`).join("; ");
  throw badRequest(
    `Cart ${cart.cartId} lacks required configurations (${described}): add each with POST /order/cart/${cart.cartId}/item/{itemId}/configuration {label, value}; GET /order/cart/${cart.cartId}/item/{itemId}/requiredConfiguration lists them`,
  );
}

/** A cart that may be checked out: assigned to the account. */
export function assignedCart(account: Account, cartId: string): CartState {
  const cart = cartOf(account, cartId);
  if (!cart.assigned) throw forbidden(`Cart ${cartId} is not assigned to your account: call POST /order/cart/${cartId}/assign first`);
  return cart;
}
