import { planExport, type ExportPlan } from "../../../provider/cli/account/export-plan";
import { mergeLicenseFile, renderLicenseFile } from "../../../provider/cli/account/license-file-writing";
import { LicenseFileError } from "../../../provider/resources/license-file-messages";
import { parseLicenseFile, type LicenseFile } from "../../../provider/resources/license-file-parsing";
import { AUDIO, BASIC, DEFENDER, E3, PROPLUS, STANDARD, accountGroup, held, pendingTask } from "./fixtures";

/** What a licence file declares, by subscription: licence, seats, and the licence an add-on extends. */
function declared(file: LicenseFile) {
  return file.groups.flatMap((group) =>
    group.subscriptions.map((entry) => ({ serviceName: group.serviceName, license: entry.license, seats: entry.seats, subscriptionId: entry.subscriptionId, addonOf: entry.addonOf })),
  );
}

/** Whether `inner` can be had from `outer` by removing characters (or lines): the merge only inserted. */
function isSubsequence<T>(inner: readonly T[], outer: readonly T[]): boolean {
  let at = 0;
  for (const item of outer) if (at < inner.length && item === inner[at]) at++;
  return at === inner.length;
}

const account = [
  accountGroup("csp2-a", [held(1, BASIC, 25), held(2, STANDARD, 10), held(3, DEFENDER, 10, { parentSubscriptionId: 2 }), held(4, PROPLUS, 3), held(5, E3, 1, { status: "suspended" })], { displayName: "Acme Corp" }),
  accountGroup("csp2-b", [held(6, BASIC, 4)], { pendingTasks: [pendingTask(90)] }),
  accountGroup("csp2-c", [held(7, E3, 40), held(8, AUDIO, 2, { parentSubscriptionId: 7 })], { displayName: 'Dupont: "Avocats"' }),
];

describe("renderLicenseFile", () => {
  const plan = planExport(account);
  const text = renderLicenseFile(plan, ["Written by a test."]);

  it("writes a file the loader reads back as the plan: licences by name, seats, ids, add-ons under their parent", () => {
    expect(declared(parseLicenseFile(text, "export.yaml"))).toEqual([
      { serviceName: "csp2-a", license: BASIC.name, seats: 25, subscriptionId: 1, addonOf: undefined },
      { serviceName: "csp2-a", license: STANDARD.name, seats: 10, subscriptionId: 2, addonOf: undefined },
      { serviceName: "csp2-a", license: DEFENDER.name, seats: 10, subscriptionId: 3, addonOf: STANDARD.name },
      { serviceName: "csp2-a", license: PROPLUS.name, seats: 3, subscriptionId: 4, addonOf: undefined },
      { serviceName: "csp2-c", license: E3.name, seats: 40, subscriptionId: 7, addonOf: undefined },
      { serviceName: "csp2-c", license: AUDIO.name, seats: 2, subscriptionId: 8, addonOf: E3.name },
    ]);
    expect(parseLicenseFile(text, "export.yaml").groups.map((group) => group.displayName)).toEqual(["Acme Corp", 'Dupont: "Avocats"']);
  });

  it("says what it leaves out, and cautions, as comments where they would be", () => {
    const lines = text.split("\n");
    const before = (key: string) => lines.slice(0, lines.findIndex((line) => line.trim() === key)).join("\n");
    expect(lines[0]).toBe("# Written by a test.");
    expect(before("csp2-a:")).toMatch(/# not managed: subscription 5 "Office 365 E3" \(1 seats\): its status "suspended"/);
    expect(before("csp2-c:")).toMatch(/# csp2-b is not written: OVH task 90 \(changeQuantity, doing\) is in progress/);
    expect(before("Office 365 ProPlus:")).toMatch(/# OVH no longer sells "Office 365 ProPlus" for new subscriptions/);
    expect(lines.filter((line) => line.length > 120)).toEqual([]);
  });

  it("writes an empty account as a file that loads", () => {
    const empty = renderLicenseFile(planExport([]), ["Nothing yet."]);
    expect(empty).toBe("# Nothing yet.\n\ngroups: {}\n");
    expect(parseLicenseFile(empty, "empty.yaml").groups).toEqual([]);
  });
});

/** A file a person wrote: comments everywhere, four-space indentation, blank lines, quoting and guard rails. */
const HAND_WRITTEN = `# Our customers. Reviewed by Alice.
defaults:
    maxSeatChange: 5      # a typo cannot order 100 seats

groups:
    # Acme: the big one
    csp2-a:   # do not rename
        displayName: "Acme Corp"
        maxSeatChange: 25
        licences:
            "Microsoft 365 Business Basic":
                seats:   30          # raised in March, see ticket 42
                subscriptionId: 1
            Microsoft 365 Business Standard:
                seats: 10
                subscriptionId: 2


            # E3 comes next quarter
    csp2-z:
        licences:
            Office 365 E1: {seats: 2}   # to order
`;

describe("mergeLicenseFile", () => {
  const plan = planExport(account);
  const merged = mergeLicenseFile(HAND_WRITTEN, "licences.yaml", plan, { wholeAccount: true });

  it("keeps every line of the file, comments and spacing included, byte for byte, and only inserts", () => {
    expect(isSubsequence(HAND_WRITTEN.split("\n"), merged.text.split("\n"))).toBe(true);
    expect(merged.text.startsWith(HAND_WRITTEN.slice(0, HAND_WRITTEN.indexOf("                subscriptionId: 2\n")))).toBe(true);
    expect(merged.text).toContain("            Office 365 E1: {seats: 2}   # to order\n\n    csp2-c:\n");
  });

  it("adds what the file lacks in the file's indentation, before the comment that follows the last entry", () => {
    expect(merged.text).toContain(
      [
        "                subscriptionId: 2",
        "                addons:",
        "                    Microsoft Defender for Office 365 (Plan 1):",
        "                        seats: 10",
        "                        subscriptionId: 3",
        '            # OVH no longer sells "Office 365 ProPlus" for new subscriptions: if this subscription ends, it cannot be',
        "            #   ordered again, and its seats cannot be raised",
        "            Office 365 ProPlus:",
        "                seats: 3",
        "                subscriptionId: 4",
        "",
        "",
        "            # E3 comes next quarter",
      ].join("\n"),
    );
    expect(merged.text).toContain(["", "    csp2-c:", "        displayName: 'Dupont: \"Avocats\"'", "        licences:", "            Office 365 E3:"].join("\n"));
  });

  it("never changes an entry: seats that differ are left as written and reported", () => {
    const file = parseLicenseFile(merged.text, "licences.yaml");
    const acme = file.groups.find((group) => group.serviceName === "csp2-a");
    expect(acme?.maxSeatChange).toBe(25);
    expect(declared(file).find((entry) => entry.subscriptionId === 1)?.seats).toBe(30);
    expect(merged.left).toContainEqual({ serviceName: "csp2-a", license: "Microsoft 365 Business Basic", subscriptionId: 1, seats: 30, reason: "seats 30 in the file, 25 at OVH: `pulumi up` sets 30" });
    expect(merged.left).toContainEqual({ serviceName: "csp2-z", reason: "OVH lists no such licence group in this account (or these credentials cannot see it)" });
  });

  it("reports what it added, and what OVH holds that the file still does not manage", () => {
    expect(merged.added.map((item) => item.subscriptionId ?? item.serviceName)).toEqual([3, 4, "csp2-c", 7, 8]);
    expect(merged.notManaged.map((item) => item.subscriptionId ?? item.serviceName)).toEqual([5, "csp2-b"]);
  });

  it("adds nothing the second time: the file it wrote already holds it all", () => {
    const again = mergeLicenseFile(merged.text, "licences.yaml", plan, { wholeAccount: true });
    expect(again.text).toBe(merged.text);
    expect(again.added).toEqual([]);
  });

  it("does not add a subscription whose licence the file declares without its id, and says how to adopt it", () => {
    const text = "groups:\n  csp2-c:\n    licences:\n      office 365 e3:\n        seats: 40\n";
    const outcome = mergeLicenseFile(text, "licences.yaml", planExport([account[2]]), { wholeAccount: false });
    expect(outcome.text).toBe(text);
    expect(outcome.notManaged).toEqual([
      expect.objectContaining({ subscriptionId: 7, reason: expect.stringContaining('the file declares "office 365 e3" without a subscriptionId, to be ordered; to adopt this subscription instead, add subscriptionId: 7') }),
      expect.objectContaining({ subscriptionId: 8, reason: "its parent, subscription 7, is not added (see above)" }),
    ]);
    expect(outcome.left).toContainEqual(expect.objectContaining({ license: "office 365 e3", reason: expect.stringContaining("`pulumi up` refuses to order a second; add subscriptionId: 7") }));
  });

  it("adds into maps written {…} on one line, and keeps Windows line endings", () => {
    const text = "groups:\r\n  csp2-c:\r\n    licences: {}\r\n  csp2-d:\r\n    licences: {Office 365 E1: {seats: 2}}\r\n";
    const outcome = mergeLicenseFile(text, "licences.yaml", planExport([account[2], accountGroup("csp2-d", [held(9, E3, 5, {})])]), { wholeAccount: false });
    expect(isSubsequence([...text], [...outcome.text])).toBe(true);
    expect(outcome.text).toBe(
      "groups:\r\n  csp2-c:\r\n    licences: { Office 365 E3: { seats: 40, subscriptionId: 7, addons: { Microsoft 365 Audio Conferencing: { seats: 2, subscriptionId: 8 } } } }\r\n" +
        "  csp2-d:\r\n    licences: {Office 365 E1: {seats: 2}, Office 365 E3: { seats: 5, subscriptionId: 9 }}\r\n",
    );
    expect(declared(parseLicenseFile(outcome.text, "licences.yaml")).map((entry) => entry.subscriptionId)).toEqual([7, 8, undefined, 9]);
  });

  it("refuses a file that does not load, with its problems", () => {
    expect(() => mergeLicenseFile("groups:\n  csp2-a:\n    licences:\n      X: {seat: 1}\n", "licences.yaml", planExport([]), { wholeAccount: true })).toThrow(LicenseFileError);
  });

  it("tells a group it did not read from one OVH does not have", () => {
    const partial: ExportPlan = planExport([account[2]]);
    expect(mergeLicenseFile(HAND_WRITTEN, "licences.yaml", partial, { wholeAccount: false }).left).toContainEqual({ serviceName: "csp2-a", reason: "not read: not among the groups named" });
  });
});
