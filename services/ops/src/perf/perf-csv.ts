import type { AgentPerformance } from '@switchboard/contracts';
import { AGENT_PERFORMANCE_COLUMNS } from './perf-columns.js';

/**
 * One field of RFC 4180 CSV: quoted when it holds a comma, quote or line break; a text that a
 * spreadsheet would run as a formula (= + - @ first) is prefixed with an apostrophe. A ratio with
 * no data (NaN) is an empty cell, never 0.
 */
function cell(value: string | number | Date | undefined): string {
  if (value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number') return Number.isFinite(value) ? String(Math.round(value * 1e6) / 1e6) : '';
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Agent-performance rows as CSV (header line first, CRLF line ends as RFC 4180 has them). */
export function agentPerformanceCsv(rows: readonly AgentPerformance[]): string {
  const lines = [AGENT_PERFORMANCE_COLUMNS.map(([name]) => name).join(',')];
  for (const row of rows) lines.push(AGENT_PERFORMANCE_COLUMNS.map(([, , read]) => cell(read(row))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
