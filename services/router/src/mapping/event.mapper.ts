import {
  PassReason as ProtoPassReason,
  Presence as ProtoPresence,
  RoutingEvent as ProtoEvent,
  type DecisionExplanation,
} from '@switchboard/contracts';
import type { Explanation, Presence, RoutingEvent } from '@switchboard/routing-core';
import { customerActionToProto } from '@switchboard/router-api';
import { protoChannel } from './contact.mapper.js';

const PRESENCE: Record<Presence, ProtoPresence> = {
  OFFLINE: ProtoPresence.PRESENCE_OFFLINE,
  AVAILABLE: ProtoPresence.PRESENCE_AVAILABLE,
  AWAY: ProtoPresence.PRESENCE_AWAY,
  WRAP_UP: ProtoPresence.PRESENCE_WRAP_UP,
};

const seconds = (ms: number) => ms / 1000;

/** The wire form of a decision explanation. */
export function explanationToProto(e: Explanation): DecisionExplanation {
  return {
    queueId: e.queueId,
    ring: e.ring,
    strategy: e.strategy,
    ruleVersion: e.ruleVersion,
    chosenAgentId: e.chosenAgentId ?? '',
    chosenScore: e.score ?? 0,
    candidates: e.candidates.map((c) => ({
      agentId: c.agentId,
      eligible: c.passedOver === undefined,
      reasons: c.passedOver ? [ProtoPassReason[`PASS_REASON_${c.passedOver}`]] : [],
      score: c.score ?? 0,
      detail: c.ring === undefined ? '' : `eligible from ring ${c.ring}`,
    })),
    candidatesConsidered: e.eligibleCount + Object.values(e.passedOverCounts).reduce((a, b) => a + (b ?? 0), 0),
    candidatesEligible: e.eligibleCount,
    waitingBecause: e.chosenAgentId ? '' : waitingBecause(e),
    effectivePriority: 0,
    trigger: e.trigger,
    passedOverCounts: Object.fromEntries(Object.entries(e.passedOverCounts).map(([k, v]) => [k, v ?? 0])),
    poolOpen: e.poolOpen,
  };
}

function waitingBecause(e: Explanation): string {
  const reasons = Object.entries(e.passedOverCounts).filter(([, n]) => (n ?? 0) > 0).map(([r, n]) => `${n} ${r.toLowerCase()}`);
  if (e.eligibleCount === 0) return reasons.length ? `no eligible agent available (passed over: ${reasons.join(', ')})` : 'no agent serves this queue';
  return 'eligible agents are busy with earlier contacts';
}

/** The wire form of a core routing event, for the ROUTING stream and the desktops. */
export function eventToProto(domain: string, event: RoutingEvent): ProtoEvent {
  const base = ProtoEvent.fromPartial({
    id: event.id,
    domain,
    occurredAt: new Date(event.atMs),
    sequence: event.seq,
    ruleVersion: event.ruleVersion,
    by: event.by ?? '',
  });
  if (event.type === 'AgentPresenceChanged') {
    return { ...base, agentId: event.agentId, presenceChanged: {
      presence: { presence: PRESENCE[event.to], reason: event.reason ?? '', since: new Date(event.atMs) },
      previous: { presence: PRESENCE[event.from], reason: '', since: undefined },
    } };
  }
  if (event.type === 'AgentProfileChanged') return { ...base, agentId: event.agentId, profileChanged: { changed: [...event.changed] } };
  if (event.type === 'QueueHoursChanged') {
    return { ...base, queueId: event.queueId, hoursChanged: { open: event.open, reason: event.reason, holiday: event.holiday ?? '',
      nextChangeAt: event.nextChangeMs === undefined ? undefined : new Date(event.nextChangeMs) } };
  }
  if (event.type === 'QueueSurgeChanged') {
    return { ...base, queueId: event.queueId, surgeChanged: { active: event.active, source: event.source, reason: event.reason,
      ...(event.predictedServiceLevel === undefined ? {} : { predictedServiceLevel: event.predictedServiceLevel }) } };
  }
  if (event.type === 'QaReviewScored') {
    return { ...base, contactId: event.contactId, agentId: event.agentId, queueId: event.queueId, channel: protoChannel(event.channel),
      qaReviewScored: { score: event.score, reviewer: event.reviewer, formId: event.formId, comment: event.comment, criteria: event.criteria.map((c) => ({ ...c })) } };
  }
  if (event.type === 'QaReviewRequested') {
    return { ...base, contactId: event.contactId, agentId: event.agentId, queueId: event.queueId, channel: protoChannel(event.channel),
      qaReviewRequested: { reasons: [...event.reasons], disposition: event.disposition, intent: event.intent ?? '' } };
  }
  const contact = {
    ...base,
    contactId: event.contactId,
    queueId: event.queueId,
    channel: protoChannel(event.channel),
    arrivedAt: new Date(event.arrivedAtMs),
    enqueuedAt: new Date(event.enqueuedAtMs),
  };
  switch (event.type) {
    case 'ContactQueued':
      return { ...contact, queued: { effectivePriority: event.basePriority, position: 0, explanation: event.explanation && explanationToProto(event.explanation) } };
    case 'ContactRejected':
      return { ...contact, rejected: { reason: event.reason, action: event.action === undefined ? undefined : customerActionToProto(event.action) } };
    case 'ContactOffered':
      return { ...contact, agentId: event.agentId, offered: { reservationToken: event.offerToken, expiresAt: new Date(event.expiresAtMs), explanation: explanationToProto(event.explanation) } };
    case 'OfferAccepted':
      return { ...contact, agentId: event.agentId, accepted: { reservationToken: event.offerToken, waitSeconds: seconds(event.waitMs) } };
    case 'OfferDeclined':
      return { ...contact, agentId: event.agentId, declined: { reservationToken: event.offerToken, reason: event.reason } };
    case 'OfferTimedOut':
      return { ...contact, agentId: event.agentId, timedOut: { reservationToken: event.offerToken, consecutiveMisses: event.consecutiveMisses } };
    case 'ContactCompleted':
      return { ...contact, agentId: event.agentId, completed: { disposition: event.disposition, handleSeconds: seconds(event.handleMs), notes: event.notes,
        ...(event.resolvedFirstContact === undefined ? {} : { resolvedFirstContact: event.resolvedFirstContact }) } };
    case 'ContactReprioritized':
      return { ...contact, reprioritized: { fromPriority: event.fromPriority, toPriority: event.toPriority, reason: event.reason ?? '' } };
    case 'ContactLimitReached':
      return { ...contact, agentId: event.agentId, limitReached: { limit: event.limit, limitSeconds: event.limitSeconds, action: event.action, actAt: new Date(event.actAtMs) } };
    case 'ContactOutcomeRecorded':
      return { ...contact, agentId: event.agentId, outcomeRecorded: { disposition: event.disposition, notes: event.notes, resolvedFirstContact: event.resolvedFirstContact } };
    case 'WrapUpEnded':
      return { ...contact, agentId: event.agentId, wrapUpEnded: { wrapUpSeconds: seconds(event.wrapUpMs) } };
    case 'ContactAbandoned':
      return { ...contact, agentId: event.agentId ?? '', abandoned: { waitSeconds: seconds(event.waitMs), fromState: event.fromState, reason: event.reason ?? '' } };
    case 'ContactExpired':
      return { ...contact, expired: { waitSeconds: seconds(event.waitMs), reason: event.reason, action: customerActionToProto(event.action) } };
    case 'CallbackRequested':
      return { ...contact, callbackRequested: { number: event.number } };
    case 'CallbackOffered':
      return { ...contact, callbackOffered: { reason: event.reason } };
    case 'CallbackDialing':
      return { ...contact, agentId: event.agentId, callbackDialing: { number: event.number, attempt: event.attempt, reservationToken: event.offerToken } };
    case 'CallbackFailed':
      return { ...contact, agentId: event.agentId, callbackFailed: { attempt: event.attempt, reason: event.reason,
        retryAt: event.retryAtMs === undefined ? undefined : new Date(event.retryAtMs) } };
    case 'ContactHeld':
      return { ...contact, held: { reason: event.reason, until: event.untilMs === undefined ? undefined : new Date(event.untilMs) } };
    case 'ContactOverflowed':
      return { ...contact, overflowed: { fromQueueId: event.queueId, toQueueId: event.toQueueId } };
    case 'ContactTransferred':
      return { ...contact, agentId: event.fromAgentId ?? '', transferred: {
        fromAgentId: event.fromAgentId ?? '', toQueueId: event.toQueueId ?? '', toAgentId: event.toAgentId ?? '', by: event.by ?? '', destination: event.destination ?? '', reason: event.reason ?? '' } };
    case 'FollowUpTaskOpened':
      return { ...contact, followUpOpened: { fromContactId: event.fromContactId, fromAgentId: event.fromAgentId, dueAt: new Date(event.dueAtMs), atRiskAt: new Date(event.atRiskAtMs) } };
    case 'FollowUpTaskAtRisk':
      return { ...contact, agentId: event.agentId ?? '', followUpAtRisk: { dueAt: new Date(event.dueAtMs), state: event.state, fromPriority: event.fromPriority, toPriority: event.toPriority } };
    case 'SurveyOffered':
      return { ...contact, agentId: event.agentId, surveyOffered: { expiresAt: new Date(event.expiresAtMs), language: event.language ?? '', text: event.text ?? '' } };
    case 'SurveyAnswered':
      return { ...contact, agentId: event.agentId, surveyAnswered: { score: event.score, comment: event.comment ?? '',
        channel: protoChannel(event.channel), answeredAt: new Date(event.answeredAtMs) } };
    case 'CustomerIdentified':
      return { ...contact, customerIdentified: { customerKey: event.customerKey,
        preferredAgentId: event.preferredAgentId ?? '', preferredBecause: event.preferredBecause ?? '', viaContactId: event.viaContactId ?? '' } };
    case 'RingWidened':
      return { ...contact, ringWidened: { ring: event.toRing, fromRing: event.fromRing, poolOpen: event.poolOpen, stickyEnded: event.stickyEnded } };
  }
}

/** The agent an event concerns, when a desktop should hear of it. */
export function agentOf(event: RoutingEvent): string | undefined {
  return 'agentId' in event ? event.agentId : undefined;
}
