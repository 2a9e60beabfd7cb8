import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { CliWriter } from "../../provider/cli/commands/output";
import type { SimulatorCredentials } from "../../simulator";

export interface RecordedOutput {
  writer: CliWriter;
  readonly stdout: string;
  readonly stderr: string;
  readonly progress: string[];
}

/** A writer that keeps what a command printed, stream by stream. */
export function recordingWriter(): RecordedOutput {
  const out: string[] = [];
  const err: string[] = [];
  const progress: string[] = [];
  return {
    writer: { out: (text) => out.push(text), err: (text) => err.push(text), progress: (text) => progress.push(text) },
    get stdout() {
      return out.join("");
    },
    get stderr() {
      return err.join("");
    },
    progress,
  };
}

/** Credentials unique to this run, so a leak check cannot match anything else by chance. */
export function uniqueCredentials(): SimulatorCredentials {
  const secret = (prefix: string) => `${prefix}${randomBytes(12).toString("hex")}`;
  return {
    applicationKey: secret("cliAk"),
    applicationSecret: secret("cliAs"),
    consumerKey: secret("cliCk"),
    clientId: secret("EU.cliId"),
    clientSecret: secret("cliCs"),
    accessToken: secret("cliAt"),
  };
}

export function secretValues(credentials: SimulatorCredentials): string[] {
  return [credentials.applicationSecret, credentials.consumerKey, credentials.clientSecret, credentials.accessToken];
}

/** A prices file for `--prices` in `dir`: a licence file with only `defaults` (`currency`, `prices`) and no group. */
export function writePricesFile(dir: string, monthly: Record<string, number>, currency = "EUR"): string {
  const file = path.join(dir, "prices.yaml");
  const lines = Object.entries(monthly).map(([license, price]) => `    ${license}: ${price}`);
  fs.writeFileSync(file, ["defaults:", `  currency: ${currency}`, "  prices:", ...lines, "groups: {}", ""].join("\n"));
  return file;
}
