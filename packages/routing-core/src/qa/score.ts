import { RoutingError, RoutingErrorCode } from '../errors.js';
import type { Channel } from '../model/channel.js';
import type { QaCriterionScore } from '../model/event.js';

/** What a reviewer's SCORE_QA_REVIEW says about one contact. */
export interface QaScoreInput {
  readonly contactId: string;
  /** The agent reviewed (the one who handled the contact). */
  readonly agentId: string;
  readonly queueId: string;
  readonly channel: Channel;
  readonly formId: string;
  readonly criteria: readonly QaCriterionScore[];
  readonly comment?: string;
}

/** Longest comment kept on the record. */
export const MAX_QA_COMMENT = 2_000;
/** Most criteria a form may have. */
export const MAX_QA_CRITERIA = 50;

/**
 * The form's total, 0..100: the points given over the points possible. A form whose criteria
 * allow no points at all has no total.
 * @throws RoutingError INVALID_QA_SCORE naming the criterion at fault
 */
export function qaTotal(criteria: readonly QaCriterionScore[]): number {
  if (criteria.length === 0) throw qaInvalid('a score needs at least one criterion');
  if (criteria.length > MAX_QA_CRITERIA) throw qaInvalid(`at most ${MAX_QA_CRITERIA} criteria`);
  const names = new Set<string>();
  let points = 0;
  let max = 0;
  for (const c of criteria) {
    if (c.criterion.trim() === '') throw qaInvalid('a criterion needs a name');
    if (names.has(c.criterion)) throw qaInvalid(`criterion ${c.criterion} is given twice`);
    names.add(c.criterion);
    if (!(Number.isFinite(c.maxPoints) && c.maxPoints > 0)) throw qaInvalid(`criterion ${c.criterion}: max points must be above 0`);
    if (!(Number.isFinite(c.points) && c.points >= 0 && c.points <= c.maxPoints)) throw qaInvalid(`criterion ${c.criterion}: points must be 0..${c.maxPoints}`);
    points += c.points;
    max += c.maxPoints;
  }
  // Two decimals: the total is shown and compared by people; float noise would only confuse.
  return Math.round((points / max) * 10_000) / 100;
}

/** @throws RoutingError INVALID_QA_SCORE when the input cannot be a review's score */
export function checkQaScore(input: QaScoreInput): number {
  if (input.formId.trim() === '') throw qaInvalid('a form id is required');
  if ((input.comment ?? '').length > MAX_QA_COMMENT) throw qaInvalid(`comment longer than ${MAX_QA_COMMENT} characters`);
  return qaTotal(input.criteria);
}

function qaInvalid(message: string): RoutingError {
  return new RoutingError(RoutingErrorCode.INVALID_QA_SCORE, message);
}
