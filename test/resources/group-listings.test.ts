import { createOvhClient, type OvhClient } from "../../provider/ovh";
import { groupChanged, groupPendingTasks, groupSubscriptions, listingMaxAgeMs, readSubscription } from "../../provider/resources/group-listings";
import { startSimulator, type ListMode, type RunningSimulator } from "../../simulator";

/**
 * Reads of one group share one list call when close together, never across a change this process made, and never
 * older than listingMaxAgeMs; without list mode a read costs one GET of its own subscription, never the group.
 */

let sim: RunningSimulator;
let serviceName: string;
let ids: number[];

/** A simulator of its own, so what a client learns of its endpoint (list mode or not) starts afresh. */
function withSimulator(listMode: ListMode): void {
  beforeAll(async () => {
    sim = await startSimulator({ taskDurationMs: 100, listMode });
  });
  afterAll(() => sim.close());
  beforeEach(() => prepare());
}

function client(): OvhClient {
  const { applicationKey, applicationSecret, consumerKey } = sim.credentials;
  return createOvhClient({ endpoint: sim.endpoint, applicationKey, applicationSecret, consumerKey, env: {}, maxRequestsPerSecond: 1000 });
}

function prepare(): void {
  serviceName = sim.admin.addLicenceGroup({
    subscriptions: [
      { license: "Office 365 E1", seats: 3 },
      { license: "Office 365 E3", seats: 4 },
      { license: "Microsoft 365 Business Basic", seats: 5 },
    ],
  });
  ids = sim.admin.subscriptions(serviceName).map((s) => s.id);
  sim.requestLog.clear();
}

const group = () => `/saas/csp2/${serviceName}`;
const listings = () => sim.requestLog.entries({ method: "GET", apiPath: `${group()}/subscription` }).length;
const ownReads = () => sim.requestLog.entries({ method: "GET", apiPath: new RegExp(`^${group()}/subscription/\\d+$`) }).length;

describe("reads with list mode honoured", () => {
  withSimulator("honoured");

  it("share one list call when they arrive together, each getting its own subscription", async () => {
    const read = await Promise.all(ids.map((id) => readSubscription(client(), serviceName, id)));
    expect(read.map((s) => s?.id)).toEqual(ids);
    expect(read.map((s) => s?.quantity)).toEqual([3, 4, 5]);
    expect(listings()).toBe(1);
    expect(ownReads()).toBe(0);
  });

  it("share one list call when they arrive one after the other, within the listing's age", async () => {
    for (const id of ids) expect((await readSubscription(client(), serviceName, id))?.id).toBe(id);
    expect(listings()).toBe(1);
  });

  it("list again after a change this process made to the group ended, and see it", async () => {
    const requester = client();
    await readSubscription(requester, serviceName, ids[0]);
    sim.admin.setSeats(serviceName, ids[0], 9);
    groupChanged(requester, serviceName);
    expect((await readSubscription(requester, serviceName, ids[0]))?.quantity).toBe(9);
    expect(listings()).toBe(2);
  });

  it("list again once a listing is older than listingMaxAgeMs", async () => {
    await readSubscription(client(), serviceName, ids[0]);
    await new Promise((resolve) => setTimeout(resolve, listingMaxAgeMs + 100));
    await readSubscription(client(), serviceName, ids[1]);
    expect(listings()).toBe(2);
  });

  it("read on its own a subscription the listing does not show, and say when OVH no longer has it", async () => {
    const requester = client();
    await readSubscription(requester, serviceName, ids[0]);
    sim.admin.deleteSubscription(serviceName, ids[1]);
    // The listing still shows it (it started before the delete, made outside this process): served from it.
    expect((await readSubscription(requester, serviceName, ids[1]))?.id).toBe(ids[1]);
    groupChanged(requester, serviceName);
    expect(await readSubscription(requester, serviceName, ids[1])).toBeUndefined();
    expect(ownReads()).toBe(1);
  });
});

describe("changes' live reads of the group", () => {
  withSimulator("honoured");
  const taskListings = () => sim.requestLog.entries({ method: "GET", apiPath: `${group()}/task` }).length;

  it("share the listings a window gathers, but never one that started before they asked", async () => {
    const requester = client();
    const together = await Promise.all([groupSubscriptions(requester, serviceName), groupSubscriptions(requester, serviceName), groupPendingTasks(requester, serviceName), groupPendingTasks(requester, serviceName)]);
    expect(together[0].map((s) => s.id)).toEqual(ids);
    expect(listings()).toBe(1);
    expect(taskListings()).toBe(1);
    sim.admin.setSeats(serviceName, ids[2], 7);
    expect((await groupSubscriptions(requester, serviceName)).find((s) => s.id === ids[2])?.quantity).toBe(7);
    expect(listings()).toBe(2);
  });
});

describe("reads with list mode ignored", () => {
  withSimulator("ignored");

  it("cost one GET of their own subscription each, never the whole group, once the endpoint is known", async () => {
    for (const id of ids) expect((await readSubscription(client(), serviceName, id))?.id).toBe(id);
    // The first read finds out, with one listing answered with ids; then each read reads only its own.
    expect(listings()).toBe(1);
    expect(ownReads()).toBe(3);
  });
});
