import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ScoreQaReviewResponse } from '@switchboard/contracts';
import { actionRoute, pathId, type ActionDeps } from './action-route.js';

const scoreBody = z.object({
  formId: z.string().min(1, 'name the review form').max(200),
  criteria: z.array(z.object({
    criterion: z.string().min(1).max(100),
    points: z.number().min(0, 'points are 0 or more'),
    maxPoints: z.number().positive('max points above 0'),
  }).strict()).min(1, 'at least one criterion').max(50),
  comment: z.string().max(2_000, 'at most 2000 characters').default(''),
}).strict();

/**
 * `POST /api/qa/reviews/:id/score`: the logged-in supervisor scores a contact marked for QA
 * review, through QueueService.ScoreQaReview as themselves (QaReviewScored on ROUTING with them
 * as `by`). The queue service checks the points against the form and that the contact was marked.
 */
export function registerQaActions(app: FastifyInstance, deps: ActionDeps): void {
  actionRoute(app, deps, '/api/qa/reviews/:id/score', scoreBody, async ({ reader, params, body, edges, acting, domain }) => {
    const { queues } = edges;
    const answer = await acting.call(reader, queues, queues.scoreQaReview,
      { domain, contactId: pathId(params, 'id'), formId: body.formId, criteria: body.criteria, comment: body.comment }, 'queue service');
    return ScoreQaReviewResponse.toJSON(answer) as Record<string, unknown>;
  });
}
