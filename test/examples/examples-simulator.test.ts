import * as fs from "node:fs";
import * as path from "node:path";
import { preview, up, type ResourceState, type PropertyMap, dynamicResourceType } from "../../pulumi-host";
import { loadLicenseFile, type LicenseFile } from "../../provider/resources/license-file-parsing";
import { DEMO_SEED, type SeedSpec } from "../../simulator";
import { openResourceStack, type ResourceStack } from "../support/resource-stack";
import { REPO_ROOT } from "../support/paths";

/**
 * The example licence files applied to the simulator accounts they are written for, through the real provider host,
 * resource by resource as `pulumi up` would: the adopted subscriptions exist, nothing is ordered twice, the seats
 * end up as declared, and a second run has nothing to change.
 */

const GROUP = dynamicResourceType("LicenseGroup", "ovh-office365");
const SUBSCRIPTION = dynamicResourceType("Subscription", "ovh-office365");

// The simulator takes far more than OVH's safe rate; the default throttle would only slow the test down.
const fastClient = { "ovh-office365:maxRequestsPerSecond": "200", "ovh-office365:maxConcurrentRequests": "16" };

interface Declared {
  type: string;
  inputs: PropertyMap;
  providerText: string;
  state: ResourceState;
}

/** What declareLicenses registers, run through the host: groups side by side, each group's resources in order. */
async function apply(stack: ResourceStack, file: LicenseFile): Promise<Map<string, Declared>> {
  const { host, providers } = stack.harness;
  const declared = new Map<string, Declared>();
  const run = async (type: string, name: string, inputs: PropertyMap, previous?: ResourceState) => {
    const providerText = type === GROUP ? providers.licenseGroupProvider : providers.subscriptionProvider;
    const { state } = await up(host, host.makeUrn(type, name), { inputs, providerText, previous });
    declared.set(name, { type, inputs, providerText, state });
  };
  await Promise.all(
    file.groups.map(async (group) => {
      const groupInputs: PropertyMap = { serviceName: group.serviceName };
      if (group.displayName !== undefined) groupInputs.displayName = group.displayName;
      await run(GROUP, group.serviceName, groupInputs);
      for (const entry of group.subscriptions) {
        const base = group.subscriptions.find((candidate) => candidate.addonOf === undefined && candidate.license === entry.addonOf);
        const inputs: PropertyMap = { serviceName: group.serviceName, license: entry.license, seats: entry.seats };
        if (base !== undefined) inputs.parentSubscriptionId = declared.get(base.resourceName)?.state.outputs.subscriptionId;
        if (entry.subscriptionId !== undefined) inputs.subscriptionId = entry.subscriptionId;
        if (entry.maxSeatChange !== undefined) inputs.maxSeatChange = entry.maxSeatChange;
        if (entry.taskTimeoutMinutes !== undefined) inputs.taskTimeoutMinutes = entry.taskTimeoutMinutes;
        await run(SUBSCRIPTION, entry.resourceName, inputs);
      }
    }),
  );
  return declared;
}

async function expectAppliedAsDeclared(stack: ResourceStack, file: LicenseFile): Promise<void> {
  const before = new Map(file.groups.map((group) => [group.serviceName, stack.simulator.admin.subscriptions(group.serviceName)]));
  const declared = await apply(stack, file);

  for (const group of file.groups) {
    const live = stack.simulator.admin.subscriptions(group.serviceName);
    const ordered = group.subscriptions.filter((entry) => entry.subscriptionId === undefined);
    // Adopting orders nothing; each entry without a subscriptionId orders exactly one subscription.
    expect(live.length).toBe((before.get(group.serviceName) ?? []).length + ordered.length);
    for (const entry of group.subscriptions) {
      const subscriptionId = declared.get(entry.resourceName)?.state.outputs.subscriptionId;
      if (entry.subscriptionId !== undefined) expect(subscriptionId).toBe(entry.subscriptionId);
      const subscription = live.find((candidate) => candidate.id === subscriptionId);
      expect({ name: entry.resourceName, licence: subscription?.licenseName, seats: subscription?.quantity }).toEqual({
        name: entry.resourceName,
        licence: entry.license,
        seats: entry.seats,
      });
    }
  }

  // A second `pulumi preview` finds nothing to change.
  const { host } = stack.harness;
  for (const [name, { inputs, providerText, state }] of declared) {
    expect({ name, ...(await preview(host, state, { inputs, providerText })) }).toEqual({ name, changes: false, replaces: [] });
  }
}

describe("example licence files against the simulator, through the real provider host", () => {
  it("gitops: licences.yaml fits the demo account", async () => {
    const stack = await openResourceStack("gitops-simulator", { seed: DEMO_SEED, taskDurationMs: 200, config: fastClient });
    try {
      await expectAppliedAsDeclared(stack, loadLicenseFile(path.join(REPO_ROOT, "examples", "gitops", "licences.yaml")));
    } finally {
      await stack.close();
    }
  });

  it("multi-tenant: customers.yaml fits simulator-seed.json", async () => {
    const dir = path.join(REPO_ROOT, "examples", "multi-tenant");
    const seed = JSON.parse(fs.readFileSync(path.join(dir, "simulator-seed.json"), "utf8")) as SeedSpec;
    const stack = await openResourceStack("multi-tenant-simulator", { seed, taskDurationMs: 200, config: fastClient });
    try {
      await expectAppliedAsDeclared(stack, loadLicenseFile(path.join(dir, "customers.yaml")));
    } finally {
      await stack.close();
    }
  });
});
