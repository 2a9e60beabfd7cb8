import { destroy, refresh, up, type ResourceState, type PropertyMap } from "../../../pulumi-host";
import { isTerminalStatus } from "../../../provider/resources/subscription-rules";
import type { AdminTask, SimulatorSettings } from "../../../simulator";
import type { ResourceStack } from "../../support/resource-stack";
import { waitFor } from "../../support/wait-for";

/**
 * One Subscription's whole life through the real provider host, under one set of the simulator's variants of what
 * OVH does not publish: create, update, an update racing a control-panel task, a decrease Microsoft refuses, an
 * out-of-band delete, host kills mid-operation, delete. After each step: at most one order per declared
 * subscription, the live seats equal to the declared ones after a clean run, and no mutating call after a refusal
 * that needs a person.
 */

export type Variant = Partial<SimulatorSettings>;

export interface ScenarioFigures {
  cases: number;
  orders: number;
  ordersExpected: number;
  seatsLost: number;
}

export function emptyFigures(): ScenarioFigures {
  return { cases: 0, orders: 0, ordersExpected: 0, seatsLost: 0 };
}

export interface ScenarioOptions {
  /** Also kill the host mid-create, mid-update and mid-delete (slower: three host restarts). */
  kills: boolean;
  /** Also delete the subscription out of band and let a refresh and an up order it again. */
  outOfBandDelete: boolean;
}

export function describeVariant(variant: Variant): string {
  const entries = Object.entries(variant);
  return entries.length === 0 ? "defaults" : entries.map(([key, value]) => `${key}=${value}`).join(" ");
}

/** Runs the scenario in a new licence group of the stack's simulator, with `variant` set for its whole length. */
export async function runLifecycle(stack: ResourceStack, variant: Variant, options: ScenarioOptions, figures: ScenarioFigures): Promise<void> {
  const { admin, requestLog } = stack.simulator;
  const defaults = admin.settings();
  admin.setSettings(variant);
  try {
    const serviceName = admin.addLicenceGroup({ tenant: { mpnId: "5123456" } });
    const [license, second] = admin.licences().filter((l) => l.licenceType !== "ADDON" && l.newSubscriptionsAllowed && l.newSeatsAllowed);
    const group = `/saas/csp2/${serviceName}`;
    const host = () => stack.harness.host;
    const providerText = () => stack.subscription.providerText;
    const urn = (name: string) => host().makeUrn(stack.subscription.type, name);
    const inputs = (seats: number, name = license.name): PropertyMap => ({ serviceName, license: name, seats });
    const orders = () => requestLog.entries({ method: "POST", apiPath: `${group}/subscription` }).filter((e) => e.status === 200).length;
    // The simulator shows a subscription in use as "ok"; a deleted one that lingers shows the variant's status.
    const inUse = (name = license.name) => admin.subscriptions(serviceName).filter((s) => s.licenseName === name && s.status === "ok");
    const liveSeats = (name = license.name) => inUse(name).map((s) => s.quantity);
    let ordersExpected = 0;
    const check = (step: string, declared: number[], name = license.name) => {
      figures.cases += 1;
      if (JSON.stringify(liveSeats(name)) !== JSON.stringify(declared)) figures.seatsLost += 1;
      expect({ step, seats: liveSeats(name) }).toEqual({ step, seats: declared });
      expect({ step, orders: orders() }).toEqual({ step, orders: ordersExpected });
    };
    const lingersUnknown = () => admin.settings().deletedSubscriptions === "linger" && !isTerminalStatus(admin.settings().deletedSubscriptionStatus);
    const changeQuantityCalls = (id: unknown) => requestLog.entries({ method: "POST", apiPath: `${group}/subscription/${id}/changeQuantity` });

    let state = (await up(host(), urn("life"), { inputs: inputs(4), providerText: providerText() })).state;
    ordersExpected += 1;
    check("create", [4]);
    state = (await up(host(), urn("life"), { inputs: inputs(6), providerText: providerText(), previous: state })).state;
    check("update", [6]);

    // A control-panel change starts while the provider's own is on its way: OVH refuses the provider's.
    const id = state.outputs.subscriptionId as number;
    const before = changeQuantityCalls(id).length;
    const change = `${group}/subscription/${id}/changeQuantity`;
    const held = admin.addFault({ kind: "latency", delayMs: 400, method: "POST", path: change, count: 1 });
    const racing = up(host(), urn("life"), { inputs: inputs(9), providerText: providerText(), previous: state });
    await waitFor(() => !admin.faults().some((f) => f.id === held), 10_000, "the seat change request");
    admin.startTask(serviceName, { function: "changeQuantity", subscriptionId: id, quantity: 7, durationMs: 600 });
    state = (await racing).state;
    expect(changeQuantityCalls(id).slice(before).map((e) => e.status)).toEqual([admin.settings().pendingTaskRefusal, 200]);
    check("update racing a control-panel task", [9]);

    // Outside Microsoft's decrease window: refused once, with advice, and nothing more is sent in that run.
    admin.ageSubscription(serviceName, id, 400);
    const callsBeforeDecrease = changeQuantityCalls(id).length;
    await expect(up(host(), urn("life"), { inputs: inputs(5), providerText: providerText(), previous: state })).rejects.toThrow(
      /Microsoft (only accepts|refused it)[\s\S]*set seats: 9/,
    );
    expect(changeQuantityCalls(id).length).toBe(callsBeforeDecrease + 1);
    await waitFor(() => inUse().every((s) => s.taskPendingId === 0), 10_000, "the refused decrease's task to end");
    check("decrease outside the window", [9]);
    // The clean run: the declared seats back to the live ones, no change.
    expect((await up(host(), urn("life"), { inputs: inputs(9), providerText: providerText(), previous: state })).step).toBe("same");

    if (options.outOfBandDelete) {
      admin.deleteSubscription(serviceName, id);
      let refreshed = await refresh(host(), state);
      if (lingersUnknown()) {
        // An unknown status counts as existing until OVH stops listing the subscription.
        expect(refreshed?.outputs.status).toBe(admin.settings().deletedSubscriptionStatus);
        await waitFor(() => admin.subscriptions(serviceName).every((s) => s.id !== id), 15_000, "the deleted subscription to leave the list");
        // A later `pulumi refresh` is a new run: a new host, which has listed nothing yet.
        await stack.harness.restart();
        refreshed = await refresh(host(), refreshed!);
      }
      expect(refreshed).toBeUndefined();
      state = (await up(host(), urn("life"), { inputs: inputs(9), providerText: providerText() })).state;
      ordersExpected += 1;
      check("out-of-band delete, refresh, up", [9]);
    }

    if (options.kills) {
      const killed = await killMidOperation(stack, serviceName, "addSubscription", () => up(host(), urn("killed"), { inputs: inputs(3, second.name), providerText: providerText() }));
      ordersExpected += 1;
      check("create killed mid-task, run again", [3], second.name);
      const killedState = (killed as { state: ResourceState }).state;
      const updateCalls = changeQuantityCalls(killedState.outputs.subscriptionId).length;
      await killMidOperation(stack, serviceName, "changeQuantity", () =>
        up(host(), urn("killed"), { inputs: inputs(5, second.name), providerText: providerText(), previous: killedState }),
      );
      expect(changeQuantityCalls(killedState.outputs.subscriptionId).length).toBe(updateCalls + 1);
      check("update killed mid-task, run again", [5], second.name);
      // Deletions OVH accepted (under an unknown status the re-run's own try is refused, which deletes nothing).
      const deletes = () =>
        requestLog.entries({ method: "DELETE", apiPath: `${group}/subscription/${killedState.outputs.subscriptionId}` }).filter((e) => e.status === 200).length;
      await killMidOperation(stack, serviceName, "deleteSubscription", () => destroy(host(), killedState), async (rerun) => {
        if (!lingersUnknown()) return rerun();
        // Deleted, but listed under a status the provider does not know: it says so and deletes nothing more.
        await expect(rerun()).rejects.toThrow(/Nothing was deleted\. OVH lists the subscription with status "inactive" and no task/);
        const killedId = killedState.outputs.subscriptionId;
        await waitFor(() => admin.subscriptions(serviceName).every((s) => s.id !== killedId), 15_000, "the deleted subscription to leave the list");
        return rerun();
      });
      expect(deletes()).toBe(1);
      check("delete killed mid-task, run again", [], second.name);
    }

    await destroy(host(), state);
    check("delete", []);
    figures.orders += orders();
    figures.ordersExpected += ordersExpected;
  } finally {
    admin.clearFaults();
    admin.clearTaskFaults();
    admin.setSettings(defaults);
  }
}

/**
 * Makes the operation's task stick, kills the host once OVH has it (SIGKILL, as a crash would), ends the task, and runs
 * the operation again on a new host; returns what the second run returned.
 */
async function killMidOperation<T>(
  stack: ResourceStack,
  serviceName: string,
  fn: AdminTask["function"],
  operation: () => Promise<T>,
  runAgain: (rerun: () => Promise<T>) => Promise<T> = (rerun) => rerun(),
): Promise<T> {
  const { admin } = stack.simulator;
  admin.addTaskFault({ outcome: "stuck", function: fn, serviceName, count: 1 });
  const interrupted = operation();
  interrupted.catch(() => undefined);
  const task = await waitFor(() => admin.tasks(serviceName).find((t) => t.function === fn && t.endDate === null && t.status !== "done"), 15_000, `a ${fn} task`);
  await stack.harness.restart();
  await expect(interrupted).rejects.toThrow(/SIGKILL|exited/);
  admin.finishTask(serviceName, task.id, "done");
  return runAgain(operation);
}
