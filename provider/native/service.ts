import type * as grpcTypes from "@grpc/grpc-js";
import type * as structProtoTypes from "google-protobuf/google/protobuf/struct_pb";
import { configureSettings } from "../resources/provider-config";
import { detailedDiff, type PropertyChange } from "./detailed-diff";
import { withResource } from "./engine-log";
import { configChanges, configFailures, settingTextsOf } from "./provider-configuration";
import type { PulumiRpc } from "./pulumi-rpc";
import { resourceKinds, type ResourceKind } from "./resource-kinds";
import { hasUnknowns, jsonProperties, plainProperties, UNKNOWN, type PropertyMap } from "./wire";

/**
 * The engine's `pulumirpc.ResourceProvider` service for the ovh-office365 resources, on their lifecycle: what the engine
 * sends is unwrapped (secrets, unknown values) and handed to the same check, diff, create, read, update and delete the
 * dynamic resources use; what they return goes back as the engine expects it (a detailed diff, a partial state as
 * `ErrorResourceInitFailed`). Nothing here knows about OVH.
 */

export interface ServiceOptions {
  rpc: PulumiRpc;
  /** The plugin's version (GetPluginInfo). */
  version: string;
  /** The package schema, as JSON text (GetSchema). */
  schema: string;
  /** Each resource's output properties, by type token: what a preview returns as unknown. */
  outputNames: ReadonlyMap<string, readonly string[]>;
}

type Call<Request> = grpcTypes.ServerUnaryCall<Request, unknown>;
type Callback = grpcTypes.sendUnaryData<unknown>;
/** A handler's answer, or an error carrying a gRPC status. */
type Handler<Request> = (request: Request) => Promise<unknown>;

export function resourceProviderService(options: ServiceOptions): grpcTypes.UntypedServiceImplementation {
  const { rpc } = options;
  const { providerProto: proto, struct, empty } = rpc;
  const { status } = rpc.grpc;

  const toStruct = (props: object): structProtoTypes.Struct => struct.Struct.fromJavaScript(jsonProperties(props) as Record<string, structProtoTypes.JavaScriptValue>);
  const fromStruct = (value: structProtoTypes.Struct | undefined): PropertyMap => plainProperties(value ? (value.toJavaScript() as PropertyMap) : {});

  /** Answers a call with the handler's result, or with its error as a gRPC status. */
  const unary =
    <Request>(handler: Handler<Request>) =>
    (call: Call<Request>, callback: Callback): void => {
      handler(call.request).then(
        (response) => callback(null, response),
        (error: unknown) => callback(grpcError(error)),
      );
    };

  /** An operation on one resource: its kind, and messages logged meanwhile attached to its URN. */
  const onResource =
    <Request extends { getUrn(): string; getType(): string }>(operation: (request: Request, kind: ResourceKind) => Promise<unknown>) =>
    unary<Request>((request) => withResource(request.getUrn(), () => operation(request, kindOf(request))));

  function kindOf(request: { getUrn(): string; getType(): string }): ResourceKind {
    const type = request.getType() || request.getUrn().split("::")[2]?.split("$").pop() || "";
    const kind = resourceKinds.get(type);
    if (!kind) throw statusError(status.INVALID_ARGUMENT, `ovh-office365 has no resource type "${type}": it serves ${[...resourceKinds.keys()].join(" and ")}.`);
    return kind;
  }

  function statusError(code: grpcTypes.status, details: string): grpcTypes.ServiceError {
    return Object.assign(new Error(details), { code, details, metadata: new rpc.grpc.Metadata() });
  }

  /**
   * A failure as the engine reads it. One that left the resource in existence carries its id and properties (a
   * partial create or update): the engine records them as they are, so they travel as `ErrorResourceInitFailed`.
   */
  function grpcError(error: unknown): Partial<grpcTypes.ServiceError> {
    if (typeof (error as Partial<grpcTypes.ServiceError>)?.code === "number" && (error as Partial<grpcTypes.ServiceError>).details !== undefined) {
      return error as grpcTypes.ServiceError;
    }
    const message = error instanceof Error ? error.message : String(error);
    const metadata = new rpc.grpc.Metadata();
    const partial = error as { id?: unknown; properties?: unknown };
    if (typeof partial.id === "string" && partial.id !== "" && typeof partial.properties === "object" && partial.properties !== null) {
      const failure = new proto.ErrorResourceInitFailed();
      failure.setId(partial.id);
      failure.setProperties(toStruct(partial.properties));
      failure.setReasonsList([message]);
      const detail = new rpc.any.Any();
      detail.pack(failure.serializeBinary(), "pulumirpc.ErrorResourceInitFailed");
      const grpcStatus = new rpc.statusProto.Status();
      grpcStatus.setCode(status.UNKNOWN);
      grpcStatus.setMessage(message);
      grpcStatus.addDetails(detail);
      metadata.add("grpc-status-details-bin", Buffer.from(grpcStatus.serializeBinary()));
    }
    return { code: status.UNKNOWN, details: message, metadata };
  }

  /** What a preview says a create or update will return: the declared inputs, every other output not known yet. */
  function previewOutputs(kind: ResourceKind, inputs: PropertyMap): PropertyMap {
    const outputs: PropertyMap = { ...inputs };
    for (const name of options.outputNames.get(kind.token) ?? []) if (outputs[name] === undefined) outputs[name] = UNKNOWN;
    return outputs;
  }

  const changeKinds: Record<PropertyChange, number> = {
    add: proto.PropertyDiff.Kind.ADD,
    addReplace: proto.PropertyDiff.Kind.ADD_REPLACE,
    delete: proto.PropertyDiff.Kind.DELETE,
    deleteReplace: proto.PropertyDiff.Kind.DELETE_REPLACE,
    update: proto.PropertyDiff.Kind.UPDATE,
    updateReplace: proto.PropertyDiff.Kind.UPDATE_REPLACE,
  };

  return {
    getPluginInfo: unary(async () => new rpc.pluginProto.PluginInfo().setVersion(options.version)),

    getSchema: unary(async (request: InstanceType<typeof proto.GetSchemaRequest>) => {
      if (request.getVersion() !== 0) throw statusError(status.INVALID_ARGUMENT, `unsupported schema version ${request.getVersion()}: this plugin serves version 0`);
      return new proto.GetSchemaResponse().setSchema(options.schema);
    }),

    checkConfig: unary(async (request: InstanceType<typeof proto.CheckRequest>) => {
      const response = new proto.CheckResponse();
      // The inputs go back as they came, secrets still marked.
      response.setInputs(request.getNews());
      response.setFailuresList(configFailures(fromStruct(request.getNews()), process.env).map((f) => new proto.CheckFailure().setProperty(f.property).setReason(f.reason)));
      return response;
    }),

    diffConfig: unary(async (request: InstanceType<typeof proto.DiffRequest>) => {
      const changed = configChanges(fromStruct(request.getOldInputs() ?? request.getOlds()), fromStruct(request.getNews()));
      const response = new proto.DiffResponse();
      response.setChanges(changed.length > 0 ? proto.DiffResponse.DiffChanges.DIFF_SOME : proto.DiffResponse.DiffChanges.DIFF_NONE);
      response.setDiffsList(changed);
      for (const name of changed) response.getDetaileddiffMap().set(name, new proto.PropertyDiff().setKind(proto.PropertyDiff.Kind.UPDATE).setInputdiff(true));
      response.setHasdetaileddiff(true);
      return response;
    }),

    configure: unary(async (request: InstanceType<typeof proto.ConfigureRequest>) => {
      const args = request.getArgs();
      const given = args ? fromStruct(args) : variablesOf(request.getVariablesMap());
      try {
        configureSettings(settingTextsOf(given));
      } catch (error) {
        throw statusError(status.INVALID_ARGUMENT, error instanceof Error ? error.message : String(error));
      }
      const response = new proto.ConfigureResponse();
      response.setAcceptsecrets(true);
      response.setSupportspreview(true);
      response.setAcceptresources(true);
      response.setAcceptoutputs(false);
      return response;
    }),

    check: onResource(async (request: InstanceType<typeof proto.CheckRequest>, kind) => {
      const result = await kind.check(fromStruct(request.getOlds()), fromStruct(request.getNews()));
      const response = new proto.CheckResponse();
      response.setInputs(toStruct(result.inputs ?? fromStruct(request.getNews())));
      response.setFailuresList((result.failures ?? []).map((f) => new proto.CheckFailure().setProperty(f.property).setReason(f.reason)));
      return response;
    }),

    diff: onResource(async (request: InstanceType<typeof proto.DiffRequest>, kind) => {
      const olds = fromStruct(request.getOlds());
      const news = fromStruct(request.getNews());
      const oldInputs = request.getOldInputs() ? fromStruct(request.getOldInputs()) : olds;
      const result = await kind.diff(request.getId(), olds as never, news as never);
      const replaces = result.replaces ?? [];
      const changes = detailedDiff(kind.inputNames, oldInputs, news, replaces);
      const response = new proto.DiffResponse();
      const changed = result.changes === true || replaces.length > 0;
      response.setChanges(changed ? proto.DiffResponse.DiffChanges.DIFF_SOME : proto.DiffResponse.DiffChanges.DIFF_NONE);
      response.setReplacesList([...replaces]);
      response.setDeletebeforereplace(result.deleteBeforeReplace === true);
      if (changed) {
        response.setDiffsList(Object.keys(changes));
        for (const [name, change] of Object.entries(changes)) {
          response.getDetaileddiffMap().set(name, new proto.PropertyDiff().setKind(changeKinds[change]).setInputdiff(true));
        }
      }
      response.setHasdetaileddiff(true);
      return response;
    }),

    create: onResource(async (request: InstanceType<typeof proto.CreateRequest>, kind) => {
      const inputs = fromStruct(request.getProperties());
      const response = new proto.CreateResponse();
      if (request.getPreview()) return response.setProperties(toStruct(previewOutputs(kind, inputs)));
      if (hasUnknowns(inputs)) throw statusError(status.FAILED_PRECONDITION, "some inputs are not known yet: a create runs only once every input is known");
      const created = await kind.create(inputs as never);
      return response.setId(created.id).setProperties(toStruct(created.outs ?? {}));
    }),

    read: onResource(async (request: InstanceType<typeof proto.ReadRequest>, kind) => {
      const stored = request.getProperties();
      // An import reads with the id alone.
      const state = stored && stored.getFieldsMap().getLength() > 0 ? fromStruct(stored) : undefined;
      const read = await kind.read(request.getId(), state as never);
      const response = new proto.ReadResponse().setId(read.id ?? "");
      if (!read.id) return response;
      response.setProperties(toStruct(read.props ?? {}));
      if (read.inputs) response.setInputs(toStruct(read.inputs));
      return response;
    }),

    update: onResource(async (request: InstanceType<typeof proto.UpdateRequest>, kind) => {
      const news = fromStruct(request.getNews());
      const response = new proto.UpdateResponse();
      if (request.getPreview()) return response.setProperties(toStruct(previewOutputs(kind, news)));
      if (hasUnknowns(news)) throw statusError(status.FAILED_PRECONDITION, "some inputs are not known yet: an update runs only once every input is known");
      const updated = await kind.update(request.getId(), fromStruct(request.getOlds()) as never, news as never);
      return response.setProperties(toStruct(updated.outs ?? {}));
    }),

    delete: onResource(async (request: InstanceType<typeof proto.DeleteRequest>, kind) => {
      await kind.remove(request.getId(), fromStruct(request.getProperties()) as never);
      return new empty.Empty();
    }),

    // Waits in progress end on their own schedule: the engine's cancel only announces that it will stop the plugin.
    cancel: unary(async () => new empty.Empty()),
  };
}

/** The deprecated `variables` map: `ovh-office365:config:<key>` → value. */
function variablesOf(variables: { forEach(callback: (value: string, key: string) => void): void }): PropertyMap {
  const given: PropertyMap = {};
  variables.forEach((value, key) => {
    const name = key.replace(/^[^:]+:config:/, "");
    given[name] = value;
  });
  return given;
}
