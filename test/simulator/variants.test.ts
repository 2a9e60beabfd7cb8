import { SimulatorAdminError, SimulatorOptionsError, startSimulator } from "../../simulator";
import { pickVariants, variantProblem } from "../../simulator/model/variants";
import { ovhCall, ovhOk } from "./support/ovh-http";
import { ACME, ACME_PATH, message, TASK_MS, variantSimulator, type OfficeTask } from "./support/variant-simulator";

const variants = variantSimulator();
const base = ACME_PATH;
const { task, taskList, subscription, untilEnded, licenseId: licenceId, acmeSubscription } = variants;

describe("variant settings", () => {
  it("default to the simulator's original behaviour", () => {
    expect(variants.sim.admin.settings()).toMatchObject({
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
    expect(variants.sim.admin.setSettings({ seatDecreaseRefusal: "taskError", groupOrderConfigurations: "required" })).toMatchObject({
      seatDecreaseRefusal: "taskError",
      groupOrderConfigurations: "required",
      taskDurationMs: TASK_MS,
    });
    expect(() => variants.sim.admin.setSettings({ deletedSubscriptions: "archive" as "linger" })).toThrow(SimulatorAdminError);
    expect(() => variants.sim.admin.setSettings({ deletedSubscriptions: "archive" as "linger" })).toThrow('deletedSubscriptions must be one of "vanish", "linger", got "archive"');
    expect(() => variants.sim.admin.setSettings({ mpnIdRequired: "yes" as unknown as boolean })).toThrow("mpnIdRequired must be true or false");
    expect(() => variants.sim.admin.setSettings({ deletedSubscriptionStatus: " " })).toThrow("deletedSubscriptionStatus must be a non-empty string");
    // A refused change changes nothing, not even the valid part of it.
    expect(() => variants.sim.admin.setSettings({ finishedTasks: "vanish", pendingTaskRefusal: 404 as 409 })).toThrow("pendingTaskRefusal");
    expect(variants.sim.admin.settings().finishedTasks).toBe("kept");
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
    const started = await ovhOk<OfficeTask>(variants.sim, { method: "POST", path: `${base}/subscription/${target.id}/changeQuantity`, body: { quantity: target.quantity + 1 } });
    await untilEnded(started.id);
    const ended = await task(started.id);
    expect(ended.status).toBe(200);
    expect(ended.body).toMatchObject({ id: started.id, status: "done", finishDate: expect.any(String) });
    expect(await taskList()).toContain(started.id);
  });

  it("vanish: a task answers 404 once it ended (done, error or cancelled) and only pending tasks are listed", async () => {
    variants.sim.admin.setSettings({ finishedTasks: "vanish" });
    const [basic, standard] = [acmeSubscription("Microsoft 365 Business Basic"), acmeSubscription("Microsoft 365 Business Standard")];
    const done = await ovhOk<OfficeTask>(variants.sim, { method: "POST", path: `${base}/subscription/${basic.id}/changeQuantity`, body: { quantity: basic.quantity + 1 } });
    const pending = variants.sim.admin.startTask(ACME, { function: "changeQuantity", subscriptionId: standard.id, quantity: standard.quantity + 1, outcome: "stuck" });
    expect((await task(done.id)).status).toBe(200);
    expect(await taskList()).toEqual(expect.arrayContaining([done.id, pending.id]));

    await untilEnded(done.id);
    const gone = await task(done.id);
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual({ class: "Client::NotFound", message: `The requested object (id = ${done.id}) does not exist` });
    expect(await taskList()).toEqual([pending.id]);
    expect((await subscription(basic.id)).quantity).toBe(basic.quantity + 1);

    variants.sim.admin.finishTask(ACME, pending.id, "cancelled");
    expect((await task(pending.id)).status).toBe(404);
    variants.sim.admin.addTaskFault({ outcome: "error", count: 1 });
    const failing = await ovhOk<OfficeTask>(variants.sim, { method: "POST", path: `${base}/subscription/${basic.id}/changeQuantity`, body: { quantity: basic.quantity + 2 } });
    expect((await untilEnded(failing.id)).status).toBe("error");
    expect((await task(failing.id)).status).toBe(404);
    expect(await taskList()).toEqual([]);
    // The admin API still sees every task.
    expect(variants.sim.admin.tasks(ACME).map((t) => t.id)).toEqual(expect.arrayContaining([done.id, pending.id, failing.id]));
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
    const running = variants.sim.admin.startTask(ACME, { function: "changeQuantity", subscriptionId: target.id, quantity: target.quantity + 1, outcome: "stuck" });
    for (const request of changesWhilePending(target.id, target.quantity)) {
      const answer = await ovhCall(variants.sim, request);
      expect(answer.status).toBe(409);
      expect(answer.body).toMatchObject({ class: "Client::Conflict", details: { taskId: String(running.id) } });
      expect(message(answer)).toContain(`id ${running.id}`);
    }
  });

  it.each([
    [400, "Client::BadRequest"],
    [403, "Client::Forbidden"],
  ] as const)("%i: %s that does not name the task, and no details", async (status, errorClass) => {
    variants.sim.admin.setSettings({ pendingTaskRefusal: status });
    const target = acmeSubscription("Microsoft 365 Business Basic");
    const running = variants.sim.admin.startTask(ACME, { function: "changeQuantity", subscriptionId: target.id, quantity: target.quantity + 1, outcome: "stuck" });
    for (const request of changesWhilePending(target.id, target.quantity)) {
      const answer = await ovhCall(variants.sim, request);
      expect(answer.status).toBe(status);
      expect(answer.body).toEqual({ class: errorClass, message: "An operation is already in progress on this subscription, please try again later" });
      expect(answer.text).not.toContain(String(running.id));
    }
    // The subscription itself tells why: its taskPendingId.
    expect((await subscription(target.id)).taskPendingId).toBe(running.id);
  });
});

describe("seatDecreaseRefusal", () => {
  it("immediate (default): a decrease outside Microsoft's window is refused at once with 403", async () => {
    const basic = acmeSubscription("Microsoft 365 Business Basic");
    const answer = await ovhCall(variants.sim, { method: "POST", path: `${base}/subscription/${basic.id}/changeQuantity`, body: { quantity: basic.quantity - 1 } });
    expect(answer.status).toBe(403);
    expect(answer.body).toMatchObject({ class: "Client::Forbidden" });
    expect(message(answer)).toContain("within 168 hours");
    expect(variants.sim.admin.tasks(ACME).filter((t) => t.subscriptionId === basic.id)).toEqual([]);
  });

  it("taskError: the decrease is accepted as a task that ends in error, seats unchanged; a decrease inside the window still succeeds", async () => {
    variants.sim.admin.setSettings({ seatDecreaseRefusal: "taskError" });
    const basic = acmeSubscription("Microsoft 365 Business Basic");
    const started = await ovhOk<OfficeTask>(variants.sim, { method: "POST", path: `${base}/subscription/${basic.id}/changeQuantity`, body: { quantity: basic.quantity - 1 } });
    expect(started).toMatchObject({ function: "changeQuantity", status: "todo", finishDate: null });
    expect((await subscription(basic.id)).taskPendingId).toBe(started.id);
    expect((await untilEnded(started.id)).status).toBe("error");
    expect((await ovhOk<OfficeTask>(variants.sim, { path: `${base}/task/${started.id}` })).status).toBe("error");
    expect(await subscription(basic.id)).toMatchObject({ quantity: basic.quantity, taskPendingId: 0 });

    const increase = await ovhOk<OfficeTask>(variants.sim, { method: "POST", path: `${base}/subscription/${basic.id}/changeQuantity`, body: { quantity: basic.quantity + 2 } });
    await untilEnded(increase.id);
    const decrease = await ovhOk<OfficeTask>(variants.sim, { method: "POST", path: `${base}/subscription/${basic.id}/changeQuantity`, body: { quantity: basic.quantity + 1 } });
    expect((await untilEnded(decrease.id)).status).toBe("done");
    expect((await subscription(basic.id)).quantity).toBe(basic.quantity + 1);
  });
});
