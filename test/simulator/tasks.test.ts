import { startSimulator, type RunningSimulator } from "../../simulator";
import { ovhCall, ovhOk, waitFor } from "./support/ovh-http";

interface OfficeTask {
  id: number;
  function: string;
  status: string;
  todoDate: string;
  finishDate: string | null;
}
interface OfficeSubscription {
  id: number;
  licenseId: number;
  quantity: number;
  taskPendingId: number;
}

let sim: RunningSimulator;
let serviceName: string;

beforeAll(async () => {
  sim = await startSimulator({ taskDurationMs: 200 });
});
afterAll(() => sim.close());
beforeEach(() => {
  sim.admin.reset();
  sim.admin.setSettings({ taskDurationMs: 200 });
  serviceName = sim.admin.licenceGroups()[0];
});

const base = () => `/saas/csp2/${serviceName}`;
const task = (id: number) => ovhOk<OfficeTask>(sim, { path: `${base()}/task/${id}` });
const subscription = (id: number) => ovhOk<OfficeSubscription>(sim, { path: `${base()}/subscription/${id}` });
const subscriptionIds = () => ovhOk<number[]>(sim, { path: `${base()}/subscription` });
const untilEnded = (id: number) => waitFor(async () => ((await task(id)).finishDate !== null ? task(id) : undefined), 10_000, `task ${id} to end`);

function currentLicense(): number {
  const license = sim.admin.licences().find((l) => l.name === "Office 365 E1");
  if (!license) throw new Error("the demo catalogue has Office 365 E1");
  return license.id;
}

describe("CSP2 tasks", () => {
  it("creates a subscription only once its addSubscription task is done", async () => {
    const before = await subscriptionIds();
    const created = await ovhOk<OfficeTask>(sim, { method: "POST", path: `${base()}/subscription`, body: { licenseId: currentLicense(), quantity: 4 } });
    expect(created).toEqual({ id: expect.any(Number), function: "addSubscription", status: "todo", todoDate: expect.any(String), finishDate: null });
    expect(await subscriptionIds()).toEqual(before);
    expect((await ovhOk<number[]>(sim, { path: `${base()}/task` })).includes(created.id)).toBe(true);

    const seen = new Set<string>();
    const ended = await waitFor(async () => {
      const t = await task(created.id);
      seen.add(t.status);
      return t.finishDate !== null ? t : undefined;
    });
    expect(ended.status).toBe("done");
    expect(seen.has("done")).toBe(true);
    expect([...seen].every((s) => ["todo", "doing", "done"].includes(s))).toBe(true);
    expect(Date.parse(ended.finishDate as string)).toBeGreaterThanOrEqual(Date.parse(ended.todoDate));

    const after = await subscriptionIds();
    const added = after.filter((id) => !before.includes(id));
    expect(added).toHaveLength(1);
    expect(await subscription(added[0])).toMatchObject({ licenseId: currentLicense(), quantity: 4, taskPendingId: 0 });
  });

  it("sets taskPendingId while changeQuantity runs, and changes seats only when it is done", async () => {
    const target = sim.admin.subscriptions(serviceName)[0];
    const started = await ovhOk<OfficeTask>(sim, { method: "POST", path: `${base()}/subscription/${target.id}/changeQuantity`, body: { quantity: target.quantity + 3 } });
    expect(started.function).toBe("changeQuantity");
    const during = await subscription(target.id);
    expect(during).toMatchObject({ quantity: target.quantity, taskPendingId: started.id });
    expect((await untilEnded(started.id)).status).toBe("done");
    expect(await subscription(target.id)).toMatchObject({ quantity: target.quantity + 3, taskPendingId: 0 });
  });

  it("refuses a change while the subscription has a pending task, naming the task", async () => {
    const target = sim.admin.subscriptions(serviceName)[0];
    const running = sim.admin.startTask(serviceName, { function: "changeQuantity", subscriptionId: target.id, quantity: target.quantity + 1, outcome: "stuck" });
    for (const request of [
      { method: "POST", path: `${base()}/subscription/${target.id}/changeQuantity`, body: { quantity: target.quantity + 2 } },
      { method: "DELETE", path: `${base()}/subscription/${target.id}` },
    ]) {
      const answer = await ovhCall(sim, request);
      expect(answer.status).toBe(409);
      expect(answer.body).toMatchObject({ class: "Client::Conflict", details: { taskId: String(running.id) } });
      expect((answer.body as { message: string }).message).toContain(`id ${running.id}`);
    }
    expect(await task(running.id)).toMatchObject({ status: expect.stringMatching(/^(todo|doing)$/), finishDate: null });
    sim.admin.finishTask(serviceName, running.id, "done");
    expect(await subscription(target.id)).toMatchObject({ quantity: target.quantity + 1, taskPendingId: 0 });
  });

  it("removes a subscription (and its add-ons) only when the delete task is done", async () => {
    const withAddon = sim.admin.subscriptions(serviceName).find((s) => sim.admin.subscriptions(serviceName).some((a) => a.parentSubscriptionId === s.id));
    if (!withAddon) throw new Error("the demo account has a subscription with an add-on");
    const addonIds = await ovhOk<number[]>(sim, { path: `${base()}/subscription/${withAddon.id}/addonsSubscriptionIds` });
    expect(addonIds.length).toBeGreaterThan(0);
    const started = await ovhOk<OfficeTask>(sim, { method: "DELETE", path: `${base()}/subscription/${withAddon.id}` });
    expect(started.function).toBe("deleteSubscription");
    expect(await subscriptionIds()).toContain(withAddon.id);
    await untilEnded(started.id);
    const remaining = await subscriptionIds();
    expect(remaining).not.toContain(withAddon.id);
    for (const id of addonIds) expect(remaining).not.toContain(id);
    expect((await ovhCall(sim, { path: `${base()}/subscription/${withAddon.id}` })).status).toBe(404);
  });

  it("orders an add-on on a subscription: it appears in addonsSubscriptionIds when done", async () => {
    const parent = sim.admin.subscriptions(serviceName).find((s) => s.parentSubscriptionId === null && s.licenseName === "Microsoft 365 Business Basic");
    if (!parent) throw new Error("the demo account has a Business Basic subscription");
    const available = await ovhOk<number[]>(sim, { path: `${base()}/subscription/${parent.id}/availableAddonLicenses` });
    expect(available.length).toBeGreaterThan(0);
    const addonLicense = await ovhOk<{ licenceType: string }>(sim, { path: `${base()}/orderableLicenses/${available[0]}` });
    expect(addonLicense.licenceType).toBe("ADDON");

    const refused = await ovhCall(sim, { method: "POST", path: `${base()}/subscription`, body: { licenseId: available[0], quantity: 2 } });
    expect(refused.status).toBe(400);
    expect((refused.body as { message: string }).message).toContain("orderAddon");

    const started = await ovhOk<OfficeTask>(sim, { method: "POST", path: `${base()}/subscription/${parent.id}/orderAddon`, body: { licenseId: available[0], quantity: 2 } });
    expect(started.function).toBe("orderAddon");
    expect((await subscription(parent.id)).taskPendingId).toBe(started.id);
    await untilEnded(started.id);
    const addons = await ovhOk<number[]>(sim, { path: `${base()}/subscription/${parent.id}/addonsSubscriptionIds` });
    expect(addons).toHaveLength(1);
    expect(await subscription(addons[0])).toMatchObject({ licenseId: available[0], quantity: 2 });

    const notAnAddon = await ovhCall(sim, { method: "POST", path: `${base()}/subscription/${parent.id}/orderAddon`, body: { licenseId: currentLicense(), quantity: 1 } });
    expect(notAnAddon.status).toBe(400);
  });

  it("ends tasks in error when a task fault says so, without applying the change", async () => {
    const target = sim.admin.subscriptions(serviceName)[0];
    sim.admin.addTaskFault({ outcome: "error", function: "changeQuantity", count: 1 });
    const failing = await ovhOk<OfficeTask>(sim, { method: "POST", path: `${base()}/subscription/${target.id}/changeQuantity`, body: { quantity: target.quantity + 1 } });
    expect((await untilEnded(failing.id)).status).toBe("error");
    expect(await subscription(target.id)).toMatchObject({ quantity: target.quantity, taskPendingId: 0 });
    expect(sim.admin.taskFaults()).toEqual([]);
    const next = await ovhOk<OfficeTask>(sim, { method: "POST", path: `${base()}/subscription/${target.id}/changeQuantity`, body: { quantity: target.quantity + 1 } });
    expect((await untilEnded(next.id)).status).toBe("done");
  });

  it("keeps a stuck task in doing until the admin API ends it", async () => {
    sim.admin.addTaskFault({ outcome: "stuck" });
    const stuck = await ovhOk<OfficeTask>(sim, { method: "POST", path: `${base()}/subscription`, body: { licenseId: currentLicense(), quantity: 1 } });
    await waitFor(async () => (await task(stuck.id)).status === "doing");
    sim.admin.setSettings({ taskDurationMs: 0 });
    expect((await task(stuck.id)).status).toBe("doing");
    expect(sim.admin.settleTasks()).toBe(1);
    expect(await task(stuck.id)).toMatchObject({ status: "done", finishDate: expect.any(String) });
  });

  it("ends a task whose subscription was deleted out of band in error", async () => {
    const target = sim.admin.subscriptions(serviceName)[0];
    const started = await ovhOk<OfficeTask>(sim, { method: "POST", path: `${base()}/subscription/${target.id}/changeQuantity`, body: { quantity: target.quantity + 1 } });
    sim.admin.deleteSubscription(serviceName, target.id);
    expect((await untilEnded(started.id)).status).toBe("error");
  });
});
