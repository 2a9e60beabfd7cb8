import { destroy, up, dynamicResourceType } from "../../pulumi-host";
import type { RunningSimulator } from "../../simulator";
import type { ProviderHarness } from "../support/provider-harness";
import { openResourceStack, type ResourceStack } from "../support/resource-stack";

const SUBSCRIPTION = dynamicResourceType("Subscription", "ovh-office365");
const GROUPS = 10;
const PER_GROUP = 5;
const MAX_CONCURRENT = 8;
const MAX_PER_SECOND = 40;
let stack: ResourceStack;
let simulator: RunningSimulator;
let harness: ProviderHarness;

/** The simulator and a provider host whose stack config caps request concurrency and rate. */
beforeAll(async () => {
  stack = await openResourceStack("reliability-concurrency", {
    taskDurationMs: 100,
    config: { "ovh-office365:maxConcurrentRequests": String(MAX_CONCURRENT), "ovh-office365:maxRequestsPerSecond": String(MAX_PER_SECOND) },
  });
  ({ simulator, harness } = stack);
});
afterAll(async () => stack?.close());

function declaredSubscriptions(): Array<{ name: string; serviceName: string; license: string }> {
  const declared: Array<{ name: string; serviceName: string; license: string }> = [];
  for (let g = 0; g < GROUPS; g++) {
    const serviceName = simulator.admin.addLicenceGroup();
    const free = simulator.admin.licences().filter((l) => l.licenceType !== "ADDON" && l.newSubscriptionsAllowed && l.newSeatsAllowed);
    if (free.length < PER_GROUP) throw new Error(`the seeded catalogue offers ${free.length} free licences, the test needs ${PER_GROUP}`);
    free.slice(0, PER_GROUP).forEach((l, i) => declared.push({ name: `g${g}-s${i}`, serviceName, license: l.name }));
  }
  return declared;
}

it(`creates, updates and destroys ${GROUPS * PER_GROUP} subscriptions in ${GROUPS} groups at once within the configured concurrency and rate`, async () => {
  const host = harness.host;
  const providerText = harness.providers.subscriptionProvider;
  const declared = declaredSubscriptions();
  simulator.admin.addFault({ kind: "latency", delayMs: 20 });
  // OVH's own rate limit, a little above the configured one: a client that keeps to its rate never meets it.
  simulator.admin.addFault({ kind: "rateLimit", requestsPerSecond: MAX_PER_SECOND + 5, retryAfterSeconds: 1 });

  const created = await Promise.all(
    declared.map((d) => up(host, host.makeUrn(SUBSCRIPTION, d.name), { inputs: { serviceName: d.serviceName, license: d.license, seats: 2 }, providerText })),
  );
  expect(created.map((c) => [c.step, c.state.outputs.seats])).toEqual(declared.map(() => ["create", 2]));
  const updated = await Promise.all(
    declared.map((d, i) =>
      up(host, host.makeUrn(SUBSCRIPTION, d.name), { inputs: { serviceName: d.serviceName, license: d.license, seats: 3 }, providerText, previous: created[i].state }),
    ),
  );
  for (const d of declared) {
    expect(simulator.admin.subscriptions(d.serviceName).filter((s) => s.licenseName === d.license).map((s) => s.quantity)).toEqual([3]);
  }
  expect(updated.map((u) => u.step)).toEqual(declared.map(() => "update"));

  await Promise.all(updated.map((u) => destroy(host, u.state)));
  for (const d of declared) expect(simulator.admin.subscriptions(d.serviceName).filter((s) => s.licenseName === d.license)).toEqual([]);

  const figures = simulator.requestLog.figures();
  console.log(`concurrency: subscriptions ${declared.length}, requests ${figures.requests}, max in flight ${simulator.requestLog.maxConcurrent()}, max started in 1 s ${simulator.requestLog.maxStartedInWindow(1000)}, 429s ${figures.byStatus["429"] ?? 0}`);
  expect(simulator.requestLog.maxConcurrent()).toBeLessThanOrEqual(MAX_CONCURRENT);
  // The simulator stamps requests on arrival, in a process sharing two cores with the host: a pause of its event loop
  // bunches arrivals. The client keeps 50 ms of slack (N starts per 1,050 ms); 50 ms more are allowed for that here.
  expect(simulator.requestLog.maxStartedInWindow(950)).toBeLessThanOrEqual(MAX_PER_SECOND);
  expect(figures.byStatus["429"] ?? 0).toBe(0);
});
