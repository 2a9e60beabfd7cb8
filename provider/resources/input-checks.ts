/** Input validation shared by the resources' `check`: every failure names the property, the value and the fix. */
export interface CheckFailure {
  property: string;
  reason: string;
}

// The engine's placeholder for a value not known yet (e.g. another resource's output during preview).
const unknownValue = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function isUnknown(value: unknown): boolean {
  return value === unknownValue;
}

export function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (value === undefined) return "nothing";
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

const serviceNamePattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** Why `value` is not an acceptable licence group name, or undefined when it is. */
export function serviceNameProblem(value: unknown): string | undefined {
  if (typeof value !== "string") return `must be a string (the licence group's service name), got ${describe(value)}`;
  if (value === "") return "must not be empty: use the name shown by `ovh-office365 groups`";
  if (!serviceNamePattern.test(value) || value.includes("..")) {
    return (
      `${describe(value)} is not a licence group service name: use the name shown by \`ovh-office365 groups\` ` +
      `(letters, digits, ".", "-" and "_" only; no "/", "..", "%", spaces or control characters; at most 100 characters)`
    );
  }
  return undefined;
}

export interface WholeNumberRule {
  min: number;
  max: number;
  /** What the number is, for the message, e.g. "a seat count". */
  what: string;
}

export function wholeNumberProblem(value: unknown, rule: WholeNumberRule): string | undefined {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    return `must be ${rule.what}: a whole number from ${rule.min} to ${rule.max}, got ${describe(value)}`;
  }
  if (!Number.isInteger(value)) return `must be a whole number (${rule.what}), got ${value}: round it to ${Math.round(value)}`;
  if (value < rule.min || value > rule.max) return `must be from ${rule.min} to ${rule.max} (${rule.what}), got ${value}`;
  return undefined;
}

export function textProblem(value: unknown, what: string, maxLength: number): string | undefined {
  if (typeof value !== "string") return `must be a string (${what}), got ${describe(value)}`;
  if (value.trim() === "") return `must not be empty (${what})`;
  if (value.length > maxLength) return `must be at most ${maxLength} characters (${what}), got ${value.length}`;
  if (/[\u0000-\u001f\u007f]/.test(value)) return `must not contain control characters (${what}), got ${describe(value)}`;
  return undefined;
}

export interface UnknownKeyContext {
  /** What the keys belong to, e.g. "this resource" or "order". */
  owner?: string;
  /** Names people bring from elsewhere (OVH's API, the control panel), with the input they mean. */
  aliases?: Readonly<Record<string, string>>;
}

/** Adds a failure for every key that is not a known input, suggesting the one meant (an alias, else the closest name). */
export function unknownKeyFailures(inputs: Record<string, unknown>, known: readonly string[], context: UnknownKeyContext = {}): CheckFailure[] {
  const owner = context.owner ?? "this resource";
  return Object.keys(inputs)
    .filter((key) => key !== "__provider" && !known.includes(key))
    .map((key) => {
      const alias = context.aliases?.[key];
      const suggestion = closestName(key, known);
      const hint = alias ? `: use "${alias}" instead.` : suggestion ? `: did you mean "${suggestion}"?` : ".";
      return { property: key, reason: `is not an input of ${owner}${hint} Known inputs: ${known.join(", ")}.` };
    });
}

/** The candidate nearest to `name` by edit distance, when it is near enough to be a likely typo. */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
