import type { LicenseState } from "./state";

/**
 * Invented licence ids: OVH does not publish its CSP2 catalogue. Names are Microsoft's. Code outside the
 * simulator must discover ids through `orderableLicenses`, never hard-code these.
 */
const DEFENDER_P1 = 10631;
const AUDIO_CONFERENCING = 10634;
const EXCHANGE_ARCHIVING = 10637;

export const DEFAULT_LICENSES: readonly LicenseState[] = [
  license(10457, "Microsoft 365 Business Basic", 300, [DEFENDER_P1, AUDIO_CONFERENCING]),
  license(10458, "Microsoft 365 Business Standard", 300, [DEFENDER_P1, AUDIO_CONFERENCING]),
  license(10459, "Microsoft 365 Business Premium", 300, [AUDIO_CONFERENCING]),
  license(10470, "Office 365 E1", null, [DEFENDER_P1, AUDIO_CONFERENCING, EXCHANGE_ARCHIVING]),
  license(10471, "Office 365 E3", null, [DEFENDER_P1, AUDIO_CONFERENCING, EXCHANGE_ARCHIVING]),
  license(10480, "Exchange Online (Plan 1)", null, [DEFENDER_P1, EXCHANGE_ARCHIVING]),
  // Retired offers: existing subscriptions live on, nothing new may be sold.
  { ...license(10301, "Office 365 Business Essentials", 300, [DEFENDER_P1]), newSubscriptionsAllowed: false },
  { ...license(10302, "Office 365 ProPlus", null, []), newSubscriptionsAllowed: false, newSeatsAllowed: false },
  addon(DEFENDER_P1, "Microsoft Defender for Office 365 (Plan 1)"),
  addon(AUDIO_CONFERENCING, "Microsoft 365 Audio Conferencing"),
  addon(EXCHANGE_ARCHIVING, "Exchange Online Archiving for Exchange Online"),
];

function license(id: number, name: string, limit: number | null, addonIds: number[]): LicenseState {
  return { id, name, licenceType: "NON-SPECIFIC", limit, newSeatsAllowed: true, newSubscriptionsAllowed: true, addonIds };
}

function addon(id: number, name: string): LicenseState {
  return { id, name, licenceType: "ADDON", limit: null, newSeatsAllowed: true, newSubscriptionsAllowed: true, addonIds: [] };
}

export interface PlanPrice {
  duration: string;
  pricingMode: string;
  description: string;
  interval: number;
  capacities: string[];
}

export interface PlanDefinition {
  planCode: string;
  productName: string;
  maximumQuantity: number;
  prices: PlanPrice[];
}

/** Invented plan codes for ordering a licence group through the cart (`/order/cart/{cartId}/csp2`). */
export const CSP2_PLANS: readonly PlanDefinition[] = [
  {
    planCode: "csp2-office365-reseller",
    productName: "Office 365 Reseller (CSP2) licence group",
    maximumQuantity: 1,
    prices: [
      { duration: "P1M", pricingMode: "default", description: "Monthly licence group", interval: 1, capacities: ["installation", "renew"] },
      { duration: "P1Y", pricingMode: "upfront12", description: "Yearly licence group, paid upfront", interval: 12, capacities: ["installation", "renew"] },
    ],
  },
];

export function planByCode(planCode: string): PlanDefinition | undefined {
  return CSP2_PLANS.find((p) => p.planCode === planCode);
}

/** What the simulator charges for everything. */
export const ZERO_EUR = { currencyCode: "EUR", priceInUcents: 0, text: "0.00 €", value: 0 };
