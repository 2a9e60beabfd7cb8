import type { Command } from "commander";
import { fetchTasks, PENDING_TASK_STATUSES, type OfficeTask } from "../../csp2";
import type { OvhRequester } from "../../ovh/types";
import { checkServiceName, defineCommand, onLicenseGroup, printReport, readsReporter, type CommonOptions, type ExitCode } from "./command-support";
import { formatDateTime, renderTable, type CliWriter } from "./output";

export interface TasksOptions extends CommonOptions {
  /** Every task OVH lists, finished ones included; by default only `todo` and `doing`. */
  all?: boolean;
}

/** What `tasks --json` prints: `finishDate` is null until the task ends. */
export interface TasksReport {
  serviceName: string;
  scope: "pending" | "all";
  tasks: OfficeTask[];
}

/** The group's tasks, oldest first: pending ones, or all with `all`. */
export async function readTasks(requester: OvhRequester, writer: CliWriter, serviceName: string, options: Pick<TasksOptions, "all"> = {}): Promise<TasksReport> {
  checkServiceName(serviceName);
  const found = await onLicenseGroup(serviceName, () =>
    fetchTasks(requester, serviceName, { statuses: options.all ? undefined : PENDING_TASK_STATUSES, onListed: readsReporter(writer, "tasks") }),
  );
  const tasks = found.map(({ id, function: taskFunction, status, todoDate, finishDate }) => ({ id, function: taskFunction, status, todoDate, finishDate }));
  return { serviceName, scope: options.all ? "all" : "pending", tasks };
}

export function renderTasks(report: TasksReport): string {
  if (report.tasks.length === 0) {
    return report.scope === "pending"
      ? `No task in progress on licence group ${report.serviceName}. Finished tasks: add --all.\n`
      : `OVH lists no task for licence group ${report.serviceName}.\n`;
  }
  return renderTable(
    ["Id", "Function", "Status", "Todo date", "Finish date"],
    report.tasks.map((task) => [task.id, task.function, task.status, formatDateTime(task.todoDate), formatDateTime(task.finishDate)]),
  );
}

/** `ovh-office365 tasks <serviceName>`: the group's tasks. Resolves to the exit code. */
export function runTasks(requester: OvhRequester, writer: CliWriter, serviceName: string, options: TasksOptions = {}): Promise<ExitCode> {
  return printReport(writer, options, () => readTasks(requester, writer, serviceName, options), renderTasks);
}

export function registerTasksCommand(program: Command): Command {
  return defineCommand<TasksOptions>(program, {
    name: "tasks",
    argument: { syntax: "<serviceName>", description: "the licence group's service name (see `ovh-office365 groups`)" },
    summary: "List a group's tasks (in progress by default)",
    description:
      "Lists the OVH tasks of the licence group: every subscription order, seat change and termination is one. " +
      "Shows the tasks still in progress (todo or doing) unless --all is given; id, function, status, the date " +
      "the task was requested and the date it finished.",
    examples: ["ovh-office365 tasks csp2-1f4a7c92", "ovh-office365 tasks csp2-1f4a7c92 --all --json"],
    run: (requester, writer, [serviceName], options) => runTasks(requester, writer, serviceName, options),
  }).option("--all", "include finished tasks (done, error, cancelled)");
}
