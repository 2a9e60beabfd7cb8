/**
 * Benchmark 3, task latency: how long after a CSP2 task ends the provider's `waitForTask` returns, and how many
 * times it polled, for simulated tasks of several durations.
 */
import Table from "cli-table3";
import { waitForTask } from "../provider/csp2";
import { createOvhClient } from "../provider/ovh";
import { startSimulator } from "../simulator";

export interface TaskLatencyMeasurement {
  durationMs: number;
  /** From the task's end (the simulator's endDate) to waitForTask returning. */
  delayMs: number;
  polls: number;
}

export async function runTaskLatency(durationsMs: number[]): Promise<TaskLatencyMeasurement[]> {
  const simulator = await startSimulator({ seed: "demo" });
  try {
    const client = createOvhClient({
      env: {},
      endpoint: simulator.endpoint,
      applicationKey: simulator.credentials.applicationKey,
      applicationSecret: simulator.credentials.applicationSecret,
      consumerKey: simulator.credentials.consumerKey,
    });
    const serviceName = simulator.admin.licenceGroups()[0];
    const subscription = simulator.admin.subscriptions(serviceName).find((s) => s.taskPendingId === 0);
    if (!subscription) throw new Error(`The simulator's group ${serviceName} has no subscription free of tasks to change.`);
    const measurements: TaskLatencyMeasurement[] = [];
    for (const durationMs of durationsMs) {
      const task = simulator.admin.startTask(serviceName, { function: "changeQuantity", subscriptionId: subscription.id, quantity: subscription.quantity + 1, durationMs });
      let polls = 0;
      await waitForTask(client, serviceName, task.id, { onProgress: () => polls++ });
      const returnedAt = Date.now();
      const ended = simulator.admin.tasks(serviceName).find((t) => t.id === task.id)?.endDate;
      if (!ended) throw new Error(`Task ${task.id} has no end date after waitForTask returned: the simulator and the client disagree.`);
      measurements.push({ durationMs, delayMs: returnedAt - Date.parse(ended), polls });
      simulator.admin.setSeats(serviceName, subscription.id, subscription.quantity);
    }
    return measurements;
  } finally {
    await simulator.close();
  }
}

/** Goals from the performance issue. */
export function delayGoalMs(durationMs: number): number {
  return Math.max(1000, 0.25 * durationMs);
}

export function pollGoal(durationMs: number): number {
  return 1 + 3 * Math.log2(durationMs / 1000);
}

export function formatTaskLatency(measurements: TaskLatencyMeasurement[]): string {
  const table = new Table({
    head: ["task", "delay after end", "delay goal", "polls", "poll goal", "result"],
    colAligns: ["right", "right", "right", "right", "right", "left"],
    style: { head: [], border: [] },
  });
  for (const m of measurements) {
    const misses: string[] = [];
    if (m.delayMs > delayGoalMs(m.durationMs)) misses.push(`delay ${m.delayMs - delayGoalMs(m.durationMs)} ms over`);
    if (m.polls > pollGoal(m.durationMs)) misses.push(`${(m.polls - pollGoal(m.durationMs)).toFixed(1)} polls over`);
    table.push([
      `${m.durationMs / 1000} s`, `${m.delayMs} ms`, `≤ ${delayGoalMs(m.durationMs)} ms`, String(m.polls),
      `≤ ${pollGoal(m.durationMs).toFixed(1)}`, misses.length === 0 ? "met" : `missed: ${misses.join("; ")}`,
    ]);
  }
  return [
    "Task latency: csp2.waitForTask against the simulator, one changeQuantity task at a time, default poll schedule",
    table.toString(),
  ].join("\n");
}
