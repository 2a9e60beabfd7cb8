import { ExitCode } from "../../provider/cli/commands/command-support";
import { runGroups, type GroupsReport } from "../../provider/cli/commands/groups";
import { runLicenses, type LicensesReport } from "../../provider/cli/commands/licences";
import { runStatus, type StatusReport } from "../../provider/cli/commands/status";
import { runTasks, type TasksReport } from "../../provider/cli/commands/tasks";
import { OvhApiError, type OvhRequest, type OvhRequester } from "../../provider/ovh";
import { commandFixture } from "./command-fixture";
import { secretValues } from "./support";
import { fieldsOf, rowsOf, tablesIn } from "./tables";

const fixture = commandFixture();
const { run, groupWithSubscriptions, apiRequestCount } = fixture;

/** OVH datetimes carry whole seconds; the admin view carries milliseconds. */
function sameInstant(ovhDatetime: string | null, isoOrMs: string | number | null): boolean {
  if (ovhDatetime === null || isoOrMs === null) return ovhDatetime === isoOrMs;
  const expected = typeof isoOrMs === "number" ? isoOrMs : Date.parse(isoOrMs);
  return Date.parse(ovhDatetime) === Math.floor(expected / 1000) * 1000;
}

function isPendingStatus(status: string): boolean {
  return status === "todo" || status === "doing";
}

describe("groups", () => {
  it("lists every licence group the simulator holds, with its display name, status and creation date", async () => {
    const state = fixture.simulator.admin.state();
    const result = await run((writer) => runGroups(fixture.requester, writer, { json: true }));
    expect(result.exitCode).toBe(ExitCode.ok);
    expect(result.stderr).toBe("");
    const report = JSON.parse(result.stdout) as GroupsReport;
    expect(report.groups.map((group) => group.serviceName)).toEqual(fixture.simulator.admin.licenceGroups());
    for (const group of report.groups) {
      const tenant = state.groups[group.serviceName].tenant;
      expect(group).toEqual({ serviceName: group.serviceName, displayName: tenant.displayName, status: tenant.status, creationDate: group.creationDate });
      expect(sameInstant(group.creationDate, tenant.creationDate)).toBe(true);
    }
  });

  it("prints the same groups as a table", async () => {
    const state = fixture.simulator.admin.state();
    const result = await run((writer) => runGroups(fixture.requester, writer));
    expect(result.exitCode).toBe(ExitCode.ok);
    const [table] = tablesIn(result.stdout);
    const rows = rowsOf(table);
    expect(rows.map((row) => row["Service name"])).toEqual(fixture.simulator.admin.licenceGroups());
    for (const row of rows) {
      expect(row["Display name"]).toBe(state.groups[row["Service name"]].tenant.displayName);
      expect(row.Status).toBe(state.groups[row["Service name"]].tenant.status);
    }
  });

  it("shows a group added out of band and a status changed out of band", async () => {
    const added = fixture.simulator.admin.addLicenceGroup({ tenant: { displayName: "Added in the control panel" } });
    fixture.simulator.admin.setTenant(added, { status: "inMaintenance" });
    const report = JSON.parse((await run((writer) => runGroups(fixture.requester, writer, { json: true }))).stdout) as GroupsReport;
    expect(report.groups.find((group) => group.serviceName === added)).toMatchObject({ displayName: "Added in the control panel", status: "inMaintenance" });
  });
});

describe("status", () => {
  it("reports the general information, every subscription and the tasks in progress as the simulator holds them", async () => {
    const serviceName = groupWithSubscriptions(2);
    const [target] = fixture.simulator.admin.subscriptions(serviceName);
    const started = fixture.simulator.admin.startTask(serviceName, { function: "changeQuantity", subscriptionId: target.id, quantity: target.quantity + 1, outcome: "stuck" });

    const result = await run((writer) => runStatus(fixture.requester, writer, serviceName, { json: true }));
    expect(result.exitCode).toBe(ExitCode.ok);
    const report = JSON.parse(result.stdout) as StatusReport;
    const tenant = fixture.simulator.admin.state().groups[serviceName].tenant;
    expect(Object.keys(report)).toEqual([
      "serviceName",
      "displayName",
      "status",
      "creationDate",
      "microsoftAdminPortalUrl",
      "tutorialUrl",
      "service",
      "subscriptions",
      "tasksInProgress",
    ]);
    expect(report).toMatchObject({
      serviceName,
      displayName: tenant.displayName,
      status: tenant.status,
      microsoftAdminPortalUrl: "https://admin.microsoft.com",
      tutorialUrl: "https://support.microsoft.com/training",
    });
    expect(sameInstant(report.creationDate, tenant.creationDate)).toBe(true);

    const held = fixture.simulator.admin.subscriptions(serviceName);
    expect(report.subscriptions.map((line) => line.id)).toEqual(held.map((subscription) => subscription.id));
    for (const [index, line] of report.subscriptions.entries()) {
      const subscription = held[index];
      expect(line).toMatchObject({
        status: subscription.status,
        licenseId: subscription.licenseId,
        licenseName: subscription.licenseName,
        seats: subscription.quantity,
        taskPendingId: subscription.taskPendingId === 0 ? null : subscription.taskPendingId,
      });
      expect(sameInstant(line.creationDate, subscription.creationDate)).toBe(true);
      expect(sameInstant(line.lastUpdate, subscription.lastUpdate)).toBe(true);
    }
    expect(report.subscriptions.find((line) => line.id === target.id)?.taskPendingId).toBe(started.id);

    const pending = fixture.simulator.admin.tasks(serviceName).filter((task) => isPendingStatus(task.status));
    expect(pending.map((task) => task.id)).toContain(started.id);
    expect(report.tasksInProgress.map(({ id, function: taskFunction, status }) => ({ id, function: taskFunction, status }))).toEqual(
      pending.map(({ id, function: taskFunction, status }) => ({ id, function: taskFunction, status })),
    );
  });

  it("draws the control panel's three sections", async () => {
    const serviceName = groupWithSubscriptions(1);
    const [target] = fixture.simulator.admin.subscriptions(serviceName);
    const started = fixture.simulator.admin.startTask(serviceName, { function: "changeQuantity", subscriptionId: target.id, quantity: target.quantity + 2, outcome: "stuck" });

    const result = await run((writer) => runStatus(fixture.requester, writer, serviceName));
    expect(result.exitCode).toBe(ExitCode.ok);
    expect(result.stdout).toMatch(/^General information\n/);
    expect(result.stdout).toContain("\nSubscriptions\n");
    expect(result.stdout).toContain("\nTasks in progress\n");
    const [general, subscriptionTable, taskTable] = tablesIn(result.stdout);

    const fields = fieldsOf(general);
    expect(fields["Service name"]).toBe(serviceName);
    expect(fields["Internal name"]).toBe(fixture.simulator.admin.state().groups[serviceName].tenant.displayName);
    expect(fields["Microsoft admin portal"]).toBe("https://admin.microsoft.com");
    expect(fields["Online tutorials"]).toBe("https://support.microsoft.com/training");
    expect(fields.Expiration).toMatch(/^\d{4}-\d{2}-\d{2}/);

    const rows = rowsOf(subscriptionTable);
    const held = fixture.simulator.admin.subscriptions(serviceName);
    expect(rows.map((row) => Number(row.Id))).toEqual(held.map((subscription) => subscription.id));
    for (const subscription of held) {
      const row = rows.find((candidate) => Number(candidate.Id) === subscription.id);
      expect(row?.Licence).toBe(subscription.licenseName);
      expect(Number(row?.Seats)).toBe(subscription.quantity);
    }
    expect(rows.find((row) => Number(row.Id) === target.id)?.Status).toContain(`task ${started.id} pending`);

    const taskRows = rowsOf(taskTable);
    expect(taskRows.map((row) => Number(row.Id))).toContain(started.id);
    expect(taskRows.find((row) => Number(row.Id) === started.id)?.Function).toBe("changeQuantity");
  });

  it("says so when nothing is in progress, and names every licence from the billing figures alone", async () => {
    fixture.simulator.admin.settleTasks();
    const serviceName = groupWithSubscriptions(1);
    const before = apiRequestCount();
    const result = await run((writer) => runStatus(fixture.requester, writer, serviceName));
    expect(result.exitCode).toBe(ExitCode.ok);
    expect(result.stdout).toContain("Tasks in progress\nNo task in progress.\n");
    const calls = fixture.simulator.requestLog.entries().slice(before);
    expect(calls.filter((entry) => entry.apiPath.endsWith("/billingPeriodPeaks"))).toHaveLength(1);
    expect(calls.some((entry) => entry.apiPath.includes("/orderableLicenses"))).toBe(false);
    expect(calls.every((entry) => entry.method === "GET")).toBe(true);
  });

  it("names a licence without seats this month from the catalogue, and by its id when OVH names it nowhere", async () => {
    const serviceName = groupWithSubscriptions(1);
    const [subscription] = fixture.simulator.admin.subscriptions(serviceName);

    const before = apiRequestCount();
    const fromCatalogue = hideLicenseName(fixture.requester, subscription.licenseId);
    const named = JSON.parse((await run((writer) => runStatus(fromCatalogue, writer, serviceName, { json: true }))).stdout) as StatusReport;
    expect(named.subscriptions.find((line) => line.id === subscription.id)?.licenseName).toBe(subscription.licenseName);
    const catalogueReads = fixture.simulator.requestLog.entries().slice(before).filter((entry) => entry.apiPath.includes("/orderableLicenses"));
    // Without list mode: the catalogue's ids, then the one entry needed.
    expect(catalogueReads.map((entry) => entry.apiPath)).toEqual([`/saas/csp2/${serviceName}/orderableLicenses`, `/saas/csp2/${serviceName}/orderableLicenses/${subscription.licenseId}`]);

    const nowhere = hideLicenseName(fixture.requester, subscription.licenseId, { alsoFromCatalogue: true });
    const json = JSON.parse((await run((writer) => runStatus(nowhere, writer, serviceName, { json: true }))).stdout) as StatusReport;
    expect(json.subscriptions.find((line) => line.id === subscription.id)?.licenseName).toBeNull();
    const table = await run((writer) => runStatus(nowhere, writer, serviceName));
    const row = rowsOf(tablesIn(table.stdout)[1]).find((candidate) => Number(candidate.Id) === subscription.id);
    expect(row?.Licence).toBe(`licence ${subscription.licenseId}`);
  });
});

/**
 * What OVH answers for a licence without seats this billing period (absent from the billing figures) and,
 * optionally, no longer sold (its catalogue entry answers 404). Without list mode: one GET per object, as a
 * gateway ignoring the mode answers (read-requests.test.ts covers list mode).
 */
function hideLicenseName(inner: OvhRequester, licenseId: number, options: { alsoFromCatalogue?: boolean } = {}): OvhRequester {
  return {
    async request<T>(req: OvhRequest): Promise<T> {
      if (options.alsoFromCatalogue && req.path.endsWith(`/orderableLicenses/${licenseId}`)) {
        throw new OvhApiError({ status: 404, method: req.method, path: req.path, body: { class: "Client::NotFound", message: "The requested object does not exist" } });
      }
      const answer = await inner.request<unknown>(req);
      if (req.path.endsWith("/billingPeriodPeaks")) {
        const peaks = answer as { lines: { licenceId: number }[] };
        return { ...peaks, lines: peaks.lines.filter((line) => line.licenceId !== licenseId) } as T;
      }
      return answer as T;
    },
  };
}

describe("licences", () => {
  it("lists the licences the group can order, as the simulator's catalogue defines them", async () => {
    const serviceName = groupWithSubscriptions(1);
    const orderable = new Set(fixture.simulator.admin.state().groups[serviceName].licenseIds);
    const expected = fixture.simulator.admin
      .licences()
      .filter((license) => orderable.has(license.id))
      .map(({ id, name, licenceType, limit, newSeatsAllowed, newSubscriptionsAllowed }) => ({ id, name, licenceType, limit, newSeatsAllowed, newSubscriptionsAllowed }))
      .sort((a, b) => a.name.localeCompare(b.name) || a.id - b.id);
    expect(expected.length).toBeGreaterThan(1);

    const json = await run((writer) => runLicenses(fixture.requester, writer, serviceName, { json: true }));
    expect(json.exitCode).toBe(ExitCode.ok);
    // The list under the OVH API's spelling, and under the earlier key until 1.0.
    expect(JSON.parse(json.stdout) as LicensesReport).toEqual({ serviceName, licenses: expected, licences: expected });

    const table = await run((writer) => runLicenses(fixture.requester, writer, serviceName));
    const rows = rowsOf(tablesIn(table.stdout)[0]);
    expect(rows.map((row) => row.Name)).toEqual(expected.map((license) => license.name));
    for (const [index, license] of expected.entries()) {
      expect(rows[index]).toEqual({
        Id: String(license.id),
        Name: license.name,
        Type: license.licenceType,
        Limit: license.limit === null ? "none" : String(license.limit),
        "New seats": license.newSeatsAllowed ? "yes" : "no",
        "New subscriptions": license.newSubscriptionsAllowed ? "yes" : "no",
      });
    }
  });

  it("follows a catalogue change made at OVH", async () => {
    const serviceName = groupWithSubscriptions(1);
    const [licenseId] = fixture.simulator.admin.state().groups[serviceName].licenseIds;
    fixture.simulator.admin.setLicence(licenseId, { limit: 7, newSeatsAllowed: false });
    const report = JSON.parse((await run((writer) => runLicenses(fixture.requester, writer, serviceName, { json: true }))).stdout) as LicensesReport;
    expect(report.licenses.find((license) => license.id === licenseId)).toMatchObject({ limit: 7, newSeatsAllowed: false });
  });
});

describe("tasks", () => {
  it("shows only the tasks in progress by default, and every task with --all", async () => {
    const serviceName = groupWithSubscriptions(1);
    const [target] = fixture.simulator.admin.subscriptions(serviceName);
    const started = fixture.simulator.admin.startTask(serviceName, { function: "changeQuantity", subscriptionId: target.id, quantity: target.quantity + 1, outcome: "stuck" });
    const held = fixture.simulator.admin.tasks(serviceName);
    expect(held.some((task) => !isPendingStatus(task.status))).toBe(true);

    const pending = JSON.parse((await run((writer) => runTasks(fixture.requester, writer, serviceName, { json: true }))).stdout) as TasksReport;
    expect(pending.scope).toBe("pending");
    expect(pending.tasks.map((task) => task.id)).toEqual(held.filter((task) => isPendingStatus(task.status)).map((task) => task.id));
    expect(pending.tasks.find((task) => task.id === started.id)).toMatchObject({ function: "changeQuantity", finishDate: null });

    const all = JSON.parse((await run((writer) => runTasks(fixture.requester, writer, serviceName, { json: true, all: true }))).stdout) as TasksReport;
    expect(all.scope).toBe("all");
    expect(all.tasks.map(({ id, function: taskFunction, status }) => ({ id, function: taskFunction, status }))).toEqual(
      held.map(({ id, function: taskFunction, status }) => ({ id, function: taskFunction, status })),
    );
    for (const task of all.tasks) {
      const heldTask = held.find((candidate) => candidate.id === task.id);
      expect(sameInstant(task.todoDate, heldTask?.todoDate ?? null)).toBe(true);
      expect(task.finishDate === null).toBe(isPendingStatus(task.status));
    }
  });

  it("prints a table with the finish date of finished tasks", async () => {
    const serviceName = groupWithSubscriptions(1);
    const finished = fixture.simulator.admin.tasks(serviceName).filter((task) => task.status === "done");
    expect(finished.length).toBeGreaterThan(0);
    const result = await run((writer) => runTasks(fixture.requester, writer, serviceName, { all: true }));
    const rows = rowsOf(tablesIn(result.stdout)[0]);
    for (const task of finished) {
      const row = rows.find((candidate) => Number(candidate.Id) === task.id);
      expect(row).toMatchObject({ Function: task.function, Status: "done" });
      expect(row?.["Finish date"]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2} [+-]\d{2}:\d{2}$/);
    }
  });

  it("says that nothing is in progress, and how to see finished tasks", async () => {
    fixture.simulator.admin.settleTasks();
    const serviceName = groupWithSubscriptions(1);
    const result = await run((writer) => runTasks(fixture.requester, writer, serviceName));
    expect(result.exitCode).toBe(ExitCode.ok);
    expect(result.stdout).toBe(`No task in progress on licence group ${serviceName}. Finished tasks: add --all.\n`);
  });
});

describe("secrets", () => {
  it("never printed a credential in any output of this file", () => {
    expect(fixture.printed.length).toBeGreaterThan(20);
    const printed = fixture.printed.join("\n");
    for (const secret of secretValues(fixture.credentials)) expect(printed).not.toContain(secret);
  });
});
