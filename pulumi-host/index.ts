/**
 * A driver of a Pulumi provider over gRPC, as the engine drives it, for the demo, the tests and the benchmarks: start
 * Pulumi's Node.js dynamic-provider host (or a resource provider plugin, with a fake engine it logs to) in a program
 * directory, configure it, and take a resource through the steps of `pulumi up`, `refresh`, `preview`, `import` and
 * `destroy`; stage that program directory with this package installed and serialize its providers as
 * `pulumi.dynamic.Resource` does.
 *
 * It speaks to the host only, never to the provider's modules: nothing here imports from provider/.
 */

export { startProviderHost, startProviderPlugin } from "./provider-host";
export { PROVIDER_KEY, UNKNOWN_VALUE, secretValue, withProvider } from "./property-struct";
export { DYNAMIC_RESOURCE_TYPE, dynamicResourceType, makeUrn, type UrnScope } from "./urns";
export {
  ProviderHostError,
  ProviderOperationError,
  type CheckFailure,
  type CheckResult,
  type ConfigureOptions,
  type CreateResult,
  type DiffChanges,
  type DiffResult,
  type HostExit,
  type OldInputsOption,
  type Operation,
  type OutputLine,
  type OutputMatch,
  type PreviewOption,
  type PropertyChangeKind,
  type PropertyMap,
  type ProviderHost,
  type ProviderPlugin,
  type StartProviderPluginOptions,
  type ReadResult,
  type ResourceInitFailure,
  type ResourceState,
  type StartProviderHostOptions,
  type UpdateResult,
} from "./types";
export {
  CheckFailedError,
  destroy,
  importResource,
  preview,
  refresh,
  up,
  type PreviewOptions,
  type PreviewResult,
  type UpOptions,
  type UpResult,
  type UpStep,
} from "./engine-steps";
export {
  PACKAGE_NAME,
  ProgramStageError,
  findPackageRoot,
  serializeProvider,
  stageProgram,
  type SerializeProviderOptions,
  type StageProgramOptions,
  type StagedProgram,
} from "./program-stage";
