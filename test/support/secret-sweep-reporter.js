"use strict";
const { randomBytes } = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");
const { SWEEP_DIR_ENV, SWEEP_KEY_ENV, findDigests, issuedTokens, mergeOverlaps, redactedContext } = require("./secret-sweep-shared");

/**
 * Jest reporter of the whole-suite secret sweep (test/support/secret-sweep.ts).
 *
 * Before any test runs it makes a fresh record directory and digest key and puts them in the environment, which the
 * test workers (started after onRunStart) inherit. Each test file's console output and failure messages reach only
 * the reporter: it searches them itself, with the needle digests the workers recorded. When the run ends it prints
 * the figures per surface and fails the run (getLastError) on any occurrence of a known secret.
 */

const SURFACE_ORDER = ["__provider", "inputs", "outputs", "errors", "stdout", "stderr", "engine log", "files", "test console", "test failures"];
const LISTED_FINDINGS = 20;

class SecretSweepReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
    // Verbose runs (jest's default for a single test file) print console output straight to the terminal.
    this.consoleCaptured = !globalConfig.verbose;
    this.testFiles = [];
    this.lastError = undefined;
  }

  onRunStart() {
    this.dir = path.join(this.rootDir, ".tmp", "secret-sweep", `run-${process.pid}-${randomBytes(4).toString("hex")}`);
    fs.mkdirSync(this.dir, { recursive: true });
    this.key = randomBytes(32).toString("hex");
    process.env[SWEEP_DIR_ENV] = this.dir;
    process.env[SWEEP_KEY_ENV] = this.key;
    this.testFiles = [];
    this.lastError = undefined;
  }

  // jest drops testResult.console right after the reporters have seen it.
  onTestFileResult(_test, testResult) {
    this.testFiles.push({
      testPath: testResult.testFilePath,
      console: (testResult.console ?? []).map((entry) => entry.message),
      failure: testResult.failureMessage || undefined,
    });
  }

  onRunComplete() {
    const sweep = new Figures(this.rootDir);
    for (const record of readRecords(this.dir)) sweep.add(record);
    for (const { testPath, console, failure } of this.testFiles) {
      for (const message of console) sweep.search("test console", message, testPath, this.key);
      if (failure !== undefined) sweep.search("test failures", failure, testPath, this.key);
    }
    if (this.dir) fs.rmSync(this.dir, { recursive: true, force: true });
    process.stderr.write(sweep.render(this.consoleCaptured));
    this.lastError = sweep.leaks.length === 0 ? undefined : new Error(sweep.failureSummary());
  }

  getLastError() {
    return this.lastError;
  }
}

/** Each worker's records; a line cut short (a worker killed while writing it) becomes an "unreadable" record. */
function readRecords(dir) {
  if (!dir || !fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((name) => name.endsWith(".jsonl"))
    .flatMap((name) => fs.readFileSync(path.join(dir, name), "utf8").split("\n"))
    .filter((line) => line !== "")
    .map((line) => {
      try {
        return JSON.parse(line);
      } catch {
        return { kind: "unreadable" };
      }
    });
}

class Figures {
  constructor(rootDir) {
    this.rootDir = rootDir;
    this.surfaces = new Map();
    this.skipped = new Map();
    this.exempt = new Map();
    this.leaks = [];
    this.needles = [];
    this.needleDigests = new Set();
    this.secretValues = new Set();
    this.testPaths = new Set();
    this.unreadable = 0;
  }

  surface(name) {
    if (!this.surfaces.has(name)) this.surfaces.set(name, { items: 0, bytes: 0, occurrences: 0 });
    return this.surfaces.get(name);
  }

  add(record) {
    if (record.testPath) this.testPaths.add(record.testPath);
    switch (record.kind) {
      case "needles":
        for (const needle of record.needles) {
          if (this.needleDigests.has(needle.digest)) continue;
          this.needleDigests.add(needle.digest);
          this.needles.push(needle);
          if (!needle.secret.includes("(")) this.secretValues.add(needle.digest);
        }
        break;
      case "scanned": {
        const figures = this.surface(record.surface);
        figures.items += record.items;
        figures.bytes += record.bytes;
        break;
      }
      case "skipped": {
        const skipped = this.skipped.get(record.reason) ?? { items: 0, bytes: 0 };
        skipped.items += record.items;
        skipped.bytes += record.bytes;
        this.skipped.set(record.reason, skipped);
        break;
      }
      case "found":
        this.found(record);
        break;
      case "unreadable":
        this.unreadable += 1;
        break;
      default:
        throw new Error(`Unknown secret-sweep record kind "${record.kind}": the reporter and secret-sweep.ts disagree.`);
    }
  }

  found(finding) {
    if (finding.exemptBecause) {
      const exempt = this.exempt.get(finding.exemptBecause) ?? { occurrences: 0, testPaths: new Set() };
      exempt.occurrences += 1;
      if (finding.testPath) exempt.testPaths.add(finding.testPath);
      this.exempt.set(finding.exemptBecause, exempt);
      return;
    }
    this.surface(finding.surface).occurrences += 1;
    this.leaks.push(finding);
  }

  /** Searches text only the reporter sees (console output, failure messages) with the needles' digests. */
  search(surface, text, testPath, key) {
    const figures = this.surface(surface);
    figures.items += 1;
    figures.bytes += Buffer.byteLength(text);
    const occurrences = mergeOverlaps([...findDigests(text, this.needles, key), ...issuedTokens(text)]);
    for (const occurrence of occurrences) {
      this.found({ surface, testPath, secret: occurrence.secret, context: redactedContext(text, occurrence, occurrences) });
    }
  }

  relative(testPath) {
    return testPath ? path.relative(this.rootDir, testPath) : "(outside a test file)";
  }

  render(consoleCaptured) {
    for (const name of SURFACE_ORDER) this.surface(name);
    const rows = [...this.surfaces.keys()].sort((a, b) => rank(a) - rank(b));
    const lines = [
      "",
      `Secret sweep: ${this.secretValues.size} secret values (the simulator's default credentials and those the tests use: ` +
        `application secrets, consumer keys, OAuth2 client secrets, access tokens), each as is, URL-encoded, JSON-escaped, hex, ` +
        `and base64/base64url at 3 alignments (${this.needles.length} needles); plus OAuth2 tokens the simulator issues, by shape.`,
      `  ${"surface".padEnd(14)}${"items".padStart(10)}${"bytes".padStart(15)}${"occurrences".padStart(13)}`,
      ...rows.map((name) => {
        const { items, bytes, occurrences } = this.surfaces.get(name);
        return `  ${name.padEnd(14)}${count(items).padStart(10)}${count(bytes).padStart(15)}${count(occurrences).padStart(13)}`;
      }),
    ];
    for (const [reason, { items, bytes }] of this.skipped) lines.push(`  not searched: ${plural(items, "file")} (${count(bytes)} bytes), ${reason}`);
    for (const [reason, { occurrences, testPaths }] of this.exempt) {
      const where = [...testPaths].map((testPath) => this.relative(testPath)).join(", ");
      lines.push(`  exempt: ${plural(occurrences, "occurrence")} in ${where}: ${reason}`);
    }
    if (this.unreadable > 0) lines.push(`  ${plural(this.unreadable, "record")} cut short (a worker killed while writing): it may have been an occurrence`);
    if (!consoleCaptured) lines.push("  test console: not searched (jest ran verbose, so console output went straight to the terminal)");
    lines.push(
      this.leaks.length === 0
        ? `Secret sweep: 0 occurrences, in ${plural(this.testPaths.size, "test file")} that reported to the sweep.`
        : `Secret sweep: FOUND ${plural(this.leaks.length, "occurrence")} of known secrets:`,
    );
    for (const leak of this.leaks.slice(0, LISTED_FINDINGS)) {
      const test = [this.relative(leak.testPath), leak.testName].filter(Boolean).join(" › ");
      const location = leak.location ? ` (${leak.location})` : "";
      lines.push(`  ${leak.surface}${location} in ${test}: ${leak.secret}: …${leak.context}…`);
    }
    if (this.leaks.length > LISTED_FINDINGS) lines.push(`  … and ${this.leaks.length - LISTED_FINDINGS} more.`);
    return `${lines.join("\n")}\n`;
  }

  failureSummary() {
    const places = [...new Set(this.leaks.map((leak) => `${leak.surface} in ${this.relative(leak.testPath)}`))];
    return `Secret sweep: ${plural(this.leaks.length, "occurrence")} of known secrets (${places.join("; ")}). Each is listed above with its redacted context.`;
  }
}

function rank(surface) {
  const index = SURFACE_ORDER.indexOf(surface);
  return index === -1 ? SURFACE_ORDER.length : index;
}

function count(value) {
  return value.toLocaleString("en-US");
}

function plural(value, noun) {
  return `${count(value)} ${noun}${value === 1 ? "" : "s"}`;
}

module.exports = SecretSweepReporter;
