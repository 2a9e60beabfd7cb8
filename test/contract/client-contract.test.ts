/**
 * Contract: every request the csp2 module can send exists in the OVH schema excerpt (schema/) with that
 * method, those path, query and body parameters, and values of the declared types. Every exported csp2 function
 * is called with a recording requester that answers schema-shaped samples; the schema is read here directly,
 * independently of the generated models.
 */
import * as csp2 from "../../provider/csp2";
import type { OvhRequest, OvhRequester, OvhResponse } from "../../provider/ovh/types";
import { readOvhSchema, type SchemaOperation, type SchemaProperty } from "../support/ovh-schema";

interface Operation extends SchemaOperation {
  key: string;
  template: string;
  pattern: RegExp;
  placeholders: string[];
}

/** The sections the csp2 module wraps; `auth` is the HTTP client's. */
const wrappedSections = ["saasCsp2", "orderCart", "meOrder", "services"];

const { models, operations: located } = readOvhSchema();
const operations: Operation[] = located
  .filter(({ section }) => wrappedSections.includes(section))
  .map(({ path: template, operation }) => ({
    ...operation,
    key: `${operation.httpMethod} ${template}`,
    template,
    pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{\w+\}/g, "([^/]+)")}$`),
    placeholders: [...template.matchAll(/\{(\w+)\}/g)].map((match) => match[1]),
  }));

function operationFor(request: OvhRequest): Operation {
  const candidates = operations.filter((operation) => operation.httpMethod === request.method && operation.pattern.test(request.path));
  if (candidates.length !== 1) {
    const samePath = operations.filter((operation) => operation.pattern.test(request.path)).map((operation) => operation.key);
    throw new Error(
      `${request.method} ${request.path} matches ${candidates.length} schema operations` + (samePath.length ? ` (that path has: ${samePath.join(", ")})` : ""),
    );
  }
  return candidates[0];
}

const primitiveCheckers: Record<string, (value: unknown) => boolean> = {
  long: (value) => typeof value === "number" && Number.isSafeInteger(value),
  double: (value) => typeof value === "number" && Number.isFinite(value),
  boolean: (value) => typeof value === "boolean",
  string: (value) => typeof value === "string",
  text: (value) => typeof value === "string",
  password: (value) => typeof value === "string",
  phoneNumber: (value) => typeof value === "string",
  datetime: (value) => typeof value === "string" && !Number.isNaN(Date.parse(value)),
  date: (value) => typeof value === "string" && /^\d{4}-\d{2}-\d{2}$/.test(value),
  duration: (value) => typeof value === "string" && /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(\d+H)?(\d+M)?(\d+S)?)?$/.test(value),
};

/** Problems with `value` as a `type` sent to OVH (writable properties only); empty when it conforms. */
function problems(value: unknown, type: string, where: string): string[] {
  if (type.endsWith("[]")) {
    if (!Array.isArray(value)) return [`${where}: expected an array of ${type.slice(0, -2)}, got ${JSON.stringify(value)}`];
    return value.flatMap((element, index) => problems(element, type.slice(0, -2), `${where}[${index}]`));
  }
  const checker = primitiveCheckers[type];
  if (checker) return checker(value) ? [] : [`${where}: expected ${type}, got ${JSON.stringify(value)}`];
  const model = models[type];
  if (!model) return [`${where}: schema type ${type} is unknown to this test`];
  if (model.enum) return model.enum.includes(value as string) ? [] : [`${where}: ${JSON.stringify(value)} is not a ${type} (${model.enum.join(", ")})`];
  if (typeof value !== "object" || value === null || Array.isArray(value)) return [`${where}: expected a ${type} object, got ${JSON.stringify(value)}`];
  return objectProblems(value as Record<string, unknown>, model.properties ?? {}, type, where);
}

function objectProblems(value: Record<string, unknown>, properties: Record<string, SchemaProperty>, type: string, where: string): string[] {
  const found: string[] = [];
  for (const [name, field] of Object.entries(value)) {
    if (field === undefined) continue;
    const property = properties[name];
    if (!property) found.push(`${where}.${name}: not a property of ${type}`);
    else if (property.readOnly) found.push(`${where}.${name}: read-only in ${type}`);
    else if (field === null) {
      if (!property.canBeNull) found.push(`${where}.${name}: null, but ${type}.${name} cannot be null`);
    } else found.push(...problems(field, property.type, `${where}.${name}`));
  }
  for (const [name, property] of Object.entries(properties)) {
    if (property.required && value[name] === undefined) found.push(`${where}.${name}: required by ${type}, missing`);
  }
  return found;
}

/** Everything wrong with one recorded request against the schema; empty when it conforms. */
function requestProblems(request: OvhRequest): string[] {
  const operation = operationFor(request);
  const found: string[] = [];
  const at = (what: string) => `${operation.key} ${what}`;
  const segments = operation.pattern.exec(request.path)!.slice(1);
  operation.placeholders.forEach((name, index) => {
    const parameter = operation.parameters.find((candidate) => candidate.paramType === "path" && candidate.name === name)!;
    const raw = segments[index];
    const decoded = decodeURIComponent(raw);
    if (encodeURIComponent(decoded) !== raw) found.push(at(`path {${name}}: "${raw}" is not percent-encoded`));
    if (parameter.dataType === "long" && !/^\d+$/.test(decoded)) found.push(at(`path {${name}}: "${decoded}" is not a long`));
  });
  const queryParameters = operation.parameters.filter((parameter) => parameter.paramType === "query");
  for (const [name, value] of Object.entries(request.query ?? {})) {
    if (value === undefined) continue;
    const parameter = queryParameters.find((candidate) => candidate.name === name);
    if (!parameter) found.push(at(`query ${name}: not a query parameter (has: ${queryParameters.map((p) => p.name).join(", ") || "none"})`));
    else found.push(...problems(value, parameter.dataType, at(`query ${name}`)));
  }
  for (const parameter of queryParameters) {
    if (parameter.required && request.query?.[parameter.name!] === undefined) found.push(at(`query ${parameter.name}: required, missing`));
  }
  const bodyParameters = operation.parameters.filter((parameter) => parameter.paramType === "body");
  const wholeBody = bodyParameters.find((parameter) => !parameter.name);
  if (bodyParameters.length === 0) {
    if (request.body !== undefined) found.push(at(`body: the operation takes none, got ${JSON.stringify(request.body)}`));
  } else if (wholeBody) {
    found.push(...problems(request.body, wholeBody.dataType, at("body")));
  } else {
    const asProperties = Object.fromEntries(
      bodyParameters.map((parameter) => [parameter.name!, { type: parameter.dataType, required: parameter.required, canBeNull: false, readOnly: false }]),
    );
    if (typeof request.body !== "object" || request.body === null) found.push(at(`body: expected an object, got ${JSON.stringify(request.body)}`));
    else found.push(...objectProblems(request.body as Record<string, unknown>, asProperties, "body parameters", at("body")));
  }
  if (request.noAuth && !operation.noAuthentication) found.push(at("is sent without authentication, which the schema does not allow"));
  return found;
}

/** A schema-shaped value of `type`, for answers. */
function sample(type: string): unknown {
  if (type === "void") return null;
  if (type.endsWith("[]")) return [sample(type.slice(0, -2))];
  const samples: Record<string, unknown> = {
    long: 1,
    double: 0,
    boolean: false,
    string: "x",
    text: "x",
    password: "x",
    phoneNumber: "+33.100000000",
    uuid: "00000000-0000-0000-0000-000000000000",
    datetime: "2024-05-01T10:00:00+02:00",
    date: "2024-05-01",
    duration: "P1M",
    T: "x",
  };
  if (type in samples) return samples[type];
  if (type.startsWith("map[")) return {};
  const model = models[type];
  if (!model) throw new Error(`no sample for schema type ${type}`);
  if (model.enum) return model.enum[0];
  return Object.fromEntries(Object.entries(model.properties ?? {}).map(([name, property]) => [name, sample(property.type)]));
}

const serviceName = "office 1/ü";
const cartId = "cart/ö 1";
const planCode = "csp2-plan-example";

/** Answers that steer the flows to their end; everything else is a plain sample of the response type. */
const steering: Record<string, (answer: object) => unknown> = {
  "GET /saas/csp2/{serviceName}/task/{id}": (task) => ({ ...task, status: "done" }),
  "GET /me/order/{orderId}/status": () => "delivered",
  "GET /me/order/{orderId}/details/{orderDetailId}": (detail) => ({ ...detail, domain: "office-new", cancelled: false }),
  "POST /order/cart": (cart) => ({ ...cart, cartId }),
  "POST /order/cart/{cartId}/checkout": (order) => ({ ...order, orderId: 9001 }),
  "GET /order/cart/{cartId}/csp2": () => [
    {
      ...(sample("order.cart.GenericProductDefinition") as object),
      planCode,
      prices: [{ ...(sample("order.cart.GenericProductPricing") as object), duration: "P1M", pricingMode: "default" }],
    },
  ],
};

class RecordingRequester implements OvhRequester {
  readonly calls: OvhRequest[] = [];
  async request<T>(request: OvhRequest): Promise<T> {
    this.calls.push(structuredClone(request));
    const operation = operationFor(request);
    const answer = sample(operation.responseType);
    return (steering[operation.key] ? steering[operation.key](answer as object) : answer) as T;
  }

  /** List-mode requests get the same samples: plain ids on list routes, as from a gateway that ignores the mode. */
  async requestWithResponse<T>(request: OvhRequest): Promise<OvhResponse<T>> {
    return { status: 200, headers: {}, body: await this.request<T>(request) };
  }
}

const instantly = { sleep: async () => undefined, now: () => 0 };

/** One or more calls of every exported function that talks to OVH, with arguments of every shape it accepts. */
const exercises: [string, (requester: OvhRequester) => Promise<unknown>][] = [
  ["listLicenseGroups", (r) => csp2.listLicenseGroups(r)],
  ["getTenant", (r) => csp2.getTenant(r, serviceName)],
  [
    "updateTenant",
    (r) =>
      csp2.updateTenant(r, serviceName, {
        displayName: "Contoso",
        firstName: "Ada",
        lastName: "Lovelace",
        email: "it@contoso.example",
        phone: "+33.123456789",
        address: "1 rue de la Paix",
        city: "Paris",
        zipCode: "75002",
        mpnId: null,
      }),
  ],
  ["getBillingPeriodPeaks", (r) => csp2.getBillingPeriodPeaks(r, serviceName)],
  ["getUsageStatistics", (r) => csp2.getUsageStatistics(r, serviceName, "lastMonth")],
  ["listOrderableLicenses", (r) => csp2.listOrderableLicenses(r, serviceName)],
  ["getOrderableLicense", (r) => csp2.getOrderableLicense(r, serviceName, 11)],
  ["getServiceInfos", (r) => csp2.getServiceInfos(r, serviceName)],
  [
    "updateServiceInfos",
    (r) => csp2.updateServiceInfos(r, serviceName, { renew: { automatic: true, deleteAtExpiration: false, forced: false, manualPayment: null, period: 12 } }),
  ],
  ["listSubscriptions", (r) => csp2.listSubscriptions(r, serviceName)],
  ["getSubscription", (r) => csp2.getSubscription(r, serviceName, 42)],
  ["findSubscription", (r) => csp2.findSubscription(r, serviceName, 42)],
  ["createSubscription", (r) => csp2.createSubscription(r, serviceName, { licenseId: 11, quantity: 5 })],
  ["deleteSubscription", (r) => csp2.deleteSubscription(r, serviceName, 42)],
  ["changeQuantity", (r) => csp2.changeQuantity(r, serviceName, 42, { quantity: 8 })],
  ["listAddonsSubscriptionIds", (r) => csp2.listAddonsSubscriptionIds(r, serviceName, 42)],
  ["fetchAddonParents", (r) => csp2.fetchAddonParents(r, serviceName, [42, 43])],
  ["listAvailableAddonLicenses", (r) => csp2.listAvailableAddonLicenses(r, serviceName, 42)],
  ["orderAddon", (r) => csp2.orderAddon(r, serviceName, 42, { licenseId: 21, quantity: 2 })],
  ["listTasks", (r) => csp2.listTasks(r, serviceName)],
  ["getTask", (r) => csp2.getTask(r, serviceName, 7)],
  ["waitForTask", (r) => csp2.waitForTask(r, serviceName, 7, instantly)],
  ["waitForTaskEnd", (r) => csp2.waitForTaskEnd(r, serviceName, 7, instantly)],
  ["pendingTasks", (r) => csp2.pendingTasks(r, serviceName, [7])],
  ["fetchSubscriptions", (r) => csp2.fetchSubscriptions(r, serviceName, { only: (id) => id > 0 })],
  ["tryFetchSubscriptions", (r) => csp2.tryFetchSubscriptions(r, serviceName)],
  ["fetchPendingTasks", (r) => csp2.fetchPendingTasks(r, serviceName, { recentLimit: 5 })],
  ["fetchOrderableLicenses", (r) => csp2.fetchOrderableLicenses(r, serviceName)],
  ["fetchTasks", (r) => csp2.fetchTasks(r, serviceName)],
  ["fetchLicenseGroups", (r) => csp2.fetchLicenseGroups(r)],
  ["listCarts", (r) => csp2.listCarts(r, { description: "pulumi" })],
  ["createCart", (r) => csp2.createCart(r, { ovhSubsidiary: "FR", description: "pulumi", expire: "2024-05-02T10:00:00+02:00" })],
  ["getCart", (r) => csp2.getCart(r, cartId)],
  ["updateCart", (r) => csp2.updateCart(r, cartId, { description: "pulumi", expire: "2024-05-02T10:00:00+02:00" })],
  ["deleteCart", (r) => csp2.deleteCart(r, cartId)],
  ["assignCart", (r) => csp2.assignCart(r, cartId)],
  ["listCsp2Offers", (r) => csp2.listCsp2Offers(r, cartId)],
  ["addCsp2Item", (r) => csp2.addCsp2Item(r, cartId, { planCode, duration: "P1M", pricingMode: "default", quantity: 1 })],
  ["listCsp2Options", (r) => csp2.listCsp2Options(r, cartId, planCode)],
  ["addCsp2Option", (r) => csp2.addCsp2Option(r, cartId, { itemId: 5, planCode: "csp2-option", duration: "P1M", pricingMode: "default", quantity: 1 })],
  ["listCartItems", (r) => csp2.listCartItems(r, cartId)],
  ["getCartItem", (r) => csp2.getCartItem(r, cartId, 5)],
  ["updateCartItem", (r) => csp2.updateCartItem(r, cartId, 5, { duration: "P1Y", quantity: 1 })],
  ["deleteCartItem", (r) => csp2.deleteCartItem(r, cartId, 5)],
  ["listItemConfigurations", (r) => csp2.listItemConfigurations(r, cartId, 5, { label: "tenant_name" })],
  ["addItemConfiguration", (r) => csp2.addItemConfiguration(r, cartId, 5, { label: "tenant_name", value: "contoso" })],
  ["getItemConfiguration", (r) => csp2.getItemConfiguration(r, cartId, 5, 6)],
  ["deleteItemConfiguration", (r) => csp2.deleteItemConfiguration(r, cartId, 5, 6)],
  ["getRequiredConfiguration", (r) => csp2.getRequiredConfiguration(r, cartId, 5)],
  ["getCheckout", (r) => csp2.getCheckout(r, cartId)],
  ["checkoutCart", (r) => csp2.checkoutCart(r, cartId, { autoPayWithPreferredPaymentMethod: true, waiveRetractationPeriod: false })],
  ["listOrders", (r) => csp2.listOrders(r, { "date.from": "2024-01-01T00:00:00Z", "date.to": "2024-06-01T00:00:00Z" })],
  ["getOrder", (r) => csp2.getOrder(r, 9001)],
  ["getOrderAssociatedObject", (r) => csp2.getOrderAssociatedObject(r, 9001)],
  ["getOrderStatus", (r) => csp2.getOrderStatus(r, 9001)],
  ["listOrderDetails", (r) => csp2.listOrderDetails(r, 9001)],
  ["getOrderDetail", (r) => csp2.getOrderDetail(r, 9001, 3)],
  ["getOrderDetailExtension", (r) => csp2.getOrderDetailExtension(r, 9001, 3)],
  ["payWithRegisteredPaymentMean", (r) => csp2.payWithRegisteredPaymentMean(r, 9001, { paymentMean: "creditCard", paymentMeanId: 3 })],
  [
    "orderLicenseGroup",
    (r) =>
      csp2.orderLicenseGroup(r, {
        ovhSubsidiary: "fr",
        planCode,
        duration: "P1M",
        pricingMode: "default",
        configurations: [{ label: "tenant_name", value: "contoso" }],
        autoPay: true,
        description: "pulumi",
      }),
  ],
  ["orderLicenseGroup", (r) => csp2.orderLicenseGroup(r, { ovhSubsidiary: "FR", planCode, duration: "P1M", pricingMode: "default", autoPay: false })],
  ["waitForOrderDelivery", (r) => csp2.waitForOrderDelivery(r, 9001, { planCode, ...instantly })],
  ["deliveredServiceName", (r) => csp2.deliveredServiceName(r, 9001, planCode)],
  ["waitForOrderDelivered", (r) => csp2.waitForOrderDelivered(r, 9001, instantly)],
  ["listServices", (r) => csp2.listServices(r, { resourceName: serviceName, routes: "/saas/csp2", orderBy: "serviceId", sort: "asc" })],
  ["getService", (r) => csp2.getService(r, 77)],
  ["updateService", (r) => csp2.updateService(r, 77, { displayName: "Contoso", renew: { mode: "automatic", period: "P1M" }, terminationPolicy: "empty" })],
  ["terminateService", (r) => csp2.terminateService(r, 77)],
  ["confirmServiceTermination", (r) => csp2.confirmServiceTermination(r, 77, "termination-token")],
];

/** Exported functions that send nothing themselves: pure checks, the schedule, formatting, usage series, and the generic sender. */
const sendsNothing = new Set([
  "addSeries",
  "call",
  "checkRequiredConfigurations",
  "checkSeatChange",
  "describeValue",
  "nextPollDelay",
  "subscriptionsInOneCall",
  "normalizeLicenseName",
  "pollUntil",
  "resolveLicense",
  "seatChanges",
  "seriesByLicense",
  "validateLicenseGroupOrder",
]);

const isClass = (value: unknown) => typeof value === "function" && /^class[\s{]/.test(Function.prototype.toString.call(value));

describe("csp2 client contract with the OVH schema", () => {
  const recorded = new Map<string, OvhRequest[]>();

  beforeAll(async () => {
    for (const [name, run] of exercises) {
      const requester = new RecordingRequester();
      await run(requester);
      recorded.set(name, [...(recorded.get(name) ?? []), ...requester.calls]);
    }
  });

  it("exercises every exported function that talks to OVH", () => {
    const exported = Object.entries(csp2)
      .filter(([name, value]) => typeof value === "function" && !isClass(value) && !sendsNothing.has(name))
      .map(([name]) => name)
      .sort();
    expect([...new Set(exercises.map(([name]) => name))].sort()).toEqual(exported);
  });

  it.each(exercises.map(([name]) => name).filter((name, index, all) => all.indexOf(name) === index))("%s sends only requests the schema declares", (name) => {
    const requests = recorded.get(name) ?? [];
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.flatMap(requestProblems)).toEqual([]);
  });

  it("covers every operation of the wrapped schema sections", () => {
    const sent = new Set([...recorded.values()].flat().map((request) => operationFor(request).key));
    expect(operations.map((operation) => operation.key).filter((key) => !sent.has(key))).toEqual([]);
  });

  it("the checker itself catches what it should", () => {
    const bad: OvhRequest[] = [
      { method: "PATCH" as "PUT", path: "/saas/csp2/x" },
      { method: "GET", path: "/saas/csp2/x/task/abc" },
      { method: "GET", path: "/saas/csp2/office 1/task/1" },
      { method: "GET", path: "/services", query: { resource: "x" } },
      { method: "GET", path: "/saas/csp2/x/usageStatistics" },
      { method: "GET", path: "/saas/csp2/x/usageStatistics", query: { timePeriod: "lastCentury" } },
      { method: "POST", path: "/saas/csp2/x/subscription", body: { licenseId: 1 } },
      { method: "POST", path: "/saas/csp2/x/subscription", body: { licenseId: "1", quantity: 2 } },
      { method: "PUT", path: "/saas/csp2/x", body: { status: "ok" } },
      { method: "PUT", path: "/saas/csp2/x", body: { seats: 3 } },
      { method: "POST", path: "/me/order/1/payWithRegisteredPaymentMean", body: { paymentMeanId: 3 } },
      { method: "POST", path: "/order/cart/c/assign", body: {} },
      { method: "GET", path: "/saas/csp2/x", noAuth: true },
    ];
    const verdicts = bad.map((request) => {
      try {
        return requestProblems(request).join("; ");
      } catch (error) {
        return (error as Error).message;
      }
    });
    expect(verdicts).toEqual([
      "PATCH /saas/csp2/x matches 0 schema operations (that path has: GET /saas/csp2/{serviceName}, PUT /saas/csp2/{serviceName})",
      'GET /saas/csp2/{serviceName}/task/{id} path {id}: "abc" is not a long',
      'GET /saas/csp2/{serviceName}/task/{id} path {serviceName}: "office 1" is not percent-encoded',
      "GET /services query resource: not a query parameter (has: orderBy, resourceName, routes, sort)",
      "GET /saas/csp2/{serviceName}/usageStatistics query timePeriod: required, missing",
      'GET /saas/csp2/{serviceName}/usageStatistics query timePeriod: "lastCentury" is not a msServices.LicensePeriodEnum (lastMonth, lastQuarter, lastWeek, lastYear)',
      "POST /saas/csp2/{serviceName}/subscription body.quantity: required by saas.csp2.SubscriptionCreation, missing",
      'POST /saas/csp2/{serviceName}/subscription body.licenseId: expected long, got "1"',
      "PUT /saas/csp2/{serviceName} body.status: read-only in saas.csp2.OfficeTenant",
      "PUT /saas/csp2/{serviceName} body.seats: not a property of saas.csp2.OfficeTenant",
      "POST /me/order/{orderId}/payWithRegisteredPaymentMean body.paymentMean: required by body parameters, missing",
      "POST /order/cart/{cartId}/assign body: the operation takes none, got {}",
      "GET /saas/csp2/{serviceName} is sent without authentication, which the schema does not allow",
    ]);
  });
});
