/**
 * The part of the OVH API v1 schema the simulator serves, written out by hand so the simulator does not
 * depend on the schema file at run time. test/simulator/api-schema.test.ts checks it equals
 * the repository's schema/ovh-api-v1-csp2.json (paths, methods, parameters, body models, enumerations).
 */
export type ApiMethod = "GET" | "POST" | "PUT" | "DELETE";

export interface ParamSpec {
  name: string;
  in: "path" | "query" | "body";
  /** The schema's `dataType`, e.g. `long`, `string`, `msServices.LicensePeriodEnum`. */
  type: string;
  required: boolean;
}

export interface RouteSpec {
  method: ApiMethod;
  /** Path below `/1.0`, with `{name}` placeholders as in the schema. */
  path: string;
  responseType: string;
  noAuthentication: boolean;
  /** Named parameters (path, query, and body fields the schema lists one by one). */
  params: readonly ParamSpec[];
  /** Model of the whole request body when the schema gives the body as one unnamed parameter. */
  body?: string;
}

export interface FieldSpec {
  name: string;
  /** The property's `type` in the schema model. */
  type: string;
  required: boolean;
  canBeNull: boolean;
  readOnly: boolean;
}

function pathParam(name: string, type: string): ParamSpec {
  return { name, in: "path", type, required: true };
}

function queryParam(name: string, type: string, required: boolean): ParamSpec {
  return { name, in: "query", type, required };
}

function bodyParam(name: string, type: string, required: boolean): ParamSpec {
  return { name, in: "body", type, required };
}

function route(
  method: ApiMethod,
  path: string,
  responseType: string,
  params: ParamSpec[],
  extra: { noAuthentication?: boolean; body?: string } = {},
): RouteSpec {
  return { method, path, responseType, params, noAuthentication: extra.noAuthentication ?? false, body: extra.body };
}

function field(name: string, type: string, flags: { required: boolean; canBeNull: boolean; readOnly: boolean }): FieldSpec {
  return { name, type, ...flags };
}

export const API_ROUTES: readonly RouteSpec[] = [
  // /saas/csp2
  route("GET", "/saas/csp2", "string[]", [queryParam("iamTags", "map[string][]iam.resource.TagFilter", false)]),
  route("GET", "/saas/csp2/{serviceName}", "saas.csp2.OfficeTenantWithIAM", [pathParam("serviceName", "string")]),
  route("PUT", "/saas/csp2/{serviceName}", "void", [pathParam("serviceName", "string")], { body: "saas.csp2.OfficeTenant" }),
  route("GET", "/saas/csp2/{serviceName}/billingPeriodPeaks", "saas.csp2.BillingStatistics", [pathParam("serviceName", "string")]),
  route("GET", "/saas/csp2/{serviceName}/orderableLicenses", "long[]", [pathParam("serviceName", "string")]),
  route("GET", "/saas/csp2/{serviceName}/orderableLicenses/{id}", "saas.csp2.OfficeLicence", [pathParam("id", "long"), pathParam("serviceName", "string")]),
  route("GET", "/saas/csp2/{serviceName}/serviceInfos", "services.Service", [pathParam("serviceName", "string")]),
  route("PUT", "/saas/csp2/{serviceName}/serviceInfos", "void", [pathParam("serviceName", "string")], { body: "services.Service" }),
  route("GET", "/saas/csp2/{serviceName}/subscription", "long[]", [pathParam("serviceName", "string")]),
  route("POST", "/saas/csp2/{serviceName}/subscription", "saas.csp2.OfficeTask", [pathParam("serviceName", "string")], { body: "saas.csp2.SubscriptionCreation" }),
  route("DELETE", "/saas/csp2/{serviceName}/subscription/{id}", "saas.csp2.OfficeTask", [pathParam("id", "long"), pathParam("serviceName", "string")]),
  route("GET", "/saas/csp2/{serviceName}/subscription/{id}", "saas.csp2.OfficeSubscription", [pathParam("id", "long"), pathParam("serviceName", "string")]),
  route("GET", "/saas/csp2/{serviceName}/subscription/{id}/addonsSubscriptionIds", "long[]", [pathParam("id", "long"), pathParam("serviceName", "string")]),
  route("GET", "/saas/csp2/{serviceName}/subscription/{id}/availableAddonLicenses", "long[]", [pathParam("id", "long"), pathParam("serviceName", "string")]),
  route("POST", "/saas/csp2/{serviceName}/subscription/{id}/changeQuantity", "saas.csp2.OfficeTask", [pathParam("id", "long"), pathParam("serviceName", "string")], { body: "saas.csp2.SubscriptionChangeQuantityCreation" }),
  route("POST", "/saas/csp2/{serviceName}/subscription/{id}/orderAddon", "saas.csp2.OfficeTask", [pathParam("id", "long"), pathParam("serviceName", "string")], { body: "saas.csp2.SubscriptionOrderAddonCreation" }),
  route("GET", "/saas/csp2/{serviceName}/task", "long[]", [pathParam("serviceName", "string")]),
  route("GET", "/saas/csp2/{serviceName}/task/{id}", "saas.csp2.OfficeTask", [pathParam("id", "long"), pathParam("serviceName", "string")]),
  route("GET", "/saas/csp2/{serviceName}/usageStatistics", "saas.csp2.Statistics[]", [pathParam("serviceName", "string"), queryParam("timePeriod", "msServices.LicensePeriodEnum", true)]),
  // /order/cart
  route("GET", "/order/cart", "string[]", [queryParam("description", "string", false)]),
  route("POST", "/order/cart", "order.cart.Cart", [], { noAuthentication: true, body: "order.cart.Creation" }),
  route("DELETE", "/order/cart/{cartId}", "void", [pathParam("cartId", "string")]),
  route("GET", "/order/cart/{cartId}", "order.cart.Cart", [pathParam("cartId", "string")], { noAuthentication: true }),
  route("PUT", "/order/cart/{cartId}", "order.cart.Cart", [pathParam("cartId", "string")], { noAuthentication: true, body: "order.cart.Update" }),
  route("POST", "/order/cart/{cartId}/assign", "void", [pathParam("cartId", "string")]),
  route("GET", "/order/cart/{cartId}/checkout", "order.Order", [pathParam("cartId", "string")]),
  route("POST", "/order/cart/{cartId}/checkout", "order.Order", [pathParam("cartId", "string")], { body: "order.cart.Checkout" }),
  route("GET", "/order/cart/{cartId}/csp2", "order.cart.GenericProductDefinition[]", [pathParam("cartId", "string")], { noAuthentication: true }),
  route("POST", "/order/cart/{cartId}/csp2", "order.cart.Item", [pathParam("cartId", "string")], { noAuthentication: true, body: "order.cart.GenericProductCreation" }),
  route("GET", "/order/cart/{cartId}/csp2/options", "order.cart.GenericOptionDefinition[]", [pathParam("cartId", "string"), queryParam("planCode", "string", true)], { noAuthentication: true }),
  route("POST", "/order/cart/{cartId}/csp2/options", "order.cart.Item", [pathParam("cartId", "string")], { noAuthentication: true, body: "order.cart.GenericOptionCreation" }),
  route("GET", "/order/cart/{cartId}/item", "long[]", [pathParam("cartId", "string")], { noAuthentication: true }),
  route("DELETE", "/order/cart/{cartId}/item/{itemId}", "void", [pathParam("cartId", "string"), pathParam("itemId", "long")], { noAuthentication: true }),
  route("GET", "/order/cart/{cartId}/item/{itemId}", "order.cart.Item", [pathParam("cartId", "string"), pathParam("itemId", "long")], { noAuthentication: true }),
  route("PUT", "/order/cart/{cartId}/item/{itemId}", "order.cart.Item", [pathParam("cartId", "string"), pathParam("itemId", "long")], { noAuthentication: true, body: "order.cart.ItemUpdate" }),
  route("GET", "/order/cart/{cartId}/item/{itemId}/configuration", "long[]", [pathParam("cartId", "string"), pathParam("itemId", "long"), queryParam("label", "string", false)], { noAuthentication: true }),
  route("POST", "/order/cart/{cartId}/item/{itemId}/configuration", "order.cart.ConfigurationItem", [pathParam("cartId", "string"), pathParam("itemId", "long")], { noAuthentication: true, body: "order.cart.ItemConfigurationCreation" }),
  route("DELETE", "/order/cart/{cartId}/item/{itemId}/configuration/{configurationId}", "void", [pathParam("cartId", "string"), pathParam("configurationId", "long"), pathParam("itemId", "long")], { noAuthentication: true }),
  route("GET", "/order/cart/{cartId}/item/{itemId}/configuration/{configurationId}", "order.cart.ConfigurationItem", [pathParam("cartId", "string"), pathParam("configurationId", "long"), pathParam("itemId", "long")], { noAuthentication: true }),
  route("GET", "/order/cart/{cartId}/item/{itemId}/requiredConfiguration", "order.cart.ConfigurationRequirements[]", [pathParam("cartId", "string"), pathParam("itemId", "long")], { noAuthentication: true }),
  // /me/order
  route("GET", "/me/order", "long[]", [queryParam("date.from", "datetime", false), queryParam("date.to", "datetime", false)]),
  route("GET", "/me/order/{orderId}", "billing.Order", [pathParam("orderId", "long")]),
  route("GET", "/me/order/{orderId}/associatedObject", "billing.order.AssociatedObject", [pathParam("orderId", "long")]),
  route("GET", "/me/order/{orderId}/details", "long[]", [pathParam("orderId", "long")]),
  route("GET", "/me/order/{orderId}/details/{orderDetailId}", "billing.OrderDetail", [pathParam("orderDetailId", "long"), pathParam("orderId", "long")]),
  route("GET", "/me/order/{orderId}/details/{orderDetailId}/extension", "billing.ItemDetail", [pathParam("orderDetailId", "long"), pathParam("orderId", "long")]),
  route("POST", "/me/order/{orderId}/payWithRegisteredPaymentMean", "void", [pathParam("orderId", "long"), bodyParam("paymentMean", "billing.ReusablePaymentMeanEnum", true), bodyParam("paymentMeanId", "long", false)]),
  route("GET", "/me/order/{orderId}/status", "billing.order.OrderStatusEnum", [pathParam("orderId", "long")]),
  // /services
  route("GET", "/services", "long[]", [queryParam("orderBy", "string", false), queryParam("resourceName", "string", false), queryParam("routes", "string", false), queryParam("sort", "string", false)]),
  route("GET", "/services/{serviceId}", "services.expanded.Service", [pathParam("serviceId", "long")]),
  route("PUT", "/services/{serviceId}", "void", [pathParam("serviceId", "long")], { body: "services.update.Service" }),
  route("POST", "/services/{serviceId}/terminate", "services.terminate.TerminationAnswer", [pathParam("serviceId", "long")]),
  route("POST", "/services/{serviceId}/terminate/confirm", "services.terminate.TerminationAnswer", [pathParam("serviceId", "long")], { body: "services.terminate.ConfirmServiceTerminationRequest" }),
  // /auth
  route("GET", "/auth/currentCredential", "auth.ApiCredential", []),
  route("GET", "/auth/time", "long", [], { noAuthentication: true }),
];

/** Every property of the models a request body can carry (read-only ones are accepted and ignored, as OVH does). */
export const BODY_MODELS: Readonly<Record<string, readonly FieldSpec[]>> = {
  "saas.csp2.OfficeTenant": [
    field("address", "string", { required: false, canBeNull: false, readOnly: false }),
    field("city", "string", { required: false, canBeNull: false, readOnly: false }),
    field("creationDate", "datetime", { required: false, canBeNull: false, readOnly: true }),
    field("displayName", "string", { required: false, canBeNull: false, readOnly: false }),
    field("email", "string", { required: false, canBeNull: false, readOnly: false }),
    field("firstName", "string", { required: false, canBeNull: false, readOnly: false }),
    field("lastName", "string", { required: false, canBeNull: false, readOnly: false }),
    field("mpnId", "string", { required: false, canBeNull: true, readOnly: false }),
    field("mpnIssueFlag", "string", { required: false, canBeNull: true, readOnly: true }),
    field("phone", "phoneNumber", { required: false, canBeNull: false, readOnly: false }),
    field("serviceName", "string", { required: false, canBeNull: false, readOnly: true }),
    field("status", "saas.csp2.ServiceStateEnum", { required: false, canBeNull: false, readOnly: true }),
    field("zipCode", "string", { required: false, canBeNull: false, readOnly: false }),
  ],
  "services.Service": [
    field("canDeleteAtExpiration", "boolean", { required: false, canBeNull: false, readOnly: true }),
    field("contactAdmin", "string", { required: false, canBeNull: false, readOnly: true }),
    field("contactBilling", "string", { required: false, canBeNull: false, readOnly: true }),
    field("contactTech", "string", { required: false, canBeNull: false, readOnly: true }),
    field("creation", "date", { required: false, canBeNull: false, readOnly: true }),
    field("domain", "string", { required: false, canBeNull: false, readOnly: true }),
    field("engagedUpTo", "date", { required: false, canBeNull: true, readOnly: true }),
    field("expiration", "date", { required: false, canBeNull: false, readOnly: true }),
    field("possibleRenewPeriod", "long[]", { required: false, canBeNull: true, readOnly: true }),
    field("renew", "service.RenewType", { required: false, canBeNull: true, readOnly: false }),
    field("renewalType", "service.RenewalTypeEnum", { required: false, canBeNull: false, readOnly: true }),
    field("serviceId", "long", { required: false, canBeNull: false, readOnly: true }),
    field("status", "service.StateEnum", { required: false, canBeNull: false, readOnly: true }),
  ],
  "service.RenewType": [
    field("automatic", "boolean", { required: false, canBeNull: false, readOnly: false }),
    field("deleteAtExpiration", "boolean", { required: false, canBeNull: false, readOnly: false }),
    field("forced", "boolean", { required: false, canBeNull: false, readOnly: false }),
    field("manualPayment", "boolean", { required: false, canBeNull: true, readOnly: false }),
    field("period", "long", { required: false, canBeNull: true, readOnly: false }),
  ],
  "saas.csp2.SubscriptionCreation": [
    field("licenseId", "long", { required: true, canBeNull: false, readOnly: false }),
    field("quantity", "long", { required: true, canBeNull: false, readOnly: false }),
  ],
  "saas.csp2.SubscriptionChangeQuantityCreation": [
    field("quantity", "long", { required: true, canBeNull: false, readOnly: false }),
  ],
  "saas.csp2.SubscriptionOrderAddonCreation": [
    field("licenseId", "long", { required: true, canBeNull: false, readOnly: false }),
    field("quantity", "long", { required: true, canBeNull: false, readOnly: false }),
  ],
  "order.cart.Creation": [
    field("description", "string", { required: false, canBeNull: false, readOnly: false }),
    field("expire", "datetime", { required: false, canBeNull: false, readOnly: false }),
    field("ovhSubsidiary", "nichandle.OvhSubsidiaryEnum", { required: true, canBeNull: false, readOnly: false }),
  ],
  "order.cart.Update": [
    field("description", "string", { required: false, canBeNull: false, readOnly: false }),
    field("expire", "datetime", { required: false, canBeNull: false, readOnly: false }),
  ],
  "order.cart.Checkout": [
    field("autoPayWithPreferredPaymentMethod", "boolean", { required: false, canBeNull: false, readOnly: false }),
    field("waiveRetractationPeriod", "boolean", { required: false, canBeNull: false, readOnly: false }),
  ],
  "order.cart.GenericProductCreation": [
    field("duration", "duration", { required: true, canBeNull: false, readOnly: false }),
    field("planCode", "string", { required: true, canBeNull: false, readOnly: false }),
    field("pricingMode", "string", { required: true, canBeNull: false, readOnly: false }),
    field("quantity", "long", { required: true, canBeNull: false, readOnly: false }),
  ],
  "order.cart.GenericOptionCreation": [
    field("duration", "duration", { required: true, canBeNull: false, readOnly: false }),
    field("itemId", "long", { required: true, canBeNull: false, readOnly: false }),
    field("planCode", "string", { required: true, canBeNull: false, readOnly: false }),
    field("pricingMode", "string", { required: true, canBeNull: false, readOnly: false }),
    field("quantity", "long", { required: true, canBeNull: false, readOnly: false }),
  ],
  "order.cart.ItemUpdate": [
    field("duration", "duration", { required: false, canBeNull: false, readOnly: false }),
    field("quantity", "long", { required: false, canBeNull: false, readOnly: false }),
  ],
  "order.cart.ItemConfigurationCreation": [
    field("label", "string", { required: true, canBeNull: false, readOnly: false }),
    field("value", "text", { required: true, canBeNull: false, readOnly: false }),
  ],
  "services.update.Service": [
    field("displayName", "string", { required: false, canBeNull: true, readOnly: false }),
    field("renew", "services.update.Service.Renew", { required: false, canBeNull: true, readOnly: false }),
    field("terminationPolicy", "services.expanded.terminationPolicyEnum", { required: false, canBeNull: true, readOnly: false }),
  ],
  "services.update.Service.Renew": [
    field("mode", "services.expanded.Renew.ModeEnum", { required: false, canBeNull: false, readOnly: false }),
    field("period", "duration", { required: false, canBeNull: false, readOnly: false }),
  ],
  "services.terminate.ConfirmServiceTerminationRequest": [
    field("token", "password", { required: true, canBeNull: false, readOnly: false }),
  ],
};

/** Enumerations a request may carry (parameters and writable body fields). */
export const REQUEST_ENUMS: Readonly<Record<string, readonly string[]>> = {
  "billing.ReusablePaymentMeanEnum": [
    "CREDIT_CARD", "CURRENT_ACCOUNT", "DEFERRED_PAYMENT_ACCOUNT", "DOMESTIC_CARD", "ENTERPRISE", "INTERNAL_TRUSTED_ACCOUNT",
    "PAYPAL", "RUPAY", "SEPA_DIRECT_DEBIT", "bankAccount", "creditCard", "deferredPaymentAccount", "fidelityAccount",
    "ovhAccount", "paypal",
  ],
  "msServices.LicensePeriodEnum": ["lastMonth", "lastQuarter", "lastWeek", "lastYear"],
  "nichandle.OvhSubsidiaryEnum": ["CZ", "DE", "ES", "EU", "FI", "FR", "GB", "IE", "IT", "LT", "MA", "NL", "PL", "PT", "SN", "TN"],
  "services.expanded.Renew.ModeEnum": ["automatic", "manual"],
  "services.expanded.terminationPolicyEnum": ["empty", "terminateAtEngagementDate", "terminateAtExpirationDate"],
};
