import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { randomBytes } from "node:crypto";
import { PACKAGE_NAME, PROVIDER_KEY, type ProviderHost } from "../../pulumi-host";
import { FIXTURE_STATE_FILE } from "./fixture-counter";
import { REPO_ROOT } from "./paths";
import { MIN_SECRET_LENGTH, SecretSweep, secretForms, type SweepRecord } from "./secret-sweep";
import { SWEEP_DIR_ENV, SWEEP_KEY_ENV, digestNeedle, findDigests } from "./secret-sweep-shared";
// The reporter is plain JavaScript, loaded by jest's main process; here it runs in the test to prove it fails a run.
const SecretSweepReporter = require("./secret-sweep-reporter") as new (config: { rootDir: string }) => {
  onRunStart(): void;
  onTestFileResult(test: unknown, result: unknown): void;
  onRunComplete(): void;
  getLastError(): Error | undefined;
};

/**
 * These tests leak secrets on purpose, into their own SecretSweep instances and scratch directories: never into the
 * run's shared sweep, whose findings would fail the run.
 */

const probeSecret = () => `leak-probe-${randomBytes(12).toString("hex")}`;

function probeSweep(): { sweep: SecretSweep; records: SweepRecord[]; secret: string } {
  const records: SweepRecord[] = [];
  const sweep = new SecretSweep({ record: (record) => records.push(record) });
  const secret = probeSecret();
  sweep.register("consumerKey", secret);
  return { sweep, records, secret };
}

describe("sweeping text", () => {
  it("finds a secret as is, names it, and shows context without the value", () => {
    const { sweep, records, secret } = probeSweep();
    const text = `the request failed; X-Ovh-Consumer: ${secret} (retrying in 2 s, attempt 2 of 3)`;
    const findings = sweep.text("stderr", text, "ovh-office365 groups");
    expect(findings).toEqual([
      // 30 characters either side.
      { surface: "stderr", secret: "consumerKey", context: "quest failed; X-Ovh-Consumer: [consumerKey] (retrying in 2 s, attempt 2 o", location: "ovh-office365 groups" },
    ]);
    expect(JSON.stringify(records)).not.toContain(secret);
    expect(records).toContainEqual({ kind: "scanned", surface: "stderr", items: 1, bytes: text.length });
    expect(records.filter((record) => record.kind === "found")).toHaveLength(1);
  });

  it("finds nothing in text without a secret, and counts what it searched", () => {
    const { sweep, records } = probeSweep();
    const text = 'ordered 5 seats of "Microsoft 365 Business Basic"';
    expect(sweep.text("stdout", text)).toEqual([]);
    expect(records).toEqual([{ kind: "scanned", surface: "stdout", items: 1, bytes: text.length }]);
  });

  it.each([0, 1, 2])("finds a secret base64-encoded inside a longer value, %i byte(s) after a 3-byte boundary", (offset) => {
    const { sweep, secret } = probeSweep();
    const encoded = Buffer.from(`${"p".repeat(3 + offset)}${secret}:trailer`).toString("base64");
    expect(sweep.text("outputs", `{"authorization":"Basic ${encoded}"}`).map((finding) => finding.secret)).toEqual(["consumerKey (base64)"]);
    const urlSafe = Buffer.from(`${"p".repeat(3 + offset)}${secret}:trailer`).toString("base64url");
    expect(sweep.text("outputs", urlSafe).map((finding) => finding.secret)).toEqual([expect.stringMatching(/^consumerKey \(base64(url)?\)$/)]);
  });

  it("finds a secret URL-encoded, JSON-escaped and in hex", () => {
    const sweep = new SecretSweep();
    const secret = `p@ss/word "${randomBytes(6).toString("hex")}"+`;
    sweep.register("clientSecret", secret);
    expect(sweep.text("stdout", `client_secret=${encodeURIComponent(secret)}&grant_type=client_credentials`)[0].secret).toBe("clientSecret (URL-encoded)");
    expect(sweep.value("inputs", { clientSecret: secret })[0].secret).toBe("clientSecret (JSON-escaped)");
    expect(sweep.text("files", Buffer.from(secret).toString("hex"))[0].secret).toBe("clientSecret (hex)");
    const forms = secretForms(secret);
    expect(forms.map((form) => form.form)).toEqual(expect.arrayContaining(["", "URL-encoded", "JSON-escaped", "hex", "base64"]));
    expect(forms.filter((form) => form.form === "base64")).toHaveLength(3);
  });

  it("finds OAuth2 tokens the simulator issues by their shape, and redacts every secret in a context", () => {
    const { sweep, secret } = probeSweep();
    const token = `ovhsim.${randomBytes(24).toString("base64url")}.${randomBytes(16).toString("base64url")}`;
    const findings = sweep.text("stdout", `Authorization: Bearer ${token} consumer ${secret}`);
    expect(findings.map((finding) => finding.secret)).toEqual(["OAuth2 access token issued by the simulator", "consumerKey"]);
    for (const finding of findings) {
      expect(finding.context).not.toContain(secret);
      expect(finding.context).not.toContain(token);
    }
  });

  it("learns credential settings by name from stack config and environment, leaving out empty and short values", () => {
    const records: SweepRecord[] = [];
    const sweep = new SecretSweep({ record: (record) => records.push(record), digestKey: "k".repeat(64) });
    const [config, env, marked] = [probeSecret(), probeSecret(), probeSecret()];
    sweep.registerSettings({ "ovh:endpoint": "http://127.0.0.1:9/1.0", "ovh:applicationKey": "visible-application-key", "ovh:applicationSecret": config, "app:token": marked }, ["app:token"]);
    sweep.registerSettings({ OVH_ACCESS_TOKEN: env, OVH_CONSUMER_KEY: "", OVH_CLIENT_SECRET: "short" });
    expect(sweep.text("stdout", `${config} ${env} ${marked} visible-application-key short`).map((finding) => finding.secret)).toEqual(["applicationSecret", "accessToken", "app:token"]);
    const digests = records.flatMap((record) => (record.kind === "needles" ? record.needles : []));
    expect(digests.filter((needle) => !needle.secret.includes("("))).toHaveLength(3);
    expect(JSON.stringify(records)).not.toContain(config);
    expect(() => sweep.register("accessToken", "x".repeat(MIN_SECRET_LENGTH - 1))).toThrow(`at least ${MIN_SECRET_LENGTH}`);
  });
});

describe("sweeping a scratch directory", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "secret-sweep-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function write(relative: string, content: string | Buffer): void {
    fs.mkdirSync(path.dirname(path.join(dir, relative)), { recursive: true });
    fs.writeFileSync(path.join(dir, relative), content);
  }

  it("finds a deliberately leaked secret in a nested file, a binary file and a changed package file", () => {
    const { sweep, records, secret } = probeSweep();
    write("Pulumi.dev.yaml", "config:\n  ovh:endpoint: ovh-eu\n");
    write(path.join(".pulumi", "stacks", "dev.json"), JSON.stringify({ outputs: { consumerKey: secret } }));
    write("cache.bin", Buffer.concat([randomBytes(64), Buffer.from(secret), randomBytes(64)]));
    const packageFile = path.join("node_modules", PACKAGE_NAME, "package.json");
    write(packageFile, `${fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")}\n// ${secret}`);
    const findings = sweep.dir(dir);
    expect(findings.map((finding) => [finding.surface, finding.location]).sort()).toEqual(
      [["files", path.join(".pulumi", "stacks", "dev.json")], ["files", "cache.bin"], ["files", packageFile]].sort(),
    );
    expect(records.filter((record) => record.kind === "scanned").length).toBe(4);
  });

  it("skips, and counts, copies of the package's files identical to the repository's", () => {
    const { sweep, records } = probeSweep();
    const packageJson = fs.readFileSync(path.join(REPO_ROOT, "package.json"));
    write(path.join("node_modules", PACKAGE_NAME, "package.json"), packageJson);
    expect(sweep.dir(dir)).toEqual([]);
    expect(records).toEqual([expect.objectContaining({ kind: "skipped", surface: "files", items: 1, bytes: packageJson.length })]);
  });

  it("marks the fixture-counter's record of its configure() call as exempt, with the reason", () => {
    const { sweep, secret } = probeSweep();
    write(FIXTURE_STATE_FILE, JSON.stringify({ configured: [{ applicationSecret: secret }] }));
    const [finding] = sweep.dir(dir);
    expect(finding.location).toBe(FIXTURE_STATE_FILE);
    expect(finding.exemptBecause).toContain("fixture-counter");
  });
});

describe("sweeping a provider host", () => {
  /** Enough of a host to see what the sweep does around each call. */
  function fakeHost(secret: string): ProviderHost {
    const host = {
      pid: 4242,
      check: async (_urn: string, _olds: object, news: object) => ({ inputs: news, failures: [] }),
      create: async () => ({ id: "csp2-1/7", outs: { seats: 5, note: `ordered with ${secret}` } }),
      delete: async () => {
        throw new Error(`delete refused for consumer ${secret}`);
      },
      makeUrn: function (this: { pid: number }, type: string, name: string) {
        return `urn:pulumi:dev::project::${type}::${name}-${this.pid}`;
      },
    };
    return host as unknown as ProviderHost;
  }

  it("searches __provider, inputs, outputs and rejections, and hands back results and errors unchanged", async () => {
    const { sweep, records, secret } = probeSweep();
    const raw = fakeHost(secret);
    const host = sweep.host(raw);
    expect(sweep.host(raw)).toBe(host);

    await host.check("urn", {}, { [PROVIDER_KEY]: `exports.handler = () => "${secret}"`, seats: 5 });
    const created = await host.create("urn", { seats: 5 });
    expect(created.id).toBe("csp2-1/7");
    const error = await host.delete("csp2-1/7", "urn", created.outs).catch((rejection: unknown) => rejection);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe(`delete refused for consumer ${secret}`);
    expect(host.pid).toBe(4242);
    expect(host.makeUrn("t", "n")).toBe("urn:pulumi:dev::project::t::n-4242");

    const found = records.filter((record) => record.kind === "found").map((record) => record.kind === "found" && [record.surface, record.location]);
    expect(found).toEqual([
      ["__provider", undefined], // check's news
      ["__provider", undefined], // check's checked inputs, as returned
      ["outputs", undefined], // create's outputs
      ["outputs", undefined], // delete's outputs from state
      ["errors", "host.delete"],
    ]);
  });
});

describe("the reporter", () => {
  let rootDir: string;
  const savedEnv = { dir: process.env[SWEEP_DIR_ENV], key: process.env[SWEEP_KEY_ENV] };
  beforeEach(() => {
    rootDir = fs.mkdtempSync(path.join(os.tmpdir(), "secret-sweep-reporter-"));
  });
  afterEach(() => {
    fs.rmSync(rootDir, { recursive: true, force: true });
    process.env[SWEEP_DIR_ENV] = savedEnv.dir;
    process.env[SWEEP_KEY_ENV] = savedEnv.key;
    jest.restoreAllMocks();
  });

  /** Runs the reporter around one test file whose worker recorded `records` and whose console printed `console`. */
  function report(work: (sweep: SecretSweep) => void, console: string[]): { error: Error | undefined; printed: string } {
    const reporter = new SecretSweepReporter({ rootDir });
    reporter.onRunStart();
    const recordFile = path.join(process.env[SWEEP_DIR_ENV]!, "worker.jsonl");
    const testPath = path.join(rootDir, "test", "leaky.test.ts");
    const sweep = new SecretSweep({
      digestKey: process.env[SWEEP_KEY_ENV],
      record: (record) => fs.appendFileSync(recordFile, `${JSON.stringify({ testPath, ...record })}\n`),
    });
    work(sweep);
    reporter.onTestFileResult({}, { testFilePath: testPath, console: console.map((message) => ({ message, origin: "", type: "log" })) });
    const printed: string[] = [];
    jest.spyOn(process.stderr, "write").mockImplementation((text) => printed.push(String(text)) > 0);
    reporter.onRunComplete();
    jest.restoreAllMocks();
    return { error: reporter.getLastError(), printed: printed.join("") };
  }

  it("fails the run on a secret in a test's console output, naming surface and test file, without printing the secret", () => {
    const secret = probeSecret();
    const { error, printed } = report((sweep) => sweep.register("clientSecret", secret), [`token request with ${Buffer.from(`id:${secret}`).toString("base64")}`]);
    expect(error?.message).toContain(`test console in ${path.join("test", "leaky.test.ts")}`);
    expect(printed).toMatch(/test console\s+1\s+\d+\s+1/);
    expect(printed).toContain("clientSecret (base64)");
    expect(printed).not.toContain(secret);
    expect(fs.readdirSync(path.join(rootDir, ".tmp", "secret-sweep"))).toEqual([]);
  });

  it("passes a clean run and prints its figures per surface; exempt occurrences are listed, not failed", () => {
    const secret = probeSecret();
    const { error, printed } = report((sweep) => {
      sweep.register("consumerKey", secret);
      sweep.text("stdout", "created csp2-1/7");
      sweep.value("inputs", { seats: 5 });
      const scratch = fs.mkdtempSync(path.join(rootDir, "program-"));
      fs.writeFileSync(path.join(scratch, FIXTURE_STATE_FILE), secret);
      sweep.dir(scratch);
    }, ["figures: 20 cases, 20 converged"]);
    expect(error).toBeUndefined();
    expect(printed).toMatch(/stdout\s+1\s+16\s+0/);
    expect(printed).toMatch(/inputs\s+1\s+11\s+0/);
    expect(printed).toMatch(/test console\s+1\s+\d+\s+0/);
    expect(printed).toContain("exempt: 1 occurrence in test/leaky.test.ts: fixture-counter");
    expect(printed).toContain("Secret sweep: 0 occurrences");
  });

  it("finds digested needles anywhere in a text, and nothing else", () => {
    const key = randomBytes(32).toString("hex");
    const [short, long] = [randomBytes(6).toString("hex"), probeSecret()];
    const needles = [digestNeedle(key, "a", short), digestNeedle(key, "b", long)];
    const text = `${short} middle ${long}${short}`;
    expect(findDigests(text, needles, key)).toEqual(
      expect.arrayContaining([
        { start: 0, end: 12, secret: "a" },
        { start: 20, end: 20 + long.length, secret: "b" },
        { start: 20 + long.length, end: 32 + long.length, secret: "a" },
      ]),
    );
    expect(findDigests(text, needles, key)).toHaveLength(3);
    expect(findDigests(`${short.slice(1)} ${long.slice(0, -1)}`, needles, key)).toEqual([]);
  });
});
