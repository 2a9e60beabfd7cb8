import { ExitCode, connect, describeFailure } from "../../provider/cli/commands/command-support";
import { runGroups, type GroupsReport } from "../../provider/cli/commands/groups";
import { runLicences, type LicencesReport } from "../../provider/cli/commands/licences";
import { runStatus, type StatusReport } from "../../provider/cli/commands/status";
import { runTasks, type TasksReport } from "../../provider/cli/commands/tasks";
import { OvhApiError, OvhNetworkError, type OvhRequest, type OvhRequester } from "../../provider/ovh";
import { simulatorEnvironment, startSimulator, type RunningSimulator, type SimulatorCredentials } from "../../simulator";
import { recordingWriter, secretValues, uniqueCredentials, type RecordedOutput } from "./support";
import { fieldsOf, rowsOf, tablesIn } from "./tables";

let simulator: RunningSimulator;
let credentials: SimulatorCredentials;
let requester: OvhRequester;
const everyOutput: string[] = [];

/** Runs a command with a fresh recording writer; keeps its output for the leak check at the end. */
async function run(command: (writer: RecordedOutput["writer"]) => Promise<number>): Promise<RecordedOutput & { exitCode: number }> {
  const recorded = recordingWriter();
  const exitCode = await command(recorded.writer);
  everyOutput.push(recorded.stdout, recorded.stderr, ...recorded.progress);
  return Object.assign(recorded, { exitCode });
}

/** OVH datetimes carry whole seconds; the admin view carries milliseconds. */
function sameInstant(ovhDatetime: string | null, isoOrMs: string | number | null): boolean {
  if (ovhDatetime === null || isoOrMs === null) return ovhDatetime === isoOrMs;
  const expected = typeof isoOrMs === "number" ? isoOrMs : Date.parse(isoOrMs);
  return Date.parse(ovhDatetime) === Math.floor(expected / 1000) * 1000;
}

function isPendingStatus(status: string): boolean {
  return status === "todo" || status === "doing";
}

/** A licence group of the seeded account with at least `minimum` subscriptions. */
function groupWithSubscriptions(minimum: number): string {
  const found = simulator.admin.licenceGroups().find((serviceName) => simulator.admin.subscriptions(serviceName).length >= minimum);
  if (!found) throw new Error(`The seeded account has no group with ${minimum} subscriptions`);
  return found;
}

function apiRequestCount(): number {
  return simulator.requestLog.entries().length;
}

beforeAll(async () => {
  credentials = uniqueCredentials();
  // Tasks started by the tests stay pending for the whole file; the admin API ends them when needed.
  simulator = await startSimulator({ credentials, taskDurationMs: 600_000 });
  // The client's default rate (10 requests/s, sized for OVH) would only slow the tests down.
  requester = connect({ env: { ...simulatorEnvironment(simulator), OVH_MAX_REQUESTS_PER_SECOND: "1000" } });
});

beforeEach(() => simulator.admin.reset());

afterAll(async () => {
  await simulator?.close();
});

describe("groups", () => {
  it("lists every licence group the simulator holds, with its display name, status and creation date", async () => {
    const state = simulator.admin.state();
    const result = await run((writer) => runGroups(requester, writer, { json: true }));
    expect(result.exitCode).toBe(ExitCode.ok);
    expect(result.stderr).toBe("");
    const report = JSON.parse(result.stdout) as GroupsReport;
    expect(report.groups.map((group) => group.serviceName)).toEqual(simulator.admin.licenceGroups());
    for (const group of report.groups) {
      const tenant = state.groups[group.serviceName].tenant;
      expect(group).toEqual({ serviceName: group.serviceName, displayName: tenant.displayName, status: tenant.status, creationDate: group.creationDate });
      expect(sameInstant(group.creationDate, tenant.creationDate)).toBe(true);
    }
  });

  it("prints the same groups as a table", async () => {
    const state = simulator.admin.state();
    const result = await run((writer) => runGroups(requester, writer));
    expect(result.exitCode).toBe(ExitCode.ok);
    const [table] = tablesIn(result.stdout);
    const rows = rowsOf(table);
    expect(rows.map((row) => row["Service name"])).toEqual(simulator.admin.licenceGroups());
    for (const row of rows) {
      expect(row["Display name"]).toBe(state.groups[row["Service name"]].tenant.displayName);
      expect(row.Status).toBe(state.groups[row["Service name"]].tenant.status);
    }
  });

  it("shows a group added out of band and a status changed out of band", async () => {
    const added = simulator.admin.addLicenceGroup({ tenant: { displayName: "Added in the control panel" } });
    simulator.admin.setTenant(added, { status: "inMaintenance" });
    const report = JSON.parse((await run((writer) => runGroups(requester, writer, { json: true }))).stdout) as GroupsReport;
    expect(report.groups.find((group) => group.serviceName === added)).toMatchObject({ displayName: "Added in the control panel", status: "inMaintenance" });
  });
});

describe("status", () => {
  it("reports the general information, every subscription and the tasks in progress as the simulator holds them", async () => {
    const serviceName = groupWithSubscriptions(2);
    const [target] = simulator.admin.subscriptions(serviceName);
    const started = simulator.admin.startTask(serviceName, { function: "changeQuantity", subscriptionId: target.id, quantity: target.quantity + 1, outcome: "stuck" });

    const result = await run((writer) => runStatus(requester, writer, serviceName, { json: true }));
    expect(result.exitCode).toBe(ExitCode.ok);
    const report = JSON.parse(result.stdout) as StatusReport;
    const tenant = simulator.admin.state().groups[serviceName].tenant;
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

    const held = simulator.admin.subscriptions(serviceName);
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

    const pending = simulator.admin.tasks(serviceName).filter((task) => isPendingStatus(task.status));
    expect(pending.map((task) => task.id)).toContain(started.id);
    expect(report.tasksInProgress.map(({ id, function: taskFunction, status }) => ({ id, function: taskFunction, status }))).toEqual(
      pending.map(({ id, function: taskFunction, status }) => ({ id, function: taskFunction, status })),
    );
  });

  it("draws the control panel's three sections", async () => {
    const serviceName = groupWithSubscriptions(1);
    const [target] = simulator.admin.subscriptions(serviceName);
    const started = simulator.admin.startTask(serviceName, { function: "changeQuantity", subscriptionId: target.id, quantity: target.quantity + 2, outcome: "stuck" });

    const result = await run((writer) => runStatus(requester, writer, serviceName));
    expect(result.exitCode).toBe(ExitCode.ok);
    expect(result.stdout).toMatch(/^General information\n/);
    expect(result.stdout).toContain("\nSubscriptions\n");
    expect(result.stdout).toContain("\nTasks in progress\n");
    const [general, subscriptionTable, taskTable] = tablesIn(result.stdout);

    const fields = fieldsOf(general);
    expect(fields["Service name"]).toBe(serviceName);
    expect(fields["Internal name"]).toBe(simulator.admin.state().groups[serviceName].tenant.displayName);
    expect(fields["Microsoft admin portal"]).toBe("https://admin.microsoft.com");
    expect(fields["Online tutorials"]).toBe("https://support.microsoft.com/training");
    expect(fields.Expiration).toMatch(/^\d{4}-\d{2}-\d{2}/);

    const rows = rowsOf(subscriptionTable);
    const held = simulator.admin.subscriptions(serviceName);
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
    simulator.admin.settleTasks();
    const serviceName = groupWithSubscriptions(1);
    const before = apiRequestCount();
    const result = await run((writer) => runStatus(requester, writer, serviceName));
    expect(result.exitCode).toBe(ExitCode.ok);
    expect(result.stdout).toContain("Tasks in progress\nNo task in progress.\n");
    const calls = simulator.requestLog.entries().slice(before);
    expect(calls.filter((entry) => entry.apiPath.endsWith("/billingPeriodPeaks"))).toHaveLength(1);
    expect(calls.some((entry) => entry.apiPath.includes("/orderableLicenses"))).toBe(false);
    expect(calls.every((entry) => entry.method === "GET")).toBe(true);
  });

  it("shows progress, on the error stream only, when a group has many subscriptions to read", async () => {
    const serviceName = groupWithSubscriptions(1);
    const licence = simulator.admin.subscriptions(serviceName)[0].licenseName;
    for (let added = 0; added < 20; added++) simulator.admin.addSubscription(serviceName, { license: licence, seats: 1 });
    const held = simulator.admin.subscriptions(serviceName);

    const result = await run((writer) => runStatus(requester, writer, serviceName, { json: true }));
    expect(result.exitCode).toBe(ExitCode.ok);
    expect(result.progress).toEqual([expect.stringMatching(/^Reading \d+ subscriptions and tasks…$/)]);
    expect((JSON.parse(result.stdout) as StatusReport).subscriptions.map((line) => line.id)).toEqual(held.map((subscription) => subscription.id));
  });

  it("names a licence without seats this month from the catalogue, and by its id when OVH names it nowhere", async () => {
    const serviceName = groupWithSubscriptions(1);
    const [subscription] = simulator.admin.subscriptions(serviceName);

    const before = apiRequestCount();
    const fromCatalogue = hideLicenceName(requester, subscription.licenseId);
    const named = JSON.parse((await run((writer) => runStatus(fromCatalogue, writer, serviceName, { json: true }))).stdout) as StatusReport;
    expect(named.subscriptions.find((line) => line.id === subscription.id)?.licenseName).toBe(subscription.licenseName);
    const catalogueReads = simulator.requestLog.entries().slice(before).filter((entry) => entry.apiPath.includes("/orderableLicenses"));
    expect(catalogueReads.map((entry) => entry.apiPath)).toEqual([`/saas/csp2/${serviceName}/orderableLicenses/${subscription.licenseId}`]);

    const nowhere = hideLicenceName(requester, subscription.licenseId, { alsoFromCatalogue: true });
    const json = JSON.parse((await run((writer) => runStatus(nowhere, writer, serviceName, { json: true }))).stdout) as StatusReport;
    expect(json.subscriptions.find((line) => line.id === subscription.id)?.licenseName).toBeNull();
    const table = await run((writer) => runStatus(nowhere, writer, serviceName));
    const row = rowsOf(tablesIn(table.stdout)[1]).find((candidate) => Number(candidate.Id) === subscription.id);
    expect(row?.Licence).toBe(`licence ${subscription.licenseId}`);
  });
});

/**
 * What OVH answers for a licence without seats this billing period (absent from the billing figures) and,
 * optionally, no longer sold (its catalogue entry answers 404).
 */
function hideLicenceName(inner: OvhRequester, licenseId: number, options: { alsoFromCatalogue?: boolean } = {}): OvhRequester {
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
    const orderable = new Set(simulator.admin.state().groups[serviceName].licenseIds);
    const expected = simulator.admin
      .licences()
      .filter((licence) => orderable.has(licence.id))
      .map(({ id, name, licenceType, limit, newSeatsAllowed, newSubscriptionsAllowed }) => ({ id, name, licenceType, limit, newSeatsAllowed, newSubscriptionsAllowed }))
      .sort((a, b) => a.name.localeCompare(b.name) || a.id - b.id);
    expect(expected.length).toBeGreaterThan(1);

    const json = await run((writer) => runLicences(requester, writer, serviceName, { json: true }));
    expect(json.exitCode).toBe(ExitCode.ok);
    expect(JSON.parse(json.stdout) as LicencesReport).toEqual({ serviceName, licences: expected });

    const table = await run((writer) => runLicences(requester, writer, serviceName));
    const rows = rowsOf(tablesIn(table.stdout)[0]);
    expect(rows.map((row) => row.Name)).toEqual(expected.map((licence) => licence.name));
    for (const [index, licence] of expected.entries()) {
      expect(rows[index]).toEqual({
        Id: String(licence.id),
        Name: licence.name,
        Type: licence.licenceType,
        Limit: licence.limit === null ? "none" : String(licence.limit),
        "New seats": licence.newSeatsAllowed ? "yes" : "no",
        "New subscriptions": licence.newSubscriptionsAllowed ? "yes" : "no",
      });
    }
  });

  it("follows a catalogue change made at OVH", async () => {
    const serviceName = groupWithSubscriptions(1);
    const [licenseId] = simulator.admin.state().groups[serviceName].licenseIds;
    simulator.admin.setLicence(licenseId, { limit: 7, newSeatsAllowed: false });
    const report = JSON.parse((await run((writer) => runLicences(requester, writer, serviceName, { json: true }))).stdout) as LicencesReport;
    expect(report.licences.find((licence) => licence.id === licenseId)).toMatchObject({ limit: 7, newSeatsAllowed: false });
  });
});

describe("tasks", () => {
  it("shows only the tasks in progress by default, and every task with --all", async () => {
    const serviceName = groupWithSubscriptions(1);
    const [target] = simulator.admin.subscriptions(serviceName);
    const started = simulator.admin.startTask(serviceName, { function: "changeQuantity", subscriptionId: target.id, quantity: target.quantity + 1, outcome: "stuck" });
    const held = simulator.admin.tasks(serviceName);
    expect(held.some((task) => !isPendingStatus(task.status))).toBe(true);

    const pending = JSON.parse((await run((writer) => runTasks(requester, writer, serviceName, { json: true }))).stdout) as TasksReport;
    expect(pending.scope).toBe("pending");
    expect(pending.tasks.map((task) => task.id)).toEqual(held.filter((task) => isPendingStatus(task.status)).map((task) => task.id));
    expect(pending.tasks.find((task) => task.id === started.id)).toMatchObject({ function: "changeQuantity", finishDate: null });

    const all = JSON.parse((await run((writer) => runTasks(requester, writer, serviceName, { json: true, all: true }))).stdout) as TasksReport;
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
    const finished = simulator.admin.tasks(serviceName).filter((task) => task.status === "done");
    expect(finished.length).toBeGreaterThan(0);
    const result = await run((writer) => runTasks(requester, writer, serviceName, { all: true }));
    const rows = rowsOf(tablesIn(result.stdout)[0]);
    for (const task of finished) {
      const row = rows.find((candidate) => Number(candidate.Id) === task.id);
      expect(row).toMatchObject({ Function: task.function, Status: "done" });
      expect(row?.["Finish date"]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2} [+-]\d{2}:\d{2}$/);
    }
  });

  it("says that nothing is in progress, and how to see finished tasks", async () => {
    simulator.admin.settleTasks();
    const serviceName = groupWithSubscriptions(1);
    const result = await run((writer) => runTasks(requester, writer, serviceName));
    expect(result.exitCode).toBe(ExitCode.ok);
    expect(result.stdout).toBe(`No task in progress on licence group ${serviceName}. Finished tasks: add --all.\n`);
  });
});

type ServiceNameCommand = (requester: OvhRequester, writer: RecordedOutput["writer"], serviceName: string, options: { json?: boolean }) => Promise<number>;
const serviceNameCommands: [string, ServiceNameCommand][] = [
  ["status", runStatus],
  ["licences", runLicences],
  ["tasks", runTasks],
];

describe("bad input", () => {
  const badServiceNames = ["", "a/b", "..", "csp2..x", "%2F", "csp2%2Fx", "with space", " csp2-1", "csp2-é", "\u0007csp2", "csp2\n", "-leading-dash", "x".repeat(101), "../saas"];

  it.each(serviceNameCommands)("%s refuses every malformed serviceName with exit code 2 and sends nothing", async (_name, command) => {
    for (const serviceName of badServiceNames) {
      const before = apiRequestCount();
      const result = await run((writer) => command(requester, writer, serviceName, {}));
      expect({ serviceName, exitCode: result.exitCode }).toEqual({ serviceName, exitCode: ExitCode.usageError });
      expect(result.stdout).toBe("");
      expect(result.stderr).toContain("serviceName");
      expect(result.stderr).toContain("ovh-office365 groups");
      expect(apiRequestCount()).toBe(before);
    }
  });

  it.each(serviceNameCommands)("%s reports an unknown licence group with exit code 1, OVH's query id and what to do", async (_name, command) => {
    const serviceName = "csp2-00000000";
    expect(simulator.admin.licenceGroups()).not.toContain(serviceName);
    const before = apiRequestCount();
    const result = await run((writer) => command(requester, writer, serviceName, {}));
    expect(result.exitCode).toBe(ExitCode.ovhError);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain(`Licence group "${serviceName}" does not exist`);
    expect(result.stderr).toContain("ovh-office365 groups");
    const answered404 = simulator.requestLog.entries().slice(before).find((entry) => entry.status === 404);
    expect(answered404).toBeDefined();
    expect(result.stderr).toContain(answered404!.queryId);
    expect(simulator.requestLog.entries().slice(before).every((entry) => entry.method === "GET")).toBe(true);
  });

  it("reports failures as JSON on stderr with --json", async () => {
    const unknown = await run((writer) => runStatus(requester, writer, "csp2-00000000", { json: true }));
    expect(unknown.exitCode).toBe(ExitCode.ovhError);
    const error = (JSON.parse(unknown.stderr) as { error: Record<string, unknown> }).error;
    expect(error).toMatchObject({ kind: "unknownLicenceGroup", status: 404 });
    expect(typeof error.queryId).toBe("string");

    const malformed = await run((writer) => runTasks(requester, writer, "a/b", { json: true }));
    expect(malformed.exitCode).toBe(ExitCode.usageError);
    expect((JSON.parse(malformed.stderr) as { error: { kind: string } }).error.kind).toBe("usage");
  });
});

describe("configuration", () => {
  const endpointOnly = () => ({ OVH_ENDPOINT: simulator.endpoint });

  it("exits 2 without sending anything when no credentials are configured, naming the variables to set", async () => {
    const before = apiRequestCount();
    const result = await run((writer) => runGroups(connect({ env: endpointOnly() }), writer));
    expect(result.exitCode).toBe(ExitCode.usageError);
    expect(result.stderr).toContain("No OVH credentials found");
    expect(result.stderr).toContain("OVH_APPLICATION_KEY");
    expect(apiRequestCount()).toBe(before);
  });

  it("exits 2 when two authentication methods are configured", async () => {
    const env = { ...simulatorEnvironment(simulator), OVH_ACCESS_TOKEN: credentials.accessToken };
    const result = await run((writer) => runStatus(connect({ env }), writer, groupWithSubscriptions(1), {}));
    expect(result.exitCode).toBe(ExitCode.usageError);
    expect(result.stderr).toContain("More than one OVH authentication method");
  });

  it("checks the serviceName before the configuration", async () => {
    const result = await run((writer) => runLicences(connect({ env: endpointOnly() }), writer, "a/b", {}));
    expect(result.exitCode).toBe(ExitCode.usageError);
    expect(result.stderr).toContain("Invalid serviceName argument");
  });

  it("takes the endpoint from --endpoint over OVH_ENDPOINT, and refuses an empty or clear-text remote one", async () => {
    const env = { ...simulatorEnvironment(simulator), OVH_ENDPOINT: "http://127.0.0.1:9/1.0" };
    const viaFlag = await run((writer) => runGroups(connect({ endpoint: simulator.endpoint, env }), writer, { json: true }));
    expect(viaFlag.exitCode).toBe(ExitCode.ok);
    expect((JSON.parse(viaFlag.stdout) as GroupsReport).groups.map((group) => group.serviceName)).toEqual(simulator.admin.licenceGroups());

    const empty = await run((writer) => runGroups(connect({ endpoint: " ", env }), writer));
    expect(empty.exitCode).toBe(ExitCode.usageError);
    expect(empty.stderr).toContain("--endpoint");

    const remote = await run((writer) => runGroups(connect({ endpoint: "http://api.example.com/1.0", env }), writer));
    expect(remote.exitCode).toBe(ExitCode.usageError);
    expect(remote.stderr).toContain("not loopback");
  });

  it("works with an OAuth2 service account and with an access token", async () => {
    for (const auth of ["oauth2", "accessToken"] as const) {
      const result = await run((writer) => runGroups(connect({ env: simulatorEnvironment(simulator, auth) }), writer, { json: true }));
      expect({ auth, exitCode: result.exitCode }).toEqual({ auth, exitCode: ExitCode.ok });
      expect((JSON.parse(result.stdout) as GroupsReport).groups.length).toBe(simulator.admin.licenceGroups().length);
    }
  });

  it("exits 1 with OVH's hint when OVH refuses the signature", async () => {
    const env = { ...simulatorEnvironment(simulator), OVH_APPLICATION_SECRET: `${credentials.applicationSecret}x` };
    const result = await run((writer) => runGroups(connect({ env }), writer));
    expect(result.exitCode).toBe(ExitCode.ovhError);
    expect(result.stderr).toContain("INVALID_SIGNATURE");
    expect(result.stderr).toContain("OVH_APPLICATION_SECRET");
    expect(result.stderr).not.toContain(`${credentials.applicationSecret}x`);
  });

  it("maps a request that got no answer to exit code 1 and keeps its advice", () => {
    const failure = describeFailure(new OvhNetworkError("GET", "/saas/csp2", "ECONNRESET", "socket hang up"));
    expect(failure.exitCode).toBe(ExitCode.ovhError);
    expect(failure.message).toContain("check the network");
    expect(failure.json.error.kind).toBe("network");
  });
});

describe("secrets", () => {
  it("never printed a credential in any output of this file", () => {
    expect(everyOutput.length).toBeGreaterThan(20);
    const printed = everyOutput.join("\n");
    for (const secret of secretValues(credentials)) expect(printed).not.toContain(secret);
  });
});
