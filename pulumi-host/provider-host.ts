import { randomBytes } from "node:crypto";
import * as path from "node:path";
import type * as grpcTypes from "@grpc/grpc-js";
import type * as providerGrpcTypes from "@pulumi/pulumi/proto/provider_grpc_pb";
import type * as pluginProtoTypes from "@pulumi/pulumi/proto/plugin_pb";
import type * as providerProtoTypes from "@pulumi/pulumi/proto/provider_pb";
import type * as emptyProtoTypes from "google-protobuf/google/protobuf/empty_pb";
import type * as structProtoTypes from "google-protobuf/google/protobuf/struct_pb";
import { callError, isServiceError } from "./grpc-errors";
import { describeExit, spawnHostProcess, type HostProcess } from "./host-process";
import { PROVIDER_KEY, carriesProvider, fromStruct, providerSource, secretValue, toStruct } from "./property-struct";
import { startEngineServer } from "./engine-server";
import { loadSdk, type Sdk } from "./sdk";
import {
  ProviderHostError,
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
  type StartProviderHostOptions,
  type UpdateResult,
} from "./types";
import { DYNAMIC_PROVIDER_TYPE, makeUrn, parseUrn } from "./urns";

/**
 * Drives a provider the way the Pulumi engine does, without the Pulumi CLI: the Node.js dynamic-provider host shipped
 * in @pulumi/pulumi, or a resource provider plugin. The same process (see ./host-process), the same gRPC calls and
 * the same property shapes.
 */

/** Starts the dynamic-provider host of the @pulumi/pulumi installed for the program in `options.cwd`. */
export async function startProviderHost(options: StartProviderHostOptions): Promise<ProviderHost> {
  const cwd = path.resolve(options.cwd);
  const sdk = loadSdk(cwd);
  const project = options.project ?? "project";
  const hostProcess = spawnHostProcess({ command: [process.execPath, sdk.hostScript], cwd, project, env: options.env, onOutput: options.onOutput });
  return connected(new GrpcProviderHost(hostProcess, sdk, { project, stack: options.stack ?? "dev" }, dynamicHost), options.startTimeoutMs);
}

/**
 * Starts a resource provider plugin as the engine does (`<command> <engine address>`, in the program's directory),
 * with a fake engine it logs its messages to; they show in `output()` as lines of the "engine" stream.
 */
export async function startProviderPlugin(options: StartProviderPluginOptions): Promise<ProviderPlugin> {
  const cwd = path.resolve(options.cwd);
  const sdk = loadSdk(cwd);
  const project = options.project ?? "project";
  let hostProcess: HostProcess | undefined;
  const engine = await startEngineServer(sdk, ({ severity, message }) => hostProcess?.engineMessage(severity === "info" ? message : `${severity}: ${message}`));
  hostProcess = spawnHostProcess({ command: options.command, engineAddress: engine.address, cwd, project, env: options.env, onOutput: options.onOutput });
  void hostProcess.exited.then(() => engine.close());
  const flavor = pluginFlavor(options.packageName);
  return connected(new GrpcProviderHost(hostProcess, sdk, { project, stack: options.stack ?? "dev" }, flavor), options.startTimeoutMs);
}

async function connected<T extends GrpcProviderHost>(host: T, startTimeoutMs = 30_000): Promise<T> {
  try {
    await host.connect(startTimeoutMs);
  } catch (error) {
    await host.close();
    throw error;
  }
  return host;
}

/** What differs between the dynamic-provider host and a resource plugin, as the engine talks to each. */
interface HostFlavor {
  /** The provider resource's type token (`pulumi:providers:<package>`). */
  providerType: string;
  /** The dynamic host loads each resource's provider from its `__provider` input; a plugin is its own provider. */
  needsProviderText: boolean;
  /** Checks a config key as the engine would send it; throws a TypeError saying how to write it. */
  checkConfigKey(key: string, project: string): void;
  /** The key of the deprecated `variables` map the engine still sends. */
  variableKey(key: string): string;
}

const dynamicHost: HostFlavor = {
  providerType: DYNAMIC_PROVIDER_TYPE,
  needsProviderText: true,
  checkConfigKey(key, project) {
    if (!key.includes(":")) {
      throw new TypeError(
        `config key "${key}" has no namespace: the engine sends keys as "<namespace>:<name>"; ` +
          `use "${project}:${key}" for a key of the project, or e.g. "ovh:${key}".`,
      );
    }
  },
  // The 3.248.0 host reads only args.
  variableKey: (key) => `pulumi-nodejs:config:${key}`,
};

function pluginFlavor(packageName: string): HostFlavor {
  return {
    providerType: `pulumi:providers:${packageName}`,
    needsProviderText: false,
    checkConfigKey(key) {
      if (key.includes(":")) {
        throw new TypeError(
          `config key "${key}" has a namespace: the engine sends a plugin its package's settings without it ` +
            `("endpoint" for the stack config key "${packageName}:endpoint").`,
        );
      }
    },
    variableKey: (key) => `${packageName}:config:${key}`,
  };
}

type UnaryCallback<Response> = (error: grpcTypes.ServiceError | null, response: Response) => void;

class GrpcProviderHost implements ProviderPlugin {
  readonly project: string;
  readonly stack: string;
  readonly exited: Promise<HostExit>;
  port = 0;
  version = "";
  private client?: providerGrpcTypes.ResourceProviderClient;
  private configured = false;

  constructor(
    private readonly hostProcess: HostProcess,
    private readonly sdk: Sdk,
    scope: { project: string; stack: string },
    private readonly flavor: HostFlavor,
  ) {
    this.project = scope.project;
    this.stack = scope.stack;
    this.exited = hostProcess.exited;
    void this.exited.then(() => this.client?.close());
  }

  get pid(): number {
    return this.hostProcess.pid;
  }

  async connect(timeoutMs: number): Promise<void> {
    this.port = await this.hostProcess.readPort(timeoutMs);
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
      this.flavor.checkConfigKey(key, this.project);
      // The older spelling, still sent by the engine.
      request.getVariablesMap().set(this.flavor.variableKey(key), value);
      args[key] = secretKeys.has(key) ? secretValue(value) : value;
    }
    const name = options.providerName ?? "default";
    request.setArgs(this.toStruct(args));
    request.setAcceptsecrets(true);
    request.setAcceptresources(true);
    request.setSendsOldInputs(true);
    request.setSendsOldInputsToDelete(true);
    request.setUrn(this.makeUrn(this.flavor.providerType, name));
    request.setName(name);
    request.setType(this.flavor.providerType);
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
      inputs: fromStruct(response.getInputs()),
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
    return this.diffResult(response, DiffResponse);
  }

  private diffResult(response: providerProtoTypes.DiffResponse, DiffResponse: typeof providerProtoTypes.DiffResponse): DiffResult {
    const changes: Record<number, DiffChanges> = {
      [DiffResponse.DiffChanges.DIFF_SOME]: "some",
      [DiffResponse.DiffChanges.DIFF_NONE]: "none",
      [DiffResponse.DiffChanges.DIFF_UNKNOWN]: "unknown",
    };
    const kinds: Record<number, PropertyChangeKind> = {
      [this.sdk.providerProto.PropertyDiff.Kind.ADD]: "add",
      [this.sdk.providerProto.PropertyDiff.Kind.ADD_REPLACE]: "add-replace",
      [this.sdk.providerProto.PropertyDiff.Kind.DELETE]: "delete",
      [this.sdk.providerProto.PropertyDiff.Kind.DELETE_REPLACE]: "delete-replace",
      [this.sdk.providerProto.PropertyDiff.Kind.UPDATE]: "update",
      [this.sdk.providerProto.PropertyDiff.Kind.UPDATE_REPLACE]: "update-replace",
    };
    const detailedDiff: Record<string, PropertyChangeKind> = {};
    response.getDetaileddiffMap().forEach((diff, path) => {
      detailedDiff[path] = kinds[diff.getKind()];
    });
    return {
      changes: changes[response.getChanges()],
      replaces: response.getReplacesList(),
      deleteBeforeReplace: response.getDeletebeforereplace(),
      stables: response.getStablesList(),
      diffs: response.getDiffsList(),
      hasDetailedDiff: response.getHasdetaileddiff(),
      detailedDiff,
    };
  }

  async create(urn: string, props: PropertyMap, options: PreviewOption = {}): Promise<CreateResult> {
    const request = new this.sdk.providerProto.CreateRequest();
    const { name, type } = this.resourceOperation("create", urn, props, "props");
    request.setUrn(urn).setName(name).setType(type);
    request.setProperties(this.toStruct(props));
    request.setPreview(options.preview === true);
    const response = await this.call<providerProtoTypes.CreateResponse>("create", urn, (client, done) =>
      client.create(request, done),
    );
    return { id: response.getId(), outs: fromStruct(response.getProperties()) };
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
    const result: ReadResult = { id: response.getId(), props: fromStruct(response.getProperties()) };
    if (response.hasInputs()) result.inputs = fromStruct(response.getInputs());
    return result;
  }

  async update(
    id: string,
    urn: string,
    olds: PropertyMap,
    news: PropertyMap,
    options: OldInputsOption & PreviewOption = {},
  ): Promise<UpdateResult> {
    const request = new this.sdk.providerProto.UpdateRequest();
    const { name, type } = this.resourceOperation("update", urn, news, "news");
    request.setId(id).setUrn(urn).setName(name).setType(type);
    request.setOlds(this.toStruct(olds)).setNews(this.toStruct(news));
    request.setPreview(options.preview === true);
    if (options.oldInputs) request.setOldInputs(this.toStruct(options.oldInputs));
    const response = await this.call<providerProtoTypes.UpdateResponse>("update", urn, (client, done) =>
      client.update(request, done),
    );
    return { outs: fromStruct(response.getProperties()) };
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

  async checkConfig(olds: PropertyMap, news: PropertyMap, providerName = "default"): Promise<CheckResult> {
    const request = new this.sdk.providerProto.CheckRequest();
    const urn = this.makeUrn(this.flavor.providerType, providerName);
    request.setUrn(urn).setName(providerName).setType(this.flavor.providerType);
    request.setOlds(this.toStruct(olds)).setNews(this.toStruct(news));
    const response = await this.call<providerProtoTypes.CheckResponse>("checkConfig", urn, (client, done) => client.checkConfig(request, done));
    return {
      inputs: fromStruct(response.getInputs()),
      failures: response.getFailuresList().map((failure) => ({ property: failure.getProperty(), reason: failure.getReason() })),
    };
  }

  async diffConfig(olds: PropertyMap, news: PropertyMap, providerName = "default"): Promise<DiffResult> {
    const { DiffRequest, DiffResponse } = this.sdk.providerProto;
    const request = new DiffRequest();
    const urn = this.makeUrn(this.flavor.providerType, providerName);
    request.setUrn(urn).setName(providerName).setType(this.flavor.providerType);
    request.setOlds(this.toStruct(olds)).setOldInputs(this.toStruct(olds)).setNews(this.toStruct(news));
    const response = await this.call<providerProtoTypes.DiffResponse>("diffConfig", urn, (client, done) => client.diffConfig(request, done));
    return this.diffResult(response, DiffResponse);
  }

  async getSchema(): Promise<Record<string, unknown>> {
    const request = new this.sdk.providerProto.GetSchemaRequest();
    const response = await this.call<providerProtoTypes.GetSchemaResponse>("getSchema", "", (client, done) => client.getSchema(request, done));
    return JSON.parse(response.getSchema()) as Record<string, unknown>;
  }

  async cancel(): Promise<void> {
    await this.call<emptyProtoTypes.Empty>("cancel", "", (client, done) => client.cancel(new this.sdk.empty.Empty(), done));
  }

  makeUrn(type: string, name: string): string {
    return makeUrn(type, name, this);
  }

  output(): readonly OutputLine[] {
    return this.hostProcess.output();
  }

  waitForOutput(match: OutputMatch, timeoutMs?: number): Promise<OutputLine> {
    return this.hostProcess.waitForOutput(match, timeoutMs);
  }

  kill(signal: NodeJS.Signals = "SIGKILL"): Promise<HostExit> {
    return this.hostProcess.kill(signal);
  }

  close(): Promise<HostExit> {
    this.client?.close();
    return this.hostProcess.stop();
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
    if (this.flavor.needsProviderText && !carriesProvider(props)) {
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
    const exit = this.hostProcess.exit;
    if (exit || !client) {
      throw new ProviderHostError(
        `The provider process has exited (${exit ? describeExit(exit) : "never connected"}): ` +
          `start a new one to ${operation}.`,
        exit,
      );
    }
    try {
      return await new Promise<Response>((resolve, reject) =>
        invoke(client, (error, response) => (error ? reject(error) : resolve(response))),
      );
    } catch (error) {
      if (!isServiceError(error)) throw error;
      throw await callError(this.sdk, this.hostProcess, this.port, { operation, urn, error });
    }
  }

  private toStruct(props: PropertyMap): structProtoTypes.Struct {
    return toStruct(this.sdk.struct, props);
  }
}
