import { existsSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from "fs";
import { randomBytes } from "crypto";
import type { SimulatorState } from "./model/state";

/**
 * The account as a JSON file shared by simulator processes: read at start and again whenever another
 * process replaced it, written after each change through a temporary file and a rename, so a reader
 * never sees half a file.
 */
export class StateFile {
  readonly path: string;
  private seen: string | undefined;

  constructor(path: string) {
    this.path = path;
  }

  exists(): boolean {
    return existsSync(this.path);
  }

  read(): SimulatorState {
    const text = readFileSync(this.path, "utf8");
    this.seen = this.signature();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new Error(`State file ${this.path} is not valid JSON (${(error as Error).message}): delete it to start from the seed account`);
    }
    const state = parsed as Partial<SimulatorState>;
    if (state?.format !== 1 || typeof state.groups !== "object" || !Array.isArray(state.licences) || typeof state.nextIds !== "object") {
      throw new Error(`State file ${this.path} is not an OVH simulator state (format 1): delete it or choose another state file`);
    }
    return parsed as SimulatorState;
  }

  /** True when the file was replaced since this process last read or wrote it. */
  changedOnDisk(): boolean {
    return this.signature() !== this.seen;
  }

  write(state: SimulatorState): void {
    const temporary = `${this.path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
    try {
      writeFileSync(temporary, JSON.stringify(state, null, 1));
      renameSync(temporary, this.path);
    } catch (error) {
      if (existsSync(temporary)) unlinkSync(temporary);
      throw error;
    }
    this.seen = this.signature();
  }

  private signature(): string | undefined {
    try {
      const s = statSync(this.path, { bigint: true });
      return `${s.ino}:${s.size}:${s.mtimeNs}`;
    } catch {
      return undefined;
    }
  }
}
