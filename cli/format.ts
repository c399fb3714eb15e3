/** `1h 02m`, `12m 03s`, `45s`. */
export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '-';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  if (h > 0) return `${h}h ${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${m}m ${String(rest).padStart(2, '0')}s`;
  return `${rest}s`;
}

/** Seconds between two dates (or until `now`). */
export function secondsBetween(start: Date | undefined, end: Date | undefined): number | undefined {
  if (!start || !end) return undefined;
  return (end.getTime() - start.getTime()) / 1000;
}

/** `2026-11-28 10:00:00Z`: ISO time without milliseconds, readable. */
export function formatTime(date: Date | undefined): string {
  return date ? date.toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, 'Z') : '-';
}

/** Left-aligned columns. */
export function table(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ').trimEnd());
}

/** The Region of an ARN (`arn:aws:states:eu-west-1:…` → `eu-west-1`). */
export function regionOfArn(arn: string): string | undefined {
  return arn.split(':')[3] || undefined;
}

export { executionConsoleUrl } from '../core/console-url';
