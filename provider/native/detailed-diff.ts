import type { PropertyMap } from "./wire";

/** How one property changes, in the engine's terms (`PropertyDiff.Kind`). */
export type PropertyChange = "add" | "addReplace" | "delete" | "deleteReplace" | "update" | "updateReplace";

/**
 * The per-property diff the engine shows in a preview (`~ seats: 25 => 30`): each declared input whose value differs
 * from the one stored with the resource, replacing or not as the resource's own diff decided. Compared with the stored
 * inputs, which a refresh brings up to date with OVH (so drift shows too); with the stored outputs when the engine
 * sent no inputs. A change the resource's diff found without any input changing (a pending task, a pending order)
 * has no entry: the engine shows the update alone.
 */
export function detailedDiff(
  inputNames: readonly string[],
  before: PropertyMap,
  news: PropertyMap,
  replaces: readonly string[],
): Record<string, PropertyChange> {
  const changes: Record<string, PropertyChange> = {};
  for (const name of inputNames) {
    const had = before[name] !== undefined;
    const has = news[name] !== undefined;
    const replacing = replaces.includes(name);
    if (!had && !has) continue;
    if (had && has && sameValue(before[name], news[name])) {
      if (replacing) changes[name] = "updateReplace";
      continue;
    }
    if (!had) changes[name] = replacing ? "addReplace" : "add";
    else if (!has) changes[name] = replacing ? "deleteReplace" : "delete";
    else changes[name] = replacing ? "updateReplace" : "update";
  }
  for (const name of replaces) changes[name] ??= "updateReplace";
  return changes;
}

/** Deep equality of JSON values, whatever the order of object keys. */
function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, index) => sameValue(item, b[index]));
  }
  if (typeof a === "object" && a !== null && typeof b === "object" && b !== null) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((key) => sameValue((a as PropertyMap)[key], (b as PropertyMap)[key]));
  }
  return a === b;
}
