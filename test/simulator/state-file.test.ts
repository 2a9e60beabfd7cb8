import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { startSimulator, type RunningSimulator } from "../../simulator";
import { ovhCall, ovhOk, waitFor } from "./support/ovh-http";

let dir: string;
const running: RunningSimulator[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "ovh-simulator-state-"));
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
  rmSync(dir, { recursive: true, force: true });
});

async function start(stateFile: string, taskDurationMs = 100): Promise<RunningSimulator> {
  const sim = await startSimulator({ stateFile, taskDurationMs });
  running.push(sim);
  return sim;
}

describe("a state file shared by simulator processes", () => {
  it("is created from the seed, and two simulators on it see each other's changes", async () => {
    const file = join(dir, "account.json");
    const first = await start(file);
    expect(existsSync(file)).toBe(true);
    const second = await start(file);
    const serviceName = first.admin.licenceGroups()[0];
    expect(second.admin.licenceGroups()).toEqual(first.admin.licenceGroups());

    const target = first.admin.subscriptions(serviceName)[0];
    first.admin.setSeats(serviceName, target.id, target.quantity + 7);
    const seenBySecond = await ovhOk<{ quantity: number }>(second, { path: `/saas/csp2/${serviceName}/subscription/${target.id}` });
    expect(seenBySecond.quantity).toBe(target.quantity + 7);

    const license = second.admin.licences().find((l) => l.name === "Office 365 E3")!;
    const task = await ovhOk<{ id: number }>(second, { method: "POST", path: `/saas/csp2/${serviceName}/subscription`, body: { licenseId: license.id, quantity: 3 } });
    const done = await waitFor(async () => {
      const t = await ovhOk<{ status: string }>(first, { path: `/saas/csp2/${serviceName}/task/${task.id}` });
      return t.status === "done" ? t : undefined;
    });
    expect(done.status).toBe("done");
    const idsFromFirst = await ovhOk<number[]>(first, { path: `/saas/csp2/${serviceName}/subscription` });
    const idsFromSecond = await ovhOk<number[]>(second, { path: `/saas/csp2/${serviceName}/subscription` });
    expect(idsFromFirst).toEqual(idsFromSecond);
    expect(first.admin.subscriptions(serviceName).filter((s) => s.licenseId === license.id)).toHaveLength(1);
  });

  it("outlives the process: a new simulator on the file starts where the last one stopped", async () => {
    const file = join(dir, "account.json");
    const first = await start(file);
    const serviceName = first.admin.licenceGroups()[1];
    const target = first.admin.subscriptions(serviceName)[0];
    await ovhOk(first, { method: "PUT", path: `/saas/csp2/${serviceName}`, body: { displayName: "Renamed by the first process" } });
    first.admin.setSeats(serviceName, target.id, 42);
    await first.close();

    const next = await start(file);
    expect(next.admin.subscription(serviceName, target.id)?.quantity).toBe(42);
    expect(await ovhOk(next, { path: `/saas/csp2/${serviceName}` })).toMatchObject({ displayName: "Renamed by the first process" });
  });

  it("is written whole through a rename, leaving no temporary file, and holds no credential", async () => {
    const file = join(dir, "account.json");
    const sim = await start(file);
    const serviceName = sim.admin.licenceGroups()[0];
    for (let i = 0; i < 5; i++) await ovhOk(sim, { method: "PUT", path: `/saas/csp2/${serviceName}`, body: { city: `City ${i}` } });
    expect(readdirSync(dir)).toEqual(["account.json"]);
    const text = readFileSync(file, "utf8");
    expect(JSON.parse(text).groups[serviceName].tenant.city).toBe("City 4");
    for (const secret of Object.values(sim.credentials)) expect(text).not.toContain(secret);
  });

  it("refuses a file that is not a simulator state, saying what to do", async () => {
    const file = join(dir, "other.json");
    writeFileSync(file, JSON.stringify({ hello: "world" }));
    await expect(startSimulator({ stateFile: file })).rejects.toThrow(/not an OVH simulator state.*delete it or choose another/);
    writeFileSync(file, "{broken");
    await expect(startSimulator({ stateFile: file })).rejects.toThrow(/not valid JSON/);
  });

  it("does not write anything for read-only calls", async () => {
    const file = join(dir, "account.json");
    const sim = await start(file);
    const before = readFileSync(file, "utf8");
    const serviceName = sim.admin.licenceGroups()[0];
    await ovhOk(sim, { path: `/saas/csp2/${serviceName}/subscription` });
    await ovhCall(sim, { path: `/saas/csp2/${serviceName}/subscription/1` });
    expect(readFileSync(file, "utf8")).toBe(before);
  });
});
