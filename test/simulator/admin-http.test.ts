import * as fs from "node:fs";
import * as path from "node:path";
import { DEFAULT_VARIANTS, startSimulator, type RunningSimulator } from "../../simulator";
import type * as Simulator from "../../simulator";
import { REPO_ROOT } from "../support/paths";
import { ovhCall, ovhOk, rawRequest } from "./support/ovh-http";

let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSimulator({ taskDurationMs: 100 });
});
afterAll(() => sim.close());
beforeEach(() => sim.admin.reset());

function admin(method: string, path: string, body?: unknown) {
  return rawRequest(`${sim.adminUrl}${path}`, {
    method,
    headers: { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** The `sim.admin` methods simulator/README.md documents: the names in the first column of its admin API table. */
function documentedAdminMethods(): string[] {
  const readme = fs.readFileSync(path.join(REPO_ROOT, "simulator", "README.md"), "utf8");
  const table = readme.slice(readme.indexOf("| `sim.admin` | HTTP |"), readme.indexOf("### Faults"));
  const firstCells = table.split("\n").filter((line) => line.startsWith("| `") && !line.startsWith("| `sim.")).map((line) => line.split(" | ")[0]);
  return [...new Set(firstCells.flatMap((cell) => [...cell.matchAll(/`(\w+)\(/g)].map(([, name]) => name)))].sort();
}

/** Every method `object` answers to, its classes' included. */
function methodsOf(object: object): string[] {
  const names = new Set<string>();
  for (let proto = Object.getPrototypeOf(object); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const name of Object.getOwnPropertyNames(proto)) if (name !== "constructor" && typeof proto[name] === "function") names.add(name);
  }
  return [...names].sort();
}

/** True when A and B are the same type; a mismatch below fails type checking (ts-jest, `npm run typecheck`). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

describe("sim.admin", () => {
  it("offers exactly the methods simulator/README.md documents", () => {
    const documented = documentedAdminMethods();
    expect(documented.length).toBeGreaterThan(30);
    expect(methodsOf(sim.admin)).toEqual(documented);
  });

  it("keeps the earlier licence spellings of its exported types as the same types", () => {
    const same = [
      true satisfies Same<Simulator.AddLicenceGroupRequest, Simulator.AddLicenseGroupRequest>,
      true satisfies Same<Simulator.SeedLicenceGroup, Simulator.SeedLicenseGroup>,
      true satisfies Same<Simulator.LicenceState, Simulator.LicenseState>,
    ];
    const request: Simulator.AddLicenceGroupRequest = { serviceName: "csp2-earlier1", subscriptions: [{ license: "Office 365 E1", seats: 1 }] };
    expect(same).toEqual([true, true, true]);
    expect(sim.admin.addLicenceGroup(request)).toBe("csp2-earlier1");
  });
});

describe("the admin API over HTTP (/_simulator)", () => {
  it("changes seats and deletes a subscription out of band, as the control panel would", async () => {
    const serviceName = ((await admin("GET", "/groups")).body as string[])[0];
    const [target, other] = (await admin("GET", `/groups/${serviceName}/subscriptions`)).body as { id: number; quantity: number }[];
    const changed = await admin("PUT", `/groups/${serviceName}/subscriptions/${target.id}/seats`, { seats: target.quantity + 2 });
    expect(changed.status).toBe(200);
    expect(await ovhOk(sim, { path: `/saas/csp2/${serviceName}/subscription/${target.id}` })).toMatchObject({ quantity: target.quantity + 2 });

    expect((await admin("DELETE", `/groups/${serviceName}/subscriptions/${other.id}`)).status).toBe(200);
    expect(await ovhOk(sim, { path: `/saas/csp2/${serviceName}/subscription` })).not.toContain(other.id);
  });

  it("adds a licence group with subscriptions, starts and finishes tasks, sets tenant fields", async () => {
    const created = await admin("POST", "/groups", { serviceName: "csp2-test0001", tenant: { displayName: "Test Tenant" }, subscriptions: [{ license: "Office 365 E1", seats: 7 }] });
    expect(created.body).toEqual({ serviceName: "csp2-test0001" });
    const [subscription] = (await admin("GET", "/groups/csp2-test0001/subscriptions")).body as { id: number; quantity: number }[];
    expect(subscription.quantity).toBe(7);

    const task = (await admin("POST", "/groups/csp2-test0001/tasks", { function: "changeQuantity", subscriptionId: subscription.id, quantity: 9, outcome: "stuck" })).body as { id: number };
    expect(await ovhOk(sim, { path: `/saas/csp2/csp2-test0001/subscription/${subscription.id}` })).toMatchObject({ taskPendingId: task.id });
    expect((await admin("POST", `/groups/csp2-test0001/tasks/${task.id}/finish`, { status: "done" })).status).toBe(200);
    expect(await ovhOk(sim, { path: `/saas/csp2/csp2-test0001/subscription/${subscription.id}` })).toMatchObject({ quantity: 9, taskPendingId: 0 });

    expect((await admin("PUT", "/groups/csp2-test0001/tenant", { status: "suspended" })).status).toBe(200);
    const refused = await ovhCall(sim, { method: "POST", path: `/saas/csp2/csp2-test0001/subscription/${subscription.id}/changeQuantity`, body: { quantity: 10 } });
    expect(refused.status).toBe(460);
  });

  it("injects faults, reads the request log and its figures, and clears both", async () => {
    const fault = await admin("POST", "/faults", { kind: "httpError", status: 500, count: 1 });
    expect(fault.body).toEqual({ id: expect.any(String) });
    expect((await ovhCall(sim, { path: "/saas/csp2" })).status).toBe(500);
    const log = (await admin("GET", "/requests")).body as { entries: { status: number }[]; figures: { requests: number } };
    expect(log.entries.at(-1)?.status).toBe(500);
    expect(log.figures.requests).toBe(log.entries.length);
    expect(log.entries.some((e) => JSON.stringify(e).includes("_simulator"))).toBe(false);
    expect((await admin("DELETE", "/requests")).status).toBe(200);
    expect(((await admin("GET", "/requests")).body as { entries: unknown[] }).entries).toEqual([]);
  });

  it("exposes the termination token and changes settings, clock and tokens", async () => {
    const serviceName = sim.admin.licenceGroups()[0];
    const [serviceId] = await ovhOk<number[]>(sim, { path: `/services?resourceName=${serviceName}` });
    await ovhOk(sim, { method: "POST", path: `/services/${serviceId}/terminate` });
    expect((await admin("GET", `/groups/${serviceName}/termination-token`)).body).toEqual({ token: sim.admin.terminationToken(serviceName) });
    expect((await admin("PUT", "/settings", { taskDurationMs: 50 })).body).toMatchObject({ taskDurationMs: 50 });
    expect((await admin("PUT", "/clock", { skewSeconds: 30 })).status).toBe(200);
    expect((await admin("GET", "/clock")).body).toEqual({ skewSeconds: 30 });
    expect((await admin("POST", "/tokens/expire")).status).toBe(200);
  });

  it("reads and changes the settings for what OVH does not publish, refusing bad values by name with the allowed ones", async () => {
    try {
      expect((await admin("GET", "/settings")).body).toMatchObject({ finishedTasks: "kept", pendingTaskRefusal: 409, deletedSubscriptions: "vanish", mpnIdRequired: false });
      const changed = await admin("PUT", "/settings", { finishedTasks: "vanish", pendingTaskRefusal: 400, deletedSubscriptions: "linger", deletedSubscriptionStatus: "inactive" });
      expect(changed.status).toBe(200);
      expect(changed.body).toMatchObject({ finishedTasks: "vanish", pendingTaskRefusal: 400, deletedSubscriptions: "linger", deletedSubscriptionStatus: "inactive", seatDecreaseRefusal: "immediate" });
      expect((await admin("GET", "/settings")).body).toEqual(changed.body);

      const badValue = await admin("PUT", "/settings", { pendingTaskRefusal: "403" });
      expect(badValue.status).toBe(400);
      expect(badValue.body).toEqual({ error: 'pendingTaskRefusal must be one of 409, 400, 403, got "403"' });
      const badChoice = await admin("PUT", "/settings", { groupOrderConfigurations: "sometimes" });
      expect((badChoice.body as { error: string }).error).toBe('groupOrderConfigurations must be one of "none", "required", got "sometimes"');
      const unknown = await admin("PUT", "/settings", { deletedSubscriptionsStatus: "inactive" });
      expect(unknown.status).toBe(400);
      expect((unknown.body as { error: string }).error).toContain("Unknown settings deletedSubscriptionsStatus: use ");
      expect((await admin("GET", "/settings")).body).toEqual(changed.body);

      // A lingering deleted subscription is listed with its status, and refuses out-of-band changes.
      const serviceName = sim.admin.licenceGroups()[0];
      const [target] = (await admin("GET", `/groups/${serviceName}/subscriptions`)).body as { id: number }[];
      expect((await admin("DELETE", `/groups/${serviceName}/subscriptions/${target.id}`)).status).toBe(200);
      const listed = (await admin("GET", `/groups/${serviceName}/subscriptions`)).body as { id: number; status: string }[];
      expect(listed.find((s) => s.id === target.id)).toMatchObject({ status: "inactive", taskPendingId: 0 });
      const seats = await admin("PUT", `/groups/${serviceName}/subscriptions/${target.id}/seats`, { seats: 2 });
      expect(seats.status).toBe(409);
      expect((seats.body as { error: string }).error).toContain("was deleted (status inactive");
      expect((await admin("DELETE", `/groups/${serviceName}/subscriptions/${target.id}`)).status).toBe(409);
    } finally {
      sim.admin.setSettings({ ...DEFAULT_VARIANTS });
    }
  });

  it("answers unknown groups, bad input and unknown paths with errors that say what to do", async () => {
    const group = await admin("GET", "/groups/csp2-missing/subscriptions");
    expect(group.status).toBe(404);
    expect((group.body as { error: string }).error).toContain("existing ones are");
    const seats = await admin("PUT", `/groups/${sim.admin.licenceGroups()[0]}/subscriptions/1/seats`, { seats: -1 });
    expect(seats.status).toBe(400);
    expect((seats.body as { error: string }).error).toContain("seats must be a positive integer");
    expect((await admin("GET", "/nothing-here")).status).toBe(404);
    expect((await admin("PATCH", "/faults")).status).toBe(405);
    expect((await rawRequest(`${sim.adminUrl}/faults`, { method: "POST", body: "{not json" })).status).toBe(400);
  });
});
