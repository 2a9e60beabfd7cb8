#!/usr/bin/env node
import { Command } from "commander";
import { packageVersion } from "../version";
import { registerSimulatorCommand } from "./simulator-command";
import { registerGroupsCommand } from "./commands/groups";
import { registerStatusCommand } from "./commands/status";
import { registerLicencesCommand } from "./commands/licences";
import { registerTasksCommand } from "./commands/tasks";
import { registerDemoCommand } from "./demo";
import { exitOnUsageError } from "./commands/command-support";

/** The `ovh-office365` program. Each command lives in its own module and is registered here. */
export function createProgram(): Command {
  const program = new Command("ovh-office365")
    .description("OVHcloud Office 365 reseller (CSP2) licences as code: inspect licence groups, run a local OVH API simulator")
    .version(packageVersion)
    // Set before the commands are added, so each of them inherits it.
    .exitOverride(exitOnUsageError);
  registerSimulatorCommand(program);
  registerGroupsCommand(program);
  registerStatusCommand(program);
  registerLicencesCommand(program);
  registerTasksCommand(program);
  registerDemoCommand(program);
  return program;
}

if (require.main === module) {
  createProgram()
    .parseAsync(process.argv)
    .catch((error: unknown) => {
      console.error(`ovh-office365: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    });
}
