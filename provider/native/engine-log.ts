import { AsyncLocalStorage } from "node:async_hooks";
import type * as engineGrpcTypes from "@pulumi/pulumi/proto/engine_grpc_pb";
import type { PulumiRpc } from "./pulumi-rpc";

/**
 * Messages for the person running Pulumi, through the engine's `Log` call: a resource plugin's own output is only
 * logged by the engine at debug level. Each message is attached to the resource whose operation is running, which
 * `withResource` tells across the operation's awaits.
 */

const currentResource = new AsyncLocalStorage<string>();

/** Runs an operation of the resource `urn`: messages logged meanwhile are attached to it. */
export function withResource<T>(urn: string, operation: () => Promise<T>): Promise<T> {
  return currentResource.run(urn, operation);
}

export type Severity = "debug" | "info" | "warning" | "error";

export class EngineLog {
  private readonly client: engineGrpcTypes.EngineClient;

  constructor(
    private readonly rpc: PulumiRpc,
    engineAddress: string,
    /** Where a message goes when the engine cannot be reached (the plugin's stderr, which the engine logs). */
    private readonly fallback: (line: string) => void,
  ) {
    this.client = new rpc.engineGrpc.EngineClient(engineAddress, rpc.grpc.credentials.createInsecure());
  }

  log(severity: Severity, message: string): void {
    const { LogRequest, LogSeverity } = this.rpc.engineProto;
    const request = new LogRequest();
    request.setSeverity({ debug: LogSeverity.DEBUG, info: LogSeverity.INFO, warning: LogSeverity.WARNING, error: LogSeverity.ERROR }[severity]);
    request.setMessage(message);
    request.setUrn(currentResource.getStore() ?? "");
    this.client.log(request, (error) => {
      if (error) this.fallback(`${severity}: ${message}`);
    });
  }

  close(): void {
    this.client.close();
  }
}
