import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import * as path from "node:path";
import * as readline from "node:readline";
import type * as grpcTypes from "@grpc/grpc-js";
import type * as providerGrpcTypes from "@pulumi/pulumi/proto/provider_grpc_pb";
import type * as pluginProtoTypes from "@pulumi/pulumi/proto/plugin_pb";
import type * as providerProtoTypes from "@pulumi/pulumi/proto/provider_pb";
import type * as statusProtoTypes from "@pulumi/pulumi/proto/status_pb";
import type * as emptyProtoTypes from "google-protobuf/google/protobuf/empty_pb";
import type * as structProtoTypes from "google-protobuf/google/protobuf/struct_pb";

/**
 * Drives the Node.js dynamic-provider host shipped in @pulumi/pulumi the way the Pulumi engine does: the same
 * process (`node <sdk>/cmd/dynamic-provider/index.js <engine-address>`, started in the program's directory), the same
 * gRPC calls and the same property shapes, without the Pulumi CLI.
 */

/** Property bag as the host sees it: JSON values, including the `__provider` text the SDK adds to every input. */
export type PropertyMap = Record<string, unknown>;

/** The input that carries the serialized provider (see `pulumi.dynamic.Resource`). */
export const PROVIDER_KEY = "__provider";
/** What the engine sends for a value not known yet (during a preview). */
export const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
/** Type token of a dynamic resource made with `new pulumi.dynamic.Resource(provider, name, props, opts)`. */
export const DYNAMIC_RESOURCE_TYPE = "pulumi-nodejs:dynamic:Resource";
const DYNAMIC_PROVIDER_TYPE = "pulumi:providers:pulumi-nodejs";
// Marks a secret in a Struct (the SDK's `specialSigKey` / `specialSecretSig`).
const SIGNATURE_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIGNATURE = "1b47061264138c4ac30d75fd1eb44270";
// The host must be told where the engine listens but never calls it (3.248.0): nothing has to listen there.
const ENGINE_ADDRESS = "127.0.0.1:0";
const KEPT_OUTPUT_LINES = 5000;

/** Type token of a dynamic resource class that passes `module`/`type` to `pulumi.dynamic.Resource`. */
export function dynamicResourceType(type = "Resource", module?: string): string {
  return `pulumi-nodejs:dynamic${module ? `/${module}` : ""}:${type}`;
}

export interface UrnScope {
  project: string;
  stack: string;
}

/** URN of a resource registered at the top of a stack: `urn:pulumi:<stack>::<project>::<type>::<name>`. */
export function makeUrn(type: string, name: string, scope: UrnScope): string {
  return `urn:pulumi:${scope.stack}::${scope.project}::${type}::${name}`;
}

/** Adds the serialized provider to program inputs, as `pulumi.dynamic.Resource` does before registering them. */
export function withProvider(providerText: string, inputs: PropertyMap): PropertyMap {
  return { ...inputs, [PROVIDER_KEY]: providerText };
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
}

export interface ResourceInitFailure {
  id: string;
  properties: PropertyMap;
  reasons: string[];
}

export type Operation = "configure" | "check" | "diff" | "create" | "read" | "update" | "delete" | "getPluginInfo";

export interface OutputLine {
  stream: "stdout" | "stderr";
  text: string;
}

export interface HostExit {
  code: number | null;
  signal: NodeJS.Signals | null;
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

export interface DiffResult {
  changes: DiffChanges;
  replaces: string[];
  deleteBeforeReplace: boolean;
  /** Never filled by the 3.248.0 host (pulumi/pulumi#3080); here so tests can prove it. */
  stables: string[];
  diffs: string[];
  hasDetailedDiff: boolean;
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

export interface OldInputsOption {
  /** The resource's inputs recorded in state; the engine sends them since it configures with `sendsOldInputs`. */
  oldInputs?: PropertyMap;
}

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
  /** `news` are the program's inputs with `__provider` (see {@link withProvider}); `olds` the previous inputs or `{}`. */
  check(urn: string, olds: PropertyMap, news: PropertyMap): Promise<CheckResult>;
  /** `olds` are the resource's outputs from state, `news` the checked inputs. */
  diff(id: string, urn: string, olds: PropertyMap, news: PropertyMap, options?: OldInputsOption): Promise<DiffResult>;
  /** `props` are the checked inputs. */
  create(urn: string, props: PropertyMap): Promise<CreateResult>;
  /** `props` are the outputs in state, `inputs` the inputs in state (both sent by `pulumi refresh`). */
  read(id: string, urn: string, props: PropertyMap, inputs?: PropertyMap): Promise<ReadResult>;
  /** `olds` are the outputs in state, `news` the checked inputs. */
  update(id: string, urn: string, olds: PropertyMap, news: PropertyMap, options?: OldInputsOption): Promise<UpdateResult>;
  /** `props` are the outputs in state. */
  delete(id: string, urn: string, props: PropertyMap, options?: OldInputsOption): Promise<void>;

  /** URN of a top-level resource of this host's stack and project. */
  makeUrn(type: string, name: string): string;
  /** Lines printed so far (the most recent {@link KEPT_OUTPUT_LINES}). */
  output(): readonly OutputLine[];
  /** Resolves with the first line, printed already or later, that matches. */
  waitForOutput(match: string | RegExp | ((line: OutputLine) => boolean), timeoutMs?: number): Promise<OutputLine>;
  /** Signals the host (SIGKILL by default, as a crash would) and resolves once it has exited. */
  kill(signal?: NodeJS.Signals): Promise<HostExit>;
  /** Disconnects and stops the host (SIGTERM, then SIGKILL if it lingers). */
  close(): Promise<HostExit>;
}

/** Starts the dynamic-provider host of the @pulumi/pulumi installed for the program in `options.cwd`. */
export async function startProviderHost(options: StartProviderHostOptions): Promise<ProviderHost> {
  const cwd = path.resolve(options.cwd);
  const sdk = loadSdk(cwd);
  const project = options.project ?? "project";
  const child = spawn(process.execPath, [sdk.hostScript, ENGINE_ADDRESS], {
    cwd,
    // As the engine: the project name (the host's Config.get("key") reads "<project>:key"), and PULUMI_CONFIG
    // holding only "pulumi-nodejs:*" keys, so stack config reaches the provider through configure() alone.
    env: {
      ...process.env,
      PULUMI_NODEJS_PROJECT: project,
      PULUMI_PROJECT: project,
      PULUMI_CONFIG: "{}",
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  trackLiveHost(child);
  const exited = new Promise<HostExit>((resolve) => {
    // "close" comes after "exit" and after stdout/stderr end, so every line printed is recorded by then.
    child.once("close", (code, signal) => {
      untrackLiveHost(child);
      resolve({ code, signal });
    });
    // A process that could not be spawned never closes.
    child.once("error", () => {
      if (child.pid !== undefined) return;
      untrackLiveHost(child);
      resolve({ code: null, signal: null });
    });
  });
  const host = new DynamicProviderHost(child, exited, sdk, {
    project,
    stack: options.stack ?? "dev",
    onOutput: options.onOutput,
  });
  try {
    await host.connect(options.startTimeoutMs ?? 30_000);
  } catch (error) {
    await host.close();
    throw error;
  }
  return host;
}

interface Sdk {
  hostScript: string;
  grpc: typeof grpcTypes;
  providerGrpc: typeof providerGrpcTypes;
  providerProto: typeof providerProtoTypes;
  statusProto: typeof statusProtoTypes;
  struct: typeof structProtoTypes;
  empty: typeof emptyProtoTypes;
}

/** Loads the gRPC client pieces from the program's own @pulumi/pulumi, the one whose host is started. */
function loadSdk(cwd: string): Sdk {
  let sdkManifest: string;
  try {
    sdkManifest = createRequire(path.join(cwd, "program.js")).resolve("@pulumi/pulumi/package.json");
  } catch {
    throw new ProviderHostError(
      `@pulumi/pulumi cannot be found from ${cwd}: the dynamic-provider host runs from the program's own ` +
        `@pulumi/pulumi. Run \`npm install @pulumi/pulumi\` in the program, or start the host in a directory whose ` +
        `node_modules holds it.`,
    );
  }
  const sdkRequire = createRequire(sdkManifest);
  return {
    hostScript: sdkRequire.resolve("./cmd/dynamic-provider/index.js"),
    grpc: sdkRequire("@grpc/grpc-js"),
    providerGrpc: sdkRequire("./proto/provider_grpc_pb"),
    providerProto: sdkRequire("./proto/provider_pb"),
    statusProto: sdkRequire("./proto/status_pb"),
    struct: sdkRequire("google-protobuf/google/protobuf/struct_pb"),
    empty: sdkRequire("google-protobuf/google/protobuf/empty_pb"),
  };
}

// Hosts still running when this process exits would otherwise outlive it, serving on their port forever.
const liveHosts = new Set<ChildProcess>();

function killLiveHosts(): void {
  for (const child of liveHosts) child.kill("SIGKILL");
}

function trackLiveHost(child: ChildProcess): void {
  if (liveHosts.size === 0) process.on("exit", killLiveHosts);
  liveHosts.add(child);
}

function untrackLiveHost(child: ChildProcess): void {
  liveHosts.delete(child);
  if (liveHosts.size === 0) process.off("exit", killLiveHosts);
}

type UnaryCallback<Response> = (error: grpcTypes.ServiceError | null, response: Response) => void;

interface HostSettings {
  project: string;
  stack: string;
  onOutput?: (line: OutputLine) => void;
}

class DynamicProviderHost implements ProviderHost {
  readonly project: string;
  readonly stack: string;
  port = 0;
  version = "";
  private client?: providerGrpcTypes.ResourceProviderClient;
  private configured = false;
  private exit?: HostExit;
  private readonly lines: OutputLine[] = [];
  private readonly lineListeners = new Set<(line: OutputLine) => void>();
  private readonly onOutput?: (line: OutputLine) => void;

  constructor(
    private readonly child: ChildProcess,
    readonly exited: Promise<HostExit>,
    private readonly sdk: Sdk,
    settings: HostSettings,
  ) {
    this.project = settings.project;
    this.stack = settings.stack;
    this.onOutput = settings.onOutput;
    void exited.then((exit) => {
      this.exit = exit;
      this.client?.close();
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  async connect(timeoutMs: number): Promise<void> {
    this.port = await this.readPort(timeoutMs);
    const { grpc, providerGrpc } = this.sdk;
    const address = `127.0.0.1:${this.port}`;
    this.client = new providerGrpc.ResourceProviderClient(address, grpc.credentials.createInsecure(), {
      // The engine accepts messages this large: `__provider` and every output travel in each call.
      "grpc.max_receive_message_length": 400 * 1024 * 1024,
    });
    const info = await this.call<pluginProtoTypes.PluginInfo>("getPluginInfo", "", (client, done) =>
      client.getPluginInfo(new this.sdk.empty.Empty(), done),
    );
    this.version = info.getVersion();
  }

  async configure(config: Record<string, string>, options: ConfigureOptions = {}): Promise<void> {
    const secretKeys = new Set(options.secretKeys ?? []);
    for (const key of secretKeys) {
      if (!Object.hasOwn(config, key)) {
        throw new TypeError(
          `secretKeys names "${key}", which is not a key of config: list only keys you pass in config.`,
        );
      }
    }
    const request = new this.sdk.providerProto.ConfigureRequest();
    const args: PropertyMap = {};
    for (const [key, value] of Object.entries(config)) {
      if (typeof value !== "string") {
        throw new TypeError(
          `config["${key}"] is a ${typeof value}: the engine sends every config value as a string ` +
            `(structured values as JSON text); pass String(value) or JSON.stringify(value).`,
        );
      }
      if (!key.includes(":")) {
        throw new TypeError(
          `config key "${key}" has no namespace: the engine sends keys as "<namespace>:<name>"; ` +
            `use "${this.project}:${key}" for a key of the project, or e.g. "ovh:${key}".`,
        );
      }
      // The older spelling, still sent by the engine; the 3.248.0 host reads only args.
      request.getVariablesMap().set(`pulumi-nodejs:config:${key}`, value);
      args[key] = secretKeys.has(key) ? { [SIGNATURE_KEY]: SECRET_SIGNATURE, value } : value;
    }
    request.setArgs(this.toStruct(args));
    request.setAcceptsecrets(true);
    request.setAcceptresources(true);
    request.setSendsOldInputs(true);
    request.setSendsOldInputsToDelete(true);
    request.setUrn(this.makeUrn(DYNAMIC_PROVIDER_TYPE, "default"));
    request.setName("default");
    request.setType(DYNAMIC_PROVIDER_TYPE);
    await this.call<providerProtoTypes.ConfigureResponse>("configure", "", (client, done) =>
      client.configure(request, done),
    );
    this.configured = true;
  }

  async check(urn: string, olds: PropertyMap, news: PropertyMap): Promise<CheckResult> {
    const request = new this.sdk.providerProto.CheckRequest();
    const { name, type } = this.resourceOperation("check", urn, providerSource(olds, news), "news");
    request.setUrn(urn).setName(name).setType(type);
    request.setOlds(this.toStruct(olds)).setNews(this.toStruct(news));
    request.setRandomseed(randomBytes(32));
    const response = await this.call<providerProtoTypes.CheckResponse>("check", urn, (client, done) =>
      client.check(request, done),
    );
    return {
      inputs: this.fromStruct(response.getInputs()),
      failures: response.getFailuresList().map((failure) => ({
        property: failure.getProperty(),
        reason: failure.getReason(),
      })),
    };
  }

  async diff(
    id: string,
    urn: string,
    olds: PropertyMap,
    news: PropertyMap,
    options: OldInputsOption = {},
  ): Promise<DiffResult> {
    const { DiffRequest, DiffResponse } = this.sdk.providerProto;
    const request = new DiffRequest();
    const { name, type } = this.resourceOperation("diff", urn, providerSource(olds, news), "news");
    request.setId(id).setUrn(urn).setName(name).setType(type);
    request.setOlds(this.toStruct(olds)).setNews(this.toStruct(news));
    if (options.oldInputs) request.setOldInputs(this.toStruct(options.oldInputs));
    const response = await this.call<providerProtoTypes.DiffResponse>("diff", urn, (client, done) =>
      client.diff(request, done),
    );
    const changes: Record<number, DiffChanges> = {
      [DiffResponse.DiffChanges.DIFF_SOME]: "some",
      [DiffResponse.DiffChanges.DIFF_NONE]: "none",
      [DiffResponse.DiffChanges.DIFF_UNKNOWN]: "unknown",
    };
    return {
      changes: changes[response.getChanges()],
      replaces: response.getReplacesList(),
      deleteBeforeReplace: response.getDeletebeforereplace(),
      stables: response.getStablesList(),
      diffs: response.getDiffsList(),
      hasDetailedDiff: response.getHasdetaileddiff(),
    };
  }

  async create(urn: string, props: PropertyMap): Promise<CreateResult> {
    const request = new this.sdk.providerProto.CreateRequest();
    const { name, type } = this.resourceOperation("create", urn, props, "props");
    request.setUrn(urn).setName(name).setType(type);
    request.setProperties(this.toStruct(props));
    const response = await this.call<providerProtoTypes.CreateResponse>("create", urn, (client, done) =>
      client.create(request, done),
    );
    return { id: response.getId(), outs: this.fromStruct(response.getProperties()) };
  }

  async read(id: string, urn: string, props: PropertyMap, inputs?: PropertyMap): Promise<ReadResult> {
    const request = new this.sdk.providerProto.ReadRequest();
    const { name, type } = this.resourceOperation("read", urn, props, "props");
    request.setId(id).setUrn(urn).setName(name).setType(type);
    request.setProperties(this.toStruct(props));
    if (inputs) request.setInputs(this.toStruct(inputs));
    const response = await this.call<providerProtoTypes.ReadResponse>("read", urn, (client, done) =>
      client.read(request, done),
    );
    const result: ReadResult = { id: response.getId(), props: this.fromStruct(response.getProperties()) };
    if (response.hasInputs()) result.inputs = this.fromStruct(response.getInputs());
    return result;
  }

  async update(
    id: string,
    urn: string,
    olds: PropertyMap,
    news: PropertyMap,
    options: OldInputsOption = {},
  ): Promise<UpdateResult> {
    const request = new this.sdk.providerProto.UpdateRequest();
    const { name, type } = this.resourceOperation("update", urn, news, "news");
    request.setId(id).setUrn(urn).setName(name).setType(type);
    request.setOlds(this.toStruct(olds)).setNews(this.toStruct(news));
    if (options.oldInputs) request.setOldInputs(this.toStruct(options.oldInputs));
    const response = await this.call<providerProtoTypes.UpdateResponse>("update", urn, (client, done) =>
      client.update(request, done),
    );
    return { outs: this.fromStruct(response.getProperties()) };
  }

  async delete(id: string, urn: string, props: PropertyMap, options: OldInputsOption = {}): Promise<void> {
    const request = new this.sdk.providerProto.DeleteRequest();
    const { name, type } = this.resourceOperation("delete", urn, props, "props");
    request.setId(id).setUrn(urn).setName(name).setType(type);
    request.setProperties(this.toStruct(props));
    if (options.oldInputs) request.setOldInputs(this.toStruct(options.oldInputs));
    await this.call<emptyProtoTypes.Empty>("delete", urn, (client, done) =>
      client.delete(request, done),
    );
  }

  makeUrn(type: string, name: string): string {
    return makeUrn(type, name, this);
  }

  output(): readonly OutputLine[] {
    return [...this.lines];
  }

  waitForOutput(match: string | RegExp | ((line: OutputLine) => boolean), timeoutMs = 10_000): Promise<OutputLine> {
    const matches =
      typeof match === "function"
        ? match
        : typeof match === "string"
          ? (line: OutputLine) => line.text.includes(match)
          : (line: OutputLine) => match.test(line.text);
    const printed = this.lines.find(matches);
    if (printed) return Promise.resolve(printed);
    const wanted = String(match);
    return new Promise((resolve, reject) => {
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        this.lineListeners.delete(listener);
        settle();
      };
      const listener = (line: OutputLine) => {
        if (matches(line)) finish(() => resolve(line));
      };
      const timer = setTimeout(() => {
        const error = new ProviderHostError(`The host printed no line matching ${wanted} within ${timeoutMs} ms.`);
        finish(() => reject(error));
      }, timeoutMs);
      this.lineListeners.add(listener);
      void this.exited.then((exit) => {
        const error = new ProviderHostError(
          `The host exited (${describeExit(exit)}) without printing a line matching ${wanted}.`,
          exit,
        );
        finish(() => reject(error));
      });
    });
  }

  async kill(signal: NodeJS.Signals = "SIGKILL"): Promise<HostExit> {
    if (!this.exit) this.child.kill(signal);
    return this.exited;
  }

  async close(): Promise<HostExit> {
    this.client?.close();
    if (this.exit) return this.exit;
    this.child.kill("SIGTERM");
    const exit = await this.exitWithin(5_000);
    if (exit) return exit;
    this.child.kill("SIGKILL");
    return this.exited;
  }

  private readPort(timeoutMs: number): Promise<number> {
    return new Promise((resolve, reject) => {
      let portLine: string | undefined;
      const fail = (reason: string, exit?: HostExit) => {
        clearTimeout(timer);
        reject(new ProviderHostError(`The dynamic-provider host ${reason}.${this.stderrTail()}`, exit));
      };
      const timer = setTimeout(() => fail(`printed no port within ${timeoutMs} ms`), timeoutMs);
      readline.createInterface({ input: this.child.stdout! }).on("line", (text) => {
        if (portLine !== undefined) return this.record({ stream: "stdout", text });
        portLine = text;
        clearTimeout(timer);
        const port = Number(text.trim());
        if (Number.isInteger(port) && port > 0) resolve(port);
        else fail(`printed "${text.slice(0, 200)}" where its port was expected`);
      });
      readline
        .createInterface({ input: this.child.stderr! })
        .on("line", (text) => this.record({ stream: "stderr", text }));
      this.child.on("error", (error) => fail(`could not be started (${error.message})`));
      void this.exited.then((exit) => {
        if (portLine === undefined) fail(`exited (${describeExit(exit)}) before printing its port`, exit);
      });
    });
  }

  private record(line: OutputLine): void {
    this.lines.push(line);
    if (this.lines.length > KEPT_OUTPUT_LINES) this.lines.shift();
    this.onOutput?.(line);
    for (const listener of this.lineListeners) listener(line);
  }

  private stderrTail(): string {
    const tail = this.lines.filter((line) => line.stream === "stderr").slice(-10);
    return tail.length === 0 ? "" : ` Its last error output:\n${tail.map((line) => line.text).join("\n")}`;
  }

  private exitWithin(timeoutMs: number): Promise<HostExit | undefined> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(undefined), timeoutMs);
      void this.exited.then((exit) => {
        clearTimeout(timer);
        resolve(exit);
      });
    });
  }

  /**
   * Checks what the engine guarantees before a resource call, and returns the name and type it sends with the URN.
   * `props` are those the host takes the provider from.
   */
  private resourceOperation(
    operation: Operation,
    urn: string,
    props: PropertyMap,
    field: string,
  ): { name: string; type: string } {
    if (!this.configured) {
      throw new ProviderHostError(
        `configure() must be called before ${operation}: the engine always configures the provider first, ` +
          `and the host calls the provider's configure() with that configuration.`,
      );
    }
    if (!carriesProvider(props)) {
      throw new TypeError(
        `${operation}: ${field} has no "${PROVIDER_KEY}" text, so the host cannot load the provider. Build program ` +
          `inputs with withProvider(providerText, inputs), and pass the inputs and outputs the host returns as they are.`,
      );
    }
    return parseUrn(urn);
  }

  private async call<Response>(
    operation: Operation,
    urn: string,
    invoke: (client: providerGrpcTypes.ResourceProviderClient, done: UnaryCallback<Response>) => void,
  ): Promise<Response> {
    const client = this.client;
    if (this.exit || !client) {
      throw new ProviderHostError(
        `The dynamic-provider host has exited (${this.exit ? describeExit(this.exit) : "never connected"}): ` +
          `start a new one to ${operation}.`,
        this.exit,
      );
    }
    try {
      return await new Promise<Response>((resolve, reject) =>
        invoke(client, (error, response) => (error ? reject(error) : resolve(response))),
      );
    } catch (error) {
      if (!isServiceError(error)) throw error;
      throw await this.toError(operation, urn, error);
    }
  }

  private async toError(operation: Operation, urn: string, error: grpcTypes.ServiceError): Promise<Error> {
    const { status } = this.sdk.grpc;
    const subject = urn ? `${operation} of ${urn}` : operation;
    if (error.code === status.UNAVAILABLE || error.code === status.CANCELLED) {
      // A dropped connection is how a dying host shows first; its exit follows within moments.
      const exit = await this.exitWithin(2_000);
      if (exit) {
        return new ProviderHostError(
          `The dynamic-provider host exited (${describeExit(exit)}) during ${subject}.${this.stderrTail()}`,
          exit,
        );
      }
      return new ProviderHostError(
        `The dynamic-provider host on port ${this.port} did not answer ${subject}: ${error.details}.`,
      );
    }
    if (error.code === status.UNIMPLEMENTED) {
      return new ProviderHostError(`The dynamic-provider host does not implement ${operation}: ${error.details}.`);
    }
    return new ProviderOperationError(error.details, operation, urn, error.code, this.initFailure(error));
  }

  /** The partial resource a failed create/update reported (`grpc-status-details-bin` carrying ErrorResourceInitFailed). */
  private initFailure(error: grpcTypes.ServiceError): ResourceInitFailure | undefined {
    const [encoded] = error.metadata?.get("grpc-status-details-bin") ?? [];
    if (!encoded) return undefined;
    const bytes = typeof encoded === "string" ? Buffer.from(encoded, "base64") : encoded;
    const details = this.sdk.statusProto.Status.deserializeBinary(bytes).getDetailsList();
    const detail = details.find((any) => any.getTypeName() === "pulumirpc.ErrorResourceInitFailed");
    if (!detail) return undefined;
    const failure = this.sdk.providerProto.ErrorResourceInitFailed.deserializeBinary(detail.getValue_asU8());
    return {
      id: failure.getId(),
      properties: this.fromStruct(failure.getProperties()),
      reasons: failure.getReasonsList(),
    };
  }

  private toStruct(props: PropertyMap): structProtoTypes.Struct {
    // JSON semantics, as the engine's property maps: undefined members are absent, dates become strings.
    const json = JSON.parse(JSON.stringify(props)) as Record<string, structProtoTypes.JavaScriptValue>;
    return this.sdk.struct.Struct.fromJavaScript(json);
  }

  private fromStruct(struct: structProtoTypes.Struct | undefined): PropertyMap {
    return struct ? (struct.toJavaScript() as PropertyMap) : {};
  }
}

function isServiceError(error: unknown): error is grpcTypes.ServiceError {
  return error instanceof Error && typeof (error as Partial<grpcTypes.ServiceError>).code === "number";
}

/** The host takes the provider from the old state while a preview does not know the new one yet. */
function providerSource(olds: PropertyMap, news: PropertyMap): PropertyMap {
  return news[PROVIDER_KEY] === UNKNOWN_VALUE ? olds : news;
}

function carriesProvider(props: PropertyMap): boolean {
  const text = props[PROVIDER_KEY];
  return typeof text === "string" && text !== "" && text !== UNKNOWN_VALUE;
}

function parseUrn(urn: string): { name: string; type: string } {
  const parts = urn.split("::");
  if (!urn.startsWith("urn:pulumi:") || parts.length < 4) {
    throw new TypeError(
      `"${urn}" is not a resource URN ("urn:pulumi:<stack>::<project>::<type>::<name>"): build one with makeUrn(type, name).`,
    );
  }
  const qualifiedType = parts[2].split("$");
  return { name: parts.slice(3).join("::"), type: qualifiedType[qualifiedType.length - 1] };
}

function describeExit(exit: HostExit): string {
  return exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
}
