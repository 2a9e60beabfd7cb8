/** The input in which Pulumi's dynamic-provider host hands each call the serialized provider. */
const providerKey = "__provider";

/**
 * An operation failed after the resource came to exist at OVH (or after an order was placed): the engine records
 * `properties` as the resource's outputs exactly as given, with `id` (a partial create or update). The dynamic-provider
 * host adds `__provider` to the outputs of successful calls only, so it is carried over here from the inputs the call
 * got: without it the next refresh, preview with refresh or destroy of the resource could not load its provider. (A
 * native provider's inputs carry none, and nothing is added.)
 */
export function withPartialState(error: unknown, id: string, properties: object, calledWith: object): Error {
  const failure = error instanceof Error ? error : new Error(String(error));
  const provider = (calledWith as Record<string, unknown>)[providerKey];
  const recorded = typeof provider === "string" ? { ...properties, [providerKey]: provider } : { ...properties };
  return Object.assign(failure, { id, properties: recorded });
}
