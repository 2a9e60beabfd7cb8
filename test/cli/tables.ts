/** Reads back the tables cli-table3 drew: each table as rows of trimmed cells, the header row first. */
export function tablesIn(text: string): string[][][] {
  const tables: string[][][] = [];
  let current: string[][] | undefined;
  for (const line of text.split("\n")) {
    if (line.startsWith("┌")) {
      current = [];
    } else if (line.startsWith("└")) {
      if (current) tables.push(current);
      current = undefined;
    } else if (current && line.startsWith("│")) {
      current.push(
        line
          .slice(1, -1)
          .split("│")
          .map((cell) => cell.trim()),
      );
    }
  }
  return tables;
}

/** The data rows of a table with a header, keyed by header cell. */
export function rowsOf(table: string[][]): Record<string, string>[] {
  const [head, ...rows] = table;
  return rows.map((row) => Object.fromEntries(head.map((name, index) => [name, row[index]])));
}

/** A two-column field table as label → value. */
export function fieldsOf(table: string[][]): Record<string, string> {
  return Object.fromEntries(table.map(([label, value]) => [label, value]));
}
