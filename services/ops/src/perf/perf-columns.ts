import type { AgentPerformance } from '@switchboard/contracts';

/** How an export writes a column: text, a time, a whole number or a ratio / duration (NaN: no data). */
export type ColumnKind = 'STRING' | 'TIMESTAMP' | 'INT32' | 'DOUBLE';

/** The export columns (CSV and Parquet), in order: name, kind, and how a row's value is read. */
export const AGENT_PERFORMANCE_COLUMNS: readonly (readonly [string, ColumnKind, (r: AgentPerformance) => string | number | Date | undefined])[] = [
  ['agent_id', 'STRING', (r) => r.agentId],
  ['interval_start', 'TIMESTAMP', (r) => r.intervalStart],
  ['interval_end', 'TIMESTAMP', (r) => r.intervalEnd],
  ['contacts_handled', 'INT32', (r) => r.contactsHandled],
  ['aht_seconds', 'DOUBLE', (r) => r.ahtSeconds],
  ['acw_seconds', 'DOUBLE', (r) => r.acwSeconds],
  ['occupancy', 'DOUBLE', (r) => r.occupancy],
  ['adherence', 'DOUBLE', (r) => r.adherence],
  ['offered', 'INT32', (r) => r.offered],
  ['accepted', 'INT32', (r) => r.accepted],
  ['declined', 'INT32', (r) => r.declined],
  ['missed', 'INT32', (r) => r.missed],
  ['transfers_out', 'INT32', (r) => r.transfersOut],
  ['outcomes', 'INT32', (r) => r.outcomes],
  ['resolved_first_contact', 'INT32', (r) => r.resolvedFirstContact],
  ['first_contact_resolution', 'DOUBLE', (r) => r.firstContactResolution],
  ['surveys_answered', 'INT32', (r) => r.surveysAnswered],
  ['csat', 'DOUBLE', (r) => r.csat],
  ['csat_satisfied', 'DOUBLE', (r) => r.csatSatisfied],
  ['qa_reviews', 'INT32', (r) => r.qaReviews],
  ['qa_score', 'DOUBLE', (r) => r.qaScore],
  ['signed_in_seconds', 'DOUBLE', (r) => r.signedInSeconds],
  ['routable_seconds', 'DOUBLE', (r) => r.routableSeconds],
  ['busy_seconds', 'DOUBLE', (r) => r.busySeconds],
  ['idle_seconds', 'DOUBLE', (r) => r.idleSeconds],
  ['away_seconds', 'DOUBLE', (r) => r.awaySeconds],
  ['talk_seconds', 'DOUBLE', (r) => r.talkSeconds],
  ['wrap_seconds', 'DOUBLE', (r) => r.wrapSeconds],
];
