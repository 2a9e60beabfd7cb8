import type { Authenticator, RequestIdentity } from "./auth";
import type { Account } from "./model/account";
import * as carts from "./model/carts";
import * as csp2 from "./model/csp2";
import * as orders from "./model/orders";
import * as services from "./model/services";
import type { ParamValue } from "./validation";

export interface ApiCall {
  account: Account;
  auth: Authenticator;
  params: Record<string, ParamValue>;
  body: Record<string, unknown>;
  /** Undefined only on routes the schema marks `noAuthentication`. */
  identity: RequestIdentity | undefined;
  /** OVH's clock (real time plus the configured skew), in milliseconds. */
  serverNow: number;
}

/** The result is sent as JSON; undefined becomes `null`, as OVH answers for `void`. */
export type ApiHandler = (call: ApiCall) => unknown;

const text = (call: ApiCall, name: string): string => call.params[name] as string;
const long = (call: ApiCall, name: string): number => call.params[name] as number;
const optionalText = (call: ApiCall, name: string): string | undefined => call.params[name] as string | undefined;

/** One handler per schema operation, keyed `METHOD /path/{param}`. */
export const API_HANDLERS: Readonly<Record<string, ApiHandler>> = groupReadsLag({
  "GET /saas/csp2": (c) => csp2.serviceNames(c.account),
  "GET /saas/csp2/{serviceName}": (c) => csp2.tenantView(c.account, text(c, "serviceName")),
  "PUT /saas/csp2/{serviceName}": (c) => csp2.updateTenant(c.account, text(c, "serviceName"), c.body),
  "GET /saas/csp2/{serviceName}/billingPeriodPeaks": (c) => csp2.billingPeriodPeaks(c.account, text(c, "serviceName")),
  "GET /saas/csp2/{serviceName}/orderableLicenses": (c) => csp2.orderableLicenseIds(c.account, text(c, "serviceName")),
  "GET /saas/csp2/{serviceName}/orderableLicenses/{id}": (c) => csp2.licenseView(c.account, text(c, "serviceName"), long(c, "id")),
  "GET /saas/csp2/{serviceName}/serviceInfos": (c) => csp2.serviceInfosView(c.account, text(c, "serviceName")),
  "PUT /saas/csp2/{serviceName}/serviceInfos": (c) => csp2.updateServiceInfos(c.account, text(c, "serviceName"), c.body),
  "GET /saas/csp2/{serviceName}/subscription": (c) => csp2.subscriptionIds(c.account, text(c, "serviceName")),
  "POST /saas/csp2/{serviceName}/subscription": (c) =>
    csp2.createSubscription(c.account, text(c, "serviceName"), c.body as { licenseId: number; quantity: number }),
  "DELETE /saas/csp2/{serviceName}/subscription/{id}": (c) => csp2.deleteSubscription(c.account, text(c, "serviceName"), long(c, "id")),
  "GET /saas/csp2/{serviceName}/subscription/{id}": (c) => csp2.subscriptionView(c.account, text(c, "serviceName"), long(c, "id")),
  "GET /saas/csp2/{serviceName}/subscription/{id}/addonsSubscriptionIds": (c) =>
    csp2.addonSubscriptionIds(c.account, text(c, "serviceName"), long(c, "id")),
  "GET /saas/csp2/{serviceName}/subscription/{id}/availableAddonLicenses": (c) =>
    csp2.availableAddonLicenseIds(c.account, text(c, "serviceName"), long(c, "id")),
  "POST /saas/csp2/{serviceName}/subscription/{id}/changeQuantity": (c) =>
    csp2.changeQuantity(c.account, text(c, "serviceName"), long(c, "id"), c.body as { quantity: number }),
  "POST /saas/csp2/{serviceName}/subscription/{id}/orderAddon": (c) =>
    csp2.orderAddon(c.account, text(c, "serviceName"), long(c, "id"), c.body as { licenseId: number; quantity: number }),
  "GET /saas/csp2/{serviceName}/task": (c) => csp2.taskIds(c.account, text(c, "serviceName")),
  "GET /saas/csp2/{serviceName}/task/{id}": (c) => csp2.taskViewById(c.account, text(c, "serviceName"), long(c, "id")),
  "GET /saas/csp2/{serviceName}/usageStatistics": (c) => csp2.usageStatistics(c.account, text(c, "serviceName"), text(c, "timePeriod")),

  "GET /order/cart": (c) => carts.listCarts(c.account, optionalText(c, "description")),
  "POST /order/cart": (c) => carts.createCart(c.account, c.body as { ovhSubsidiary: string; description?: string; expire?: string }),
  "DELETE /order/cart/{cartId}": (c) => carts.deleteCart(c.account, text(c, "cartId")),
  "GET /order/cart/{cartId}": (c) => carts.getCart(c.account, text(c, "cartId")),
  "PUT /order/cart/{cartId}": (c) => carts.updateCart(c.account, text(c, "cartId"), c.body as { description?: string; expire?: string }),
  "POST /order/cart/{cartId}/assign": (c) => carts.assignCart(c.account, text(c, "cartId")),
  "GET /order/cart/{cartId}/checkout": (c) => orders.previewCheckout(c.account, text(c, "cartId")),
  "POST /order/cart/{cartId}/checkout": (c) => orders.checkout(c.account, text(c, "cartId"), c.body),
  "GET /order/cart/{cartId}/csp2": (c) => carts.productDefinitions(c.account, text(c, "cartId")),
  "POST /order/cart/{cartId}/csp2": (c) =>
    carts.addCsp2Item(c.account, text(c, "cartId"), c.body as { planCode: string; duration: string; pricingMode: string; quantity: number }),
  "GET /order/cart/{cartId}/csp2/options": (c) => carts.csp2Options(c.account, text(c, "cartId"), text(c, "planCode")),
  "POST /order/cart/{cartId}/csp2/options": (c) => carts.addCsp2Option(c.account, text(c, "cartId"), c.body as { planCode: string; itemId: number }),
  "GET /order/cart/{cartId}/item": (c) => carts.itemIds(c.account, text(c, "cartId")),
  "DELETE /order/cart/{cartId}/item/{itemId}": (c) => carts.deleteItem(c.account, text(c, "cartId"), long(c, "itemId")),
  "GET /order/cart/{cartId}/item/{itemId}": (c) => carts.getItem(c.account, text(c, "cartId"), long(c, "itemId")),
  "PUT /order/cart/{cartId}/item/{itemId}": (c) =>
    carts.updateItem(c.account, text(c, "cartId"), long(c, "itemId"), c.body as { duration?: string; quantity?: number }),
  "GET /order/cart/{cartId}/item/{itemId}/configuration": (c) =>
    carts.configurationIds(c.account, text(c, "cartId"), long(c, "itemId"), optionalText(c, "label")),
  "POST /order/cart/{cartId}/item/{itemId}/configuration": (c) =>
    carts.addConfiguration(c.account, text(c, "cartId"), long(c, "itemId"), c.body as { label: string; value: string }),
  "DELETE /order/cart/{cartId}/item/{itemId}/configuration/{configurationId}": (c) =>
    carts.deleteConfiguration(c.account, text(c, "cartId"), long(c, "itemId"), long(c, "configurationId")),
  "GET /order/cart/{cartId}/item/{itemId}/configuration/{configurationId}": (c) =>
    carts.getConfiguration(c.account, text(c, "cartId"), long(c, "itemId"), long(c, "configurationId")),
  "GET /order/cart/{cartId}/item/{itemId}/requiredConfiguration": (c) => carts.requiredConfigurations(c.account, text(c, "cartId"), long(c, "itemId")),

  "GET /me/order": (c) => orders.orderIds(c.account, optionalText(c, "date.from"), optionalText(c, "date.to")),
  "GET /me/order/{orderId}": (c) => orders.orderView(c.account, long(c, "orderId")),
  "GET /me/order/{orderId}/associatedObject": (c) => orders.associatedObject(c.account, long(c, "orderId")),
  "GET /me/order/{orderId}/details": (c) => orders.orderDetailIds(c.account, long(c, "orderId")),
  "GET /me/order/{orderId}/details/{orderDetailId}": (c) => orders.orderDetailView(c.account, long(c, "orderId"), long(c, "orderDetailId")),
  "GET /me/order/{orderId}/details/{orderDetailId}/extension": (c) =>
    orders.orderDetailExtension(c.account, long(c, "orderId"), long(c, "orderDetailId")),
  "POST /me/order/{orderId}/payWithRegisteredPaymentMean": (c) => orders.payOrder(c.account, long(c, "orderId")),
  "GET /me/order/{orderId}/status": (c) => orders.orderStatus(c.account, long(c, "orderId")),

  "GET /services": (c) => services.serviceIds(c.account, { resourceName: optionalText(c, "resourceName"), routes: optionalText(c, "routes") }),
  "GET /services/{serviceId}": (c) => services.serviceView(c.account, long(c, "serviceId")),
  "PUT /services/{serviceId}": (c) => services.updateService(c.account, long(c, "serviceId"), c.body),
  "POST /services/{serviceId}/terminate": (c) => services.requestTermination(c.account, long(c, "serviceId")),
  "POST /services/{serviceId}/terminate/confirm": (c) => services.confirmTermination(c.account, long(c, "serviceId"), c.body as { token: string }),

  "GET /auth/currentCredential": (c) => c.auth.currentCredential(c.identity as RequestIdentity),
  "GET /auth/time": (c) => Math.floor(c.serverNow / 1000),
});

/** A group's reads answer 404 while it is not shown yet (`deliveredGroupLagMs`); its changes see it as it is. */
function groupReadsLag(handlers: Record<string, ApiHandler>): Record<string, ApiHandler> {
  return Object.fromEntries(
    Object.entries(handlers).map(([key, handler]) =>
      key.startsWith("GET /saas/csp2/{serviceName}")
        ? [key, (c: ApiCall) => {
            csp2.requireShownGroup(c.account, text(c, "serviceName"));
            return handler(c);
          }]
        : [key, handler],
    ),
  );
}
