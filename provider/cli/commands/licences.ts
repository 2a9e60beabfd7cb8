import type { Command } from "commander";
import { fetchOrderableLicenses, type OfficeLicence } from "../../csp2";
import type { OvhRequester } from "../../ovh/types";
import { checkServiceName, defineCommand, onLicenseGroup, printReport, readsReporter, type CommonOptions, type ExitCode } from "./command-support";
import { renderTable, yesNo, type CliWriter } from "./output";

/**
 * What `licences --json` prints. `limit` is null when OVH sets none; `licenceType` is spelt as OVH spells it. The list
 * is under `licenses`, and under `licences` too, its earlier key, until 1.0.
 */
export interface LicensesReport {
  serviceName: string;
  /** @deprecated The same list as `licenses`, under its earlier key; goes in 1.0. */
  licences: OfficeLicence[];
  licenses: OfficeLicence[];
}

/** The licences the group can order, sorted by name then id. */
export async function readLicenses(requester: OvhRequester, writer: CliWriter, serviceName: string): Promise<LicensesReport> {
  checkServiceName(serviceName);
  const found = await onLicenseGroup(serviceName, () => fetchOrderableLicenses(requester, serviceName, { onListed: readsReporter(writer, "licences") }));
  const licenses = found
    .map(({ id, name, licenceType, limit, newSeatsAllowed, newSubscriptionsAllowed }) => ({
      id,
      name,
      licenceType,
      limit,
      newSeatsAllowed,
      newSubscriptionsAllowed,
    }))
    .sort((a, b) => a.name.localeCompare(b.name) || a.id - b.id);
  return { serviceName, licences: licenses, licenses };
}

export function renderLicenses(report: LicensesReport): string {
  if (report.licenses.length === 0) return `Licence group ${report.serviceName} offers no licence to order.\n`;
  return renderTable(
    ["Id", "Name", "Type", "Limit", "New seats", "New subscriptions"],
    report.licenses.map((license) => [
      license.id,
      license.name,
      license.licenceType,
      license.limit === null ? "none" : license.limit,
      yesNo(license.newSeatsAllowed),
      yesNo(license.newSubscriptionsAllowed),
    ]),
  );
}

/** `ovh-office365 licences <serviceName>`: the licences a group can order. Resolves to the exit code. */
export function runLicenses(requester: OvhRequester, writer: CliWriter, serviceName: string, options: CommonOptions = {}): Promise<ExitCode> {
  return printReport(writer, options, () => readLicenses(requester, writer, serviceName), renderLicenses);
}

/** `licences`, with `licenses` (the OVH API's spelling) as its alias: one command, listed once in the help. */
export function registerLicensesCommand(program: Command): Command {
  return defineCommand(program, {
    name: "licences",
    aliases: ["licenses"],
    argument: { syntax: "<serviceName>", description: "the licence group's service name (see `ovh-office365 groups`)" },
    summary: "List the licences a group can order",
    description:
      "Lists the licences the licence group can order: id, name, type (NON-SPECIFIC, or ADDON for an add-on " +
      "ordered on a base subscription), the seat limit, and whether new seats and new subscriptions are " +
      "allowed. A Subscription resource takes the name (license) or the id (licenseId). " +
      "`licences` and `licenses` are the same command.",
    examples: ["ovh-office365 licences csp2-1f4a7c92", "ovh-office365 licences csp2-1f4a7c92 --json | jq '.licenses[] | {id, name}'"],
    run: (requester, writer, [serviceName], options) => runLicenses(requester, writer, serviceName, options),
  });
}
