import { RoutingError, RoutingErrorCode } from '../errors.js';
import { Presence, AWAY_MISSED } from '../model/agent.js';
import type { CompletionOutcome, TransferTarget } from '../model/command.js';
import { ContactState } from '../model/contact.js';
import type { ContactInput } from '../model/contact.js';
import { DecisionTrigger } from '../model/explanation.js';
import type { RoutingOutcome } from '../model/outcome.js';
import { offerSurvey } from './surveys.js';
import { TimerKind } from '../model/timer.js';
import type { TimerRequest } from '../model/timer.js';
import type { QueueConfig } from '../model/queue.js';
import { afterOutcome } from './after-outcome.js';
import { taskAtRisk } from './follow-up.js';
import { pullWork, releaseSlot, setPresence } from './agent-flow.js';
import { advance, detach, dropContact, enterQueue, requeue } from './contact-flow.js';
import { placeContact, unplaceContact } from './indexes.js';
import { contactSortKey } from '../rules/queue-order.js';
import { handleLimitReached, limitActionDue, scheduleHandleLimit } from './limits.js';
import type { AgentRec, ContactRec, QueueRec } from './records.js';
import type { EngineState } from './state.js';
import { actionOf, customerFacing, hold, isOpen, overflowTarget, refreshHours, setSurge, surgeCallbackDue, surgePolicyOf } from './customer-service.js';
import { DEFAULT_CALLBACK_POLICY } from '../model/queue.js';
import type { SurgeSource } from '../model/event.js';
import { identify } from './customer-identity.js';
import { E164 } from '../model/phone.js';

/** Contact command handlers. Each validates first and throws before mutating anything. */

const APPLIED: RoutingOutcome = { kind: 'applied' };
const STALE: RoutingOutcome = { kind: 'stale' };

function contactOf(s: EngineState, id: string): ContactRec {
  const c = s.contacts.get(id);
  if (c === undefined) throw new RoutingError(RoutingErrorCode.UNKNOWN_CONTACT, `contact ${id} is not live`);
  return c;
}

function queueOf(s: EngineState, c: ContactRec): QueueRec {
  return s.queues.get(c.queueId) as QueueRec;
}

function assertAgent(c: ContactRec, agentId: string): AgentRec {
  if (c.agent === undefined || c.agent.id !== agentId) {
    throw new RoutingError(RoutingErrorCode.WRONG_AGENT, `contact ${c.id} is not held by agent ${agentId}`);
  }
  return c.agent;
}

function invalid(c: ContactRec, action: string): RoutingError {
  return new RoutingError(RoutingErrorCode.INVALID_TRANSITION, `cannot ${action} contact ${c.id} in state ${c.state}`);
}

/** ARRIVE: queue it (maybe offering at once) or reject it; a live duplicate id is reported, not re-routed. */
export function arrive(s: EngineState, input: ContactInput): RoutingOutcome {
  if (s.contacts.has(input.id)) return { kind: 'duplicate', contactId: input.id };
  const q = s.queues.get(input.queueId);
  const fields = { contactId: input.id, queueId: input.queueId, channel: input.channel, arrivedAtMs: input.arrivedAtMs, enqueuedAtMs: s.now };
  if (q === undefined) {
    s.emit({ type: 'ContactRejected', ...fields, reason: 'UNKNOWN_QUEUE' });
    return { kind: 'rejected', contactId: input.id, reason: 'UNKNOWN_QUEUE' };
  }
  const preferredAgentId = identify(s, input, q.config.customer, fields);
  let target = q;
  if (!isOpen(s, q)) {
    const action = actionOf(q.config, 'closed');
    const overflow = overflowTarget(s, q, action);
    if (overflow === undefined) {
      s.emit({ type: 'ContactRejected', ...fields, reason: 'CLOSED', action: customerFacing(action) });
      return { kind: 'rejected', contactId: input.id, reason: 'CLOSED' };
    }
    s.emit({ type: 'ContactOverflowed', ...fields, toQueueId: overflow.config.id });
    target = overflow;
  }
  const c: ContactRec = {
    id: input.id, input, arrivalSeq: s.nextArrival++, arrivedAtMs: input.arrivedAtMs, queueId: target.config.id,
    state: ContactState.RECEIVED, enqueuedAtMs: s.now, entryToken: 0, key: 0, ring: 0, poolOpen: true,
    preferredAgentId, stickyAgentId: undefined, group: undefined, place: undefined,
    agent: undefined, offerToken: undefined, offeredAtMs: 0, connectedAtMs: 0, wrapStartMs: 0, outcomePending: false, declinedBy: new Map(),
    history: target === q ? [] : [q.config.id], callback: undefined, hold: undefined, callbackOffered: false, escalated: false,
  };
  if (!enterQueue(s, c, target, true)) {
    s.emit({ type: 'ContactRejected', ...fields, queueId: target.config.id, reason: 'QUEUE_FULL', action: actionOf(target.config, 'full') });
    return { kind: 'rejected', contactId: input.id, reason: 'QUEUE_FULL' };
  }
  s.contacts.set(c.id, c);
  return c.state === ContactState.OFFERED && c.agent !== undefined && c.offerToken !== undefined
    ? { kind: 'offered', contactId: c.id, agentId: c.agent.id, offerToken: c.offerToken }
    : { kind: 'queued', contactId: c.id };
}

/** ACCEPT: the offer becomes a connection. A stale token (offer already gone) is an outcome, not an error. */
export function accept(s: EngineState, contactId: string, agentId: string, token: number): RoutingOutcome {
  const c = contactOf(s, contactId);
  if (c.state !== ContactState.OFFERED || c.offerToken !== token) return STALE;
  const agent = assertAgent(c, agentId);
  queueOf(s, c).offered -= 1;
  c.state = ContactState.CONNECTED;
  c.connectedAtMs = s.now;
  agent.misses = 0;
  s.emit({ type: 'OfferAccepted', ...s.contactFields(c), agentId, offerToken: token, waitMs: s.now - c.enqueuedAtMs });
  if (c.callback !== undefined) {
    c.callback = { ...c.callback, attempts: c.callback.attempts + 1 };
    s.emit({ type: 'CallbackDialing', ...s.contactFields(c), agentId, offerToken: token, number: c.callback.number, attempt: c.callback.attempts });
  }
  scheduleHandleLimit(s, c, agent);
  return APPLIED;
}


/**
 * REQUEST_CALLBACK: the waiting customer will be called back on `number`. The contact keeps its
 * place and aging (its order key is unchanged) and no longer abandons or expires: its customer
 * hung up on purpose. At the head of the queue an agent is offered it like any contact; accepting
 * makes the platform dial (CallbackDialing). Asked again, only the number changes.
 */
export function requestCallback(s: EngineState, contactId: string, number: string): RoutingOutcome {
  const c = contactOf(s, contactId);
  if (c.state !== ContactState.QUEUED && c.state !== ContactState.OFFERED) throw invalid(c, 'call back');
  if (!E164.test(number)) throw new RoutingError(RoutingErrorCode.INVALID_CALLBACK_NUMBER, `callback number of contact ${c.id} is not E.164 (+ and 7-15 digits)`);
  if (c.callback?.number === number) return STALE;
  c.callback = { number, attempts: c.callback?.attempts ?? 0 };
  s.emit({ type: 'CallbackRequested', ...s.contactFields(c), number });
  return APPLIED;
}

/**
 * CALLBACK_FAILED: the platform could not reach the customer for the callback its agent accepted.
 * The agent is freed (and pulls other work first); the contact goes back to its original place,
 * held until the queue's retry delay has passed, or — its attempts used up — expires with the
 * queue's expired action (CALLBACK_FAILED).
 */
export function callbackFailed(s: EngineState, contactId: string, reason: string): RoutingOutcome {
  const c = contactOf(s, contactId);
  if (c.callback === undefined) throw invalid(c, 'fail the callback of');
  if (c.state !== ContactState.CONNECTED || c.agent === undefined) return STALE;
  const agent = c.agent;
  const q = queueOf(s, c);
  const policy = q.config.callback ?? DEFAULT_CALLBACK_POLICY;
  const retry = c.callback.attempts < policy.maxAttempts;
  const retryAtMs = s.now + policy.retryAfterSeconds * 1000;
  s.emit({ type: 'CallbackFailed', ...s.contactFields(c), agentId: agent.id, attempt: c.callback.attempts, reason, ...(retry ? { retryAtMs } : {}) });
  releaseSlot(s, agent, c);
  c.agent = undefined;
  c.offerToken = undefined;
  c.connectedAtMs = 0;
  if (!retry) {
    s.emit({ type: 'ContactExpired', ...s.contactFields(c), waitMs: s.now - c.enqueuedAtMs, reason: 'CALLBACK_FAILED', action: actionOf(q.config, 'expired') });
    dropContact(s, c, ContactState.EXPIRED);
    pullWork(s, agent);
    return APPLIED;
  }
  pullWork(s, agent);
  q.waiting += 1;
  c.state = ContactState.QUEUED;
  hold(s, c, 'CALLBACK_RETRY', retryAtMs);
  return APPLIED;
}

/**
 * SET_SURGE: a supervisor's switch pins the queue's mode (the forecast's later switches are
 * stale) until a supervisor releases it; every switch, even one that changes nothing but the pin,
 * is recorded with its reason.
 */
export function setSurgeMode(s: EngineState, cmd: { queueId: string; active: boolean; source: SurgeSource; reason: string; predictedServiceLevel?: number; release?: boolean }): RoutingOutcome {
  const q = s.queues.get(cmd.queueId);
  if (q === undefined) throw new RoutingError(RoutingErrorCode.UNKNOWN_QUEUE, `queue ${cmd.queueId} is not configured`);
  const supervisor = cmd.source === 'SUPERVISOR';
  // The forecast switches on only a queue whose policy lets it (auto; it may still end a surge it
  // began before the policy changed); a supervisor always can.
  if (!supervisor && ((cmd.active && !surgePolicyOf(q.config).auto) || q.surge.pinned || cmd.active === q.surge.active)) return STALE;
  const active = cmd.release === true ? q.surge.active : cmd.active;
  q.surge.pinned = supervisor && cmd.release !== true;
  s.emit({ type: 'QueueSurgeChanged', queueId: q.config.id, active, source: cmd.source, reason: cmd.reason,
    ...(cmd.predictedServiceLevel === undefined ? {} : { predictedServiceLevel: cmd.predictedServiceLevel }) });
  if (active !== q.surge.active) setSurge(s, q, active, cmd.source);
  return APPLIED;
}

/**
 * DECLINE or RONA: back to the original place, excluded from this agent for one offer timeout.
 * The exclusion lapses by timer rather than lasting the whole stay in the queue: otherwise a
 * contact refused by its only eligible agent would wait (until it expired) beside that idle agent.
 * The freed agent pulls before the contact goes back: a contact whose wait has passed its
 * overflow enters another queue on its return, with its exclusions cleared, and offering it on
 * entry would hand it to this agent ahead of the better work already waiting for it.
 */
export function refuse(s: EngineState, contactId: string, agentId: string, token: number, reason: string | undefined): RoutingOutcome {
  const c = s.contacts.get(contactId);
  if (c === undefined && reason === undefined) return STALE;
  if (c === undefined) return contactOf(s, contactId) && STALE;
  if (c.state !== ContactState.OFFERED || c.offerToken !== token) return STALE;
  const agent = assertAgent(c, agentId);
  const config = queueOf(s, c).config;
  excludeAgent(s, c, agent, token);
  if (reason !== undefined) {
    s.emit({ type: 'OfferDeclined', ...s.contactFields(c), agentId, offerToken: token, reason });
  } else {
    agent.misses += 1;
    s.emit({ type: 'OfferTimedOut', ...s.contactFields(c), agentId, offerToken: token, consecutiveMisses: agent.misses });
  }
  releaseSlot(s, agent, c);
  if (reason === undefined && config.missesBeforeAway > 0 && agent.misses >= config.missesBeforeAway && agent.presence === Presence.AVAILABLE) {
    setPresence(s, agent, Presence.AWAY, AWAY_MISSED);
  }
  pullWork(s, agent);
  requeue(s, c);
  return APPLIED;
}

/** Passes `agent` over for `c` for one offer timeout (its refused offer's `token` fences the lapse). */
export function excludeAgent(s: EngineState, c: ContactRec, agent: AgentRec, token: number): void {
  const untilMs = s.now + queueOf(s, c).config.offerTimeoutSeconds * 1000;
  c.declinedBy.set(agent.id, { untilMs, token });
  s.timer(TimerKind.EXCLUSION_LAPSE, untilMs, c.id, token, agent.id);
}

/**
 * COMPLETE: the conversation ends and wrap-up starts (the slot stays held until it ends). When
 * the platform ended it (`endedOnChannel`), the agent's own COMPLETE during the wrap-up records
 * their outcome (ContactOutcomeRecorded) instead.
 */
export function complete(s: EngineState, contactId: string, agentId: string, outcome: CompletionOutcome): RoutingOutcome {
  const c = contactOf(s, contactId);
  if (c.state === ContactState.WRAP_UP && c.agent?.id === agentId) return recordOutcome(s, c, agentId, outcome);
  if (c.state !== ContactState.CONNECTED) throw invalid(c, 'complete');
  const agent = assertAgent(c, agentId);
  const config = queueOf(s, c).config;
  const ended = outcome.endedOnChannel === true;
  if (!ended) checkDisposition(config, outcome.disposition);
  c.state = ContactState.WRAP_UP;
  c.wrapStartMs = s.now;
  c.outcomePending = ended;
  s.emit({
    type: 'ContactCompleted', ...s.contactFields(c), agentId, disposition: outcome.disposition, notes: outcome.notes ?? '',
    ...(ended ? {} : { resolvedFirstContact: outcome.resolvedFirstContact ?? false }),
    connectedAtMs: c.connectedAtMs, handleMs: s.now - c.connectedAtMs,
  });
  offerSurvey(s, queueOf(s, c), c, agentId);
  // Without a wrap-up period the agent never shows WRAP_UP: no presence flap, slot freed at once.
  if (config.wrapUpSeconds <= 0) endWrapUp(s, c);
  else {
    if (agent.presence === Presence.AVAILABLE) setPresence(s, agent, Presence.WRAP_UP);
    s.timer(TimerKind.WRAP_UP_END, s.now + config.wrapUpSeconds * 1000, c.id, c.offerToken ?? 0, agent.id);
  }
  // After the agent's own state settled: a follow-up task opened now is routed against it.
  if (!ended) afterOutcome(s, c, { agentId, disposition: outcome.disposition, resolvedFirstContact: outcome.resolvedFirstContact ?? false });
  return APPLIED;
}

/**
 * Its agent completing what already wraps up. After the platform ended it, the first such
 * COMPLETE carries the agent's outcome; anything else (a retry, the platform's end arriving after
 * the agent's) changes nothing: the desk is not told off for a race it could not see.
 */
function recordOutcome(s: EngineState, c: ContactRec, agentId: string, outcome: CompletionOutcome): RoutingOutcome {
  if (!c.outcomePending || outcome.endedOnChannel === true) return STALE;
  checkDisposition(queueOf(s, c).config, outcome.disposition);
  c.outcomePending = false;
  s.emit({ type: 'ContactOutcomeRecorded', ...s.contactFields(c), agentId, disposition: outcome.disposition,
    notes: outcome.notes ?? '', resolvedFirstContact: outcome.resolvedFirstContact ?? false });
  afterOutcome(s, c, { agentId, disposition: outcome.disposition, resolvedFirstContact: outcome.resolvedFirstContact ?? false });
  return APPLIED;
}

/** A disposition outside the queue's catalogue (when it has one) is refused, naming the codes allowed. */
function checkDisposition(config: QueueConfig, disposition: string): void {
  const allowed = config.dispositions ?? [];
  if (allowed.length === 0 || allowed.includes(disposition)) return;
  throw new RoutingError(RoutingErrorCode.INVALID_DISPOSITION,
    `disposition '${disposition}' is not one of queue ${config.id}'s: ${allowed.join(', ')}`);
}

/** Ends wrap-up of a WRAP_UP contact: COMPLETED, slot freed, agent back to AVAILABLE when nothing else wraps up. */
export function endWrapUp(s: EngineState, c: ContactRec): RoutingOutcome {
  const agent = c.agent as AgentRec;
  s.emit({ type: 'WrapUpEnded', ...s.contactFields(c), agentId: agent.id, wrapUpMs: s.now - c.wrapStartMs });
  releaseSlot(s, agent, c);
  dropContact(s, c, ContactState.COMPLETED);
  const stillWrapping = [...agent.contacts].some((x) => x.state === ContactState.WRAP_UP);
  if (agent.presence === Presence.WRAP_UP && !stillWrapping) setPresence(s, agent, Presence.AVAILABLE);
  pullWork(s, agent);
  return APPLIED;
}

/** END_WRAP_UP command (the desktop's "ready"). */
export function endWrapUpCommand(s: EngineState, contactId: string, agentId: string): RoutingOutcome {
  const c = contactOf(s, contactId);
  if (c.state !== ContactState.WRAP_UP) throw invalid(c, 'end wrap-up of');
  assertAgent(c, agentId);
  return endWrapUp(s, c);
}

/** ABANDON: the customer left while waiting or ringing. */
export function abandon(s: EngineState, contactId: string, reason?: string): RoutingOutcome {
  const c = contactOf(s, contactId);
  if (c.state !== ContactState.QUEUED && c.state !== ContactState.OFFERED) throw invalid(c, 'abandon');
  // A callback's customer hung up on purpose: only a person (a supervisor) ends it now.
  if (c.callback !== undefined && s.by === undefined) return STALE;
  const agent = c.agent;
  const fromState = c.state;
  detach(s, c);
  s.emit({ type: 'ContactAbandoned', ...s.contactFields(c), fromState, waitMs: s.now - c.enqueuedAtMs,
    ...(agent === undefined ? {} : { agentId: agent.id }), ...(reason ? { reason } : {}) });
  if (agent !== undefined) releaseSlot(s, agent, c);
  dropContact(s, c, ContactState.ABANDONED);
  if (agent !== undefined) pullWork(s, agent);
  return APPLIED;
}

/**
 * REPRIORITIZE: a waiting contact's base priority changes and it moves to its new place in the
 * queue at once (its arrival still breaks ties); a ringing or connected contact keeps its agent —
 * its new priority applies if it comes back to the queue.
 */
export function reprioritize(s: EngineState, contactId: string, basePriority: number, reason?: string): RoutingOutcome {
  const c = contactOf(s, contactId);
  if (c.state !== ContactState.QUEUED && c.state !== ContactState.OFFERED && c.state !== ContactState.CONNECTED) throw invalid(c, 'reprioritize');
  const from = c.input.basePriority;
  if (from === basePriority) return STALE;
  c.input = { ...c.input, basePriority };
  s.emit({ type: 'ContactReprioritized', ...s.contactFields(c), fromPriority: from, toPriority: basePriority, ...(reason ? { reason } : {}) });
  if (c.state === ContactState.QUEUED) {
    unplaceContact(c);
    c.key = contactSortKey(queueOf(s, c).config, basePriority, c.arrivedAtMs);
    if (c.hold === undefined) placeContact(s, c);
  }
  return APPLIED;
}

/** TRANSFER: to a queue (fresh thresholds, same age), to an agent (sticky), or out of the domain. */
export function transfer(s: EngineState, contactId: string, target: TransferTarget, reason?: string): RoutingOutcome {
  const c = contactOf(s, contactId);
  if (c.state !== ContactState.QUEUED && c.state !== ContactState.OFFERED && c.state !== ContactState.CONNECTED) throw invalid(c, 'transfer');
  const toQueueId = target.kind === 'queue' ? target.queueId : target.kind === 'agent' ? (target.queueId ?? c.queueId) : undefined;
  const toQueue = toQueueId === undefined ? undefined : s.queues.get(toQueueId);
  if (toQueueId !== undefined && toQueue === undefined) throw new RoutingError(RoutingErrorCode.UNKNOWN_QUEUE, `queue ${toQueueId} is not configured`);
  if (target.kind === 'agent' && !s.agents.has(target.agentId)) throw new RoutingError(RoutingErrorCode.UNKNOWN_AGENT, `agent ${target.agentId} is unknown`);
  const from = c.agent;
  detach(s, c);
  s.emit({
    type: 'ContactTransferred', ...s.contactFields(c), ...(from === undefined ? {} : { fromAgentId: from.id }),
    ...(toQueueId === undefined ? {} : { toQueueId }), ...(target.kind === 'agent' ? { toAgentId: target.agentId } : {}),
    ...(target.kind === 'external' ? { destination: target.destination } : {}),
    ...(reason ? { reason } : {}),
  });
  c.agent = undefined;
  c.offerToken = undefined;
  // The freed agent pulls first: waiting work (VIP first) has precedence over the transferred contact.
  if (from !== undefined) {
    releaseSlot(s, from, c);
    pullWork(s, from);
  }
  if (toQueue === undefined) {
    dropContact(s, c, ContactState.TRANSFERRED);
  } else {
    c.history = [...c.history, c.queueId];
    if (target.kind === 'agent') c.preferredAgentId = target.agentId;
    enterQueue(s, c, toQueue, false);
  }
  return APPLIED;
}

/** TIMER_FIRED: fenced by token; anything stale is ignored. */
export function timerFired(s: EngineState, t: TimerRequest): RoutingOutcome {
  if (t.kind === TimerKind.QUEUE_HOURS) return hoursDue(s, t);
  const c = s.contacts.get(t.contactId);
  if (c === undefined) return STALE;
  if (s.now < t.dueAtMs) {
    // Handed back early (clock skew): not acted on, and asked for again so it is not lost.
    s.timers.push(t);
    return STALE;
  }
  switch (t.kind) {
    case TimerKind.OFFER_TIMEOUT:
      return c.agent === undefined ? STALE : refuse(s, c.id, c.agent.id, t.token, undefined);
    case TimerKind.WRAP_UP_END:
      return c.state === ContactState.WRAP_UP && c.offerToken === t.token ? endWrapUp(s, c) : STALE;
    case TimerKind.QUEUE_THRESHOLD: {
      if (c.state !== ContactState.QUEUED || c.entryToken !== t.token) return STALE;
      const seq = s.seq;
      advance(s, c, DecisionTrigger.ELIGIBILITY_WIDENED);
      return s.seq === seq ? STALE : APPLIED;
    }
    case TimerKind.EXCLUSION_LAPSE:
      return lapseExclusion(s, c, t);
    case TimerKind.HANDLE_LIMIT:
      return handleLimitReached(s, c, t);
    case TimerKind.LIMIT_ACTION:
      return limitActionDue(s, c, t);
    case TimerKind.HOLD_END: {
      if (c.state !== ContactState.QUEUED || c.entryToken !== t.token || c.hold?.untilMs === undefined) return STALE;
      advance(s, c, DecisionTrigger.CONTACT_REQUEUED);
      return APPLIED;
    }
    case TimerKind.SURGE_CALLBACK_OFFER: {
      const seq = s.seq;
      surgeCallbackDue(s, c, queueOf(s, c), t.token);
      return s.seq === seq ? STALE : APPLIED;
    }
    case TimerKind.TASK_AT_RISK:
      return taskAtRisk(s, c, t);
  }
}

/** QUEUE_HOURS fired (`contactId` holds the queue id): open or close the queue if its hours say so now. */
function hoursDue(s: EngineState, t: TimerRequest): RoutingOutcome {
  const q = s.queues.get(t.contactId);
  if (q === undefined || q.hours.token !== t.token) return STALE;
  if (s.now < t.dueAtMs) {
    s.timers.push(t);
    return STALE;
  }
  const seq = s.seq;
  const scheduled = q.hours.nextChangeMs;
  refreshHours(s, q, false);
  return s.seq === seq && scheduled === q.hours.nextChangeMs ? STALE : APPLIED;
}

/**
 * Drops one agent's lapsed exclusion from `c` and lets that agent pull work: the lapse can only
 * have paired this agent with waiting work (any other free agent would have taken it already),
 * and pulling — rather than offering `c` itself — keeps the agent's own order (VIP first, its
 * queue priority, effective priority) when several exclusions lapse at once. Applied (not stale)
 * whenever the exclusion existed, even without events: the state changed, and an adapter that
 * replays its command log must replay this too.
 */
function lapseExclusion(s: EngineState, c: ContactRec, t: TimerRequest): RoutingOutcome {
  const exclusion = t.agentId === undefined ? undefined : c.declinedBy.get(t.agentId);
  if (t.agentId === undefined || exclusion === undefined || exclusion.token !== t.token) return STALE;
  c.declinedBy.delete(t.agentId);
  const agent = s.agents.get(t.agentId);
  if (agent !== undefined) pullWork(s, agent, DecisionTrigger.ELIGIBILITY_WIDENED);
  return APPLIED;
}
