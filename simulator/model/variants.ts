import { LIST_MODES, type ListMode } from "../list-mode";

/**
 * Behaviours OVH does not publish. Each is a per-process setting, so a client can be checked against every
 * plausible variant; the defaults are the simulator's original guesses.
 */
export interface VariantSettings {
  /** What `GET …/task/{id}` answers once a task has ended: still there (`kept`) or 404 (`vanish`, and `GET …/task` lists only pending ones). */
  finishedTasks: "kept" | "vanish";
  /** Status of the refusal of a change while a task is pending on the subscription (400 and 403 do not name the task). */
  pendingTaskRefusal: 409 | 400 | 403;
  /** A deleted subscription is gone at once (`vanish`) or stays listed with `deletedSubscriptionStatus` for `deletedSubscriptionLingerMs` (`linger`). */
  deletedSubscriptions: "vanish" | "linger";
  /** `status` of a lingering deleted subscription. */
  deletedSubscriptionStatus: string;
  /** How long a deleted subscription lingers before it disappears. */
  deletedSubscriptionLingerMs: number;
  /** A seat decrease outside Microsoft's window is refused with 403 at once (`immediate`) or accepted as a task that ends in `error` (`taskError`). */
  seatDecreaseRefusal: "immediate" | "taskError";
  /** Ordering a subscription or an add-on needs the tenant's MPN ID (Microsoft Partner Network id). */
  mpnIdRequired: boolean;
  /** A csp2 cart item requires no configuration (`none`) or some, checked at checkout (`required`). */
  groupOrderConfigurations: "none" | "required";
  /** How the gateway treats list mode (`X-Pagination-Mode: CachedObjectList-Pages`): see list-mode.ts. */
  listMode: ListMode;
  /** For how long after a seat-change task is done reads still show the subscription's old seat count. */
  seatChangeLagMs: number;
  /** For how long after its creation task is done a new subscription is neither listed nor readable (404). */
  newSubscriptionLagMs: number;
  /** For how long after its deletion task is done a deleted subscription is still listed and read as it was. */
  deletedSubscriptionLagMs: number;
  /** For how long after its order is delivered a new licence group is neither listed nor readable (404). */
  deliveredGroupLagMs: number;
  /** OVH's billing period: the calendar month (Paris time), or the month since the group's last monthly renewal. */
  billingPeriod: "calendarMonth" | "serviceRenewal";
  /** A seat decrease within Microsoft's window leaves the period's peak as it was (`kept`), or lowers it: Microsoft refunds the seats (`loweredInWindow`). */
  peakAfterDecrease: "kept" | "loweredInWindow";
}

export const DEFAULT_VARIANTS: Readonly<VariantSettings> = {
  finishedTasks: "kept",
  pendingTaskRefusal: 409,
  deletedSubscriptions: "vanish",
  deletedSubscriptionStatus: "terminated",
  deletedSubscriptionLingerMs: 60_000,
  seatDecreaseRefusal: "immediate",
  mpnIdRequired: false,
  groupOrderConfigurations: "none",
  listMode: "honoured",
  seatChangeLagMs: 0,
  newSubscriptionLagMs: 0,
  deletedSubscriptionLagMs: 0,
  deliveredGroupLagMs: 0,
  billingPeriod: "calendarMonth",
  peakAfterDecrease: "kept",
};

export type VariantName = keyof VariantSettings;

interface VariantRule {
  accepts: (value: unknown) => boolean;
  /** What the setting takes, as said in a refusal. */
  allowed: string;
}

function oneOf(values: readonly (string | number)[]): VariantRule {
  return {
    accepts: (value) => values.includes(value as string | number),
    allowed: `one of ${values.map((v) => JSON.stringify(v)).join(", ")}`,
  };
}

const milliseconds: VariantRule = {
  accepts: (value) => typeof value === "number" && Number.isSafeInteger(value) && value >= 0,
  allowed: "a whole number of milliseconds, 0 or more",
};

const RULES: Readonly<Record<VariantName, VariantRule>> = {
  finishedTasks: oneOf(["kept", "vanish"]),
  pendingTaskRefusal: oneOf([409, 400, 403]),
  deletedSubscriptions: oneOf(["vanish", "linger"]),
  deletedSubscriptionStatus: { accepts: (value) => typeof value === "string" && value.trim() !== "", allowed: "a non-empty string" },
  deletedSubscriptionLingerMs: milliseconds,
  seatDecreaseRefusal: oneOf(["immediate", "taskError"]),
  mpnIdRequired: { accepts: (value) => typeof value === "boolean", allowed: "true or false" },
  groupOrderConfigurations: oneOf(["none", "required"]),
  listMode: oneOf(LIST_MODES),
  seatChangeLagMs: milliseconds,
  newSubscriptionLagMs: milliseconds,
  deletedSubscriptionLagMs: milliseconds,
  deliveredGroupLagMs: milliseconds,
  billingPeriod: oneOf(["calendarMonth", "serviceRenewal"]),
  peakAfterDecrease: oneOf(["kept", "loweredInWindow"]),
};

export const VARIANT_NAMES: readonly VariantName[] = Object.keys(DEFAULT_VARIANTS) as VariantName[];

export function isVariantName(name: string): name is VariantName {
  return (VARIANT_NAMES as readonly string[]).includes(name);
}

/** Why a value does not fit a variant setting (naming the setting and what it takes), or undefined when it does. */
export function variantProblem(name: VariantName, value: unknown): string | undefined {
  const rule = RULES[name];
  return rule.accepts(value) ? undefined : `${name} must be ${rule.allowed}, got ${JSON.stringify(value)}`;
}

/** The variant settings given in `source` (others left out), or the first problem found. */
export function pickVariants(source: Readonly<Record<string, unknown>>): { variants: Partial<VariantSettings> } | { problem: string } {
  const variants: Record<string, unknown> = {};
  for (const name of VARIANT_NAMES) {
    const value = source[name];
    if (value === undefined) continue;
    const problem = variantProblem(name, value);
    if (problem) return { problem };
    variants[name] = value;
  }
  return { variants: variants as Partial<VariantSettings> };
}
