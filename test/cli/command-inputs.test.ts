import * as net from "node:net";
import { ExitCode, connect, describeFailure } from "../../provider/cli/commands/command-support";
import { runGroups, type GroupsReport } from "../../provider/cli/commands/groups";
import { runLicenses } from "../../provider/cli/commands/licences";
import { runStatus } from "../../provider/cli/commands/status";
import { runTasks } from "../../provider/cli/commands/tasks";
import { runExport } from "../../provider/cli/commands/export";
import { runSubscriptions } from "../../provider/cli/commands/subscriptions";
import { OvhNetworkError, type OvhRequester } from "../../provider/ovh";
import { simulatorEnvironment } from "../../simulator";
import { commandFixture } from "./command-fixture";
import { secretValues, type RecordedOutput } from "./support";

const fixture = commandFixture();
const { run, groupWithSubscriptions, apiRequestCount } = fixture;

type ServiceNameCommand = (requester: OvhRequester, writer: RecordedOutput["writer"], serviceName: string, options: { json?: boolean }) => Promise<number>;
const serviceNameCommands: [string, ServiceNameCommand][] = [
  ["status", runStatus],
  ["licences", runLicenses],
  ["tasks", runTasks],
  ["subscriptions", (requester, writer, serviceName, options) => runSubscriptions(requester, writer, [serviceName], options)],
  ["export", (requester, writer, serviceName, options) => runExport(requester, writer, [serviceName], options)],
];

describe("bad input", () => {
  const badServiceNames = ["", "a/b", "..", "csp2..x", "%2F", "csp2%2Fx", "with space", " csp2-1", "csp2-é", "\u0007csp2", "csp2\n", "-leading-dash", "x".repeat(101), "../saas"];

  it.each(serviceNameCommands)("%s refuses every malformed serviceName with exit code 2 and sends nothing", async (_name, command) => {
    for (const serviceName of badServiceNames) {
      const before = apiRequestCount();
      const result = await run((writer) => command(fixture.requester, writer, serviceName, {}));
      expect({ serviceName, exitCode: result.exitCode }).toEqual({ serviceName, exitCode: ExitCode.usageError });
      expect(result.stdout).toBe("");
      expect(result.stderr).toContain("serviceName");
      expect(result.stderr).toContain("ovh-office365 groups");
      expect(apiRequestCount()).toBe(before);
    }
  });

  it.each(serviceNameCommands)("%s reports an unknown licence group with exit code 1, OVH's query id and what to do", async (_name, command) => {
    const serviceName = "csp2-00000000";
    expect(fixture.simulator.admin.licenceGroups()).not.toContain(serviceName);
    const before = apiRequestCount();
    const result = await run((writer) => command(fixture.requester, writer, serviceName, {}));
    expect(result.exitCode).toBe(ExitCode.ovhError);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain(`Licence group "${serviceName}" does not exist`);
    expect(result.stderr).toContain("ovh-office365 groups");
    expect(result.stderr).toContain("service names are case-sensitive");
    const answered404 = fixture.simulator.requestLog.entries().slice(before).find((entry) => entry.status === 404);
    expect(answered404).toBeDefined();
    expect(result.stderr).toContain(answered404!.queryId);
    expect(fixture.simulator.requestLog.entries().slice(before).every((entry) => entry.method === "GET")).toBe(true);
  });

  it("asks OVH about a service name in capitals, then says names are case-sensitive and offers it in lower case", async () => {
    const existing = groupWithSubscriptions(1);
    const typed = existing.toUpperCase();
    const result = await run((writer) => runStatus(fixture.requester, writer, typed, {}));
    expect(result.exitCode).toBe(ExitCode.ovhError);
    expect(result.stderr).toContain(`Licence group "${typed}" does not exist`);
    expect(result.stderr).toContain(`service names are case-sensitive (try "${existing}")`);
  });

  it("reports failures as JSON on stderr with --json", async () => {
    const unknown = await run((writer) => runStatus(fixture.requester, writer, "csp2-00000000", { json: true }));
    expect(unknown.exitCode).toBe(ExitCode.ovhError);
    const error = (JSON.parse(unknown.stderr) as { error: Record<string, unknown> }).error;
    expect(error).toMatchObject({ kind: "unknownLicenceGroup", status: 404 });
    expect(typeof error.queryId).toBe("string");

    const malformed = await run((writer) => runTasks(fixture.requester, writer, "a/b", { json: true }));
    expect(malformed.exitCode).toBe(ExitCode.usageError);
    expect((JSON.parse(malformed.stderr) as { error: { kind: string } }).error.kind).toBe("usage");
  });
});

describe("configuration", () => {
  const endpointOnly = () => ({ OVH_ENDPOINT: fixture.simulator.endpoint });

  it("exits 2 without sending anything when no credentials are configured, naming the variables to set", async () => {
    const before = apiRequestCount();
    const result = await run((writer) => runGroups(connect({ env: endpointOnly() }), writer));
    expect(result.exitCode).toBe(ExitCode.usageError);
    expect(result.stderr).toContain("No OVH credentials found");
    expect(result.stderr).toContain("OVH_APPLICATION_KEY");
    expect(apiRequestCount()).toBe(before);
  });

  it("exits 2 when two authentication methods are configured", async () => {
    const env = { ...simulatorEnvironment(fixture.simulator), OVH_ACCESS_TOKEN: fixture.credentials.accessToken };
    const result = await run((writer) => runStatus(connect({ env }), writer, groupWithSubscriptions(1), {}));
    expect(result.exitCode).toBe(ExitCode.usageError);
    expect(result.stderr).toContain("More than one OVH authentication method");
  });

  it("checks the serviceName before the configuration", async () => {
    const result = await run((writer) => runLicenses(connect({ env: endpointOnly() }), writer, "a/b", {}));
    expect(result.exitCode).toBe(ExitCode.usageError);
    expect(result.stderr).toContain("Invalid serviceName argument");
  });

  it("takes the endpoint from --endpoint over OVH_ENDPOINT, and refuses an empty or clear-text remote one", async () => {
    const env = { ...simulatorEnvironment(fixture.simulator), OVH_ENDPOINT: "http://127.0.0.1:9/1.0" };
    const viaFlag = await run((writer) => runGroups(connect({ endpoint: fixture.simulator.endpoint, env }), writer, { json: true }));
    expect(viaFlag.exitCode).toBe(ExitCode.ok);
    expect((JSON.parse(viaFlag.stdout) as GroupsReport).groups.map((group) => group.serviceName)).toEqual(fixture.simulator.admin.licenceGroups());

    const empty = await run((writer) => runGroups(connect({ endpoint: " ", env }), writer));
    expect(empty.exitCode).toBe(ExitCode.usageError);
    expect(empty.stderr).toContain("--endpoint");

    const remote = await run((writer) => runGroups(connect({ endpoint: "http://api.example.com/1.0", env }), writer));
    expect(remote.exitCode).toBe(ExitCode.usageError);
    expect(remote.stderr).toContain("not loopback");
  });

  it("works with an OAuth2 service account and with an access token", async () => {
    for (const auth of ["oauth2", "accessToken"] as const) {
      const result = await run((writer) => runGroups(connect({ env: simulatorEnvironment(fixture.simulator, auth) }), writer, { json: true }));
      expect({ auth, exitCode: result.exitCode }).toEqual({ auth, exitCode: ExitCode.ok });
      expect((JSON.parse(result.stdout) as GroupsReport).groups.length).toBe(fixture.simulator.admin.licenceGroups().length);
    }
  });

  it("exits 1 with OVH's hint when OVH refuses the signature", async () => {
    const env = { ...simulatorEnvironment(fixture.simulator), OVH_APPLICATION_SECRET: `${fixture.credentials.applicationSecret}x` };
    const result = await run((writer) => runGroups(connect({ env }), writer));
    expect(result.exitCode).toBe(ExitCode.ovhError);
    expect(result.stderr).toContain("INVALID_SIGNATURE");
    expect(result.stderr).toContain("OVH_APPLICATION_SECRET");
    expect(result.stderr).not.toContain(`${fixture.credentials.applicationSecret}x`);
  });

  it("suggests http:// when an https:// endpoint answers in plain HTTP, and sends it once", async () => {
    const env = { ...simulatorEnvironment(fixture.simulator), OVH_ENDPOINT: fixture.simulator.endpoint.replace(/^http:/, "https:") };
    const result = await run((writer) => runGroups(connect({ env, progress: writer }), writer));
    expect(result.exitCode).toBe(ExitCode.ovhError);
    expect(result.stderr).toContain("got no answer (EPROTO)");
    expect(result.stderr).toContain("the server may speak plain HTTP (e.g. a simulator started without --tls). Try the same URL with http://");
    expect(result.progress).toEqual([]);
  });

  it("maps a request that got no answer to exit code 1 and keeps its advice", () => {
    const failure = describeFailure(new OvhNetworkError("GET", "/saas/csp2", "ECONNRESET", "socket hang up"));
    expect(failure.exitCode).toBe(ExitCode.ovhError);
    expect(failure.message).toContain("check the network");
    expect(failure.json.error.kind).toBe("network");
  });
});

describe("an endpoint that accepts connections and never answers", () => {
  let silent: net.Server;
  let endpoint: string;
  const sockets = new Set<net.Socket>();

  beforeAll(async () => {
    silent = net.createServer((socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    endpoint = `http://127.0.0.1:${(silent.address() as net.AddressInfo).port}/1.0`;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  it("tells each retry on the progress stream, keeps stdout clean, and ends with the attempts, the time and OVH_REQUEST_TIMEOUT_MS", async () => {
    const env = { OVH_ENDPOINT: endpoint, OVH_ACCESS_TOKEN: "token", OVH_REQUEST_TIMEOUT_MS: "100" };
    const result = await run((writer) => runGroups(connect({ env, progress: writer }), writer));
    expect(result.exitCode).toBe(ExitCode.ovhError);
    expect(result.stdout).toBe("");
    // Each line says how long that attempt waited: the 100 ms timeout, as measured (a loaded machine may add to it).
    const prefix = `No answer from ${endpoint} after `;
    expect(result.progress).toHaveLength(4);
    result.progress.forEach((line, index) => {
      const suffix = `; trying again (attempt ${index + 2} of 5)…`;
      const waited = line.startsWith(prefix) && line.endsWith(suffix) ? line.slice(prefix.length, -suffix.length) : "";
      const waitedMs = /^\d+ ms$/.test(waited) ? Number.parseInt(waited, 10) : /^[\d.]+ s$/.test(waited) ? Number.parseFloat(waited) * 1000 : NaN;
      expect({ line, waitedAtLeastTheTimeout: waitedMs >= 99 }).toEqual({ line, waitedAtLeastTheTimeout: true });
    });
    const lines = result.stderr.split("\n");
    expect(lines[0]).toBe(`ovh-office365: Could not reach OVH at ${endpoint} (from OVH_ENDPOINT).`);
    expect(lines[1]).toBe("  GET /saas/csp2 got no answer (ETIMEDOUT).");
    expect(lines[2]).toMatch(/^  Tried 5 times over [\d.]+ (ms|s), each attempt waiting 100 ms for an answer\.$/);
    expect(lines[3]).toBe("  OVH_REQUEST_TIMEOUT_MS sets how long each attempt waits, in milliseconds.");
  }, 30_000);
});

describe("secrets", () => {
  it("never printed a credential in any output of this file", () => {
    expect(fixture.printed.length).toBeGreaterThan(20);
    const printed = fixture.printed.join("\n");
    for (const secret of secretValues(fixture.credentials)) expect(printed).not.toContain(secret);
  });
});
