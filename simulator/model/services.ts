import { randomBytes } from "crypto";
import { badRequest, forbidden, objectNotFound } from "../ovh-errors";
import { formatDate, formatDatetime, formatNullableDatetime } from "../time";
import type { Account } from "./account";
import { CSP2_PLANS } from "./catalogue";
import { refreshExpiration } from "./groups";
import type { LicenseGroupState } from "./state";

/** `/services`: the billing view of each licence group, and termination. */
function groupByServiceId(account: Account, serviceId: number): LicenseGroupState {
  const group = Object.values(account.state.groups).find((g) => g.service.serviceId === serviceId);
  if (!group) throw objectNotFound("serviceId", serviceId);
  return group;
}

const ROUTE_PATH = "/saas/csp2/{serviceName}";

export function serviceIds(account: Account, filters: { resourceName?: string; routes?: string }): number[] {
  const routeMatches = filters.routes === undefined || filters.routes.split(",").some((r) => r.trim() === ROUTE_PATH);
  if (!routeMatches) return [];
  return Object.values(account.state.groups)
    .filter((g) => g.service.terminatedAt === null)
    .filter((g) => filters.resourceName === undefined || g.serviceName === filters.resourceName)
    .map((g) => g.service.serviceId)
    .sort((a, b) => a - b);
}

export function serviceView(account: Account, serviceId: number): Record<string, unknown> {
  const group = groupByServiceId(account, serviceId);
  const s = group.service;
  const terminated = s.terminatedAt !== null;
  if (!terminated) refreshExpiration(group, account.now());
  const plan = CSP2_PLANS[0];
  return {
    billing: {
      engagement: null,
      engagementRequest: null,
      expirationDate: formatDatetime(s.expiration),
      group: null,
      lifecycle: {
        capacities: { actions: terminated ? [] : ["terminate"] },
        current: {
          creationDate: formatDatetime(s.creation),
          pendingActions: s.terminationToken !== null && !terminated ? ["terminate"] : [],
          state: terminated ? "terminated" : "active",
          terminationDate: formatNullableDatetime(s.terminatedAt),
        },
      },
      nextBillingDate: terminated ? null : formatDatetime(s.expiration),
      plan: { code: plan.planCode, invoiceName: plan.productName },
      pricing: null,
      renew: {
        capacities: { mode: ["automatic", "manual"] },
        current: { mode: s.renewMode, nextDate: terminated ? null : formatDatetime(s.expiration), period: s.renewPeriod },
      },
    },
    customer: {
      contacts: (["administrator", "billing", "technical"] as const).map((type) => ({ customerCode: account.state.nichandle, type })),
    },
    parentServiceId: null,
    resource: {
      displayName: s.displayName ?? group.tenant.displayName,
      name: group.serviceName,
      product: { description: "Office 365 Reseller (CSP2)", name: "csp2" },
      resellingProvider: null,
      state: terminated ? "deleted" : group.tenant.status === "suspended" ? "suspended" : "active",
    },
    route: { path: ROUTE_PATH, url: `/saas/csp2/${group.serviceName}`, vars: [{ key: "serviceName", value: group.serviceName }] },
    serviceId: s.serviceId,
    tags: [],
  };
}

export function updateService(
  account: Account,
  serviceId: number,
  body: { displayName?: string | null; renew?: { mode?: "automatic" | "manual"; period?: string } | null; terminationPolicy?: string | null },
): void {
  const group = groupByServiceId(account, serviceId);
  const s = group.service;
  if (s.terminatedAt !== null) throw forbidden(`Service ${serviceId} is terminated and can no longer be changed`);
  if (body.displayName !== undefined) s.displayName = body.displayName;
  if (body.renew) {
    if (body.renew.mode) s.renewMode = body.renew.mode;
    if (body.renew.period) {
      if (body.renew.period !== "P1M") throw badRequest(`[renew.period] ${body.renew.period} is not a renewal period of this service (allowed: P1M)`);
      s.renewPeriod = body.renew.period;
    }
    s.renew.automatic = s.renewMode === "automatic";
  }
  if (body.terminationPolicy !== undefined && body.terminationPolicy !== null) {
    s.terminationPolicy = body.terminationPolicy as typeof s.terminationPolicy;
  }
  account.markChanged();
}

/** OVH e-mails a token to the account's contact; the admin API exposes it in place of the mailbox. */
export function requestTermination(account: Account, serviceId: number): Record<string, unknown> {
  const group = groupByServiceId(account, serviceId);
  if (group.service.terminatedAt !== null) throw badRequest(`Service ${serviceId} (${group.serviceName}) is already terminated`);
  group.service.terminationToken = randomBytes(20).toString("hex");
  account.markChanged();
  return {
    message: `A termination request for ${group.serviceName} has been registered: confirm it with the token e-mailed to the administrator contact (${account.state.nichandle}) through POST /services/${serviceId}/terminate/confirm`,
  };
}

export function confirmTermination(account: Account, serviceId: number, body: { token: string }): Record<string, unknown> {
  const group = groupByServiceId(account, serviceId);
  const s = group.service;
  if (s.terminatedAt !== null) throw badRequest(`Service ${serviceId} (${group.serviceName}) is already terminated`);
  if (s.terminationToken === null) throw forbidden(`No termination was requested for service ${serviceId}: call POST /services/${serviceId}/terminate first`);
  if (body.token !== s.terminationToken) throw forbidden(`[token] The termination token is invalid: use the token from the latest termination e-mail`);
  s.terminatedAt = account.now();
  s.terminationToken = null;
  account.markChanged();
  return { message: `Service ${group.serviceName} has been terminated on ${formatDate(s.terminatedAt)}` };
}

export function terminationToken(account: Account, serviceId: number): string | null {
  return groupByServiceId(account, serviceId).service.terminationToken;
}
