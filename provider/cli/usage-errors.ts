import type { Command, CommanderError, OutputConfiguration } from "commander";
import { ExitCode, type FailureJson } from "./commands/command-support";
import { renderJson } from "./commands/output";

/** Whether the command line asks for JSON output: `--json` anywhere before a `--` that ends the options. */
export function asksForJson(args: readonly string[]): boolean {
  const end = args.indexOf("--");
  return (end === -1 ? args : args.slice(0, end)).includes("--json");
}

/** The usage error commander found, as `--json` prints it: the same error object as every other failure. */
export function usageErrorJson(commanderMessage: string, help: string): FailureJson {
  // On one line, as every other failure's message: commander puts a suggestion ("(Did you mean groups?)") on a line of its own.
  const message = commanderMessage.replace(/^error: /, "").trim().replace(/\s*\n\s*/g, " ");
  return { error: { kind: "usage", message, ...(help.trim() === "" ? {} : { advice: help.trim().replace(/^\((.*)\)$/, "$1") }) } };
}

/** The usage hint of the program itself, for an unknown command or a program-level option it does not know. */
export const PROGRAM_USAGE_HINT = "(run `ovh-office365 --help` for usage)";

/**
 * For an option the program does not know but a command after it does (`--json groups`), the hint that moves it after
 * the command, with the command line rewritten; undefined otherwise. `args` are the program's, the unknown option first.
 */
export function misplacedOptionHint(args: readonly string[], commands: readonly Command[]): string | undefined {
  const [flag] = args;
  const named = (command: Command, arg: string) => command.name() === arg || command.aliases().includes(arg);
  const at = args.findIndex((arg) => commands.some((command) => named(command, arg)));
  if (flag === undefined || at === -1) return undefined;
  const command = commands.find((candidate) => named(candidate, args[at])) as Command;
  if (!command.options.some((option) => option.long === flag || option.short === flag)) return undefined;
  const rewritten = ["ovh-office365", args[at], ...args.slice(0, at), ...args.slice(at + 1)].join(" ");
  return `(${flag} is an option of \`${args[at]}\`: put it after the command, e.g. \`${rewritten}\`)`;
}

export interface UsageErrorHandling {
  /** Commander output settings; undefined keeps commander's own text output. */
  output?: OutputConfiguration;
  /** Commander's exit handler. */
  exit(error: CommanderError): never;
}

export interface UsageErrorStreams {
  writeErr(text: string): void;
  exit(code: number): never;
}

const processStreams: UsageErrorStreams = {
  writeErr: (text) => process.stderr.write(text),
  exit: (code) => process.exit(code),
};

/**
 * How the usage errors commander finds itself (a bad option value, an unknown option or command, a missing or extra
 * argument) are reported and how the process exits: `--help` and `--version` exit 0, every usage error exits 2. With
 * `json`, the error goes to stderr as the JSON error object other failures print, with the usage hint as its advice.
 */
export function usageErrorHandling(json: boolean, streams: UsageErrorStreams = processStreams): UsageErrorHandling {
  if (!json) return { exit: (error) => streams.exit(error.exitCode === 0 ? ExitCode.ok : ExitCode.usageError) };
  // Commander writes the message, then the usage hint, then calls exit: the hint is kept for the JSON object.
  let hint = "";
  return {
    output: {
      outputError: () => undefined,
      writeErr: (text) => {
        hint += text;
      },
    },
    exit: (error) => {
      if (error.exitCode === 0) return streams.exit(ExitCode.ok);
      streams.writeErr(renderJson(usageErrorJson(error.message, hint)));
      return streams.exit(ExitCode.usageError);
    },
  };
}
