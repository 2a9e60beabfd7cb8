/**
 * Deletes at OVH need intent. A resource removed from the program is deleted with the inputs its previous run
 * stored, so a setting changed in the same change as the removal would act one run late; stack configuration
 * reaches the provider on every run, so `ovh-office365:allowDeletes` says what this run may delete:
 * `*` (anything), a licence group's serviceName (its subscriptions, and the group itself), or one subscription
 * as `<serviceName>/<subscriptionId>` (its resource id).
 */

export const allowDeletesConfigKey = "ovh-office365:allowDeletes";

export interface DeletionAllowance {
  everything: boolean;
  entries: ReadonlySet<string>;
}

export const noDeletionAllowed: DeletionAllowance = { everything: false, entries: new Set() };

/**
 * Reads the stack config value: a YAML list (the engine hands it over as JSON), or names separated by commas or
 * spaces. Throws on anything else, naming the key and the forms it takes.
 */
export function parseDeletionAllowance(raw: string | undefined): DeletionAllowance {
  if (raw === undefined || raw.trim() === "") return noDeletionAllowed;
  let entries: unknown[];
  const text = raw.trim();
  if (text.startsWith("[")) {
    try {
      entries = JSON.parse(text) as unknown[];
    } catch {
      throw allowanceError(raw);
    }
    if (!Array.isArray(entries)) throw allowanceError(raw);
  } else {
    entries = text.split(/[\s,]+/);
  }
  if (entries.some((entry) => typeof entry !== "string" || !/^(\*|[A-Za-z0-9][A-Za-z0-9._-]*(\/\d+)?)$/.test(entry))) throw allowanceError(raw);
  const names = new Set(entries as string[]);
  return { everything: names.has("*"), entries: names };
}

function allowanceError(raw: string): Error {
  return new Error(
    `Stack config ${allowDeletesConfigKey} is ${JSON.stringify(raw)}: give "*", licence group serviceNames, or ` +
      `subscription ids "<serviceName>/<subscriptionId>", as a list or separated by commas ` +
      `(\`pulumi config set ${allowDeletesConfigKey} csp2-xxxx\`).`,
  );
}

/** Whether this run may delete the group, or the subscription when `subscriptionId` is given. */
export function isDeletionAllowed(allowance: DeletionAllowance, serviceName: string, subscriptionId?: number): boolean {
  if (allowance.everything || allowance.entries.has(serviceName)) return true;
  return subscriptionId !== undefined && allowance.entries.has(`${serviceName}/${subscriptionId}`);
}

/**
 * How to allow the delete of the group, or of the subscription when `subscriptionId` is given, that a run refused:
 * one that would `delete` it, or `replace` it (order a new one, then delete this one).
 */
export function allowDeleteAdvice(action: "delete" | "replace", serviceName: string, subscriptionId?: number): string {
  const id = subscriptionId === undefined ? serviceName : `${serviceName}/${subscriptionId}`;
  return (
    `To ${action} it, allow the delete in the same change: \`pulumi config set ${allowDeletesConfigKey} ${id}\` ` +
    `(${subscriptionId === undefined ? "" : `or the whole group, ${serviceName}; `}"*" allows every delete).`
  );
}

/** How to allow one delete, and how to stop managing the thing without deleting it. */
export function deletionAdvice(serviceName: string, subscriptionId?: number): string {
  return (
    `${allowDeleteAdvice("delete", serviceName, subscriptionId)} ` +
    `To keep it at OVH and only stop managing it, set the resource option retainOnDelete: true and run \`pulumi up\` ` +
    `before removing it, or run \`pulumi state delete <urn>\`.`
  );
}
