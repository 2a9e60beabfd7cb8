import { planExport } from "../../../provider/cli/account/export-plan";
import { logicalNames, providerUrn, pulumiImportFile } from "../../../provider/cli/account/pulumi-import-file";
import { licenseGroupToken, subscriptionToken } from "../../../provider/native/tokens";
import { AUDIO, BASIC, DEFENDER, E3, PULUMI_IMPORT_FILE_KEYS, PULUMI_IMPORT_RESOURCE_KEYS, STANDARD, accountGroup, held } from "./fixtures";

const account = [
  accountGroup("csp2-a", [held(1, BASIC, 25), held(2, STANDARD, 10), held(3, DEFENDER, 10, { parentSubscriptionId: 2 })], { displayName: "Garage Lefèvre" }),
  accountGroup("csp2-b", [held(4, E3, 40), held(5, AUDIO, 2, { parentSubscriptionId: 4 })], { displayName: "Acme Corp" }),
  accountGroup("csp2-c", [held(6, BASIC, 3)], { displayName: "Acme Corp" }),
  accountGroup("csp2-d", [held(7, E3, 3, { status: "suspended" })], { displayName: "!!!" }),
];

describe("pulumiImportFile", () => {
  const file = pulumiImportFile(planExport(account));

  it("lists a LicenseGroup per group by serviceName and a Subscription per subscription by <serviceName>/<id>", () => {
    expect(file.resources.map(({ type, id }) => [type, id])).toEqual([
      [licenseGroupToken, "csp2-a"],
      [subscriptionToken, "csp2-a/1"],
      [subscriptionToken, "csp2-a/2"],
      [subscriptionToken, "csp2-a/3"],
      [licenseGroupToken, "csp2-b"],
      [subscriptionToken, "csp2-b/4"],
      [subscriptionToken, "csp2-b/5"],
      [licenseGroupToken, "csp2-c"],
      [subscriptionToken, "csp2-c/6"],
      [licenseGroupToken, "csp2-d"],
    ]);
    expect(licenseGroupToken).toBe("ovh-office365:index:LicenseGroup");
    expect(subscriptionToken).toBe("ovh-office365:index:Subscription");
  });

  it("names each resource readably and uniquely, from the display name and the licences", () => {
    expect(file.resources.map((resource) => resource.name)).toEqual([
      "garage-lefevre",
      "garage-lefevre-microsoft-365-business-basic",
      "garage-lefevre-microsoft-365-business-standard",
      "garage-lefevre-microsoft-365-business-standard-microsoft-defender-for-office-365-plan-1",
      "acme-corp-csp2-b",
      "acme-corp-csp2-b-office-365-e3",
      "acme-corp-csp2-b-office-365-e3-microsoft-365-audio-conferencing",
      "acme-corp-csp2-c",
      "acme-corp-csp2-c-microsoft-365-business-basic",
      "csp2-d",
    ]);
    expect(new Set(file.resources.map((resource) => resource.name)).size).toBe(file.resources.length);
  });

  it("gives the same names from one export to the next, and numbers a name still taken", () => {
    expect(pulumiImportFile(planExport([...account].reverse()))).toEqual(file);
    const clash = planExport([accountGroup("csp2-x", [held(1, BASIC, 1)], { displayName: "Acme" }), accountGroup("csp2-y", [], { displayName: "Acme Microsoft 365 Business Basic" })]);
    expect([...logicalNames(clash.groups).values()]).toEqual(["acme", "acme-microsoft-365-business-basic", "acme-microsoft-365-business-basic-2"]);
  });

  it("writes only keys Pulumi reads, and no provider unless one is named", () => {
    expect(Object.keys(file)).toEqual(["resources"]);
    for (const resource of file.resources) expect(Object.keys(resource).filter((key) => !PULUMI_IMPORT_RESOURCE_KEYS.includes(key))).toEqual([]);
  });

  it("imports every resource with a named provider, found by its URN in the name table", () => {
    const provider = { name: "ovh-eu", stack: "dev", project: "gitops" };
    const withProvider = pulumiImportFile(planExport(account), provider);
    expect(withProvider.nameTable).toEqual({ "ovh-eu": "urn:pulumi:dev::gitops::pulumi:providers:ovh-office365::ovh-eu" });
    expect(providerUrn(provider)).toBe("urn:pulumi:dev::gitops::pulumi:providers:ovh-office365::ovh-eu");
    expect(withProvider.resources.every((resource) => resource.provider === "ovh-eu")).toBe(true);
    expect(Object.keys(withProvider).filter((key) => !PULUMI_IMPORT_FILE_KEYS.includes(key))).toEqual([]);
  });
});
