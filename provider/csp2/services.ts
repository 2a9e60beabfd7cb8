import type { OvhRequester } from "../ovh/types";
import { call } from "./call";
import type { ExpandedService, OvhOperations, TerminationAnswer, UpdateService } from "./models";

export type ServiceListQuery = NonNullable<OvhOperations["GET /services"]["query"]>;

/** Ids of the account's services, e.g. `{ resourceName: serviceName }` for a licence group's. */
export function listServices(requester: OvhRequester, query: ServiceListQuery = {}): Promise<number[]> {
  return call(requester, "GET /services", { query });
}

export function getService(requester: OvhRequester, serviceId: number): Promise<ExpandedService> {
  return call(requester, "GET /services/{serviceId}", { path: { serviceId } });
}

export function updateService(requester: OvhRequester, serviceId: number, changes: UpdateService): Promise<void> {
  return call(requester, "PUT /services/{serviceId}", { path: { serviceId }, body: changes });
}

/**
 * Asks OVH to terminate the service. Nothing ends yet: OVH e-mails a confirmation token to the administrative
 * contact, to be passed to `confirmServiceTermination` (or confirmed through the e-mail's link).
 */
export function terminateService(requester: OvhRequester, serviceId: number): Promise<TerminationAnswer> {
  return call(requester, "POST /services/{serviceId}/terminate", { path: { serviceId } });
}

/** Confirms a termination with the token OVH e-mailed. The token is a secret: it is sent, never logged. */
export function confirmServiceTermination(requester: OvhRequester, serviceId: number, token: string): Promise<TerminationAnswer> {
  return call(requester, "POST /services/{serviceId}/terminate/confirm", { path: { serviceId }, body: { token } });
}
