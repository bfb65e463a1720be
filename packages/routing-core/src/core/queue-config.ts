import { RoutingError, RoutingErrorCode } from '../errors.js';
import { hoursProblems } from '../hours/business-hours.js';
import { ContactState } from '../model/contact.js';
import { DecisionTrigger } from '../model/explanation.js';
import type { QueueConfig } from '../model/queue.js';
import { surveyPolicyProblem } from '../model/survey.js';
import { TimerKind } from '../model/timer.js';
import { compareContacts, contactSortKey, thresholdOffsetsMs } from '../rules/queue-order.js';
import { advance } from './contact-flow.js';
import { groupFor, placeContact, unplaceContact } from './indexes.js';
import type { ContactRec, QueueRec } from './records.js';
import type { EngineState } from './state.js';
import { applySurge, initialHours, refreshHours } from './customer-service.js';

/** Queue configuration: validation and (re)indexing. */

/** Throws INVALID_CONFIG on a config the rules cannot honour. */
export function validateQueue(q: QueueConfig): void {
  const fail = (why: string): never => {
    throw new RoutingError(RoutingErrorCode.INVALID_CONFIG, `queue ${q.id}: ${why}`);
  };
  if (q.id === '') fail('empty id');
  for (let i = 1; i < q.rings.length; i++) {
    if ((q.rings[i]?.afterSeconds ?? 0) < (q.rings[i - 1]?.afterSeconds ?? 0)) fail('rings must be sorted by afterSeconds');
  }
  if (!(q.offerTimeoutSeconds > 0)) fail('offerTimeoutSeconds must be > 0');
  if (q.wrapUpSeconds < 0 || q.stickyAgentWaitSeconds < 0 || q.missesBeforeAway < 0) fail('negative threshold');
  if (!Number.isFinite(q.agingRatePerSecond)) fail('agingRatePerSecond must be finite');
  if (q.maxSize !== undefined && q.maxSize < 0) fail('maxSize must be >= 0');
  if (q.hours !== undefined) {
    const problems = hoursProblems(q.hours);
    if (problems.length > 0) fail(`hours: ${problems.join('; ')}`);
  }
  for (const action of [q.closedAction, q.expiredAction, q.fullAction]) {
    if (action?.kind === 'OVERFLOW' && (action.targetQueueId === undefined || action.targetQueueId === q.id)) fail('an OVERFLOW action needs another queue as its target');
  }
  if (q.expiredAction?.kind === 'OVERFLOW' || q.fullAction?.kind === 'OVERFLOW') fail('OVERFLOW is a closed action only (max wait and full queues have overflow of their own)');
  const survey = q.survey === undefined ? '' : surveyPolicyProblem(q.survey);
  if (survey !== '') fail(survey);
  if (q.callback !== undefined && !(q.callback.maxAttempts >= 1 && q.callback.retryAfterSeconds >= 0)) fail('callback needs maxAttempts >= 1 and retryAfterSeconds >= 0');
}

/**
 * Adds a queue, or replaces one's config: its groups are rebuilt (agents re-checked once), its
 * waiting contacts keep their wait and are re-placed under the new rules with fresh threshold
 * timers. Contacts offered or connected keep going; they use the new rules when requeued.
 */
export function upsertQueue(s: EngineState, config: QueueConfig): void {
  validateQueue(config);
  const existing = s.queues.get(config.id);
  if (existing === undefined) {
    const q: QueueRec = { config, groups: new Map(), waiting: 0, offered: 0, offerOrdinal: 0, hours: initialHours(config, s.now),
      surge: { active: false, pinned: false, source: undefined, sinceMs: 0 } };
    s.queues.set(config.id, q);
    refreshHours(s, q, true);
    return;
  }
  const waiting: ContactRec[] = [];
  for (const c of s.contacts.values()) if (c.queueId === config.id && c.state === ContactState.QUEUED) waiting.push(c);
  waiting.sort((a, b) => a.arrivalSeq - b.arrivalSeq);
  for (const c of waiting) unplaceContact(c);
  for (const g of existing.groups.values()) {
    for (const bucket of g.agentBuckets) for (const a of bucket.members) a.memberships.delete(g);
  }
  existing.groups.clear();
  const hoursEdited = JSON.stringify(existing.config.hours) !== JSON.stringify(config.hours) || existing.config.emergencyClosedReason !== config.emergencyClosedReason;
  existing.config = config;
  reenterAll(s, existing, waiting);
  refreshHours(s, existing, hoursEdited);
}

function reenterAll(s: EngineState, q: QueueRec, waiting: readonly ContactRec[]): void {
  for (const c of waiting) {
    c.key = contactSortKey(q.config, c.input.basePriority, c.arrivedAtMs);
    c.ring = Math.min(c.ring, q.config.rings.length);
    c.entryToken = s.token();
    c.group = groupFor(s, q, c);
    const waitMs = s.now - c.enqueuedAtMs;
    for (const offset of thresholdOffsetsMs(q.config, c.stickyAgentId !== undefined)) {
      if (offset > waitMs) s.timer(TimerKind.QUEUE_THRESHOLD, c.enqueuedAtMs + offset, c.id, c.entryToken);
    }
    // Timers fenced by the old entry token are stale now: a held contact's end is asked for again.
    if (c.hold === undefined) placeContact(s, c);
    else if (c.hold.untilMs !== undefined) s.timer(TimerKind.HOLD_END, c.hold.untilMs, c.id, c.entryToken);
    if (q.surge.active) applySurge(s, c, q);
  }
  // Decide in queue order so a re-placed contact never jumps one ahead of it.
  for (const c of [...waiting].sort(compareContacts)) {
    if (c.state === ContactState.QUEUED && s.contacts.has(c.id)) advance(s, c, DecisionTrigger.ELIGIBILITY_WIDENED);
  }
}
