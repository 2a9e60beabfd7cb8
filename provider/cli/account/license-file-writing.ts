import * as YAML from "yaml";
import { parseLicenseFile, slugOf, type LicenseFile, type LicenseGroupDeclaration, type SubscriptionDeclaration } from "../../resources/license-file-parsing";
import { normalizeLicenseName } from "../../resources/subscription-rules";
import { plannedSubscriptions, type ExportPlan, type LeftOut, type PlannedGroup, type PlannedSubscription } from "./export-plan";

/**
 * The export as a licence file (the format `loadLicenseFile` reads), built with the YAML library's document API: a new
 * file, or what an existing file lacks added to it. A merge never changes or removes what the file holds: each
 * addition is rendered by the library and inserted where the document places the map it goes into, so every byte of
 * the file (comments, order, spacing, quoting) stays as it was, and the result must load before it is returned.
 */

/** Comment lines are wrapped at this width, so that a reason reads in an editor. */
const commentWidth = 110;

/** A new licence file holding the plan: `header` as its opening comment, what is left out as comments where it would be. */
export function renderLicenseFile(plan: ExportPlan, header: readonly string[]): string {
  const doc = new YAML.Document();
  const groups = new YAML.YAMLMap();
  let pending: string[] = [];
  const leftOut = new Map(plan.groupsLeftOut.map((item) => [item.serviceName, item]));
  const order = [...plan.groups.map((group) => group.serviceName), ...leftOut.keys()].sort((a, b) => a.localeCompare(b));
  for (const serviceName of order) {
    const group = plan.groups.find((candidate) => candidate.serviceName === serviceName);
    if (!group) {
      pending.push(groupLeftOutComment(leftOut.get(serviceName) as LeftOut));
      continue;
    }
    const pair = groupPair(group, pending);
    if (groups.items.length > 0) (pair.key as YAML.Scalar).spaceBefore = true;
    groups.items.push(pair);
    pending = [];
  }
  if (groups.items.length === 0) groups.flow = true;
  if (pending.length > 0) groups.comment = commentText(pending);
  doc.contents = new YAML.YAMLMap();
  doc.contents.items.push(new YAML.Pair(new YAML.Scalar("groups"), groups));
  doc.commentBefore = commentText(header);
  return doc.toString({ lineWidth: 0 });
}

function groupLeftOutComment(item: LeftOut): string {
  return `${item.serviceName} is not written: ${item.reason}`;
}

/** A group of the plan as a pair of a licence file's `groups:` map; `comments` go above it, before its own notes. */
function groupPair(group: PlannedGroup, comments: readonly string[] = []): YAML.Pair {
  const settings = new YAML.YAMLMap();
  if (group.displayName !== undefined) settings.items.push(new YAML.Pair(new YAML.Scalar("displayName"), new YAML.Scalar(group.displayName)));
  const licences = new YAML.YAMLMap();
  licences.items.push(...group.subscriptions.map(subscriptionPair));
  if (licences.items.length === 0) licences.flow = true;
  settings.items.push(new YAML.Pair(new YAML.Scalar("licences"), licences));
  return new YAML.Pair(commentedKey(group.serviceName, [...comments, ...group.notes]), settings);
}

/** A subscription as a pair of a `licences:` (or `addons:`) map: its licence name, seats, id and add-ons. */
function subscriptionPair(subscription: PlannedSubscription): YAML.Pair {
  const settings = new YAML.YAMLMap();
  settings.items.push(new YAML.Pair(new YAML.Scalar("seats"), new YAML.Scalar(subscription.seats)));
  settings.items.push(new YAML.Pair(new YAML.Scalar("subscriptionId"), new YAML.Scalar(subscription.subscriptionId)));
  if (subscription.addons.length > 0) settings.items.push(addonsPair(subscription.addons));
  return new YAML.Pair(commentedKey(subscription.license, subscription.caution === undefined ? [] : [subscription.caution]), settings);
}

function addonsPair(addons: readonly PlannedSubscription[]): YAML.Pair {
  const map = new YAML.YAMLMap();
  map.items.push(...addons.map(subscriptionPair));
  return new YAML.Pair(new YAML.Scalar("addons"), map);
}

function commentedKey(key: string, comments: readonly string[]): YAML.Scalar {
  const scalar = new YAML.Scalar(key);
  if (comments.length > 0) scalar.commentBefore = commentText(comments);
  return scalar;
}

/** Comment lines as the library takes them (it writes `#` before each), each wrapped at `commentWidth`. */
function commentText(lines: readonly string[]): string {
  return lines.flatMap((line) => wrap(line)).map((line) => ` ${line}`).join("\n");
}

function wrap(line: string): string[] {
  const wrapped: string[] = [];
  let current = "";
  for (const word of line.split(" ")) {
    if (current !== "" && current.length + 1 + word.length > commentWidth) {
      wrapped.push(current);
      current = `  ${word}`;
    } else {
      current = current === "" ? word : `${current} ${word}`;
    }
  }
  return [...wrapped, current];
}

/** An entry of a merge's report: a group (no subscriptionId) or a subscription, and what there is to say of it. */
export interface MergeItem {
  serviceName: string;
  /** A group's display name at OVH. */
  displayName?: string;
  subscriptionId?: number;
  license?: string;
  seats?: number;
  parentSubscriptionId?: number;
  reason?: string;
}

export interface MergeOutcome {
  /** The file with the additions; the same text when there is nothing to add. */
  text: string;
  /** Groups and subscriptions added. */
  added: MergeItem[];
  /** The file's groups and entries, kept as written; with a reason when they differ from what OVH holds. */
  left: MergeItem[];
  /** What OVH holds that the merged file does not manage, with why. */
  notManaged: MergeItem[];
}

/** Which groups the plan comes from: every group of the account, or those named. */
export interface MergeScope {
  wholeAccount: boolean;
}

/**
 * Adds to the licence file `text` what the plan holds and the file lacks: groups, subscriptions (matched by their
 * subscriptionId first, then by licence), add-ons under the entry of their parent. An entry the file has for the same
 * licence, adopting another subscription or none, is left as written, and the subscription OVH holds besides is
 * reported, not added. Throws a `LicenseFileError` when the file does not load.
 */
export function mergeLicenseFile(text: string, fileName: string, plan: ExportPlan, scope: MergeScope): MergeOutcome {
  const declared = new Map(parseLicenseFile(text, fileName).groups.map((group) => [group.serviceName, group]));
  const lineCounter = new YAML.LineCounter();
  const doc = YAML.parseDocument(text, { lineCounter });
  const edits = new Insertions(text, lineCounter, doc);
  const outcome: Omit<MergeOutcome, "text"> = { added: [], left: [], notManaged: [] };
  const groupsNode = doc.get("groups", true) as YAML.YAMLMap;

  const newGroups: PlannedGroup[] = [];
  for (const group of plan.groups) {
    const existing = declared.get(group.serviceName);
    if (existing === undefined) {
      newGroups.push(group);
      outcome.added.push(groupItem(group), ...plannedSubscriptions(group).map(subscriptionItem));
      outcome.notManaged.push(...plan.subscriptionsLeftOut.filter((item) => item.serviceName === group.serviceName));
      continue;
    }
    mergeGroup(existing, group, pairValue(groupsNode, group.serviceName) as YAML.YAMLMap, edits, outcome);
    outcome.notManaged.push(...plan.subscriptionsLeftOut.filter((item) => item.serviceName === group.serviceName));
  }
  if (newGroups.length > 0) edits.add(groupsNode, newGroups.map((group) => groupPair(group)), { blankLineBefore: true });

  for (const item of plan.groupsLeftOut) {
    outcome.notManaged.push(item);
    if (declared.has(item.serviceName)) outcome.left.push({ serviceName: item.serviceName, reason: `not compared with OVH: ${item.reason}` });
  }
  const read = new Set([...plan.groups, ...plan.groupsLeftOut].map((group) => group.serviceName));
  for (const serviceName of declared.keys()) {
    if (read.has(serviceName)) continue;
    const reason = scope.wholeAccount ? "OVH lists no such licence group in this account (or these credentials cannot see it)" : "not read: not among the groups named";
    outcome.left.push({ serviceName, reason });
  }

  const merged = edits.apply();
  checkMerged(merged, fileName, outcome.added);
  return { text: merged, ...outcome };
}

/** Adds to one group of the file the subscriptions it lacks, and reports on the entries it has. */
function mergeGroup(existing: LicenseGroupDeclaration, group: PlannedGroup, groupNode: YAML.YAMLMap, edits: Insertions, outcome: Omit<MergeOutcome, "text">): void {
  const { serviceName } = group;
  const sameDisplayName = existing.displayName === undefined || existing.displayName === group.displayName;
  outcome.left.push({ serviceName, ...(!sameDisplayName && { reason: `displayName is ${JSON.stringify(existing.displayName)} in the file, ${JSON.stringify(group.displayName)} at OVH` }) });
  const entries = existing.subscriptions;
  const planned = plannedSubscriptions(group);
  const licencesNode = groupNode.items.find((pair) => ["licences", "licenses"].includes(String(keyOf(pair))))?.value as YAML.YAMLMap;
  const newBases: PlannedSubscription[] = [];

  for (const base of group.subscriptions) {
    const entry = entries.find((candidate) => candidate.subscriptionId === base.subscriptionId);
    if (entry) {
      outcome.left.push(leftItem(serviceName, entry, base));
      if (entry.addonOf === undefined) mergeAddons(serviceName, entries, entry, base, pairValue(licencesNode, entry.license) as YAML.YAMLMap, edits, outcome);
      else outcome.notManaged.push(...base.addons.map((addon) => notManagedItem(addon, `the file declares its parent, subscription ${base.subscriptionId}, as an add-on`)));
      continue;
    }
    const reason = additionRefusal(entries, base, undefined);
    if (reason !== undefined) {
      outcome.notManaged.push(notManagedItem(base, reason), ...base.addons.map((addon) => notManagedItem(addon, `its parent, subscription ${base.subscriptionId}, is not added (see above)`)));
      continue;
    }
    newBases.push(base);
    outcome.added.push(subscriptionItem(base), ...base.addons.map(subscriptionItem));
  }
  if (newBases.length > 0) edits.add(licencesNode, newBases.map(subscriptionPair));

  const known = new Set(planned.map((subscription) => subscription.subscriptionId));
  for (const entry of entries.filter((candidate) => candidate.subscriptionId === undefined || !known.has(candidate.subscriptionId))) {
    outcome.left.push({ serviceName, license: entry.license, ...(entry.subscriptionId !== undefined && { subscriptionId: entry.subscriptionId }), seats: entry.seats, reason: unmatchedReason(entry, planned) });
  }
}

/** What to say of a file entry that adopts none of the subscriptions the export writes for its group. */
function unmatchedReason(entry: SubscriptionDeclaration, planned: readonly PlannedSubscription[]): string {
  if (entry.subscriptionId !== undefined) return `the export writes no subscription ${entry.subscriptionId} for this group (if OVH has it, see what is not managed)`;
  const sameLicense = (a: string | undefined, b: string | undefined) => (a === undefined ? b === undefined : b !== undefined && normalizeLicenseName(a) === normalizeLicenseName(b));
  const parentOf = (subscription: PlannedSubscription) => planned.find((other) => other.subscriptionId === subscription.parentSubscriptionId)?.license;
  const held = planned.find((subscription) => sameLicense(subscription.license, entry.license) && sameLicense(parentOf(subscription), entry.addonOf));
  if (held === undefined) return "not at OVH: the next `pulumi up` orders it";
  return `OVH holds subscription ${held.subscriptionId} of this licence (${held.seats} seats): \`pulumi up\` refuses to order a second; add subscriptionId: ${held.subscriptionId} to adopt it`;
}

/** Adds the add-ons a file entry lacks under its `addons:` (which is created if it has none). */
function mergeAddons(
  serviceName: string,
  entries: readonly SubscriptionDeclaration[],
  parentEntry: SubscriptionDeclaration,
  base: PlannedSubscription,
  entryNode: YAML.YAMLMap,
  edits: Insertions,
  outcome: Omit<MergeOutcome, "text">,
): void {
  const newAddons: PlannedSubscription[] = [];
  for (const addon of base.addons) {
    const entry = entries.find((candidate) => candidate.subscriptionId === addon.subscriptionId);
    if (entry) {
      outcome.left.push(leftItem(serviceName, entry, addon));
      continue;
    }
    const reason = additionRefusal(entries, addon, parentEntry.license);
    if (reason !== undefined) outcome.notManaged.push(notManagedItem(addon, reason));
    else {
      newAddons.push(addon);
      outcome.added.push(subscriptionItem(addon));
    }
  }
  if (newAddons.length === 0) return;
  const addonsNode = pairValue(entryNode, "addons");
  if (addonsNode === undefined) edits.add(entryNode, [addonsPair(newAddons)]);
  else edits.add(addonsNode as YAML.YAMLMap, newAddons.map(subscriptionPair));
}

/**
 * Why the subscription cannot be added beside the file's entries (on its own, or as an add-on of the entry named
 * `addonOf`) without changing one of them or making the file refuse to load; undefined when it can.
 */
function additionRefusal(entries: readonly SubscriptionDeclaration[], subscription: PlannedSubscription, addonOf: string | undefined): string | undefined {
  const siblings = entries.filter((entry) => entry.addonOf === addonOf);
  const name = normalizeLicenseName(subscription.license);
  const same = siblings.find((entry) => normalizeLicenseName(entry.license) === name);
  if (same !== undefined) {
    return same.subscriptionId === undefined
      ? `the file declares "${same.license}" without a subscriptionId, to be ordered; to adopt this subscription instead, add subscriptionId: ${subscription.subscriptionId} to it`
      : `the file's "${same.license}" adopts subscription ${same.subscriptionId}, and it holds one subscription per licence`;
  }
  const clash = siblings.find((entry) => slugOf(entry.license) === slugOf(subscription.license));
  if (clash !== undefined) return `its licence name and the file's "${clash.license}" would give one resource name`;
  const otherWay = entries.find((entry) => (entry.addonOf === undefined) !== (addonOf === undefined) && normalizeLicenseName(entry.license) === name);
  if (otherWay !== undefined) return `the file declares "${otherWay.license}" ${addonOf === undefined ? "as an add-on" : "on its own"} in this group, and a licence is declared one way in a group`;
  return undefined;
}

function leftItem(serviceName: string, entry: SubscriptionDeclaration, live: PlannedSubscription): MergeItem {
  const differences = [
    ...(normalizeLicenseName(entry.license) === normalizeLicenseName(live.license) ? [] : [`it is a "${live.license}" subscription at OVH`]),
    ...(entry.seats === live.seats ? [] : [`seats ${entry.seats} in the file, ${live.seats} at OVH: \`pulumi up\` sets ${entry.seats}`]),
    ...(entry.addonOf === undefined && live.parentSubscriptionId !== undefined ? [`it is an add-on of subscription ${live.parentSubscriptionId} at OVH`] : []),
    ...(entry.addonOf !== undefined && live.parentSubscriptionId === undefined ? ["it is a subscription on its own at OVH"] : []),
  ];
  return { serviceName, license: entry.license, subscriptionId: live.subscriptionId, seats: entry.seats, ...(differences.length > 0 && { reason: differences.join("; ") }) };
}

function groupItem(group: PlannedGroup): MergeItem {
  return { serviceName: group.serviceName, ...(group.displayName !== undefined && { displayName: group.displayName }) };
}

export function subscriptionItem(subscription: PlannedSubscription): MergeItem {
  return {
    serviceName: subscription.serviceName,
    subscriptionId: subscription.subscriptionId,
    license: subscription.license,
    seats: subscription.seats,
    ...(subscription.parentSubscriptionId !== undefined && { parentSubscriptionId: subscription.parentSubscriptionId }),
  };
}

function notManagedItem(subscription: PlannedSubscription, reason: string): MergeItem {
  return { ...subscriptionItem(subscription), reason };
}

function keyOf(pair: YAML.Pair): unknown {
  return YAML.isScalar(pair.key) ? pair.key.value : pair.key;
}

function pairValue(map: YAML.YAMLMap, key: string): unknown {
  return map.items.find((pair) => String(keyOf(pair)) === key)?.value;
}

/** The merged file must load, and declare every subscription the merge says it added: else nothing is written. */
function checkMerged(merged: string, fileName: string, added: readonly MergeItem[]): void {
  let file: LicenseFile;
  try {
    file = parseLicenseFile(merged, fileName);
  } catch (error) {
    throw new Error(`adding to ${fileName} would make it fail to load, so nothing was written: ${(error as Error).message}`);
  }
  const adopted = new Set(file.groups.flatMap((group) => group.subscriptions.map((entry) => entry.subscriptionId)));
  const missing = added.filter((item) => item.subscriptionId !== undefined && !adopted.has(item.subscriptionId));
  if (missing.length > 0) throw new Error(`adding to ${fileName} did not declare subscriptions ${missing.map((item) => item.subscriptionId).join(", ")}, so nothing was written`);
}

interface Insertion {
  offset: number;
  /** How deep the map is: of two insertions at one offset, the deeper one's text comes first. */
  depth: number;
  text: string;
}

/**
 * Insertions into the maps of a parsed file, applied to its text: each new pair is rendered by the YAML library in the
 * file's indentation step, placed after the map's last entry (its last line of content, before any comment that
 * follows), or inside the braces of a map written `{…}`.
 */
class Insertions {
  private readonly insertions: Insertion[] = [];
  private readonly lineBreak: string;
  private readonly indentStep: number;

  constructor(
    private readonly text: string,
    private readonly lineCounter: YAML.LineCounter,
    doc: YAML.Document,
  ) {
    this.lineBreak = text.includes("\r\n") ? "\r\n" : "\n";
    const groups = doc.get("groups", true) as YAML.YAMLMap;
    this.indentStep = groups.flow || groups.items.length === 0 ? 2 : Math.max(this.columnOf(groups.items[0].key as YAML.Node), 1);
  }

  add(map: YAML.YAMLMap, pairs: YAML.Pair[], options: { blankLineBefore?: boolean } = {}): void {
    const depth = this.columnOf(map);
    if (map.flow) {
      this.insertions.push(this.intoFlow(map, pairs, depth));
      return;
    }
    const column = this.columnOf(map.items[0].key as YAML.Node);
    const fragment = new YAML.Document();
    fragment.contents = new YAML.YAMLMap();
    fragment.contents.items.push(...pairs);
    if (options.blankLineBefore) for (const pair of pairs.slice(1)) (pair.key as YAML.Scalar).spaceBefore = true;
    const lines = fragment
      .toString({ indent: this.indentStep, lineWidth: 0 })
      .replace(/\n$/, "")
      .split("\n")
      .map((line) => (line === "" ? "" : " ".repeat(column) + line));
    const lead = options.blankLineBefore ? [""] : [];
    this.insertions.push({ offset: this.endOfContent(map), depth, text: [...lead, ...lines].map((line) => this.lineBreak + line).join("") });
  }

  /** The file with every insertion, the deeper of two at one offset first. */
  apply(): string {
    let result = this.text;
    const ordered = [...this.insertions].sort((a, b) => b.offset - a.offset || a.depth - b.depth);
    for (const { offset, text } of ordered) result = result.slice(0, offset) + text + result.slice(offset);
    return result;
  }

  private intoFlow(map: YAML.YAMLMap, pairs: YAML.Pair[], depth: number): Insertion {
    const fragment = new YAML.YAMLMap();
    fragment.flow = true;
    for (const pair of pairs) {
      const key = pair.key as YAML.Scalar;
      delete key.commentBefore;
      fragment.items.push(pair);
    }
    const inner = new YAML.Document(fragment).toString({ lineWidth: 0 }).trim().replace(/^\{\s*/, "").replace(/\s*\}$/, "");
    const last = map.items.at(-1);
    if (last === undefined) return { offset: (map.range as YAML.Range)[0] + 1, depth, text: ` ${inner} ` };
    const end = ((last.value ?? last.key) as YAML.Node).range as YAML.Range;
    return { offset: end[1], depth, text: `, ${inner}` };
  }

  /** Where a block map's content ends: the end of the line of its last value, before any line break. */
  private endOfContent(map: YAML.YAMLMap): number {
    let last = map.items[map.items.length - 1];
    while (YAML.isMap(last.value) && !last.value.flow && last.value.items.length > 0) last = last.value.items[last.value.items.length - 1];
    const node = (last.value ?? last.key) as YAML.Node;
    const end = (node.range as YAML.Range)[1];
    const newline = this.text.indexOf("\n", Math.max(end - 1, 0));
    if (newline === -1) return this.text.length;
    return this.text[newline - 1] === "\r" ? newline - 1 : newline;
  }

  private columnOf(node: YAML.Node): number {
    return this.lineCounter.linePos((node.range as YAML.Range)[0]).col - 1;
  }
}
