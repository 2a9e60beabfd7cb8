import { mkdtempSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { startSimulator, type RunningSimulator } from "../../simulator";
import { ovhCall, ovhOk, waitFor } from "./support/ovh-http";
import { ACME, ACME_PATH, message, variantSimulator, type OfficeTask } from "./support/variant-simulator";

const variants = variantSimulator();
const base = ACME_PATH;
const { subscription, subscriptionIds, untilEnded, licenseId: licenceId, acmeSubscription } = variants;

describe("deletedSubscriptions", () => {
  const standardWithAddon = () => {
    const parent = acmeSubscription("Microsoft 365 Business Standard");
    const addon = variants.sim.admin.subscriptions(ACME).find((s) => s.parentSubscriptionId === parent.id);
    if (!addon) throw new Error("the demo account has an add-on on Business Standard");
    return { parent, addon };
  };

  it("vanish (default): a deleted subscription and its add-ons are gone at once", async () => {
    const { parent, addon } = standardWithAddon();
    const deletion = await ovhOk<OfficeTask>(variants.sim, { method: "DELETE", path: `${base}/subscription/${parent.id}` });
    await untilEnded(deletion.id);
    expect(await subscriptionIds()).not.toContain(parent.id);
    expect(await subscriptionIds()).not.toContain(addon.id);
    expect((await ovhCall(variants.sim, { path: `${base}/subscription/${parent.id}` })).status).toBe(404);
    expect(variants.sim.admin.subscriptions(ACME).map((s) => s.id)).not.toContain(parent.id);
  });

  it("linger: the deleted subscription and its add-ons stay listed with the configured status and no pending task, then disappear", async () => {
    variants.sim.admin.setSettings({ deletedSubscriptions: "linger", deletedSubscriptionLingerMs: 600_000 });
    const { parent, addon } = standardWithAddon();
    const deletion = await ovhOk<OfficeTask>(variants.sim, { method: "DELETE", path: `${base}/subscription/${parent.id}` });
    expect((await subscription(parent.id)).taskPendingId).toBe(deletion.id);
    expect((await untilEnded(deletion.id)).status).toBe("done");

    expect(await subscriptionIds()).toEqual(expect.arrayContaining([parent.id, addon.id]));
    expect(await subscription(parent.id)).toMatchObject({ id: parent.id, quantity: parent.quantity, status: "terminated", taskPendingId: 0 });
    expect(await subscription(addon.id)).toMatchObject({ status: "terminated", taskPendingId: 0 });
    expect(variants.sim.admin.subscription(ACME, parent.id)).toMatchObject({ status: "terminated", taskPendingId: 0 });

    // Changed settings apply to the next deletion; this one keeps the time it was given.
    variants.sim.admin.setSettings({ deletedSubscriptionStatus: "inactive", deletedSubscriptionLingerMs: 150 });
    const basic = acmeSubscription("Microsoft 365 Business Basic");
    variants.sim.admin.deleteSubscription(ACME, basic.id);
    expect(await subscription(basic.id)).toMatchObject({ status: "inactive", taskPendingId: 0 });
    await waitFor(async () => (await ovhCall(variants.sim, { path: `${base}/subscription/${basic.id}` })).status === 404, 10_000, "the lingering subscription to disappear");
    expect(await subscriptionIds()).not.toContain(basic.id);
    expect(await subscription(parent.id)).toMatchObject({ status: "terminated" });
  });

  it("linger: every change to a lingering subscription is refused with 400, in the API and the admin API alike", async () => {
    variants.sim.admin.setSettings({ deletedSubscriptions: "linger", deletedSubscriptionStatus: "inactive", deletedSubscriptionLingerMs: 600_000 });
    const { parent, addon } = standardWithAddon();
    variants.sim.admin.deleteSubscription(ACME, parent.id);
    const tasksBefore = variants.sim.admin.tasks(ACME).length;
    for (const request of [
      { method: "POST", path: `${base}/subscription/${parent.id}/changeQuantity`, body: { quantity: parent.quantity + 1 } },
      { method: "DELETE", path: `${base}/subscription/${parent.id}` },
      { method: "DELETE", path: `${base}/subscription/${addon.id}` },
      { method: "POST", path: `${base}/subscription/${parent.id}/orderAddon`, body: { licenseId: licenceId("Microsoft 365 Audio Conferencing"), quantity: 1 } },
    ]) {
      const answer = await ovhCall(variants.sim, request);
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ class: "Client::BadRequest" });
      expect(message(answer)).toMatch(/^Subscription \d+ is inactive: it can no longer be changed$/);
    }
    expect(() => variants.sim.admin.setSeats(ACME, parent.id, 3)).toThrow(`Subscription ${parent.id} in ${ACME} was deleted (status inactive`);
    expect(() => variants.sim.admin.deleteSubscription(ACME, addon.id)).toThrow("it can no longer be changed");
    expect(variants.sim.admin.tasks(ACME)).toHaveLength(tasksBefore);
  });

  it("linger: a lingering subscription counts for neither licence limits nor usage", async () => {
    variants.sim.admin.setSettings({ deletedSubscriptions: "linger", deletedSubscriptionLingerMs: 600_000 });
    const basic = acmeSubscription("Microsoft 365 Business Basic");
    variants.sim.admin.setLicence(basic.licenseId, { limit: basic.quantity });
    const overLimit = await ovhCall(variants.sim, { method: "POST", path: `${base}/subscription`, body: { licenseId: basic.licenseId, quantity: 1 } });
    expect(overLimit.status).toBe(400);
    expect(message(overLimit)).toContain("over the licence limit");

    const deletion = await ovhOk<OfficeTask>(variants.sim, { method: "DELETE", path: `${base}/subscription/${basic.id}` });
    await untilEnded(deletion.id);
    expect((await subscription(basic.id)).status).toBe("terminated");
    const [today] = (await ovhOk<{ lines: { licenceId: number; endOfDayCount: number }[] }[]>(variants.sim, { path: `${base}/usageStatistics?timePeriod=lastWeek` })).slice(-1);
    expect(today.lines.find((l) => l.licenceId === basic.licenseId)).toMatchObject({ endOfDayCount: 0 });

    const reordered = await ovhOk<OfficeTask>(variants.sim, { method: "POST", path: `${base}/subscription`, body: { licenseId: basic.licenseId, quantity: basic.quantity } });
    expect(reordered.function).toBe("addSubscription");
  });

  it("linger: a changeQuantity still running when its subscription is deleted ends in error", async () => {
    variants.sim.admin.setSettings({ deletedSubscriptions: "linger", deletedSubscriptionLingerMs: 600_000 });
    const basic = acmeSubscription("Microsoft 365 Business Basic");
    const started = await ovhOk<OfficeTask>(variants.sim, { method: "POST", path: `${base}/subscription/${basic.id}/changeQuantity`, body: { quantity: basic.quantity + 1 } });
    variants.sim.admin.deleteSubscription(ACME, basic.id);
    expect((await subscription(basic.id)).taskPendingId).toBe(0);
    expect((await untilEnded(started.id)).status).toBe("error");
    expect(await subscription(basic.id)).toMatchObject({ quantity: basic.quantity, status: "terminated" });
  });
});

describe("a lingering subscription in a state file shared by two processes", () => {
  let dir: string;
  const running: RunningSimulator[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "ovh-simulator-variants-"));
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((s) => s.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  it("is written to the state, seen by the other process whatever its settings, and disappears there too", async () => {
    const file = join(dir, "account.json");
    const lingering = await startSimulator({ stateFile: file, deletedSubscriptions: "linger", deletedSubscriptionStatus: "inactive", deletedSubscriptionLingerMs: 1500 });
    running.push(lingering);
    const other = await startSimulator({ stateFile: file });
    running.push(other);
    const target = lingering.admin.subscriptions(ACME)[0];
    lingering.admin.deleteSubscription(ACME, target.id);

    const stored = JSON.parse(readFileSync(file, "utf8")).groups[ACME].subscriptions[target.id];
    expect(stored).toMatchObject({ status: "inactive", lingersUntil: expect.any(Number) });
    expect(await ovhOk(other, { path: `${base}/subscription/${target.id}` })).toMatchObject({ status: "inactive", taskPendingId: 0 });
    expect(other.admin.settings().deletedSubscriptions).toBe("vanish");
    await waitFor(async () => (await ovhCall(other, { path: `${base}/subscription/${target.id}` })).status === 404, 10_000, "the other process to drop it");
    expect(await ovhOk(lingering, { path: `${base}/subscription` })).not.toContain(target.id);
  });
});
