import { destroy, preview, refresh, up, type ResourceState, dynamicResourceType } from "../../pulumi-host";
import { openResourceStack, type ResourceStack } from "../support/resource-stack";

const LICENSE_GROUP = dynamicResourceType("LicenseGroup", "ovh-office365");
let stack: ResourceStack;

beforeAll(async () => {
  stack = await openResourceStack("license-group-host");
});
afterAll(async () => stack?.close());

const host = () => stack.harness.host;
const provider = () => stack.harness.providers.licenseGroupProvider;
const urn = (name: string) => host().makeUrn(LICENSE_GROUP, name);
const order = { ovhSubsidiary: "FR", planCode: "csp2-office365-reseller" };

describe("LicenseGroup through the real provider host", () => {
  it("adopts a group by serviceName, manages its display name, and reports a rename made in the control panel", async () => {
    const serviceName = stack.simulator.admin.licenceGroups()[1];
    const inputs = { serviceName, displayName: "Contoso Lda" };
    let state = (await up(host(), urn("adopted"), { inputs, providerText: provider() })).state;
    expect(state.id).toBe(serviceName);
    expect(state.outputs).toMatchObject({
      serviceName,
      adopted: true,
      displayName: "Contoso Lda",
      tenant: expect.objectContaining({ displayName: "Contoso Lda" }),
      status: "ok",
      microsoftAdminPortalUrl: "https://admin.microsoft.com",
      serviceInfo: expect.objectContaining({ expiration: expect.any(String) }),
      pendingTasks: [],
    });

    stack.simulator.admin.setTenant(serviceName, { displayName: "Renamed by hand" });
    state = (await refresh(host(), state))!;
    expect(state.inputs).toMatchObject({ serviceName, displayName: "Renamed by hand" });
    expect(await preview(host(), state, { inputs, providerText: provider() })).toEqual({ changes: true, replaces: [] });
    const converged = await up(host(), urn("adopted"), { inputs, providerText: provider(), previous: state });
    expect(converged.step).toBe("update");
    expect(converged.state.outputs.displayName).toBe("Contoso Lda");

    await destroy(host(), converged.state);
    expect(stack.simulator.admin.licenceGroups()).toContain(serviceName);
    await expect(host().waitForOutput(`${serviceName}: removed from the program but NOT terminated`, 10_000)).resolves.toBeDefined();
  });

  it("orders a new group through the cart, never twice, and terminates it only when asked", async () => {
    const groupsBefore = stack.simulator.admin.licenceGroups();
    const inputs = { order, displayName: "Fabrikam SA" };
    const created = await up(host(), urn("ordered"), { inputs, providerText: provider() });
    const serviceName = created.state.id;
    expect(groupsBefore).not.toContain(serviceName);
    expect(stack.simulator.admin.licenceGroups()).toContain(serviceName);
    expect(created.state.outputs).toMatchObject({ adopted: false, orderId: expect.any(Number), displayName: "Fabrikam SA" });

    // The same order again (as after a lost state): the checked-out cart is recognised, nothing is ordered.
    const checkoutsBefore = stack.simulator.requestLog.entries({ method: "POST", apiPath: /\/checkout$/ }).length;
    await expect(up(host(), urn("ordered-again"), { inputs, providerText: provider() })).rejects.toThrow(/already ordered from cart/);
    expect(stack.simulator.requestLog.entries({ method: "POST", apiPath: /\/checkout$/ }).length).toBe(checkoutsBefore);

    const terminating = await up(host(), urn("ordered"), { inputs: { ...inputs, terminateOnDelete: true }, providerText: provider(), previous: created.state });
    expect(terminating.step).toBe("update");
    expect(stack.simulator.admin.terminationToken(serviceName)).toBeNull();
    await destroy(host(), terminating.state);
    expect(stack.simulator.admin.terminationToken(serviceName)).toEqual(expect.any(String));
    await expect(host().waitForOutput(`${serviceName}: termination requested`, 10_000)).resolves.toBeDefined();
  });

  it("rejects an order without a display name before calling OVH", async () => {
    const requestsBefore = stack.simulator.requestLog.entries().length;
    await expect(up(host(), urn("bad"), { inputs: { order: { ...order, ovhSubsidiary: "france" } }, providerText: provider() })).rejects.toThrow(
      /order.ovhSubsidiary: must be the account's OVH subsidiary[\s\S]*displayName: is required when ordering/,
    );
    expect(stack.simulator.requestLog.entries().length).toBe(requestsBefore);
  });

  it("keeps every credential out of __provider, state and provider output, and stores a small require of the package", async () => {
    const linesBefore = stack.lines.length;
    // A group of its own, so the lines waited for below can only be this test's.
    const serviceName = stack.simulator.admin.addLicenceGroup();
    const adopted = await up(host(), urn("adopted-kept-secret"), { inputs: { serviceName, displayName: "Northwind Traders" }, providerText: provider() });
    const refreshed = (await refresh(host(), adopted.state))!;
    const ordered = await up(host(), urn("ordered-kept-secret"), { inputs: { order, displayName: "Tailspin Toys", terminateOnDelete: true }, providerText: provider() });
    await destroy(host(), ordered.state);
    await destroy(host(), refreshed);
    // Both deletes print a line: once they are in, the host has said all it will about these resources.
    await host().waitForOutput(`${ordered.state.id}: termination requested`, 10_000);
    await host().waitForOutput(`${serviceName}: removed from the program but NOT terminated`, 10_000);
    const states: ResourceState[] = [adopted.state, refreshed, ordered.state];
    const lines = stack.lines.slice(linesBefore);
    expect(lines.length).toBeGreaterThan(1);

    const { applicationSecret, consumerKey } = stack.simulator.credentials;
    const everything = JSON.stringify({ providers: stack.harness.providers, states, lines });
    for (const secret of [applicationSecret, consumerKey]) expect(everything).not.toContain(secret);
    for (const text of Object.values(stack.harness.providers)) {
      expect(text).toContain('require("pulumi-ovh-office365/dist/provider/resources/');
      expect(Buffer.byteLength(text)).toBeLessThan(2048);
    }
    console.log(
      `__provider sizes: ${Object.entries(stack.harness.providers).map(([name, text]) => `${name} ${Buffer.byteLength(text)} bytes`).join(", ")}`,
    );
  });
});
