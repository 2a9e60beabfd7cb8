/**
 * What the driver of Pulumi's dynamic-provider host and its users share: the property bags the host takes and
 * returns, what the engine keeps in state, the results of each call, the options, and the errors.
 */

/** Property bag as the host sees it: JSON values, including the `__provider` text the SDK adds to every input. */
export type PropertyMap = Record<string, unknown>;

/** What the engine keeps in state for a resource. */
export interface ResourceState {
  urn: string;
  id: string;
  outputs: PropertyMap;
  inputs: PropertyMap;
  /**
   * Why the last create or update failed after the resource came to exist (a partial create or update): the next
   * `up` updates the resource even when diff finds no change, and a refresh that succeeds clears them.
   */
  initErrors?: string[];
}

export type Operation =
  | "configure"
  | "check"
  | "diff"
  | "create"
  | "read"
  | "update"
  | "delete"
  | "getPluginInfo"
  | "checkConfig"
  | "diffConfig"
  | "getSchema"
  | "cancel";

export interface OutputLine {
  /** "engine": a message a resource plugin logged to the engine (what the person running Pulumi sees). */
  stream: "stdout" | "stderr" | "engine";
  text: string;
}

export interface HostExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** The host could not be started, has exited, or could not be reached. */
export class ProviderHostError extends Error {
  constructor(
    message: string,
    readonly exit?: HostExit,
  ) {
    super(message);
    this.name = "ProviderHostError";
  }
}

export interface ResourceInitFailure {
  id: string;
  properties: PropertyMap;
  reasons: string[];
}

/** The provider's own code failed an operation; `message` is the provider's error message. */
export class ProviderOperationError extends Error {
  constructor(
    message: string,
    readonly operation: Operation,
    readonly urn: string,
    /** gRPC status code the host answered with (2, UNKNOWN, unless the provider's error carried a numeric `code`). */
    readonly grpcCode: number,
    /** Set when create/update failed after the resource came to exist (the engine's ErrorResourceInitFailed). */
    readonly initFailure?: ResourceInitFailure,
  ) {
    super(message);
    this.name = "ProviderOperationError";
  }

  /**
   * Set by the engine steps (`up`): what the engine keeps in state for the resource after this failure, undefined when
   * it keeps nothing.
   */
  recorded?: ResourceState;
}

export interface StartProviderHostOptions {
  /** Program directory: the host runs there, and `require` in `__provider` resolves from its node_modules. */
  cwd: string;
  /** Project name; unqualified config keys resolve to `<project>:<key>`. Defaults to "project" (the SDK's default). */
  project?: string;
  /** Stack name, used in URNs. Defaults to "dev". */
  stack?: string;
  /** Extra environment for the host process (it inherits this process's environment otherwise). */
  env?: NodeJS.ProcessEnv;
  /** Called with every line the host prints after its port: the provider's console output. */
  onOutput?: (line: OutputLine) => void;
  /** How long to wait for the host to print its port. Defaults to 30 s. */
  startTimeoutMs?: number;
}

export interface ConfigureOptions {
  /** Config keys whose values the engine marks secret (`pulumi config set --secret`). */
  secretKeys?: readonly string[];
  /** The provider resource's name: "default" (the stack config's provider), or an explicit `Provider`'s. */
  providerName?: string;
}

export interface PreviewOption {
  /** A `pulumi preview`: the provider must say what it would return, and change nothing. */
  preview?: boolean;
}

export interface StartProviderPluginOptions extends Omit<StartProviderHostOptions, "cwd"> {
  /** Program directory: the plugin runs there, and the gRPC pieces come from its @pulumi/pulumi. */
  cwd: string;
  /** The plugin and any arguments before the engine's address, e.g. `[node, <package>/dist/provider/native/main.js]`. */
  command: readonly string[];
  /** The package the plugin serves: its provider type is `pulumi:providers:<packageName>`. */
  packageName: string;
}

export interface OldInputsOption {
  /** The resource's inputs recorded in state; the engine sends them since it configures with `sendsOldInputs`. */
  oldInputs?: PropertyMap;
}

export interface CheckFailure {
  property: string;
  reason: string;
}

export interface CheckResult {
  inputs: PropertyMap;
  failures: CheckFailure[];
}

export type DiffChanges = "some" | "none" | "unknown";

/** How one property changes, as a detailed diff says (`PropertyDiff.Kind`). */
export type PropertyChangeKind = "add" | "add-replace" | "delete" | "delete-replace" | "update" | "update-replace";

export interface DiffResult {
  changes: DiffChanges;
  replaces: string[];
  deleteBeforeReplace: boolean;
  /** Never filled by the 3.248.0 host (pulumi/pulumi#3080); here so tests can prove it. */
  stables: string[];
  diffs: string[];
  hasDetailedDiff: boolean;
  /** Per property path, when the provider sent a detailed diff. */
  detailedDiff: Record<string, PropertyChangeKind>;
}

export interface CreateResult {
  id: string;
  outs: PropertyMap;
}

export interface ReadResult {
  /** Empty when the provider returned no id: the engine then drops the resource from state. */
  id: string;
  props: PropertyMap;
  /** Present only when the provider's read returned `inputs`. */
  inputs?: PropertyMap;
}

export interface UpdateResult {
  outs: PropertyMap;
}

export type OutputMatch = string | RegExp | ((line: OutputLine) => boolean);

export interface ProviderHost {
  readonly pid: number;
  readonly port: number;
  /** Version of @pulumi/pulumi the host runs (GetPluginInfo). */
  readonly version: string;
  readonly project: string;
  readonly stack: string;
  /** Settles when the host process exits, however that happens. */
  readonly exited: Promise<HostExit>;

  /**
   * Sends the stack configuration as the engine does: keys as written in `Pulumi.<stack>.yaml`, with their namespace
   * (`ovh:endpoint`, `<project>:name`), values as strings. Must come before any resource operation.
   */
  configure(config: Record<string, string>, options?: ConfigureOptions): Promise<void>;
  /** `news` are the program's inputs with `__provider` (see `withProvider`); `olds` the previous inputs or `{}`. */
  check(urn: string, olds: PropertyMap, news: PropertyMap): Promise<CheckResult>;
  /** `olds` are the resource's outputs from state, `news` the checked inputs. */
  diff(id: string, urn: string, olds: PropertyMap, news: PropertyMap, options?: OldInputsOption): Promise<DiffResult>;
  /** `props` are the checked inputs. */
  create(urn: string, props: PropertyMap, options?: PreviewOption): Promise<CreateResult>;
  /** `props` are the outputs in state, `inputs` the inputs in state (both sent by `pulumi refresh`). */
  read(id: string, urn: string, props: PropertyMap, inputs?: PropertyMap): Promise<ReadResult>;
  /** `olds` are the outputs in state, `news` the checked inputs. */
  update(id: string, urn: string, olds: PropertyMap, news: PropertyMap, options?: OldInputsOption & PreviewOption): Promise<UpdateResult>;
  /** `props` are the outputs in state. */
  delete(id: string, urn: string, props: PropertyMap, options?: OldInputsOption): Promise<void>;

  /** URN of a top-level resource of this host's stack and project. */
  makeUrn(type: string, name: string): string;
  /** Lines printed so far (the most recent 5,000). */
  output(): readonly OutputLine[];
  /** Resolves with the first line, printed already or later, that matches. */
  waitForOutput(match: OutputMatch, timeoutMs?: number): Promise<OutputLine>;
  /** Signals the host (SIGKILL by default, as a crash would) and resolves once it has exited. */
  kill(signal?: NodeJS.Signals): Promise<HostExit>;
  /** Disconnects and stops the host (SIGTERM, then SIGKILL if it lingers). */
  close(): Promise<HostExit>;
}

/** A resource provider plugin, driven as the engine drives one: what a provider host does, and the calls on its config. */
export interface ProviderPlugin extends ProviderHost {
  /** `olds` and `news` are the provider's configuration (its inputs), as CheckConfig gets them: secrets plain. */
  checkConfig(olds: PropertyMap, news: PropertyMap, providerName?: string): Promise<CheckResult>;
  diffConfig(olds: PropertyMap, news: PropertyMap, providerName?: string): Promise<DiffResult>;
  /** The package schema the plugin serves (GetSchema, version 0). */
  getSchema(): Promise<Record<string, unknown>>;
  /** The engine's announcement that it will stop the plugin. */
  cancel(): Promise<void>;
}
