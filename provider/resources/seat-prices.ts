/**
 * Money: what a reseller pays for one seat a month, and amounts counted from it. The currency is always the one the
 * reseller wrote (an ISO 4217 code), never guessed; amounts are rounded to that currency's minor unit.
 */

/** The monthly price of one seat of a licence. */
export interface SeatPrice {
  /**
   * The monthly price of one seat, in `currency` (e.g. 5.6).
   * @decimal
   */
  monthly: number;
  /** ISO 4217 currency code of the price, as the reseller gives it (e.g. EUR). */
  currency: string;
}

/** Prices of the seats of each licence, by licence name, in one currency. */
export interface SeatPrices {
  /** ISO 4217 code of every price. */
  currency: string;
  /** Monthly price of one seat, by licence name as written. */
  monthly: Record<string, number>;
}

/** The largest price of one seat a file or an input may give: past it, a typo is more likely than a price. */
export const maxSeatPrice = 100_000;

/** Why `value` is not an ISO 4217 code (three capital letters), or undefined. */
export function currencyProblem(value: unknown): string | undefined {
  if (typeof value === "string" && /^[A-Z]{3}$/.test(value)) return undefined;
  return `is ${JSON.stringify(value)}, not a currency code: write the ISO 4217 code of your prices, three capital letters such as EUR, GBP or CAD`;
}

/** Why `value` is not a usable amount of money from 0 to `max` (`what` says what it is), or undefined. */
export function amountProblem(value: unknown, what: string, max: number): string | undefined {
  if (typeof value !== "number" || !Number.isFinite(value)) return `is ${JSON.stringify(value)}, not a number: write ${what} as a number such as 5.60`;
  if (value < 0) return `is ${value}, less than 0: write ${what} as a number from 0 to ${max}`;
  if (value > max) return `is ${value}, more than ${max} (${what}): check for a typo`;
  return undefined;
}

/** Decimal places of the currency's minor unit (EUR 2, JPY 0, TND 3), from the runtime's ISO 4217 data. */
export function minorUnitDigits(currency: string): number {
  try {
    return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** `amount` rounded to the currency's minor unit. */
export function roundAmount(amount: number, currency: string): number {
  const scale = 10 ** minorUnitDigits(currency);
  return Math.round(amount * scale) / scale;
}

/** `1,260.00 EUR`: the amount with its minor unit's digits, thousands grouped, and the code as given. */
export function formatAmount(amount: number, currency: string): string {
  const digits = minorUnitDigits(currency);
  const text = new Intl.NumberFormat("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(roundAmount(amount, currency));
  return `${text} ${currency}`;
}

/** The amount as a plain decimal, for CSV: `1260.00`. */
export function plainAmount(amount: number, currency: string): string {
  return roundAmount(amount, currency).toFixed(minorUnitDigits(currency));
}

/** Licence names compare without case and extra spacing, as everywhere else. */
function licenseKey(name: string): string {
  return name.trim().replace(/\s+/g, " ").toLowerCase();
}

/** The price of a licence's seat, by its name (case and spacing ignored), if the prices give one. */
export function priceOf(prices: SeatPrices | undefined, licenseName: string): SeatPrice | undefined {
  if (!prices) return undefined;
  const key = licenseKey(licenseName);
  const found = Object.entries(prices.monthly).find(([name]) => licenseKey(name) === key);
  return found === undefined ? undefined : { monthly: found[1], currency: prices.currency };
}

/**
 * Why going from `current` to `wanted` seats breaks the `maxMonthlyIncrease` guard rail, or undefined. Only an increase
 * counts (a decrease lowers the bill); an order counts from 0 seats.
 */
export function monthlyIncreaseProblem(current: unknown, wanted: unknown, seatPrice: unknown, maxMonthlyIncrease: unknown): string | undefined {
  if (typeof current !== "number" || typeof wanted !== "number" || typeof maxMonthlyIncrease !== "number") return undefined;
  if (!isSeatPrice(seatPrice)) return undefined;
  const added = wanted - current;
  const increase = added * seatPrice.monthly;
  if (added <= 0 || roundAmount(increase, seatPrice.currency) <= maxMonthlyIncrease) return undefined;
  const { currency } = seatPrice;
  return (
    `${current} => ${wanted} adds ${added} seats at ${formatAmount(seatPrice.monthly, currency)} each, ${formatAmount(increase, currency)} a month, ` +
    `more than maxMonthlyIncrease (${formatAmount(maxMonthlyIncrease, currency)}) allows in one run: change the seats in smaller steps, ` +
    `or raise maxMonthlyIncrease if this change is intended`
  );
}

export function isSeatPrice(value: unknown): value is SeatPrice {
  if (typeof value !== "object" || value === null) return false;
  const { monthly, currency } = value as Partial<SeatPrice>;
  return typeof monthly === "number" && Number.isFinite(monthly) && typeof currency === "string";
}
