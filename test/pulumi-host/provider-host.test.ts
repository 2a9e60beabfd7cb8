import {
  ProgramStageError,
  serializeProvider,
  DYNAMIC_RESOURCE_TYPE,
  PROVIDER_KEY,
  ProviderHostError,
  ProviderOperationError,
  startProviderHost,
  type OutputLine,
  type PropertyMap,
} from "../../pulumi-host";
import {
  FIXTURE_EXPORT,
  FIXTURE_PACKAGE,
  FIXTURE_STATE_FILE,
  IMPLEMENTATION_MARKER,
  editCounterState,
  readCounterState,
  writeFixtureCounter,
} from "../support/fixture-counter";
import { openProviderHarness, type ProviderHarness } from "../support/provider-harness";

const PROJECT = "fixture-project";
// Stands in for a real application secret: it must reach the provider's configure() unwrapped.
const FAKE_SECRET = "fake-application-secret-for-host-test";
const ENDPOINT = "http://127.0.0.1:9/1.0";

/** The error a promise rejects with; fails the test if it resolves. */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  const outcome = await promise.then(
    () => undefined,
    (error: Error) => error,
  );
  if (!outcome) throw new Error("expected the call to fail, but it succeeded");
  return outcome;
}

describe("the real dynamic-provider host, driven over gRPC", () => {
  let harness: ProviderHarness;
  const printed: OutputLine[] = [];

  beforeAll(async () => {
    harness = await openProviderHarness({
      label: "host",
      packageName: FIXTURE_PACKAGE,
      exportNames: [FIXTURE_EXPORT],
      prepare: writeFixtureCounter,
      project: PROJECT,
      config: {
        "ovh:endpoint": ENDPOINT,
        "ovh:applicationSecret": FAKE_SECRET,
        [`${PROJECT}:label`]: "blue",
      },
      secretKeys: ["ovh:applicationSecret"],
      onOutput: (line) => printed.push(line),
    });
  });

  afterAll(async () => {
    await harness?.close();
  });

  const urn = (name: string) => harness.host.makeUrn(DYNAMIC_RESOURCE_TYPE, name);
  const counter = (inputs: PropertyMap) => harness.inputs(FIXTURE_EXPORT, inputs);
  const providerText = () => harness.providers[FIXTURE_EXPORT];

  /** check then create, as `pulumi up` does for a new resource. */
  async function createCounter(name: string, count: number, extra: PropertyMap = {}) {
    const checked = await harness.host.check(urn(name), {}, counter({ name, count, ...extra }));
    expect(checked.failures).toEqual([]);
    const created = await harness.host.create(urn(name), checked.inputs);
    return { inputs: checked.inputs, ...created };
  }

  it("stores a small require() of the package as __provider, not the provider's code", () => {
    const text = providerText();
    expect(text).toContain(`require("${FIXTURE_PACKAGE}/impl.js")`);
    expect(text).not.toContain(IMPLEMENTATION_MARKER);
    expect(text).not.toContain(FIXTURE_STATE_FILE);
    // Seven one-line delegates plus the serializer's wrappers (measured: 1.9 kB).
    expect(Buffer.byteLength(text)).toBeLessThan(3000);
  });

  it("runs the @pulumi/pulumi version installed for the program", () => {
    const sdkVersion = (require("@pulumi/pulumi/package.json") as { version: string }).version;
    expect(harness.host.version).toBe(sdkVersion);
  });

  it("hands the stack config to the provider's configure(), once, with namespaced keys and secrets unwrapped", async () => {
    await createCounter("configured", 1);
    await createCounter("configured-again", 2);
    expect(readCounterState(harness.programDir).configured).toEqual([
      // "label" has no namespace: the host looks it up as "<project>:label".
      { endpoint: ENDPOINT, applicationSecret: FAKE_SECRET, label: "blue" },
    ]);
  });

  it("check applies the provider's defaults, keeps __provider and reports failures by property", async () => {
    const ok = await harness.host.check(urn("checked"), {}, counter({ name: "checked", count: 3 }));
    expect(ok).toEqual({ inputs: { name: "checked", count: 3, step: 1, [PROVIDER_KEY]: providerText() }, failures: [] });

    const bad = await harness.host.check(urn("checked"), {}, counter({ name: "checked", count: -1 }));
    expect(bad.failures).toEqual([{ property: "count", reason: "count must be a whole number >= 0, got -1" }]);
  });

  it("goes through create, read, drift, diff, update and delete like a stack's lifetime", async () => {
    const { host } = harness;
    const created = await createCounter("lifetime", 5);
    expect(created.id).toMatch(/^counter-\d+$/);
    expect(created.outs).toEqual({ name: "lifetime", count: 5, step: 1, [PROVIDER_KEY]: providerText() });

    const refreshed = await host.read(created.id, urn("lifetime"), created.outs, created.inputs);
    expect(refreshed).toEqual({ id: created.id, props: created.outs, inputs: created.outs });

    editCounterState(harness.programDir, (state) => {
      state.counters[created.id].count = 9;
    });
    const drifted = await host.read(created.id, urn("lifetime"), created.outs, created.inputs);
    expect(drifted.props.count).toBe(9);
    expect(drifted.inputs?.count).toBe(9);

    // The program still says 5: the next preview diffs the refreshed outputs against it.
    const wanted = (await host.check(urn("lifetime"), drifted.inputs!, counter({ name: "lifetime", count: 5 }))).inputs;
    const diff = await host.diff(created.id, urn("lifetime"), drifted.props, wanted, { oldInputs: drifted.inputs });
    expect(diff).toEqual({
      changes: "some",
      replaces: [],
      deleteBeforeReplace: false,
      stables: [],
      diffs: [],
      hasDetailedDiff: false,
      // The dynamic-provider host forwards no detailed diff (pulumi/pulumi#3080).
      detailedDiff: {},
    });

    const updated = await host.update(created.id, urn("lifetime"), drifted.props, wanted, { oldInputs: drifted.inputs });
    expect(updated.outs).toEqual({ name: "lifetime", count: 5, step: 1, [PROVIDER_KEY]: providerText() });
    expect(readCounterState(harness.programDir).counters[created.id].count).toBe(5);

    const unchanged = await host.diff(created.id, urn("lifetime"), updated.outs, wanted);
    expect(unchanged.changes).toBe("none");

    const renamed = (await host.check(urn("lifetime"), wanted, counter({ name: "renamed", count: 5 }))).inputs;
    const replace = await host.diff(created.id, urn("lifetime"), updated.outs, renamed);
    expect(replace).toMatchObject({ changes: "some", replaces: ["name"], deleteBeforeReplace: true });

    await host.delete(created.id, urn("lifetime"), updated.outs, { oldInputs: wanted });
    expect(readCounterState(harness.programDir).counters[created.id]).toBeUndefined();
  });

  it("read of a resource that is gone returns an empty id, and props holding only __provider", async () => {
    const created = await createCounter("vanishing", 1);
    editCounterState(harness.programDir, (state) => {
      delete state.counters[created.id];
    });
    const read = await harness.host.read(created.id, urn("vanishing"), created.outs, created.inputs);
    expect(read).toEqual({ id: "", props: { [PROVIDER_KEY]: providerText() } });
  });

  it("read without inputs from the provider returns no inputs", async () => {
    const created = await createCounter("no-inputs", 1, { readWithoutInputs: true });
    const read = await harness.host.read(created.id, urn("no-inputs"), { ...created.outs, readWithoutInputs: true });
    expect(read.inputs).toBeUndefined();
    expect(read.props.count).toBe(1);
  });

  it("an update that returns nothing leaves only __provider in the outputs", async () => {
    const created = await createCounter("forgetful", 1);
    const wanted = counter({ name: "forgetful", count: 2, updateReturnsNothing: true });
    const news = (await harness.host.check(urn("forgetful"), created.inputs, wanted)).inputs;
    const updated = await harness.host.update(created.id, urn("forgetful"), created.outs, news);
    expect(updated.outs).toEqual({ [PROVIDER_KEY]: providerText() });
  });

  it("surfaces the provider's errors with their message, and a partial create with its id", async () => {
    const { host } = harness;
    const checkError = await rejection(
      host.check(urn("broken"), {}, counter({ name: "broken", count: 1, failCheck: "check exploded" })),
    );
    expect(checkError).toBeInstanceOf(ProviderOperationError);
    expect(checkError).toMatchObject({ message: "check exploded", operation: "check", urn: urn("broken"), grpcCode: 2 });

    const createError = await rejection(
      host.create(urn("broken"), counter({ name: "broken", count: 1, step: 1, failCreate: "no room left" })),
    );
    expect(createError).toMatchObject({ message: "no room left", operation: "create", initFailure: undefined });

    const partialError = await rejection(
      host.create(urn("half"), counter({ name: "half", count: 4, step: 1, failAfterCreate: "not ready in time" })),
    );
    expect(partialError).toBeInstanceOf(ProviderOperationError);
    expect(partialError.message).toBe("not ready in time");
    const initFailure = (partialError as ProviderOperationError).initFailure;
    expect(initFailure).toEqual({
      id: expect.stringMatching(/^counter-\d+$/),
      properties: { name: "half", count: 4, step: 1 },
      reasons: ["counter did not become ready"],
    });
    expect(readCounterState(harness.programDir).counters[initFailure!.id]).toEqual({ name: "half", count: 4 });

    const missing = counter({ name: "missing", count: 1 });
    const updateError = await rejection(host.update("counter-404", urn("missing"), missing, missing));
    expect(updateError).toMatchObject({
      message: "counter counter-404 does not exist: refresh, then run again",
      operation: "update",
    });
  });

  it("passes the provider's console output on, line by line", async () => {
    const created = await createCounter("chatty", 1);
    const line = await harness.host.waitForOutput(`created ${created.id} for chatty`);
    expect(line.stream).toBe("stdout");
    expect(printed).toContainEqual(line);
  });

  it("rejects config the engine could never send, naming the key", async () => {
    await expect(harness.host.configure({ endpoint: ENDPOINT })).rejects.toThrow(`use "${PROJECT}:endpoint"`);
    await expect(harness.host.configure({ "ovh:seats": 3 as unknown as string })).rejects.toThrow(
      'config["ovh:seats"] is a number',
    );
    await expect(harness.host.configure({}, { secretKeys: ["ovh:consumerKey"] })).rejects.toThrow(
      'secretKeys names "ovh:consumerKey"',
    );
  });

  it("refuses props without __provider before the host fails on them obscurely", async () => {
    await expect(harness.host.create(urn("bare"), { name: "bare", count: 1 })).rejects.toThrow(
      'create: props has no "__provider" text',
    );
  });

  it("after a crash mid-create, the call fails naming the signal and a new host carries on from durable state", async () => {
    const survivor = await createCounter("survivor", 7);
    const news = (await harness.host.check(urn("slow"), {}, counter({ name: "slow", count: 1, delayMs: 30_000 }))).inputs;
    const crashed = harness.host;
    const pending = rejection(crashed.create(urn("slow"), news));
    await crashed.waitForOutput("creating slow: waiting");
    await crashed.kill("SIGKILL");

    const error = await pending;
    expect(error).toBeInstanceOf(ProviderHostError);
    expect((error as ProviderHostError).exit).toEqual({ code: null, signal: "SIGKILL" });
    expect(error.message).toContain(`exited (signal SIGKILL) during create of ${urn("slow")}`);
    await expect(crashed.check(urn("slow"), {}, news)).rejects.toThrow("has exited (signal SIGKILL)");

    const restarted = await harness.restart();
    expect(restarted.pid).not.toBe(crashed.pid);
    const read = await restarted.read(survivor.id, urn("survivor"), survivor.outs, survivor.inputs);
    expect(read.id).toBe(survivor.id);
    expect(read.props.count).toBe(7);
    expect(Object.values(readCounterState(harness.programDir).counters).map((c) => c.name)).not.toContain("slow");
  });

  it("refuses resource operations before configure(), as the engine never sends them", async () => {
    const host = await startProviderHost({ cwd: harness.programDir, project: PROJECT });
    try {
      await expect(host.check(urn("early"), {}, counter({ name: "early", count: 1 }))).rejects.toThrow(
        "configure() must be called before check",
      );
    } finally {
      const exit = await host.close();
      expect(exit.signal).toBe("SIGTERM");
    }
  });

  it("names the missing export when serializing one the package does not have", async () => {
    const error = await rejection(
      serializeProvider({ programDir: harness.programDir, packageName: FIXTURE_PACKAGE, exportName: "missingProvider" }),
    );
    expect(error).toBeInstanceOf(ProgramStageError);
    expect(error.message).toContain(
      `${FIXTURE_PACKAGE} has no export named "missingProvider"; it exports: ${FIXTURE_EXPORT}`,
    );
  });
});

describe("starting the host", () => {
  it("says how to fix a program directory without @pulumi/pulumi", async () => {
    await expect(startProviderHost({ cwd: "/" })).rejects.toThrow("@pulumi/pulumi cannot be found from /");
  });
});

describe("a provider whose configure() throws", () => {
  let harness: ProviderHarness;

  beforeAll(async () => {
    harness = await openProviderHarness({
      label: "host-configure-fails",
      packageName: FIXTURE_PACKAGE,
      exportNames: [FIXTURE_EXPORT],
      prepare: writeFixtureCounter,
      project: PROJECT,
      config: { [`${PROJECT}:configureFails`]: "credentials are incomplete" },
    });
  });

  afterAll(async () => {
    await harness?.close();
  });

  it("fails only the first operation; the host keeps the provider and never configures it again", async () => {
    const urn = harness.host.makeUrn(DYNAMIC_RESOURCE_TYPE, "unconfigured");
    const inputs = harness.inputs(FIXTURE_EXPORT, { name: "unconfigured", count: 1 });

    const first = await rejection(harness.host.check(urn, {}, inputs));
    expect(first).toMatchObject({ message: "credentials are incomplete", operation: "check" });

    const second = await harness.host.check(urn, {}, inputs);
    expect(second.failures).toEqual([]);
  });
});
