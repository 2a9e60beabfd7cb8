import { mkdtempSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { DEFAULT_VARIANTS, SimulatorAdminError, SimulatorOptionsError, startSimulator, type RunningSimulator } from "../../simulator";
import { missingConfigurationLabels, tenantFromConfigurations, type CartConfigurationRequirement } from "../../simulator/model/orders";
import type { CartItemState } from "../../simulator/model/state";
import { pickVariants, variantProblem } from "../../simulator/model/variants";
import { ovhCall, ovhOk, waitFor, type HttpAnswer } from "./support/ovh-http";

interface OfficeTask {
  id: number;
  function: string;
  status: string;
  finishDate: string | null;
}
interface OfficeSubscription {
  id: number;
  licenseId: number;
  quantity: number;
  status: string;
  taskPendingId: number;
}

const ACME = "csp2-1f4a7c92";
const TASK_MS = 100;

let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSimulator({ taskDurationMs: TASK_MS });
});
afterAll(() => sim.close());
beforeEach(() => {
  sim.admin.reset();
  // reset() keeps settings: each test starts from the defaults and chooses its variant.
  sim.admin.setSettings({ ...DEFAULT_VARIANTS, taskDurationMs: TASK_MS });
});

const base = `/saas/csp2/${ACME}`;
const task = (id: number) => ovhCall(sim, { path: `${base}/task/${id}` });
const taskList = () => ovhOk<number[]>(sim, { path: `${base}/task` });
const subscription = (id: number) => ovhOk<OfficeSubscription>(sim, { path: `${base}/subscription/${id}` });
const subscriptionIds = () => ovhOk<number[]>(sim, { path: `${base}/subscription` });
const message = (answer: HttpAnswer) => (answer.body as { message: string }).message;

/** Waits for a task to end through the admin API, which sees every task whatever `finishedTasks` says. */
const untilEnded = (id: number) =>
  waitFor(() => {
    const t = sim.admin.tasks(ACME).find((candidate) => candidate.id === id);
    return t && !["todo", "doing"].includes(t.status) ? t : undefined;
  }, 10_000, `task ${id} to end`);

function licenceId(name: string): number {
  const licence = sim.admin.licences().find((l) => l.name === name);
  if (!licence) throw new Error(`the demo catalogue has ${name}`);
  return licence.id;
}

function acmeSubscription(licenseName: string) {
  const found = sim.admin.subscriptions(ACME).find((s) => s.licenseName === licenseName);
  if (!found) throw new Error(`the demo account has ${licenseName} in ${ACME}`);
  return found;
}

describe("variant settings", () => {
  it("default to the simulator's original behaviour", () => {
    expect(sim.admin.settings()).toMatchObject({
      finishedTasks: "kept",
      pendingTaskRefusal: 409,
      deletedSubscriptions: "vanish",
      deletedSubscriptionStatus: "terminated",
      deletedSubscriptionLingerMs: 60000,
      seatDecreaseRefusal: "immediate",
      mpnIdRequired: false,
      groupOrderConfigurations: "none",
    });
  });

  it("are taken as startSimulator options, kept by reset(), and refused when invalid, naming the setting and its values", async () => {
    const other = await startSimulator({ finishedTasks: "vanish", pendingTaskRefusal: 403, deletedSubscriptionStatus: "inactive", mpnIdRequired: true });
    try {
      other.admin.reset();
      expect(other.admin.settings()).toMatchObject({ finishedTasks: "vanish", pendingTaskRefusal: 403, deletedSubscriptionStatus: "inactive", mpnIdRequired: true, deletedSubscriptions: "vanish" });
    } finally {
      await other.close();
    }
    await expect(startSimulator({ finishedTasks: "gone" as "kept" })).rejects.toThrow(SimulatorOptionsError);
    await expect(startSimulator({ finishedTasks: "gone" as "kept" })).rejects.toThrow('finishedTasks must be one of "kept", "vanish", got "gone"');
    await expect(startSimulator({ pendingTaskRefusal: 500 as 409 })).rejects.toThrow("pendingTaskRefusal must be one of 409, 400, 403, got 500");
    await expect(startSimulator({ deletedSubscriptionLingerMs: -1 })).rejects.toThrow("deletedSubscriptionLingerMs must be a whole number of milliseconds, 0 or more");
  });

  it("are changed by setSettings and refused there with a SimulatorAdminError naming the setting and its values", () => {
    expect(sim.admin.setSettings({ seatDecreaseRefusal: "taskError", groupOrderConfigurations: "required" })).toMatchObject({
      seatDecreaseRefusal: "taskError",
      groupOrderConfigurations: "required",
      taskDurationMs: TASK_MS,
    });
    expect(() => sim.admin.setSettings({ deletedSubscriptions: "archive" as "linger" })).toThrow(SimulatorAdminError);
    expect(() => sim.admin.setSettings({ deletedSubscriptions: "archive" as "linger" })).toThrow('deletedSubscriptions must be one of "vanish", "linger", got "archive"');
    expect(() => sim.admin.setSettings({ mpnIdRequired: "yes" as unknown as boolean })).toThrow("mpnIdRequired must be true or false");
    expect(() => sim.admin.setSettings({ deletedSubscriptionStatus: " " })).toThrow("deletedSubscriptionStatus must be a non-empty string");
    // A refused change changes nothing, not even the valid part of it.
    expect(() => sim.admin.setSettings({ finishedTasks: "vanish", pendingTaskRefusal: 404 as 409 })).toThrow("pendingTaskRefusal");
    expect(sim.admin.settings().finishedTasks).toBe("kept");
  });

  it("are checked one by one by pure functions", () => {
    expect(variantProblem("pendingTaskRefusal", 400)).toBeUndefined();
    expect(variantProblem("pendingTaskRefusal", "400")).toBe('pendingTaskRefusal must be one of 409, 400, 403, got "400"');
    expect(variantProblem("deletedSubscriptionLingerMs", 1.5)).toContain("whole number");
    expect(variantProblem("deletedSubscriptionStatus", "inactive")).toBeUndefined();
    expect(pickVariants({ finishedTasks: "vanish", port: 0, mpnIdRequired: undefined })).toEqual({ variants: { finishedTasks: "vanish" } });
    expect(pickVariants({ seatDecreaseRefusal: "later" })).toEqual({ problem: 'seatDecreaseRefusal must be one of "immediate", "taskError", got "later"' });
  });
});

describe("finishedTasks", () => {
  it("kept (default): an ended task stays readable and listed", async () => {
    const target = acmeSubscription("Microsoft 365 Business Basic");
    const started = await ovhOk<OfficeTask>(sim, { method: "POST", path: `${base}/subscription/${target.id}/changeQuantity`, body: { quantity: target.quantity + 1 } });
    await untilEnded(started.id);
    const ended = await task(started.id);
    expect(ended.status).toBe(200);
    expect(ended.body).toMatchObject({ id: started.id, status: "done", finishDate: expect.any(String) });
    expect(await taskList()).toContain(started.id);
  });

  it("vanish: a task answers 404 once it ended (done, error or cancelled) and only pending tasks are listed", async () => {
    sim.admin.setSettings({ finishedTasks: "vanish" });
    const [basic, standard] = [acmeSubscription("Microsoft 365 Business Basic"), acmeSubscription("Microsoft 365 Business Standard")];
    const done = await ovhOk<OfficeTask>(sim, { method: "POST", path: `${base}/subscription/${basic.id}/changeQuantity`, body: { quantity: basic.quantity + 1 } });
    const pending = sim.admin.startTask(ACME, { function: "changeQuantity", subscriptionId: standard.id, quantity: standard.quantity + 1, outcome: "stuck" });
    expect((await task(done.id)).status).toBe(200);
    expect(await taskList()).toEqual(expect.arrayContaining([done.id, pending.id]));

    await untilEnded(done.id);
    const gone = await task(done.id);
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual({ class: "Client::NotFound", message: `The requested object (id = ${done.id}) does not exist` });
    expect(await taskList()).toEqual([pending.id]);
    expect((await subscription(basic.id)).quantity).toBe(basic.quantity + 1);

    sim.admin.finishTask(ACME, pending.id, "cancelled");
    expect((await task(pending.id)).status).toBe(404);
    sim.admin.addTaskFault({ outcome: "error", count: 1 });
    const failing = await ovhOk<OfficeTask>(sim, { method: "POST", path: `${base}/subscription/${basic.id}/changeQuantity`, body: { quantity: basic.quantity + 2 } });
    expect((await untilEnded(failing.id)).status).toBe("error");
    expect((await task(failing.id)).status).toBe(404);
    expect(await taskList()).toEqual([]);
    // The admin API still sees every task.
    expect(sim.admin.tasks(ACME).map((t) => t.id)).toEqual(expect.arrayContaining([done.id, pending.id, failing.id]));
  });
});

describe("pendingTaskRefusal", () => {
  function changesWhilePending(parentId: number, seats: number) {
    return [
      { method: "POST", path: `${base}/subscription/${parentId}/changeQuantity`, body: { quantity: seats + 2 } },
      { method: "DELETE", path: `${base}/subscription/${parentId}` },
      { method: "POST", path: `${base}/subscription/${parentId}/orderAddon`, body: { licenseId: licenceId("Microsoft 365 Audio Conferencing"), quantity: 1 } },
    ];
  }

  it("409 (default): Client::Conflict naming the task, with its id in details", async () => {
    const target = acmeSubscription("Microsoft 365 Business Basic");
    const running = sim.admin.startTask(ACME, { function: "changeQuantity", subscriptionId: target.id, quantity: target.quantity + 1, outcome: "stuck" });
    for (const request of changesWhilePending(target.id, target.quantity)) {
      const answer = await ovhCall(sim, request);
      expect(answer.status).toBe(409);
      expect(answer.body).toMatchObject({ class: "Client::Conflict", details: { taskId: String(running.id) } });
      expect(message(answer)).toContain(`id ${running.id}`);
    }
  });

  it.each([
    [400, "Client::BadRequest"],
    [403, "Client::Forbidden"],
  ] as const)("%i: %s that does not name the task, and no details", async (status, errorClass) => {
    sim.admin.setSettings({ pendingTaskRefusal: status });
    const target = acmeSubscription("Microsoft 365 Business Basic");
    const running = sim.admin.startTask(ACME, { function: "changeQuantity", subscriptionId: target.id, quantity: target.quantity + 1, outcome: "stuck" });
    for (const request of changesWhilePending(target.id, target.quantity)) {
      const answer = await ovhCall(sim, request);
      expect(answer.status).toBe(status);
      expect(answer.body).toEqual({ class: errorClass, message: "An operation is already in progress on this subscription, please try again later" });
      expect(answer.text).not.toContain(String(running.id));
    }
    // The subscription itself tells why: its taskPendingId.
    expect((await subscription(target.id)).taskPendingId).toBe(running.id);
  });
});

describe("deletedSubscriptions", () => {
  const standardWithAddon = () => {
    const parent = acmeSubscription("Microsoft 365 Business Standard");
    const addon = sim.admin.subscriptions(ACME).find((s) => s.parentSubscriptionId === parent.id);
    if (!addon) throw new Error("the demo account has an add-on on Business Standard");
    return { parent, addon };
  };

  it("vanish (default): a deleted subscription and its add-ons are gone at once", async () => {
    const { parent, addon } = standardWithAddon();
    const deletion = await ovhOk<OfficeTask>(sim, { method: "DELETE", path: `${base}/subscription/${parent.id}` });
    await untilEnded(deletion.id);
    expect(await subscriptionIds()).not.toContain(parent.id);
    expect(await subscriptionIds()).not.toContain(addon.id);
    expect((await ovhCall(sim, { path: `${base}/subscription/${parent.id}` })).status).toBe(404);
    expect(sim.admin.subscriptions(ACME).map((s) => s.id)).not.toContain(parent.id);
  });

  it("linger: the deleted subscription and its add-ons stay listed with the configured status and no pending task, then disappear", async () => {
    sim.admin.setSettings({ deletedSubscriptions: "linger", deletedSubscriptionLingerMs: 600_000 });
    const { parent, addon } = standardWithAddon();
    const deletion = await ovhOk<OfficeTask>(sim, { method: "DELETE", path: `${base}/subscription/${parent.id}` });
    expect((await subscription(parent.id)).taskPendingId).toBe(deletion.id);
    expect((await untilEnded(deletion.id)).status).toBe("done");

    expect(await subscriptionIds()).toEqual(expect.arrayContaining([parent.id, addon.id]));
    expect(await subscription(parent.id)).toMatchObject({ id: parent.id, quantity: parent.quantity, status: "terminated", taskPendingId: 0 });
    expect(await subscription(addon.id)).toMatchObject({ status: "terminated", taskPendingId: 0 });
    expect(sim.admin.subscription(ACME, parent.id)).toMatchObject({ status: "terminated", taskPendingId: 0 });

    // Changed settings apply to the next deletion; this one keeps the time it was given.
    sim.admin.setSettings({ deletedSubscriptionStatus: "inactive", deletedSubscriptionLingerMs: 150 });
    const basic = acmeSubscription("Microsoft 365 Business Basic");
    sim.admin.deleteSubscription(ACME, basic.id);
    expect(await subscription(basic.id)).toMatchObject({ status: "inactive", taskPendingId: 0 });
    await waitFor(async () => (await ovhCall(sim, { path: `${base}/subscription/${basic.id}` })).status === 404, 10_000, "the lingering subscription to disappear");
    expect(await subscriptionIds()).not.toContain(basic.id);
    expect(await subscription(parent.id)).toMatchObject({ status: "terminated" });
  });

  it("linger: every change to a lingering subscription is refused with 400, in the API and the admin API alike", async () => {
    sim.admin.setSettings({ deletedSubscriptions: "linger", deletedSubscriptionStatus: "inactive", deletedSubscriptionLingerMs: 600_000 });
    const { parent, addon } = standardWithAddon();
    sim.admin.deleteSubscription(ACME, parent.id);
    const tasksBefore = sim.admin.tasks(ACME).length;
    for (const request of [
      { method: "POST", path: `${base}/subscription/${parent.id}/changeQuantity`, body: { quantity: parent.quantity + 1 } },
      { method: "DELETE", path: `${base}/subscription/${parent.id}` },
      { method: "DELETE", path: `${base}/subscription/${addon.id}` },
      { method: "POST", path: `${base}/subscription/${parent.id}/orderAddon`, body: { licenseId: licenceId("Microsoft 365 Audio Conferencing"), quantity: 1 } },
    ]) {
      const answer = await ovhCall(sim, request);
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ class: "Client::BadRequest" });
      expect(message(answer)).toMatch(/^Subscription \d+ is inactive: it can no longer be changed$/);
    }
    expect(() => sim.admin.setSeats(ACME, parent.id, 3)).toThrow(`Subscription ${parent.id} in ${ACME} was deleted (status inactive`);
    expect(() => sim.admin.deleteSubscription(ACME, addon.id)).toThrow("it can no longer be changed");
    expect(sim.admin.tasks(ACME)).toHaveLength(tasksBefore);
  });

  it("linger: a lingering subscription counts for neither licence limits nor usage", async () => {
    sim.admin.setSettings({ deletedSubscriptions: "linger", deletedSubscriptionLingerMs: 600_000 });
    const basic = acmeSubscription("Microsoft 365 Business Basic");
    sim.admin.setLicence(basic.licenseId, { limit: basic.quantity });
    const overLimit = await ovhCall(sim, { method: "POST", path: `${base}/subscription`, body: { licenseId: basic.licenseId, quantity: 1 } });
    expect(overLimit.status).toBe(400);
    expect(message(overLimit)).toContain("over the licence limit");

    const deletion = await ovhOk<OfficeTask>(sim, { method: "DELETE", path: `${base}/subscription/${basic.id}` });
    await untilEnded(deletion.id);
    expect((await subscription(basic.id)).status).toBe("terminated");
    const [today] = (await ovhOk<{ lines: { licenceId: number; endOfDayCount: number }[] }[]>(sim, { path: `${base}/usageStatistics?timePeriod=lastWeek` })).slice(-1);
    expect(today.lines.find((l) => l.licenceId === basic.licenseId)).toMatchObject({ endOfDayCount: 0 });

    const reordered = await ovhOk<OfficeTask>(sim, { method: "POST", path: `${base}/subscription`, body: { licenseId: basic.licenseId, quantity: basic.quantity } });
    expect(reordered.function).toBe("addSubscription");
  });

  it("linger: a changeQuantity still running when its subscription is deleted ends in error", async () => {
    sim.admin.setSettings({ deletedSubscriptions: "linger", deletedSubscriptionLingerMs: 600_000 });
    const basic = acmeSubscription("Microsoft 365 Business Basic");
    const started = await ovhOk<OfficeTask>(sim, { method: "POST", path: `${base}/subscription/${basic.id}/changeQuantity`, body: { quantity: basic.quantity + 1 } });
    sim.admin.deleteSubscription(ACME, basic.id);
    expect((await subscription(basic.id)).taskPendingId).toBe(0);
    expect((await untilEnded(started.id)).status).toBe("error");
    expect(await subscription(basic.id)).toMatchObject({ quantity: basic.quantity, status: "terminated" });
  });
});

describe("a lingering subscription in a state file shared by two processes", () => {
  let dir: string;
  const running: RunningSimulator[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "ovh-simulator-variants-"));
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((s) => s.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  it("is written to the state, seen by the other process whatever its settings, and disappears there too", async () => {
    const file = join(dir, "account.json");
    const lingering = await startSimulator({ stateFile: file, deletedSubscriptions: "linger", deletedSubscriptionStatus: "inactive", deletedSubscriptionLingerMs: 1500 });
    running.push(lingering);
    const other = await startSimulator({ stateFile: file });
    running.push(other);
    const target = lingering.admin.subscriptions(ACME)[0];
    lingering.admin.deleteSubscription(ACME, target.id);

    const stored = JSON.parse(readFileSync(file, "utf8")).groups[ACME].subscriptions[target.id];
    expect(stored).toMatchObject({ status: "inactive", lingersUntil: expect.any(Number) });
    expect(await ovhOk(other, { path: `${base}/subscription/${target.id}` })).toMatchObject({ status: "inactive", taskPendingId: 0 });
    expect(other.admin.settings().deletedSubscriptions).toBe("vanish");
    await waitFor(async () => (await ovhCall(other, { path: `${base}/subscription/${target.id}` })).status === 404, 10_000, "the other process to drop it");
    expect(await ovhOk(lingering, { path: `${base}/subscription` })).not.toContain(target.id);
  });
});

describe("seatDecreaseRefusal", () => {
  it("immediate (default): a decrease outside Microsoft's window is refused at once with 403", async () => {
    const basic = acmeSubscription("Microsoft 365 Business Basic");
    const answer = await ovhCall(sim, { method: "POST", path: `${base}/subscription/${basic.id}/changeQuantity`, body: { quantity: basic.quantity - 1 } });
    expect(answer.status).toBe(403);
    expect(answer.body).toMatchObject({ class: "Client::Forbidden" });
    expect(message(answer)).toContain("within 168 hours");
    expect(sim.admin.tasks(ACME).filter((t) => t.subscriptionId === basic.id)).toEqual([]);
  });

  it("taskError: the decrease is accepted as a task that ends in error, seats unchanged; a decrease inside the window still succeeds", async () => {
    sim.admin.setSettings({ seatDecreaseRefusal: "taskError" });
    const basic = acmeSubscription("Microsoft 365 Business Basic");
    const started = await ovhOk<OfficeTask>(sim, { method: "POST", path: `${base}/subscription/${basic.id}/changeQuantity`, body: { quantity: basic.quantity - 1 } });
    expect(started).toMatchObject({ function: "changeQuantity", status: "todo", finishDate: null });
    expect((await subscription(basic.id)).taskPendingId).toBe(started.id);
    expect((await untilEnded(started.id)).status).toBe("error");
    expect((await ovhOk<OfficeTask>(sim, { path: `${base}/task/${started.id}` })).status).toBe("error");
    expect(await subscription(basic.id)).toMatchObject({ quantity: basic.quantity, taskPendingId: 0 });

    const increase = await ovhOk<OfficeTask>(sim, { method: "POST", path: `${base}/subscription/${basic.id}/changeQuantity`, body: { quantity: basic.quantity + 2 } });
    await untilEnded(increase.id);
    const decrease = await ovhOk<OfficeTask>(sim, { method: "POST", path: `${base}/subscription/${basic.id}/changeQuantity`, body: { quantity: basic.quantity + 1 } });
    expect((await untilEnded(decrease.id)).status).toBe("done");
    expect((await subscription(basic.id)).quantity).toBe(basic.quantity + 1);
  });
});

describe("mpnIdRequired", () => {
  const order = () => ovhCall(sim, { method: "POST", path: `${base}/subscription`, body: { licenseId: licenceId("Office 365 E1"), quantity: 2 } });
  const orderAddon = () => {
    const parent = acmeSubscription("Microsoft 365 Business Basic");
    return ovhCall(sim, { method: "POST", path: `${base}/subscription/${parent.id}/orderAddon`, body: { licenseId: licenceId("Microsoft 365 Audio Conferencing"), quantity: 1 } });
  };

  it("false (default): a tenant without an MPN ID can order", async () => {
    expect(await ovhOk(sim, { path: base })).toMatchObject({ mpnId: null });
    expect((await order()).status).toBe(200);
    expect((await orderAddon()).status).toBe(200);
  });

  it("true: subscriptions and add-ons are refused with 403 until the tenant has an MPN ID, saying how to set it", async () => {
    sim.admin.setSettings({ mpnIdRequired: true });
    for (const answer of [await order(), await orderAddon()]) {
      expect(answer.status).toBe(403);
      expect(answer.body).toMatchObject({ class: "Client::Forbidden" });
      expect(message(answer)).toContain(`The tenant of ${ACME} has no MPN ID (Microsoft Partner Network id)`);
      expect(message(answer)).toContain(`PUT /saas/csp2/${ACME} {"mpnId": "…"}`);
    }
    expect(sim.admin.tasks(ACME).filter((t) => ["todo", "doing"].includes(t.status))).toEqual([]);
    await ovhOk(sim, { method: "PUT", path: base, body: { mpnId: "1234567" } });
    expect((await order()).status).toBe(200);
    expect((await orderAddon()).status).toBe(200);
  });
});

describe("groupOrderConfigurations", () => {
  interface Requirement {
    label: string;
    type: string;
    required: boolean;
    fields: string[] | null;
    allowedValues: string[] | null;
  }

  async function cartWithItem(): Promise<{ cartId: string; itemId: number }> {
    const { cartId } = await ovhOk<{ cartId: string }>(sim, { method: "POST", path: "/order/cart", body: { ovhSubsidiary: "FR" } });
    await ovhOk(sim, { method: "POST", path: `/order/cart/${cartId}/assign` });
    const [product] = await ovhOk<{ planCode: string; prices: { duration: string; pricingMode: string }[] }[]>(sim, { path: `/order/cart/${cartId}/csp2` });
    const { duration, pricingMode } = product.prices[0];
    const { itemId } = await ovhOk<{ itemId: number }>(sim, { method: "POST", path: `/order/cart/${cartId}/csp2`, body: { planCode: product.planCode, duration, pricingMode, quantity: 1 } });
    return { cartId, itemId };
  }
  const configure = (cartId: string, itemId: number, label: string, value: string) =>
    ovhOk(sim, { method: "POST", path: `/order/cart/${cartId}/item/${itemId}/configuration`, body: { label, value } });

  it("none (default): a csp2 item requires nothing and the cart checks out as is", async () => {
    const { cartId, itemId } = await cartWithItem();
    expect(await ovhOk(sim, { path: `/order/cart/${cartId}/item/${itemId}/requiredConfiguration`, anonymous: true })).toEqual([]);
    expect((await ovhCall(sim, { path: `/order/cart/${cartId}/checkout` })).status).toBe(200);
    expect((await ovhCall(sim, { method: "POST", path: `/order/cart/${cartId}/checkout`, body: {} })).status).toBe(200);
  });

  it("required: lists the item's configurations and refuses checkout (dry run and real) naming each missing label", async () => {
    sim.admin.setSettings({ groupOrderConfigurations: "required" });
    const { cartId, itemId } = await cartWithItem();
    const requirements = await ovhOk<Requirement[]>(sim, { path: `/order/cart/${cartId}/item/${itemId}/requiredConfiguration`, anonymous: true });
    for (const r of requirements) expect(Object.keys(r).sort()).toEqual(["allowedValues", "fields", "label", "required", "type"]);
    expect(requirements.filter((r) => r.required).map((r) => r.label)).toEqual(["mpn_id", "tenant_domain"]);
    expect(requirements.some((r) => !r.required)).toBe(true);

    for (const request of [{ path: `/order/cart/${cartId}/checkout` }, { method: "POST", path: `/order/cart/${cartId}/checkout`, body: {} }]) {
      const refused = await ovhCall(sim, request);
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ class: "Client::BadRequest" });
      expect(message(refused)).toContain(`item ${itemId} misses mpn_id, tenant_domain`);
    }
    await configure(cartId, itemId, "mpn_id", "7654321");
    const stillMissing = await ovhCall(sim, { path: `/order/cart/${cartId}/checkout` });
    expect(message(stillMissing)).toContain(`item ${itemId} misses tenant_domain`);
    expect(message(stillMissing)).not.toContain("mpn_id");
    expect(await ovhOk(sim, { path: "/me/order" })).toEqual([]);

    await configure(cartId, itemId, "tenant_domain", "garage-leroy.onmicrosoft.com");
    expect((await ovhCall(sim, { path: `/order/cart/${cartId}/checkout` })).status).toBe(200);
    const { orderId } = await ovhOk<{ orderId: number }>(sim, { method: "POST", path: `/order/cart/${cartId}/checkout`, body: { autoPayWithPreferredPaymentMethod: true } });
    await waitFor(async () => (await ovhOk<string>(sim, { path: `/me/order/${orderId}/status` })) === "delivered");
    const [detailId] = await ovhOk<number[]>(sim, { path: `/me/order/${orderId}/details` });
    const { domain } = await ovhOk<{ domain: string }>(sim, { path: `/me/order/${orderId}/details/${detailId}` });
    // The MPN ID given with the order is the new tenant's.
    expect(await ovhOk(sim, { path: `/saas/csp2/${domain}` })).toMatchObject({ mpnId: "7654321" });
  });

  it("finds missing labels and the tenant fields of an order with pure functions", () => {
    const requirement = (label: string, required: boolean): CartConfigurationRequirement => ({ label, type: "string", required, fields: null, allowedValues: null });
    const item = (configurations: { label: string; value: string }[]): CartItemState => ({
      itemId: 1,
      planCode: "plan",
      duration: "P1M",
      pricingMode: "default",
      quantity: 1,
      configurations: configurations.map((c, id) => ({ id, ...c })),
    });
    const requirements = [requirement("a", true), requirement("b", true), requirement("c", false)];
    expect(missingConfigurationLabels(requirements, item([]))).toEqual(["a", "b"]);
    expect(missingConfigurationLabels(requirements, item([{ label: "a", value: "x" }, { label: "b", value: "  " }]))).toEqual(["b"]);
    expect(missingConfigurationLabels([], item([]))).toEqual([]);
    expect(tenantFromConfigurations([{ label: "mpn_id", value: "42" }, { label: "tenant_display_name", value: "Garage" }, { label: "tenant_domain", value: "g.example" }])).toEqual({
      mpnId: "42",
      displayName: "Garage",
    });
    expect(tenantFromConfigurations([{ label: "mpn_id", value: " " }])).toEqual({});
  });

  it("answers 404 for an item that is not in the cart", async () => {
    const { cartId, itemId } = await cartWithItem();
    const missing = await ovhCall(sim, { path: `/order/cart/${cartId}/item/${itemId + 1000}/requiredConfiguration`, anonymous: true });
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ class: "Client::NotFound", message: `The requested object (itemId = ${itemId + 1000}) does not exist` });
  });
});
