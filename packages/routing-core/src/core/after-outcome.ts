import { checkQaScore, type QaScoreInput } from '../qa/score.js';
import { inPercentSample, sampleAtCompletion, sampleOnSurvey } from '../qa/sampling.js';
import type { SurveyAnswered } from '../model/event.js';
import type { RoutingOutcome } from '../model/outcome.js';
import { openFollowUp } from './follow-up.js';
import type { ContactRec } from './records.js';
import type { EngineState } from './state.js';

/** What the agent said of a finished conversation, once it is final. */
export interface FinalOutcome {
  readonly agentId: string;
  readonly disposition: string;
  readonly resolvedFirstContact: boolean;
}

/**
 * What follows once a contact's outcome is known (its COMPLETE, or the agent's outcome after the
 * platform ended it): the queue's QA sampling rule may mark it for review, and a complaint left
 * unresolved opens a follow-up task.
 */
export function afterOutcome(s: EngineState, c: ContactRec, outcome: FinalOutcome): void {
  markForReview(s, c, outcome);
  openFollowUp(s, c, outcome);
}

function markForReview(s: EngineState, c: ContactRec, outcome: FinalOutcome): void {
  const config = s.queues.get(c.queueId)?.config;
  const reasons = sampleAtCompletion(config?.qaSampling, { contactId: c.id, ...(c.input.intent ? { intent: c.input.intent } : {}) });
  if (reasons.length === 0) return;
  s.emit({ type: 'QaReviewRequested', contactId: c.id, agentId: outcome.agentId, queueId: c.queueId, channel: c.input.channel, reasons,
    disposition: outcome.disposition, ...(c.input.intent ? { intent: c.input.intent } : {}) });
}

/**
 * What follows the events a command made: a survey answer at or below its queue's `csatAtMost`
 * marks the contact for review (reason CSAT), unless the percentage already took it at
 * completion. The intent part cannot be told again (the contact is gone), so a complaint may be
 * marked twice; the review list keeps one entry per contact. Run after every command, whichever
 * command records the answer.
 */
export function afterEvents(s: EngineState): void {
  for (let i = 0, n = s.events.length; i < n; i++) {
    const e = s.events[i]!;
    if (e.type === 'SurveyAnswered') markOnSurvey(s, e);
  }
}

/** A survey answer that marks its contact for QA review (see {@link afterEvents}). */
export function markOnSurvey(s: EngineState, e: SurveyAnswered): void {
  const rule = s.queues.get(e.queueId)?.config.qaSampling;
  const already = rule?.percent !== undefined && inPercentSample(e.contactId, rule.percent);
  const reasons = sampleOnSurvey(rule, e.score, already);
  if (reasons.length === 0) return;
  s.emit({ type: 'QaReviewRequested', contactId: e.contactId, agentId: e.agentId, queueId: e.queueId, channel: e.channel, reasons, disposition: '' });
}

/**
 * SCORE_QA_REVIEW: the reviewer's score goes on the record. The contact is usually gone from the
 * live state, so the command names it, its agent and queue (the edge takes them from the review
 * list, where the mark put them).
 * @throws RoutingError INVALID_QA_SCORE when the points do not fit the form
 */
export function scoreQaReview(s: EngineState, review: QaScoreInput, reviewer: string): RoutingOutcome {
  const score = checkQaScore(review);
  s.emit({ type: 'QaReviewScored', contactId: review.contactId, agentId: review.agentId, queueId: review.queueId, channel: review.channel,
    score, reviewer, formId: review.formId, comment: review.comment ?? '', criteria: review.criteria.map((c) => ({ ...c })) });
  return { kind: 'applied' };
}
