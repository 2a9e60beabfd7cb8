import type { Command } from "commander";
import { Csp2InputError } from "../../csp2/errors";
import {
  createOvhClient,
  OvhApiError,
  OvhConfigError,
  OvhNetworkError,
  type OvhClient,
  type OvhRequest,
  type OvhRequester,
  type OvhRetryEvent,
} from "../../ovh";
import { serviceNameProblem } from "../../resources/input-checks";
import { clientOptionsFrom } from "../../resources/provider-config";
import {
  MISSING_CREDENTIALS_MESSAGE,
  adviceFor,
  attemptedUrl,
  describeEndpointSource,
  endpointSource,
  forCliEndpoint,
  hasCredentialVariable,
  ovhAnswerSentence,
  queryIdSentence,
  retryProgressLine,
  unreachableSentences,
} from "./failure-text";
import { processWriter, renderJson, type CliWriter } from "./output";

/** Exit codes of the read-only commands, as their `--help` documents them. */
export const ExitCode = {
  ok: 0,
  /** OVH answered with an error, or could not be reached; or a file could not be written. */
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

/** Missing or unusable configuration, found before anything is sent to OVH. */
export class CliConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CliConfigError";
  }
}

/** A local file a command writes could not be written as asked; what was read from OVH is not lost, only not written. */
export class CliFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CliFileError";
  }
}

/** The licence group named on the command line does not exist, or the credentials cannot see it. */
export class UnknownLicenseGroupError extends Error {
  readonly serviceName: string;
  /** OVH's answer, with its query id. */
  readonly ovhError: OvhApiError;
  readonly advice: string;

  constructor(serviceName: string, ovhError: OvhApiError) {
    super(`Licence group ${JSON.stringify(serviceName)} does not exist in this OVH account, or these credentials cannot see it.`);
    this.name = "UnknownLicenseGroupError";
    this.serviceName = serviceName;
    this.ovhError = ovhError;
    // OVH compares service names exactly, so a name typed in another case is a different, unknown one.
    const lowerCase = serviceName.toLowerCase();
    const tryLowerCase = lowerCase === serviceName ? "" : ` (try ${JSON.stringify(lowerCase)})`;
    this.advice =
      "List the account's groups with `ovh-office365 groups` and give the service name exactly as shown: " +
      `service names are case-sensitive${tryLowerCase}. Check OVH_ENDPOINT (or --endpoint) too: a group lives in one region.`;
  }
}

/** A request that got no answer, with the endpoint it was sent to and where that endpoint came from. */
export class EndpointUnreachableError extends Error {
  readonly url: string;
  readonly networkError: OvhNetworkError;

  constructor(url: string, source: string, networkError: OvhNetworkError) {
    super(`Could not reach OVH at ${url} (${source}).`);
    this.name = "EndpointUnreachableError";
    this.url = url;
    this.networkError = networkError;
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
  /** Where a line goes each time a failed request is tried again, so a long wait is never silent. */
  progress?: Pick<CliWriter, "progress">;
}

/**
 * An OvhRequester that builds its client on the first request, from the `--endpoint` flag and the same OVH_*
 * variables the Pulumi provider reads. Building it late lets arguments be checked first (and `--help` run without
 * credentials), and turns missing or conflicting credentials into an ordinary command failure (exit code 2). A
 * request that gets no answer fails naming the endpoint it was sent to, and each retry is told on `progress`. It
 * answers headers too, and names its endpoint, so lists are read in OVH's list mode (one call, not one per object)
 * where the endpoint honours it.
 */
export function connect(options: ConnectionOptions = {}): OvhRequester {
  const env = options.env ?? process.env;
  const source = endpointSource(options.endpoint, env);
  let built: OvhClient | undefined;
  const onRetry = (event: OvhRetryEvent) => {
    if (built) options.progress?.progress(retryProgressLine(event, attemptedUrl(built.endpoint, event)));
  };
  const client = () => (built ??= buildClient(options.endpoint, env, onRetry));
  const send = async <R>(exchange: (ovh: OvhClient) => Promise<R>): Promise<R> => {
    const ovh = client();
    try {
      return await exchange(ovh);
    } catch (error) {
      if (error instanceof OvhNetworkError) {
        throw new EndpointUnreachableError(attemptedUrl(ovh.endpoint, error), describeEndpointSource(source), error);
      }
      throw error;
    }
  };
  return {
    request: <T>(req: OvhRequest) => send((ovh) => ovh.request<T>(req)),
    requestWithResponse: <T>(req: OvhRequest) => send((ovh) => ovh.requestWithResponse<T>(req)),
    // Read by list mode just before its first request, so building the client here is no earlier than a request would.
    get endpointKey() {
      return client().endpointKey;
    },
  };
}

function buildClient(endpoint: string | undefined, env: NodeJS.ProcessEnv, onRetry: (event: OvhRetryEvent) => void): OvhClient {
  if (endpoint !== undefined && endpoint.trim() === "") {
    throw new CliUsageError(
      "Option --endpoint is empty: give an endpoint name (ovh-eu, ovh-ca, ovh-us, …) or a base URL such as https://eu.api.ovh.com/1.0, or leave the option out to use OVH_ENDPOINT.",
    );
  }
  // The client's own message would also name the Pulumi provider's options, which the CLI does not read.
  if (!hasCredentialVariable(env)) throw new CliConfigError(MISSING_CREDENTIALS_MESSAGE);
  try {
    return createOvhClient({ ...clientOptionsFrom({ endpoint }, env), onRetry });
  } catch (error) {
    if (error instanceof OvhConfigError) throw new CliConfigError(forCliEndpoint(error.message, endpointSource(endpoint, env)));
    throw error;
  }
}

/** Refuses a serviceName argument the way the resources refuse a bad `serviceName` input. */
export function checkServiceName(serviceName: unknown): asserts serviceName is string {
  const problem = serviceNameProblem(serviceName);
  if (problem) throw new CliUsageError(`Invalid serviceName argument: ${problem}.`);
}

/**
 * Runs a call on a licence group, turning OVH's 404 on the group itself (or on one of its collections, such as
 * `/task`) into an `UnknownLicenseGroupError` that says what to do.
 */
export async function onLicenseGroup<T>(serviceName: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof OvhApiError && error.status === 404 && isGroupLevelPath(error.path, serviceName)) {
      throw new UnknownLicenseGroupError(serviceName, error);
    }
    throw error;
  }
}

function isGroupLevelPath(path: string, serviceName: string): boolean {
  const group = `/saas/csp2/${encodeURIComponent(serviceName)}`;
  return path === group || (path.startsWith(`${group}/`) && !path.slice(group.length + 1).includes("/"));
}

/**
 * Below this many follow-up reads a command answers within a couple of seconds at the client's default rate
 * (10 requests/s), so a progress line would only be noise.
 */
const progressWorthyReads = 20;

/**
 * A listing's `onListed` callback that prints "Reading N <what>…" when the objects are read one GET each (OVH ignored
 * list mode) and are many. For listings read side by side, pass `listings`: one line for their total, once each has told.
 */
export function readsReporter(writer: CliWriter, what: string, listings = 1): (readsOneByOne: number) => void {
  let waiting = listings;
  let total = 0;
  return (readsOneByOne) => {
    total += readsOneByOne;
    waiting -= 1;
    if (waiting === 0 && total >= progressWorthyReads) writer.progress(`Reading ${total} ${what}…`);
  };
}

/**
 * Progress over many reads of one kind, one per group say: a line as they start ("Reading the billing figures of 500
 * licence groups…"), then one each tenth done ("… 250 of 500"). Silent below `progressWorthyReads`. Call the returned
 * function once per read done.
 */
export function countReporter(writer: Pick<CliWriter, "progress">, total: number, what: string): () => void {
  if (total < progressWorthyReads) return () => undefined;
  writer.progress(`Reading ${what}…`);
  const step = Math.ceil(total / 10);
  let done = 0;
  return () => {
    done += 1;
    if (done % step === 0 || done === total) writer.progress(`… ${done} of ${total}`);
  };
}

/** What `--json` prints on stderr for a failure. */
export interface FailureJson {
  error: {
    kind: string;
    /** Every sentence of the text report, on one line. */
    message: string;
    status?: number;
    errorCode?: string;
    /** OVH's own message, as OVH sent it. */
    ovhMessage?: string;
    /** What to do, when known. */
    advice?: string;
    queryId?: string;
    /** The URL a request that got no answer was sent to. */
    endpoint?: string;
  };
}

export interface FailureReport {
  exitCode: ExitCode;
  /** The sentences of the report, in order: what failed, OVH's answer, what to do, the query id. */
  sentences: string[];
  /** The sentences on one line. */
  message: string;
  json: FailureJson;
}

function failureReport(exitCode: ExitCode, kind: string, sentences: string[], extra: Omit<FailureJson["error"], "kind" | "message"> = {}): FailureReport {
  const message = sentences.join(" ");
  return { exitCode, sentences, message, json: { error: { kind, message, ...extra } } };
}

/** OVH's answer, the advice and the query id as separate sentences, and the same fields for `--json`. */
function ovhAnswer(error: OvhApiError, advice = adviceFor(error)): { sentences: string[]; fields: Omit<FailureJson["error"], "kind" | "message"> } {
  return {
    sentences: [ovhAnswerSentence(error), ...(advice ? [advice] : []), ...(error.queryId ? [queryIdSentence(error.queryId)] : [])],
    fields: { status: error.status, errorCode: error.errorCode ?? error.errorClass, ovhMessage: error.ovhMessage, advice, queryId: error.queryId },
  };
}

/** The exit code and the message for anything a command threw. Messages carry no secret: no error here holds one. */
export function describeFailure(error: unknown): FailureReport {
  if (error instanceof CliUsageError || error instanceof Csp2InputError) return failureReport(ExitCode.usageError, "usage", [error.message]);
  if (error instanceof CliConfigError || error instanceof OvhConfigError) return failureReport(ExitCode.usageError, "configuration", [error.message]);
  if (error instanceof CliFileError) return failureReport(ExitCode.ovhError, "file", [error.message]);
  if (error instanceof UnknownLicenseGroupError) {
    const answer = ovhAnswer(error.ovhError, error.advice);
    return failureReport(ExitCode.ovhError, "unknownLicenceGroup", [error.message, ...answer.sentences], answer.fields);
  }
  if (error instanceof OvhApiError) {
    const answer = ovhAnswer(error);
    return failureReport(ExitCode.ovhError, "ovhApi", answer.sentences, answer.fields);
  }
  if (error instanceof EndpointUnreachableError) {
    const sentences = unreachableSentences(error.networkError, error.url);
    return failureReport(ExitCode.ovhError, "network", [error.message, ...sentences], { endpoint: error.url });
  }
  if (error instanceof OvhNetworkError) return failureReport(ExitCode.ovhError, "network", [error.message]);
  const message = error instanceof Error ? error.message : String(error);
  return failureReport(ExitCode.ovhError, "unexpected", [`Unexpected failure: ${message}`]);
}

/** The text report: the first sentence after the program's name, each further sentence on its own indented line. */
export function renderFailure(failure: FailureReport): string {
  const [first, ...rest] = failure.sentences;
  return [`ovh-office365: ${first}\n`, ...rest.map((sentence) => `  ${sentence}\n`)].join("");
}

/**
 * The body of every read-only command: reads its report and prints it on the writer's output, as JSON with `--json`
 * or as `render` writes it for a person, or reports the failure on the writer's error stream. Resolves to the exit code.
 */
export async function printReport<R>(writer: CliWriter, options: CommonOptions, read: () => Promise<R>, render: (report: R) => string): Promise<ExitCode> {
  try {
    const report = await read();
    writer.out(options.json ? renderJson(report) : render(report));
    return ExitCode.ok;
  } catch (error) {
    return reportFailure(writer, options, error);
  }
}

/** Reports what a command threw on the writer's error stream, as JSON with `--json`; resolves to its exit code. */
export function reportFailure(writer: CliWriter, options: CommonOptions, error: unknown): ExitCode {
  const failure = describeFailure(error);
  writer.err(options.json ? renderJson(failure.json) : renderFailure(failure));
  return failure.exitCode;
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

export interface CommandDefinition<O extends CommonOptions = CommonOptions> {
  name: string;
  /** Other spellings the command also runs under, shown beside its name in the help (`licences|licenses`). */
  aliases?: string[];
  /** Commander argument syntax, e.g. `<serviceName>`. */
  argument?: { syntax: string; description: string };
  summary: string;
  description: string;
  examples: string[];
  /** What it runs: `operands` are its arguments, `requester` is connected with its options. Resolves to the exit code. */
  run(requester: OvhRequester, writer: CliWriter, operands: string[], options: O): Promise<ExitCode>;
}

function usageHint(typedName: string): string {
  return `(run \`ovh-office365 ${typedName} --help\` for usage)`;
}

/**
 * Adds a read-only command with the options, help and action every such command shares (`--json`, `--endpoint`, the
 * configuration and the exit codes), and its action: `run` with a requester connected with the command's options
 * (progress shown on a terminal), its exit code the process's.
 */
export function defineCommand<O extends CommonOptions>(program: Command, definition: CommandDefinition<O>): Command {
  const command = program.command(definition.name).summary(definition.summary).description(definition.description);
  if (definition.aliases) {
    command.aliases(definition.aliases);
    // A usage error names the command as it was typed, so `licenses` hints at `licenses --help`.
    program.hook("preSubcommand", (_program, invoked) => {
      if (invoked === command) command.showHelpAfterError(usageHint(program.args[0] ?? definition.name));
    });
  }
  if (definition.argument) command.argument(definition.argument.syntax, definition.argument.description);
  return command
    .option("--json", "print stable machine-readable JSON on stdout (errors as JSON on stderr)")
    .option("--endpoint <nameOrUrl>", "OVH endpoint name or base URL (default: OVH_ENDPOINT, else ovh-eu)")
    .showHelpAfterError(usageHint(definition.name))
    .addHelpText("after", `\nExamples:\n${definition.examples.map((line) => `  $ ${line}`).join("\n")}\n${configurationHelp}`)
    .action(async function (this: Command) {
      const options = this.opts<O>();
      const writer = processWriter();
      // A variadic argument (`[serviceName...]`) comes as one list: its operands are its items.
      const operands = (this.processedArgs as unknown[]).flat().filter((operand): operand is string => typeof operand === "string");
      process.exitCode = await definition.run(connect({ ...options, progress: writer }), writer, operands, options);
    });
}
