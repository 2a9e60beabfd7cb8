/** Date formats of OVH's EU API: datetimes in Paris local time with their offset, dates as `YYYY-MM-DD`. */
const parisParts = new Intl.DateTimeFormat("en-GB", {
  timeZone: "Europe/Paris",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
});

function paris(ms: number): { date: string; time: string; offsetMinutes: number } {
  const parts: Record<string, string> = {};
  for (const part of parisParts.formatToParts(new Date(ms))) parts[part.type] = part.value;
  const date = `${parts.year}-${parts.month}-${parts.day}`;
  const time = `${parts.hour}:${parts.minute}:${parts.second}`;
  const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return { date, time, offsetMinutes: Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60000) };
}

export function formatDatetime(ms: number): string {
  const { date, time, offsetMinutes } = paris(ms);
  const sign = offsetMinutes < 0 ? "-" : "+";
  const abs = Math.abs(offsetMinutes);
  return `${date}T${time}${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}

export function formatDate(ms: number): string {
  return paris(ms).date;
}

export function formatNullableDatetime(ms: number | null): string | null {
  return ms === null ? null : formatDatetime(ms);
}

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/** Midnight (Paris time) that starts the day holding `ms`. */
export function startOfParisDay(ms: number): number {
  const { time } = paris(ms);
  const [h, m, s] = time.split(":").map(Number);
  return Math.floor(ms / 1000) * 1000 - ((h * 60 + m) * 60 + s) * 1000;
}
