import type { ScoreQaReviewRequest, ScoreQaReviewResponse } from '@switchboard/contracts';
import { callRouter, check, invalid, notFound, requireRole, type Principal } from '@switchboard/grpc-edge';
import { checkQaScore, isRoutingError, MAX_QA_COMMENT, MAX_QA_CRITERIA, type Channel, type QaScoreInput } from '@switchboard/routing-core';
import type { QueueServiceDeps } from './deps.js';
import { domainOf } from './router-queries.js';

/**
 * ScoreQaReview (supervisor, as QA reviewer; desks and platforms are refused): a contact the
 * review list holds is scored on its form; the router records QaReviewScored with the reviewer as
 * `by`, against the agent the mark named. Scoring again records a new score (the latest counts).
 * @throws RpcError INVALID_ARGUMENT for points outside a criterion's range; NOT_FOUND for a
 * contact that was never marked (or whose mark the list's bound dropped).
 */
export async function scoreQaReview(deps: QueueServiceDeps, request: ScoreQaReviewRequest, principal: Principal): Promise<ScoreQaReviewResponse> {
  requireRole(principal, ['supervisor'], 'ScoreQaReview');
  check(request.contactId !== '', 'contact_id', 'required', 'required');
  check(request.formId.trim() !== '', 'form_id', 'required', 'name the review form');
  check(request.criteria.length > 0, 'criteria', 'required', 'at least one criterion with its points');
  check(request.criteria.length <= MAX_QA_CRITERIA, 'criteria', 'too_many', `at most ${MAX_QA_CRITERIA} criteria`);
  check(request.comment.length <= MAX_QA_COMMENT, 'comment', 'too_long', `at most ${MAX_QA_COMMENT} characters`);
  const domain = domainOf(deps, principal, request.domain);
  const entry = await deps.reviews(domain).get(request.contactId);
  if (!entry) throw notFound(`contact "${request.contactId}" is not in the QA review list of domain "${domain}"`);
  const review: QaScoreInput = {
    contactId: entry.contactId, agentId: entry.agentId, queueId: entry.queueId, channel: entry.channel as Channel, formId: request.formId.trim(),
    criteria: request.criteria.map((c) => ({ criterion: c.criterion.trim(), points: c.points, maxPoints: c.maxPoints })),
    ...(request.comment ? { comment: request.comment } : {}),
  };
  let score: number;
  try {
    score = checkQaScore(review);
  } catch (error) {
    // The core's own check, before the router: the caller hears which criterion is at fault.
    if (isRoutingError(error)) throw invalid('criteria', 'invalid_value', error.message.replace(/^ROUTING\.INVALID_QA_SCORE: /, ''));
    throw error;
  }
  await callRouter(() => deps.router(domain).command({ type: 'SCORE_QA_REVIEW', review, by: principal.subject }));
  return { score, agentId: entry.agentId };
}
