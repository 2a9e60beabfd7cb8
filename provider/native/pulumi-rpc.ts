import { createRequire } from "node:module";
import type * as grpcTypes from "@grpc/grpc-js";
import type * as engineGrpcTypes from "@pulumi/pulumi/proto/engine_grpc_pb";
import type * as engineProtoTypes from "@pulumi/pulumi/proto/engine_pb";
import type * as pluginProtoTypes from "@pulumi/pulumi/proto/plugin_pb";
import type * as providerGrpcTypes from "@pulumi/pulumi/proto/provider_grpc_pb";
import type * as providerProtoTypes from "@pulumi/pulumi/proto/provider_pb";
import type * as statusProtoTypes from "@pulumi/pulumi/proto/status_pb";
import type * as anyProtoTypes from "google-protobuf/google/protobuf/any_pb";
import type * as emptyProtoTypes from "google-protobuf/google/protobuf/empty_pb";
import type * as structProtoTypes from "google-protobuf/google/protobuf/struct_pb";

/**
 * The engine's gRPC protocol as @pulumi/pulumi ships it: the generated services and messages, and the @grpc/grpc-js
 * and google-protobuf copies they were generated against (loaded from @pulumi/pulumi's own dependencies, so the
 * messages the service builds are the ones its serializers expect).
 */
export interface PulumiRpc {
  grpc: typeof grpcTypes;
  providerGrpc: typeof providerGrpcTypes;
  providerProto: typeof providerProtoTypes;
  engineGrpc: typeof engineGrpcTypes;
  engineProto: typeof engineProtoTypes;
  pluginProto: typeof pluginProtoTypes;
  statusProto: typeof statusProtoTypes;
  struct: typeof structProtoTypes;
  empty: typeof emptyProtoTypes;
  any: typeof anyProtoTypes;
}

export function loadPulumiRpc(): PulumiRpc {
  const sdkRequire = createRequire(require.resolve("@pulumi/pulumi/package.json"));
  return {
    grpc: sdkRequire("@grpc/grpc-js"),
    providerGrpc: sdkRequire("./proto/provider_grpc_pb"),
    providerProto: sdkRequire("./proto/provider_pb"),
    engineGrpc: sdkRequire("./proto/engine_grpc_pb"),
    engineProto: sdkRequire("./proto/engine_pb"),
    pluginProto: sdkRequire("./proto/plugin_pb"),
    statusProto: sdkRequire("./proto/status_pb"),
    struct: sdkRequire("google-protobuf/google/protobuf/struct_pb"),
    empty: sdkRequire("google-protobuf/google/protobuf/empty_pb"),
    any: sdkRequire("google-protobuf/google/protobuf/any_pb"),
  };
}
