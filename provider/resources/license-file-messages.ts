import * as pulumi from "@pulumi/pulumi";
import type * as YAML from "yaml";
import { closestName, describe, textProblem } from "./input-checks";

/**
 * What each problem of a licence file says: where it is (file, line, column, path), the value found and the fix.
 * The parsing finds the problems; the wording lives here.
 */

/** One thing wrong in a licence file. */
export interface LicenseFileProblem {
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
 * message lists every problem as `file:line:column: path: what is wrong and how to fix it`. Its `name` is the class's,
 * "LicenseFileError"; the deprecated `LicenceFileError` is the same class, so `instanceof` either passes.
 */
export class LicenseFileError extends pulumi.RunError {
  readonly fileName: string;
  readonly problems: readonly LicenseFileProblem[];

  constructor(fileName: string, problems: LicenseFileProblem[]) {
    super(formatProblems(fileName, problems));
    this.name = "LicenseFileError";
    this.fileName = fileName;
    this.problems = problems;
  }
}

export type PathSegment = string | number;
type Locate = (path: PathSegment[], onKey?: boolean) => { line: number; column: number } | undefined;

/** The two spellings of the key a group lists its licences under; the schema knows the first. */
export const listKeys = ["licences", "licenses"] as const;
export type ListKey = (typeof listKeys)[number];

/** What the messages need to know of the file: where a path is, and which list key each group writes. */
export interface WrittenFile {
  locate: Locate;
  listKeyOf(serviceName: PathSegment): ListKey;
}

/** `path` as the file writes it: the schema's `licences` segment in the group's own spelling. */
function asWritten(path: PathSegment[], file: WrittenFile): PathSegment[] {
  if (path[0] !== "groups" || path.length < 3 || path[2] !== "licences") return path;
  return [path[0], path[1], file.listKeyOf(path[1]), ...path.slice(3)];
}

/** A schema path, formatted as the file writes it. */
export function writtenPath(file: WrittenFile, path: PathSegment[]): string {
  return formatPath(asWritten(path, file));
}

/** A problem at `path` (a schema path), reported at the file's own path and position (of the key when `onKey`). */
export function problemAt(file: WrittenFile, path: PathSegment[], message: string, onKey = false): LicenseFileProblem {
  const where = asWritten(path, file);
  return { path: formatPath(where), ...file.locate(where, onKey), message };
}

/** `groups.acme-1234.licences."Microsoft 365 Business Basic".seats` */
export function formatPath(path: readonly PathSegment[]): string {
  const plain = (segment: PathSegment) => typeof segment === "string" && /^[A-Za-z0-9_-]+$/.test(segment);
  return path.map((segment) => (plain(segment) ? segment : JSON.stringify(String(segment)))).join(".");
}

export function sortByPosition(problems: LicenseFileProblem[]): LicenseFileProblem[] {
  return [...problems].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}

function formatProblems(fileName: string, problems: LicenseFileProblem[]): string {
  const lines = problems.map((problem) => {
    const position = problem.line === undefined ? "" : `:${problem.line}:${problem.column}`;
    const subject = problem.path === "" ? "" : ` ${problem.path}`;
    return `${fileName}${position}:${subject} ${problem.message}`;
  });
  if (lines.length === 1) return lines[0];
  return `${fileName} has ${lines.length} problems:\n${lines.map((line) => `  ${line}`).join("\n")}`;
}

// The file as a whole.

/**
 * `relativeTo`: the directory a relative path was read from; `otherSpelling`: the same path spelt with the other
 * spelling of licences, when that file exists.
 */
export function unreadableFileMessage(error: unknown, relativeTo?: string, otherSpelling?: string): string {
  const code = (error as NodeJS.ErrnoException).code;
  const reason = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : (error as Error).message;
  const where = relativeTo === undefined ? "" : ` (relative to ${relativeTo})`;
  const meant = otherSpelling === undefined ? "" : `; did you mean ${otherSpelling}?`;
  return `the file cannot be read (${reason}): check the path${where}${meant}`;
}

export function syntaxMessage(error: YAML.YAMLError, kind: "warning" | "syntax error", text: string, offset: number): string {
  const lineStart = text.lastIndexOf("\n", offset - 1) + 1;
  const lineEnd = text.indexOf("\n", offset);
  const sourceLine = text.slice(lineStart, lineEnd === -1 ? undefined : lineEnd);
  const excerpt = sourceLine.trim() === "" ? "" : ` (near ${JSON.stringify(sourceLine.trim().slice(0, 80))})`;
  return `YAML ${kind}: ${error.message}${excerpt}`;
}

export function unreadableDataMessage(error: unknown): string {
  return `the file cannot be read as data: ${(error as Error).message}`;
}

export const emptyFileMessage = "the file is empty: declare your licence groups under `groups:` (see the example licences.yaml)";

// Values.

export interface NumberRule {
  min: number;
  max: number;
  /** What the number is, e.g. "the number of seats". */
  what: string;
  example: number;
  /** The fix when the value is below `min`, if there is a better one than "raise it". */
  belowMin?: string;
}

/** What is wrong with a whole number setting (missing included), or undefined when it is fine. */
export function numberProblem(value: unknown, rule: NumberRule): string | undefined {
  const expected = `${rule.what} as a whole number from ${rule.min} to ${rule.max} (e.g. ${rule.example})`;
  if (value === undefined) return `is missing: add it, e.g. ${rule.example} (${rule.what})`;
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

export function displayNameProblem(value: unknown, maxLength: number): string | undefined {
  if (value === null) return "has no value: write the group's internal name, or remove the line";
  return textProblem(value, "the group's internal name", maxLength);
}

export function licenseNameProblem(key: string, maxLength: number): string | undefined {
  const problem = textProblem(key, "a licence name", maxLength);
  return problem && `${problem}: use a name that \`ovh-office365 licences <serviceName>\` lists`;
}

// Keys.

const guardRailKeys = ["maxSeatChange", "taskTimeoutMinutes", "maxMonthlyIncrease"] as const;
const keysByLevel = {
  file: ["defaults", "groups"],
  defaults: [...guardRailKeys, "currency", "prices"],
  group: ["displayName", ...guardRailKeys, "licences"],
  license: ["seats", "subscriptionId", ...guardRailKeys, "addons"],
  addon: ["seats", "subscriptionId", ...guardRailKeys],
} as const;
type Level = keyof typeof keysByLevel;

/** Which kind of entry the object at `path` is. */
function levelOf(path: PathSegment[]): Level {
  if (path.length === 0) return "file";
  if (path[0] === "defaults") return "defaults";
  if (path.length === 2) return "group";
  if (path.length === 4) return "license";
  return "addon";
}

const levelDescriptions: Record<Level, string> = {
  file: "a top-level key",
  defaults: "a default",
  group: "a group setting",
  license: "a licence setting",
  addon: "an add-on setting",
};

/** The keys known in the object at `path`, a group's list key spelt as the file spells it. */
function knownKeys(path: PathSegment[], file: WrittenFile): string[] {
  const level = levelOf(path);
  return keysByLevel[level].map((key) => (level === "group" && key === "licences" ? file.listKeyOf(path[1]) : key));
}

/** The known key `key` likely stands for: the file's own spelling first, then the other one of the list key. */
function suggestionFor(key: string, path: PathSegment[], file: WrittenFile): string | undefined {
  const known = knownKeys(path, file);
  const candidates = levelOf(path) === "group" ? [...new Set([...known, ...listKeys])] : known;
  return closestName(key, candidates);
}

/** The schema's name for a key: `licenses` is `licences`. */
function schemaKey(key: string): string {
  return key === "licenses" ? "licences" : key;
}

/**
 * One problem the schema found, as these messages read it: the shape of zod's issues, written out so the package's
 * published types do not pull in zod's (which a program compiled without skipLibCheck would then check).
 */
export interface SchemaIssue {
  code: string;
  path: PropertyKey[];
  message: string;
  input?: unknown;
  /** The keys an object does not know (`unrecognized_keys`). */
  keys?: string[];
  /** Why a key is not valid (`invalid_key`). */
  issues?: { message: string }[];
}

/** Turns the schema's issues into problems; a missing key is not reported again when an unknown key is its likely typo. */
export function problemsOfIssues(issues: SchemaIssue[], file: WrittenFile): LicenseFileProblem[] {
  const typoTargets = new Set<string>();
  for (const issue of issues) {
    if (issue.code !== "unrecognized_keys") continue;
    const path = pathOf(issue);
    for (const key of issue.keys ?? []) {
      const suggestion = suggestionFor(key, path, file);
      if (suggestion !== undefined) typoTargets.add(formatPath([...path, schemaKey(suggestion)]));
    }
  }
  return issues
    .filter((issue) => !(issue.input === undefined && typoTargets.has(formatPath(pathOf(issue)))))
    .flatMap((issue) => problemsOf(issue, file));
}

function pathOf(issue: SchemaIssue): PathSegment[] {
  return issue.path.map((segment) => (typeof segment === "symbol" ? String(segment) : segment));
}

function problemsOf(issue: SchemaIssue, file: WrittenFile): LicenseFileProblem[] {
  const path = pathOf(issue);
  const at = (where: PathSegment[], message: string, onKey = false) => problemAt(file, where, message, onKey);

  switch (issue.code) {
    case "unrecognized_keys": {
      const entries = (issue.input ?? {}) as Record<string, unknown>;
      return (issue.keys ?? []).map((key) => at([...path, key], unknownKeyMessage(key, entries, path, file), true));
    }
    case "invalid_key": {
      // The key's own value opens the reason ("\"a/b\" is not ..."): the path already names it.
      const key = describe(path[path.length - 1]);
      const reasons = (issue.issues ?? []).map(({ message }) => (message.startsWith(`${key} `) ? message.slice(key.length + 1) : message));
      return [at(path, reasons.join("; "), true)];
    }
    case "invalid_type":
      return [at(path, wrongTypeMessage(path, issue.input, file))];
    default:
      return [at(path, issue.message)];
  }
}

/** Why `key` of the object at `path` (whose keys and values are `entries`) is not known there. */
function unknownKeyMessage(key: string, entries: Record<string, unknown>, path: PathSegment[], file: WrittenFile): string {
  const level = levelOf(path);
  const value = entries[key];
  const notHere = `is not ${levelDescriptions[level]}`;
  const holds = (...children: string[]) => typeof value === "object" && value !== null && children.some((child) => child in value);
  if (key === "<<") return `${notHere}: YAML merge keys are not supported; put shared guard rails under \`defaults:\` instead`;
  if (level === "addon" && key === "addons") return `${notHere}: an add-on cannot have add-ons of its own`;
  if (level === "group" && key === "licenses" && "licences" in entries) {
    return 'and "licences" are two spellings of the same key: keep one, with all the group\'s licences under it';
  }
  if (level === "file" && holds(...listKeys)) return `${notHere}: it looks like a licence group; indent it under \`groups:\``;
  if (level === "group" && holds("seats")) {
    return `${notHere}: it looks like a licence; indent it under this group's \`${file.listKeyOf(path[1])}:\``;
  }
  const suggestion = suggestionFor(key, path, file);
  if (suggestion !== undefined) return `${notHere}: did you mean "${suggestion}"?`;
  const home = (Object.keys(keysByLevel) as Level[]).find((other) => (keysByLevel[other] as readonly string[]).includes(schemaKey(key)));
  if (home !== undefined) return `${notHere}: "${key}" is ${levelDescriptions[home]}; move it there`;
  return `${notHere}: known keys here are ${knownKeys(path, file).join(", ")}`;
}

function wrongTypeMessage(path: PathSegment[], value: unknown, file: WrittenFile): string {
  const found =
    value === undefined ? "is missing" : value === null ? "has no value" : Array.isArray(value) ? "is a list" : `is ${describe(value)}`;
  const last = path[path.length - 1];
  if (path.length === 0) return `the file ${found}: a licence file is a mapping with a \`groups:\` key`;
  if (last === "groups") return `${found}: write each licence group's serviceName as a key under groups, e.g. \`csp2-1f4a7c92:\``;
  if (last === "defaults") return `${found}: write the default guard rails under it, e.g. \`maxSeatChange: 10\``;
  if (last === "prices") return `${found}: write one key per licence name with the monthly price of one seat, e.g. \`Microsoft 365 Business Basic: 5.60\``;
  if (last === "licences" || last === "addons") {
    const example = last === "licences" ? "Microsoft 365 Business Basic" : "Microsoft Defender for Office 365 (Plan 1)";
    const empty = last === "licences" ? `; write \`${file.listKeyOf(path[1])}: {}\` for a group without subscriptions` : "";
    return `${found}: write one key per licence name with its settings under it, e.g. \`${example}: {seats: 5}\`${empty}`;
  }
  const level = levelOf(path);
  if (level === "group") {
    const listKey = file.listKeyOf(path[1]);
    return `${found}: a group is a mapping with \`${listKey}:\` (and optionally displayName, maxSeatChange, taskTimeoutMinutes, maxMonthlyIncrease)`;
  }
  if (typeof value === "number") return `${found}: write the seat count under it as \`seats: ${value}\``;
  return `${found}: a licence is a mapping with \`seats:\` (and optionally subscriptionId, maxSeatChange, taskTimeoutMinutes, maxMonthlyIncrease, addons)`;
}

// Between entries.

export const nameWithoutLettersMessage = "has no letters or digits to name its resource: use the licence name as OVH lists it";

export function sameLicenseMessage(other: string, scope: string): string {
  return `and ${describe(other)} name the same licence (case and spacing do not matter) ${scope}: keep one entry`;
}

export function sameResourceNameMessage(other: string, slug: string, scope: string): string {
  const fix = "keep one here and declare the other in the program with `new Subscription(...)`";
  return `and ${describe(other)} would both get the resource name suffix "${slug}" ${scope}: ${fix}`;
}

/**
 * A licence of the group that the file also lists under `addons:` of one of its licences: OVH orders an add-on licence
 * on the subscription it extends and any other licence on its own, so one of the two entries is wrong.
 */
export function addonAlsoLicenseMessage(addonPath: string): string {
  return (
    `is also declared as an add-on, at ${addonPath}: an add-on licence is ordered on the subscription it extends, any ` +
    "other licence on its own; keep one of the two entries (`ovh-office365 licences <serviceName>` shows which: an " +
    "add-on's type is ADDON)"
  );
}

export const missingCurrencyMessage =
  "gives prices without a currency: add `currency:` under defaults, the ISO 4217 code of the prices (e.g. EUR)";

export function unpricedMessage(license: string): string {
  return (
    `has a guard rail in money (maxMonthlyIncrease, its own or inherited) but no price to count it with: add ` +
    `${JSON.stringify(license)} with the monthly price of one seat under defaults.prices, or remove maxMonthlyIncrease`
  );
}

export function adoptedTwiceMessage(subscriptionId: number, firstPath: string): string {
  return `adopts subscription ${subscriptionId}, which ${firstPath} already adopts: one entry per subscription`;
}
