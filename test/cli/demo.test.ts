import * as path from "node:path";
import { runDemo, runPulumiDemo, quickstart } from "../../provider/cli/demo";
import * as providerHost from "../../provider/cli/provider-host";
import { ensurePackageBuilt } from "../support/build";
import { REPO_ROOT, makeProgramDir, removeDir } from "../support/paths";
import { secretSweep } from "../support/secret-sweep";

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
    try {
      await runDemo({ taskDurationMs: 150, workDir, writer: { out: (text) => output.push(text) } });
    } finally {
      hostStarts.mockRestore();
      secretSweep.text("stdout", output.join(""), "ovh-office365 demo");
      removeDir(workDir);
    }
    expect(sweptHosts).toBe(1);
    const text = output.join("");
    for (const { license } of quickstart.subscriptions) expect(text).toContain(`ordered ${quickstart.subscriptions.find((s) => s.license === license)!.seats} seats of "${license}"`);
    expect(text).toContain("~ update business-basic (seats: 5 => 8)");
    expect(text).toMatch(/DRIFT \(task \d+ pending\)/);
    expect(text).toContain("~ business-basic seats: 6 => 8");
    expect(text).toContain("+ create business-standard (it no longer exists at OVH)");
    expect(text).toMatch(/Tasks in progress\n[\s\S]*changeQuantity/);
    expect(text).toMatch(/Done: \d+ OVH API calls, every step converged\./);
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
