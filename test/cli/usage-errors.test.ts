import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { CommanderError } from "commander";
import { asksForJson, usageErrorHandling, usageErrorJson } from "../../provider/cli/usage-errors";
import { makeProgramDir, removeDir } from "../support/paths";
import { ensureCliBuilt, runCli } from "./built-cli";

/** Stands in for process.exit in the handler's unit tests. */
class Exited extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

function recordingStreams() {
  const written: string[] = [];
  return {
    written,
    streams: {
      writeErr: (text: string) => {
        written.push(text);
      },
      exit: (code: number): never => {
        throw new Exited(code);
      },
    },
  };
}

function exitCodeOf(run: () => void): number {
  try {
    run();
  } catch (error) {
    if (error instanceof Exited) return error.code;
    throw error;
  }
  throw new Error("the handler returned instead of exiting");
}

describe("asksForJson", () => {
  it.each([
    [["groups", "--json"], true],
    [["status", "--json", "csp2-1"], true],
    [["groups"], false],
    [["groups", "--", "--json"], false],
    [["groups", "--jsonx"], false],
  ])("%j => %s", (args, json) => {
    expect(asksForJson(args)).toBe(json);
  });
});

describe("usageErrorHandling", () => {
  it("without --json keeps commander's text and exits 0 for --help and --version, 2 for anything else", () => {
    const { written, streams } = recordingStreams();
    const handling = usageErrorHandling(false, streams);
    expect(handling.output).toBeUndefined();
    expect(exitCodeOf(() => handling.exit(new CommanderError(0, "commander.helpDisplayed", "(outputHelp)")))).toBe(0);
    expect(exitCodeOf(() => handling.exit(new CommanderError(1, "commander.unknownOption", "error: unknown option '--x'")))).toBe(2);
    expect(written).toEqual([]);
  });

  it("with --json prints commander's message and usage hint as one JSON error object, and exits 2", () => {
    const { written, streams } = recordingStreams();
    const handling = usageErrorHandling(true, streams);
    handling.output?.outputError?.("error: unknown option '--x'\n", () => undefined);
    handling.output?.writeErr?.("(run `ovh-office365 groups --help` for usage)\n");
    expect(exitCodeOf(() => handling.exit(new CommanderError(1, "commander.unknownOption", "error: unknown option '--x'")))).toBe(2);
    expect(written.map((text) => JSON.parse(text) as unknown)).toEqual([
      { error: { kind: "usage", message: "unknown option '--x'", advice: "run `ovh-office365 groups --help` for usage" } },
    ]);
  });

  it("with --json still exits 0, printing nothing more, for --help", () => {
    const { written, streams } = recordingStreams();
    expect(exitCodeOf(() => usageErrorHandling(true, streams).exit(new CommanderError(0, "commander.helpDisplayed", "(outputHelp)")))).toBe(0);
    expect(written).toEqual([]);
  });

  it("usageErrorJson leaves out an absent hint", () => {
    expect(usageErrorJson("error: missing required argument 'serviceName'", "")).toEqual({ error: { kind: "usage", message: "missing required argument 'serviceName'" } });
  });
});

describe("the built CLI", () => {
  let dir: string;
  beforeAll(async () => {
    await ensureCliBuilt();
    dir = makeProgramDir("usage-errors");
  });
  afterAll(() => removeDir(dir));

  function parsedError(stderr: string): Record<string, unknown> {
    return (JSON.parse(stderr) as { error: Record<string, unknown> }).error;
  }

  it.each([
    [["groups", "--bogus", "--json"], "unknown option '--bogus'", "ovh-office365 groups --help"],
    [["status", "--json"], "missing required argument 'serviceName'", "ovh-office365 status --help"],
    [["tasks", "csp2-1", "extra", "--json"], "too many arguments", "ovh-office365 tasks --help"],
    [["licences", "--json", "csp2-1", "--all"], "unknown option '--all'", "ovh-office365 licences --help"],
    [["licenses", "--json"], "missing required argument 'serviceName'", "ovh-office365 licenses --help"],
  ])("ovh-office365 %j: a JSON usage error on stderr, exit 2", async (args, message, help) => {
    const result = await runCli(args);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe("");
    const error = parsedError(result.stderr);
    expect(error.kind).toBe("usage");
    expect(error.message).toContain(message);
    expect(error.advice).toContain(help);
  });

  it("a usage error found by the command itself is JSON with --json too", async () => {
    const result = await runCli(["status", "a/b", "--json"], { OVH_ENDPOINT: "http://127.0.0.1:9/1.0" });
    expect(result.exitCode).toBe(2);
    expect(parsedError(result.stderr)).toMatchObject({ kind: "usage", message: expect.stringContaining("Invalid serviceName argument") });
  });

  describe("simulator", () => {
    const missingSeed = () => path.join(dir, "no-such-seed.json");
    const brokenSeed = () => {
      const file = path.join(dir, "broken-seed.json");
      fs.writeFileSync(file, "{ not json");
      return file;
    };

    it.each([
      ["an unknown option", () => ["simulator", "--bogus"], {}, "unknown option '--bogus'"],
      ["a port that is not a number", () => ["simulator", "--port", "abc"], {}, "--port must be a whole number"],
      ["a port out of range", () => ["simulator", "--port", "70000"], {}, "--port must be a whole number from 0 to 65535"],
      ["a negative task duration", () => ["simulator", "--task-duration", "-1"], {}, "--task-duration must be a whole number"],
      ["a bad value in the environment", () => ["simulator"], { OVH_SIMULATOR_PORT: "eighty" }, "--port must be a whole number"],
      ["--ca-out without --tls", () => ["simulator", "--port", "0", "--ca-out", path.join(dir, "ca.pem")], {}, "--ca-out needs --tls"],
      ["a seed file that does not exist", () => ["simulator", "--port", "0", "--seed", missingSeed()], {}, "no file at"],
      ["a seed file that is not JSON", () => ["simulator", "--port", "0", "--seed", brokenSeed()], {}, "is not valid JSON"],
      ["an argument it does not take", () => ["simulator", "extra"], {}, "too many arguments"],
    ])("refuses %s with exit 2, naming the flag", async (_title, args, env, message) => {
      const result = await runCli(args(), env);
      expect({ exitCode: result.exitCode, stdout: result.stdout }).toEqual({ exitCode: 2, stdout: "" });
      expect(result.stderr).toMatch(/^error: /);
      expect(result.stderr).toContain(message);
    });

    it("refuses a port already in use with exit 2, naming --port and --port 0", async () => {
      const holder = net.createServer();
      await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
      const port = (holder.address() as net.AddressInfo).port;
      try {
        const result = await runCli(["simulator", "--port", String(port)]);
        expect({ exitCode: result.exitCode, stdout: result.stdout }).toEqual({ exitCode: 2, stdout: "" });
        expect(result.stderr.split("\n")[0]).toBe(
          `error: --port ${port} is already in use on 127.0.0.1: another simulator may already be running there. ` +
            "Stop it, or choose another port with --port (--port 0 picks a free one).",
        );
      } finally {
        await new Promise<void>((resolve) => holder.close(() => resolve()));
      }
    });

    it("--help writes every default the same way, with commander's (default: …, env: …)", async () => {
      const help = (await runCli(["simulator", "--help"])).stdout;
      expect(help).toContain("(default: 168, env: OVH_SIMULATOR_DECREASE_WINDOW)");
      expect(help).toContain('default: "honoured", env: OVH_SIMULATOR_LIST_MODE)');
      expect(help).not.toMatch(/\(default [^:]|\(default\)|\) \(env:/);
    });

    it("reports its usage errors as JSON when --json is on the command line", async () => {
      const result = await runCli(["simulator", "--port", "0", "--seed", missingSeed(), "--json"]);
      expect(result.exitCode).toBe(2);
      expect(parsedError(result.stderr).kind).toBe("usage");
    });
  });

  it.each([
    [["demo", "--task-duration", "soon"], 'is invalid. --task-duration must be a whole number of milliseconds from 0 to 600000, got "soon".'],
    [["demo", "--bogus"], "unknown option '--bogus'"],
  ])("demo %j: exit 2 before anything starts, with the usage hint", async (args, message) => {
    const result = await runCli(args);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/^error: /);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain("(run `ovh-office365 demo --help` for usage)");
  });

  describe("the program itself", () => {
    it.each([
      [["frobnicate"], ["error: unknown command 'frobnicate'", "(run `ovh-office365 --help` for usage)"]],
      [["group"], ["error: unknown command 'group'", "(Did you mean groups?)", "(run `ovh-office365 --help` for usage)"]],
      [["--bogus", "groups"], ["error: unknown option '--bogus'", "(run `ovh-office365 --help` for usage)"]],
      [
        ["--endpoint", "ovh-ca", "status", "csp2-1"],
        ["error: unknown option '--endpoint'", "(--endpoint is an option of `status`: put it after the command, e.g. `ovh-office365 status --endpoint ovh-ca csp2-1`)"],
      ],
    ])("ovh-office365 %j: an error in lower case, then what to run, exit 2", async (args, lines) => {
      const result = await runCli(args);
      expect({ exitCode: result.exitCode, stdout: result.stdout }).toEqual({ exitCode: 2, stdout: "" });
      expect(result.stderr.split("\n")).toEqual([...lines, ""]);
    });

    it("with --json before the command, says to put it after the command, as a JSON error", async () => {
      const result = await runCli(["--json", "groups"]);
      expect(result.exitCode).toBe(2);
      expect(parsedError(result.stderr)).toEqual({
        kind: "usage",
        message: "unknown option '--json'",
        advice: "--json is an option of `groups`: put it after the command, e.g. `ovh-office365 groups --json`",
      });
    });

    it("with --json before the alias licenses, says to put it after licenses", async () => {
      const result = await runCli(["--json", "licenses", "csp2-1"]);
      expect(result.exitCode).toBe(2);
      expect(parsedError(result.stderr)).toEqual({
        kind: "usage",
        message: "unknown option '--json'",
        advice: "--json is an option of `licenses`: put it after the command, e.g. `ovh-office365 licenses --json csp2-1`",
      });
    });

    it("keeps a JSON usage message on one line, the suggestion included", async () => {
      const result = await runCli(["group", "--json"]);
      expect(parsedError(result.stderr)).toEqual({ kind: "usage", message: "unknown command 'group' (Did you mean groups?)", advice: "run `ovh-office365 --help` for usage" });
    });

    it("--help gives every command a summary that starts with a capital letter", async () => {
      const result = await runCli(["--help"]);
      const commandLines = result.stderr + result.stdout;
      const summaries = [...commandLines.matchAll(/^ {2}(simulator|groups|status|licences|tasks|subscriptions|export|demo)\b[^\n]*?\s{2,}(\S)/gm)];
      expect(summaries.map(([, name]) => name)).toEqual(["simulator", "groups", "status", "licences", "tasks", "subscriptions", "export", "demo"]);
      for (const [line, , first] of summaries) expect({ line, first }).toEqual({ line, first: first.toUpperCase() });
    });
  });

  it("demo --pulumi without the Pulumi CLI on PATH: exit 2, saying what to install", async () => {
    const result = await runCli(["demo", "--pulumi"], { PATH: path.dirname(process.execPath) });
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("--pulumi needs the Pulumi CLI on PATH");
  });
});
