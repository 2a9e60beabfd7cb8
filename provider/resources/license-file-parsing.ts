import * as fs from "node:fs";
import { basename, isAbsolute } from "node:path";
import * as YAML from "yaml";
import { z } from "zod";
import { serviceNameProblem } from "./input-checks";
import {
  LicenseFileError,
  addonAlsoLicenseMessage,
  adoptedTwiceMessage,
  displayNameProblem,
  emptyFileMessage,
  licenseNameProblem,
  listKeys,
  missingCurrencyMessage,
  nameWithoutLettersMessage,
  numberProblem,
  problemAt,
  problemsOfIssues,
  sameLicenseMessage,
  sameResourceNameMessage,
  sortByPosition,
  syntaxMessage,
  unreadableDataMessage,
  unreadableFileMessage,
  unpricedMessage,
  writtenPath,
  type LicenseFileProblem,
  type ListKey,
  type NumberRule,
  type PathSegment,
  type WrittenFile,
} from "./license-file-messages";
import { amountProblem, currencyProblem, maxSeatPrice, priceOf, type SeatPrice, type SeatPrices } from "./seat-prices";
import { maxSeats, maxTaskTimeoutMinutes, normalizeLicenseName } from "./subscription-rules";

/**
 * A licence file (`licences.yaml`): the licence groups a reseller manages, their licences and seat counts, reviewed
 * like code. Shape:
 *
 * ```yaml
 * defaults:                      # optional guard rails for every subscription
 *   maxSeatChange: 20
 *   maxMonthlyIncrease: 200      # the largest increase of the monthly bill one run may make (in `currency`)
 *   currency: EUR                # optional prices: the monthly price of one seat, per licence
 *   prices:
 *     Microsoft 365 Business Basic: 5.60
 * groups:
 *   csp2-1f4a7c92:               # the licence group's serviceName (adopted)
 *     displayName: Acme Corp
 *     maxSeatChange: 10          # overrides defaults for this group
 *     licences:                  # or licenses:, not both
 *       Microsoft 365 Business Basic:
 *         seats: 25
 *         subscriptionId: 3001201  # adopt the existing subscription instead of ordering one
 *         addons:
 *           Microsoft Defender for Office 365 (Plan 1):
 *             seats: 25
 * ```
 */

/** One subscription to declare: a licence of a group, or an add-on of one of its licences. */
export interface SubscriptionDeclaration {
  /** The licence name as written in the file. */
  license: string;
  seats: number;
  /** Adopt this existing subscription instead of ordering a new one. */
  subscriptionId?: number;
  /** For an add-on: the licence (of the same group) it extends. */
  addonOf?: string;
  /** Effective guard rail: the entry's own, else the group's, else the file's defaults. */
  maxSeatChange?: number;
  /** Effective task timeout, inherited the same way. */
  taskTimeoutMinutes?: number;
  /** The monthly price of one seat, from the file's `defaults.prices`. */
  seatPrice?: SeatPrice;
  /** Effective guard rail in money, inherited as `maxSeatChange` is. */
  maxMonthlyIncrease?: number;
  /** The Pulumi resource name; derived from the group and licence names so it stays the same across runs. */
  resourceName: string;
}

export interface LicenseGroupDeclaration {
  serviceName: string;
  displayName?: string;
  /** The group's guard rail (its own, else the file's default), inherited by its subscriptions. */
  maxSeatChange?: number;
  taskTimeoutMinutes?: number;
  maxMonthlyIncrease?: number;
  /** Each licence followed by its add-ons, in file order. */
  subscriptions: SubscriptionDeclaration[];
}

/** A validated licence file. */
export interface LicenseFile {
  groups: LicenseGroupDeclaration[];
  /** The monthly seat prices of `defaults`, when the file gives any. */
  prices?: SeatPrices;
}

const maxOvhId = Number.MAX_SAFE_INTEGER;
const maxDisplayNameLength = 100;
const maxLicenseNameLength = 200;

const seatsRule: NumberRule = {
  min: 1,
  max: maxSeats,
  what: "the number of seats",
  example: 5,
  belowMin: "a subscription has at least 1 seat; to end a subscription, delete its entry from the file instead",
};
const maxSeatChangeRule: NumberRule = { min: 1, max: maxSeats, what: "the largest seat change one run may make", example: 10 };
const taskTimeoutRule: NumberRule = { min: 1, max: maxTaskTimeoutMinutes, what: "minutes to wait for one OVH task", example: 30 };
const subscriptionIdRule: NumberRule = {
  min: 1,
  max: maxOvhId,
  what: "an OVH subscription id, as `ovh-office365 status <serviceName>` lists it",
  example: 3001201,
};

/** A value that `problem` accepts (undefined) or refuses with the fix; the value found goes into the issue. */
function checked<T>(problem: (value: unknown) => string | undefined) {
  return z.unknown().transform((value, ctx) => {
    const message = problem(value);
    if (message === undefined) return value as T;
    ctx.addIssue({ code: "custom", message, input: value });
    return z.NEVER;
  });
}

/** A key of a record, refused with the fix when `problem` finds one. */
function checkedKey(problem: (key: string) => string | undefined) {
  return z.string().superRefine((key, ctx) => {
    const message = problem(key);
    if (message) ctx.addIssue({ code: "custom", message });
  });
}

/** Why a licence file cannot hold this group display name, or undefined. */
export function fileDisplayNameProblem(value: unknown): string | undefined {
  return displayNameProblem(value, maxDisplayNameLength);
}

/** Why a licence file cannot hold this licence name as a key, or undefined. */
export function fileLicenseNameProblem(key: string): string | undefined {
  return licenseNameProblem(key, maxLicenseNameLength);
}

const wholeNumber = (rule: NumberRule) => checked<number>((value) => numberProblem(value, rule));
const displayName = checked<string>(fileDisplayNameProblem);
const serviceNameKey = checkedKey(serviceNameProblem);
const licenseNameKey = checkedKey(fileLicenseNameProblem);

/** An amount of money from 0 to `max`, decimals allowed. */
const money = (what: string, max: number) => checked<number>((value) => amountProblem(value, what, max));
const maxMonthlyIncreaseAllowed = 1_000_000_000;

const guardRails = {
  maxSeatChange: wholeNumber(maxSeatChangeRule).optional(),
  taskTimeoutMinutes: wholeNumber(taskTimeoutRule).optional(),
  maxMonthlyIncrease: money("the largest increase of the monthly bill one run may make", maxMonthlyIncreaseAllowed).optional(),
};
const addonSchema = z.strictObject({
  seats: wholeNumber(seatsRule),
  subscriptionId: wholeNumber(subscriptionIdRule).optional(),
  ...guardRails,
});
const licenseSchema = z.strictObject({
  seats: wholeNumber(seatsRule),
  subscriptionId: wholeNumber(subscriptionIdRule).optional(),
  ...guardRails,
  addons: z.record(licenseNameKey, addonSchema).optional(),
});
const groupSchema = z.preprocess(
  readListKey,
  z.strictObject({
    displayName: displayName.optional(),
    ...guardRails,
    licences: z.record(licenseNameKey, licenseSchema),
  }),
);
const fileSchema = z.strictObject({
  defaults: z
    .strictObject({
      ...guardRails,
      currency: checked<string>(currencyProblem).optional(),
      prices: z.record(licenseNameKey, money("the monthly price of one seat", maxSeatPrice)).optional(),
    })
    .optional(),
  groups: z.record(serviceNameKey, groupSchema),
});
type ParsedFile = z.output<typeof fileSchema>;

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The list key a group writes, if any; "licences" when it writes both. */
function ownListKey(group: unknown): ListKey | undefined {
  return isMapping(group) ? listKeys.find((key) => Object.hasOwn(group, key)) : undefined;
}

/**
 * A group's `licenses:` read as `licences:`, keeping the order of its keys. A group that writes both keeps both,
 * and the schema refuses `licenses` as an unknown key, whose message names both.
 */
function readListKey(group: unknown): unknown {
  if (!isMapping(group) || ownListKey(group) !== "licenses") return group;
  return Object.fromEntries(Object.entries(group).map(([key, value]) => [key === "licenses" ? "licences" : key, value]));
}

/**
 * The list key of each group as written: its own, else the one the file writes elsewhere (a group that lacks it
 * is told to add the file's spelling), else "licences".
 */
function listKeysWritten(content: unknown): WrittenFile["listKeyOf"] {
  const groups = isMapping(content) && isMapping(content.groups) ? content.groups : {};
  const fileSpelling = Object.values(groups).map(ownListKey).find((key) => key !== undefined) ?? "licences";
  return (serviceName) => ownListKey(groups[String(serviceName)]) ?? fileSpelling;
}

/**
 * Parses and validates the text of a licence file. `fileName` is only used in messages. Throws a
 * {@link LicenseFileError} listing every problem (YAML syntax with line and column, unknown keys with the closest
 * known one, bad values with the fix); nothing is declared from a file with any problem.
 */
export function parseLicenseFile(text: string, fileName: string): LicenseFile {
  const lineCounter = new YAML.LineCounter();
  const document = YAML.parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });

  const syntaxProblems = [...document.errors, ...document.warnings].map((error): LicenseFileProblem => {
    const { line, col } = lineCounter.linePos(error.pos[0]);
    const kind = error instanceof YAML.YAMLWarning ? "warning" : "syntax error";
    return { path: "", line, column: col, message: syntaxMessage(error, kind, text, error.pos[0]) };
  });
  if (syntaxProblems.length > 0) throw new LicenseFileError(fileName, syntaxProblems);

  let content: unknown;
  try {
    content = document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw new LicenseFileError(fileName, [{ path: "", message: unreadableDataMessage(error) }]);
  }
  if (content === null || content === undefined) throw new LicenseFileError(fileName, [{ path: "", message: emptyFileMessage }]);

  const written: WrittenFile = {
    locate: (path, onKey = false) => locatePath(document, lineCounter, path, onKey),
    listKeyOf: listKeysWritten(content),
  };
  const parsed = fileSchema.safeParse(content, { reportInput: true });
  const problems = parsed.success ? [] : problemsOfIssues(parsed.error.issues, written);
  if (parsed.success) problems.push(...crossEntryProblems(parsed.data, written));
  if (!parsed.success || problems.length > 0) throw new LicenseFileError(fileName, sortByPosition(problems));
  return resolveDeclarations(parsed.data);
}

/** Reads and parses a licence file (see {@link parseLicenseFile}). */
export function loadLicenseFile(path: string): LicenseFile {
  let text: string;
  try {
    text = fs.readFileSync(path, "utf8");
  } catch (error) {
    const other = otherSpellingOf(path);
    const otherExists = (error as NodeJS.ErrnoException).code === "ENOENT" && other !== undefined && fs.existsSync(other);
    const message = unreadableFileMessage(error, isAbsolute(path) ? undefined : process.cwd(), otherExists ? other : undefined);
    throw new LicenseFileError(path, [{ path: "", message }]);
  }
  return parseLicenseFile(text, path);
}

const otherLetter: Record<string, string> = { c: "s", s: "c", C: "S", S: "C" };

/** `path` with its file name in the other spelling ("licences.yaml" ⇄ "licenses.yaml"), if it has one. */
export function otherSpellingOf(path: string): string | undefined {
  const name = basename(path);
  const other = name.replace(/(licen)([cs])(e)/gi, (_, start: string, letter: string, end: string) => start + otherLetter[letter] + end);
  return other === name ? undefined : path.slice(0, path.length - name.length) + other;
}

/**
 * Problems between entries: the same licence twice, resource name clashes, one subscription adopted twice, a licence
 * declared both as an add-on and on its own in one group. What needs OVH's catalogue (an adopted subscription that is
 * an add-on declared on its own) is the preview's to find.
 */
function crossEntryProblems(file: ParsedFile, written: WrittenFile): LicenseFileProblem[] {
  const problems: LicenseFileProblem[] = [];
  const adopted = new Map<number, string>();
  const problem = (path: PathSegment[], message: string, onKey = false) => problems.push(problemAt(written, path, message, onKey));

  const checkSiblings = (names: string[], basePath: PathSegment[], scope: string) => {
    const byLicense = new Map<string, string>();
    const bySlug = new Map<string, string>();
    for (const name of names) {
      const at = [...basePath, name];
      const slug = slugOf(name);
      const sameLicense = byLicense.get(normalizeLicenseName(name));
      const sameSlug = bySlug.get(slug);
      if (slug === "") problem(at, nameWithoutLettersMessage, true);
      else if (sameLicense !== undefined) problem(at, sameLicenseMessage(sameLicense, scope), true);
      else if (sameSlug !== undefined) problem(at, sameResourceNameMessage(sameSlug, slug, scope), true);
      if (!byLicense.has(normalizeLicenseName(name))) byLicense.set(normalizeLicenseName(name), name);
      if (!bySlug.has(slug)) bySlug.set(slug, name);
    }
  };
  const checkAdoption = (id: number | undefined, path: PathSegment[]) => {
    if (id === undefined) return;
    const first = adopted.get(id);
    if (first === undefined) adopted.set(id, writtenPath(written, path));
    else problem(path, adoptedTwiceMessage(id, first));
  };

  const defaults = file.defaults ?? {};
  if (defaults.prices !== undefined && defaults.currency === undefined) {
    problem(["defaults", "prices"], missingCurrencyMessage, true);
  }
  const prices = pricesOf(file);
  /** A licence whose guard rail in money has no price to count with. */
  const checkPriced = (license: string, maxMonthlyIncrease: number | undefined, path: PathSegment[]) => {
    if (maxMonthlyIncrease !== undefined && priceOf(prices, license) === undefined) problem(path, unpricedMessage(license), true);
  };

  for (const [serviceName, group] of Object.entries(file.groups)) {
    const licensesPath = ["groups", serviceName, "licences"];
    checkSiblings(Object.keys(group.licences), licensesPath, "in this group");
    const addonPaths = new Map<string, PathSegment[]>();
    for (const [name, license] of Object.entries(group.licences)) {
      for (const addonName of Object.keys(license.addons ?? {})) {
        const key = normalizeLicenseName(addonName);
        if (!addonPaths.has(key)) addonPaths.set(key, [...licensesPath, name, "addons", addonName]);
      }
    }
    for (const name of Object.keys(group.licences)) {
      const addonPath = addonPaths.get(normalizeLicenseName(name));
      if (addonPath !== undefined) problem([...licensesPath, name], addonAlsoLicenseMessage(writtenPath(written, addonPath)), true);
    }
    const groupRail = group.maxMonthlyIncrease ?? defaults.maxMonthlyIncrease;
    for (const [name, license] of Object.entries(group.licences)) {
      checkAdoption(license.subscriptionId, [...licensesPath, name, "subscriptionId"]);
      checkPriced(name, license.maxMonthlyIncrease ?? groupRail, [...licensesPath, name]);
      const addons = license.addons ?? {};
      checkSiblings(Object.keys(addons), [...licensesPath, name, "addons"], "on this licence");
      for (const [addonName, addon] of Object.entries(addons)) {
        checkAdoption(addon.subscriptionId, [...licensesPath, name, "addons", addonName, "subscriptionId"]);
        checkPriced(addonName, addon.maxMonthlyIncrease ?? groupRail, [...licensesPath, name, "addons", addonName]);
      }
    }
  }
  return problems;
}

/** The seat prices of `defaults`, once the file is known to give a currency with them. */
function pricesOf(file: ParsedFile): SeatPrices | undefined {
  const { currency, prices } = file.defaults ?? {};
  return currency !== undefined && prices !== undefined ? { currency, monthly: prices } : undefined;
}

function resolveDeclarations(file: ParsedFile): LicenseFile {
  const defaults = file.defaults ?? {};
  const prices = pricesOf(file);
  const groups = Object.entries(file.groups).map(([serviceName, group]): LicenseGroupDeclaration => {
    const maxSeatChange = group.maxSeatChange ?? defaults.maxSeatChange;
    const taskTimeoutMinutes = group.taskTimeoutMinutes ?? defaults.taskTimeoutMinutes;
    const maxMonthlyIncrease = group.maxMonthlyIncrease ?? defaults.maxMonthlyIncrease;
    const declare = (
      license: string,
      entry: { seats: number; subscriptionId?: number; maxSeatChange?: number; taskTimeoutMinutes?: number; maxMonthlyIncrease?: number },
      resourceName: string,
      addonOf?: string,
    ): SubscriptionDeclaration =>
      withoutUndefined({
        license,
        seats: entry.seats,
        subscriptionId: entry.subscriptionId,
        addonOf,
        maxSeatChange: entry.maxSeatChange ?? maxSeatChange,
        taskTimeoutMinutes: entry.taskTimeoutMinutes ?? taskTimeoutMinutes,
        seatPrice: priceOf(prices, license),
        maxMonthlyIncrease: entry.maxMonthlyIncrease ?? maxMonthlyIncrease,
        resourceName,
      });
    const subscriptions = Object.entries(group.licences).flatMap(([license, settings]) => {
      const resourceName = `${serviceName}/${slugOf(license)}`;
      return [
        declare(license, settings, resourceName),
        ...Object.entries(settings.addons ?? {}).map(([addon, entry]) => declare(addon, entry, `${resourceName}/${slugOf(addon)}`, license)),
      ];
    });
    return withoutUndefined({ serviceName, displayName: group.displayName, maxSeatChange, taskTimeoutMinutes, maxMonthlyIncrease, subscriptions });
  });
  return prices === undefined ? { groups } : { groups, prices };
}

/**
 * Lower-case letters and digits joined by "-": "Exchange Online (Plan 1)" → "exchange-online-plan-1". What a licence
 * name adds to its resource name; empty for a name without letters or digits.
 */
export function slugOf(name: string): string {
  return normalizeLicenseName(name)
    .replace(/[^\p{L}\p{N}]+/gu, "-")
    .replace(/^-+|-+$/g, "");
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** The position of the node at `path` (of its key when `onKey`), or of its deepest existing ancestor. */
function locatePath(document: YAML.Document, lineCounter: YAML.LineCounter, path: PathSegment[], onKey: boolean) {
  let node: unknown = document.contents;
  let offset: number | undefined = rangeStart(node);
  for (const [index, segment] of path.entries()) {
    if (!YAML.isMap(node)) break;
    const pair = node.items.find((item) => String(YAML.isScalar(item.key) ? item.key.value : item.key) === String(segment));
    if (pair === undefined) break;
    const last = index === path.length - 1;
    offset = (last && onKey ? rangeStart(pair.key) : rangeStart(pair.value) ?? rangeStart(pair.key)) ?? offset;
    node = pair.value;
  }
  if (offset === undefined) return undefined;
  const { line, col } = lineCounter.linePos(offset);
  return { line, column: col };
}

function rangeStart(node: unknown): number | undefined {
  return YAML.isNode(node) && node.range ? node.range[0] : undefined;
}
