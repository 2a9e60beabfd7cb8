import { DAY_MS, HOUR_MS } from "../time";
import { DEFAULT_LICENSES } from "./catalogue";
import { addLicenseGroup, insertSubscription, type TenantFields } from "./groups";
import type { LicenseGroupState, SimulatorState, SubscriptionState } from "./state";

export interface SeedSubscription {
  /** Licence name (as in `orderableLicenses`) or id. */
  license: string | number;
  seats: number;
  /** How long ago the subscription was created (default 30 days: outside the seat-decrease window). */
  ageHours?: number;
  addons?: SeedSubscription[];
}

export interface SeedLicenseGroup {
  serviceName: string;
  tenant?: Partial<TenantFields>;
  ageDays?: number;
  subscriptions?: SeedSubscription[];
}

/** The account a simulator starts with when there is no state file yet. */
export interface SeedSpec {
  nichandle?: string;
  groups: SeedLicenseGroup[];
}

export const DEMO_SEED: SeedSpec = {
  nichandle: "ab12345-ovh",
  groups: [
    {
      serviceName: "csp2-1f4a7c92",
      ageDays: 400,
      tenant: {
        displayName: "Acme Corp",
        firstName: "Camille",
        lastName: "Durand",
        email: "it@acme.example",
        phone: "+33.972101007",
        address: "12 rue de la Paix",
        city: "Paris",
        zipCode: "75002",
      },
      subscriptions: [
        { license: "Microsoft 365 Business Basic", seats: 25, ageHours: 120 * 24 },
        {
          license: "Microsoft 365 Business Standard",
          seats: 10,
          ageHours: 60 * 24,
          addons: [{ license: "Microsoft Defender for Office 365 (Plan 1)", seats: 10, ageHours: 60 * 24 }],
        },
      ],
    },
    {
      serviceName: "csp2-8d03b5e6",
      ageDays: 900,
      tenant: {
        displayName: "Boulangerie Martin",
        firstName: "Louis",
        lastName: "Martin",
        email: "contact@boulangerie-martin.example",
        phone: "+33.478000000",
        address: "3 place Bellecour",
        city: "Lyon",
        zipCode: "69002",
      },
      subscriptions: [
        { license: "Exchange Online (Plan 1)", seats: 5, ageHours: 200 * 24 },
        { license: "Office 365 ProPlus", seats: 3, ageHours: 800 * 24 },
      ],
    },
    {
      serviceName: "csp2-5c7e2d10",
      ageDays: 10,
      tenant: {
        displayName: "Cabinet Dupont Avocats",
        firstName: "Claire",
        lastName: "Dupont",
        email: "admin@dupont-avocats.example",
        phone: "+33.556000000",
        address: "8 cours de l'Intendance",
        city: "Bordeaux",
        zipCode: "33000",
      },
      // Created three days ago: its seats can still be decreased.
      subscriptions: [{ license: "Office 365 E3", seats: 40, ageHours: 72 }],
    },
  ],
};

export const EMPTY_SEED: SeedSpec = { groups: [] };

export function createState(seed: SeedSpec, now: number): SimulatorState {
  const state: SimulatorState = {
    format: 1,
    nichandle: seed.nichandle ?? "ab12345-ovh",
    licences: DEFAULT_LICENSES.map((l) => ({ ...l, addonIds: [...l.addonIds] })),
    groups: {},
    carts: {},
    orders: {},
    nextIds: { subscription: 3001201, task: 9104001, service: 140023001, order: 201540001, orderDetail: 388120001, cartItem: 512001, configuration: 77001 },
    tokensValidAfter: 0,
  };
  for (const seedGroup of seed.groups) {
    const group = addLicenseGroup(state, seedGroup.serviceName, seedGroup.tenant ?? {}, now - (seedGroup.ageDays ?? 90) * DAY_MS);
    for (const seedSubscription of seedGroup.subscriptions ?? []) {
      const base = seedSubscriptionInto(state, group, seedSubscription, null, now);
      for (const addon of seedSubscription.addons ?? []) seedSubscriptionInto(state, group, addon, base.id, now);
    }
  }
  return state;
}

export function resolveLicenseId(state: SimulatorState, license: string | number): number {
  const found = state.licences.find((l) => (typeof license === "number" ? l.id === license : l.name === license));
  if (!found) {
    throw new Error(`Unknown licence ${JSON.stringify(license)}: use one of ${state.licences.map((l) => `"${l.name}" (${l.id})`).join(", ")}`);
  }
  return found.id;
}

function seedSubscriptionInto(
  state: SimulatorState,
  group: LicenseGroupState,
  seed: SeedSubscription,
  parentSubscriptionId: number | null,
  now: number,
): SubscriptionState {
  if (!Number.isInteger(seed.seats) || seed.seats < 1) throw new Error(`Seed seats must be a positive integer, got ${seed.seats}`);
  const createdAt = now - (seed.ageHours ?? 30 * 24) * HOUR_MS;
  const subscription = insertSubscription(state, group, { licenseId: resolveLicenseId(state, seed.license), quantity: seed.seats, parentSubscriptionId }, createdAt);
  const taskId = state.nextIds.task++;
  group.tasks[taskId] = {
    id: taskId,
    function: parentSubscriptionId === null ? "addSubscription" : "orderAddon",
    todoDate: createdAt - 5 * 60_000,
    startDate: createdAt - 4 * 60_000,
    endDate: createdAt,
    outcome: "done",
    finalStatus: "done",
    subscriptionId: parentSubscriptionId,
    licenseId: subscription.licenseId,
    quantity: subscription.quantity,
    createdSubscriptionId: subscription.id,
  };
  return subscription;
}
