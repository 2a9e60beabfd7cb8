/**
 * A duration as a person reads it, in every message the package prints (CLI progress and failures, task and order
 * timeouts): "800 ms", "2 s", "2.5 s", "17 s", "2 min", "2 min 36 s".
 */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(ms < 10_000 ? 1 : 0))} s`;
  const seconds = Math.round(ms / 1000);
  const minutes = Math.floor(seconds / 60);
  return seconds % 60 === 0 ? `${minutes} min` : `${minutes} min ${seconds % 60} s`;
}
