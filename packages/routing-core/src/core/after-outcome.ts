import { checkQaScore, type QaScoreInput } from '../qa/score.js';
import { sampleAtCompletion } from '../qa/sampling.js';
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
