import { randomBytes } from "node:crypto";
import { destroy, refresh, up, dynamicResourceType } from "../../pulumi-host";
import { simulatorEnvironment, startSimulator, type RunningSimulator } from "../../simulator";
import { ensureCliBuilt, runCli } from "../cli/built-cli";
import { openProviderHarness, type ProviderHarness } from "./provider-harness";
import { SWEEP_SURFACES, secretSweep, type SweepTally } from "./secret-sweep";

/**
 * Every credential kind the provider accepts, run through every surface the secret sweep watches: a subscription's
 * lifecycle and a refused change through the real provider host (`__provider`, inputs, outputs, errors, host output),
 * and the CLI with the right and a wrong secret (stdout, stderr), the scratch program directory when it is removed.
 * Most suites sign with an application key; this one makes the OAuth2 and access-token secrets travel too.
 */

const SUBSCRIPTION = dynamicResourceType("Subscription", "ovh-office365");

const KINDS = [
  { kind: "applicationKey", label: "application key signing (AK/AS/CK)", identity: "signature", wrongSecret: "OVH_APPLICATION_SECRET" },
  { kind: "oauth2", label: "OAuth2 client credentials", identity: "oauth2", wrongSecret: "OVH_CLIENT_SECRET" },
  { kind: "accessToken", label: "a static access token", identity: "accessToken", wrongSecret: "OVH_ACCESS_TOKEN" },
] as const;

type Kind = (typeof KINDS)[number]["kind"];

/** Stack config for one kind of credentials, as a user would set it (`pulumi config set --secret`). */
function credentialConfig(simulator: RunningSimulator, kind: Kind): { config: Record<string, string>; secretKeys: string[] } {
  const c = simulator.credentials;
  if (kind === "applicationKey") {
    return {
      config: { "ovh:applicationKey": c.applicationKey, "ovh:applicationSecret": c.applicationSecret, "ovh:consumerKey": c.consumerKey },
      secretKeys: ["ovh:applicationSecret", "ovh:consumerKey"],
    };
  }
  if (kind === "oauth2") return { config: { "ovh:clientId": c.clientId, "ovh:clientSecret": c.clientSecret }, secretKeys: ["ovh:clientSecret"] };
  return { config: { "ovh:accessToken": c.accessToken }, secretKeys: ["ovh:accessToken"] };
}

function growth(before: SweepTally, after: SweepTally): Record<string, number> {
  return Object.fromEntries(SWEEP_SURFACES.map((surface) => [surface, after[surface].items - before[surface].items]));
}

function occurrences(tally: SweepTally): Record<string, number> {
  return Object.fromEntries(SWEEP_SURFACES.map((surface) => [surface, tally[surface].occurrences]));
}

beforeAll(async () => {
  await ensureCliBuilt();
});

describe.each(KINDS)("secrets of $label", ({ kind, identity, wrongSecret }) => {
  let simulator: RunningSimulator;
  let harness: ProviderHarness | undefined;

  beforeAll(async () => {
    simulator = await startSimulator({ taskDurationMs: 100 });
    const { config, secretKeys } = credentialConfig(simulator, kind);
    harness = await openProviderHarness({
      label: `secret-sweep-${kind}`,
      exportNames: ["subscriptionProvider"],
      config: { "ovh:endpoint": simulator.endpoint, "ovh-office365:maxRequestsPerSecond": "200", "ovh-office365:allowDeletes": "*", ...config },
      secretKeys,
    });
  });

  afterAll(async () => {
    await harness?.close();
    await simulator?.close();
  });

  it("appear nowhere the sweep looks, through a subscription's lifecycle, a refused change and the CLI", async () => {
    const before = secretSweep.tally();
    const host = harness!.host;
    const providerText = harness!.providers.subscriptionProvider;
    const serviceName = simulator.admin.licenceGroups()[0];
    const used = new Set(simulator.admin.subscriptions(serviceName).map((s) => s.licenseId));
    const license = simulator.admin.licences().find((l) => l.licenceType !== "ADDON" && l.newSubscriptionsAllowed && l.newSeatsAllowed && !used.has(l.id))!;
    const inputs = { serviceName, license: license.name, seats: 2 };
    const urn = host.makeUrn(SUBSCRIPTION, `swept-${kind}`);

    const created = (await up(host, urn, { inputs, providerText })).state;
    const refreshed = (await refresh(host, created))!;
    const raised = (await up(host, urn, { inputs: { ...inputs, seats: 3 }, providerText, previous: refreshed })).state;
    expect(raised.outputs.seats).toBe(3);
    await expect(up(host, host.makeUrn(SUBSCRIPTION, `refused-${kind}`), { inputs: { ...inputs, license: "No Such Licence" }, providerText })).rejects.toThrow(
      "No Such Licence",
    );
    await destroy(host, raised);
    expect(simulator.admin.subscriptions(serviceName).filter((s) => s.licenseId === license.id)).toEqual([]);
    expect(simulator.requestLog.entries({ apiPath: `/saas/csp2/${serviceName}/subscription` }).map((entry) => entry.identity?.method)).toContain(identity);

    const env = { ...simulatorEnvironment(simulator, kind), OVH_MAX_REQUESTS_PER_SECOND: "1000" };
    const status = await runCli(["status", serviceName], env);
    expect(status.exitCode).toBe(0);
    const refusedCli = await runCli(["groups"], { ...env, [wrongSecret]: `wrong-${kind}-${randomBytes(12).toString("hex")}` });
    expect(refusedCli.exitCode).toBe(1);
    expect(refusedCli.stderr).not.toBe("");

    const after = secretSweep.tally();
    const searched = growth(before, after);
    for (const surface of ["__provider", "inputs", "outputs", "errors", "stdout", "stderr"]) expect({ surface, searched: searched[surface] > 0 }).toEqual({ surface, searched: true });
    expect(occurrences(after)).toEqual(Object.fromEntries(SWEEP_SURFACES.map((surface) => [surface, 0])));
  });
});
