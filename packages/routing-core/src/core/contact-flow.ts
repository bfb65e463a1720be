import { Presence } from '../model/agent.js';
import { ContactState } from '../model/contact.js';
import { DecisionTrigger } from '../model/explanation.js';
import { TimerKind } from '../model/timer.js';
import { contactSortKey, poolOpenAt, ringAt, thresholdOffsetsMs } from '../rules/queue-order.js';
import { explain } from './explain.js';
import { groupFor, placeContact, refreshAgent, unplaceContact } from './indexes.js';
import { bestAgentFor, reaches } from './matching.js';
import { isExcluded } from './records.js';
import type { AgentEntry, ContactRec, QueueRec } from './records.js';
import type { EngineState } from './state.js';
import { actionOf, advanceHook, applySurge, defersEmail, enterQueueHook, stillHeld } from './customer-service.js';

/** Contact-side transitions: entering a queue, widening, offering, leaving. */

/** True when the queue has reached `maxSize` waiting contacts. */
export function isFull(q: QueueRec): boolean {
  return q.config.maxSize !== undefined && q.waiting >= q.config.maxSize;
}

/** Offers `c` (QUEUED) to the entry's agent: reserves capacity, fences with a new token, starts the RONA timer. */
export function offer(s: EngineState, c: ContactRec, entry: AgentEntry, trigger: DecisionTrigger,
  alternatives?: readonly { readonly queueId: string; readonly contactId: string }[]): void {
  const q = s.queues.get(c.queueId) as QueueRec;
  const agent = entry.agent;
  const explanation = explain(s, c, trigger, entry, alternatives);
  unplaceContact(c);
  q.waiting -= 1;
  q.offered += 1;
  c.state = ContactState.OFFERED;
  c.agent = agent;
  c.offerToken = s.token();
  c.offeredAtMs = s.now;
  agent.load[c.input.channel] += 1;
  agent.contacts.add(c);
  q.offerOrdinal += 1;
  agent.lastOffer.set(q.config.id, q.offerOrdinal);
  refreshAgent(agent);
  const expiresAtMs = s.now + q.config.offerTimeoutSeconds * 1000;
  s.emit({ type: 'ContactOffered', ...s.contactFields(c), agentId: agent.id, offerToken: c.offerToken, expiresAtMs, explanation });
  s.timer(TimerKind.OFFER_TIMEOUT, expiresAtMs, c.id, c.offerToken, agent.id);
}

/** Whether the sticky phase still holds: preferred agent signed in, eligible, not declined, within the wait. */
function stickyHolds(s: EngineState, c: ContactRec, q: QueueRec, agentId: string | undefined): boolean {
  if (agentId === undefined || c.group === undefined) return false;
  if (s.now - c.enqueuedAtMs >= q.config.stickyAgentWaitSeconds * 1000 || isExcluded(c, agentId, s.now)) return false;
  const agent = s.agents.get(agentId);
  if (agent === undefined || agent.presence === Presence.OFFLINE) return false;
  const m = agent.memberships.get(c.group);
  return m !== undefined && reaches(m, c);
}

/**
 * Puts `c` into queue `q` as a fresh entry (arrival, overflow, transfer): thresholds restart,
 * order key is recomputed from the first arrival (so age is kept). Returns false — and changes
 * nothing — when `respectMaxSize` and the queue is full and no agent can take the contact now.
 */
export function enterQueue(s: EngineState, c: ContactRec, q: QueueRec, respectMaxSize: boolean): boolean {
  const config = q.config;
  c.queueId = config.id;
  c.enqueuedAtMs = s.now;
  c.key = contactSortKey(config, c.input.basePriority, c.arrivedAtMs);
  // Surge mode: the widest ring at once (VIP pools still open only by their own wait).
  c.ring = q.surge.active ? config.rings.length : ringAt(config, 0);
  c.poolOpen = poolOpenAt(config, 0);
  c.declinedBy.clear();
  c.callbackOffered = false;
  c.hold = undefined;
  c.group = groupFor(s, q, c);
  c.stickyAgentId = stickyHolds(s, c, q, c.preferredAgentId) ? c.preferredAgentId : undefined;
  const deferred = q.surge.active && defersEmail(config, c);
  const entry = deferred ? undefined : bestAgentFor(s, c);
  if (entry === undefined && respectMaxSize && isFull(q)) return false;
  c.state = ContactState.QUEUED;
  c.entryToken = s.token();
  q.waiting += 1;
  if (!deferred) placeContact(s, c);
  for (const offset of thresholdOffsetsMs(config, c.stickyAgentId !== undefined)) {
    s.timer(TimerKind.QUEUE_THRESHOLD, s.now + offset, c.id, c.entryToken);
  }
  s.emit({
    type: 'ContactQueued', ...s.contactFields(c), basePriority: c.input.basePriority,
    ...(entry === undefined ? { explanation: explain(s, c, DecisionTrigger.CONTACT_QUEUED, undefined) } : {}),
  });
  if (entry !== undefined) offer(s, c, entry, DecisionTrigger.CONTACT_QUEUED);
  else if (q.surge.active) applySurge(s, c, q);
  return true;
}

enterQueueHook.enter = (s, c, q) => {
  enterQueue(s, c, q, false);
};

/** Removes a QUEUED or detached contact from the engine with a terminal state. */
function drop(s: EngineState, c: ContactRec, state: ContactState): void {
  c.state = state;
  s.contacts.delete(c.id);
}

/**
 * Brings a QUEUED contact (placed or not) up to date with its wait: max wait → EXPIRED, overflow,
 * then ring / VIP pool / sticky widening; then tries to offer it. Idempotent: calling it twice at
 * the same time changes nothing the second time.
 */
export function advance(s: EngineState, c: ContactRec, trigger: DecisionTrigger): void {
  const q = s.queues.get(c.queueId) as QueueRec;
  const config = q.config;
  const waitMs = s.now - c.enqueuedAtMs;
  // A callback's customer is not on the line: max wait no longer applies to it.
  if (config.maxWaitSeconds !== undefined && waitMs >= config.maxWaitSeconds * 1000 && c.callback === undefined) {
    unplaceContact(c);
    q.waiting -= 1;
    s.emit({ type: 'ContactExpired', ...s.contactFields(c), waitMs, reason: 'MAX_WAIT', action: actionOf(config, 'expired') });
    drop(s, c, ContactState.EXPIRED);
    return;
  }
  const overflow = config.overflow;
  const target = overflow === undefined ? undefined : s.queues.get(overflow.targetQueueId);
  if (overflow !== undefined && target !== undefined && target !== q && waitMs >= overflow.afterSeconds * 1000 && !isFull(target)) {
    unplaceContact(c);
    q.waiting -= 1;
    s.emit({ type: 'ContactOverflowed', ...s.contactFields(c), toQueueId: target.config.id });
    c.history = [...c.history, q.config.id];
    enterQueue(s, c, target, false);
    return;
  }
  if (stillHeld(s, c, q)) return;
  const ring = Math.max(c.ring, ringAt(config, waitMs), q.surge.active ? config.rings.length : 0);
  const poolOpen = c.poolOpen || poolOpenAt(config, waitMs);
  if (c.group === undefined) c.group = groupFor(s, q, c);
  const sticky = stickyHolds(s, c, q, c.stickyAgentId) ? c.stickyAgentId : undefined;
  if (ring !== c.ring || poolOpen !== c.poolOpen || sticky !== c.stickyAgentId) {
    unplaceContact(c);
    s.emit({ type: 'RingWidened', ...s.contactFields(c), fromRing: c.ring, toRing: ring, poolOpen, stickyEnded: sticky !== c.stickyAgentId });
    c.ring = ring;
    c.poolOpen = poolOpen;
    c.stickyAgentId = sticky;
  }
  if (c.place === undefined) placeContact(s, c);
  const entry = bestAgentFor(s, c);
  if (entry !== undefined) offer(s, c, entry, trigger);
}

/** Puts an OFFERED contact back at its original place (its order key is unchanged) and re-decides. */
export function requeue(s: EngineState, c: ContactRec): void {
  (s.queues.get(c.queueId) as QueueRec).offered -= 1;
  backToPlace(s, c);
}

/**
 * Puts a contact its agent no longer holds (an offer returned, a conversation reclaimed) back in
 * its queue at its original place (its order key is unchanged) and re-decides.
 */
export function backToPlace(s: EngineState, c: ContactRec): void {
  const q = s.queues.get(c.queueId) as QueueRec;
  q.waiting += 1;
  c.state = ContactState.QUEUED;
  c.agent = undefined;
  c.offerToken = undefined;
  const cached = c.group;
  if (cached === undefined || cached.queue !== q || q.groups.get(cached.key) !== cached) c.group = groupFor(s, q, c);
  advance(s, c, DecisionTrigger.CONTACT_REQUEUED);
}

/** Takes a live contact out of its queue counters and index (before abandon, transfer, expiry). */
export function detach(s: EngineState, c: ContactRec): void {
  const q = s.queues.get(c.queueId) as QueueRec;
  if (c.state === ContactState.QUEUED) {
    unplaceContact(c);
    q.waiting -= 1;
  } else if (c.state === ContactState.OFFERED) {
    q.offered -= 1;
  }
}

advanceHook.advance = advance;

export { drop as dropContact };
