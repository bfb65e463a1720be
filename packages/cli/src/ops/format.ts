import Table from 'cli-table3';

/** A terminal table with the CLI's house style (no colours when not a TTY). */
export function table(head: string[], rows: (string | number)[][], align?: ('left' | 'right')[]): string {
  const t = new Table({
    head,
    style: { head: process.stdout.isTTY ? ['cyan'] : [], border: process.stdout.isTTY ? ['grey'] : [] },
    ...(align ? { colAligns: align } : {}),
  });
  for (const row of rows) t.push(row.map(String));
  return t.toString();
}

/** A ratio as a percentage; '—' when there is no data (NaN arrives as null in JSON). */
export function pct(x: number | null | undefined): string {
  return typeof x === 'number' && Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : '—';
}

/** Seconds with one decimal; '—' when there is no data. */
export function secs(x: number | null | undefined): string {
  return typeof x === 'number' && Number.isFinite(x) ? `${x.toFixed(1)}s` : '—';
}

/** `mm:ss` for a duration in seconds. */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

/** An enum name without its prefix, lower-cased: `PRESENCE_WRAP_UP` → `wrap up`. */
export function enumLabel(value: string | undefined, prefix: string): string {
  return (value ?? '').replace(prefix, '').replace(/_/g, ' ').toLowerCase() || '—';
}
