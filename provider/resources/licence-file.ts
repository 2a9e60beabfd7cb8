import * as fs from "node:fs";
import { isAbsolute } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as YAML from "yaml";
import { z } from "zod";
import { closestName, describe, serviceNameProblem, textProblem } from "./input-checks";
import { LicenseGroup } from "./license-group";
import { Subscription } from "./subscription";
import { maxSeats, maxTaskTimeoutMinutes, normalizeLicenseName } from "./subscription-rules";

/**
 * A licence file (`licences.yaml`): the licence groups a reseller manages, their licences and seat counts, reviewed
 * like code. Shape:
 *
 * ```yaml
 * defaults:                      # optional guard rails for every subscription
 *   maxSeatChange: 20
 * groups:
 *   csp2-1f4a7c92:               # the licence group's serviceName (adopted)
 *     displayName: Acme Corp
 *     maxSeatChange: 10          # overrides defaults for this group
 *     licences:
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
  /** The Pulumi resource name; derived from the group and licence names so it stays the same across runs. */
  resourceName: string;
}

export interface LicenceGroupDeclaration {
  serviceName: string;
  displayName?: string;
  /** The group's guard rail (its own, else the file's default), inherited by its subscriptions. */
  maxSeatChange?: number;
  taskTimeoutMinutes?: number;
  /** Each licence followed by its add-ons, in file order. */
  subscriptions: SubscriptionDeclaration[];
}

/** A validated licence file. */
export interface LicenceFile {
  groups: LicenceGroupDeclaration[];
}

/** One thing wrong in a licence file. */
export interface LicenceFileProblem {
  /** Where in the file, e.g. `groups.acme-1234.licences."Microsoft 365 Business Basic".seats` (empty for the file itself). */
  path: string;
  /** 1-based position of the offending key or value, when known. */
  line?: number;
  column?: number;
  /** What is wrong, with the value found and how to fix it. */
  message: string;
}

/**
 * A licence file that cannot be used. A `RunError`, so `pulumi up` shows the problems without a stack trace. The
 * message lists every problem as `file:line:column: path: what is wrong and how to fix it`.
 */
export class LicenceFileError extends pulumi.RunError {
  readonly fileName: string;
  readonly problems: readonly LicenceFileProblem[];

  constructor(fileName: string, problems: LicenceFileProblem[]) {
    super(formatProblems(fileName, problems));
    this.name = "LicenceFileError";
    this.fileName = fileName;
    this.problems = problems;
  }
}

const maxOvhId = Number.MAX_SAFE_INTEGER;
const maxDisplayNameLength = 100;
const maxLicenceNameLength = 200;

const guardRailKeys = ["maxSeatChange", "taskTimeoutMinutes"] as const;
const keysByLevel = {
  file: ["defaults", "groups"],
  defaults: [...guardRailKeys],
  group: ["displayName", ...guardRailKeys, "licences"],
  licence: ["seats", "subscriptionId", ...guardRailKeys, "addons"],
  addon: ["seats", "subscriptionId", ...guardRailKeys],
} as const;
type Level = keyof typeof keysByLevel;

interface NumberRule {
  min: number;
  max: number;
  /** What the number is, e.g. "the number of seats". */
  what: string;
  example: number;
  /** The fix when the value is below `min`, if there is a better one than "raise it". */
  belowMin?: string;
}

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

function wholeNumber(rule: NumberRule) {
  return z.unknown().transform((value, ctx) => {
    const problem = value === undefined ? `is missing: add it, e.g. ${rule.example} (${rule.what})` : numberProblem(value, rule);
    if (problem === undefined) return value as number;
    ctx.addIssue({ code: "custom", message: problem, input: value });
    return z.NEVER;
  });
}

function numberProblem(value: unknown, rule: NumberRule): string | undefined {
  const expected = `${rule.what} as a whole number from ${rule.min} to ${rule.max} (e.g. ${rule.example})`;
  if (value === null) return `has no value: write ${expected}`;
  if (typeof value === "string") {
    const trimmed = value.trim();
    return trimmed !== "" && Number.isFinite(Number(trimmed))
      ? `is the text ${describe(value)}, not a number: remove the quotes (${trimmed})`
      : `is ${describe(value)}, not a number: write ${expected}`;
  }
  if (typeof value !== "number") return `is ${describe(value)}, not a number: write ${expected}`;
  if (!Number.isFinite(value)) return `is ${value}, not a usable number: write ${expected}`;
  if (!Number.isInteger(value)) {
    return `is ${value}, not a whole number: write ${Math.floor(value)} or ${Math.ceil(value)} (${rule.what})`;
  }
  if (value < rule.min) return `is ${value}, less than ${rule.min}: ${rule.belowMin ?? `write ${expected}`}`;
  if (value > rule.max) return `is ${value}, more than ${rule.max} (${rule.what}): check for a typo and write a smaller number`;
  return undefined;
}

const displayName = z.unknown().transform((value, ctx) => {
  const problem =
    value === null
      ? "has no value: write the group's internal name, or remove the line"
      : textProblem(value, "the group's internal name", maxDisplayNameLength);
  if (problem === undefined) return value as string;
  ctx.addIssue({ code: "custom", message: problem });
  return z.NEVER;
});

const serviceNameKey = z.string().superRefine((key, ctx) => {
  const problem = serviceNameProblem(key);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

const licenceNameKey = z.string().superRefine((key, ctx) => {
  const problem = textProblem(key, "a licence name", maxLicenceNameLength);
  if (problem) {
    ctx.addIssue({ code: "custom", message: `${problem}: use a name that \`ovh-office365 licences <serviceName>\` lists` });
  }
});

const guardRails = {
  maxSeatChange: wholeNumber(maxSeatChangeRule).optional(),
  taskTimeoutMinutes: wholeNumber(taskTimeoutRule).optional(),
};
const addonSchema = z.strictObject({
  seats: wholeNumber(seatsRule),
  subscriptionId: wholeNumber(subscriptionIdRule).optional(),
  ...guardRails,
});
const licenceSchema = z.strictObject({
  seats: wholeNumber(seatsRule),
  subscriptionId: wholeNumber(subscriptionIdRule).optional(),
  ...guardRails,
  addons: z.record(licenceNameKey, addonSchema).optional(),
});
const groupSchema = z.strictObject({
  displayName: displayName.optional(),
  ...guardRails,
  licences: z.record(licenceNameKey, licenceSchema),
});
const fileSchema = z.strictObject({
  defaults: z.strictObject(guardRails).optional(),
  groups: z.record(serviceNameKey, groupSchema),
});
type ParsedFile = z.output<typeof fileSchema>;

/**
 * Parses and validates the text of a licence file. `fileName` is only used in messages. Throws a
 * {@link LicenceFileError} listing every problem (YAML syntax with line and column, unknown keys with the closest
 * known one, bad values with the fix); nothing is declared from a file with any problem.
 */
export function parseLicenceFile(text: string, fileName: string): LicenceFile {
  const lineCounter = new YAML.LineCounter();
  const document = YAML.parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const locate = (path: PathSegment[], onKey = false) => locatePath(document, lineCounter, path, onKey);

  const syntaxProblems = [...document.errors, ...document.warnings].map((error): LicenceFileProblem => {
    const { line, col } = lineCounter.linePos(error.pos[0]);
    const kind = error instanceof YAML.YAMLWarning ? "warning" : "syntax error";
    return { path: "", line, column: col, message: `YAML ${kind}: ${syntaxMessage(error, text, error.pos[0])}` };
  });
  if (syntaxProblems.length > 0) throw new LicenceFileError(fileName, syntaxProblems);

  let content: unknown;
  try {
    content = document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw new LicenceFileError(fileName, [{ path: "", message: `the file cannot be read as data: ${(error as Error).message}` }]);
  }
  if (content === null || content === undefined) {
    const message = "the file is empty: declare your licence groups under `groups:` (see the example licences.yaml)";
    throw new LicenceFileError(fileName, [{ path: "", message }]);
  }

  const parsed = fileSchema.safeParse(content, { reportInput: true });
  const problems = parsed.success ? [] : problemsOfIssues(parsed.error.issues, locate);
  if (parsed.success) problems.push(...crossEntryProblems(parsed.data, locate));
  if (!parsed.success || problems.length > 0) throw new LicenceFileError(fileName, sortByPosition(problems));
  return resolveDeclarations(parsed.data);
}

/** Reads and parses a licence file (see {@link parseLicenceFile}). */
export function loadLicenceFile(path: string): LicenceFile {
  let text: string;
  try {
    text = fs.readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : (error as Error).message;
    const where = isAbsolute(path) ? "" : ` (relative to ${process.cwd()})`;
    throw new LicenceFileError(path, [{ path: "", message: `the file cannot be read (${reason}): check the path${where}` }]);
  }
  return parseLicenceFile(text, path);
}

export interface DeclareLicencesOptions {
  /** Parent of every LicenseGroup, e.g. a component resource per customer. */
  parent?: pulumi.Resource;
  /**
   * Protect every resource. Removing an entry from the file then fails the update instead of deleting the
   * subscription; unprotect it (`pulumi state unprotect`) to delete it on purpose.
   */
  protect?: boolean;
}

export interface DeclaredSubscription {
  declaration: SubscriptionDeclaration;
  subscription: Subscription;
}

export interface DeclaredLicenceGroup {
  declaration: LicenceGroupDeclaration;
  group: LicenseGroup;
  /** In the order of `declaration.subscriptions`. */
  subscriptions: DeclaredSubscription[];
}

/** Registers a LicenseGroup per group of the file and a Subscription per licence and add-on. */
export function declareLicences(file: LicenceFile, options: DeclareLicencesOptions = {}): DeclaredLicenceGroup[] {
  return file.groups.map((group) => declareLicenceGroup(group, options));
}

/**
 * Registers one group: the LicenseGroup (adopted by its serviceName), then its subscriptions as its children, each
 * depending on it so the group is read first; an add-on is a child of the subscription it extends and gets that
 * subscription's id as `parentSubscriptionId`.
 */
export function declareLicenceGroup(declaration: LicenceGroupDeclaration, options: DeclareLicencesOptions = {}): DeclaredLicenceGroup {
  const { serviceName } = declaration;
  // Checked before anything is registered: a declaration built in code may not come from parseLicenceFile.
  const declaredBases = new Set<string>();
  for (const entry of declaration.subscriptions) {
    if (entry.addonOf === undefined) {
      declaredBases.add(entry.license);
    } else if (!declaredBases.has(entry.addonOf)) {
      throw new Error(
        `${entry.resourceName}: addonOf "${entry.addonOf}" is not a licence declared before it in group ${serviceName}: ` +
          "list the licence it extends first, with the same name",
      );
    }
  }
  const group = new LicenseGroup(
    serviceName,
    { serviceName, ...(declaration.displayName !== undefined && { displayName: declaration.displayName }) },
    { parent: options.parent, protect: options.protect },
  );
  const bases = new Map<string, Subscription>();
  const subscriptions = declaration.subscriptions.map((entry): DeclaredSubscription => {
    const base = entry.addonOf === undefined ? undefined : bases.get(entry.addonOf);
    const parent = base ?? group;
    const subscription = new Subscription(
      entry.resourceName,
      {
        serviceName,
        license: entry.license,
        seats: entry.seats,
        ...(base !== undefined && { parentSubscriptionId: base.subscriptionId }),
        ...(entry.subscriptionId !== undefined && { subscriptionId: entry.subscriptionId }),
        ...(entry.maxSeatChange !== undefined && { maxSeatChange: entry.maxSeatChange }),
        ...(entry.taskTimeoutMinutes !== undefined && { taskTimeoutMinutes: entry.taskTimeoutMinutes }),
      },
      { parent, dependsOn: [parent], protect: options.protect },
    );
    if (entry.addonOf === undefined) bases.set(entry.license, subscription);
    return { declaration: entry, subscription };
  });
  return { declaration, group, subscriptions };
}

type PathSegment = string | number;
type Locate = (path: PathSegment[], onKey?: boolean) => { line: number; column: number } | undefined;

/** Turns zod's issues into problems; a missing key is not reported again when an unknown key is its likely typo. */
function problemsOfIssues(issues: z.core.$ZodIssue[], locate: Locate): LicenceFileProblem[] {
  const typoTargets = new Set<string>();
  for (const issue of issues) {
    if (issue.code !== "unrecognized_keys") continue;
    const path = pathOf(issue);
    for (const key of issue.keys) {
      const suggestion = closestName(key, keysByLevel[levelOf(path)]);
      if (suggestion !== undefined) typoTargets.add(formatPath([...path, suggestion]));
    }
  }
  return issues
    .filter((issue) => !(issue.input === undefined && typoTargets.has(formatPath(pathOf(issue)))))
    .flatMap((issue) => problemsOf(issue, locate));
}

function pathOf(issue: z.core.$ZodIssue): PathSegment[] {
  return issue.path.map((segment) => (typeof segment === "symbol" ? String(segment) : segment));
}

function problemsOf(issue: z.core.$ZodIssue, locate: Locate): LicenceFileProblem[] {
  const path = pathOf(issue);
  const at = (where: PathSegment[], message: string, onKey = false): LicenceFileProblem => ({
    path: formatPath(where),
    ...locate(where, onKey),
    message,
  });

  switch (issue.code) {
    case "unrecognized_keys": {
      const entries = (issue.input ?? {}) as Record<string, unknown>;
      return issue.keys.map((key) => at([...path, key], unknownKeyMessage(key, entries[key], levelOf(path)), true));
    }
    case "invalid_key": {
      // The key's own value opens the reason ("\"a/b\" is not ..."): the path already names it.
      const key = describe(path[path.length - 1]);
      const reasons = issue.issues.map(({ message }) => (message.startsWith(`${key} `) ? message.slice(key.length + 1) : message));
      return [at(path, reasons.join("; "), true)];
    }
    case "invalid_type":
      return [at(path, wrongTypeMessage(path, issue.input))];
    default:
      return [at(path, issue.message)];
  }
}

/** Which kind of entry the object at `path` is. */
function levelOf(path: PathSegment[]): Level {
  if (path.length === 0) return "file";
  if (path[0] === "defaults") return "defaults";
  if (path.length === 2) return "group";
  if (path.length === 4) return "licence";
  return "addon";
}

const levelDescriptions: Record<Level, string> = {
  file: "a top-level key",
  defaults: "a default",
  group: "a group setting",
  licence: "a licence setting",
  addon: "an add-on setting",
};

function unknownKeyMessage(key: string, value: unknown, level: Level): string {
  const known: readonly string[] = keysByLevel[level];
  const notHere = `is not ${levelDescriptions[level]}`;
  const holds = (child: string) => typeof value === "object" && value !== null && child in value;
  if (key === "<<") return `${notHere}: YAML merge keys are not supported; put shared guard rails under \`defaults:\` instead`;
  if (level === "addon" && key === "addons") return `${notHere}: an add-on cannot have add-ons of its own`;
  if (level === "file" && holds("licences")) return `${notHere}: it looks like a licence group; indent it under \`groups:\``;
  if (level === "group" && holds("seats")) return `${notHere}: it looks like a licence; indent it under this group's \`licences:\``;
  const suggestion = closestName(key, known);
  if (suggestion !== undefined) return `${notHere}: did you mean "${suggestion}"?`;
  const home = (Object.keys(keysByLevel) as Level[]).find((other) => (keysByLevel[other] as readonly string[]).includes(key));
  if (home !== undefined) return `${notHere}: "${key}" is ${levelDescriptions[home]}; move it there`;
  return `${notHere}: known keys here are ${known.join(", ")}`;
}

function wrongTypeMessage(path: PathSegment[], value: unknown): string {
  const found =
    value === undefined ? "is missing" : value === null ? "has no value" : Array.isArray(value) ? "is a list" : `is ${describe(value)}`;
  const last = path[path.length - 1];
  if (path.length === 0) return `the file ${found}: a licence file is a mapping with a \`groups:\` key`;
  if (last === "groups") return `${found}: write each licence group's serviceName as a key under groups, e.g. \`csp2-1f4a7c92:\``;
  if (last === "defaults") return `${found}: write the default guard rails under it, e.g. \`maxSeatChange: 10\``;
  if (last === "licences" || last === "addons") {
    const example = last === "licences" ? "Microsoft 365 Business Basic" : "Microsoft Defender for Office 365 (Plan 1)";
    const empty = last === "licences" ? "; write `licences: {}` for a group without subscriptions" : "";
    return `${found}: write one key per licence name with its settings under it, e.g. \`${example}: {seats: 5}\`${empty}`;
  }
  const level = levelOf(path);
  if (level === "group") {
    return `${found}: a group is a mapping with \`licences:\` (and optionally displayName, maxSeatChange, taskTimeoutMinutes)`;
  }
  if (typeof value === "number") return `${found}: write the seat count under it as \`seats: ${value}\``;
  return `${found}: a licence is a mapping with \`seats:\` (and optionally subscriptionId, maxSeatChange, taskTimeoutMinutes, addons)`;
}

/** Problems between entries: the same licence twice, resource name clashes, one subscription adopted twice. */
function crossEntryProblems(file: ParsedFile, locate: Locate): LicenceFileProblem[] {
  const problems: LicenceFileProblem[] = [];
  const adopted = new Map<number, PathSegment[]>();
  const problem = (path: PathSegment[], message: string, onKey = false) => {
    problems.push({ path: formatPath(path), ...locate(path, onKey), message });
  };

  const checkSiblings = (names: string[], basePath: PathSegment[], scope: string) => {
    const byLicence = new Map<string, string>();
    const bySlug = new Map<string, string>();
    for (const name of names) {
      const at = [...basePath, name];
      const slug = slugOf(name);
      const sameLicence = byLicence.get(normalizeLicenseName(name));
      const sameSlug = bySlug.get(slug);
      if (slug === "") {
        problem(at, "has no letters or digits to name its resource: use the licence name as OVH lists it", true);
      } else if (sameLicence !== undefined) {
        problem(at, `and ${describe(sameLicence)} name the same licence (case and spacing do not matter) ${scope}: keep one entry`, true);
      } else if (sameSlug !== undefined) {
        const fix = "keep one here and declare the other in the program with `new Subscription(...)`";
        problem(at, `and ${describe(sameSlug)} would both get the resource name suffix "${slug}" ${scope}: ${fix}`, true);
      }
      if (!byLicence.has(normalizeLicenseName(name))) byLicence.set(normalizeLicenseName(name), name);
      if (!bySlug.has(slug)) bySlug.set(slug, name);
    }
  };
  const checkAdoption = (id: number | undefined, path: PathSegment[]) => {
    if (id === undefined) return;
    const first = adopted.get(id);
    if (first === undefined) adopted.set(id, path);
    else problem(path, `adopts subscription ${id}, which ${formatPath(first)} already adopts: one entry per subscription`);
  };

  for (const [serviceName, group] of Object.entries(file.groups)) {
    const licencesPath = ["groups", serviceName, "licences"];
    checkSiblings(Object.keys(group.licences), licencesPath, "in this group");
    for (const [name, licence] of Object.entries(group.licences)) {
      checkAdoption(licence.subscriptionId, [...licencesPath, name, "subscriptionId"]);
      const addons = licence.addons ?? {};
      checkSiblings(Object.keys(addons), [...licencesPath, name, "addons"], "on this licence");
      for (const [addonName, addon] of Object.entries(addons)) {
        checkAdoption(addon.subscriptionId, [...licencesPath, name, "addons", addonName, "subscriptionId"]);
      }
    }
  }
  return problems;
}

function resolveDeclarations(file: ParsedFile): LicenceFile {
  const defaults = file.defaults ?? {};
  const groups = Object.entries(file.groups).map(([serviceName, group]): LicenceGroupDeclaration => {
    const maxSeatChange = group.maxSeatChange ?? defaults.maxSeatChange;
    const taskTimeoutMinutes = group.taskTimeoutMinutes ?? defaults.taskTimeoutMinutes;
    const declare = (
      license: string,
      entry: { seats: number; subscriptionId?: number; maxSeatChange?: number; taskTimeoutMinutes?: number },
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
        resourceName,
      });
    const subscriptions = Object.entries(group.licences).flatMap(([license, licence]) => {
      const resourceName = `${serviceName}/${slugOf(license)}`;
      return [
        declare(license, licence, resourceName),
        ...Object.entries(licence.addons ?? {}).map(([addon, entry]) => declare(addon, entry, `${resourceName}/${slugOf(addon)}`, license)),
      ];
    });
    return withoutUndefined({ serviceName, displayName: group.displayName, maxSeatChange, taskTimeoutMinutes, subscriptions });
  });
  return { groups };
}

/** Lower-case letters and digits joined by "-": "Exchange Online (Plan 1)" → "exchange-online-plan-1". */
function slugOf(name: string): string {
  return normalizeLicenseName(name)
    .replace(/[^\p{L}\p{N}]+/gu, "-")
    .replace(/^-+|-+$/g, "");
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** `groups.acme-1234.licences."Microsoft 365 Business Basic".seats` */
export function formatPath(path: readonly PathSegment[]): string {
  const plain = (segment: PathSegment) => typeof segment === "string" && /^[A-Za-z0-9_-]+$/.test(segment);
  return path.map((segment) => (plain(segment) ? segment : JSON.stringify(String(segment)))).join(".");
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

function syntaxMessage(error: YAML.YAMLError, text: string, offset: number): string {
  const lineStart = text.lastIndexOf("\n", offset - 1) + 1;
  const lineEnd = text.indexOf("\n", offset);
  const sourceLine = text.slice(lineStart, lineEnd === -1 ? undefined : lineEnd);
  const excerpt = sourceLine.trim() === "" ? "" : ` (near ${JSON.stringify(sourceLine.trim().slice(0, 80))})`;
  return `${error.message}${excerpt}`;
}

function sortByPosition(problems: LicenceFileProblem[]): LicenceFileProblem[] {
  return [...problems].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}

function formatProblems(fileName: string, problems: LicenceFileProblem[]): string {
  const lines = problems.map((problem) => {
    const position = problem.line === undefined ? "" : `:${problem.line}:${problem.column}`;
    const subject = problem.path === "" ? "" : ` ${problem.path}`;
    return `${fileName}${position}:${subject} ${problem.message}`;
  });
  if (lines.length === 1) return lines[0];
  return `${fileName} has ${lines.length} problems:\n${lines.map((line) => `  ${line}`).join("\n")}`;
}
