/**
 * Typed calls for OVH's Office 365 reseller API (`/saas/csp2`), the order cart, `/me/order` and `/services`, plus
 * the flows built on them: waiting for tasks and orders, ordering a licence group, resolving licences. Every call
 * takes an `OvhRequester` first; nothing here knows about Pulumi.
 */
export * from "./models";
export { call, type OperationKey, type OperationParameters, type OperationResponse } from "./call";
export * from "./errors";
export * from "./polling";
export * from "./tenant";
export * from "./subscriptions";
export * from "./tasks";
export * from "./cart";
export * from "./order";
export * from "./services";
export * from "./licenses";
export * from "./usage";
