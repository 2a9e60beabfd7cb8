#!/usr/bin/env node
import { Command, type ErrorOptions } from "commander";
import { packageVersion } from "../version";
import { registerSimulatorCommand } from "./simulator-command";
import { registerGroupsCommand } from "./commands/groups";
import { registerStatusCommand } from "./commands/status";
import { registerLicensesCommand } from "./commands/licences";
import { registerTasksCommand } from "./commands/tasks";
import { registerSubscriptionsCommand } from "./commands/subscriptions";
import { registerExportCommand } from "./commands/export";
import { registerUsageCommand } from "./commands/usage";
import { registerReportCommand } from "./commands/report";
import { registerDemoCommand } from "./demo";
import { renderJson } from "./commands/output";
import { asksForJson, misplacedOptionHint, PROGRAM_USAGE_HINT, usageErrorHandling } from "./usage-errors";

export interface ProgramOptions {
  /** Report usage errors as JSON on stderr, as `--json` asks. */
  json?: boolean;
}

/** The program itself: a command's option written before the command (`--json groups`) gets a hint to move it. */
class Program extends Command {
  override error(message: string, errorOptions?: ErrorOptions): never {
    const misplaced = errorOptions?.code === "commander.unknownOption" ? misplacedOptionHint(this.args, this.commands) : undefined;
    // Commander prints the hint set here right after the message; the process exits just after.
    this.showHelpAfterError(misplaced ?? PROGRAM_USAGE_HINT);
    return super.error(message, errorOptions);
  }
}

/** The `ovh-office365` program. Each command lives in its own module and is registered here. */
export function createProgram(options: ProgramOptions = {}): Command {
  const usageErrors = usageErrorHandling(options.json === true);
  const program = new Program("ovh-office365")
    .description("OVHcloud Office 365 reseller (CSP2) licences as code: inspect licence groups, run a local OVH API simulator")
    .version(packageVersion)
    // Set before the commands are added, so each of them inherits them.
    .exitOverride(usageErrors.exit);
  if (usageErrors.output) program.configureOutput(usageErrors.output);
  registerSimulatorCommand(program);
  registerGroupsCommand(program);
  registerStatusCommand(program);
  registerLicensesCommand(program);
  registerTasksCommand(program);
  registerSubscriptionsCommand(program);
  registerExportCommand(program);
  registerUsageCommand(program);
  registerReportCommand(program);
  registerDemoCommand(program);
  return program;
}

if (require.main === module) {
  const json = asksForJson(process.argv.slice(2));
  createProgram({ json })
    .parseAsync(process.argv)
    .catch((error: unknown) => {
      // Read-only commands report their own failures; what reaches here is a command that could not run at all.
      const message = error instanceof Error ? error.message : String(error);
      process.stderr.write(json ? renderJson({ error: { kind: "failure", message } }) : `ovh-office365: ${message}\n`);
      process.exitCode = 1;
    });
}
