import { up, type ResourceState, dynamicResourceType } from "../../pulumi-host";
import type { AdminTask } from "../../simulator";
import { openResourceStack, type ResourceStack } from "../support/resource-stack";
import { waitFor } from "../support/wait-for";

/**
 * OVH tasks that outlast `taskTimeoutMinutes` (1 minute, the smallest accepted): the create and the update fail with
 * an error that says the task goes on; a second run waits for that task, times out the same way, and still orders and
 * changes nothing; a third, after the task ended, converges. Create and update run at once, so the suite waits out
 * each timeout once.
 */

const SUBSCRIPTION = dynamicResourceType("Subscription", "ovh-office365");
let stack: ResourceStack;

beforeAll(async () => {
  stack = await openResourceStack("reliability-stuck-task", { taskDurationMs: 100 });
}, 240_000);
afterAll(async () => stack?.close());

it("a task stuck past the timeout fails clearly, twice, and the run after it ends converges with one order and one change", async () => {
  const { admin, requestLog } = stack.simulator;
  const host = stack.harness.host;
  const providerText = stack.harness.providers.subscriptionProvider;
  const serviceName = admin.addLicenceGroup();
  const [toCreate, toUpdate] = admin.licences().filter((l) => l.licenceType !== "ADDON" && l.newSubscriptionsAllowed && l.newSeatsAllowed);
  const creating = { serviceName, license: toCreate.name, seats: 3, taskTimeoutMinutes: 1 };
  const updating = { serviceName, license: toUpdate.name, seats: 9, taskTimeoutMinutes: 1 };
  const before: ResourceState = (await up(host, host.makeUrn(SUBSCRIPTION, "stuck-update"), { inputs: { ...updating, seats: 5 }, providerText })).state;
  admin.addTaskFault({ outcome: "stuck", serviceName, count: 2 });

  // Two runs whose waits end without an outcome: both fail saying the task goes on, and neither orders nor changes.
  for (const attempt of ["first", "second"]) {
    const runs = await Promise.allSettled([
      up(host, host.makeUrn(SUBSCRIPTION, "stuck-create"), { inputs: creating, providerText }),
      up(host, host.makeUrn(SUBSCRIPTION, "stuck-update"), { inputs: updating, providerText, previous: before }),
    ]);
    for (const run of runs) {
      expect({ attempt, status: run.status }).toEqual({ attempt, status: "rejected" });
      expect((run as PromiseRejectedResult).reason.message).toMatch(/OVH task \d+ \(\w+\) .* is still "(todo|doing)" after \d+ min( \d+ s)?\. It keeps running at OVH: run again later/s);
    }
  }
  const stuck = admin.tasks(serviceName).filter((t) => t.status !== "done");
  expect(stuck.map((t) => t.function).sort()).toEqual(["addSubscription", "changeQuantity"]);
  // The subscription updated here was ordered once before the fault; the created one once by the first run.
  expect(requestLog.entries({ method: "POST", apiPath: `/saas/csp2/${serviceName}/subscription` })).toHaveLength(2);

  const linesBeforeRerun = stack.lines.length;
  const reruns = Promise.all([
    up(host, host.makeUrn(SUBSCRIPTION, "stuck-create"), { inputs: creating, providerText }),
    up(host, host.makeUrn(SUBSCRIPTION, "stuck-update"), { inputs: updating, providerText, previous: before }),
  ]);
  const waitedForByRerun = (task: AdminTask) =>
    stack.lines.slice(linesBeforeRerun).some((line) => line.text.includes(`OVH task ${task.id}`) && line.text.includes("waiting for it"));
  await waitFor(() => stuck.every(waitedForByRerun), 15_000, "the re-runs waiting for the stuck tasks");
  for (const task of stuck) admin.finishTask(serviceName, task.id, "done");
  const [created, updated] = await reruns;

  expect(created.state.outputs).toMatchObject({ seats: 3, pendingTasks: [] });
  expect(updated.state.outputs).toMatchObject({ seats: 9, pendingTasks: [] });
  const live = (license: string) => admin.subscriptions(serviceName).filter((s) => s.licenseName === license).map((s) => s.quantity);
  expect(live(toCreate.name)).toEqual([3]);
  expect(live(toUpdate.name)).toEqual([9]);
  expect(requestLog.entries({ method: "POST", apiPath: `/saas/csp2/${serviceName}/subscription` })).toHaveLength(2);
  expect(requestLog.entries({ method: "POST", apiPath: /\/changeQuantity$/ }).filter((e) => e.apiPath.includes(serviceName))).toHaveLength(1);
  console.log(
    `stuck tasks: ${stuck.length} tasks outlived two runs each (taskTimeoutMinutes 1, a clear error each time), the third run converged; ` +
      `orders of the created subscription 1, seat changes 1`,
  );
}, 360_000);
