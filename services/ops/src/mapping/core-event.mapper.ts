import { Channel as ProtoChannel, PassReason as ProtoPassReason, Presence as ProtoPresence, type DecisionExplanation, type RoutingEvent as ProtoEvent } from '@switchboard/contracts';
import { customerActionFromProto } from '@switchboard/router-api';
import { DEFAULT_CUSTOMER_ACTION } from '@switchboard/routing-core';
import type { Channel, ContactEventBase, ContactState, DecisionTrigger, Explanation, PassReason, Presence, QaSampleReason, RoutingEvent, SelectionStrategy } from '@switchboard/routing-core';

const CHANNEL: Record<number, Channel> = {
  [ProtoChannel.CHANNEL_PHONE]: 'phone', [ProtoChannel.CHANNEL_EMAIL]: 'email',
  [ProtoChannel.CHANNEL_CHAT]: 'chat', [ProtoChannel.CHANNEL_WECHAT]: 'wechat', [ProtoChannel.CHANNEL_TASK]: 'task',
};
const PRESENCE: Record<number, Presence> = {
  [ProtoPresence.PRESENCE_OFFLINE]: 'OFFLINE', [ProtoPresence.PRESENCE_AVAILABLE]: 'AVAILABLE',
  [ProtoPresence.PRESENCE_AWAY]: 'AWAY', [ProtoPresence.PRESENCE_WRAP_UP]: 'WRAP_UP',
};
const ms = (seconds: number) => Math.round(seconds * 1000);
const time = (date: Date | undefined) => date?.getTime() ?? 0;

/** The core's form of a decision explanation (candidate notes keep agent, reason and score). */
export function explanationFromProto(e: DecisionExplanation): Explanation {
  return {
    trigger: e.trigger as DecisionTrigger,
    ruleVersion: e.ruleVersion,
    strategy: e.strategy as SelectionStrategy,
    queueId: e.queueId,
    ring: e.ring,
    poolOpen: e.poolOpen,
    ...(e.chosenAgentId ? { chosenAgentId: e.chosenAgentId, score: e.chosenScore } : {}),
    candidates: e.candidates.map((c) => {
      const reason = c.reasons[0];
      const passedOver = reason === undefined ? undefined : (ProtoPassReason[reason]?.replace(/^PASS_REASON_/, '') as PassReason | undefined);
      return { agentId: c.agentId, ...(passedOver ? { passedOver } : {}), ...(c.eligible ? { score: c.score } : {}) };
    }),
    eligibleCount: e.candidatesEligible,
    passedOverCounts: e.passedOverCounts as Partial<Record<PassReason, number>>,
  };
}

/**
 * The core's form of a ROUTING event, so KPIs come from the one implementation in routing-core
 * (`KpiAccumulator`) rather than a second one over proto. Undefined for events the core never
 * emits (`received`) or that carry no body.
 */
export function coreEventFromProto(e: ProtoEvent): RoutingEvent | undefined {
  const base = { id: e.id, seq: e.sequence, atMs: time(e.occurredAt), ruleVersion: e.ruleVersion, ...(e.by ? { by: e.by } : {}) };
  if (e.presenceChanged) {
    return { ...base, type: 'AgentPresenceChanged', agentId: e.agentId,
      from: PRESENCE[e.presenceChanged.previous?.presence ?? 0] ?? 'OFFLINE',
      to: PRESENCE[e.presenceChanged.presence?.presence ?? 0] ?? 'OFFLINE',
      ...(e.presenceChanged.presence?.reason ? { reason: e.presenceChanged.presence.reason } : {}) };
  }
  if (e.profileChanged) return { ...base, type: 'AgentProfileChanged', agentId: e.agentId, changed: e.profileChanged.changed };
  if (e.hoursChanged) return { ...base, type: 'QueueHoursChanged', queueId: e.queueId, open: e.hoursChanged.open, reason: e.hoursChanged.reason as never,
    ...(e.hoursChanged.holiday ? { holiday: e.hoursChanged.holiday } : {}), ...(e.hoursChanged.nextChangeAt ? { nextChangeMs: time(e.hoursChanged.nextChangeAt) } : {}) };
  if (e.surgeChanged) return { ...base, type: 'QueueSurgeChanged', queueId: e.queueId, active: e.surgeChanged.active, source: e.surgeChanged.source as never,
    reason: e.surgeChanged.reason, ...(e.surgeChanged.predictedServiceLevel === undefined ? {} : { predictedServiceLevel: e.surgeChanged.predictedServiceLevel }) };
  if (e.qaReviewScored) {
    const q = e.qaReviewScored;
    return { ...base, type: 'QaReviewScored', contactId: e.contactId, agentId: e.agentId, queueId: e.queueId, channel: CHANNEL[e.channel] ?? 'chat',
      score: q.score, reviewer: q.reviewer, formId: q.formId, comment: q.comment, criteria: q.criteria.map((c) => ({ criterion: c.criterion, points: c.points, maxPoints: c.maxPoints })) };
  }
  if (e.qaReviewRequested) {
    const q = e.qaReviewRequested;
    return { ...base, type: 'QaReviewRequested', contactId: e.contactId, agentId: e.agentId, queueId: e.queueId, channel: CHANNEL[e.channel] ?? 'chat',
      reasons: q.reasons as QaSampleReason[], disposition: q.disposition, ...(q.intent ? { intent: q.intent } : {}) };
  }
  const c: ContactEventBase = { ...base, contactId: e.contactId, queueId: e.queueId, channel: CHANNEL[e.channel] ?? 'chat',
    arrivedAtMs: time(e.arrivedAt), enqueuedAtMs: time(e.enqueuedAt) };
  const agentId = e.agentId;
  if (e.queued) return { ...c, type: 'ContactQueued', basePriority: e.queued.effectivePriority,
    ...(e.queued.explanation ? { explanation: explanationFromProto(e.queued.explanation) } : {}) };
  if (e.rejected) {
    const action = customerActionFromProto(e.rejected.action);
    return { ...c, type: 'ContactRejected', reason: e.rejected.reason as never, ...(action === undefined ? {} : { action }) };
  }
  if (e.offered) return { ...c, type: 'ContactOffered', agentId, offerToken: e.offered.reservationToken,
    expiresAtMs: time(e.offered.expiresAt), explanation: explanationFromProto(e.offered.explanation ?? emptyExplanation(e)) };
  if (e.accepted) return { ...c, type: 'OfferAccepted', agentId, offerToken: e.accepted.reservationToken, waitMs: ms(e.accepted.waitSeconds) };
  if (e.declined) return { ...c, type: 'OfferDeclined', agentId, offerToken: e.declined.reservationToken, reason: e.declined.reason };
  if (e.timedOut) return { ...c, type: 'OfferTimedOut', agentId, offerToken: e.timedOut.reservationToken, consecutiveMisses: e.timedOut.consecutiveMisses };
  if (e.completed) return { ...c, type: 'ContactCompleted', agentId, disposition: e.completed.disposition, notes: e.completed.notes,
    ...(e.completed.resolvedFirstContact === undefined ? {} : { resolvedFirstContact: e.completed.resolvedFirstContact }),
    connectedAtMs: base.atMs - ms(e.completed.handleSeconds), handleMs: ms(e.completed.handleSeconds) };
  if (e.reprioritized) return { ...c, type: 'ContactReprioritized', fromPriority: e.reprioritized.fromPriority, toPriority: e.reprioritized.toPriority,
    ...(e.reprioritized.reason ? { reason: e.reprioritized.reason } : {}) };
  if (e.limitReached) return { ...c, type: 'ContactLimitReached', agentId, limit: e.limitReached.limit === 'AGENT_GONE' ? 'AGENT_GONE' : 'HANDLE_TIME',
    limitSeconds: e.limitReached.limitSeconds, action: e.limitReached.action === 'END' ? 'END' : 'REQUEUE', actAtMs: time(e.limitReached.actAt) };
  if (e.outcomeRecorded) return { ...c, type: 'ContactOutcomeRecorded', agentId, disposition: e.outcomeRecorded.disposition,
    notes: e.outcomeRecorded.notes, resolvedFirstContact: e.outcomeRecorded.resolvedFirstContact };
  if (e.wrapUpEnded) return { ...c, type: 'WrapUpEnded', agentId, wrapUpMs: ms(e.wrapUpEnded.wrapUpSeconds) };
  if (e.abandoned) return { ...c, type: 'ContactAbandoned', fromState: e.abandoned.fromState as ContactState,
    waitMs: ms(e.abandoned.waitSeconds), ...(agentId ? { agentId } : {}), ...(e.abandoned.reason ? { reason: e.abandoned.reason } : {}) };
  if (e.expired) return { ...c, type: 'ContactExpired', waitMs: ms(e.expired.waitSeconds), reason: (e.expired.reason || 'MAX_WAIT') as never,
    action: customerActionFromProto(e.expired.action) ?? DEFAULT_CUSTOMER_ACTION };
  if (e.callbackRequested) return { ...c, type: 'CallbackRequested', number: e.callbackRequested.number };
  if (e.callbackOffered) return { ...c, type: 'CallbackOffered', reason: 'SURGE' };
  if (e.callbackDialing) return { ...c, type: 'CallbackDialing', agentId, offerToken: e.callbackDialing.reservationToken, number: e.callbackDialing.number, attempt: e.callbackDialing.attempt };
  if (e.callbackFailed) return { ...c, type: 'CallbackFailed', agentId, attempt: e.callbackFailed.attempt, reason: e.callbackFailed.reason,
    ...(e.callbackFailed.retryAt ? { retryAtMs: time(e.callbackFailed.retryAt) } : {}) };
  if (e.held) return { ...c, type: 'ContactHeld', reason: e.held.reason as never, ...(e.held.until ? { untilMs: time(e.held.until) } : {}) };
  if (e.overflowed) return { ...c, type: 'ContactOverflowed', toQueueId: e.overflowed.toQueueId };
  if (e.transferred) {
    const t = e.transferred;
    return { ...c, type: 'ContactTransferred', ...(t.fromAgentId ? { fromAgentId: t.fromAgentId } : {}),
      ...(t.toQueueId ? { toQueueId: t.toQueueId } : {}), ...(t.toAgentId ? { toAgentId: t.toAgentId } : {}),
      ...(t.destination ? { destination: t.destination } : {}), ...(t.reason ? { reason: t.reason } : {}) };
  }
  if (e.followUpOpened) return { ...c, type: 'FollowUpTaskOpened', fromContactId: e.followUpOpened.fromContactId, fromAgentId: e.followUpOpened.fromAgentId,
    dueAtMs: time(e.followUpOpened.dueAt), atRiskAtMs: time(e.followUpOpened.atRiskAt) };
  if (e.followUpAtRisk) return { ...c, type: 'FollowUpTaskAtRisk', dueAtMs: time(e.followUpAtRisk.dueAt), state: e.followUpAtRisk.state,
    ...(agentId ? { agentId } : {}), fromPriority: e.followUpAtRisk.fromPriority, toPriority: e.followUpAtRisk.toPriority };
  if (e.surveyOffered) return { ...c, type: 'SurveyOffered', agentId, expiresAtMs: time(e.surveyOffered.expiresAt),
    ...(e.surveyOffered.language ? { language: e.surveyOffered.language } : {}), ...(e.surveyOffered.text ? { text: e.surveyOffered.text } : {}) };
  if (e.surveyAnswered) return { ...c, type: 'SurveyAnswered', agentId, score: e.surveyAnswered.score,
    ...(e.surveyAnswered.comment ? { comment: e.surveyAnswered.comment } : {}), answeredAtMs: time(e.surveyAnswered.answeredAt) || base.atMs };
  if (e.customerIdentified) {
    const ci = e.customerIdentified;
    return { ...c, type: 'CustomerIdentified', customerKey: ci.customerKey, ...(ci.preferredAgentId ? { preferredAgentId: ci.preferredAgentId } : {}),
      ...(ci.preferredBecause === 'HOLDS_LIVE_CONTACT' || ci.preferredBecause === 'LAST_SERVED' ? { preferredBecause: ci.preferredBecause } : {}),
      ...(ci.viaContactId ? { viaContactId: ci.viaContactId } : {}) };
  }
  if (e.ringWidened) return { ...c, type: 'RingWidened', fromRing: e.ringWidened.fromRing, toRing: e.ringWidened.ring,
    poolOpen: e.ringWidened.poolOpen, stickyEnded: e.ringWidened.stickyEnded };
  return undefined;
}

function emptyExplanation(e: ProtoEvent): DecisionExplanation {
  return { queueId: e.queueId, ring: 0, strategy: '', ruleVersion: e.ruleVersion, chosenAgentId: e.agentId, chosenScore: 0, candidates: [],
    candidatesConsidered: 0, candidatesEligible: 0, waitingBecause: '', effectivePriority: 0, trigger: '', passedOverCounts: {}, poolOpen: false };
}
