import { Counter, type Registry } from 'prom-client';

/** What the router counts of survey answers it did not record. */
export interface SurveyMetrics {
  /** An answer refused: NO_SURVEY, ALREADY_ANSWERED, WINDOW_CLOSED or INVALID (a score outside 1–5). */
  answerRefused(domain: string, reason: string): void;
}

/** `sb_router_survey_answers_refused_total{domain,reason}`: later, late and unknown answers (one answer per contact is recorded). */
export function surveyMetrics(registry: Registry): SurveyMetrics {
  const refused = new Counter({ name: 'sb_router_survey_answers_refused_total', help: 'Satisfaction survey answers not recorded, by reason',
    labelNames: ['domain', 'reason'], registers: [registry] });
  return { answerRefused: (domain, reason) => refused.inc({ domain, reason }) };
}
