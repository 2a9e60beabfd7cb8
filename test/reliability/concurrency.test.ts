import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { destroy, up, dynamicResourceType } from "../../pulumi-host";
import { RATE_WINDOW_MS } from "../../provider/ovh/throttle";
import type { RunningSimulator } from "../../simulator";
import type { ProviderHarness } from "../support/provider-harness";
import { maxInAnyWindow, readSendLog, sendLogEnvironment } from "../support/request-sends";
import { openResourceStack, type ResourceStack } from "../support/resource-stack";

const SUBSCRIPTION = dynamicResourceType("Subscription", "ovh-office365");
const GROUPS = 10;
const PER_GROUP = 5;
const MAX_CONCURRENT = 8;
const MAX_PER_SECOND = 40;
let stack: ResourceStack;
let simulator: RunningSimulator;
let harness: ProviderHarness;
const sendLogDir = mkdtempSync(join(tmpdir(), "ovh-concurrency-"));
const sendLog = join(sendLogDir, "sends.log");

/** The simulator and a provider host whose stack config caps request concurrency and rate, logging when it sends each request. */
beforeAll(async () => {
  stack = await openResourceStack("reliability-concurrency", {
    taskDurationMs: 100,
    config: { "ovh-office365:maxConcurrentRequests": String(MAX_CONCURRENT), "ovh-office365:maxRequestsPerSecond": String(MAX_PER_SECOND) },
    env: sendLogEnvironment(sendLog),
  });
  ({ simulator, harness } = stack);
});
afterAll(async () => {
  await stack?.close();
  rmSync(sendLogDir, { recursive: true, force: true });
});

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
  // OVH's own rate limit, a little above the configured one, counted on arrival as OVH counts: should arrivals bunch
  // (see below), the client must take the 429s in its stride.
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
  const sends = readSendLog(sendLog, new URL(simulator.endpoint).host);
  const sentPerSecond = maxInAnyWindow(sends, RATE_WINDOW_MS);
  console.log(
    `concurrency: subscriptions ${declared.length}, requests ${figures.requests} (sent ${sends.length}), max in flight ${simulator.requestLog.maxConcurrent()}, ` +
      `max sent in 1 s ${sentPerSecond}, max arrived in 1 s ${simulator.requestLog.maxStartedInWindow(1000)}, 429s ${figures.byStatus["429"] ?? 0}`,
  );
  // A request ends at the simulator before its answer reaches the host, so the simulator's count of requests in flight
  // cannot run ahead of the client's.
  expect(simulator.requestLog.maxConcurrent()).toBeLessThanOrEqual(MAX_CONCURRENT);
  // The rate is counted where the host sends, not where the simulator stamps arrivals: the simulator shares this
  // process and two cores with the host, and a pause of its event loop stamps the requests that arrived meanwhile
  // late, bunching them (41 in 950 ms was seen, for 40 sent per second).
  expect(sends.length).toBe(figures.requests);
  expect(sentPerSecond).toBeLessThanOrEqual(MAX_PER_SECOND);
  // The limit was reached, not merely respected by a light load.
  expect(sentPerSecond).toBe(MAX_PER_SECOND);
});
