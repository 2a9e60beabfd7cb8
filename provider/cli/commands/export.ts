import * as fs from "node:fs";
import * as path from "node:path";
import type { Command } from "commander";
import type { OvhRequester } from "../../ovh/types";
import { LicenseFileError } from "../../resources/license-file-messages";
import { loadLicenseFile } from "../../resources/license-file-parsing";
import { planExport, plannedSubscriptions, type ExportPlan } from "../account/export-plan";
import { mergeLicenseFile, renderLicenseFile, subscriptionItem, type MergeItem } from "../account/license-file-writing";
import { pulumiImportFile, type ImportProvider } from "../account/pulumi-import-file";
import { readAccount, type AccountReading } from "../account/reading";
import { CliFileError, CliUsageError, defineCommand, ExitCode, reportFailure, type CommonOptions } from "./command-support";
import { renderJson, type CliWriter } from "./output";

export const exportFormats = ["licence-file", "pulumi-import"] as const;
export type ExportFormat = (typeof exportFormats)[number];

export interface ExportOptions extends CommonOptions {
  /** Write the output to this file (refused when it exists) instead of stdout. */
  out?: string;
  /** Add to this licence file what it lacks, in place unless `out` is given. */
  merge?: string;
  /** `licence-file` (default; `license-file` too) or `pulumi-import`. */
  format?: string;
  /** pulumi-import: the explicit provider resource each resource is imported with, with the stack and project it is in. */
  provider?: string;
  stack?: string;
  project?: string;
}

/** An entry of the report: a group (no subscriptionId) or a subscription, and what there is to say of it. */
export type ExportItem = MergeItem;

/** What `export` reports (`--json` prints it). */
export interface ExportReport {
  format: ExportFormat;
  /** No group was named: every group of the account was read. */
  wholeAccount: boolean;
  /** The groups read, sorted. */
  serviceNames: string[];
  /** The file written; null when the output went to stdout. */
  destination: string | null;
  /** Whether it was added to an existing licence file (`--merge`). */
  merged: boolean;
  /** What the output holds that was not there before: everything written, or what a merge added. */
  added: ExportItem[];
  /** A merge: the file's groups and entries kept as written, with a reason when they differ from OVH. */
  left: ExportItem[];
  /** What OVH holds that the output does not manage, with why. */
  notManaged: ExportItem[];
  /** Written, with something to know (a licence OVH no longer sells). */
  cautions: ExportItem[];
  /** The output itself, when it went to stdout with `--json`. */
  content?: string;
}

interface ExportRequest {
  format: ExportFormat;
  provider?: ImportProvider;
  /** The file to merge into, with its text as read (checked to load). */
  merge?: { file: string; text: string };
  out?: string;
}

const namePattern = /^[A-Za-z0-9_.-]+$/;

/** Every option checked, and the file to merge into read and loaded, before anything is sent to OVH. */
export function checkExportRequest(options: ExportOptions): ExportRequest {
  const format = exportFormatOf(options.format ?? "licence-file");
  if (options.merge !== undefined && format !== "licence-file") {
    throw new CliUsageError("--merge adds to a licence file: it does not go with --format pulumi-import (write the import file with --out).");
  }
  const provider = importProviderOf(options, format);
  const request: ExportRequest = { format, ...(provider && { provider }) };
  if (options.merge !== undefined) request.merge = { file: options.merge, text: mergeTarget(options.merge) };
  if (options.out !== undefined) {
    if (options.out.trim() === "") throw new CliUsageError("Option --out is empty: give the file to write, or leave the option out to write to stdout.");
    const sameAsMerge = options.merge !== undefined && path.resolve(options.out) === path.resolve(options.merge);
    if (!sameAsMerge && fs.existsSync(options.out)) {
      throw new CliUsageError(`--out ${options.out}: the file exists, and export never overwrites one: to add to it, use --merge ${options.out}; to replace it, remove it first.`);
    }
    const directory = path.dirname(path.resolve(options.out));
    if (!fs.existsSync(directory)) throw new CliUsageError(`--out ${options.out}: the directory ${directory} does not exist: create it, or write elsewhere.`);
    request.out = options.out;
  }
  return request;
}

function exportFormatOf(text: string): ExportFormat {
  if (text === "license-file") return "licence-file";
  if ((exportFormats as readonly string[]).includes(text)) return text as ExportFormat;
  throw new CliUsageError(`Option --format is ${JSON.stringify(text)}: use licence-file (the default: a file loadLicenseFile reads) or pulumi-import (a file for \`pulumi import --file\`).`);
}

function importProviderOf(options: ExportOptions, format: ExportFormat): ImportProvider | undefined {
  const { provider, stack, project } = options;
  if (provider === undefined && stack === undefined && project === undefined) return undefined;
  if (format !== "pulumi-import") throw new CliUsageError("--provider, --stack and --project name the provider of a Pulumi import file: use them with --format pulumi-import.");
  if (provider === undefined) throw new CliUsageError("--stack and --project only go with --provider <name>, the provider resource the import file names.");
  if (stack === undefined || project === undefined) {
    throw new CliUsageError(
      `--provider ${provider} needs --stack and --project too: \`pulumi import --file\` finds the provider through the file's nameTable, ` +
        `by its URN (urn:pulumi:<stack>::<project>::pulumi:providers:ovh-office365::${provider}). Without --provider, the stack's default provider is used.`,
    );
  }
  for (const [option, value, example] of [["--provider", provider, "ovh-eu-account"], ["--stack", stack, "dev"], ["--project", project, "ovh-office365-gitops"]] as const) {
    if (!namePattern.test(value)) {
      throw new CliUsageError(`Option ${option} is ${JSON.stringify(value)}: use letters, digits, ".", "_" and "-" only (e.g. ${example}; for --stack, the stack's own name, not org/project/stack).`);
    }
  }
  return { name: provider, stack, project };
}

/** The text of the file to merge into, refused (with every problem) when it does not load. */
function mergeTarget(file: string): string {
  try {
    loadLicenseFile(file);
  } catch (error) {
    if (error instanceof LicenseFileError) throw new CliUsageError(`--merge ${file}: it must load before anything is added to it. ${error.message}`);
    throw error;
  }
  return fs.readFileSync(file, "utf8");
}

/** The output and the report of an export, from what was read: nothing is written yet. */
export function composeExport(reading: AccountReading, request: ExportRequest): { text: string; report: ExportReport } {
  const plan = planExport(reading.groups);
  const cautions = plan.groups.flatMap(plannedSubscriptions).filter((s) => s.caution !== undefined).map((s) => ({ ...subscriptionItem(s), reason: s.caution }));
  const report: ExportReport = {
    format: request.format,
    wholeAccount: reading.wholeAccount,
    serviceNames: reading.groups.map((group) => group.serviceName),
    destination: request.out ?? request.merge?.file ?? null,
    merged: request.merge !== undefined,
    added: [],
    left: [],
    notManaged: [...plan.groupsLeftOut, ...plan.subscriptionsLeftOut],
    cautions,
  };
  if (request.merge) {
    const merged = mergeLicenseFile(request.merge.text, request.merge.file, plan, reading);
    return { text: merged.text, report: { ...report, added: merged.added, left: merged.left, notManaged: merged.notManaged } };
  }
  report.added = plan.groups.flatMap((group) => [{ serviceName: group.serviceName, ...(group.displayName !== undefined && { displayName: group.displayName }) }, ...plannedSubscriptions(group).map(subscriptionItem)]);
  const text = request.format === "pulumi-import" ? renderJson(pulumiImportFile(plan, request.provider)) : renderLicenseFile(plan, fileHeader(reading, plan));
  return { text, report };
}

function fileHeader(reading: AccountReading, plan: ExportPlan): string[] {
  const from = reading.wholeAccount ? "every licence group of the account" : `the licence groups named (${reading.groups.length})`;
  const leftOut = plan.groupsLeftOut.length + plan.subscriptionsLeftOut.length;
  return [
    `Written by \`ovh-office365 export\` from ${from}: each subscription is adopted by its subscriptionId, with its seats as ` +
      "OVH has them, so `pulumi up` orders nothing and changes no seat until a number here changes.",
    "Guard rails (defaults: maxSeatChange, taskTimeoutMinutes) are yours to add. `ovh-office365 export --merge <this file>` " +
      "adds what OVH holds and this file lacks, and changes nothing else.",
    ...(leftOut > 0 ? ["What OVH holds and this file does not manage is said in comments where it would be."] : []),
  ];
}

/**
 * `ovh-office365 export [serviceName...]`: reads the groups named (every group when none is), writes what it can adopt
 * to stdout, to `--out`, or into the `--merge` file, and reports what it added, left and did not manage. With the output
 * on stdout the report goes to stderr (in `--json`, the output is the report's `content`). Resolves to the exit code.
 */
export async function runExport(requester: OvhRequester, writer: CliWriter, serviceNames: readonly string[], options: ExportOptions = {}): Promise<ExitCode> {
  try {
    const request = checkExportRequest(options);
    const reading = await readAccount(requester, writer, serviceNames, { pendingTasks: true });
    const { text, report } = composeExport(reading, request);
    if (report.destination === null) {
      if (options.json) writer.out(renderJson({ ...report, content: text }));
      else {
        writer.out(text);
        writer.err(renderExportReport(report));
      }
      return ExitCode.ok;
    }
    writeOutput(request, text);
    writer.out(options.json ? renderJson(report) : renderExportReport(report));
    return ExitCode.ok;
  } catch (error) {
    return reportFailure(writer, options, error);
  }
}

/**
 * Writes the output so that no interruption leaves a file half written: through a temporary file beside it, renamed
 * over the merged file, linked to a new one (which fails if it appeared meanwhile). A merged file that changed since
 * it was read is not overwritten.
 */
function writeOutput(request: ExportRequest, text: string): void {
  const destination = request.out ?? (request.merge?.file as string);
  const replacing = request.merge !== undefined && path.resolve(destination) === path.resolve(request.merge.file);
  if (replacing && request.merge && fs.readFileSync(destination, "utf8") !== request.merge.text) {
    throw new CliFileError(`${destination} changed while export read OVH, so it was not written: run export again.`);
  }
  if (replacing && request.merge?.text === text) return;
  const temporary = path.join(path.dirname(path.resolve(destination)), `.${path.basename(destination)}.${process.pid}.tmp`);
  try {
    fs.writeFileSync(temporary, text);
    if (replacing) fs.renameSync(temporary, destination);
    else fs.linkSync(temporary, destination);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === "EEXIST" ? "it appeared while export read OVH, and export never overwrites a file" : (error as Error).message;
    throw new CliFileError(`${destination} could not be written: ${reason}. Nothing was written.`);
  } finally {
    fs.rmSync(temporary, { force: true });
  }
}

/** The report for a person: what was read and written, then each list that has something in it. */
export function renderExportReport(report: ExportReport): string {
  const groups = report.serviceNames.length;
  const read = report.wholeAccount ? `Read every licence group of the account: ${count(groups, "group")}.` : `Read ${count(groups, "licence group")}: ${report.serviceNames.join(", ")}.`;
  const lines = [read, writtenSentence(report)];
  const item = (entry: ExportItem) => `  ${entry.serviceName}  ${describeItem(entry)}${entry.reason === undefined ? "" : `: ${entry.reason}`}`;
  const section = (title: string, entries: readonly ExportItem[]) => (entries.length === 0 ? [] : [title, ...entries.map(item)]);
  if (report.merged) {
    lines.push(...section("Added:", report.added));
    lines.push(...section("Left as written, differing from OVH or not compared:", report.left.filter((entry) => entry.reason !== undefined)));
  }
  lines.push(...section("Not managed (held at OVH, not in the output):", report.notManaged));
  lines.push(...section("Written with a caution:", report.cautions));
  lines.push(nextStep(report));
  return `${lines.join("\n")}\n`;
}

function count(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? "" : "s"}`;
}

function writtenSentence(report: ExportReport): string {
  const where = report.destination ?? "stdout";
  const subscriptions = report.added.filter((entry) => entry.subscriptionId !== undefined).length;
  const groups = report.added.length - subscriptions;
  const what = `${count(groups, "group")} and ${count(subscriptions, "subscription")}`;
  if (report.merged) {
    const unchanged = report.added.length === 0 ? " (nothing to add: the file is unchanged)" : "";
    const left = report.left.length === 1 ? "1 group or entry" : `${report.left.length} groups and entries`;
    return `Merged into ${where}: added ${what}${unchanged}; left ${left} as written.`;
  }
  if (report.format === "pulumi-import") return `Wrote a Pulumi import file of ${count(groups + subscriptions, "resource")} (${what}) to ${where}.`;
  return `Wrote ${what} to ${where}, each subscription adopted by its subscriptionId with its seats as they are.`;
}

function describeItem(entry: ExportItem): string {
  if (entry.subscriptionId === undefined && entry.license === undefined) return entry.displayName === undefined ? "group" : `group "${entry.displayName}"`;
  const parts = [entry.subscriptionId === undefined ? undefined : `subscription ${entry.subscriptionId}`, entry.seats === undefined ? undefined : count(entry.seats, "seat")];
  const addon = entry.parentSubscriptionId === undefined ? "" : `, add-on of ${entry.parentSubscriptionId}`;
  return `${entry.license ?? "licence"} (${parts.filter((part) => part !== undefined).join(", ")}${addon})`;
}

function nextStep(report: ExportReport): string {
  if (report.format === "pulumi-import") {
    const file = report.destination ?? "<file>";
    return `Next: \`pulumi import --file ${file}\` in a program that uses the ovh-office365 provider plugin; it adopts each resource as it is and prints the code that declares it.`;
  }
  if (report.left.some((entry) => entry.reason !== undefined)) {
    return "Next: settle the entries left as written that differ from OVH (above), then `pulumi preview` shows what the file changes.";
  }
  return "Next: `pulumi preview` of a program that declares this file shows adoptions only: nothing ordered, no seat changed.";
}

export function registerExportCommand(program: Command): Command {
  return defineCommand<ExportOptions>(program, {
    name: "export",
    argument: { syntax: "[serviceName...]", description: "the licence groups to export (default: every group of the account)" },
    summary: "Write the licence file (or a Pulumi import file) that adopts what OVH holds",
    description:
      "Reads the licence groups named, or every group of the account when none is named, and writes a licence file " +
      "(the format loadLicenseFile reads) that adopts exactly what is there: each group with its display name, each " +
      "subscription under its OVH licence name with its seats and subscriptionId, add-ons under their parent's " +
      "`addons:`. A program declaring it previews with adoptions only. What cannot be adopted as it is (a group with " +
      "tasks in progress, a subscription in a status not known to mean in use, a licence the catalogue no longer lists, " +
      "two subscriptions of one licence) is left out, said in the report (stderr when the file goes to stdout) and as " +
      "comments in the file; a licence OVH no longer sells is written with a caution. --merge adds to an existing file " +
      "what it lacks, never changing or removing what it holds. --format pulumi-import writes the file " +
      "`pulumi import --file` reads instead, for programs using the ovh-office365 provider plugin. Exit code 1 also " +
      "means the file could not be written.",
    examples: [
      "ovh-office365 export --out licences.yaml",
      "ovh-office365 export --merge licences.yaml",
      "ovh-office365 export csp2-1f4a7c92 csp2-8d03b5e6 > two-customers.yaml",
      "ovh-office365 export --format pulumi-import --out import.json && pulumi import --file import.json",
      "ovh-office365 export --format pulumi-import --provider ovh-eu --stack dev --project billing --out import.json",
    ],
    run: (requester, writer, serviceNames, options) => runExport(requester, writer, serviceNames, options),
  })
    .option("--out <file>", "write to this file (never over an existing one) instead of stdout")
    .option("--merge <file>", "add to this licence file what it lacks, in place (or to --out), keeping all it holds")
    .option("--format <format>", "licence-file (default) or pulumi-import")
    .option("--provider <name>", "pulumi-import: the provider resource to import with (needs --stack and --project)")
    .option("--stack <name>", "pulumi-import: the stack the provider resource is in")
    .option("--project <name>", "pulumi-import: the project of that stack (Pulumi.yaml's name)");
}
