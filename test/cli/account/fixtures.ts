import type { OfficeLicence, PendingTask } from "../../../provider/csp2";
import type { AccountGroup, AccountSubscription } from "../../../provider/cli/account/reading";

/** Licences of a catalogue, by the rules the export looks at. */
export const BASIC: OfficeLicence = { id: 11, name: "Microsoft 365 Business Basic", licenceType: "NON-SPECIFIC", limit: 300, newSeatsAllowed: true, newSubscriptionsAllowed: true };
export const STANDARD: OfficeLicence = { ...BASIC, id: 12, name: "Microsoft 365 Business Standard" };
export const E3: OfficeLicence = { ...BASIC, id: 13, name: "Office 365 E3", limit: null };
export const PROPLUS: OfficeLicence = { ...BASIC, id: 14, name: "Office 365 ProPlus", newSubscriptionsAllowed: false, newSeatsAllowed: false };
export const DEFENDER: OfficeLicence = { ...BASIC, id: 31, name: "Microsoft Defender for Office 365 (Plan 1)", licenceType: "ADDON", limit: null };
export const AUDIO: OfficeLicence = { ...DEFENDER, id: 32, name: "Microsoft 365 Audio Conferencing" };

/** A subscription of `license` in use, as the account reading gives it. */
export function held(id: number, license: OfficeLicence | null, seats: number, changes: Partial<AccountSubscription> = {}): AccountSubscription {
  return {
    id,
    licenseId: license?.id ?? 99,
    licenseName: license?.name ?? null,
    license,
    seats,
    status: "ok",
    taskPendingId: null,
    parentSubscriptionId: null,
    ...changes,
  };
}

export function accountGroup(serviceName: string, subscriptions: AccountSubscription[], changes: Partial<AccountGroup> = {}): AccountGroup {
  return { serviceName, displayName: `Customer ${serviceName}`, status: "ok", subscriptions, pendingTasks: [], ...changes };
}

export function pendingTask(id: number, taskFunction = "changeQuantity"): PendingTask {
  return { id, function: taskFunction, status: "doing", todoDate: "2024-05-01T10:00:00+02:00" };
}

/** The keys `pulumi import --file` reads (pulumi/pulumi pkg/cmd/pulumi/operations/import.go: importFile, importSpec). */
export const PULUMI_IMPORT_FILE_KEYS = ["nameTable", "resources"];
export const PULUMI_IMPORT_RESOURCE_KEYS = ["type", "name", "id", "parent", "provider", "version", "pluginDownloadUrl", "properties", "component", "remote", "logicalName"];
