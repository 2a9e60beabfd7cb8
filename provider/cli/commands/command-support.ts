import type { Command, CommanderError } from "commander";
import { Csp2InputError } from "../../csp2/errors";
import { createOvhClient, OvhApiError, OvhConfigError, OvhNetworkError, type OvhClient, type OvhRequest, type OvhRequester } from "../../ovh";
import { serviceNameProblem } from "../../resources/input-checks";
import { clientOptionsFrom } from "../../resources/provider-config";
import { renderJson, type CliWriter } from "./output";

/** Exit codes of the read-only commands, as their `--help` documents them. */
export const ExitCode = {
  ok: 0,
  /** OVH answered with an error, or could not be reached. */
  ovhError: 1,
  /** Bad argument, option or configuration: nothing was sent to OVH. */
  usageError: 2,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** A bad argument or option, found before anything is sent to OVH. */
export class CliUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CliUsageError";
  }
}

/** The licence group named on the command line does not exist, or the credentials cannot see it. */
export class UnknownLicenceGroupError extends Error {
  readonly serviceName: string;
  /** OVH's answer, with its query id. */
  readonly ovhError: OvhApiError;

  constructor(serviceName: string, ovhError: OvhApiError) {
    super(
      `Licence group ${JSON.stringify(serviceName)} does not exist in this OVH account, or these credentials cannot see it. ` +
        "List the account's groups with `ovh-office365 groups`, and check OVH_ENDPOINT: a group lives in one region. " +
        `(${ovhError.message})`,
    );
    this.name = "UnknownLicenceGroupError";
    this.serviceName = serviceName;
    this.ovhError = ovhError;
  }
}

/** Options every command takes. */
export interface CommonOptions {
  json?: boolean;
  /** Overrides OVH_ENDPOINT. */
  endpoint?: string;
}

export interface ConnectionOptions {
  endpoint?: string;
  /** Where OVH_* settings are read from. Default: process.env. */
  env?: NodeJS.ProcessEnv;
}

/**
 * An OvhRequester that builds its client on the first request, from the `--endpoint` flag and the same OVH_*
 * variables the Pulumi provider reads. Building it late lets arguments be checked first, and turns missing or
 * conflicting credentials into an ordinary command failure (exit code 2).
 */
export function connect(options: ConnectionOptions = {}): OvhRequester {
  let client: OvhClient | undefined;
  return {
    async request<T>(req: OvhRequest): Promise<T> {
      if (!client) {
        if (options.endpoint !== undefined && options.endpoint.trim() === "") {
          throw new CliUsageError(
            "Option --endpoint is empty: give an endpoint name (ovh-eu, ovh-ca, ovh-us, …) or a base URL such as https://eu.api.ovh.com/1.0, or leave the option out to use OVH_ENDPOINT.",
          );
        }
        client = createOvhClient(clientOptionsFrom({ endpoint: options.endpoint }, options.env ?? process.env));
      }
      return client.request<T>(req);
    },
  };
}

/** Refuses a serviceName argument the way the resources refuse a bad `serviceName` input. */
export function checkServiceName(serviceName: unknown): asserts serviceName is string {
  const problem = serviceNameProblem(serviceName);
  if (problem) throw new CliUsageError(`Invalid serviceName argument: ${problem}.`);
}

/**
 * Runs a call on a licence group, turning OVH's 404 on the group itself (or on one of its collections, such as
 * `/task`) into an `UnknownLicenceGroupError` that says what to do.
 */
export async function onLicenceGroup<T>(serviceName: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof OvhApiError && error.status === 404 && isGroupLevelPath(error.path, serviceName)) {
      throw new UnknownLicenceGroupError(serviceName, error);
    }
    throw error;
  }
}

function isGroupLevelPath(path: string, serviceName: string): boolean {
  const group = `/saas/csp2/${encodeURIComponent(serviceName)}`;
  return path === group || (path.startsWith(`${group}/`) && !path.slice(group.length + 1).includes("/"));
}

/**
 * Reads every listed item; one that vanished between the listing and its read (OVH answers 404: a task purged,
 * a subscription just deleted, a group just terminated) is left out rather than failing the whole command.
 */
export async function readListed<Id, T>(ids: readonly Id[], read: (id: Id) => Promise<T>): Promise<T[]> {
  const items = await Promise.all(
    ids.map(async (id): Promise<{ item: T } | undefined> => {
      try {
        return { item: await read(id) };
      } catch (error) {
        if (error instanceof OvhApiError && error.status === 404) return undefined;
        throw error;
      }
    }),
  );
  return items.flatMap((found) => (found ? [found.item] : []));
}

/**
 * Below this many follow-up reads a command answers within a couple of seconds at the client's default rate
 * (10 requests/s), so a progress line would only be noise.
 */
const progressWorthyReads = 20;

export function reportReads(writer: CliWriter, count: number, what: string): void {
  if (count >= progressWorthyReads) writer.progress(`Reading ${count} ${what}…`);
}

export interface FailureReport {
  exitCode: ExitCode;
  message: string;
  /** What `--json` prints on stderr. */
  json: { error: { kind: string; message: string; status?: number; errorCode?: string; queryId?: string } };
}

/** The exit code and the message for anything a command threw. Messages carry no secret: no error here holds one. */
export function describeFailure(error: unknown): FailureReport {
  const report = (exitCode: ExitCode, kind: string, message: string, api?: OvhApiError): FailureReport => ({
    exitCode,
    message,
    json: {
      error: {
        kind,
        message,
        ...(api ? { status: api.status, errorCode: api.errorCode ?? api.errorClass, queryId: api.queryId } : {}),
      },
    },
  });
  if (error instanceof CliUsageError) return report(ExitCode.usageError, "usage", error.message);
  if (error instanceof OvhConfigError) return report(ExitCode.usageError, "configuration", error.message);
  if (error instanceof Csp2InputError) return report(ExitCode.usageError, "usage", error.message);
  if (error instanceof UnknownLicenceGroupError) return report(ExitCode.ovhError, "unknownLicenceGroup", error.message, error.ovhError);
  if (error instanceof OvhApiError) return report(ExitCode.ovhError, "ovhApi", error.message, error);
  if (error instanceof OvhNetworkError) return report(ExitCode.ovhError, "network", error.message);
  const message = error instanceof Error ? error.message : String(error);
  return report(ExitCode.ovhError, "unexpected", `Unexpected failure: ${message}`);
}

/** Runs a command body and reports its failure on the writer's error stream; resolves to the exit code. */
export async function runReported(writer: CliWriter, options: CommonOptions, body: () => Promise<void>): Promise<ExitCode> {
  try {
    await body();
    return ExitCode.ok;
  } catch (error) {
    const failure = describeFailure(error);
    writer.err(options.json ? renderJson(failure.json) : `ovh-office365: ${failure.message}\n`);
    return failure.exitCode;
  }
}

const configurationHelp = `
Configuration (the same as the Pulumi provider's):
  OVH_ENDPOINT   ovh-eu (default), ovh-ca, ovh-us, kimsufi-eu, kimsufi-ca, soyoustart-eu,
                 soyoustart-ca, or a base URL (http:// only to 127.0.0.1, ::1 or localhost)
  Credentials, exactly one method:
    OVH_APPLICATION_KEY, OVH_APPLICATION_SECRET, OVH_CONSUMER_KEY   application key
    OVH_CLIENT_ID, OVH_CLIENT_SECRET                                OAuth2 service account
    OVH_ACCESS_TOKEN                                                access token
  Credentials come from the environment only, never from flags, so they stay out of shell
  history and process lists; none of them is ever printed.
  NODE_EXTRA_CA_CERTS   CA file of an endpoint with a private certificate (simulator --tls)
  OVH_MAX_REQUESTS_PER_SECOND, OVH_MAX_CONCURRENT_REQUESTS, OVH_REQUEST_TIMEOUT_MS   limits

Exit codes:
  0  success
  1  OVH answered with an error (unknown licence group, refused credentials, missing API
     rights, ...) or could not be reached; the message quotes OVH's query id for support
  2  usage or configuration error (bad argument or option, missing or conflicting
     credentials): nothing was sent to OVH`;

export interface CommandDefinition {
  name: string;
  /** Commander argument syntax, e.g. `<serviceName>`. */
  argument?: { syntax: string; description: string };
  summary: string;
  description: string;
  examples: string[];
}

/**
 * Adds a read-only command with the options and help every such command shares (`--json`, `--endpoint`, the
 * configuration and the exit codes).
 */
export function defineCommand(program: Command, definition: CommandDefinition): Command {
  const command = program.command(definition.name).summary(definition.summary).description(definition.description);
  if (definition.argument) command.argument(definition.argument.syntax, definition.argument.description);
  command
    .option("--json", "print stable machine-readable JSON on stdout (errors as JSON on stderr)")
    .option("--endpoint <nameOrUrl>", "OVH endpoint name or base URL (default: OVH_ENDPOINT, else ovh-eu)")
    .showHelpAfterError(`(run \`ovh-office365 ${definition.name} --help\` for usage)`)
    .addHelpText("after", `\nExamples:\n${definition.examples.map((line) => `  $ ${line}`).join("\n")}\n${configurationHelp}`);
  return command;
}

/**
 * Commander's exit handler for every command: `--help` and `--version` exit 0; anything else it stops for (a bad
 * option value, an unknown option or command, no command at all) is a usage error and exits 2.
 */
export function exitOnUsageError(error: CommanderError): never {
  process.exit(error.exitCode === 0 ? 0 : ExitCode.usageError);
}
