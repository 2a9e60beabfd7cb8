import type * as grpcTypes from "@grpc/grpc-js";
import type * as engineProtoTypes from "@pulumi/pulumi/proto/engine_pb";
import type { Sdk } from "./sdk";

/**
 * The part of the engine a resource plugin calls back: `pulumirpc.Engine/Log`, where its messages for the person
 * running Pulumi go. Each message is handed over with its severity and the resource it is attached to.
 */

export interface EngineMessage {
  severity: "debug" | "info" | "warning" | "error";
  message: string;
  /** The resource the message is about ("" for none). */
  urn: string;
}

export interface EngineServer {
  /** Where the plugin is told the engine listens. */
  address: string;
  close(): Promise<void>;
}

export async function startEngineServer(sdk: Sdk, onMessage: (message: EngineMessage) => void): Promise<EngineServer> {
  const { grpc, engineGrpc, engineProto, empty } = sdk;
  const severities: Record<number, EngineMessage["severity"]> = {
    [engineProto.LogSeverity.DEBUG]: "debug",
    [engineProto.LogSeverity.INFO]: "info",
    [engineProto.LogSeverity.WARNING]: "warning",
    [engineProto.LogSeverity.ERROR]: "error",
  };
  const server = new grpc.Server();
  server.addService(engineGrpc.EngineService, {
    log: (call: grpcTypes.ServerUnaryCall<engineProtoTypes.LogRequest, unknown>, callback: grpcTypes.sendUnaryData<unknown>) => {
      const request = call.request;
      onMessage({ severity: severities[request.getSeverity()] ?? "info", message: request.getMessage(), urn: request.getUrn() });
      callback(null, new empty.Empty());
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  return {
    address: `127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.tryShutdown(() => resolve())),
  };
}
