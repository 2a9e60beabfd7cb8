import { changedSubscriptions, refusedDeletesSummary, renderChanges, renderHoldings, type SubscriptionSnapshot } from "../../provider/cli/demo-view";
import { rowsOf, tablesIn } from "./tables";

type Line = SubscriptionSnapshot[number];

const basic = (seats: number, taskPendingId: number | null = null): Line => ({
  id: 11,
  licenseId: 1,
  licenseName: "Microsoft 365 Business Basic",
  seats,
  status: "ok",
  taskPendingId,
});
const standard = (seats: number, id = 12): Line => ({ id, licenseId: 2, licenseName: "Microsoft 365 Business Standard", seats, status: "ok", taskPendingId: null });
const untouched: Line = { id: 5, licenseId: 3, licenseName: null, seats: 40, status: "ok", taskPendingId: null };

describe("changedSubscriptions", () => {
  it("leaves out subscriptions that did not change", () => {
    expect(changedSubscriptions([[untouched, basic(5)], [untouched, basic(5)]])).toEqual([]);
    expect(changedSubscriptions([])).toEqual([]);
  });

  it("shows an order, a seat change seen along the way, and a deletion", () => {
    const changes = changedSubscriptions([
      [untouched, basic(8), standard(2)],
      [untouched, basic(6), standard(2)],
      [untouched, basic(8), standard(2, 13)],
    ]);
    expect(changes).toEqual([
      { id: 11, license: "Microsoft 365 Business Basic", seats: "8 => 6 => 8" },
      { id: 12, license: "Microsoft 365 Business Standard", seats: "deleted (had 2)" },
      { id: 13, license: "Microsoft 365 Business Standard", seats: "ordered: 2" },
    ]);
  });

  it("shows a task seen pending, and the seats when it ended", () => {
    expect(changedSubscriptions([[basic(8)], [basic(8, 901)], [basic(8)]])).toEqual([
      { id: 11, license: "Microsoft 365 Business Basic", seats: "8 => 8 (task 901 pending) => 8" },
    ]);
  });

  it("shows the seat changes before a deletion, and a subscription that came and went within the step", () => {
    expect(changedSubscriptions([[basic(8)], [basic(6)], []])[0].seats).toBe("8 => 6 => deleted");
    expect(changedSubscriptions([[], [standard(3)], []])[0].seats).toBe("ordered, then deleted (had 3)");
  });

  it("names a licence OVH names nowhere by its id", () => {
    expect(changedSubscriptions([[untouched], []])[0].license).toBe("licence 3");
  });
});

describe("rendering", () => {
  it("draws the changes as a short table under the group's name", () => {
    const text = renderChanges("csp2-1", [{ id: 11, license: "Microsoft 365 Business Basic", seats: "5 => 8" }]);
    expect(text.split("\n")[0]).toBe("Control panel of csp2-1, subscriptions that changed:");
    expect(rowsOf(tablesIn(text.replace(/^ {2}/gm, ""))[0])).toEqual([{ Id: "11", Licence: "Microsoft 365 Business Basic", "Seats during this step": "5 => 8" }]);
  });

  it("says so when nothing changed", () => {
    expect(renderChanges("csp2-1", [])).toBe("Control panel of csp2-1: no subscription changed.\n");
  });

  it("lists the group's subscriptions at the start, sorted by id", () => {
    const text = renderHoldings("csp2-1", "Contoso", [basic(5, 77), untouched]);
    expect(text.split("\n")[0]).toBe("Licence group csp2-1 (Contoso) before the demo:");
    expect(rowsOf(tablesIn(text.replace(/^ {2}/gm, ""))[0])).toEqual([
      { Id: "5", Licence: "licence 3", Seats: "40", Status: "ok" },
      { Id: "11", Licence: "Microsoft 365 Business Basic", Seats: "5 (task 77 pending)", Status: "ok" },
    ]);
    expect(renderHoldings("csp2-1", "Contoso", [])).toBe("Licence group csp2-1 (Contoso) holds no subscription yet.\n");
  });
});

describe("refusedDeletesSummary", () => {
  it("names every refused delete, by its resource name and id", () => {
    const basicDelete = { name: "business-basic", id: "csp2-a/11" };
    const standardDelete = { name: "business-standard", id: "csp2-a/12" };
    expect(refusedDeletesSummary([basicDelete, standardDelete])).toBe(
      "pulumi destroy: 2 deletes refused, nothing deleted: business-basic (csp2-a/11) and business-standard (csp2-a/12) stay at OVH.",
    );
    expect(refusedDeletesSummary([basicDelete, standardDelete, { name: "e3", id: "csp2-a/13" }])).toContain("business-basic (csp2-a/11), business-standard (csp2-a/12) and e3 (csp2-a/13) stay");
    expect(refusedDeletesSummary([basicDelete])).toBe("pulumi destroy: 1 delete refused, nothing deleted: business-basic (csp2-a/11) stays at OVH.");
  });
});
