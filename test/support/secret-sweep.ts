import * as fs from "node:fs";
import * as path from "node:path";
import { inspect } from "node:util";
import {
  PACKAGE_NAME,
  findPackageRoot,
  PROVIDER_KEY,
  type OutputLine,
  type PropertyMap,
  type ProviderHost,
} from "../../pulumi-host";
import { DEFAULT_CREDENTIALS } from "../../simulator/auth";
import { FIXTURE_STATE_FILE } from "./fixture-counter";
import {
  SWEEP_DIR_ENV,
  SWEEP_KEY_ENV,
  digestNeedle,
  issuedTokens,
  mergeOverlaps,
  redactedContext,
  type NeedleDigest,
  type Occurrence,
} from "./secret-sweep-shared";

/**
 * The whole-suite secret sweep: every value the tests pass to or get from the provider host, every line a host or the
 * CLI prints, every error a host call rejects with and every file left in a scratch directory is searched for the
 * known secrets. test/support/secret-sweep-reporter.js adds each test file's console output and failure messages,
 * prints the figures and fails the run on any occurrence.
 */

export const SWEEP_SURFACES = ["__provider", "inputs", "outputs", "errors", "stdout", "stderr", "engine log", "files"] as const;
export type SweepSurface = (typeof SWEEP_SURFACES)[number];

/** An occurrence of a secret. Holds the secret's name and form, never its value. */
export interface SweepFinding {
  surface: SweepSurface;
  /** e.g. "consumerKey (base64)". */
  secret: string;
  /** Up to 30 characters either side, every secret in it replaced by its name. */
  context: string;
  /** The file (relative to the directory swept) or the command the text came from. */
  location?: string;
  /** Set when the occurrence is an expected one; it is then counted apart and does not fail the run. */
  exemptBecause?: string;
}

export type SweepRecord =
  | { kind: "scanned"; surface: SweepSurface; items: number; bytes: number }
  | { kind: "skipped"; surface: "files"; reason: string; items: number; bytes: number }
  | ({ kind: "found" } & SweepFinding)
  | { kind: "needles"; needles: NeedleDigest[] };

export interface SecretSweepOptions {
  /** Receives every record; the shared sweep appends them to this worker's file in the run's sweep directory. */
  record?: (record: SweepRecord) => void;
  /** Key of the needle digests handed to the reporter; without one, no digests are recorded. */
  digestKey?: string;
}

/** Names the credential settings hold, as stack config (`ovh:<name>`), environment (`OVH_…`) or simulator flags. */
const SECRET_SETTINGS: Readonly<Record<string, string>> = {
  applicationSecret: "applicationSecret",
  consumerKey: "consumerKey",
  clientSecret: "clientSecret",
  accessToken: "accessToken",
  OVH_APPLICATION_SECRET: "applicationSecret",
  OVH_CONSUMER_KEY: "consumerKey",
  OVH_CLIENT_SECRET: "clientSecret",
  OVH_ACCESS_TOKEN: "accessToken",
  OVH_SIMULATOR_APPLICATION_SECRET: "applicationSecret",
  OVH_SIMULATOR_CONSUMER_KEY: "consumerKey",
  OVH_SIMULATOR_CLIENT_SECRET: "clientSecret",
  OVH_SIMULATOR_ACCESS_TOKEN: "accessToken",
};

/** Shorter values would match ordinary text by chance. */
export const MIN_SECRET_LENGTH = 8;
const FIXTURE_RECORD_EXEMPTION =
  "fixture-counter (a test probe, not this package) records the stack config its configure() received, to prove secrets arrive unwrapped";
const PACKAGE_COPY_REASON = `copies of this package's own files (node_modules/${PACKAGE_NAME}), identical to the repository's`;

interface Needle {
  secret: string;
  text: string;
}

/**
 * Every form a secret takes in text: as is, URL-encoded, JSON-escaped, hex, and base64 (standard and URL-safe) at each of
 * the three byte alignments it can have inside a longer encoded value, such as an HTTP Basic credential.
 */
export function secretForms(value: string): Array<{ form: string; text: string }> {
  const forms = [
    { form: "", text: value },
    { form: "URL-encoded", text: encodeURIComponent(value) },
    { form: "JSON-escaped", text: JSON.stringify(value).slice(1, -1) },
    { form: "hex", text: Buffer.from(value, "utf8").toString("hex") },
  ];
  const bytes = Buffer.from(value, "utf8");
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString("base64").replace(/=+$/, "");
    // Only the characters made of the secret's bits alone: the ones at either end mix in neighbouring bytes.
    const inner = encoded.slice(Math.ceil((offset * 8) / 6), Math.floor(((offset + bytes.length) * 8) / 6));
    forms.push({ form: "base64", text: inner }, { form: "base64url", text: inner.replace(/\+/g, "-").replace(/\//g, "_") });
  }
  const seen = new Set<string>();
  return forms.filter(({ text }) => !seen.has(text) && seen.add(text));
}

/** What one sweep has searched and found so far, per surface. Exempt occurrences are not counted. */
export type SweepTally = Record<SweepSurface, { items: number; bytes: number; occurrences: number }>;

export class SecretSweep {
  private readonly needles: Needle[] = [];
  private readonly sink: (record: SweepRecord) => void;
  private readonly digestKey?: string;
  private readonly sweptHosts = new WeakMap<ProviderHost, ProviderHost>();
  private readonly providerFindings = new Map<string, SweepFinding[]>();
  private readonly counts = Object.fromEntries(SWEEP_SURFACES.map((surface) => [surface, { items: 0, bytes: 0, occurrences: 0 }])) as SweepTally;

  constructor(options: SecretSweepOptions = {}) {
    this.sink = options.record ?? (() => undefined);
    this.digestKey = options.digestKey;
  }

  /** A copy of the figures so far: a test can check that its own work was searched, and that nothing was found. */
  tally(): SweepTally {
    return structuredClone(this.counts);
  }

  /** Adds a secret to look for; `name` says which (e.g. "consumerKey"), and is all a finding will show of it. */
  register(name: string, value: string): void {
    if (value.length < MIN_SECRET_LENGTH) {
      throw new TypeError(
        `Secret "${name}" is ${value.length} characters long: the sweep needs at least ${MIN_SECRET_LENGTH} so it does not ` +
          `match ordinary text by chance. Use a longer test value.`,
      );
    }
    const fresh = secretForms(value)
      .filter(({ text }) => !this.needles.some((needle) => needle.text === text))
      .map(({ form, text }) => ({ secret: form ? `${name} (${form})` : name, text }));
    if (fresh.length === 0) return;
    this.needles.push(...fresh);
    this.providerFindings.clear();
    const key = this.digestKey;
    if (key !== undefined) {
      this.recordRaw({ kind: "needles", needles: fresh.map((needle) => digestNeedle(key, needle.secret, needle.text)) });
    }
  }

  /**
   * Registers the credential secrets among settings: stack config (`ovh:consumerKey`), environment (`OVH_CLIENT_SECRET`,
   * `OVH_SIMULATOR_ACCESS_TOKEN`), plus any key listed in `secretKeys`. Empty and too-short values are left out: they are
   * how tests spell "missing" or "malformed", and would match ordinary text.
   */
  registerSettings(settings: Readonly<Record<string, string | undefined>>, secretKeys: readonly string[] = []): void {
    for (const [key, value] of Object.entries(settings)) {
      const name = SECRET_SETTINGS[key.slice(key.lastIndexOf(":") + 1)] ?? (secretKeys.includes(key) ? key : undefined);
      if (name !== undefined && value !== undefined && value.length >= MIN_SECRET_LENGTH) this.register(name, value);
    }
  }

  /** Searches one text; `location` names where it came from (a command, a file) in any finding. */
  text(surface: SweepSurface, text: string, location?: string): SweepFinding[] {
    this.recordRaw({ kind: "scanned", surface, items: 1, bytes: Buffer.byteLength(text) });
    return this.report(this.find(surface, text, location));
  }

  /** Searches a value as JSON, the form in which it reaches the engine, state and logs. */
  value(surface: SweepSurface, value: unknown, location?: string): SweepFinding[] {
    return this.text(surface, JSON.stringify(value) ?? String(value), location);
  }

  /** Searches a property map, its `__provider` text apart: the serialized provider is stored in state for every resource. */
  propertyMap(surface: "inputs" | "outputs", map: PropertyMap | undefined): SweepFinding[] {
    if (map === undefined) return [];
    const { [PROVIDER_KEY]: providerText, ...rest } = map;
    const findings = typeof providerText === "string" ? this.provider(providerText) : [];
    return [...findings, ...this.value(surface, rest)];
  }

  /** Searches an error as `util.inspect` renders it: message, stack and every property (a failed create's outputs too). */
  error(error: unknown, location?: string): SweepFinding[] {
    return this.text("errors", inspect(error, { depth: 10 }), location);
  }

  /** Searches a line the provider host printed, on the stream it printed it to. */
  line(line: OutputLine): SweepFinding[] {
    return this.text(line.stream === "engine" ? "engine log" : line.stream, line.text);
  }

  /**
   * Searches every file under `dir`, as it is about to be deleted. Symbolic links are not followed. Copies of this
   * package's own files staged into `node_modules` are skipped when identical to the repository's (the package ships the
   * simulator and its fixed development credentials), and counted as skipped.
   */
  dir(dir: string): SweepFinding[] {
    const findings: SweepFinding[] = [];
    const packageRoot = findPackageRoot();
    const copies = { items: 0, bytes: 0 };
    const visit = (current: string): void => {
      for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
        const file = path.join(current, entry.name);
        if (entry.isDirectory()) {
          visit(file);
          continue;
        }
        if (!entry.isFile()) continue;
        const content = fs.readFileSync(file);
        const relative = path.relative(dir, file);
        if (isIdenticalPackageCopy(relative, content, packageRoot)) {
          copies.items += 1;
          copies.bytes += content.length;
          continue;
        }
        this.recordRaw({ kind: "scanned", surface: "files", items: 1, bytes: content.length });
        // latin1 keeps every byte as one character, so an ASCII secret matches in binary files too.
        const found = this.find("files", content.toString("latin1"), relative);
        const exemption = entry.name === FIXTURE_STATE_FILE ? FIXTURE_RECORD_EXEMPTION : undefined;
        findings.push(...this.report(found.map((finding) => (exemption ? { ...finding, exemptBecause: exemption } : finding))));
      }
    };
    if (fs.existsSync(dir)) visit(dir);
    if (copies.items > 0) this.recordRaw({ kind: "skipped", surface: "files", reason: PACKAGE_COPY_REASON, ...copies });
    return findings;
  }

  /**
   * The host with every resource call swept: arguments (`__provider`, inputs, outputs from state), results, and the
   * error of every rejection. configure()'s stack config carries the credentials by design: only its failure is swept.
   */
  host(host: ProviderHost): ProviderHost {
    const known = this.sweptHosts.get(host);
    if (known) return known;
    const swept = new Proxy(host, {
      get: (target, property) => {
        const value: unknown = Reflect.get(target, property, target);
        if (typeof value !== "function") return value;
        const operation = typeof property === "string" ? HOST_OPERATIONS[property] : undefined;
        if (!operation) return value.bind(target);
        return async (...args: unknown[]) => {
          operation.sweepArguments(this, args);
          try {
            const result: unknown = await value.apply(target, args);
            operation.sweepResult(this, result);
            return result;
          } catch (error) {
            this.error(error, `host.${String(property)}`);
            throw error;
          }
        };
      },
    });
    this.sweptHosts.set(host, swept);
    return swept;
  }

  /** Searches a serialized provider (`__provider`). The same few texts travel in every call: each is searched once, counted each time. */
  provider(text: string): SweepFinding[] {
    this.recordRaw({ kind: "scanned", surface: "__provider", items: 1, bytes: Buffer.byteLength(text) });
    let findings = this.providerFindings.get(text);
    if (!findings) {
      findings = this.find("__provider", text);
      this.providerFindings.set(text, findings);
    }
    return this.report(findings);
  }

  private recordRaw(record: SweepRecord): void {
    if (record.kind === "scanned") {
      this.counts[record.surface].items += record.items;
      this.counts[record.surface].bytes += record.bytes;
    } else if (record.kind === "found" && record.exemptBecause === undefined) {
      this.counts[record.surface].occurrences += 1;
    }
    this.sink(record);
  }

  private report(findings: SweepFinding[]): SweepFinding[] {
    for (const finding of findings) this.recordRaw({ kind: "found", ...finding });
    return findings;
  }

  private find(surface: SweepSurface, text: string, location?: string): SweepFinding[] {
    const occurrences = this.occurrences(text);
    return occurrences.map((occurrence) => ({
      surface,
      secret: occurrence.secret,
      context: redactedContext(text, occurrence, occurrences),
      ...(location === undefined ? {} : { location }),
    }));
  }

  private occurrences(text: string): Occurrence[] {
    const found: Occurrence[] = [];
    for (const needle of this.needles) {
      for (let start = text.indexOf(needle.text); start !== -1; start = text.indexOf(needle.text, start + 1)) {
        found.push({ start, end: start + needle.text.length, secret: needle.secret });
      }
    }
    return mergeOverlaps([...found, ...issuedTokens(text)]);
  }
}

interface HostOperation {
  sweepArguments(sweep: SecretSweep, args: unknown[]): void;
  sweepResult(sweep: SecretSweep, result: unknown): void;
}

type ArgumentRole = "inputs" | "outputs" | "oldInputs" | undefined;

/** What each argument of a host call is (see ProviderHost): ids and URNs are names, not searched. */
function hostOperation(roles: ArgumentRole[], sweepResult: HostOperation["sweepResult"]): HostOperation {
  return {
    sweepArguments(sweep, args) {
      roles.forEach((role, index) => {
        const arg = args[index] as PropertyMap | undefined;
        if (role === "oldInputs") sweep.propertyMap("inputs", (arg as { oldInputs?: PropertyMap } | undefined)?.oldInputs);
        else if (role) sweep.propertyMap(role, arg);
      });
    },
    sweepResult,
  };
}

const nothingReturned = (): void => undefined;

const HOST_OPERATIONS: Readonly<Record<string, HostOperation>> = {
  configure: hostOperation([], nothingReturned),
  check: hostOperation([undefined, "inputs", "inputs"], (sweep, result) => {
    const { inputs, failures } = result as { inputs: PropertyMap; failures: unknown[] };
    sweep.propertyMap("inputs", inputs);
    if (failures.length > 0) sweep.value("errors", failures, "host.check failures");
  }),
  diff: hostOperation([undefined, undefined, "outputs", "inputs", "oldInputs"], (sweep, result) => void sweep.value("outputs", result)),
  create: hostOperation([undefined, "inputs"], (sweep, result) => {
    const { id, outs } = result as { id: string; outs: PropertyMap };
    sweep.propertyMap("outputs", { id, ...outs });
  }),
  read: hostOperation([undefined, undefined, "outputs", "inputs"], (sweep, result) => {
    const { id, props, inputs } = result as { id: string; props: PropertyMap; inputs?: PropertyMap };
    sweep.propertyMap("outputs", { id, ...props });
    sweep.propertyMap("inputs", inputs);
  }),
  update: hostOperation([undefined, undefined, "outputs", "inputs", "oldInputs"], (sweep, result) => {
    sweep.propertyMap("outputs", (result as { outs: PropertyMap }).outs);
  }),
  delete: hostOperation([undefined, undefined, "outputs", "oldInputs"], nothingReturned),
};

/** `node_modules/<this package>/<file>` whose bytes are those of `<repository>/<file>`. */
function isIdenticalPackageCopy(relative: string, content: Buffer, packageRoot: string): boolean {
  const parts = relative.split(path.sep);
  const at = parts.findIndex((part, index) => part === "node_modules" && parts[index + 1] === PACKAGE_NAME);
  if (at === -1) return false;
  const original = path.join(packageRoot, ...parts.slice(at + 2));
  return fs.existsSync(original) && fs.readFileSync(original).equals(content);
}

function currentTest(): { testPath?: string; testName?: string } {
  if (typeof expect === "undefined") return {};
  const { testPath, currentTestName } = expect.getState();
  return { testPath, testName: currentTestName };
}

function sharedSweep(): SecretSweep {
  const dir = process.env[SWEEP_DIR_ENV];
  const file = dir ? path.join(dir, `${process.pid}.jsonl`) : undefined;
  const sweep = new SecretSweep({
    digestKey: process.env[SWEEP_KEY_ENV],
    // Appended at once: a worker may be killed at any time, and the reporter reads the files when the run ends.
    record: file ? (record) => fs.appendFileSync(file, `${JSON.stringify({ ...currentTest(), ...record })}\n`) : undefined,
  });
  for (const name of ["applicationSecret", "consumerKey", "clientSecret", "accessToken"] as const) {
    sweep.register(name, DEFAULT_CREDENTIALS[name]);
  }
  return sweep;
}

/**
 * The run's sweep, knowing the simulator's default credentials. Test support hooks it in centrally: the provider
 * harness, scratch-directory removal, runCli and the demo test. Records go to the run's sweep directory when the
 * reporter is active, nowhere otherwise.
 */
export const secretSweep: SecretSweep = sharedSweep();
