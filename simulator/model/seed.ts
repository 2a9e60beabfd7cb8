import { DAY_MS, HOUR_MS } from "../time";
import { DEFAULT_LICENSES } from "./catalogue";
import { addLicenseGroup, insertSubscription, setSubscriptionQuantity, type TenantFields } from "./groups";
import type { LicenseGroupState, SimulatorState, SubscriptionState } from "./state";

/** Seats a subscription held in the past, and until when. */
export interface SeedSeats {
  seats: number;
  /** How many hours ago the next count (or the subscription's `seats`) took over. */
  untilHoursAgo: number;
}

export interface SeedSubscription {
  /** Licence name (as in `orderableLicenses`) or id. */
  license: string | number;
  /** Seats now (for an ended subscription: until it ended). */
  seats: number;
  /** How long ago the subscription was created (default 30 days: outside the seat-decrease window). */
  ageHours?: number;
  /**
   * Its seat history before `seats`, oldest first: it was created with the first entry's seats, and each count held
   * until its `untilHoursAgo`, when the next one took over. The usage statistics replay it; a change that raised the
   * seats counts as the last seat increase (Microsoft's decrease window).
   */
  earlierSeats?: SeedSeats[];
  /**
   * Ended (deleted) that many hours ago: the subscription is listed nowhere, and only the usage statistics still count
   * its seats until then. It takes no add-ons.
   */
  endedHoursAgo?: number;
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
      // Decreases come a few days after an increase, within Microsoft's window; the last increase is older than it.
      subscriptions: [
        {
          license: "Microsoft 365 Business Basic",
          seats: 25,
          ageHours: days(120),
          earlierSeats: seatsUntilDaysAgo([12, 100], [18, 97], [16, 60], [22, 30], [28, 27]),
        },
        {
          license: "Microsoft 365 Business Standard",
          seats: 10,
          ageHours: days(60),
          earlierSeats: seatsUntilDaysAgo([6, 40], [8, 15]),
          // Bought with its base licence, seat for seat.
          addons: [{ license: "Microsoft Defender for Office 365 (Plan 1)", seats: 10, ageHours: days(60), earlierSeats: seatsUntilDaysAgo([6, 40], [8, 15]) }],
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
        {
          license: "Exchange Online (Plan 1)",
          seats: 5,
          ageHours: days(200),
          earlierSeats: seatsUntilDaysAgo([3, 150], [4, 50], [6, 48]),
        },
        { license: "Office 365 ProPlus", seats: 3, ageHours: days(800) },
        // Ended: a licence with no seats since, still in the usage statistics of the months before.
        { license: "Office 365 E1", seats: 2, ageHours: days(300), endedHoursAgo: days(45) },
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
      // Created three days ago (with 45 seats, lowered to 40 since): its seats can still be decreased.
      subscriptions: [{ license: "Office 365 E3", seats: 40, ageHours: 72, earlierSeats: [{ seats: 45, untilHoursAgo: 30 }] }],
    },
  ],
};

export const EMPTY_SEED: SeedSpec = { groups: [] };

function days(count: number): number {
  return count * 24;
}

/** A seed's `earlierSeats` from [seats, until how many days ago] pairs, oldest first. */
function seatsUntilDaysAgo(...history: [seats: number, daysAgo: number][]): SeedSeats[] {
  return history.map(([seats, daysAgo]) => ({ seats, untilHoursAgo: days(daysAgo) }));
}

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
      if (seedSubscription.endedHoursAgo !== undefined) {
        recordEndedSubscription(state, group, seedSubscription, now);
        continue;
      }
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
  if (seed.endedHoursAgo !== undefined) throw new Error(`Seed add-on ${JSON.stringify(seed.license)} has endedHoursAgo: only a base subscription can have ended`);
  const history = seatHistory(seed, now);
  const createdAt = history[0].at;
  const subscription = insertSubscription(state, group, { licenseId: resolveLicenseId(state, seed.license), quantity: history[0].seats, parentSubscriptionId }, createdAt);
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
  applySeatHistory(group, subscription, history.slice(1));
  return subscription;
}

/** A seat count and when it took over. */
interface SeatsFrom {
  seats: number;
  at: number;
}

/**
 * When a seeded subscription held which seats: its creation first, then each change, `seats` last. Refuses a history
 * that does not go forward in time, or that starts before the subscription was created.
 */
export function seatHistory(seed: Pick<SeedSubscription, "license" | "seats" | "ageHours" | "earlierSeats" | "endedHoursAgo">, now: number): SeatsFrom[] {
  const subject = `Seed subscription ${JSON.stringify(seed.license)}`;
  const positiveSeats = (seats: number) => {
    if (!Number.isInteger(seats) || seats < 1) throw new Error(`Seed seats must be a positive integer, got ${seats}`);
    return seats;
  };
  const ageHours = seed.ageHours ?? 30 * 24;
  if (seed.earlierSeats !== undefined && !Array.isArray(seed.earlierSeats)) throw new Error(`${subject}: earlierSeats must be a list of {seats, untilHoursAgo}, oldest first`);
  const counts = [...(seed.earlierSeats ?? []).map((entry) => entry.seats), seed.seats].map(positiveSeats);
  const takeOverHoursAgo = [ageHours, ...(seed.earlierSeats ?? []).map((entry) => entry.untilHoursAgo)];
  for (let index = 1; index < takeOverHoursAgo.length; index++) {
    const hoursAgo = takeOverHoursAgo[index];
    if (!(typeof hoursAgo === "number" && hoursAgo >= 0 && hoursAgo < takeOverHoursAgo[index - 1])) {
      throw new Error(`${subject}: earlierSeats[${index - 1}].untilHoursAgo must be a number of hours from 0, below ageHours and below the entry before it, got ${hoursAgo}`);
    }
  }
  const endedHoursAgo = seed.endedHoursAgo;
  if (endedHoursAgo !== undefined && !(endedHoursAgo >= 0 && endedHoursAgo < takeOverHoursAgo[takeOverHoursAgo.length - 1])) {
    throw new Error(`${subject}: endedHoursAgo must be a number of hours from 0, below ageHours and every untilHoursAgo, got ${endedHoursAgo}`);
  }
  return counts.map((seats, index) => ({ seats, at: now - takeOverHoursAgo[index] * HOUR_MS }));
}

/** Replays seat changes on a subscription, as tasks done at those times would have left it. */
export function applySeatHistory(group: LicenseGroupState, subscription: SubscriptionState, changes: SeatsFrom[]): void {
  for (const change of changes) {
    if (change.seats !== subscription.quantity) setSubscriptionQuantity(group, subscription, change.seats, change.at);
  }
}

/**
 * A subscription that ended before the account starts: listed nowhere, so it takes no id of the account's (the ids of
 * every seeded subscription stay what they were); its seats count in the usage statistics until it ended.
 */
function recordEndedSubscription(state: SimulatorState, group: LicenseGroupState, seed: SeedSubscription, now: number): void {
  if ((seed.addons ?? []).length > 0) throw new Error(`Seed subscription ${JSON.stringify(seed.license)} has endedHoursAgo: it takes no add-ons`);
  const history = seatHistory(seed, now);
  const licenseId = resolveLicenseId(state, seed.license);
  const unlistedId = -(new Set(group.seatEvents.filter((event) => event.subscriptionId < 0).map((event) => event.subscriptionId)).size + 1);
  for (const { seats, at } of history) group.seatEvents.push({ at, subscriptionId: unlistedId, licenseId, quantity: seats });
  group.seatEvents.push({ at: now - (seed.endedHoursAgo as number) * HOUR_MS, subscriptionId: unlistedId, licenseId, quantity: 0 });
}
