import { withProvider } from "./property-struct";
import type { PropertyMap, ProviderHost, ResourceState } from "./types";

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

/** One resource's `pulumi up`. */
export async function up(host: ProviderHost, urn: string, options: UpOptions): Promise<UpResult> {
  const { previous } = options;
  const news = withProvider(options.providerText, options.inputs);
  const checked = await host.check(urn, previous?.inputs ?? {}, news);
  if (checked.failures.length > 0) throw new CheckFailedError(urn, checked.failures);
  if (!previous) {
    const created = await host.create(urn, checked.inputs);
    return { step: "create", replaces: [], state: { urn, id: created.id, outputs: created.outs, inputs: checked.inputs } };
  }
  const diff = await host.diff(previous.id, urn, previous.outputs, checked.inputs, { oldInputs: previous.inputs });
  if (diff.replaces.length > 0) {
    // Create-before-delete, the engine's default for a replacement.
    const created = await host.create(urn, checked.inputs);
    await host.delete(previous.id, urn, previous.outputs, { oldInputs: previous.inputs });
    return { step: "replace", replaces: diff.replaces, state: { urn, id: created.id, outputs: created.outs, inputs: checked.inputs } };
  }
  if (diff.changes === "none") return { step: "same", replaces: [], state: previous };
  const updated = await host.update(previous.id, urn, previous.outputs, checked.inputs, { oldInputs: previous.inputs });
  return { step: "update", replaces: [], state: { urn, id: previous.id, outputs: updated.outs, inputs: checked.inputs } };
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
