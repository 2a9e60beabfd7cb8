import * as fs from "node:fs";
import * as path from "node:path";
import { ExitCode, type FailureJson } from "../../provider/cli/commands/command-support";
import { runExport, type ExportOptions, type ExportReport } from "../../provider/cli/commands/export";
import { runSubscriptions, type SubscriptionsReport } from "../../provider/cli/commands/subscriptions";
import { licenseGroupToken, subscriptionToken } from "../../provider/native/tokens";
import type { OvhRequest, OvhRequester } from "../../provider/ovh";
import { loadLicenseFile, parseLicenseFile, type LicenseFile } from "../../provider/resources/license-file-parsing";
import type { SeedSpec } from "../../simulator";
import { REPO_ROOT, makeProgramDir, removeDir } from "../support/paths";
import { PULUMI_IMPORT_FILE_KEYS, PULUMI_IMPORT_RESOURCE_KEYS } from "./account/fixtures";
import { commandFixture } from "./command-fixture";
import { secretValues } from "./support";
import { rowsOf, tablesIn } from "./tables";

/**
 * `export` and `subscriptions` run in-process against the simulator holding the multi-tenant example's account: six
 * customers, nine subscriptions, one of them an add-on.
 */

const SEED = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "examples", "multi-tenant", "simulator-seed.json"), "utf8")) as SeedSpec;
const fixture = commandFixture({ seed: SEED });
const { run, apiRequestCount } = fixture;
const admin = () => fixture.simulator.admin;

let dir: string;
beforeAll(() => {
  dir = makeProgramDir("export");
});
afterAll(() => removeDir(dir));

let files = 0;
const scratch = (name: string) => path.join(dir, `${++files}-${name}`);

const exporting = (options: ExportOptions = {}, serviceNames: string[] = [], requester: OvhRequester = fixture.requester) =>
  run((writer) => runExport(requester, writer, serviceNames, options));

/** What the file declares, by subscription id: licence, seats and the licence an add-on extends. */
function declarations(file: LicenseFile) {
  return file.groups
    .flatMap((group) => group.subscriptions.map((entry) => ({ serviceName: group.serviceName, subscriptionId: entry.subscriptionId, license: entry.license, seats: entry.seats, addonOf: entry.addonOf })))
    .sort((a, b) => (a.subscriptionId ?? 0) - (b.subscriptionId ?? 0));
}

/** The account as the simulator holds it, as a licence file would declare it. */
function heldByOvh() {
  return admin()
    .licenceGroups()
    .flatMap((serviceName) => {
      const subscriptions = admin().subscriptions(serviceName);
      return subscriptions.map((s) => ({
        serviceName,
        subscriptionId: s.id,
        license: s.licenseName,
        seats: s.quantity,
        addonOf: s.parentSubscriptionId === null ? undefined : subscriptions.find((parent) => parent.id === s.parentSubscriptionId)?.licenseName,
      }));
    })
    .sort((a, b) => a.subscriptionId - b.subscriptionId);
}

describe("export: a licence file", () => {
  it("of the whole account loads with loadLicenseFile and adopts every subscription as OVH holds it, add-ons under their parent", async () => {
    const out = scratch("licences.yaml");
    const result = await exporting({ out });
    expect(result.exitCode).toBe(ExitCode.ok);
    expect(result.stderr).toBe("");
    const file = loadLicenseFile(out);
    expect(declarations(file)).toEqual(heldByOvh());
    expect(heldByOvh()).toHaveLength(9);
    expect(file.groups.map((group) => [group.serviceName, group.displayName])).toEqual(
      admin()
        .licenceGroups()
        .map((serviceName) => [serviceName, admin().state().groups[serviceName].tenant.displayName]),
    );
    expect(result.stdout.split("\n").slice(0, 2)).toEqual([
      "Read every licence group of the account: 6 groups.",
      `Wrote 6 groups and 9 subscriptions to ${out}, each subscription adopted by its subscriptionId with its seats as they are.`,
    ]);
    expect(fs.readFileSync(out, "utf8")).toMatch(/^# Written by `ovh-office365 export` from every licence group of the account/);
  });

  it("goes to stdout with the report on stderr; with --json the report carries the file, and only the groups named are read", async () => {
    const named = ["csp2-c91e0d77", "csp2-1f4a7c92"];
    const text = await exporting({}, named);
    expect(text.exitCode).toBe(ExitCode.ok);
    expect(declarations(parseLicenseFile(text.stdout, "stdout")).map((entry) => entry.subscriptionId)).toEqual([3001201, 3001202, 3001208, 3001209]);
    expect(text.stderr).toMatch(/^Read 2 licence groups: csp2-1f4a7c92, csp2-c91e0d77\.\nWrote 2 groups and 4 subscriptions to stdout/);

    const json = await exporting({ json: true }, named);
    const report = JSON.parse(json.stdout) as ExportReport;
    expect(Object.keys(report)).toEqual(["format", "wholeAccount", "serviceNames", "destination", "merged", "added", "left", "notManaged", "cautions", "content"]);
    expect(report).toMatchObject({ format: "licence-file", wholeAccount: false, serviceNames: ["csp2-1f4a7c92", "csp2-c91e0d77"], destination: null, merged: false, notManaged: [], cautions: [] });
    expect(report.added).toContainEqual({ serviceName: "csp2-c91e0d77", subscriptionId: 3001209, license: "Microsoft 365 Audio Conferencing", seats: 2, parentSubscriptionId: 3001208 });
    expect(report.content).toBe(text.stdout);
    expect(json.stderr).toBe("");
  });

  it("says what it does not manage, in the report and as comments: tasks in progress, deleted or doubled subscriptions, licences no longer sold", async () => {
    const simulator = admin();
    const [acmeBasic] = simulator.subscriptions("csp2-1f4a7c92");
    simulator.startTask("csp2-8d03b5e6", { function: "changeQuantity", subscriptionId: simulator.subscriptions("csp2-8d03b5e6")[0].id, quantity: 6, outcome: "stuck" });
    const doubled = simulator.addSubscription("csp2-5c7e2d10", { license: "Office 365 E3", seats: 2 });
    simulator.setSettings({ deletedSubscriptions: "linger", deletedSubscriptionLingerMs: 600_000 });
    try {
      simulator.deleteSubscription("csp2-b3c8f412", simulator.subscriptions("csp2-b3c8f412")[1].id);
      simulator.setLicence(acmeBasic.licenseId, { newSubscriptionsAllowed: false });
      const out = scratch("cautious.yaml");
      const result = await exporting({ out, json: true });
      expect(result.exitCode).toBe(ExitCode.ok);
      const report = JSON.parse(result.stdout) as ExportReport;
      expect(report.notManaged.map((item) => [item.serviceName, item.subscriptionId ?? "group", item.reason])).toEqual([
        ["csp2-8d03b5e6", "group", expect.stringMatching(/^OVH task \d+ \(changeQuantity, (todo|doing)\) is in progress/)],
        ["csp2-5c7e2d10", 3001204, expect.stringMatching(/^this group holds 2 "Office 365 E3" subscriptions \(3001204 and \d+\)/)],
        ["csp2-5c7e2d10", doubled.id, expect.stringMatching(/^this group holds 2 "Office 365 E3" subscriptions/)],
        ["csp2-b3c8f412", 3001207, 'it is "terminated" at OVH (deleted): nothing to manage'],
      ]);
      // Business Basic is held by Acme and by the garage.
      expect(report.cautions.map((item) => [item.subscriptionId, item.reason])).toEqual([
        [acmeBasic.id, 'OVH no longer sells "Microsoft 365 Business Basic" for new subscriptions: if this subscription ends, it cannot be ordered again'],
        [3001205, expect.stringContaining("OVH no longer sells")],
      ]);
      const text = fs.readFileSync(out, "utf8");
      expect(text).toMatch(/# csp2-8d03b5e6 is not written: OVH task \d+/);
      expect(text).toContain(`# not managed: subscription ${doubled.id} "Office 365 E3" (2 seats): this group holds 2`);
      expect(text).toContain('# not managed: subscription 3001207 "Exchange Online (Plan 1)" (3 seats): it is "terminated" at OVH');
      expect(text).toContain('      # OVH no longer sells "Microsoft 365 Business Basic" for new subscriptions');
      const adopted = declarations(loadLicenseFile(out)).map((entry) => entry.subscriptionId);
      expect(adopted).toEqual([3001201, 3001202, 3001205, 3001206, 3001208, 3001209]);
    } finally {
      simulator.setSettings({ deletedSubscriptions: "vanish" });
      simulator.setLicence(acmeBasic.licenseId, { newSubscriptionsAllowed: true });
    }
  });

  it("shows progress on many groups, never on stdout", async () => {
    for (let index = 0; index < 20; index++) admin().addLicenceGroup({ serviceName: `csp2-many-${String(index).padStart(2, "0")}`, subscriptions: [{ license: "Office 365 E1", seats: 1 + index }] });
    const result = await exporting({ out: scratch("many.yaml") });
    expect(result.progress).toEqual(["Reading 26 licence groups…", ...[3, 6, 9, 12, 15, 18, 21, 24, 26].map((done) => `… ${done} of 26`)]);
    expect(result.stdout).not.toContain("of 26");
  });
});

describe("export --merge", () => {
  /** A file a person wrote for part of the account: comments, their own guard rails, and seats they changed. */
  const handWritten = [
    "# Customers under review. Ask Alice before adding one.",
    "defaults:",
    "  maxSeatChange: 5   # keep it tight",
    "",
    "groups:",
    "  # The big one.",
    "  csp2-1f4a7c92:",
    "    displayName: Acme Corp",
    "    licences:",
    "      Microsoft 365 Business Basic:   # raised for the new office",
    "        seats: 30",
    "        subscriptionId: 3001201",
    "",
    "  csp2-c91e0d77:",
    "    licences:",
    "      Microsoft 365 Business Standard:",
    "        seats: 8",
    "        subscriptionId: 3001208",
    "      # more to come",
    "",
  ].join("\n");

  it("adds what the file lacks and keeps every comment and entry byte for byte", async () => {
    const file = scratch("merge.yaml");
    fs.writeFileSync(file, handWritten);
    const result = await exporting({ merge: file });
    expect(result.exitCode).toBe(ExitCode.ok);
    const merged = fs.readFileSync(file, "utf8");
    let at = 0;
    for (const line of merged.split("\n")) if (line === handWritten.split("\n")[at]) at++;
    expect(at).toBe(handWritten.split("\n").length);
    expect(merged.startsWith(handWritten.slice(0, handWritten.indexOf("        subscriptionId: 3001201\n")))).toBe(true);
    const loaded = loadLicenseFile(file);
    expect(declarations(loaded).find((entry) => entry.subscriptionId === 3001201)?.seats).toBe(30);
    expect(declarations(loaded).filter((entry) => entry.subscriptionId !== 3001201)).toEqual(heldByOvh().filter((entry) => entry.subscriptionId !== 3001201));
    expect(result.stdout).toContain("Merged into");
    expect(result.stdout).toContain("added 4 groups and 7 subscriptions; left 4 groups and entries as written.");
    expect(result.stdout).toContain("csp2-1f4a7c92  Microsoft 365 Business Basic (subscription 3001201, 30 seats): seats 30 in the file, 25 at OVH: `pulumi up` sets 30");

    const again = await exporting({ merge: file, json: true });
    const report = JSON.parse(again.stdout) as ExportReport;
    expect(report.added).toEqual([]);
    expect(fs.readFileSync(file, "utf8")).toBe(merged);
  });

  it("writes the result to --out when given, leaving the file as it was", async () => {
    const file = scratch("merge-source.yaml");
    const out = scratch("merge-out.yaml");
    fs.writeFileSync(file, handWritten);
    expect((await exporting({ merge: file, out })).exitCode).toBe(ExitCode.ok);
    expect(fs.readFileSync(file, "utf8")).toBe(handWritten);
    expect(declarations(loadLicenseFile(out))).toHaveLength(9);
  });

  it("does not write over a file that changed while OVH was read", async () => {
    const file = scratch("edited.yaml");
    fs.writeFileSync(file, handWritten);
    let edited = false;
    const editing: OvhRequester = {
      request: <T>(req: OvhRequest) => {
        if (!edited) fs.appendFileSync(file, "# edited meanwhile\n");
        edited = true;
        return fixture.requester.request<T>(req);
      },
    };
    const result = await exporting({ merge: file }, [], editing);
    expect(result.exitCode).toBe(ExitCode.ovhError);
    expect(result.stderr).toContain(`${file} changed while export read OVH, so it was not written: run export again.`);
    expect(fs.readFileSync(file, "utf8")).toBe(`${handWritten}# edited meanwhile\n`);
  });
});

describe("export --format pulumi-import", () => {
  it("lists resources that exist in the account, under unique names, with the keys Pulumi reads", async () => {
    const out = scratch("import.json");
    const result = await exporting({ format: "pulumi-import", out, provider: "ovh-eu", stack: "dev", project: "customers" });
    expect(result.exitCode).toBe(ExitCode.ok);
    const file = JSON.parse(fs.readFileSync(out, "utf8")) as { nameTable: Record<string, string>; resources: Record<string, string>[] };
    expect(Object.keys(file).filter((key) => !PULUMI_IMPORT_FILE_KEYS.includes(key))).toEqual([]);
    expect(file.nameTable).toEqual({ "ovh-eu": "urn:pulumi:dev::customers::pulumi:providers:ovh-office365::ovh-eu" });
    const groups = file.resources.filter((resource) => resource.type === licenseGroupToken);
    const subscriptions = file.resources.filter((resource) => resource.type === subscriptionToken);
    expect(groups.map((resource) => resource.id)).toEqual(admin().licenceGroups());
    expect(subscriptions.map((resource) => resource.id).sort()).toEqual(heldByOvh().map((entry) => `${entry.serviceName}/${entry.subscriptionId}`).sort());
    expect(groups.length + subscriptions.length).toBe(file.resources.length);
    expect(new Set(file.resources.map((resource) => resource.name)).size).toBe(file.resources.length);
    for (const resource of file.resources) {
      expect(Object.keys(resource).filter((key) => !PULUMI_IMPORT_RESOURCE_KEYS.includes(key))).toEqual([]);
      expect(resource.provider).toBe("ovh-eu");
    }
    expect(file.resources.find((resource) => resource.id === "csp2-c91e0d77/3001209")?.name).toBe("studio-nord-architectes-microsoft-365-business-standard-microsoft-365-audio-conferencing");
    expect(result.stdout).toContain(`Wrote a Pulumi import file of 15 resources (6 groups and 9 subscriptions) to ${out}.`);
  });
});

describe("export: bad requests are refused before anything is sent", () => {
  const existing = () => {
    const file = scratch("exists.yaml");
    fs.writeFileSync(file, handWrittenMinimal);
    return file;
  };
  const handWrittenMinimal = "groups: {}\n";

  it.each<[string, () => ExportOptions, string]>([
    ["--out over an existing file", () => ({ out: existing() }), "the file exists, and export never overwrites one: to add to it, use --merge"],
    ["--out in a directory that does not exist", () => ({ out: path.join(dir, "nowhere", "x.yaml") }), "does not exist: create it, or write elsewhere"],
    ["--merge into a file that does not load", () => ({ merge: (() => { const file = scratch("bad.yaml"); fs.writeFileSync(file, "groups:\n  csp2-1f4a7c92:\n    licences:\n      X: {seat: 1}\n"); return file; })() }), 'did you mean "seats"'],
    ["--merge into a file that does not exist", () => ({ merge: path.join(dir, "missing.yaml") }), "the file cannot be read (no such file)"],
    ["--merge with --format pulumi-import", () => ({ merge: existing(), format: "pulumi-import" }), "--merge adds to a licence file"],
    ["an unknown --format", () => ({ format: "terraform" }), 'Option --format is "terraform": use licence-file'],
    ["--provider without --stack and --project", () => ({ format: "pulumi-import", provider: "ovh-eu" }), "--provider ovh-eu needs --stack and --project too"],
    ["--provider with a licence file", () => ({ provider: "ovh-eu", stack: "dev", project: "p" }), "use them with --format pulumi-import"],
    ["--stack with a slash", () => ({ format: "pulumi-import", provider: "ovh-eu", stack: "org/p/dev", project: "p" }), "the stack's own name, not org/project/stack"],
  ])("%s: exit 2, the option named with the fix", async (_title, options, fix) => {
    const before = apiRequestCount();
    const result = await exporting(options());
    expect({ exitCode: result.exitCode, stdout: result.stdout }).toEqual({ exitCode: ExitCode.usageError, stdout: "" });
    expect(result.stderr).toContain(fix);
    expect(apiRequestCount()).toBe(before);
    const json = await exporting({ ...options(), json: true });
    expect((JSON.parse(json.stderr) as FailureJson).error).toMatchObject({ kind: "usage", message: expect.stringContaining(fix) });
  });

  it("an unknown group named: exit 1, with what to do", async () => {
    const result = await exporting({}, ["csp2-1f4a7c92", "csp2-00000000"]);
    expect(result.exitCode).toBe(ExitCode.ovhError);
    expect(result.stderr).toContain('Licence group "csp2-00000000" does not exist');
  });
});

describe("subscriptions", () => {
  it("lists every group's subscriptions, each add-on after the subscription it extends, as a table and as JSON", async () => {
    const json = await run((writer) => runSubscriptions(fixture.requester, writer, [], { json: true }));
    expect(json.exitCode).toBe(ExitCode.ok);
    const report = JSON.parse(json.stdout) as SubscriptionsReport;
    expect(report.wholeAccount).toBe(true);
    expect(report.groups.map((group) => group.serviceName)).toEqual(admin().licenceGroups());
    expect(Object.keys(report.subscriptions[0])).toEqual(["serviceName", "id", "licenseId", "licenseName", "seats", "status", "taskPendingId", "parentSubscriptionId"]);
    const held = admin().licenceGroups().flatMap((serviceName) => admin().subscriptions(serviceName).map((s) => ({ serviceName, id: s.id, licenseName: s.licenseName, seats: s.quantity, parentSubscriptionId: s.parentSubscriptionId })));
    expect(report.subscriptions.map(({ serviceName, id, licenseName, seats, parentSubscriptionId }) => ({ serviceName, id, licenseName, seats, parentSubscriptionId }))).toEqual(held);

    const text = await run((writer) => runSubscriptions(fixture.requester, writer, []));
    const rows = rowsOf(tablesIn(text.stdout)[0]);
    expect(rows.find((row) => row.Id === "3001209")).toEqual({ Group: "csp2-c91e0d77", Id: "3001209", Licence: "Microsoft 365 Audio Conferencing", Seats: "2", Status: "ok", "Add-on of": "3001208" });
    expect(rows.map((row) => Number(row.Id))).toEqual(report.subscriptions.map((line) => line.id));
  });

  it("lists the groups named only, and shows a task in progress and a group without subscriptions", async () => {
    const empty = admin().addLicenceGroup({ serviceName: "csp2-empty" });
    const [target] = admin().subscriptions("csp2-8d03b5e6");
    const task = admin().startTask("csp2-8d03b5e6", { function: "changeQuantity", subscriptionId: target.id, quantity: 9, outcome: "stuck" });
    const result = await run((writer) => runSubscriptions(fixture.requester, writer, ["csp2-8d03b5e6", empty]));
    expect(result.stdout.split("\n")[0]).toBe("Licence groups: csp2-8d03b5e6, csp2-empty.");
    expect(rowsOf(tablesIn(result.stdout)[0])).toEqual([{ Group: "csp2-8d03b5e6", Id: String(target.id), Licence: "Exchange Online (Plan 1)", Seats: "5", Status: `ok (task ${task.id} pending)`, "Add-on of": "" }]);
    expect(result.stdout).toContain("No subscription yet: csp2-empty.");
  });
});

describe("secrets", () => {
  it("never printed a credential in any output of this file", () => {
    const printed = fixture.printed.join("\n");
    for (const secret of secretValues(fixture.credentials)) expect(printed).not.toContain(secret);
  });
});
