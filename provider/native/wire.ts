/**
 * Property values as the engine sends them to a resource plugin and expects them back: JSON values in protobuf
 * Structs, with the engine's markers for secrets and for values not known yet (during a preview).
 */

/** The key marking a special value, and its signatures (sdk/go/common/resource/sig). */
const SIGNATURE_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIGNATURE = "1b47061264138c4ac30d75fd1eb44270";

/** What the engine sends for a value of each kind that is not known yet. */
const UNKNOWN_VALUES = new Set([
  "04da6b54-80e4-46f7-96ec-b56ff0331ba9", // string
  "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7", // bool
  "3eeb2bf0-c639-47a8-9e75-3b44932eb421", // number
  "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2", // array
  "030794c1-ac77-496b-92df-f27374a8bd58", // asset
  "e48ece36-62e2-4504-bad9-02848725956a", // archive
  "dd056dcd-154b-4c76-9bd3-c8f88648b5ff", // object
]);

/** The one unknown marker the resources' rules recognise (the string kind): every kind is sent on as it. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export type PropertyMap = Record<string, unknown>;

export function isUnknownValue(value: unknown): boolean {
  return typeof value === "string" && UNKNOWN_VALUES.has(value);
}

function isSecret(value: unknown): value is { value: unknown } {
  return typeof value === "object" && value !== null && (value as Record<string, unknown>)[SIGNATURE_KEY] === SECRET_SIGNATURE;
}

/**
 * Properties as the resources' rules take them: secrets unwrapped (nothing here is stored back as a secret: the
 * resources have no secret inputs, and the provider's credentials never reach a resource), every unknown value as the
 * one unknown marker.
 */
export function plainProperties(props: PropertyMap): PropertyMap {
  return plainValue(props) as PropertyMap;
}

function plainValue(value: unknown): unknown {
  if (isSecret(value)) return plainValue(value.value);
  if (isUnknownValue(value)) return UNKNOWN;
  if (Array.isArray(value)) return value.map(plainValue);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, plainValue(inner)]));
  }
  return value;
}

/** Whether any value, at any depth, is not known yet. */
export function hasUnknowns(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(hasUnknowns);
  if (typeof value === "object" && value !== null) return Object.values(value).some(hasUnknowns);
  return false;
}

/** JSON semantics, as the engine's property maps: undefined members are absent, dates become strings. */
export function jsonProperties(props: object): PropertyMap {
  return JSON.parse(JSON.stringify(props)) as PropertyMap;
}
