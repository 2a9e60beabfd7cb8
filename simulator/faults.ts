import { SimulatorAdminError } from "./admin-error";

interface FaultFilter {
  /** Only these methods (default: all). */
  method?: string | string[];
  /** Only API paths (below `/1.0`) matching this glob: `*` within a segment, `**` across segments. */
  path?: string;
  /** How many requests it applies to; unlimited when absent. */
  count?: number;
}

/** A fault injected into answers of the OVH API (and the OAuth2 token endpoint, path `/auth/oauth2/token`). */
export type FaultRule =
  | (FaultFilter & { kind: "latency"; delayMs: number })
  | (FaultFilter & { kind: "httpError"; status: number; retryAfterSeconds?: number; message?: string })
  /** Destroys the connection without an answer; with `afterHandling` the request is carried out first (an ambiguous failure). */
  | (FaultFilter & { kind: "reset"; afterHandling?: boolean })
  /** Answers 429 once more than `requestsPerSecond` matching requests were let through in the last second. */
  | (FaultFilter & { kind: "rateLimit"; requestsPerSecond: number; retryAfterSeconds?: number });

export type ActiveFault = FaultRule & { id: string };

export type FaultAction =
  | { kind: "httpError"; status: number; retryAfterSeconds?: number; message?: string }
  | { kind: "rateLimit"; retryAfterSeconds?: number }
  | { kind: "reset"; afterHandling: boolean };

export interface FaultDecision {
  delayMs: number;
  action?: FaultAction;
}

interface Entry {
  id: string;
  rule: FaultRule;
  methods?: Set<string>;
  path?: RegExp;
  /** Times of requests let through, for `rateLimit`. */
  passed: number[];
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob
    .split("**")
    .map((part) => part.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join("[^/]*"))
    .join(".*");
  return new RegExp(`^${escaped}$`);
}

function positiveNumber(value: unknown, name: string, allowZero = false): void {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new SimulatorAdminError(`Fault rule: ${name} must be a ${allowZero ? "non-negative" : "positive"} number, got ${JSON.stringify(value)}`);
  }
}

export function checkFaultRule(rule: FaultRule): void {
  if (typeof rule !== "object" || rule === null) throw new SimulatorAdminError("Fault rule must be an object with a kind");
  switch (rule.kind) {
    case "latency":
      positiveNumber(rule.delayMs, "delayMs", true);
      break;
    case "httpError":
      if (!Number.isInteger(rule.status) || rule.status < 400 || rule.status > 599) {
        throw new SimulatorAdminError(`Fault rule: status must be an HTTP error status (400-599), got ${JSON.stringify(rule.status)}`);
      }
      if (rule.retryAfterSeconds !== undefined) positiveNumber(rule.retryAfterSeconds, "retryAfterSeconds", true);
      break;
    case "reset":
      break;
    case "rateLimit":
      positiveNumber(rule.requestsPerSecond, "requestsPerSecond");
      if (rule.retryAfterSeconds !== undefined) positiveNumber(rule.retryAfterSeconds, "retryAfterSeconds", true);
      break;
    default:
      throw new SimulatorAdminError(
        `Fault rule: unknown kind ${JSON.stringify((rule as { kind?: unknown }).kind)} (use latency, httpError, reset or rateLimit)`,
      );
  }
  if (rule.count !== undefined && (!Number.isInteger(rule.count) || rule.count < 1)) {
    throw new SimulatorAdminError(`Fault rule: count must be a positive integer, got ${JSON.stringify(rule.count)}`);
  }
}

export class FaultInjector {
  private entries: Entry[] = [];
  private nextId = 1;

  add(rule: FaultRule): string {
    checkFaultRule(rule);
    const id = `fault-${this.nextId++}`;
    const methods = rule.method === undefined ? undefined : new Set((Array.isArray(rule.method) ? rule.method : [rule.method]).map((m) => m.toUpperCase()));
    this.entries.push({ id, rule: { ...rule }, methods, path: rule.path === undefined ? undefined : globToRegExp(rule.path), passed: [] });
    return id;
  }

  remove(id: string): boolean {
    const before = this.entries.length;
    this.entries = this.entries.filter((e) => e.id !== id);
    return this.entries.length < before;
  }

  clear(): void {
    this.entries = [];
  }

  list(): ActiveFault[] {
    return this.entries.map((e) => ({ ...e.rule, id: e.id }));
  }

  /** The delay and the answer-changing fault (first matching rule of each) for one request. */
  decide(method: string, apiPath: string, now: number): FaultDecision {
    const matching = this.entries.filter((e) => (!e.methods || e.methods.has(method)) && (!e.path || e.path.test(apiPath)));
    const decision: FaultDecision = { delayMs: 0 };
    const latency = matching.find((e) => e.rule.kind === "latency");
    if (latency && latency.rule.kind === "latency") {
      decision.delayMs = latency.rule.delayMs;
      this.consume(latency);
    }
    for (const entry of matching) {
      const rule = entry.rule;
      if (rule.kind === "latency") continue;
      if (rule.kind === "rateLimit") {
        while (entry.passed.length > 0 && entry.passed[0] <= now - 1000) entry.passed.shift();
        if (entry.passed.length < rule.requestsPerSecond) {
          entry.passed.push(now);
          continue;
        }
        decision.action = { kind: "rateLimit", retryAfterSeconds: rule.retryAfterSeconds };
      } else if (rule.kind === "httpError") {
        decision.action = { kind: "httpError", status: rule.status, retryAfterSeconds: rule.retryAfterSeconds, message: rule.message };
      } else {
        decision.action = { kind: "reset", afterHandling: rule.afterHandling === true };
      }
      this.consume(entry);
      break;
    }
    return decision;
  }

  private consume(entry: Entry): void {
    if (entry.rule.count === undefined) return;
    entry.rule.count -= 1;
    if (entry.rule.count <= 0) this.entries = this.entries.filter((e) => e !== entry);
  }
}
