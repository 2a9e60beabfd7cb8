#!/usr/bin/env node
import { format } from "node:util";
import { Command } from "commander";
import { setProgressSink } from "../resources/provider-config";
import { packageVersion } from "../version";
import { EngineLog } from "./engine-log";
import packageSchema from "./schema.json";
import { loadPulumiRpc } from "./pulumi-rpc";
import { resourceProviderService } from "./service";

/**
 * The ovh-office365 resource provider plugin, as the Pulumi engine starts it:
 * `pulumi-resource-ovh-office365 [--logtostderr] [-v=N] [--tracing <url>] <engine address>`. It prints the port it
 * serves `pulumirpc.ResourceProvider` on, alone, as its first line on stdout, and nothing else there: every other line
 * goes to stderr (which the engine logs), and progress goes to the engine's log, attached to the resource concerned.
 */

/** The engine's address among the arguments the engine passes (the flags it may add come first). */
export function engineAddressOf(argv: readonly string[]): string | undefined {
  const command = new Command()
    .option("--logtostderr")
    .option("-v, --verbose <level>")
    .option("--tracing <url>")
    .argument("[engineAddress]")
    .allowUnknownOption()
    .exitOverride()
    .configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
  command.parse([...argv], { from: "user" });
  return command.args[0];
}

/** The package schema served by GetSchema, with this package's version. */
export function packageSchemaText(): string {
  return JSON.stringify({ ...packageSchema, version: packageVersion });
}

/** Each resource's output properties, by type token, from the schema. */
function outputNames(): Map<string, string[]> {
  return new Map(Object.entries(packageSchema.resources).map(([token, resource]) => [token, Object.keys(resource.properties)]));
}

export async function serve(argv: readonly string[]): Promise<void> {
  const toStderr = (...args: unknown[]) => void process.stderr.write(`${format(...args)}\n`);
  // stdout carries the port alone.
  console.log = toStderr;
  console.info = toStderr;
  console.debug = toStderr;
  const rpc = loadPulumiRpc();
  const engineAddress = engineAddressOf(argv);
  const log = engineAddress ? new EngineLog(rpc, engineAddress, (line) => toStderr(line)) : undefined;
  setProgressSink((line) => (log ? log.log("info", line) : toStderr(line)));

  const server = new rpc.grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 });
  server.addService(rpc.providerGrpc.ResourceProviderService, resourceProviderService({ rpc, version: packageVersion, schema: packageSchemaText(), outputNames: outputNames() }));
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", rpc.grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  process.stdout.write(`${port}\n`);

  const stop = () => {
    server.forceShutdown();
    log?.close();
    process.exit(0);
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

if (require.main === module) {
  serve(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`pulumi-resource-ovh-office365: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
