import {
  DEFAULT_RECENT_TASKS_SCANNED,
  fetchLicenseGroups,
  fetchOrderableLicenses,
  fetchPendingTasks,
  fetchSubscriptions,
  fetchTasks,
  getOrderableLicense,
  getSubscription,
  getTask,
  getTenant,
  listLicenseGroups,
  listOrderableLicenses,
  listSubscriptions,
  listTasks,
  PENDING_TASK_STATUSES,
  subscriptionsInOneCall,
  tryFetchSubscriptions,
} from "../../provider/csp2";
import { createOvhClient, OvhApiError, type OvhClient, type OvhRequester } from "../../provider/ovh";
import { startSimulator, type ListMode, type RunningSimulator } from "../../simulator";
import { GATEWAY_PAGE_SIZE } from "../../simulator/list-mode";
import { ScriptedRequester } from "./fakes";

const GROUP = "csp2-listing";
const subscriptions = Array.from({ length: 14 }, (_, index) => ({ license: index % 2 === 0 ? "Office 365 E1" : "Office 365 E3", seats: index + 1 }));

describe("csp2 listings against the simulator in each list mode", () => {
  let sim: RunningSimulator;
  let ovh: OvhClient;
  /** The client, through a requester of its own per list mode (see prepare). */
  let client: OvhRequester;

  beforeAll(async () => {
    sim = await startSimulator({ taskDurationMs: 600_000, seed: { groups: [{ serviceName: GROUP, subscriptions }] } });
    ovh = createOvhClient({ endpoint: sim.endpoint, ...sim.credentials, clientId: undefined, clientSecret: undefined, accessToken: undefined, env: {}, maxRequestsPerSecond: 1000 });
  });
  afterAll(() => sim.close());

  function prepare(listMode: ListMode): void {
    sim.admin.reset();
    sim.admin.setSettings({ listMode });
    // Without an endpoint key, what is learnt about list mode is kept per requester: a new one starts knowing nothing.
    client = { request: (req) => ovh.request(req), requestWithResponse: (req) => ovh.requestWithResponse(req) };
    sim.requestLog.clear();
  }

  /** What one GET per object says, read directly. */
  async function truth() {
    const ids = await listSubscriptions(client, GROUP);
    return {
      subscriptions: await Promise.all(ids.map((id) => getSubscription(client, GROUP, id))),
      tasks: await Promise.all((await listTasks(client, GROUP)).map((id) => getTask(client, GROUP, id))),
      // The fetch functions sort by id; OVH lists orderable licences in its own order.
      licenses: (await Promise.all((await listOrderableLicenses(client, GROUP)).map((id) => getOrderableLicense(client, GROUP, id)))).sort((a, b) => a.id - b.id),
    };
  }

  /** Calls to list `objects` objects: one page, pages of the gateway's size, or the ids and one GET each. */
  const callsToList = (listMode: ListMode, objects: number) => (listMode === "ignored" ? 1 + objects : listMode === "noPaging" ? Math.ceil(objects / GATEWAY_PAGE_SIZE) : 1);

  const apiCalls = () => sim.requestLog.entries().filter((e) => e.apiPath !== "/auth/time");

  /** Starts a seat change on the subscription at `index`; its id. */
  function startTask(index: number): number {
    const target = sim.admin.subscriptions(GROUP)[index];
    return sim.admin.startTask(GROUP, { function: "changeQuantity", subscriptionId: target.id, quantity: target.quantity + 1 }).id;
  }

  /** `count` seat changes ended at once, on every subscription but the first in turn. */
  function finishedTasks(count: number): void {
    for (let i = 0; i < count; i++) sim.admin.finishTask(GROUP, startTask(1 + (i % (subscriptions.length - 1))), "done");
  }

  it.each<[ListMode, number]>([
    ["honoured", 1],
    ["noFilter", 1],
    ["noPaging", 2],
    ["ignored", 1 + subscriptions.length],
  ])("%s: fetchSubscriptions answers what one GET each says, in %i calls, each with Pragma: no-cache", async (listMode, calls) => {
    prepare(listMode);
    const expected = (await truth()).subscriptions;
    sim.requestLog.clear();
    expect(await fetchSubscriptions(client, GROUP)).toEqual(expected);
    expect(apiCalls()).toHaveLength(calls);
    const listing = apiCalls().filter((e) => e.route === "/saas/csp2/{serviceName}/subscription");
    expect(listing[0].pagination).toMatchObject({ mode: "CachedObjectList-Pages", noCache: true, answered: listMode === "ignored" ? "ids" : "objects" });
    expect(subscriptionsInOneCall(client)).toBe(listMode !== "ignored");
  });

  it.each<ListMode>(["honoured", "noFilter", "noPaging", "ignored"])("%s: only the selected subscriptions, and in the fallback only their GETs", async (listMode) => {
    prepare(listMode);
    const expected = (await truth()).subscriptions.filter((s) => s.id % 3 === 0);
    sim.requestLog.clear();
    expect(await fetchSubscriptions(client, GROUP, { only: (id) => id % 3 === 0 })).toEqual(expected);
    const reads = apiCalls().filter((e) => e.route === "/saas/csp2/{serviceName}/subscription/{id}");
    expect(reads).toHaveLength(listMode === "ignored" ? expected.length : 0);
  });

  it.each<ListMode>(["honoured", "noFilter", "noPaging", "ignored"])("%s: fetchOrderableLicenses answers what one GET each says", async (listMode) => {
    prepare(listMode);
    const expected = await truth();
    expect(await fetchOrderableLicenses(client, GROUP)).toEqual(expected.licenses);
  });

  it.each<[ListMode, number]>([
    ["honoured", 1],
    ["noFilter", 1],
    ["noPaging", 1],
  ])("%s: fetchPendingTasks finds a pending task older than the 20 most recent, in %i call", async (listMode, calls) => {
    prepare(listMode);
    const oldPending = startTask(0);
    finishedTasks(DEFAULT_RECENT_TASKS_SCANNED + 3);
    sim.requestLog.clear();
    const found = await fetchPendingTasks(client, GROUP);
    expect(found).toEqual([{ id: oldPending, function: "changeQuantity", status: expect.stringMatching(/^(todo|doing)$/), todoDate: expect.any(String) }]);
    expect(apiCalls()).toHaveLength(calls);
    expect(apiCalls()[0].pagination).toMatchObject({ filter: "status:in=todo,doing", noCache: true });
  });

  it("ignored: fetchPendingTasks looks among the 20 most recent tasks only, once it knows list mode is not there", async () => {
    prepare("ignored");
    const oldPending = startTask(0);
    finishedTasks(DEFAULT_RECENT_TASKS_SCANNED + 3);
    const recentPending = [startTask(1), startTask(2)];
    sim.requestLog.clear();
    const found = await fetchPendingTasks(client, GROUP);
    expect(found.map((t) => t.id)).toEqual(recentPending);
    expect(found.map((t) => t.id)).not.toContain(oldPending);
    expect(apiCalls()).toHaveLength(1 + DEFAULT_RECENT_TASKS_SCANNED);
    expect((await fetchPendingTasks(client, GROUP, { recentLimit: 100 })).map((t) => t.id)).toEqual([oldPending, ...recentPending]);
  });

  it.each<ListMode>(["honoured", "noFilter", "noPaging", "ignored"])("%s: fetchTasks answers every task, or only pending ones, as one GET each says", async (listMode) => {
    prepare(listMode);
    const pending = [startTask(0), startTask(1)];
    finishedTasks(DEFAULT_RECENT_TASKS_SCANNED + 3);
    const expected = (await truth()).tasks.sort((a, b) => a.id - b.id);
    sim.requestLog.clear();
    const told: number[] = [];
    expect(await fetchTasks(client, GROUP, { onListed: (reads) => told.push(reads) })).toEqual(expected);
    expect(told).toEqual([listMode === "ignored" ? expected.length : 0]);
    expect(apiCalls()).toHaveLength(callsToList(listMode, expected.length));

    const inProgress = await fetchTasks(client, GROUP, { statuses: PENDING_TASK_STATUSES });
    expect(inProgress.map((task) => task.id)).toEqual(pending);
    expect(inProgress).toEqual(expected.filter((task) => pending.includes(task.id)));
  });

  it.each<ListMode>(["honoured", "noPaging", "ignored"])("%s: fetchLicenseGroups answers every group's tenant, sorted by serviceName, as one GET each says", async (listMode) => {
    prepare(listMode);
    // More groups than a noPaging gateway puts in a page.
    for (let added = 0; added < 11; added++) sim.admin.addLicenceGroup({});
    const serviceNames = await listLicenseGroups(client);
    const expected = (await Promise.all(serviceNames.map((serviceName) => getTenant(client, serviceName)))).sort((a, b) => a.serviceName.localeCompare(b.serviceName));
    sim.requestLog.clear();
    const told: number[] = [];
    expect(await fetchLicenseGroups(client, { onListed: (reads) => told.push(reads) })).toEqual(expected);
    expect(told).toEqual([listMode === "ignored" ? expected.length : 0]);
    expect(apiCalls()).toHaveLength(callsToList(listMode, expected.length));
  });

  it.each<ListMode>(["honoured", "ignored"])("%s: fetchOrderableLicenses reads only the selected licences in the fallback, and says how many", async (listMode) => {
    prepare(listMode);
    const [first, second] = (await truth()).licenses;
    sim.requestLog.clear();
    const told: number[] = [];
    const wanted = new Set([first.id, second.id]);
    expect(await fetchOrderableLicenses(client, GROUP, { only: (id) => wanted.has(id), onListed: (reads) => told.push(reads) })).toEqual([first, second]);
    expect(told).toEqual([listMode === "ignored" ? 2 : 0]);
    expect(apiCalls()).toHaveLength(listMode === "ignored" ? 3 : 1);
  });

  it("tryFetchSubscriptions: the group in one call where list mode works; else undefined after one id listing, then at no cost", async () => {
    prepare("noPaging");
    expect(await tryFetchSubscriptions(client, GROUP)).toEqual((await truth()).subscriptions);
    prepare("ignored");
    expect(subscriptionsInOneCall(client)).toBeUndefined();
    expect(await tryFetchSubscriptions(client, GROUP)).toBeUndefined();
    expect(apiCalls()).toHaveLength(1);
    expect(await tryFetchSubscriptions(client, GROUP)).toBeUndefined();
    expect(apiCalls()).toHaveLength(1);
    expect(subscriptionsInOneCall(client)).toBe(false);
  });

  it("lets a missing group fail as the plain listing does (404), in every mode", async () => {
    for (const listMode of ["honoured", "ignored"] as const) {
      prepare(listMode);
      await expect(fetchSubscriptions(client, "csp2-missing")).rejects.toMatchObject({ status: 404 });
      await expect(fetchPendingTasks(client, "csp2-missing")).rejects.toMatchObject({ status: 404 });
    }
  });
});

describe("csp2 listings through a requester without list mode (a test fake)", () => {
  it("lists the ids and reads each object, leaving out one deleted in between", async () => {
    const subscription = (id: number) => ({ id, licenseId: 1, quantity: id, status: "ok", creationDate: "2024-05-01T10:00:00+02:00", lastUpdate: null, taskPendingId: 0 });
    const gone = () => {
      throw new OvhApiError({ status: 404, method: "GET", path: "/saas/csp2/g/subscription/2", body: { class: "Client::NotFound", message: "gone" } });
    };
    const requester = new ScriptedRequester()
      .on("GET /saas/csp2/g/subscription", [3, 1, 2])
      .on("GET /saas/csp2/g/subscription/1", subscription(1))
      .on("GET /saas/csp2/g/subscription/2", gone)
      .on("GET /saas/csp2/g/subscription/3", subscription(3));
    expect(await fetchSubscriptions(requester, "g")).toEqual([subscription(1), subscription(3)]);
    expect(requester.calls[0]).toEqual({ method: "GET", path: "/saas/csp2/g/subscription" });
    expect(subscriptionsInOneCall(requester)).toBe(false);
    expect(await tryFetchSubscriptions(requester, "g")).toBeUndefined();
    expect(requester.calls).toHaveLength(4);
  });
});
