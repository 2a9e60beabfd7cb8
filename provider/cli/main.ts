#!/usr/bin/env node
import { existsSync, readFileSync } from "fs";
import { dirname, join } from "path";
import { Command } from "commander";
import { registerSimulatorCommand } from "./simulator-command";
import { registerGroupsCommand } from "./commands/groups";
import { registerStatusCommand } from "./commands/status";
import { registerLicencesCommand } from "./commands/licences";
import { registerTasksCommand } from "./commands/tasks";

/** The installed package's version, found by walking up from this file (works from the sources and from dist). */
function packageVersion(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, "package.json");
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, "utf8")) as { name?: string; version?: string };
    if (pkg.name === "pulumi-ovh-office365") return pkg.version ?? "0.0.0";
  }
  return "0.0.0";
}

/** The `ovh-office365` program. Each command lives in its own module and is registered here. */
export function createProgram(): Command {
  const program = new Command("ovh-office365")
    .description("OVHcloud Office 365 reseller (CSP2) licences as code: inspect licence groups, run a local OVH API simulator")
    .version(packageVersion());
  registerSimulatorCommand(program);
  registerGroupsCommand(program);
  registerStatusCommand(program);
  registerLicencesCommand(program);
  registerTasksCommand(program);
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
