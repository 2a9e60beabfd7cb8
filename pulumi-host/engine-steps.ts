import { withProvider } from "./property-struct";
import { ProviderOperationError, type DiffResult, type PropertyMap, type ProviderHost, type ResourceInitFailure, type ResourceState } from "./types";

/**
 * The steps `pulumi up`, `pulumi refresh`, `pulumi preview`, `pulumi import` and `pulumi destroy` take for one
 * resource, driven through a real provider (the dynamic-provider host, or a resource plugin): check, then diff, then
 * create / update / replace; read; delete.
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
  /** The serialized provider (`__provider`) a dynamic resource class registers; none for a resource plugin. */
  providerText?: string;
  previous?: ResourceState;
}

/** The inputs as the program registers them: with the serialized provider for a dynamic resource. */
function registered(options: Pick<UpOptions, "inputs" | "providerText">): PropertyMap {
  return options.providerText === undefined ? { ...options.inputs } : withProvider(options.providerText, options.inputs);
}

/**
 * One resource's `pulumi up`. A create or update that fails rejects with the provider's error; when that is a
 * `ProviderOperationError`, its `recorded` says what the engine keeps in state for the resource afterwards.
 */
export async function up(host: ProviderHost, urn: string, options: UpOptions): Promise<UpResult> {
  const { previous } = options;
  const news = registered(options);
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

export interface PreviewResult {
  changes: boolean;
  replaces: string[];
  /** With `planned`: what the provider says the create or update would return (values not known yet included). */
  planned?: PropertyMap;
  /** Per property, when the provider sent a detailed diff. */
  detailedDiff?: DiffResult["detailedDiff"];
}

export interface PreviewOptions extends Omit<UpOptions, "previous"> {
  /**
   * Also ask the provider what the create or update would return, as the engine does for a provider that supports
   * previews (a resource plugin): a create or update call with `preview: true`.
   */
  planned?: boolean;
}

/** What `pulumi preview` would do for one resource against its current state (none: a resource to create). */
export async function preview(host: ProviderHost, state: ResourceState | undefined, options: PreviewOptions & { urn?: string }): Promise<PreviewResult> {
  const urn = state?.urn ?? options.urn;
  if (urn === undefined) throw new TypeError("preview of a resource not in the state yet needs its urn");
  const checked = await host.check(urn, state?.inputs ?? {}, registered(options));
  if (checked.failures.length > 0) throw new CheckFailedError(urn, checked.failures);
  if (!state) {
    const planned = options.planned ? (await host.create(urn, checked.inputs, { preview: true })).outs : undefined;
    return { changes: true, replaces: [], ...(planned ? { planned } : {}) };
  }
  const diff = await host.diff(state.id, urn, state.outputs, checked.inputs, { oldInputs: state.inputs });
  const changes = diff.changes !== "none" || diff.replaces.length > 0;
  const result: PreviewResult = { changes, replaces: diff.replaces };
  if (diff.hasDetailedDiff) result.detailedDiff = diff.detailedDiff;
  if (options.planned && changes) {
    result.planned =
      diff.replaces.length > 0
        ? (await host.create(urn, checked.inputs, { preview: true })).outs
        : (await host.update(state.id, urn, state.outputs, checked.inputs, { oldInputs: state.inputs, preview: true })).outs;
  }
  return result;
}

/**
 * One resource's `pulumi import <type> <name> <id>`: a read with the id alone, whose inputs become the resource's,
 * then a check of them. Undefined when the provider finds no such resource.
 */
export async function importResource(host: ProviderHost, urn: string, id: string): Promise<(ResourceState & { failures: CheckFailedError["failures"] }) | undefined> {
  const read = await host.read(id, urn, {});
  if (read.id === "") return undefined;
  if (!read.inputs) throw new TypeError(`${urn}: the provider read ${id} but returned no inputs: it cannot import`);
  const checked = await host.check(urn, read.inputs, read.inputs);
  return { urn, id: read.id, outputs: read.props, inputs: read.inputs, failures: checked.failures };
}

/** One resource's `pulumi destroy`. */
export async function destroy(host: ProviderHost, state: ResourceState): Promise<void> {
  await host.delete(state.id, state.urn, state.outputs, { oldInputs: state.inputs });
}
