import { planExport, plannedSubscriptions } from "../../../provider/cli/account/export-plan";
import { AUDIO, BASIC, DEFENDER, E3, PROPLUS, STANDARD, accountGroup, held, pendingTask } from "./fixtures";

describe("planExport", () => {
  it("writes every subscription in use as OVH holds it: licence name, seats, id, add-ons under their parent, sorted", () => {
    const plan = planExport([
      accountGroup("g-2", [held(5, E3, 40)]),
      accountGroup("g-1", [held(3, STANDARD, 10), held(1, BASIC, 25), held(4, DEFENDER, 10, { parentSubscriptionId: 3 }), held(2, AUDIO, 2, { parentSubscriptionId: 3 })], { displayName: "Acme Corp" }),
    ]);
    expect(plan.groupsLeftOut).toEqual([]);
    expect(plan.subscriptionsLeftOut).toEqual([]);
    expect(plan.groups.map((group) => group.serviceName)).toEqual(["g-1", "g-2"]);
    const [acme] = plan.groups;
    expect(acme).toMatchObject({ serviceName: "g-1", displayName: "Acme Corp", notes: [] });
    expect(acme.subscriptions.map(({ license, subscriptionId, seats, addons }) => ({ license, subscriptionId, seats, addons: addons.map((a) => [a.license, a.subscriptionId, a.parentSubscriptionId]) }))).toEqual([
      { license: BASIC.name, subscriptionId: 1, seats: 25, addons: [] },
      { license: STANDARD.name, subscriptionId: 3, seats: 10, addons: [[AUDIO.name, 2, 3], [DEFENDER.name, 4, 3]] },
    ]);
  });

  it("leaves out a group with a task in progress, whole, naming the task and how to add it later", () => {
    const plan = planExport([
      accountGroup("g-1", [held(1, BASIC, 25), held(2, E3, 3)], { pendingTasks: [pendingTask(77)] }),
      accountGroup("g-2", [held(3, BASIC, 25, { taskPendingId: 78 })]),
      accountGroup("g-3", [held(4, BASIC, 5)]),
    ]);
    expect(plan.groups.map((group) => group.serviceName)).toEqual(["g-3"]);
    expect(plan.groupsLeftOut).toEqual([
      { serviceName: "g-1", reason: expect.stringMatching(/^OVH task 77 \(changeQuantity, doing\) is in progress: its 2 subscriptions may be changing, so none is written on a guess; .*ovh-office365 tasks g-1.*--merge <file>/) },
      { serviceName: "g-2", reason: expect.stringMatching(/^OVH task 78 is in progress: its subscription may be changing/) },
    ]);
  });

  it("leaves out deleted subscriptions, unknown statuses and licences the catalogue does not list, saying why in the group's notes", () => {
    const plan = planExport([
      accountGroup("g-1", [
        held(1, BASIC, 25),
        held(2, E3, 3, { status: "terminated" }),
        held(3, STANDARD, 4, { status: "suspended" }),
        held(4, null, 6, { licenseName: "Office 365 Business Essentials" }),
      ]),
    ]);
    expect(plannedSubscriptions(plan.groups[0]).map((subscription) => subscription.subscriptionId)).toEqual([1]);
    expect(plan.subscriptionsLeftOut).toEqual([
      { serviceName: "g-1", subscriptionId: 2, license: E3.name, seats: 3, reason: 'it is "terminated" at OVH (deleted): nothing to manage' },
      { serviceName: "g-1", subscriptionId: 3, license: STANDARD.name, seats: 4, reason: expect.stringContaining('its status "suspended" is not known to mean in use, so it is not adopted on a guess') },
      { serviceName: "g-1", subscriptionId: 4, license: "Office 365 Business Essentials", seats: 6, reason: expect.stringContaining("its licence is not in the group's catalogue") },
    ]);
    expect(plan.groups[0].notes).toEqual([
      'not managed: subscription 2 "Office 365 E3" (3 seats): it is "terminated" at OVH (deleted): nothing to manage',
      expect.stringMatching(/^not managed: subscription 3 "Microsoft 365 Business Standard" \(4 seats\): its status "suspended"/),
      expect.stringMatching(/^not managed: subscription 4 "Office 365 Business Essentials" \(6 seats\): its licence is not in/),
    ]);
  });

  it("writes neither of two subscriptions of one licence, nor their add-ons, and says so", () => {
    const plan = planExport([accountGroup("g-1", [held(1, BASIC, 25), held(2, BASIC, 5), held(3, DEFENDER, 5, { parentSubscriptionId: 2 }), held(4, E3, 1)])]);
    expect(plannedSubscriptions(plan.groups[0]).map((subscription) => subscription.subscriptionId)).toEqual([4]);
    expect(plan.subscriptionsLeftOut.map(({ subscriptionId, reason }) => [subscriptionId, reason])).toEqual([
      [1, expect.stringContaining('this group holds 2 "Microsoft 365 Business Basic" subscriptions (1 and 2), and a licence file holds one per licence, so none is written on a guess')],
      [2, expect.stringContaining("(1 and 2)")],
      [3, "it is an add-on of subscription 2, which is not written (see above)"],
    ]);
  });

  it("writes neither of two add-ons of one licence on one subscription, but one each on two subscriptions", () => {
    const plan = planExport([
      accountGroup("g-1", [
        held(1, BASIC, 25),
        held(2, STANDARD, 5),
        held(3, DEFENDER, 5, { parentSubscriptionId: 1 }),
        held(4, DEFENDER, 2, { parentSubscriptionId: 1 }),
        held(5, DEFENDER, 5, { parentSubscriptionId: 2 }),
      ]),
    ]);
    expect(plannedSubscriptions(plan.groups[0]).map((subscription) => subscription.subscriptionId)).toEqual([1, 2, 5]);
    expect(plan.subscriptionsLeftOut.map((item) => item.reason)).toEqual([expect.stringContaining("subscription 1 holds 2"), expect.stringContaining("subscription 1 holds 2")]);
  });

  it("does not place an add-on OVH lists under no subscription, nor one whose licence the group also holds on its own", () => {
    const plan = planExport([accountGroup("g-1", [held(1, BASIC, 25), held(2, DEFENDER, 5), held(3, BASIC, 1, { parentSubscriptionId: 9 }), held(9, STANDARD, 2)])]);
    expect(plannedSubscriptions(plan.groups[0]).map((subscription) => subscription.subscriptionId)).toEqual([1, 9]);
    expect(plan.subscriptionsLeftOut.map(({ subscriptionId, reason }) => [subscriptionId, reason])).toEqual([
      [2, expect.stringContaining("an add-on that OVH lists under no subscription of the group")],
      [3, expect.stringContaining('its licence "Microsoft 365 Business Basic" is also held on its own in this group')],
    ]);
  });

  it("writes a licence OVH no longer sells with a caution, and leaves out what a licence file cannot hold", () => {
    const longName = { ...E3, id: 20, name: "x".repeat(201) };
    const twin = { ...E3, id: 21, name: "Office 365 (E3)" };
    const plan = planExport([accountGroup("g-1", [held(1, PROPLUS, 3), held(2, BASIC, 0), held(3, longName, 1), held(4, E3, 2), held(5, twin, 2)], { displayName: "" })]);
    const [written] = plannedSubscriptions(plan.groups[0]);
    expect(written).toMatchObject({ subscriptionId: 1, caution: 'OVH no longer sells "Office 365 ProPlus" for new subscriptions: if this subscription ends, it cannot be ordered again, and its seats cannot be raised' });
    expect(plannedSubscriptions(plan.groups[0])).toHaveLength(1);
    expect(plan.subscriptionsLeftOut.map(({ subscriptionId, reason }) => [subscriptionId, reason])).toEqual([
      [2, "it has 0 seats, which a licence file cannot declare (1 to 1000000)"],
      [3, expect.stringContaining("its licence name cannot be a licence file key")],
      [4, "its licence name and that of subscription 5 would give one resource name, so neither is written"],
      [5, "its licence name and that of subscription 4 would give one resource name, so neither is written"],
    ]);
    expect(plan.groups[0].displayName).toBeUndefined();
    expect(plan.groups[0].notes[0]).toMatch(/^displayName left out: OVH's "" must not be empty/);
  });
});
