import { spawn, type ChildProcessWithoutNullStreams } from "child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { rawRequest } from "./support/ovh-http";

const ROOT = join(__dirname, "../..");
const REGISTER = join(__dirname, "support/transpile-register.js");
const MAIN = join(ROOT, "provider/cli/main.ts");

interface Started {
  child: ChildProcessWithoutNullStreams;
  endpoint: string;
  output: () => string;
}

/** Runs `ovh-office365 simulator …` from the sources and waits for its `endpoint:` line. */
function startCli(args: string[], env: Record<string, string> = {}): Promise<Started> {
  const child = spawn(process.execPath, ["-r", REGISTER, MAIN, "simulator", ...args], { cwd: ROOT, env: { ...process.env, ...env } });
  let stdout = "";
  let stderr = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no endpoint line within 20 s\n${stdout}\n${stderr}`)), 20_000);
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
      const match = /^endpoint: (\S+)$/m.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve({ child, endpoint: match[1], output: () => stdout });
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`simulator exited with ${code}\n${stdout}\n${stderr}`));
    });
  });
}

function stop(child: ChildProcessWithoutNullStreams, signal: NodeJS.Signals): Promise<number | null> {
  return new Promise((resolve) => {
    child.removeAllListeners("exit");
    child.on("exit", (code) => resolve(code));
    child.kill(signal);
  });
}

describe("ovh-office365 simulator", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "ovh-simulator-cli-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("prints the endpoint first once it serves requests, then credentials and exports; stops cleanly on SIGTERM", async () => {
    const { child, endpoint, output } = await startCli(["--port", "0", "--task-duration", "200"]);
    expect(output().split("\n")[0]).toBe(`endpoint: ${endpoint}`);
    expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/1\.0$/);
    const time = await rawRequest(`${endpoint}/auth/time`);
    expect(time.status).toBe(200);
    expect(typeof time.body).toBe("number");
    expect(output()).toContain(`export OVH_ENDPOINT=${endpoint}`);
    expect(output()).toMatch(/export OVH_APPLICATION_KEY=\S+/);
    expect(await stop(child, "SIGTERM")).toBe(0);
  });

  it("serves HTTPS with --tls, writing its CA to --ca-out, and never echoes credentials it was given", async () => {
    const caOut = join(dir, "ca.pem");
    const { child, endpoint, output } = await startCli(["--port", "0", "--tls", "--ca-out", caOut, "--application-secret", "given-secret-value"], {
      OVH_SIMULATOR_CONSUMER_KEY: "given-consumer-key",
    });
    try {
      expect(endpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/1\.0$/);
      expect(existsSync(caOut)).toBe(true);
      const ca = readFileSync(caOut, "utf8");
      expect(ca).toContain("BEGIN CERTIFICATE");
      expect((await rawRequest(`${endpoint}/auth/time`, { ca })).status).toBe(200);
      await expect(rawRequest(`${endpoint}/auth/time`)).rejects.toThrow(/self-signed|certificate/);
      expect(output()).not.toContain("given-secret-value");
      expect(output()).not.toContain("given-consumer-key");
      expect(output()).toContain(`export NODE_EXTRA_CA_CERTS=${caOut}`);
    } finally {
      expect(await stop(child, "SIGINT")).toBe(0);
    }
  });

  it("takes each setting for what OVH does not publish as a flag or an environment variable, and says which it chose", async () => {
    const { child, endpoint, output } = await startCli(
      [
        "--port", "0",
        "--finished-tasks", "vanish",
        "--pending-task-refusal", "403",
        "--deleted-subscriptions", "linger",
        "--deleted-subscription-status", "inactive",
        "--seat-decrease-refusal", "taskError",
        "--mpn-id-required",
        "--seat-change-lag", "1500",
        "--billing-period", "serviceRenewal",
      ],
      {
        OVH_SIMULATOR_DELETED_SUBSCRIPTION_LINGER: "2500",
        OVH_SIMULATOR_GROUP_ORDER_CONFIGURATIONS: "required",
        OVH_SIMULATOR_NEW_SUBSCRIPTION_LAG: "2000",
        OVH_SIMULATOR_PEAK_AFTER_DECREASE: "loweredInWindow",
      },
    );
    try {
      const settings = await rawRequest(`${endpoint.replace(/\/1\.0$/, "")}/_simulator/settings`);
      expect(settings.body).toMatchObject({
        finishedTasks: "vanish",
        pendingTaskRefusal: 403,
        deletedSubscriptions: "linger",
        deletedSubscriptionStatus: "inactive",
        deletedSubscriptionLingerMs: 2500,
        seatDecreaseRefusal: "taskError",
        mpnIdRequired: true,
        groupOrderConfigurations: "required",
        seatChangeLagMs: 1500,
        newSubscriptionLagMs: 2000,
        deletedSubscriptionLagMs: 0,
        billingPeriod: "serviceRenewal",
        peakAfterDecrease: "loweredInWindow",
      });
      expect(output()).toContain("unpublished OVH behaviour chosen: finishedTasks=vanish, pendingTaskRefusal=403, deletedSubscriptions=linger,");
    } finally {
      expect(await stop(child, "SIGTERM")).toBe(0);
    }

    const defaults = await startCli(["--port", "0"], { OVH_SIMULATOR_MPN_ID_REQUIRED: "0" });
    try {
      const settings = await rawRequest(`${defaults.endpoint.replace(/\/1\.0$/, "")}/_simulator/settings`);
      expect(settings.body).toMatchObject({ finishedTasks: "kept", pendingTaskRefusal: 409, deletedSubscriptions: "vanish", mpnIdRequired: false });
      expect(defaults.output()).not.toContain("unpublished OVH behaviour");
    } finally {
      expect(await stop(defaults.child, "SIGTERM")).toBe(0);
    }
  });

  it.each([
    [["--finished-tasks", "gone"], {}, "Allowed choices are kept, vanish"],
    [["--deleted-subscription-linger", "soon"], {}, "--deleted-subscription-linger must be a whole number"],
    [["--deleted-subscription-lag", "-3"], {}, "--deleted-subscription-lag must be a whole number"],
    [[], { OVH_SIMULATOR_PENDING_TASK_REFUSAL: "500" }, "Allowed choices are 409, 400, 403"],
    [[], { OVH_SIMULATOR_MPN_ID_REQUIRED: "maybe" }, 'OVH_SIMULATOR_MPN_ID_REQUIRED must be 1, true, yes, on or 0, false, no, off, got "maybe"'],
  ])("refuses a bad variant setting %j %j as a usage error (exit 2) naming it and its values", async (args, env, expected) => {
    const child = spawn(process.execPath, ["-r", REGISTER, MAIN, "simulator", "--port", "0", ...args], { cwd: ROOT, env: { ...process.env, ...env } });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(code).toBe(2);
    expect(stderr).toContain(expected);
  });

  it("refuses bad flags with a message naming the flag", async () => {
    const child = spawn(process.execPath, ["-r", REGISTER, MAIN, "simulator", "--port", "seventy"], { cwd: ROOT });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(code).not.toBe(0);
    expect(stderr).toContain("--port must be a whole number");
  });
});
