import { up, type ResourceState } from "../../provider/cli/engine-steps";
import type { FaultRule } from "../../simulator/faults";
import { openResourceStack, type ResourceStack } from "../support/resource-stack";

const SUBSCRIPTION = "pulumi-nodejs:dynamic/ovh-office365:Subscription";
let stack: ResourceStack;
const figures = { tried: 0, converged: 0, duplicates: 0 };

beforeAll(async () => {
  stack = await openResourceStack("reliability-faults", { taskDurationMs: 50 });
});
afterAll(async () => {
  console.log(`faults: cases tried ${figures.tried}, converged ${figures.converged}, duplicates ${figures.duplicates}`);
  await stack?.close();
});

function freeLicenceName(serviceName: string): string {
  const subscribed = new Set(stack.simulator.admin.subscriptions(serviceName).map((s) => s.licenseId));
  const licence = stack.simulator.admin
    .licences()
    .find((l) => l.licenceType !== "ADDON" && l.newSubscriptionsAllowed && l.newSeatsAllowed && !subscribed.has(l.id));
  if (!licence) throw new Error("the seeded catalogue has no free licence left for this test");
  return licence.name;
}

const requestFault = (rule: FaultRule) => () => void stack.simulator.admin.addFault(rule);
const clockSkew = (seconds: number) => () => stack.simulator.admin.setClockSkew(seconds);

const cases: Array<[string, () => void]> = [
  ["5xx burst on GETs", requestFault({ kind: "httpError", status: 503, method: "GET", count: 3 })],
  ["429 with Retry-After", requestFault({ kind: "httpError", status: 429, retryAfterSeconds: 1, count: 2 })],
  ["429 without Retry-After", requestFault({ kind: "httpError", status: 429, count: 2 })],
  ["connection resets", requestFault({ kind: "reset", count: 2 })],
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
    const license = freeLicenceName(serviceName);
    const inputs = { serviceName, license, seats: 4 };
    const urn = host.makeUrn(SUBSCRIPTION, `fault-${figures.tried}`);
    const providerText = stack.harness.providers.subscriptionProvider;

    injectFault();
    let state: ResourceState | undefined;
    try {
      state = (await up(host, urn, { inputs, providerText })).state;
    } catch (error) {
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toMatch(/\w{3,}/);
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
