import type { Command } from "commander";
import type { Csp2ServiceStateEnum } from "../../csp2";
import type { OvhRequester } from "../../ovh/types";
import { readAccount } from "../account/reading";
import { defineCommand, printReport, type CommonOptions, type ExitCode } from "./command-support";
import { noLicenseGroupsText } from "./groups";
import { licenseText, statusText } from "./status";
import { renderTable, type CliWriter } from "./output";

/** One subscription of the account, as `subscriptions --json` prints it. */
export interface AccountSubscriptionLine {
  serviceName: string;
  id: number;
  licenseId: number;
  /** Null when OVH names the licence nowhere (not in the group's catalogue, and no seats this billing period). */
  licenseName: string | null;
  seats: number;
  status: string;
  /** The task changing the subscription right now, or null. */
  taskPendingId: number | null;
  /** For an add-on, the subscription it extends; null otherwise. */
  parentSubscriptionId: number | null;
}

/** What `subscriptions --json` prints: the groups read, and their subscriptions, each add-on after the one it extends. */
export interface SubscriptionsReport {
  /** No group was named: every group of the account was read. */
  wholeAccount: boolean;
  groups: { serviceName: string; displayName: string; status: Csp2ServiceStateEnum }[];
  subscriptions: AccountSubscriptionLine[];
}

/** The subscriptions of the groups named, or of every group, sorted by group, each base followed by its add-ons. */
export async function readSubscriptionsReport(requester: OvhRequester, writer: CliWriter, serviceNames: readonly string[]): Promise<SubscriptionsReport> {
  const { wholeAccount, groups } = await readAccount(requester, writer, serviceNames);
  const subscriptions = groups.flatMap((group) => {
    const lines = group.subscriptions.map(({ license: _license, ...subscription }): AccountSubscriptionLine => ({ serviceName: group.serviceName, ...subscription }));
    const addonsOf = (id: number) => lines.filter((line) => line.parentSubscriptionId === id);
    return lines.filter((line) => line.parentSubscriptionId === null || !lines.some((other) => other.id === line.parentSubscriptionId)).flatMap((line) => [line, ...addonsOf(line.id)]);
  });
  return {
    wholeAccount,
    groups: groups.map(({ serviceName, displayName, status }) => ({ serviceName, displayName, status })),
    subscriptions,
  };
}

export function renderSubscriptions(report: SubscriptionsReport): string {
  if (report.groups.length === 0) return noLicenseGroupsText;
  const scope = report.wholeAccount ? `Every licence group of the account (${report.groups.length}).` : `Licence groups: ${report.groups.map((group) => group.serviceName).join(", ")}.`;
  const empty = report.groups.filter((group) => !report.subscriptions.some((line) => line.serviceName === group.serviceName)).map((group) => group.serviceName);
  const table =
    report.subscriptions.length === 0
      ? ""
      : renderTable(
          ["Group", "Id", "Licence", "Seats", "Status", "Add-on of"],
          report.subscriptions.map((line) => [
            line.serviceName,
            line.id,
            licenseText(line),
            line.seats,
            statusText(line),
            line.parentSubscriptionId ?? "",
          ]),
        );
  const without = empty.length === 0 ? "" : `No subscription yet: ${empty.join(", ")}.\n`;
  return `${scope}\n${table}${without}`;
}

/** `ovh-office365 subscriptions [serviceName...]`: the account's subscriptions. Resolves to the exit code. */
export function runSubscriptions(requester: OvhRequester, writer: CliWriter, serviceNames: readonly string[], options: CommonOptions = {}): Promise<ExitCode> {
  return printReport(writer, options, () => readSubscriptionsReport(requester, writer, serviceNames), renderSubscriptions);
}

export function registerSubscriptionsCommand(program: Command): Command {
  return defineCommand(program, {
    name: "subscriptions",
    argument: { syntax: "[serviceName...]", description: "the licence groups to list (default: every group of the account)" },
    summary: "List the subscriptions of every group, or of those named",
    description:
      "Lists the subscriptions of the licence groups named, or of every group of the account when none is named: the " +
      "group, the subscription's id, licence, seats and status (with the task changing it, if any), and for an add-on " +
      "the subscription it extends (OVH tells it only through each subscription's add-on list). The ids are what " +
      "`subscriptionId` adopts; `ovh-office365 export` writes them into a licence file.",
    examples: ["ovh-office365 subscriptions", "ovh-office365 subscriptions csp2-1f4a7c92 --json | jq '.subscriptions[] | {id, licenseName, seats}'"],
    run: (requester, writer, serviceNames, options) => runSubscriptions(requester, writer, serviceNames, options),
  });
}
