import * as fs from "node:fs";
import * as path from "node:path";
import { runDemo, runPulumiDemo, quickstart } from "../../provider/cli/demo";
// The module that defines startProviderHost: the index re-exports it through a getter, which jest cannot replace.
import * as providerHost from "../../pulumi-host/provider-host";
import { ensurePackageBuilt } from "../support/build";
import { REPO_ROOT, makeProgramDir, removeDir } from "../support/paths";
import { secretSweep } from "../support/secret-sweep";
import { rowsOf, tablesIn } from "./tables";

describe("ovh-office365 demo", () => {
  it("walks through every step against the simulator and cleans up", async () => {
    await ensurePackageBuilt();
    const workDir = makeProgramDir("demo");
    const output: string[] = [];
    // The secret sweep sees every call the demo makes to its provider host, and everything the demo prints.
    const startHost = providerHost.startProviderHost;
    let sweptHosts = 0;
    const hostStarts = jest.spyOn(providerHost, "startProviderHost").mockImplementation(async (options) => {
      sweptHosts += 1;
      return secretSweep.host(await startHost(options));
    });
    const reportFile = path.join(workDir, "demo-report.html");
    let report = "";
    try {
      await runDemo({ taskDurationMs: 150, workDir, reportFile, writer: { out: (text) => output.push(text) } });
      report = fs.readFileSync(reportFile, "utf8");
    } finally {
      hostStarts.mockRestore();
      secretSweep.text("stdout", output.join(""), "ovh-office365 demo");
      removeDir(workDir);
    }
    // At its end, the demo writes the account's report and says where.
    expect(output.join("")).toContain(`as \`ovh-office365 report\` writes them: ${reportFile} (open it in a browser).`);
    expect(report).toContain("<h2>Account total</h2>");
    expect(report.match(/<section class="group customer"/g)).toHaveLength(3);
    // The quickstart's seats ordered, changed and deleted during the demo show in this period's peaks.
    expect(report).toMatch(/<td>Microsoft 365 Business Basic<\/td><td class="number">\d+<\/td>/);
    // One host for the run, one for the destroy allowed by its stack config, as two `pulumi` commands would start.
    expect(sweptHosts).toBe(2);
    const text = output.join("");
    const [intro, ...steps] = text.split(/\n(?=\d\. )/);
    expect(steps.map((step) => step.split("\n")[0].slice(0, 2))).toEqual(["1.", "2.", "3.", "4.", "5.", "6.", "7."]);

    // Before the steps: the group as it is, in one short table.
    expect(intro).toMatch(/Licence group csp2-\w+ \(.*\) before the demo:/);
    expect(tablesIn(intro.replace(/^ {2}/gm, "")).length).toBe(1);

    // Each step ends with one short view: only the subscriptions that changed during it, with the seats seen. The
    // refused destroy (step 6) changes nothing.
    const views = [...steps.slice(0, 5), steps[6]].map((step) => {
      const tables = tablesIn(step.replace(/^ {2}/gm, ""));
      expect(tables.length).toBe(1);
      expect(step).toMatch(/Control panel of csp2-\w+, subscriptions that changed:\n/);
      return rowsOf(tables[0]).map((row) => [row.Licence, row["Seats during this step"]]);
    });
    const [basic, standard] = quickstart.subscriptions.map((subscription) => subscription.license);
    expect(views[0]).toEqual([
      [basic, "ordered: 5"],
      [standard, "ordered: 2"],
    ]);
    expect(views[1]).toEqual([[basic, "5 => 8"]]);
    // The control panel's 9 seats show, between its task's end and the provider's own change back to 8.
    expect(views[2]).toEqual([[basic, expect.stringMatching(/^8 => 8 \(task \d+ pending\)( => 9)? => 9 \(task \d+ pending\) => 8$/)]]);
    expect(views[3]).toEqual([[basic, "8 => 6 => 8"]]);
    expect(views[4]).toEqual([
      [standard, "deleted (had 2)"],
      [standard, "ordered: 2"],
    ]);
    expect(views[5]).toEqual([
      [basic, "deleted (had 8)"],
      [standard, "deleted (had 2)"],
    ]);

    // What the provider printed, what the preview showed, and what was done by hand in the control panel.
    for (const { license, seats } of quickstart.subscriptions) expect(steps[0]).toContain(`ordered ${seats} seats of "${license}"`);
    expect(steps[1]).toContain("pulumi preview: ~ update business-basic (seats: 5 => 8)");
    expect(steps[2]).toMatch(new RegExp(`In the control panel, someone set ${basic} to 9 seats: OVH task (\\d+) is running\\.`));
    const taskId = /OVH task (\d+) is running/.exec(steps[2])![1];
    expect(steps[2]).toContain(`pulumi preview --refresh --expect-no-changes would fail: ~ update business-basic (OVH task ${taskId} pending)`);
    expect(steps[3]).toContain(`In the control panel, someone set ${basic} to 6 seats.`);
    expect(steps[3]).toContain("pulumi preview --refresh: ~ business-basic seats: 6 => 8");
    expect(steps[4]).toMatch(new RegExp(`In the control panel, someone deleted the ${standard} subscription \\(\\d+\\)\\.`));
    expect(steps[4]).toContain("pulumi preview --refresh: + create business-standard (it no longer exists at OVH)");
    // The summary names both refused deletes, each by its resource name and id.
    expect(steps[5]).toMatch(/pulumi destroy: 2 deletes refused, nothing deleted: business-basic \(csp2-\w+\/\d+\) and business-standard \(csp2-\w+\/\d+\) stay at OVH\./);
    // Each refusal in full: what it would cancel, and what to set.
    const refusals = steps[5].split("\n").filter((line) => /^ {2}│ csp2-\w+\/\d+: not deleted\./.test(line));
    expect(refusals).toHaveLength(2);
    for (const refusal of refusals) expect(refusal).toMatch(/this stack does not allow it\. .*pulumi config set ovh-office365:allowDeletes csp2-\w+\/\d+/);
    expect(steps[5]).toMatch(/Control panel of csp2-\w+: no subscription changed\./);
    expect(steps[6]).toContain("removed from the program but NOT terminated");
    expect(text).toMatch(/\nDone: \d+ OVH API calls, every step converged\.\n$/);

    // Nothing meant for developers, no exit code it did not see, no full control-panel page.
    expect(text).not.toMatch(/\bpid\b|bytes|__provider|stag(ed|ing)|provider host \d|exit code|General information/i);
    expect(path.relative(REPO_ROOT, workDir).startsWith(".tmp")).toBe(true);
  });

  it("with --pulumi and no Pulumi CLI on PATH, says what to install before starting anything", async () => {
    const savedPath = process.env.PATH;
    process.env.PATH = "";
    try {
      await expect(runPulumiDemo({ taskDurationMs: 100, writer: { out: () => undefined } })).rejects.toThrow(
        "--pulumi needs the Pulumi CLI on PATH",
      );
    } finally {
      process.env.PATH = savedPath;
    }
  });
});
