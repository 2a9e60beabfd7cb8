import { withProvider } from "./property-struct";
import { ProviderOperationError, type PropertyMap, type ProviderHost, type ResourceInitFailure, type ResourceState } from "./types";

/**
 * The steps `pulumi up`, `pulumi refresh` and `pulumi destroy` take for one resource, driven through the real
 * dynamic-provider host: check, then diff, then create / update / replace; read; delete.
 */

export type UpStep = "create" | "update" | "replace" | "same";

export interface UpResult {
  step: UpStep;
  state: ResourceState;
  /** What diff said, when there was a previous state. */
  replaces: string[];
}

export class CheckFailedError extends Error {
  constructor(
    readonly urn: string,
    readonly failures: { property: string; reason: string }[],
  ) {
    super(`${urn}: invalid inputs:\n${failures.map((f) => `  - ${f.property}: ${f.reason}`).join("\n")}`);
    this.name = "CheckFailedError";
  }
}

export interface UpOptions {
  /** The program's inputs, without `__provider`. */
  inputs: PropertyMap;
  /** The serialized provider (`__provider`) the resource class would register. */
  providerText: string;
  previous?: ResourceState;
}

/**
 * One resource's `pulumi up`. A create or update that fails rejects with the provider's error; when that is a
 * `ProviderOperationError`, its `recorded` says what the engine keeps in state for the resource afterwards.
 */
export async function up(host: ProviderHost, urn: string, options: UpOptions): Promise<UpResult> {
  const { previous } = options;
  const news = withProvider(options.providerText, options.inputs);
  const checked = await host.check(urn, previous?.inputs ?? {}, news);
  if (checked.failures.length > 0) throw new CheckFailedError(urn, checked.failures);
  const create = () =>
    recording(() => host.create(urn, checked.inputs), (failure) => failure && { urn, id: failure.id, outputs: failure.properties, inputs: checked.inputs, initErrors: failure.reasons }, previous);
  if (!previous) {
    const created = await create();
    return { step: "create", replaces: [], state: { urn, id: created.id, outputs: created.outs, inputs: checked.inputs } };
  }
  const diff = await host.diff(previous.id, urn, previous.outputs, checked.inputs, { oldInputs: previous.inputs });
  if (diff.replaces.length > 0) {
    // Create-before-delete, the engine's default for a replacement.
    const created = await create();
    await host.delete(previous.id, urn, previous.outputs, { oldInputs: previous.inputs });
    return { step: "replace", replaces: diff.replaces, state: { urn, id: created.id, outputs: created.outs, inputs: checked.inputs } };
  }
  // A resource whose last operation failed partway is updated again even with no change, as the engine does.
  if (diff.changes === "none" && (previous.initErrors ?? []).length === 0) return { step: "same", replaces: [], state: previous };
  const updated = await recording(
    () => host.update(previous.id, urn, previous.outputs, checked.inputs, { oldInputs: previous.inputs }),
    // A partial update keeps the old inputs with the new outputs.
    (failure) => failure && { urn, id: previous.id, outputs: failure.properties, inputs: previous.inputs, initErrors: failure.reasons },
    previous,
  );
  return { step: "update", replaces: [], state: { urn, id: previous.id, outputs: updated.outs, inputs: checked.inputs } };
}

/**
 * Runs a create or update; on a provider failure, sets what the engine records: the partial state the error carries,
 * exactly as the provider gave it (the engine stores the error's properties as the outputs), else what was there.
 */
async function recording<T>(
  call: () => Promise<T>,
  partial: (failure: ResourceInitFailure | undefined) => ResourceState | undefined,
  previous: ResourceState | undefined,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof ProviderOperationError) error.recorded = partial(error.initFailure) ?? previous;
    throw error;
  }
}

/** One resource's `pulumi refresh`: undefined when the provider reports it gone. */
export async function refresh(host: ProviderHost, state: ResourceState): Promise<ResourceState | undefined> {
  const read = await host.read(state.id, state.urn, state.outputs, state.inputs);
  if (read.id === "") return undefined;
  return { urn: state.urn, id: read.id, outputs: read.props, inputs: read.inputs ?? state.inputs };
}

/** What `pulumi preview` would do for one resource against its current state. */
export async function preview(host: ProviderHost, state: ResourceState, options: Omit<UpOptions, "previous">): Promise<{ changes: boolean; replaces: string[] }> {
  const news = withProvider(options.providerText, options.inputs);
  const checked = await host.check(state.urn, state.inputs, news);
  if (checked.failures.length > 0) throw new CheckFailedError(state.urn, checked.failures);
  const diff = await host.diff(state.id, state.urn, state.outputs, checked.inputs, { oldInputs: state.inputs });
  return { changes: diff.changes !== "none" || diff.replaces.length > 0, replaces: diff.replaces };
}

/** One resource's `pulumi destroy`. */
export async function destroy(host: ProviderHost, state: ResourceState): Promise<void> {
  await host.delete(state.id, state.urn, state.outputs, { oldInputs: state.inputs });
}
