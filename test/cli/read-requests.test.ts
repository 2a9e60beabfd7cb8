import * as net from "node:net";
import { CliConfigError, connect, EndpointUnreachableError, ExitCode } from "../../provider/cli/commands/command-support";
import { runGroups, type GroupsReport } from "../../provider/cli/commands/groups";
import { runLicenses } from "../../provider/cli/commands/licences";
import type { CliWriter } from "../../provider/cli/commands/output";
import { runStatus, type StatusReport } from "../../provider/cli/commands/status";
import { runTasks } from "../../provider/cli/commands/tasks";
import { runExport } from "../../provider/cli/commands/export";
import { runSubscriptions } from "../../provider/cli/commands/subscriptions";
import { OvhApiError, type OvhRequest, type OvhRequester } from "../../provider/ovh";
import { simulatorEnvironment } from "../../simulator";
import { commandFixture, type CommandFixture } from "./command-fixture";
import { secretValues } from "./support";

/**
 * How many OVH requests the read commands send: one list-mode call per list where OVH honours the mode, whatever the
 * group's size; one GET per object where it ignores it, with the same report either way. Two simulators, alive
 * together so they never share a port: what a process learns of an endpoint (list mode or not) is kept per endpoint.
 */
const honoured = commandFixture();
const ignored = commandFixture({ listMode: "ignored" });

type Command = (requester: OvhRequester, writer: CliWriter) => Promise<number>;

const licenses = ["Office 365 E1", "Office 365 E3", "Exchange Online (Plan 1)"];

/**
 * A new group with `subscriptions` subscriptions and a seat change stuck in progress on the first one, then
 * `finishedTasks` seat changes done on the others: the task in progress is older than all of them.
 */
function busyGroup(fixture: CommandFixture, subscriptions: number, finishedTasks: number): { serviceName: string; stuckTaskId: number } {
  const admin = fixture.simulator.admin;
  const serviceName = admin.addLicenceGroup({ subscriptions: Array.from({ length: subscriptions }, (_, index) => ({ license: licenses[index % licenses.length], seats: index + 1 })) });
  const held = admin.subscriptions(serviceName);
  const stuckTaskId = admin.startTask(serviceName, { function: "changeQuantity", subscriptionId: held[0].id, quantity: held[0].quantity + 1, outcome: "stuck" }).id;
  for (let index = 0; index < finishedTasks; index++) {
    const target = held[1 + (index % (held.length - 1))];
    admin.finishTask(serviceName, admin.startTask(serviceName, { function: "changeQuantity", subscriptionId: target.id, quantity: target.quantity }).id, "done");
  }
  return { serviceName, stuckTaskId };
}

/** Runs a command and says which OVH API routes it sent, `/auth/time` (the client's clock, once per process) left out. */
async function measured(fixture: CommandFixture, command: Command, requester = fixture.requester) {
  const before = fixture.apiRequestCount();
  const result = await fixture.run((writer) => command(requester, writer));
  const sent = fixture.simulator.requestLog
    .entries()
    .slice(before)
    .filter((entry) => entry.apiPath !== "/auth/time");
  return { ...result, sent, routes: sent.map((entry) => entry.route).sort() };
}

/** The requester without list mode: one GET per listed object, as the commands read before list mode. */
function oneGetPerObject(inner: OvhRequester): OvhRequester {
  return { request: (req) => inner.request(req) };
}

/** The requester's `requestWithResponse`, which connect() always gives. */
function withResponse(requester: OvhRequester): NonNullable<OvhRequester["requestWithResponse"]> {
  if (!requester.requestWithResponse) throw new Error("This requester cannot answer headers, so it cannot use list mode");
  return requester.requestWithResponse.bind(requester);
}

/** `inner`, list mode included, with some plain requests answered by `answer` (undefined: sent as they are). */
function intercepted(inner: OvhRequester, answer: (req: OvhRequest, send: () => Promise<unknown>) => Promise<unknown> | undefined): OvhRequester {
  return {
    request: async <T>(req: OvhRequest) => ((await (answer(req, () => inner.request(req)) ?? inner.request(req))) as T),
    requestWithResponse: withResponse(inner),
    get endpointKey() {
      return inner.endpointKey;
    },
  };
}

/** What OVH answers for a licence without seats this billing period: it is absent from the billing figures. */
function withoutBillingLine(inner: OvhRequester, licenseId: number): OvhRequester {
  return intercepted(inner, (req, send) => {
    if (!req.path.endsWith("/billingPeriodPeaks")) return undefined;
    return send().then((answer) => {
      const peaks = answer as { lines: { licenceId: number }[] };
      return { ...peaks, lines: peaks.lines.filter((line) => line.licenceId !== licenseId) };
    });
  });
}

/** An object deleted between the listing and its GET: OVH answers 404 to the GET of `path`. */
function vanishing(inner: OvhRequester, path: string): OvhRequester {
  return intercepted(inner, (req) => {
    if (req.path !== path) return undefined;
    return Promise.reject(new OvhApiError({ status: 404, method: req.method, path: req.path, body: { class: "Client::NotFound", message: "The requested object does not exist" } }));
  });
}

const status = (serviceName: string, json = false): Command => (requester, writer) => runStatus(requester, writer, serviceName, { json });
const STATUS_ROUTES = [
  "/saas/csp2/{serviceName}",
  "/saas/csp2/{serviceName}/billingPeriodPeaks",
  "/saas/csp2/{serviceName}/serviceInfos",
  "/saas/csp2/{serviceName}/subscription",
  "/saas/csp2/{serviceName}/task",
];

describe("with list mode honoured", () => {
  it.each([
    [5, 12],
    [30, 40],
  ])("status on a group of %i subscriptions and %i finished tasks: five requests, none per object, and the report one GET per object gives", async (subscriptions, finished) => {
    const { serviceName, stuckTaskId } = busyGroup(honoured, subscriptions, finished);
    let json = "";
    for (const asJson of [false, true]) {
      const run = await measured(honoured, status(serviceName, asJson));
      expect(run.exitCode).toBe(ExitCode.ok);
      expect(run.routes).toEqual(STATUS_ROUTES);
      expect(run.sent.find((entry) => entry.route === "/saas/csp2/{serviceName}/task")?.pagination).toMatchObject({ filter: "status:in=todo,doing", answered: "objects" });
      expect(run.progress).toEqual([]);
      const perObject = await measured(honoured, status(serviceName, asJson), oneGetPerObject(honoured.requester));
      expect(perObject.sent.length).toBeGreaterThan(subscriptions + finished);
      expect(run.stdout).toBe(perObject.stdout);
      json = run.stdout;
    }
    const report = JSON.parse(json) as StatusReport;
    expect(report.subscriptions).toHaveLength(subscriptions);
    expect(report.tasksInProgress.map((task) => task.id)).toEqual([stuckTaskId]);
  });

  it("status names a licence without seats this month from one listing of the catalogue", async () => {
    const { serviceName } = busyGroup(honoured, 3, 0);
    const [subscription] = honoured.simulator.admin.subscriptions(serviceName);
    const run = await measured(honoured, status(serviceName, true), withoutBillingLine(honoured.requester, subscription.licenseId));
    expect((JSON.parse(run.stdout) as StatusReport).subscriptions[0]).toMatchObject({ id: subscription.id, licenseName: subscription.licenseName });
    const catalogue = run.sent.filter((entry) => entry.route?.includes("/orderableLicenses"));
    expect(catalogue.map((entry) => [entry.route, entry.pagination?.answered])).toEqual([["/saas/csp2/{serviceName}/orderableLicenses", "objects"]]);
  });

  it("tasks (with and without --all), licences and groups: one request each, and what one GET per object prints", async () => {
    const { serviceName } = busyGroup(honoured, 5, 25);
    const commands: [string, Command][] = [
      ["tasks", (requester, writer) => runTasks(requester, writer, serviceName)],
      ["tasks --all --json", (requester, writer) => runTasks(requester, writer, serviceName, { all: true, json: true })],
      ["licences", (requester, writer) => runLicenses(requester, writer, serviceName)],
      ["groups --json", (requester, writer) => runGroups(requester, writer, { json: true })],
    ];
    for (const [name, command] of commands) {
      const run = await measured(honoured, command);
      const perObject = await measured(honoured, command, oneGetPerObject(honoured.requester));
      expect({ name, requests: run.sent.length, answered: run.sent[0].pagination?.answered, progress: run.progress }).toEqual({ name, requests: 1, answered: "objects", progress: [] });
      expect({ name, readOneByOne: perObject.sent.length > 1 }).toEqual({ name, readOneByOne: true });
      expect({ name, stdout: run.stdout }).toEqual({ name, stdout: perObject.stdout });
    }
  });
});

/** What export and subscriptions send for the whole account, by route. */
const ACCOUNT_ROUTES = {
  groups: "/saas/csp2",
  subscriptions: "/saas/csp2/{serviceName}/subscription",
  catalogue: "/saas/csp2/{serviceName}/orderableLicenses",
  tasks: "/saas/csp2/{serviceName}/task",
  addons: "/saas/csp2/{serviceName}/subscription/{id}/addonsSubscriptionIds",
};
const exportAll: Command = (requester, writer) => runExport(requester, writer, []);
const subscriptionsAll: Command = (requester, writer) => runSubscriptions(requester, writer, [], { json: true });

/** How many times each route was sent. */
function routeCounts(sent: { route?: string }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { route } of sent) counts[route ?? "?"] = (counts[route ?? "?"] ?? 0) + 1;
  return counts;
}

describe("export and subscriptions, list mode honoured", () => {
  it("send the group list, then per group one listing each of its subscriptions, catalogue and (export) tasks in progress, and the add-on lists of a group holding add-ons", async () => {
    const admin = honoured.simulator.admin;
    const groups = admin.licenceGroups();
    const withAddons = groups.filter((serviceName) => admin.subscriptions(serviceName).some((s) => s.parentSubscriptionId !== null));
    const bases = withAddons.flatMap((serviceName) => admin.subscriptions(serviceName).filter((s) => s.parentSubscriptionId === null));
    expect(withAddons.length).toBeGreaterThan(0);
    expect(withAddons.length).toBeLessThan(groups.length);

    const exported = await measured(honoured, exportAll);
    expect(exported.exitCode).toBe(ExitCode.ok);
    expect(routeCounts(exported.sent)).toEqual({
      [ACCOUNT_ROUTES.groups]: 1,
      [ACCOUNT_ROUTES.subscriptions]: groups.length,
      [ACCOUNT_ROUTES.catalogue]: groups.length,
      [ACCOUNT_ROUTES.tasks]: groups.length,
      [ACCOUNT_ROUTES.addons]: bases.length,
    });
    expect(exported.sent.filter((entry) => entry.route !== ACCOUNT_ROUTES.addons).every((entry) => entry.pagination?.answered === "objects")).toBe(true);

    const listed = await measured(honoured, subscriptionsAll);
    const { [ACCOUNT_ROUTES.tasks]: _tasks, ...withoutTasks } = routeCounts(exported.sent);
    expect(routeCounts(listed.sent)).toEqual(withoutTasks);
  });
});

describe("with list mode ignored", () => {
  it("status reads every subscription and every task one GET each (an old task in progress included), with a progress line", async () => {
    const { serviceName, stuckTaskId } = busyGroup(ignored, 5, 25);
    const subscriptions = ignored.simulator.admin.subscriptions(serviceName).length;
    const tasks = ignored.simulator.admin.tasks(serviceName).length;
    expect(tasks).toBeGreaterThan(20);

    const run = await measured(ignored, status(serviceName, true));
    expect(run.exitCode).toBe(ExitCode.ok);
    expect(run.sent).toHaveLength(STATUS_ROUTES.length + subscriptions + tasks);
    expect(run.routes.filter((route) => route?.endsWith("/subscription/{id}"))).toHaveLength(subscriptions);
    expect(run.routes.filter((route) => route?.endsWith("/task/{id}"))).toHaveLength(tasks);
    expect(run.progress).toEqual([`Reading ${subscriptions + tasks} subscriptions and tasks…`]);
    expect((JSON.parse(run.stdout) as StatusReport).tasksInProgress.map((task) => task.id)).toEqual([stuckTaskId]);

    const table = await measured(ignored, status(serviceName));
    expect(table.stdout).toBe((await measured(ignored, status(serviceName), oneGetPerObject(ignored.requester))).stdout);
  });

  it("status names a licence without seats this month from the catalogue's listing and one GET of its entry only", async () => {
    const { serviceName } = busyGroup(ignored, 3, 0);
    const [subscription] = ignored.simulator.admin.subscriptions(serviceName);
    const run = await measured(ignored, status(serviceName, true), withoutBillingLine(ignored.requester, subscription.licenseId));
    expect((JSON.parse(run.stdout) as StatusReport).subscriptions[0]).toMatchObject({ id: subscription.id, licenseName: subscription.licenseName });
    expect(ignored.simulator.admin.state().groups[serviceName].licenseIds.length).toBeGreaterThan(2);
    expect(run.sent.filter((entry) => entry.route?.includes("/orderableLicenses")).map((entry) => [entry.apiPath, entry.pagination?.answered])).toEqual([
      [`/saas/csp2/${serviceName}/orderableLicenses`, "ids"],
      [`/saas/csp2/${serviceName}/orderableLicenses/${subscription.licenseId}`, undefined],
    ]);
  });

  it("status leaves out a subscription deleted between the listing and its GET", async () => {
    const { serviceName } = busyGroup(ignored, 3, 0);
    const [gone, ...kept] = ignored.simulator.admin.subscriptions(serviceName);
    const run = await measured(ignored, status(serviceName, true), vanishing(ignored.requester, `/saas/csp2/${serviceName}/subscription/${gone.id}`));
    expect(run.exitCode).toBe(ExitCode.ok);
    expect((JSON.parse(run.stdout) as StatusReport).subscriptions.map((line) => line.id)).toEqual(kept.map((subscription) => subscription.id));
  });

  it("tasks, licences and groups: one listing, then one GET per object, and the same output", async () => {
    const { serviceName } = busyGroup(ignored, 5, 25);
    const admin = ignored.simulator.admin;
    const commands: [string, Command, number][] = [
      ["tasks", (requester, writer) => runTasks(requester, writer, serviceName), admin.tasks(serviceName).length],
      ["tasks --all --json", (requester, writer) => runTasks(requester, writer, serviceName, { all: true, json: true }), admin.tasks(serviceName).length],
      ["licences", (requester, writer) => runLicenses(requester, writer, serviceName), admin.state().groups[serviceName].licenseIds.length],
      ["groups --json", (requester, writer) => runGroups(requester, writer, { json: true }), admin.licenceGroups().length],
    ];
    for (const [name, command, objects] of commands) {
      const run = await measured(ignored, command);
      expect({ name, exitCode: run.exitCode, requests: run.sent.length }).toEqual({ name, exitCode: ExitCode.ok, requests: 1 + objects });
      expect({ name, stdout: run.stdout }).toEqual({ name, stdout: (await measured(ignored, command, oneGetPerObject(ignored.requester))).stdout });
    }
    const tasks = await measured(ignored, (requester, writer) => runTasks(requester, writer, serviceName));
    expect(tasks.progress).toEqual([`Reading ${admin.tasks(serviceName).length} tasks…`]);
  });

  it("groups leaves out a group terminated between the listing and its GET", async () => {
    const [gone, ...kept] = ignored.simulator.admin.licenceGroups();
    const run = await measured(ignored, (requester, writer) => runGroups(requester, writer, { json: true }), vanishing(ignored.requester, `/saas/csp2/${gone}`));
    expect(run.exitCode).toBe(ExitCode.ok);
    expect((JSON.parse(run.stdout) as GroupsReport).groups.map((group) => group.serviceName)).toEqual(kept);
  });

  it("export and subscriptions read one GET per object, and print what list mode prints", async () => {
    const commands: [string, Command][] = [
      ["export", exportAll],
      ["subscriptions --json", subscriptionsAll],
    ];
    for (const [name, command] of commands) {
      const run = await measured(ignored, command);
      const listMode = await measured(honoured, command);
      expect({ name, exitCode: run.exitCode, more: run.sent.length > listMode.sent.length }).toEqual({ name, exitCode: ExitCode.ok, more: true });
      expect(run.sent.filter((entry) => entry.route?.endsWith("/subscription/{id}")).length).toBe(
        ignored.simulator.admin.licenceGroups().flatMap((serviceName) => ignored.simulator.admin.subscriptions(serviceName)).length,
      );
      expect({ name, stdout: run.stdout }).toEqual({ name, stdout: listMode.stdout });
    }
  });
});

describe("connect", () => {
  it("builds no client until asked: without credentials, only naming its endpoint fails, saying what to set", () => {
    const requester = connect({ env: {} });
    expect(() => requester.endpointKey).toThrow(CliConfigError);
    expect(() => requester.endpointKey).toThrow(/OVH_APPLICATION_KEY/);
  });

  it("names the endpoint it talks to and answers headers, so list mode is used", async () => {
    const requester = connect({ env: simulatorEnvironment(honoured.simulator) });
    expect(requester.endpointKey).toBe(honoured.simulator.endpoint);
    const answer = await withResponse(requester)<string[]>({ method: "GET", path: "/saas/csp2" });
    expect(answer.status).toBe(200);
    expect(answer.headers["x-ovh-queryid"]).toEqual(expect.any(String));
    expect(answer.body).toEqual(honoured.simulator.admin.licenceGroups());
  });

  it("reports a list-mode request that got no answer as an unreachable endpoint, naming it", async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const closedEndpoint = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/1.0`;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const requester = connect({ endpoint: closedEndpoint, env: { OVH_ACCESS_TOKEN: "token" } });
    const sent = withResponse(requester)({ method: "GET", path: "/saas/csp2" });
    await expect(sent).rejects.toBeInstanceOf(EndpointUnreachableError);
    await expect(sent).rejects.toMatchObject({ url: closedEndpoint, message: `Could not reach OVH at ${closedEndpoint} (from --endpoint).` });
  });
});

describe("secrets", () => {
  it("never printed a credential in any output of this file", () => {
    for (const fixture of [honoured, ignored]) {
      expect(fixture.printed.length).toBeGreaterThan(20);
      const printed = fixture.printed.join("\n");
      for (const secret of secretValues(fixture.credentials)) expect(printed).not.toContain(secret);
    }
  });
});
