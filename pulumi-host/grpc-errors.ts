import type * as grpcTypes from "@grpc/grpc-js";
import { describeExit, type HostProcess } from "./host-process";
import { fromStruct } from "./property-struct";
import type { Sdk } from "./sdk";
import { ProviderHostError, ProviderOperationError, type Operation, type ResourceInitFailure } from "./types";

/**
 * What a failed gRPC call means: the host is gone or unreachable (ProviderHostError), or the provider's own code
 * failed the operation (ProviderOperationError, with the partial resource a failed create or update left).
 */

export function isServiceError(error: unknown): error is grpcTypes.ServiceError {
  return error instanceof Error && typeof (error as Partial<grpcTypes.ServiceError>).code === "number";
}

export interface FailedCall {
  operation: Operation;
  /** "" for calls that concern no resource (getPluginInfo, configure). */
  urn: string;
  error: grpcTypes.ServiceError;
}

/** The error a call that the host answered with `failed.error` rejects with. */
export async function callError(sdk: Sdk, host: HostProcess, port: number, failed: FailedCall): Promise<Error> {
  const { operation, urn, error } = failed;
  const { status } = sdk.grpc;
  const subject = urn ? `${operation} of ${urn}` : operation;
  if (error.code === status.UNAVAILABLE || error.code === status.CANCELLED) {
    // A dropped connection is how a dying host shows first; its exit follows within moments.
    const exit = await host.exitWithin(2_000);
    if (exit) {
      return new ProviderHostError(
        `The dynamic-provider host exited (${describeExit(exit)}) during ${subject}.${host.stderrTail()}`,
        exit,
      );
    }
    return new ProviderHostError(`The dynamic-provider host on port ${port} did not answer ${subject}: ${error.details}.`);
  }
  if (error.code === status.UNIMPLEMENTED) {
    return new ProviderHostError(`The dynamic-provider host does not implement ${operation}: ${error.details}.`);
  }
  return new ProviderOperationError(error.details, operation, urn, error.code, initFailure(sdk, error));
}

/** The partial resource a failed create/update reported (`grpc-status-details-bin` carrying ErrorResourceInitFailed). */
function initFailure(sdk: Sdk, error: grpcTypes.ServiceError): ResourceInitFailure | undefined {
  const [encoded] = error.metadata?.get("grpc-status-details-bin") ?? [];
  if (!encoded) return undefined;
  const bytes = typeof encoded === "string" ? Buffer.from(encoded, "base64") : encoded;
  const details = sdk.statusProto.Status.deserializeBinary(bytes).getDetailsList();
  const detail = details.find((any) => any.getTypeName() === "pulumirpc.ErrorResourceInitFailed");
  if (!detail) return undefined;
  const failure = sdk.providerProto.ErrorResourceInitFailed.deserializeBinary(detail.getValue_asU8());
  return {
    id: failure.getId(),
    properties: fromStruct(failure.getProperties()),
    reasons: failure.getReasonsList(),
  };
}
