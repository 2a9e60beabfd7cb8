import { destroy, preview, refresh, up, type ResourceState, dynamicResourceType } from "../../pulumi-host";
import { openResourceStack, type ResourceStack } from "../support/resource-stack";
import { waitFor } from "../support/wait-for";

const SUBSCRIPTION = dynamicResourceType("Subscription", "ovh-office365");
let stack: ResourceStack;
let serviceName: string;

beforeAll(async () => {
  stack = await openResourceStack("subscription-host");
  serviceName = stack.simulator.admin.licenceGroups()[0];
});
afterAll(async () => stack?.close());

const host = () => stack.harness.host;
const provider = () => stack.harness.providers.subscriptionProvider;
const urn = (name: string) => host().makeUrn(SUBSCRIPTION, name);
const liveSubscriptions = (licenseName: string) =>
  stack.simulator.admin.subscriptions(serviceName).filter((s) => s.licenseName === licenseName);

/** A licence the group offers, has no subscription for yet, and accepts new subscriptions of. */
function freeLicense(excluding: string[] = []): { id: number; name: string; limit: number | null } {
  const used = new Set(stack.simulator.admin.subscriptions(serviceName).map((s) => s.licenseId));
  const license = stack.simulator.admin
    .licences()
    .find((l) => l.licenceType !== "ADDON" && l.newSubscriptionsAllowed && l.newSeatsAllowed && !used.has(l.id) && !excluding.includes(l.name));
  if (!license) throw new Error("the seeded catalogue has no free licence left for this test");
  return { id: license.id, name: license.name, limit: license.limit };
}

describe("Subscription through the real provider host", () => {
  it("creates, reads, updates, sees drift, converges, survives an out-of-band delete, and deletes", async () => {
    const license = freeLicense();
    const inputs = { serviceName, license: license.name, seats: 5 };
    let state: ResourceState = (await up(host(), urn("lifecycle"), { inputs, providerText: provider() })).state;
    expect(state.id).toMatch(new RegExp(`^${serviceName}/\\d+$`));
    expect(state.outputs).toMatchObject({ serviceName, license: license.name, licenseName: license.name, seats: 5, adopted: false, pendingTasks: [] });
    expect(liveSubscriptions(license.name).map((s) => s.quantity)).toEqual([5]);

    state = (await refresh(host(), state))!;
    expect(state.inputs).toMatchObject({ serviceName, license: license.name, seats: 5 });
    expect(await preview(host(), state, { inputs, providerText: provider() })).toEqual({ changes: false, replaces: [] });

    const raised = await up(host(), urn("lifecycle"), { inputs: { ...inputs, seats: 8 }, providerText: provider(), previous: state });
    expect(raised.step).toBe("update");
    expect(raised.state.outputs.seats).toBe(8);
    expect(liveSubscriptions(license.name)[0].quantity).toBe(8);
    state = raised.state;

    // A person changes the seats in the control panel: refresh reports the live count as the input.
    const subscriptionId = state.outputs.subscriptionId as number;
    stack.simulator.admin.setSeats(serviceName, subscriptionId, 12);
    state = (await refresh(host(), state))!;
    expect(state.inputs.seats).toBe(12);
    expect(state.outputs.seats).toBe(12);
    expect(await preview(host(), state, { inputs: { ...inputs, seats: 8 }, providerText: provider() })).toEqual({ changes: true, replaces: [] });
    const converged = await up(host(), urn("lifecycle"), { inputs: { ...inputs, seats: 8 }, providerText: provider(), previous: state });
    expect(converged.state.outputs.seats).toBe(8);
    expect(liveSubscriptions(license.name)[0].quantity).toBe(8);

    // Deleted out of band: refresh drops it, the next up orders it again.
    stack.simulator.admin.deleteSubscription(serviceName, subscriptionId);
    expect(await refresh(host(), converged.state)).toBeUndefined();
    const recreated = await up(host(), urn("lifecycle"), { inputs, providerText: provider() });
    expect(recreated.step).toBe("create");
    expect(recreated.state.outputs.subscriptionId).not.toBe(subscriptionId);
    expect(liveSubscriptions(license.name).map((s) => s.quantity)).toEqual([5]);

    await destroy(host(), recreated.state);
    expect(liveSubscriptions(license.name)).toEqual([]);
    // Deleting what is already gone is not an error.
    await destroy(host(), recreated.state);
  });

  it("shows a pending task in read and diff, and the update waits for it", async () => {
    const license = freeLicense();
    const inputs = { serviceName, license: license.name, seats: 3 };
    const created = (await up(host(), urn("pending"), { inputs, providerText: provider() })).state;
    const subscriptionId = created.outputs.subscriptionId as number;
    const task = stack.simulator.admin.startTask(serviceName, { function: "changeQuantity", subscriptionId, quantity: 4, durationMs: 2500 });

    const refreshed = (await refresh(host(), created))!;
    expect(refreshed.outputs.taskPendingId).toBe(task.id);
    expect(refreshed.outputs.pendingTasks).toEqual([expect.objectContaining({ id: task.id, function: "changeQuantity" })]);
    expect(await preview(host(), refreshed, { inputs, providerText: provider() })).toEqual({ changes: true, replaces: [] });

    const updated = await up(host(), urn("pending"), { inputs, providerText: provider(), previous: refreshed });
    expect(updated.step).toBe("update");
    // The other task ran to its end (4 seats), then the declared 3 seats were restored.
    expect(stack.simulator.admin.tasks(serviceName).find((t) => t.id === task.id)?.status).toBe("done");
    expect(updated.state.outputs).toMatchObject({ seats: 3, taskPendingId: 0, pendingTasks: [] });
    await expect(host().waitForOutput(`OVH task ${task.id} is pending`, 10_000)).resolves.toBeDefined();
    await destroy(host(), updated.state);
  });

  it("an update waiting on a pending deletion says the subscription is gone and how to go on", async () => {
    const license = freeLicense();
    const inputs = { serviceName, license: license.name, seats: 3 };
    const created = (await up(host(), urn("deleted-meanwhile"), { inputs, providerText: provider() })).state;
    const subscriptionId = created.outputs.subscriptionId as number;
    stack.simulator.admin.startTask(serviceName, { function: "deleteSubscription", subscriptionId, durationMs: 1000 });

    const mutatingBefore = stack.simulator.requestLog.mutatingRequests().length;
    await expect(up(host(), urn("deleted-meanwhile"), { inputs: { ...inputs, seats: 4 }, providerText: provider(), previous: created })).rejects.toThrow(
      /the subscription was deleted at OVH .*Run `pulumi refresh` to drop it from the state, then `pulumi up` orders it again/,
    );
    expect(stack.simulator.requestLog.mutatingRequests().length).toBe(mutatingBefore);
    expect(await refresh(host(), created)).toBeUndefined();
  });

  it("does not order twice when the host dies after the order was sent", async () => {
    const license = freeLicense();
    stack.simulator.admin.setSettings({ taskDurationMs: 2000 });
    const inputs = { serviceName, license: license.name, seats: 6 };
    const ordersBefore = stack.simulator.requestLog.entries({ method: "POST", apiPath: `/saas/csp2/${serviceName}/subscription` }).length;
    const interrupted = up(host(), urn("crash"), { inputs, providerText: provider() });
    await waitFor(() => stack.simulator.requestLog.entries({ method: "POST", apiPath: `/saas/csp2/${serviceName}/subscription` }).length > ordersBefore);
    await stack.harness.restart();
    await expect(interrupted).rejects.toThrow(/SIGKILL|exited/);

    const rerun = await up(host(), urn("crash"), { inputs, providerText: provider() });
    stack.simulator.admin.setSettings({ taskDurationMs: 300 });
    expect(liveSubscriptions(license.name).map((s) => s.id)).toEqual([rerun.state.outputs.subscriptionId]);
    expect(stack.simulator.requestLog.entries({ method: "POST", apiPath: `/saas/csp2/${serviceName}/subscription` }).length).toBe(ordersBefore + 1);
    // `pulumi destroy` is a run of its own: a new host.
    await stack.harness.restart();
    await destroy(host(), rerun.state);
  });

  it("adopts an existing subscription by subscriptionId and refuses to order a duplicate", async () => {
    const existing = stack.simulator.admin.subscriptions(serviceName)[0];
    const adopted = await up(host(), urn("adopted"), {
      inputs: { serviceName, subscriptionId: existing.id, seats: existing.quantity },
      providerText: provider(),
    });
    expect(adopted.state.outputs).toMatchObject({ adopted: true, subscriptionId: existing.id, licenseName: existing.licenseName });
    expect(adopted.state.id).toBe(`${serviceName}/${existing.id}`);

    const mutatingBefore = stack.simulator.requestLog.mutatingRequests().length;
    await expect(
      up(host(), urn("duplicate"), { inputs: { serviceName, license: existing.licenseName, seats: existing.quantity + 1 }, providerText: provider() }),
    ).rejects.toThrow(`set subscriptionId: ${existing.id}`);
    expect(stack.simulator.requestLog.mutatingRequests().length).toBe(mutatingBefore);
  });

  it("replaces on a licence change, and refuses a licence over its limit before any order", async () => {
    const first = freeLicense();
    const created = (await up(host(), urn("swap"), { inputs: { serviceName, license: first.name, seats: 2 }, providerText: provider() })).state;
    const second = freeLicense([first.name]);
    const swapped = await up(host(), urn("swap"), { inputs: { serviceName, license: second.name, seats: 2 }, providerText: provider(), previous: created });
    expect(swapped.step).toBe("replace");
    expect(swapped.replaces).toEqual(["license"]);
    expect(liveSubscriptions(first.name)).toEqual([]);
    expect(liveSubscriptions(second.name).map((s) => s.quantity)).toEqual([2]);
    await destroy(host(), swapped.state);

    const limited = stack.simulator.admin.licences().find((l) => l.limit !== null && l.newSubscriptionsAllowed && l.licenceType !== "ADDON")!;
    const mutatingBefore = stack.simulator.requestLog.mutatingRequests().length;
    await expect(
      up(host(), urn("over-limit"), { inputs: { serviceName, license: limited.name, seats: limited.limit! + 1 }, providerText: provider() }),
    ).rejects.toThrow(/limit/);
    expect(stack.simulator.requestLog.mutatingRequests().length).toBe(mutatingBefore);
  });

  it("rejects bad inputs in check, naming the field, with no call to OVH", async () => {
    const requestsBefore = stack.simulator.requestLog.entries().length;
    await expect(up(host(), urn("bad"), { inputs: { serviceName: "a/b", license: "x", seats: 2.5 }, providerText: provider() })).rejects.toThrow(
      /serviceName: .*no "\/"[\s\S]*seats: must be a whole number/,
    );
    expect(stack.simulator.requestLog.entries().length).toBe(requestsBefore);
  });
});
