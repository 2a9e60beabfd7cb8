import { createRequire } from "node:module";
import * as path from "node:path";
import type * as grpcTypes from "@grpc/grpc-js";
import type * as engineGrpcTypes from "@pulumi/pulumi/proto/engine_grpc_pb";
import type * as engineProtoTypes from "@pulumi/pulumi/proto/engine_pb";
import type * as providerGrpcTypes from "@pulumi/pulumi/proto/provider_grpc_pb";
import type * as providerProtoTypes from "@pulumi/pulumi/proto/provider_pb";
import type * as statusProtoTypes from "@pulumi/pulumi/proto/status_pb";
import type * as emptyProtoTypes from "google-protobuf/google/protobuf/empty_pb";
import type * as structProtoTypes from "google-protobuf/google/protobuf/struct_pb";
import { ProviderHostError } from "./types";

/**
 * The program's own @pulumi/pulumi: the host script it ships, the gRPC client pieces that speak to a provider, and the
 * engine's service a resource plugin logs to.
 */
export interface Sdk {
  hostScript: string;
  grpc: typeof grpcTypes;
  providerGrpc: typeof providerGrpcTypes;
  providerProto: typeof providerProtoTypes;
  engineGrpc: typeof engineGrpcTypes;
  engineProto: typeof engineProtoTypes;
  statusProto: typeof statusProtoTypes;
  struct: typeof structProtoTypes;
  empty: typeof emptyProtoTypes;
}

/** Loads the gRPC client pieces from the program's own @pulumi/pulumi, the one whose host is started. */
export function loadSdk(cwd: string): Sdk {
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
    engineGrpc: sdkRequire("./proto/engine_grpc_pb"),
    engineProto: sdkRequire("./proto/engine_pb"),
    statusProto: sdkRequire("./proto/status_pb"),
    struct: sdkRequire("google-protobuf/google/protobuf/struct_pb"),
    empty: sdkRequire("google-protobuf/google/protobuf/empty_pb"),
  };
}
