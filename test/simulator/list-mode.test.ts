import { spawn } from "child_process";
import { join } from "path";
import { API_ROUTES } from "../../simulator/api-schema";
import { listRoutes } from "../../simulator/list-mode";
import { startSimulator, type ListMode, type RunningSimulator } from "../../simulator";
import { ovhCall, rawRequest, sign, type HttpAnswer } from "./support/ovh-http";

/** A signed GET with list-mode headers (they are not signed, as with OVH). */
async function listCall(sim: Pick<RunningSimulator, "endpoint" | "credentials">, path: string, headers: Record<string, string> = {}): Promise<HttpAnswer> {
  const url = `${sim.endpoint}${path}`;
  const c = sim.credentials;
  const timestamp = Math.round(Date.now() / 1000);
  return rawRequest(url, {
    headers: {
      "X-Ovh-Application": c.applicationKey,
      "X-Ovh-Consumer": c.consumerKey,
      "X-Ovh-Timestamp": String(timestamp),
      "X-Ovh-Signature": sign(c.applicationSecret, c.consumerKey, "GET", url, "", timestamp),
      ...headers,
    },
  });
}

const mode = (extra: Record<string, string> = {}) => ({ "X-Pagination-Mode": "CachedObjectList-Pages", ...extra });

type Subscription = { id: number; quantity: number; status: string; licenseId: number; creationDate: string; taskPendingId: number };

describe("list mode on every list route", () => {
  it("finds the schema's list routes and their item routes, and only those", () => {
    const found = [...listRoutes(API_ROUTES).entries()].map(([list, { item, idParam }]) => `${list} -> ${item.path} (${idParam})`);
    expect(found.sort()).toEqual(
      [
        "/saas/csp2 -> /saas/csp2/{serviceName} (serviceName)",
        "/saas/csp2/{serviceName}/orderableLicenses -> /saas/csp2/{serviceName}/orderableLicenses/{id} (id)",
        "/saas/csp2/{serviceName}/subscription -> /saas/csp2/{serviceName}/subscription/{id} (id)",
        "/saas/csp2/{serviceName}/task -> /saas/csp2/{serviceName}/task/{id} (id)",
        "/order/cart -> /order/cart/{cartId} (cartId)",
        "/order/cart/{cartId}/item -> /order/cart/{cartId}/item/{itemId} (itemId)",
        "/order/cart/{cartId}/item/{itemId}/configuration -> /order/cart/{cartId}/item/{itemId}/configuration/{configurationId} (configurationId)",
        "/me/order -> /me/order/{orderId} (orderId)",
        "/me/order/{orderId}/details -> /me/order/{orderId}/details/{orderDetailId} (orderDetailId)",
        "/services -> /services/{serviceId} (serviceId)",
      ].sort(),
    );
  });

  let sim: RunningSimulator;
  let serviceName: string;
  beforeAll(async () => {
    sim = await startSimulator({ taskDurationMs: 60_000 });
    serviceName = sim.admin.licenceGroups()[0];
  });
  afterAll(() => sim.close());
  beforeEach(() => {
    sim.admin.reset();
    sim.admin.setSettings({ listMode: "honoured" });
    sim.requestLog.clear();
  });

  it.each([
    ["/saas/csp2", (id: string | number) => `/saas/csp2/${id}`],
    ["/services", (id: string | number) => `/services/${id}`],
  ])("answers the objects of %s, each as its own GET answers it", async (path, itemPath) => {
    const ids = (await ovhCall(sim, { path })).body as (string | number)[];
    expect(ids.length).toBeGreaterThan(1);
    const listed = await listCall(sim, path, mode());
    expect(listed.status).toBe(200);
    const singles = await Promise.all(ids.map(async (id) => (await ovhCall(sim, { path: itemPath(id) })).body));
    expect(listed.body).toEqual(singles);
    expect(listed.headers["x-pagination-elements"]).toBe(String(ids.length));
  });

  it("answers a group's subscriptions, tasks and orderable licences as objects, in id order", async () => {
    sim.admin.startTask(serviceName, { function: "changeQuantity", subscriptionId: sim.admin.subscriptions(serviceName)[0].id, quantity: 30 });
    for (const list of ["subscription", "task", "orderableLicenses"]) {
      const path = `/saas/csp2/${serviceName}/${list}`;
      const ids = (await ovhCall(sim, { path })).body as number[];
      const listed = (await listCall(sim, path, mode())).body as { id: number }[];
      expect(listed.map((item) => item.id)).toEqual(ids);
      const second = (await ovhCall(sim, { path: `${path}/${ids[0]}` })).body;
      expect(listed[0]).toEqual(second);
    }
  });

  it("answers the objects of a cart's items, under the cart's own rules (no authentication)", async () => {
    const cart = (await rawRequest(`${sim.endpoint}/order/cart`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ ovhSubsidiary: "FR" }) })).body as { cartId: string };
    const item = { planCode: "csp2-office365-reseller", duration: "P1M", pricingMode: "default", quantity: 1 };
    await rawRequest(`${sim.endpoint}/order/cart/${cart.cartId}/csp2`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(item) });
    const listed = await rawRequest(`${sim.endpoint}/order/cart/${cart.cartId}/item`, { headers: mode() });
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual([expect.objectContaining({ cartId: cart.cartId, itemId: expect.any(Number) })]);
  });

  it("pages: the asked size and number, with the total and the page in the answer headers", async () => {
    const path = `/saas/csp2/${serviceName}/orderableLicenses`;
    const ids = (await ovhCall(sim, { path })).body as number[];
    const second = await listCall(sim, path, mode({ "X-Pagination-Size": "3", "X-Pagination-Number": "2" }));
    expect((second.body as { id: number }[]).map((l) => l.id)).toEqual(ids.slice(3, 6));
    expect(second.headers).toMatchObject({ "x-pagination-elements": String(ids.length), "x-pagination-number": "2", "x-pagination-size": "3" });
    const beyond = await listCall(sim, path, mode({ "X-Pagination-Size": "3", "X-Pagination-Number": "99" }));
    expect(beyond.body).toEqual([]);
    const capped = await listCall(sim, path, mode({ "X-Pagination-Size": "50000" }));
    expect(capped.headers["x-pagination-size"]).toBe("5000");
  });

  describe("filters and sorting", () => {
    const subscriptionsOf = async (headers: Record<string, string>) => (await listCall(sim, `/saas/csp2/${serviceName}/subscription`, mode(headers))).body as Subscription[];
    let all: Subscription[];
    beforeEach(async () => {
      all = await subscriptionsOf({});
      expect(all.length).toBeGreaterThanOrEqual(3);
    });

    it.each<[string, (s: Subscription) => boolean]>([
      ["quantity:eq=25", (s) => s.quantity === 25],
      ["quantity:ne=25", (s) => s.quantity !== 25],
      ["quantity:lt=25", (s) => s.quantity < 25],
      ["quantity:gt=10", (s) => s.quantity > 10],
      ["quantity:in=10,25", (s) => [10, 25].includes(s.quantity)],
      ["status:eq=ok", (s) => s.status === "ok"],
      ["status:like=o%25", (s) => s.status.startsWith("o")],
      ["status:like=_k", (s) => s.status.length === 2 && s.status.endsWith("k")],
      ["status:like=%25K", () => false],
      ["quantity:gt=5&quantity:lt=25", (s) => s.quantity > 5 && s.quantity < 25],
      ["creationDate:lt=2000-01-01T00%3A00%3A00Z", () => false],
      ["creationDate:gt=2000-01-01T00%3A00%3A00%2B01%3A00", () => true],
    ])("X-Pagination-Filter %s", async (filter, expected) => {
      const filtered = await listCall(sim, `/saas/csp2/${serviceName}/subscription`, mode({ "X-Pagination-Filter": filter }));
      expect(filtered.status).toBe(200);
      expect(filtered.body).toEqual(all.filter(expected));
      expect(filtered.headers["x-pagination-elements"]).toBe(String(all.filter(expected).length));
    });

    it("sorts ascending and descending on a field", async () => {
      const descending = await subscriptionsOf({ "X-Pagination-Sort": "quantity", "X-Pagination-Sort-Order": "DESC" });
      expect(descending.map((s) => s.quantity)).toEqual(all.map((s) => s.quantity).sort((a, b) => b - a));
      const ascending = await subscriptionsOf({ "X-Pagination-Sort": "quantity" });
      expect(ascending.map((s) => s.quantity)).toEqual(all.map((s) => s.quantity).sort((a, b) => a - b));
    });

    it("filters pending tasks with status:in=todo,doing", async () => {
      const [first, second] = sim.admin.subscriptions(serviceName);
      const running = sim.admin.startTask(serviceName, { function: "changeQuantity", subscriptionId: first.id, quantity: first.quantity + 1 });
      const ended = sim.admin.startTask(serviceName, { function: "changeQuantity", subscriptionId: second.id, quantity: second.quantity + 1 });
      sim.admin.finishTask(serviceName, ended.id, "done");
      const tasks = await listCall(sim, `/saas/csp2/${serviceName}/task`, mode({ "X-Pagination-Filter": "status:in=todo,doing" }));
      expect((tasks.body as { id: number }[]).map((t) => t.id)).toEqual([running.id]);
    });

    it.each([
      ["X-Pagination-Filter", "status"],
      ["X-Pagination-Filter", "status:between=a"],
      ["X-Pagination-Filter", "status=ok"],
      ["X-Pagination-Filter", "status:eq=%E0%A4%A"],
      ["X-Pagination-Size", "0"],
      ["X-Pagination-Size", "ten"],
      ["X-Pagination-Number", "-1"],
      ["X-Pagination-Sort-Order", "UP"],
    ])("refuses %s: %s with 400 in OVH's shape", async (name, value) => {
      const answer = await listCall(sim, `/saas/csp2/${serviceName}/subscription`, mode({ [name]: value }));
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({ class: "Client::BadRequest", message: expect.stringContaining(name) });
      expect(answer.headers["x-ovh-queryid"]).toEqual(expect.any(String));
    });
  });

  it("answers plain ids without the mode header, or with another mode", async () => {
    const path = `/saas/csp2/${serviceName}/subscription`;
    const ids = (await ovhCall(sim, { path })).body as number[];
    expect(ids.every((id) => typeof id === "number")).toBe(true);
    expect((await listCall(sim, path, { "X-Pagination-Mode": "CachedObjectList-Cursor" })).body).toEqual(ids);
    expect((await listCall(sim, path, { "X-Pagination-Filter": "status:eq=nothing" })).body).toEqual(ids);
  });

  it("ignores list-mode headers on routes that are not list routes", async () => {
    const path = `/saas/csp2/${serviceName}/subscription/${sim.admin.subscriptions(serviceName)[0].id}/addonsSubscriptionIds`;
    const plain = await ovhCall(sim, { path });
    expect((await listCall(sim, path, mode())).body).toEqual(plain.body);
  });

  it("records the list-mode headers and what came back in the request log, and no other header", async () => {
    const path = `/saas/csp2/${serviceName}/subscription`;
    await listCall(sim, path, mode({ "X-Pagination-Size": "2", "X-Pagination-Number": "2", "X-Pagination-Filter": "status:eq=ok", "X-Pagination-Sort": "id", "X-Pagination-Sort-Order": "DESC", Pragma: "no-cache" }));
    await ovhCall(sim, { path });
    sim.admin.setSettings({ listMode: "ignored" });
    await listCall(sim, path, mode());
    await listCall(sim, `${path}/999999`, mode());
    const [objects, plain, ids, missing] = sim.requestLog.entries();
    expect(objects.pagination).toEqual({ mode: "CachedObjectList-Pages", page: 2, size: 2, filter: "status:eq=ok", sort: "id DESC", noCache: true, answered: "objects" });
    expect(plain.pagination).toBeUndefined();
    expect(ids.pagination).toEqual({ mode: "CachedObjectList-Pages", page: 1, noCache: false, answered: "ids" });
    expect(missing.pagination).toEqual({ mode: "CachedObjectList-Pages", page: 1, noCache: false });
    expect(JSON.stringify(sim.requestLog.entries())).not.toContain(sim.credentials.consumerKey);
  });
});

describe("the listMode setting", () => {
  const ids = async (sim: RunningSimulator, path: string) => (await ovhCall(sim, { path })).body as number[];

  it.each<[ListMode, (answer: HttpAnswer, all: number[]) => void]>([
    ["ignored", (answer, all) => expect(answer.body).toEqual(all)],
    [
      "noFilter",
      (answer, all) => {
        expect((answer.body as { id: number }[]).map((s) => s.id)).toEqual(all.slice(0, 2));
        expect(answer.headers["x-pagination-elements"]).toBe(String(all.length));
      },
    ],
  ])("%s, as a startSimulator option", async (listMode, check) => {
    const sim = await startSimulator({ listMode, seed: { groups: [{ serviceName: "csp2-list", subscriptions: [{ license: "Office 365 E1", seats: 1 }, { license: "Office 365 E3", seats: 2 }, { license: "Exchange Online (Plan 1)", seats: 3 }] }] } });
    try {
      const path = "/saas/csp2/csp2-list/subscription";
      check(await listCall(sim, path, mode({ "X-Pagination-Filter": "quantity:eq=3", "X-Pagination-Size": "2" })), await ids(sim, path));
      expect(sim.admin.settings().listMode).toBe(listMode);
    } finally {
      await sim.close();
    }
  });

  it("noPaging serves the gateway's own pages of 10, filtered, whatever size is asked", async () => {
    const subscriptions = Array.from({ length: 23 }, (_, index) => ({ license: "Office 365 E1", seats: index + 1 }));
    const sim = await startSimulator({ seed: { groups: [{ serviceName: "csp2-many", subscriptions }] } });
    try {
      sim.admin.setSettings({ listMode: "noPaging" });
      const path = "/saas/csp2/csp2-many/subscription";
      const first = await listCall(sim, path, mode({ "X-Pagination-Size": "5000", "X-Pagination-Filter": "quantity:gt=2" }));
      expect(first.body).toHaveLength(10);
      expect(first.headers).toMatchObject({ "x-pagination-elements": "21", "x-pagination-size": "10" });
      const third = await listCall(sim, path, mode({ "X-Pagination-Size": "5000", "X-Pagination-Number": "3", "X-Pagination-Filter": "quantity:gt=2" }));
      expect((third.body as Subscription[]).map((s) => s.quantity)).toEqual([23]);
    } finally {
      await sim.close();
    }
  });

  it("is read and changed over the admin API, and refuses unknown modes", async () => {
    const sim = await startSimulator();
    try {
      expect((await rawRequest(`${sim.adminUrl}/settings`)).body).toMatchObject({ listMode: "honoured" });
      const changed = await rawRequest(`${sim.adminUrl}/settings`, { method: "PUT", body: JSON.stringify({ listMode: "noFilter" }), headers: { "Content-Type": "application/json" } });
      expect(changed.body).toMatchObject({ listMode: "noFilter", taskDurationMs: 1000 });
      const refused = await rawRequest(`${sim.adminUrl}/settings`, { method: "PUT", body: JSON.stringify({ listMode: "sometimes" }), headers: { "Content-Type": "application/json" } });
      expect(refused.status).toBe(400);
      expect(refused.body).toEqual({ error: 'listMode must be one of "honoured", "ignored", "noFilter", "noPaging", got "sometimes"' });
      expect(() => sim.admin.setSettings({ taskDurationMs: -1 })).toThrow("taskDurationMs must be a non-negative number");
      expect(sim.admin.settings().listMode).toBe("noFilter");
    } finally {
      await sim.close();
    }
    await expect(startSimulator({ listMode: "maybe" as ListMode })).rejects.toThrow('listMode must be one of "honoured", "ignored", "noFilter", "noPaging"');
  });

  describe("ovh-office365 simulator --list-mode", () => {
    const ROOT = join(__dirname, "../..");
    const run = (args: string[], env: Record<string, string> = {}) => {
      const child = spawn(process.execPath, ["-r", join(__dirname, "support/transpile-register.js"), join(ROOT, "provider/cli/main.ts"), "simulator", "--port", "0", ...args], {
        cwd: ROOT,
        env: { ...process.env, ...env },
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
      const endpoint = new Promise<string>((resolve, reject) => {
        child.stdout.on("data", () => {
          const match = /^endpoint: (\S+)$/m.exec(stdout);
          if (match) resolve(match[1]);
        });
        void exited.then((code) => reject(new Error(`simulator exited with ${code}\n${stdout}\n${stderr}`)));
      });
      return { child, endpoint, exited, stderr: () => stderr };
    };
    const credentials = { applicationKey: "cli-list-key", applicationSecret: "cli-list-secret", consumerKey: "cli-list-consumer", clientId: "", clientSecret: "", accessToken: "" };
    const keys = ["--application-key", credentials.applicationKey, "--application-secret", credentials.applicationSecret, "--consumer-key", credentials.consumerKey];

    it.each([
      ["the flag", ["--list-mode", "ignored"], {}],
      ["OVH_SIMULATOR_LIST_MODE", [], { OVH_SIMULATOR_LIST_MODE: "ignored" }],
    ])("takes the mode from %s", async (_, args, env) => {
      const started = run([...keys, ...args], env);
      try {
        const endpoint = await started.endpoint;
        const groups = await listCall({ endpoint, credentials }, "/saas/csp2", mode());
        expect(groups.status).toBe(200);
        expect((groups.body as unknown[]).every((name) => typeof name === "string")).toBe(true);
      } finally {
        started.child.kill("SIGTERM");
        await started.exited;
      }
    });

    it("refuses an unknown mode naming the choices, as a usage error (exit code 2)", async () => {
      const started = run(["--list-mode", "sometimes"]);
      started.endpoint.catch(() => undefined);
      expect(await started.exited).toBe(2);
      expect(started.stderr()).toContain("--list-mode");
      expect(started.stderr()).toMatch(/honoured, ignored, noFilter, noPaging/);
    });
  });
});
