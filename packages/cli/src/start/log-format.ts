import type { Palette, Style } from './colours.js';

const LEVEL_STYLES: Record<string, Style> = { trace: 'gray', debug: 'gray', info: 'green', warn: 'yellow', error: 'red', fatal: 'brightRed' };
/** Fields every line has, shown in fixed places or not at all. */
const HIDDEN = new Set(['level', 'time', 'msg', 'service', 'pid', 'hostname', 'v']);

/**
 * One line of a child's output, made readable: a pino JSON line becomes
 * `12:03:04.123 router        INFO  domain owned domain=default token=3`, with `err` stacks on
 * the lines after; anything else (nats-server's own log, a stack trace on stderr) passes through
 * under the same prefix. A line whose `service` is not `processName` (a service inside ingest-all)
 * shows it first among its fields.
 */
export function formatLogLine(line: string, prefix: string, palette: Palette, processName?: string): string {
  const record = parseJsonObject(line);
  if (!record) return `${prefix} ${line}`;
  const level = typeof record.level === 'string' ? record.level : levelName(record.level);
  const time = typeof record.time === 'number' ? new Date(record.time).toISOString().slice(11, 23) : '';
  const inner = processName !== undefined && typeof record.service === 'string' && record.service !== processName ? [['service', record.service] as const] : [];
  const fields = [...inner, ...Object.entries(record)
    .filter(([key]) => !HIDDEN.has(key) && key !== 'err' && key !== 'trace_id' && key !== 'span_id')]
    .map(([key, value]) => `${palette.paint('dim', `${key}=`)}${typeof value === 'string' ? value : JSON.stringify(value)}`);
  const head = `${palette.paint('gray', time)} ${prefix} ${palette.paint(LEVEL_STYLES[level] ?? 'gray', level.toUpperCase().padEnd(5))} ${String(record.msg ?? '')}`;
  const out = fields.length > 0 ? `${head}  ${fields.join(' ')}` : head;
  const err = record.err as { message?: string; stack?: string } | undefined;
  if (!err) return out;
  const stack = (err.stack ?? err.message ?? '').split('\n').map((l) => `${prefix}   ${palette.paint('red', l)}`).join('\n');
  return `${out}\n${stack}`;
}

function parseJsonObject(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** pino's numeric levels, for loggers that do not use our label formatter. */
function levelName(level: unknown): string {
  const names: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
  return typeof level === 'number' ? (names[level] ?? 'info') : 'info';
}

/** Splits a byte stream into lines, keeping a partial last line until its newline arrives. */
export function lineSplitter(onLine: (line: string) => void): { push(chunk: Buffer | string): void; flush(): void } {
  let rest = '';
  return {
    push(chunk) {
      const lines = (rest + chunk.toString()).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) if (line.trim() !== '') onLine(line.replace(/\r$/, ''));
    },
    flush() {
      if (rest.trim() !== '') onLine(rest);
      rest = '';
    },
  };
}
