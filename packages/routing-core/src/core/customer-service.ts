import { hoursStatus } from '../hours/business-hours.js';
import { ContactState } from '../model/contact.js';
import type { HoldReason, QueueHoursChanged, SurgeSource } from '../model/event.js';
import { DecisionTrigger } from '../model/explanation.js';
import { DEFAULT_CUSTOMER_ACTION, type CustomerAction, type QueueConfig, type SurgePolicy } from '../model/queue.js';
import { TimerKind } from '../model/timer.js';
import { compareContacts } from '../rules/queue-order.js';
import { placeContact, unplaceContact } from './indexes.js';
import type { ContactRec, QueueRec } from './records.js';
import type { EngineState } from './state.js';

/**
 * What the waiting customer lives through, on the engine's side: a queue's opening hours and
 * emergency closure, holds (contacts kept waiting but not offered), and surge mode. The channels
 * turn the events made here into what the customer hears or reads.
 */

/** Surge behaviour of a queue without a policy (a supervisor may still switch it on). */
export const DEFAULT_SURGE_POLICY: SurgePolicy = { auto: false, callbackOfferAfterSeconds: 0, deferEmailBelowPriority: 1, horizonSeconds: 900 };

/** Channels whose customers wait live and may be offered a callback instead. */
const LIVE_CHANNELS: ReadonlySet<string> = new Set(['phone', 'chat', 'wechat']);

export function surgePolicyOf(config: QueueConfig): SurgePolicy {
  return config.surge ?? DEFAULT_SURGE_POLICY;
}

/** A queue's opening state at `nowMs` by its config alone. */
export function openingOf(config: QueueConfig, nowMs: number): { open: boolean; reason: QueueHoursChanged['reason']; holiday?: string; nextChangeMs: number | undefined } {
  if (config.emergencyClosedReason !== undefined && config.emergencyClosedReason !== '') return { open: false, reason: 'EMERGENCY', nextChangeMs: undefined };
  if (config.hours === undefined) return { open: true, reason: 'SCHEDULE', nextChangeMs: undefined };
  const status = hoursStatus(config.hours, nowMs);
  return { open: status.open, reason: status.reason, ...(status.holiday === undefined ? {} : { holiday: status.holiday }), nextChangeMs: status.nextChangeMs };
}

/** The opening state of a new queue record. */
export function initialHours(config: QueueConfig, nowMs: number): QueueRec['hours'] {
  const now = openingOf(config, nowMs);
  return { open: now.open, nextChangeMs: now.nextChangeMs, token: 0 };
}

/**
 * Brings a queue's opening state up to date at `s.now`: on a change, records it and acts on the
 * waiting contacts (closing: each gets the closed action; opening: held callbacks resume); then
 * makes sure a QUEUE_HOURS timer wakes the engine at the next change. `configChanged`: the hours or
 * the emergency closure were just edited (the change is recorded as CONFIG or EMERGENCY).
 */
export function refreshHours(s: EngineState, q: QueueRec, configChanged: boolean): void {
  const now = openingOf(q.config, s.now);
  const changed = now.open !== q.hours.open;
  const scheduled = q.hours.nextChangeMs;
  q.hours.open = now.open;
  q.hours.nextChangeMs = now.nextChangeMs;
  if (changed) {
    const reason = now.reason === 'EMERGENCY' || !configChanged ? now.reason : 'CONFIG';
    s.emit({ type: 'QueueHoursChanged', queueId: q.config.id, open: now.open, reason,
      ...(now.holiday === undefined ? {} : { holiday: now.holiday }), ...(now.nextChangeMs === undefined ? {} : { nextChangeMs: now.nextChangeMs }) });
    if (now.open) resumeClosedHolds(s, q);
    else closeOut(s, q);
  }
  if (now.nextChangeMs !== undefined && (changed || configChanged || now.nextChangeMs !== scheduled)) {
    q.hours.token = s.token();
    s.timer(TimerKind.QUEUE_HOURS, now.nextChangeMs, q.config.id, q.hours.token);
  }
}

/** Whether the queue is open now; catches up first when a transition is due (its timer may be late). */
export function isOpen(s: EngineState, q: QueueRec): boolean {
  if (q.hours.nextChangeMs !== undefined && s.now >= q.hours.nextChangeMs) refreshHours(s, q, false);
  return q.hours.open;
}

/** The action of `kind` configured on a queue, or the plain message. */
export function actionOf(config: QueueConfig, kind: 'closed' | 'expired' | 'full'): CustomerAction {
  const action = kind === 'closed' ? config.closedAction : kind === 'expired' ? config.expiredAction : config.fullAction;
  return action ?? DEFAULT_CUSTOMER_ACTION;
}

/** The waiting contacts of a queue, in queue order (transitions only: O(live contacts)). */
function waitingOf(s: EngineState, q: QueueRec): ContactRec[] {
  const out: ContactRec[] = [];
  for (const c of s.contacts.values()) if (c.queueId === q.config.id && c.state === ContactState.QUEUED) out.push(c);
  return out.sort(compareContacts);
}

/**
 * The queue just closed: callbacks keep their place, held until it opens (nobody is called at
 * 3 a.m.); every other waiting contact leaves with the closed action, as an arrival now would.
 * An OVERFLOW action sends them to its open target instead, keeping their age.
 */
function closeOut(s: EngineState, q: QueueRec): void {
  for (const c of waitingOf(s, q)) {
    if (c.callback !== undefined) hold(s, c, 'QUEUE_CLOSED');
    else leaveClosed(s, q, c);
  }
}

/** Hands `c` (QUEUED in the closed queue `q`) to the overflow target, or expires it with the closed action. */
function leaveClosed(s: EngineState, q: QueueRec, c: ContactRec): void {
  const action = actionOf(q.config, 'closed');
  const target = overflowTarget(s, q, action);
  unplaceContact(c);
  q.waiting -= 1;
  c.hold = undefined;
  if (target !== undefined) {
    s.emit({ type: 'ContactOverflowed', ...s.contactFields(c), toQueueId: target.config.id });
    c.history = [...c.history, q.config.id];
    enterQueueHook.enter(s, c, target);
    return;
  }
  s.emit({ type: 'ContactExpired', ...s.contactFields(c), waitMs: s.now - c.enqueuedAtMs, reason: 'CLOSED', action: customerFacing(action) });
  c.state = ContactState.EXPIRED;
  s.contacts.delete(c.id);
}

/** The open queue an OVERFLOW action names, or undefined (not OVERFLOW, unknown, itself, or closed too). */
export function overflowTarget(s: EngineState, q: QueueRec, action: CustomerAction): QueueRec | undefined {
  if (action.kind !== 'OVERFLOW' || action.targetQueueId === undefined) return undefined;
  const target = s.queues.get(action.targetQueueId);
  return target === undefined || target === q || !isOpen(s, target) ? undefined : target;
}

/** An OVERFLOW whose target cannot take the contact falls back to the plain message (keeping the queue's words). */
export function customerFacing(action: CustomerAction): CustomerAction {
  return action.kind === 'OVERFLOW' ? { kind: 'MESSAGE', ...(action.message === undefined ? {} : { message: action.message }) } : action;
}

/**
 * Set by contact-flow (which imports this module): how a contact enters a queue, so closing can
 * overflow without an import cycle.
 */
export const enterQueueHook: { enter: (s: EngineState, c: ContactRec, q: QueueRec) => void } = {
  enter: () => {
    throw new Error('contact-flow did not register enterQueue');
  },
};

/** Held contacts a reopened queue keeps: released and re-decided in queue order. */
function resumeClosedHolds(s: EngineState, q: QueueRec): void {
  releaseHolds(s, q, 'QUEUE_CLOSED');
}

function releaseHolds(s: EngineState, q: QueueRec, reason: HoldReason): void {
  const held = waitingOf(s, q).filter((c) => c.hold?.reason === reason);
  for (const c of held) c.hold = undefined;
  for (const c of held) if (s.contacts.get(c.id) === c && c.state === ContactState.QUEUED) advanceHook.advance(s, c, DecisionTrigger.ELIGIBILITY_WIDENED);
}

/** Set by contact-flow: re-decides a QUEUED contact (see advance). */
export const advanceHook: { advance: (s: EngineState, c: ContactRec, trigger: DecisionTrigger) => void } = {
  advance: () => {
    throw new Error('contact-flow did not register advance');
  },
};

/**
 * Holds a QUEUED contact back from offers: out of every index list (so it is never offered and
 * has no position), still counted as waiting. A hold with `untilMs` ends by a HOLD_END timer; the
 * others when their reason ends (the queue opens, surge mode ends).
 */
export function hold(s: EngineState, c: ContactRec, reason: HoldReason, untilMs?: number): void {
  unplaceContact(c);
  c.hold = untilMs === undefined ? { reason } : { reason, untilMs };
  s.emit({ type: 'ContactHeld', ...s.contactFields(c), reason, ...(untilMs === undefined ? {} : { untilMs }) });
  if (untilMs !== undefined) s.timer(TimerKind.HOLD_END, untilMs, c.id, c.entryToken);
}

/**
 * Whether `c` stays held at `s.now`: a hold whose reason has ended is dropped here, so every
 * path that re-decides a contact (timers, config changes, surge ending) sees the same answer.
 * A callback whose retry is due while its queue is closed moves to the closed hold.
 */
export function stillHeld(s: EngineState, c: ContactRec, q: QueueRec): boolean {
  const h = c.hold;
  if (h === undefined) return false;
  const ended = h.reason === 'CALLBACK_RETRY' ? s.now >= (h.untilMs ?? 0)
    : h.reason === 'SURGE_DEFERRED' ? !q.surge.active || !defersEmail(q.config, c)
      : isOpen(s, q);
  if (!ended) return true;
  c.hold = undefined;
  if (!isOpen(s, q) && c.callback !== undefined) {
    hold(s, c, 'QUEUE_CLOSED');
    return true;
  }
  return false;
}

/** Surge mode holds this email back (non-urgent: base priority below the policy's bar). */
export function defersEmail(config: QueueConfig, c: ContactRec): boolean {
  return c.input.channel === 'email' && c.callback === undefined && c.input.basePriority < surgePolicyOf(config).deferEmailBelowPriority;
}

/** Non-VIP customers waiting live, not yet offered or on a callback, may be offered one in surge. */
function mayOfferCallback(c: ContactRec): boolean {
  return c.input.tier === 'STANDARD' && LIVE_CHANNELS.has(c.input.channel) && c.callback === undefined && !c.callbackOffered;
}

/**
 * A contact entering (or waiting in) a surging queue: the widest ring at once, non-urgent email
 * held, and a callback offered to a non-VIP live customer once they have waited the policy's
 * threshold (now, or by a SURGE_CALLBACK_OFFER timer). Returns true when it was held.
 */
export function applySurge(s: EngineState, c: ContactRec, q: QueueRec): boolean {
  const policy = surgePolicyOf(q.config);
  const widest = q.config.rings.length;
  if (c.ring < widest) {
    unplaceContact(c);
    s.emit({ type: 'RingWidened', ...s.contactFields(c), fromRing: c.ring, toRing: widest, poolOpen: c.poolOpen, stickyEnded: false });
    c.ring = widest;
  }
  if (mayOfferCallback(c)) {
    const dueMs = c.enqueuedAtMs + policy.callbackOfferAfterSeconds * 1000;
    if (s.now >= dueMs) offerCallback(s, c);
    else s.timer(TimerKind.SURGE_CALLBACK_OFFER, dueMs, c.id, c.entryToken);
  }
  if (c.hold === undefined && defersEmail(q.config, c)) {
    hold(s, c, 'SURGE_DEFERRED');
    return true;
  }
  return c.hold !== undefined;
}

/** Records that the customer was offered a callback (the channel presents the offer). */
export function offerCallback(s: EngineState, c: ContactRec): void {
  if (!mayOfferCallback(c)) return;
  c.callbackOffered = true;
  s.emit({ type: 'CallbackOffered', ...s.contactFields(c), reason: 'SURGE' });
}

/** SURGE_CALLBACK_OFFER fired: still waiting in the same queue entry, the queue still surging. */
export function surgeCallbackDue(s: EngineState, c: ContactRec, q: QueueRec, token: number): void {
  if (c.state !== ContactState.QUEUED || c.entryToken !== token || !q.surge.active) return;
  offerCallback(s, c);
}

/**
 * Switches a queue's surge mode. Starting: every waiting contact is brought under surge rules
 * (in queue order, then re-decided: the widened rings may find agents now). Ending: deferred
 * email is released; rings stay where they are (rings only widen).
 */
export function setSurge(s: EngineState, q: QueueRec, active: boolean, source: SurgeSource): void {
  q.surge.active = active;
  q.surge.source = source;
  q.surge.sinceMs = s.now;
  const waiting = waitingOf(s, q);
  if (!active) {
    releaseHolds(s, q, 'SURGE_DEFERRED');
    return;
  }
  for (const c of waiting) applySurge(s, c, q);
  for (const c of waiting) {
    if (s.contacts.get(c.id) !== c || c.state !== ContactState.QUEUED || c.hold !== undefined) continue;
    if (c.place === undefined) placeContact(s, c);
    advanceHook.advance(s, c, DecisionTrigger.ELIGIBILITY_WIDENED);
  }
}
