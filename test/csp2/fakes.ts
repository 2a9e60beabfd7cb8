import type { OvhRequest, OvhRequester } from "../../provider/ovh/types";

/** An answer: a value, or a function of the request that returns one or throws. */
export type Answer = unknown;

/**
 * An `OvhRequester` that records every request and answers from a script keyed by `"METHOD /concrete/path"`.
 * Several answers for one key are used in turn, the last one repeating. An unscripted request fails the test.
 */
export class ScriptedRequester implements OvhRequester {
  readonly calls: OvhRequest[] = [];
  private readonly script = new Map<string, Answer[]>();
  private readonly fallback?: (request: OvhRequest) => unknown;

  constructor(fallback?: (request: OvhRequest) => unknown) {
    this.fallback = fallback;
  }

  on(key: string, ...answers: Answer[]): this {
    if (answers.length === 0) throw new Error(`on(${key}): give at least one answer`);
    this.script.set(key, answers);
    return this;
  }

  /** `"METHOD /path"` of every request so far, in order. */
  get keys(): string[] {
    return this.calls.map((call) => `${call.method} ${call.path}`);
  }

  async request<T>(request: OvhRequest): Promise<T> {
    this.calls.push(structuredClone(request));
    const key = `${request.method} ${request.path}`;
    const answers = this.script.get(key);
    if (!answers) {
      if (this.fallback) return this.fallback(request) as T;
      throw new Error(`unscripted request ${key}`);
    }
    const answer = answers.length > 1 ? answers.shift() : answers[0];
    return (typeof answer === "function" ? await answer(request) : structuredClone(answer)) as T;
  }
}

/** A clock that only moves when slept on, so waits finish at once and deterministically. */
export class FakeClock {
  private time = 0;
  readonly sleeps: number[] = [];
  readonly now = (): number => this.time;
  readonly sleep = async (ms: number): Promise<void> => {
    this.sleeps.push(ms);
    this.time += ms;
  };
  advance(ms: number): void {
    this.time += ms;
  }
}

export function task(id: number, status: string, taskFunction = "addSubscription"): Record<string, unknown> {
  return { id, function: taskFunction, status, todoDate: "2024-05-01T10:00:00+02:00", finishDate: status === "done" ? "2024-05-01T10:01:00+02:00" : null };
}

export function license(id: number, name: string, overrides: Record<string, unknown> = {}) {
  return { id, name, licenceType: "NON-SPECIFIC" as const, limit: null as number | null, newSeatsAllowed: true, newSubscriptionsAllowed: true, ...overrides };
}
