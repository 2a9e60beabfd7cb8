import { renderTable } from "./commands/output";
import type { SubscriptionLine } from "./commands/status";

/**
 * The demo's short views of a licence group: its subscriptions once at the start, then after each step only the
 * subscriptions that changed during it, with the seat counts seen along the way.
 */

export type SubscriptionSnapshot = Pick<SubscriptionLine, "id" | "licenseId" | "licenseName" | "seats" | "status" | "taskPendingId">[];

export interface SubscriptionChange {
  id: number;
  license: string;
  /** What was seen during the step, e.g. `ordered: 5`, `8 => 6 => 8`, `deleted (had 2)`, `8 => 6 => deleted`. */
  seats: string;
}

function licenseOf(line: SubscriptionSnapshot[number]): string {
  return line.licenseName ?? `licence ${line.licenseId}`;
}

/** One observation of a subscription: its seats, and the OVH task running on it if any. */
function observed(line: SubscriptionSnapshot[number]): string {
  return line.taskPendingId === null ? String(line.seats) : `${line.seats} (task ${line.taskPendingId} pending)`;
}

/** Consecutive repeats collapsed: what was seen, in order. */
function path(values: readonly string[]): string[] {
  return values.filter((value, index) => index === 0 || value !== values[index - 1]);
}

/**
 * The subscriptions that changed across the step's snapshots (the first taken at the start of the step, the last at
 * its end): ordered, deleted, seats changed, or a task seen pending. Sorted by id.
 */
export function changedSubscriptions(snapshots: readonly SubscriptionSnapshot[]): SubscriptionChange[] {
  if (snapshots.length === 0) return [];
  const ids = [...new Set(snapshots.flatMap((snapshot) => snapshot.map((line) => line.id)))].sort((a, b) => a - b);
  const changes: SubscriptionChange[] = [];
  for (const id of ids) {
    const seen = snapshots.map((snapshot) => snapshot.find((line) => line.id === id));
    const present = seen.filter((line): line is SubscriptionSnapshot[number] => line !== undefined);
    const values = path(present.map(observed));
    const atStart = seen[0] !== undefined;
    const atEnd = seen[seen.length - 1] !== undefined;
    const license = licenseOf(present[present.length - 1]);
    if (!atStart && atEnd) {
      changes.push({ id, license, seats: `ordered: ${values.join(" => ")}` });
    } else if (atStart && !atEnd) {
      changes.push({ id, license, seats: values.length === 1 ? `deleted (had ${values[0]})` : `${values.join(" => ")} => deleted` });
    } else if (!atStart && !atEnd) {
      changes.push({ id, license, seats: `ordered, then deleted (had ${values.join(" => ")})` });
    } else if (values.length > 1) {
      changes.push({ id, license, seats: values.join(" => ") });
    }
  }
  return changes;
}

/** The step's view: a table of what changed, or a sentence saying nothing did. */
export function renderChanges(serviceName: string, changes: readonly SubscriptionChange[]): string {
  if (changes.length === 0) return `Control panel of ${serviceName}: no subscription changed.\n`;
  const table = renderTable(
    ["Id", "Licence", "Seats during this step"],
    changes.map((change) => [change.id, change.license, change.seats]),
  );
  return `Control panel of ${serviceName}, subscriptions that changed:\n${indent(table)}`;
}

/** A refused delete of the demo: the resource's name in the program, and its id. */
export interface RefusedDelete {
  name: string;
  id: string;
}

/** The line that sums up a refused `pulumi destroy`: how many deletes were refused, naming every one. */
export function refusedDeletesSummary(refused: readonly RefusedDelete[]): string {
  const named = refused.map(({ name, id }) => `${name} (${id})`);
  const list = named.length > 1 ? `${named.slice(0, -1).join(", ")} and ${named[named.length - 1]}` : named.join("");
  return `pulumi destroy: ${refused.length} ${refused.length === 1 ? "delete" : "deletes"} refused, nothing deleted: ${list} ${refused.length === 1 ? "stays" : "stay"} at OVH.`;
}

/** The group's subscriptions as they are, for the start of the demo. */
export function renderHoldings(serviceName: string, displayName: string, snapshot: SubscriptionSnapshot): string {
  if (snapshot.length === 0) return `Licence group ${serviceName} (${displayName}) holds no subscription yet.\n`;
  const table = renderTable(
    ["Id", "Licence", "Seats", "Status"],
    [...snapshot].sort((a, b) => a.id - b.id).map((line) => [line.id, licenseOf(line), observed(line), line.status]),
  );
  return `Licence group ${serviceName} (${displayName}) before the demo:\n${indent(table)}`;
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((line) => (line === "" ? line : `  ${line}`))
    .join("\n");
}
