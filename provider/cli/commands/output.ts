import Table from "cli-table3";

/** Where a command writes. Results go to `out`; errors and progress go to `err`, so piped results stay clean. */
export interface CliWriter {
  /** The command's result: tables or JSON. */
  out(text: string): void;
  /** Errors and notices. */
  err(text: string): void;
  /** Progress while calls run. The process writer shows it only on a terminal. */
  progress(text: string): void;
}

export function processWriter(): CliWriter {
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    progress: (text) => {
      if (process.stderr.isTTY) process.stderr.write(`${text}\n`);
    },
  };
}

/** Two-space indented JSON with a final newline: what `--json` prints. */
export function renderJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

export type CellText = string | number;

/** A bordered table with a header row, without colours, so output is the same on a terminal and in a file. */
export function renderTable(head: readonly string[], rows: readonly (readonly CellText[])[]): string {
  const table = new Table({ head: [...head], style: { head: [], border: [] } });
  for (const row of rows) table.push(row.map(String));
  return `${table.toString()}\n`;
}

/** A two-column table of labelled values, for a record such as a licence group's general information. */
export function renderFields(fields: readonly (readonly [label: string, value: CellText])[]): string {
  const table = new Table({ style: { head: [], border: [] } });
  for (const [label, value] of fields) table.push({ [label]: String(value) });
  return `${table.toString()}\n`;
}

/**
 * An OVH datetime (`2024-05-02T14:03:11+02:00`) as `2024-05-02 14:03 +02:00`: the time zone OVH answered in,
 * never converted, so two people see the same text. Dates without a time and other text pass unchanged.
 */
export function formatDateTime(value: string | null | undefined): string {
  if (value === null || value === undefined || value === "") return "-";
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/.exec(value);
  if (!match) return value;
  const [, date, time, zone] = match;
  return zone ? `${date} ${time} ${zone === "Z" ? "UTC" : zone}` : `${date} ${time}`;
}

export function yesNo(value: boolean): string {
  return value ? "yes" : "no";
}
