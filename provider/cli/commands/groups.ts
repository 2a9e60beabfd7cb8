import type { Command } from "commander";
import { fetchLicenseGroups, type Csp2ServiceStateEnum } from "../../csp2";
import type { OvhRequester } from "../../ovh/types";
import { defineCommand, printReport, readsReporter, type CommonOptions, type ExitCode } from "./command-support";
import { formatDateTime, renderTable, type CliWriter } from "./output";

export interface LicenseGroupSummary {
  serviceName: string;
  displayName: string;
  status: Csp2ServiceStateEnum;
  creationDate: string;
}

/** What `groups --json` prints. */
export interface GroupsReport {
  groups: LicenseGroupSummary[];
}

/** The account's licence groups, sorted by serviceName. */
export async function readGroups(requester: OvhRequester, writer: CliWriter): Promise<GroupsReport> {
  const tenants = await fetchLicenseGroups(requester, { onListed: readsReporter(writer, "licence groups") });
  const groups = tenants.map(({ serviceName, displayName, status, creationDate }) => ({ serviceName, displayName, status, creationDate }));
  return { groups };
}

/** What a command listing the account's groups prints when there are none. */
export const noLicenseGroupsText =
  "No licence groups in this OVH account. Order one in the OVH control panel, or with the LicenseGroup resource's `order` input.\n";

export function renderGroups(report: GroupsReport): string {
  if (report.groups.length === 0) return noLicenseGroupsText;
  return renderTable(
    ["Service name", "Display name", "Status", "Created"],
    report.groups.map((group) => [group.serviceName, group.displayName, group.status, formatDateTime(group.creationDate)]),
  );
}

/** `ovh-office365 groups`: lists the account's licence groups. Resolves to the exit code. */
export function runGroups(requester: OvhRequester, writer: CliWriter, options: CommonOptions = {}): Promise<ExitCode> {
  return printReport(writer, options, () => readGroups(requester, writer), renderGroups);
}

export function registerGroupsCommand(program: Command): Command {
  return defineCommand(program, {
    name: "groups",
    summary: "List the account's licence groups",
    description:
      "Lists the Office 365 reseller (CSP2) licence groups of the OVH account: service name, display name, status " +
      "and creation date. The service name is what the other commands and the resources take.",
    examples: ["ovh-office365 groups", "ovh-office365 groups --json | jq -r '.groups[].serviceName'"],
    run: (requester, writer, _operands, options) => runGroups(requester, writer, options),
  });
}
