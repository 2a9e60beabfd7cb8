import { up, type ResourceState, dynamicResourceType } from "../../pulumi-host";
import type { FaultRule } from "../../simulator/faults";
import { openResourceStack, type ResourceStack } from "../support/resource-stack";
import { waitFor } from "../support/wait-for";

const SUBSCRIPTION = dynamicResourceType("Subscription", "ovh-office365");
const CLIENT_TIMEOUT_MS = 1000;
let stack: ResourceStack;
const figures = { tried: 0, succeededFirstTime: 0, failedWithAnError: 0, converged: 0, duplicates: 0 };

beforeAll(async () => {
  // A 1 s client timeout, so a latency spike of a few seconds goes past it.
  stack = await openResourceStack("reliability-faults", { taskDurationMs: 50, env: { OVH_REQUEST_TIMEOUT_MS: String(CLIENT_TIMEOUT_MS) } });
});
afterAll(async () => {
  console.log(
    `faults: cases tried ${figures.tried}, succeeded first time ${figures.succeededFirstTime}, ` +
      `failed with an error first ${figures.failedWithAnError}, converged ${figures.converged}, duplicates ${figures.duplicates}`,
  );
  await stack?.close();
});

function freeLicenseName(serviceName: string): string {
  const subscribed = new Set(stack.simulator.admin.subscriptions(serviceName).map((s) => s.licenseId));
  const license = stack.simulator.admin
    .licences()
    .find((l) => l.licenceType !== "ADDON" && l.newSubscriptionsAllowed && l.newSeatsAllowed && !subscribed.has(l.id));
  if (!license) throw new Error("the seeded catalogue has no free licence left for this test");
  return license.name;
}

const requestFault = (rule: FaultRule) => () => void stack.simulator.admin.addFault(rule);
const clockSkew = (seconds: number) => () => stack.simulator.admin.setClockSkew(seconds);

const cases: Array<[string, () => void]> = [
  ["5xx burst on GETs", requestFault({ kind: "httpError", status: 503, method: "GET", count: 3 })],
  ["429 with Retry-After", requestFault({ kind: "httpError", status: 429, retryAfterSeconds: 1, count: 2 })],
  ["429 without Retry-After", requestFault({ kind: "httpError", status: 429, count: 2 })],
  ["connection resets", requestFault({ kind: "reset", count: 2 })],
  ["latency past the client timeout on reads", requestFault({ kind: "latency", delayMs: CLIENT_TIMEOUT_MS * 2.5, method: "GET", count: 2 })],
  // OVH carries out the order after the client gave up on it: the provider must find it, not order again.
  [
    "latency past the client timeout on the order",
    requestFault({ kind: "latency", delayMs: CLIENT_TIMEOUT_MS * 2.5, method: "POST", path: "/saas/csp2/*/subscription", count: 1 }),
  ],
  ["clock skew +10 minutes", clockSkew(600)],
  ["clock skew -10 minutes", clockSkew(-600)],
  ["a task ending in error", () => void stack.simulator.admin.addTaskFault({ outcome: "error", count: 1 })],
];

describe("faults through the real provider host", () => {
  it.each(cases)("%s: succeeds or fails clearly, then a re-run converges with one subscription", async (_name, injectFault) => {
    figures.tried++;
    const host = stack.harness.host;
    // Each case gets its own licence group so the cases never compete for licences.
    const serviceName = stack.simulator.admin.addLicenceGroup();
    const license = freeLicenseName(serviceName);
    const inputs = { serviceName, license, seats: 4 };
    const urn = host.makeUrn(SUBSCRIPTION, `fault-${figures.tried}`);
    const providerText = stack.harness.providers.subscriptionProvider;

    injectFault();
    let state: ResourceState | undefined;
    try {
      state = (await up(host, urn, { inputs, providerText })).state;
      figures.succeededFirstTime++;
    } catch (error) {
      figures.failedWithAnError++;
      // A clear error: what failed at OVH, and what to do next.
      expect((error as Error).message).toMatch(/OVH/);
      expect((error as Error).message).toMatch(/run again|re-run/i);
    }
    stack.simulator.admin.clearFaults();
    stack.simulator.admin.clearTaskFaults();
    stack.simulator.admin.setClockSkew(0);

    const rerun = await up(host, urn, { inputs, providerText, previous: state });
    expect(rerun.state.outputs.seats).toBe(4);
    const live = stack.simulator.admin.subscriptions(serviceName).filter((s) => s.licenseName === license);
    if (live.length > 1) figures.duplicates++;
    expect(live.map((s) => s.quantity)).toEqual([4]);
    figures.converged++;
  });
});

describe("OVH refusing a change because a task is pending", () => {
  it("a task started between the provider's read and its seat change: waits for it, then applies the declared seats", async () => {
    figures.tried++;
    const host = stack.harness.host;
    const serviceName = stack.simulator.admin.addLicenceGroup();
    const license = freeLicenseName(serviceName);
    const urn = host.makeUrn(SUBSCRIPTION, "task-pending-race");
    const providerText = stack.harness.providers.subscriptionProvider;
    const created = await up(host, urn, { inputs: { serviceName, license, seats: 4 }, providerText });
    const subscriptionId = created.state.outputs.subscriptionId as number;
    const changeQuantity = { method: "POST", apiPath: `/saas/csp2/${serviceName}/subscription/${subscriptionId}/changeQuantity` };

    // Hold the provider's seat change at OVH's door while someone starts another change in the control panel.
    const held = stack.simulator.admin.addFault({ kind: "latency", delayMs: 500, ...changeQuantity, path: changeQuantity.apiPath, count: 1 });
    const updating = up(host, urn, { inputs: { serviceName, license, seats: 7 }, providerText, previous: created.state });
    await waitFor(() => !stack.simulator.admin.faults().some((f) => f.id === held), 10_000, "the seat change request");
    const other = stack.simulator.admin.startTask(serviceName, { function: "changeQuantity", subscriptionId, quantity: 5, durationMs: 1500 });

    const updated = await updating;
    figures.succeededFirstTime++;
    expect(stack.simulator.requestLog.entries(changeQuantity).map((e) => e.status)).toEqual([409, 200]);
    expect(stack.simulator.admin.tasks(serviceName).find((t) => t.id === other.id)?.status).toBe("done");
    expect(updated.state.outputs).toMatchObject({ seats: 7, pendingTasks: [] });
    expect(stack.simulator.admin.subscriptions(serviceName).filter((s) => s.licenseName === license).map((s) => s.quantity)).toEqual([7]);
    figures.converged++;
  });
});
