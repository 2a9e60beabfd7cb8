import type { OvhRequester } from "../ovh/types";
import { call } from "./call";
import type {
  Cart,
  Checkout,
  ConfigurationItem,
  ConfigurationRequirements,
  Creation,
  GenericOptionCreation,
  GenericOptionDefinition,
  GenericProductCreation,
  GenericProductDefinition,
  Item,
  ItemConfigurationCreation,
  ItemUpdate,
  OrderOrder,
  Update,
} from "./models";

/** Ids of the account's carts, optionally only those with this description. */
export function listCarts(requester: OvhRequester, query: { description?: string } = {}): Promise<string[]> {
  return call(requester, "GET /order/cart", { query });
}

export function createCart(requester: OvhRequester, cart: Creation): Promise<Cart> {
  return call(requester, "POST /order/cart", { body: cart });
}

export function getCart(requester: OvhRequester, cartId: string): Promise<Cart> {
  return call(requester, "GET /order/cart/{cartId}", { path: { cartId } });
}

export function updateCart(requester: OvhRequester, cartId: string, changes: Update): Promise<Cart> {
  return call(requester, "PUT /order/cart/{cartId}", { path: { cartId }, body: changes });
}

export function deleteCart(requester: OvhRequester, cartId: string): Promise<void> {
  return call(requester, "DELETE /order/cart/{cartId}", { path: { cartId } });
}

/** Attaches the cart to the authenticated account, which checkout requires. */
export function assignCart(requester: OvhRequester, cartId: string): Promise<void> {
  return call(requester, "POST /order/cart/{cartId}/assign", { path: { cartId } });
}

/** The CSP2 offers of the cart's subsidiary: plan codes with their durations and pricing modes. */
export function listCsp2Offers(requester: OvhRequester, cartId: string): Promise<GenericProductDefinition[]> {
  return call(requester, "GET /order/cart/{cartId}/csp2", { path: { cartId } });
}

export function addCsp2Item(requester: OvhRequester, cartId: string, item: GenericProductCreation): Promise<Item> {
  return call(requester, "POST /order/cart/{cartId}/csp2", { path: { cartId }, body: item });
}

export function listCsp2Options(requester: OvhRequester, cartId: string, planCode: string): Promise<GenericOptionDefinition[]> {
  return call(requester, "GET /order/cart/{cartId}/csp2/options", { path: { cartId }, query: { planCode } });
}

export function addCsp2Option(requester: OvhRequester, cartId: string, option: GenericOptionCreation): Promise<Item> {
  return call(requester, "POST /order/cart/{cartId}/csp2/options", { path: { cartId }, body: option });
}

/** Ids of the cart's items. */
export function listCartItems(requester: OvhRequester, cartId: string): Promise<number[]> {
  return call(requester, "GET /order/cart/{cartId}/item", { path: { cartId } });
}

export function getCartItem(requester: OvhRequester, cartId: string, itemId: number): Promise<Item> {
  return call(requester, "GET /order/cart/{cartId}/item/{itemId}", { path: { cartId, itemId } });
}

export function updateCartItem(requester: OvhRequester, cartId: string, itemId: number, changes: ItemUpdate): Promise<Item> {
  return call(requester, "PUT /order/cart/{cartId}/item/{itemId}", { path: { cartId, itemId }, body: changes });
}

export function deleteCartItem(requester: OvhRequester, cartId: string, itemId: number): Promise<void> {
  return call(requester, "DELETE /order/cart/{cartId}/item/{itemId}", { path: { cartId, itemId } });
}

/** Ids of an item's configurations, optionally only those with this label. */
export function listItemConfigurations(requester: OvhRequester, cartId: string, itemId: number, query: { label?: string } = {}): Promise<number[]> {
  return call(requester, "GET /order/cart/{cartId}/item/{itemId}/configuration", { path: { cartId, itemId }, query });
}

export function addItemConfiguration(requester: OvhRequester, cartId: string, itemId: number, configuration: ItemConfigurationCreation): Promise<ConfigurationItem> {
  return call(requester, "POST /order/cart/{cartId}/item/{itemId}/configuration", { path: { cartId, itemId }, body: configuration });
}

export function getItemConfiguration(requester: OvhRequester, cartId: string, itemId: number, configurationId: number): Promise<ConfigurationItem> {
  return call(requester, "GET /order/cart/{cartId}/item/{itemId}/configuration/{configurationId}", { path: { cartId, itemId, configurationId } });
}

export function deleteItemConfiguration(requester: OvhRequester, cartId: string, itemId: number, configurationId: number): Promise<void> {
  return call(requester, "DELETE /order/cart/{cartId}/item/{itemId}/configuration/{configurationId}", {
    path: { cartId, itemId, configurationId },
  });
}

/**
 * What the item still needs before checkout: one entry per configuration label, with its type, whether it is required
 * and, when OVH restricts them, the allowed values. Set each with {@link addItemConfiguration}.
 */
export function getRequiredConfiguration(requester: OvhRequester, cartId: string, itemId: number): Promise<ConfigurationRequirements[]> {
  return call(requester, "GET /order/cart/{cartId}/item/{itemId}/requiredConfiguration", { path: { cartId, itemId } });
}

/** What checkout would order, with prices and contracts; orders nothing. */
export function getCheckout(requester: OvhRequester, cartId: string): Promise<OrderOrder> {
  return call(requester, "GET /order/cart/{cartId}/checkout", { path: { cartId } });
}

/** Turns the cart into an order (the cart becomes read-only). */
export function checkoutCart(requester: OvhRequester, cartId: string, checkout: Checkout): Promise<OrderOrder> {
  return call(requester, "POST /order/cart/{cartId}/checkout", { path: { cartId }, body: checkout });
}
