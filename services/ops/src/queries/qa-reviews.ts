import { Channel as ProtoChannel, type ListQaReviewsRequest, type ListQaReviewsResponse, type QaReviewItem, type RoutingEvent } from '@switchboard/contracts';
import type { QaReviewEntry, QaReviewList } from '@switchboard/state';
import { invalidArgument, unavailable } from '../errors.js';

const CHANNEL_NAME: Record<number, string> = {
  [ProtoChannel.CHANNEL_PHONE]: 'phone', [ProtoChannel.CHANNEL_EMAIL]: 'email', [ProtoChannel.CHANNEL_CHAT]: 'chat', [ProtoChannel.CHANNEL_WECHAT]: 'wechat', [ProtoChannel.CHANNEL_TASK]: 'task',
};
const CHANNEL_OF: Record<string, ProtoChannel> = Object.fromEntries(Object.entries(CHANNEL_NAME).map(([k, v]) => [v, Number(k) as ProtoChannel]));
const time = (date: Date | undefined) => date?.getTime() ?? 0;

/**
 * Keeps the review list in step with ROUTING: a QaReviewRequested marks its contact, a
 * QaReviewScored moves it to the scored ones. Both are idempotent, as the at-least-once indexer needs.
 */
export async function indexQaReviews(list: QaReviewList, events: readonly RoutingEvent[]): Promise<void> {
  for (const e of events) {
    const base = { contactId: e.contactId, agentId: e.agentId, queueId: e.queueId, channel: CHANNEL_NAME[e.channel] ?? 'chat' };
    if (e.qaReviewRequested) {
      const r = e.qaReviewRequested;
      await list.mark({ ...base, reasons: r.reasons, disposition: r.disposition, ...(r.intent ? { intent: r.intent } : {}), markedAtMs: time(e.occurredAt) });
    } else if (e.qaReviewScored) {
      const s = e.qaReviewScored;
      await list.score({ ...base, reasons: [], disposition: '', score: s.score, reviewer: s.reviewer, formId: s.formId, scoredAtMs: time(e.occurredAt) });
    }
  }
}

/** The wire form of a review list entry. */
export function reviewItemToProto(e: QaReviewEntry): QaReviewItem {
  return {
    contactId: e.contactId, agentId: e.agentId, queueId: e.queueId, channel: CHANNEL_OF[e.channel] ?? ProtoChannel.CHANNEL_UNSPECIFIED,
    reasons: [...e.reasons], disposition: e.disposition, intent: e.intent ?? '', markedAt: new Date(e.markedAtMs),
    ...(e.score === undefined ? {} : { score: e.score }), reviewer: e.reviewer ?? '', formId: e.formId ?? '',
    scoredAt: e.scoredAtMs === undefined ? undefined : new Date(e.scoredAtMs),
  };
}

/** ListQaReviews for both edges. @throws OpsError INVALID_ARGUMENT for a limit above 1,000 */
export async function listQaReviews(list: QaReviewList, request: Pick<ListQaReviewsRequest, 'queueId' | 'scored' | 'limit'>): Promise<ListQaReviewsResponse> {
  if (request.limit > 1_000) throw invalidArgument('limit', 'at most 1000');
  const entries = await list.list({ scored: request.scored, queueId: request.queueId, limit: request.limit || 100 });
  return { items: entries.map(reviewItemToProto) };
}

/** @throws OpsError UNAVAILABLE when this ops keeps no review list (built without one). */
export function reviewsOrFail(reviews: QaReviewList | undefined): QaReviewList {
  if (!reviews) throw unavailable('this ops keeps no QA review list');
  return reviews;
}
