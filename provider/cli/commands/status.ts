import type { Command } from "commander";
import {
  fetchOrderableLicenses,
  fetchPendingTasks,
  fetchSubscriptions,
  getBillingPeriodPeaks,
  getServiceInfos,
  getTenant,
  type Csp2ServiceStateEnum,
  type RenewType,
  type ServiceStateEnum,
  type TaskStatusEnum,
} from "../../csp2";
import type { OvhRequester } from "../../ovh/types";
import { microsoftAdminPortalUrl, tutorialUrl } from "../../resources/license-group-rules";
import { checkServiceName, defineCommand, onLicenseGroup, printReport, readsReporter, type CommonOptions, type ExitCode } from "./command-support";
import { formatDateTime, renderFields, renderTable, type CliWriter } from "./output";

export interface SubscriptionLine {
  id: number;
  status: string;
  licenseId: number;
  /** Null when the API names the licence nowhere (no seats this billing period, and not orderable any more). */
  licenseName: string | null;
  seats: number;
  creationDate: string;
  lastUpdate: string | null;
  /** The task changing the subscription right now, or null. */
  taskPendingId: number | null;
}

export interface TaskInProgress {
  id: number;
  function: string;
  status: Extract<TaskStatusEnum, "todo" | "doing">;
  todoDate: string;
}

/** What `status --json` prints: the control panel's page of one licence group. */
export interface StatusReport {
  serviceName: string;
  /** The control panel's "internal name" of the group. */
  displayName: string;
  status: Csp2ServiceStateEnum;
  creationDate: string;
  microsoftAdminPortalUrl: string;
  tutorialUrl: string;
  service: {
    status: ServiceStateEnum;
    expiration: string;
    renew: RenewType | null;
  };
  subscriptions: SubscriptionLine[];
  tasksInProgress: TaskInProgress[];
}

/**
 * Where OVH cannot filter the task list, every task is read (one GET each), not only the 20 most recent the provider
 * scans before an order: the report has always listed every task in progress, and an old task stuck in `todo` is
 * exactly what someone running `status` is looking for.
 */
const ALL_TASKS = Number.POSITIVE_INFINITY;

/** Reads the group's general information, subscriptions and tasks in progress. */
export async function readStatus(requester: OvhRequester, writer: CliWriter, serviceName: string): Promise<StatusReport> {
  checkServiceName(serviceName);
  const tenant = await onLicenseGroup(serviceName, () => getTenant(requester, serviceName));
  const onListed = readsReporter(writer, "subscriptions and tasks", 2);
  const [serviceInfos, subscriptions, tasksInProgress, billingPeaks] = await onLicenseGroup(serviceName, () =>
    Promise.all([
      getServiceInfos(requester, serviceName),
      fetchSubscriptions(requester, serviceName, { onListed }),
      fetchPendingTasks(requester, serviceName, { recentLimit: ALL_TASKS, onListed }),
      // Names the licence of every subscription holding seats this month, in one call.
      getBillingPeriodPeaks(requester, serviceName),
    ]),
  );

  const licenseNames = new Map(billingPeaks.lines.map((line) => [line.licenceId, line.licenceName]));
  const unnamed = new Set(subscriptions.map((subscription) => subscription.licenseId).filter((id) => !licenseNames.has(id)));
  if (unnamed.size > 0) {
    // The catalogue names the others (those OVH no longer offers stay unnamed): one list-mode call, or one GET each.
    for (const license of await fetchOrderableLicenses(requester, serviceName, { only: (id) => unnamed.has(id) })) licenseNames.set(license.id, license.name);
  }

  return {
    serviceName: tenant.serviceName,
    displayName: tenant.displayName,
    status: tenant.status,
    creationDate: tenant.creationDate,
    microsoftAdminPortalUrl,
    tutorialUrl,
    service: { status: serviceInfos.status, expiration: serviceInfos.expiration, renew: serviceInfos.renew },
    subscriptions: subscriptions.map((subscription) => ({
      id: subscription.id,
      status: subscription.status,
      licenseId: subscription.licenseId,
      licenseName: licenseNames.get(subscription.licenseId) ?? null,
      seats: subscription.quantity,
      creationDate: subscription.creationDate,
      lastUpdate: subscription.lastUpdate,
      taskPendingId: subscription.taskPendingId > 0 ? subscription.taskPendingId : null,
    })),
    tasksInProgress: tasksInProgress.map(({ id, function: taskFunction, status, todoDate }) => ({ id, function: taskFunction, status, todoDate })),
  };
}

export function describeRenewal(renew: RenewType | null): string {
  if (!renew) return "-";
  if (renew.deleteAtExpiration) return "deleted at expiration";
  if (!renew.automatic) return "manual";
  if (!renew.period) return "automatic";
  return renew.period === 1 ? "automatic, every month" : `automatic, every ${renew.period} months`;
}

/** A subscription's status, with the task changing it, as the tables show it. */
export function statusText(subscription: Pick<SubscriptionLine, "status" | "taskPendingId">): string {
  return subscription.taskPendingId === null ? subscription.status : `${subscription.status} (task ${subscription.taskPendingId} pending)`;
}

/** A subscription's licence as the tables show it: its name, else its id. */
export function licenseText(subscription: Pick<SubscriptionLine, "licenseName" | "licenseId">): string {
  return subscription.licenseName ?? `licence ${subscription.licenseId}`;
}

export function renderStatus(report: StatusReport): string {
  const general = renderFields([
    ["Service name", report.serviceName],
    ["Internal name", report.displayName],
    ["Status", report.status],
    ["Created", formatDateTime(report.creationDate)],
    ["Expiration", `${formatDateTime(report.service.expiration)} (service ${report.service.status})`],
    ["Renewal", describeRenewal(report.service.renew)],
    ["Microsoft admin portal", report.microsoftAdminPortalUrl],
    ["Online tutorials", report.tutorialUrl],
  ]);
  const subscriptions =
    report.subscriptions.length === 0
      ? "No subscription yet.\n"
      : renderTable(
          ["Id", "Status", "Licence", "Seats", "Created", "Last update"],
          report.subscriptions.map((subscription) => [
            subscription.id,
            statusText(subscription),
            licenseText(subscription),
            subscription.seats,
            formatDateTime(subscription.creationDate),
            formatDateTime(subscription.lastUpdate),
          ]),
        );
  const tasks =
    report.tasksInProgress.length === 0
      ? "No task in progress.\n"
      : renderTable(
          ["Id", "Function", "Status", "Todo date"],
          report.tasksInProgress.map((task) => [task.id, task.function, task.status, formatDateTime(task.todoDate)]),
        );
  return `General information\n${general}\nSubscriptions\n${subscriptions}\nTasks in progress\n${tasks}`;
}

/** `ovh-office365 status <serviceName>`: the control panel's view of a group. Resolves to the exit code. */
export function runStatus(requester: OvhRequester, writer: CliWriter, serviceName: string, options: CommonOptions = {}): Promise<ExitCode> {
  return printReport(writer, options, () => readStatus(requester, writer, serviceName), renderStatus);
}

export function registerStatusCommand(program: Command): Command {
  return defineCommand(program, {
    name: "status",
    argument: { syntax: "<serviceName>", description: "the licence group's service name (see `ovh-office365 groups`)" },
    summary: "Show a licence group as the OVH control panel does",
    description:
      "Shows one licence group as the OVH control panel does: general information (internal name, status, " +
      "creation date, expiration and renewal, the Microsoft admin portal and online tutorials), the " +
      "subscriptions (id, status, licence, seats, creation date, last update) and the tasks in progress.",
    examples: ["ovh-office365 status csp2-1f4a7c92", "ovh-office365 status csp2-1f4a7c92 --json | jq '.subscriptions[] | {id, seats}'"],
    run: (requester, writer, [serviceName], options) => runStatus(requester, writer, serviceName, options),
  });
}
