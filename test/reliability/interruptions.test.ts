import { destroy, preview, refresh, up, type ResourceState, type PropertyMap, dynamicResourceType } from "../../pulumi-host";
import type { AdminTask } from "../../simulator";
import { openResourceStack, type ResourceStack } from "../support/resource-stack";
import { waitFor } from "../support/wait-for";

/**
 * The provider host killed (SIGKILL, as a crash or a cancelled CI job would) at each step of a Subscription's create,
 * update and delete, then restarted and run again the way the engine would: a create that never reached the state
 * is created again, an update or delete that never returned is retried from the old state.
 */

const SUBSCRIPTION = dynamicResourceType("Subscription", "ovh-office365");
let stack: ResourceStack;
const figures = { tried: 0, converged: 0, duplicates: 0, seatsWrong: 0 };

beforeAll(async () => {
  stack = await openResourceStack("reliability-interruptions", { taskDurationMs: 100 });
});
afterAll(async () => {
  console.log(
    `interruptions: cases tried ${figures.tried}, converged ${figures.converged}, ` +
      `duplicate mutating calls ${figures.duplicates}, wrong seat counts ${figures.seatsWrong}`,
  );
  await stack?.close();
});

type Operation = "create" | "update" | "delete";
type KillPoint = "after the request is sent" | "while waiting for the task" | "after the task is done, before the result";

interface Scenario {
  serviceName: string;
  license: string;
  /** State before the operation; none for a create. */
  before?: ResourceState;
  /** Seats declared by the operation (none for a delete). */
  seats?: number;
  /** For an add-on: the subscription it extends. */
  parentSubscriptionId?: number;
  taskFunction: AdminTask["function"];
  /** The operation's one mutating call, as the request log shows it. */
  mutating: { method: string; apiPath: string };
}

const host = () => stack.harness.host;
const provider = () => stack.harness.providers.subscriptionProvider;
const urnOf = (name: string) => host().makeUrn(SUBSCRIPTION, name);
const mutatingCalls = (s: Scenario) => stack.simulator.requestLog.entries(s.mutating).length;
const liveSeats = (s: Scenario) =>
  stack.simulator.admin
    .subscriptions(s.serviceName)
    .filter((live) => live.licenseName === s.license)
    .map((live) => live.quantity);

/** A new licence group and a first licence of the catalogue, so cases never see each other's subscriptions. */
async function prepare(operation: Operation, name: string): Promise<Scenario> {
  const admin = stack.simulator.admin;
  const serviceName = admin.addLicenceGroup();
  const license = admin.licences().find((l) => l.licenceType !== "ADDON" && l.newSubscriptionsAllowed && l.newSeatsAllowed)!.name;
  const group = `/saas/csp2/${serviceName}`;
  if (operation === "create") {
    return { serviceName, license, seats: 4, taskFunction: "addSubscription", mutating: { method: "POST", apiPath: `${group}/subscription` } };
  }
  const before = (await up(host(), urnOf(name), { inputs: { serviceName, license, seats: 4 }, providerText: provider() })).state;
  const subscription = `${group}/subscription/${before.outputs.subscriptionId}`;
  return operation === "update"
    ? { serviceName, license, before, seats: 6, taskFunction: "changeQuantity", mutating: { method: "POST", apiPath: `${subscription}/changeQuantity` } }
    : { serviceName, license, before, taskFunction: "deleteSubscription", mutating: { method: "DELETE", apiPath: subscription } };
}

function run(operation: Operation, name: string, s: Scenario): Promise<ResourceState | undefined> {
  if (operation === "delete") return destroy(host(), s.before!).then(() => undefined);
  return up(host(), urnOf(name), { inputs: declaredInputs(s), providerText: provider(), previous: s.before }).then((result) => result.state);
}

function declaredInputs(s: Scenario): PropertyMap {
  const inputs: PropertyMap = { serviceName: s.serviceName, license: s.license, seats: s.seats! };
  if (s.parentSubscriptionId !== undefined) inputs.parentSubscriptionId = s.parentSubscriptionId;
  return inputs;
}

/** Requests the simulator has answered for one task (the host polling it). */
const pollsOf = (s: Scenario, task: AdminTask) =>
  stack.simulator.requestLog.entries({ method: "GET", apiPath: `/saas/csp2/${s.serviceName}/task/${task.id}` });

/** Brings the host to the kill point. The operation's task is stuck, so nothing moves on until the test says so. */
async function reach(point: KillPoint, s: Scenario, task: AdminTask): Promise<void> {
  if (point === "while waiting for the task") {
    await waitFor(() => pollsOf(s, task).length > 0, 10_000, `the host polling task ${task.id}`);
  } else if (point === "after the task is done, before the result") {
    // Hold the host's next look at the task, then end the task: OVH has done the work, the host has not heard it.
    const held = stack.simulator.admin.addFault({ kind: "latency", delayMs: 3000, method: "GET", path: `/saas/csp2/${s.serviceName}/task/${task.id}`, count: 1 });
    await waitFor(() => !stack.simulator.admin.faults().some((f) => f.id === held), 15_000, `the host asking for task ${task.id}`);
    stack.simulator.admin.finishTask(s.serviceName, task.id, "done");
  }
}

const operations: Operation[] = ["create", "update", "delete"];
const points: KillPoint[] = ["after the request is sent", "while waiting for the task", "after the task is done, before the result"];
const cases = operations.flatMap((operation) => points.map((point) => [operation, point] as const));

describe("SIGKILL of the provider host, restart, run again", () => {
  it.each(cases)("%s, killed %s: converges with exactly the declared subscription", async (operation, point) => {
    figures.tried++;
    const name = `${operation}-${figures.tried}`;
    await killAndRerun(operation, point, name, await prepare(operation, name));
  });

  it("an add-on order, killed after the request is sent: converges with exactly one add-on", async () => {
    figures.tried++;
    const admin = stack.simulator.admin;
    const serviceName = admin.addLicenceGroup();
    const base = admin.licences().find((l) => l.licenceType !== "ADDON" && l.newSubscriptionsAllowed && l.addonIds.length > 0)!;
    const addon = admin.licences().find((l) => l.id === base.addonIds[0])!;
    const parent = (await up(host(), urnOf("addon-parent"), { inputs: { serviceName, license: base.name, seats: 4 }, providerText: provider() })).state;
    const parentSubscriptionId = parent.outputs.subscriptionId as number;
    await killAndRerun("create", "after the request is sent", "addon", {
      serviceName,
      license: addon.name,
      seats: 2,
      parentSubscriptionId,
      taskFunction: "orderAddon",
      mutating: { method: "POST", apiPath: `/saas/csp2/${serviceName}/subscription/${parentSubscriptionId}/orderAddon` },
    });
  });
});

/** Kills the host at `point` of the operation, restarts it, runs the operation again and checks the result. */
async function killAndRerun(operation: Operation, point: KillPoint, name: string, s: Scenario): Promise<void> {
  stack.simulator.admin.addTaskFault({ outcome: "stuck", function: s.taskFunction, serviceName: s.serviceName, count: 1 });

  const interrupted = run(operation, name, s);
  interrupted.catch(() => undefined);
  await waitFor(() => mutatingCalls(s) === 1, 15_000, `${s.mutating.method} ${s.mutating.apiPath}`);
  const task = stack.simulator.admin.tasks(s.serviceName).find((t) => t.function === s.taskFunction)!;
  await reach(point, s, task);
  const linesBeforeKill = stack.lines.length;
  await stack.harness.restart();
  await expect(interrupted).rejects.toThrow(/SIGKILL|exited/);

  // The re-run meets the task the killed host started (when it still runs) and waits for it rather than start another.
  const rerun = run(operation, name, s);
  if (stack.simulator.admin.tasks(s.serviceName).find((t) => t.id === task.id)!.status !== "done") {
    const waiting = (text: string) => text.includes(`OVH task ${task.id}`) && text.includes("waiting for it");
    await waitFor(() => stack.lines.slice(linesBeforeKill).some((line) => waiting(line.text)), 15_000, `the re-run waiting for task ${task.id}`);
    stack.simulator.admin.finishTask(s.serviceName, task.id, "done");
  }
  const state = await rerun;

  const calls = mutatingCalls(s);
  if (calls !== 1) figures.duplicates += calls - 1;
  expect(calls).toBe(1);
  const expected = operation === "delete" ? [] : [s.seats!];
  if (JSON.stringify(liveSeats(s)) !== JSON.stringify(expected)) figures.seatsWrong++;
  expect(liveSeats(s)).toEqual(expected);
  if (state) {
    expect(state.outputs).toMatchObject({ seats: s.seats, pendingTasks: [] });
    const refreshed = (await refresh(host(), state))!;
    expect(await preview(host(), refreshed, { inputs: declaredInputs(s), providerText: provider() })).toEqual({ changes: false, replaces: [] });
    // `pulumi destroy` is a run of its own: a new host.
    await stack.harness.restart();
    await destroy(host(), refreshed);
  }
  figures.converged++;
}

describe("SIGKILL while a LicenseGroup order is delivered", () => {
  it("the re-run never orders again, says how to adopt the group, and adopting it converges", async () => {
    figures.tried++;
    const LICENSE_GROUP = dynamicResourceType("LicenseGroup", "ovh-office365");
    const providerText = stack.harness.providers.licenseGroupProvider;
    const inputs = { order: { ovhSubsidiary: "FR", planCode: "csp2-office365-reseller" }, displayName: "Interrupted Order SARL" };
    const urn = host().makeUrn(LICENSE_GROUP, "interrupted-order");
    const checkouts = () => stack.simulator.requestLog.entries({ method: "POST", apiPath: /^\/order\/cart\/[^/]+\/checkout$/ }).length;
    const groupsBefore = new Set(stack.simulator.admin.licenceGroups());
    const checkoutsBefore = checkouts();

    const interrupted = up(host(), urn, { inputs, providerText });
    interrupted.catch(() => undefined);
    await waitFor(() => checkouts() > checkoutsBefore, 15_000, "the cart checkout");
    await stack.harness.restart();
    await expect(interrupted).rejects.toThrow(/SIGKILL|exited/);

    await expect(up(host(), urn, { inputs, providerText })).rejects.toThrow(/already ordered from cart .* replace order with serviceName/s);
    const delivered = await waitFor(() => stack.simulator.admin.licenceGroups().find((g) => !groupsBefore.has(g)), 15_000, "the order's delivery");
    const adopted = await up(host(), urn, { inputs: { serviceName: delivered, displayName: inputs.displayName }, providerText });
    expect(adopted.state.outputs).toMatchObject({ serviceName: delivered, adopted: true, displayName: inputs.displayName });
    expect(checkouts()).toBe(checkoutsBefore + 1);
    expect(stack.simulator.admin.licenceGroups().filter((g) => !groupsBefore.has(g))).toEqual([delivered]);
    figures.converged++;
  });
});
