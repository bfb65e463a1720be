import type { AgentPerformance } from '@switchboard/contracts';

/** The CSV columns, in order: the header names and how each row's value is read. */
const COLUMNS: readonly [string, (r: AgentPerformance) => string | number | undefined][] = [
  ['agent_id', (r) => r.agentId],
  ['interval_start', (r) => r.intervalStart?.toISOString()],
  ['interval_end', (r) => r.intervalEnd?.toISOString()],
  ['contacts_handled', (r) => r.contactsHandled],
  ['aht_seconds', (r) => r.ahtSeconds],
  ['acw_seconds', (r) => r.acwSeconds],
  ['occupancy', (r) => r.occupancy],
  ['adherence', (r) => r.adherence],
  ['offered', (r) => r.offered],
  ['accepted', (r) => r.accepted],
  ['declined', (r) => r.declined],
  ['missed', (r) => r.missed],
  ['transfers_out', (r) => r.transfersOut],
  ['outcomes', (r) => r.outcomes],
  ['resolved_first_contact', (r) => r.resolvedFirstContact],
  ['first_contact_resolution', (r) => r.firstContactResolution],
  ['surveys_answered', (r) => r.surveysAnswered],
  ['csat', (r) => r.csat],
  ['csat_satisfied', (r) => r.csatSatisfied],
  ['qa_reviews', (r) => r.qaReviews],
  ['qa_score', (r) => r.qaScore],
  ['signed_in_seconds', (r) => r.signedInSeconds],
  ['routable_seconds', (r) => r.routableSeconds],
  ['busy_seconds', (r) => r.busySeconds],
  ['idle_seconds', (r) => r.idleSeconds],
  ['away_seconds', (r) => r.awaySeconds],
  ['talk_seconds', (r) => r.talkSeconds],
  ['wrap_seconds', (r) => r.wrapSeconds],
];

/**
 * One field of RFC 4180 CSV: quoted when it holds a comma, quote or line break; a text that a
 * spreadsheet would run as a formula (= + - @ first) is prefixed with an apostrophe. A ratio with
 * no data (NaN) is an empty cell, never 0.
 */
function cell(value: string | number | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(Math.round(value * 1e6) / 1e6) : '';
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Agent-performance rows as CSV (header line first, CRLF line ends as RFC 4180 has them). */
export function agentPerformanceCsv(rows: readonly AgentPerformance[]): string {
  const lines = [COLUMNS.map(([name]) => name).join(',')];
  for (const row of rows) lines.push(COLUMNS.map(([, read]) => cell(read(row))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
