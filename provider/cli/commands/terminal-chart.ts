import * as asciichart from "asciichart";

/**
 * A small line chart of seats per day for the terminal, drawn by asciichart without colours (the output is the same on
 * a terminal and in a file). Long periods are folded into at most `width` columns, each the highest count of its
 * days, so a peak never disappears from the chart.
 */

export interface ChartPoint {
  date: string;
  value: number;
}

/** At most this many rows for the curve: one row per seat for small ranges, scaled above. */
const maxHeight = 8;

/** The points folded into at most `width` columns, each the highest value of its days, in order. */
export function foldColumns(points: readonly ChartPoint[], width: number): ChartPoint[] {
  if (points.length <= width) return [...points];
  const columns: ChartPoint[] = [];
  for (let column = 0; column < width; column++) {
    const from = Math.floor((column * points.length) / width);
    const to = Math.floor(((column + 1) * points.length) / width);
    const slice = points.slice(from, Math.max(to, from + 1));
    columns.push({ date: slice[slice.length - 1].date, value: Math.max(...slice.map((point) => point.value)) });
  }
  return columns;
}

/**
 * The chart, its y axis labelled in whole seats, with the first and last dates under it. Empty when there is no point.
 */
export function seatChart(points: readonly ChartPoint[], width = 60): string {
  if (points.length === 0) return "";
  const columns = foldColumns(points, width);
  const values = columns.map((point) => point.value);
  const low = Math.min(...values);
  const high = Math.max(...values);
  const labelWidth = Math.max(String(high).length, String(low).length) + 1;
  const height = Math.max(1, Math.min(maxHeight, high - low));
  const plot = asciichart.plot(values, {
    height,
    min: low,
    max: high,
    format: (value: number) => String(Math.round(value)).padStart(labelWidth),
  });
  const axisIndent = " ".repeat(labelWidth + 2);
  const first = columns[0].date;
  const last = columns[columns.length - 1].date;
  const span = columns.length >= first.length + last.length + 2 ? `${first}${" ".repeat(columns.length - first.length - last.length)}${last}` : `${first} … ${last}`;
  return `${plot}\n${axisIndent}${span}\n`;
}
