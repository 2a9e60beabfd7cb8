import type * as structProtoTypes from "google-protobuf/google/protobuf/struct_pb";
import type { PropertyMap } from "./types";

/**
 * Properties as they travel to and from the host: protobuf Structs holding JSON values, the serialized provider in
 * `__provider`, the engine's marker for unknown values and its wrapper for secrets.
 */

/** The input that carries the serialized provider (see `pulumi.dynamic.Resource`). */
export const PROVIDER_KEY = "__provider";
/** What the engine sends for a value not known yet (during a preview). */
export const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
// Marks a secret in a Struct (the SDK's `specialSigKey` / `specialSecretSig`).
const SIGNATURE_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIGNATURE = "1b47061264138c4ac30d75fd1eb44270";

/** Adds the serialized provider to program inputs, as `pulumi.dynamic.Resource` does before registering them. */
export function withProvider(providerText: string, inputs: PropertyMap): PropertyMap {
  return { ...inputs, [PROVIDER_KEY]: providerText };
}

/** True when `props` hold a serialized provider the host can load. */
export function carriesProvider(props: PropertyMap): boolean {
  const text = props[PROVIDER_KEY];
  return typeof text === "string" && text !== "" && text !== UNKNOWN_VALUE;
}

/** The host takes the provider from the old state while a preview does not know the new one yet. */
export function providerSource(olds: PropertyMap, news: PropertyMap): PropertyMap {
  return news[PROVIDER_KEY] === UNKNOWN_VALUE ? olds : news;
}

/** A value as the engine sends one marked secret. */
export function secretValue(value: unknown): PropertyMap {
  return { [SIGNATURE_KEY]: SECRET_SIGNATURE, value };
}

/** `props` as a Struct of the given protobuf module (the program's own, which the host decodes with). */
export function toStruct(struct: typeof structProtoTypes, props: PropertyMap): structProtoTypes.Struct {
  // JSON semantics, as the engine's property maps: undefined members are absent, dates become strings.
  const json = JSON.parse(JSON.stringify(props)) as Record<string, structProtoTypes.JavaScriptValue>;
  return struct.Struct.fromJavaScript(json);
}

/** A Struct the host answered with as plain properties; an absent Struct is an empty bag. */
export function fromStruct(struct: structProtoTypes.Struct | undefined): PropertyMap {
  return struct ? (struct.toJavaScript() as PropertyMap) : {};
}
