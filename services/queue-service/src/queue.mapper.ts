import { QueueKind, SameCustomerPolicy, SelectionStrategy, type QueueConfig as ProtoQueue } from '@switchboard/contracts';
import { invalid } from '@switchboard/grpc-edge';
import {
  callbackPolicyFromProto, customerActionFromProto, customerActionToProto, hoursFromProto, hoursToProto, queueSchema, surgePolicyFromProto, surveyPolicyFromProto, surveyPolicyToProto,
} from '@switchboard/router-api';
import type { FollowUpPolicy, QaSamplingRule, QueueConfig } from '@switchboard/routing-core';

const KIND: Partial<Record<QueueKind, QueueConfig['kind']>> = { [QueueKind.QUEUE_KIND_VIP]: 'VIP', [QueueKind.QUEUE_KIND_PRIORITY]: 'PRIORITY' };
const STRATEGY: Partial<Record<SelectionStrategy, QueueConfig['strategy']>> = {
  [SelectionStrategy.SELECTION_STRATEGY_LONGEST_IDLE]: 'LONGEST_IDLE',
  [SelectionStrategy.SELECTION_STRATEGY_BEST_PROFICIENCY]: 'BEST_PROFICIENCY',
  [SelectionStrategy.SELECTION_STRATEGY_LEAST_OCCUPIED]: 'LEAST_OCCUPIED',
  [SelectionStrategy.SELECTION_STRATEGY_ROUND_ROBIN]: 'ROUND_ROBIN',
};
const inverse = <K extends number, V extends string>(m: Partial<Record<K, V>>) =>
  Object.fromEntries(Object.entries(m).map(([k, v]) => [v, Number(k)])) as Record<V, K>;
const KIND_OF = inverse(KIND);
const STRATEGY_OF = inverse(STRATEGY);

/** Core field paths (as zod reports them) → proto field paths, so errors name what the caller sent. */
const FIELD: Record<string, string> = {
  serviceLevel: 'service_level', requiredSkills: 'skills', skill: 'name', minProficiency: 'min_proficiency', agingRatePerSecond: 'aging_per_second',
  afterSeconds: 'after_seconds', proficiencyDrop: 'proficiency_drop', addTeams: 'add_teams', targetQueueId: 'target_queue_id',
  maxWaitSeconds: 'max_wait_seconds', maxSize: 'max_size', offerTimeoutSeconds: 'offer_timeout_seconds', wrapUpSeconds: 'wrap_up_seconds',
  missesBeforeAway: 'misses_before_away', stickyAgentWaitSeconds: 'sticky_wait_seconds', withinSeconds: 'within_seconds',
  vipPool: 'dedicated_teams', overflowToGeneralAfterSeconds: 'general_overflow_after_seconds',
  maxHandleSeconds: 'max_handle_seconds', handleLimitAction: 'handle_limit_action', handleLimitGraceSeconds: 'handle_limit_grace_seconds',
  orphanedCallSeconds: 'orphaned_call_seconds', timeZone: 'time_zone', isoWeekday: 'iso_weekday', emergencyClosedReason: 'emergency_closed_reason',
  closedAction: 'closed_action', expiredAction: 'expired_action', fullAction: 'full_action', maxAttempts: 'max_attempts',
  retryAfterSeconds: 'retry_after_seconds', callbackOfferAfterSeconds: 'callback_offer_after_seconds',
  deferEmailBelowPriority: 'defer_email_below_priority', horizonSeconds: 'horizon_seconds', announceEverySeconds: 'announce_every_seconds',
  customer: 'same_customer_policy', lastAgentWindowSeconds: 'last_agent_window_seconds', fcrWindowSeconds: 'fcr_window_seconds',
  windowSeconds: 'window_seconds',
  qaSampling: 'qa_sampling', csatAtMost: 'csat_at_most', resolutionLimitSeconds: 'resolution_limit_seconds', followUp: 'follow_up',
  complaintDispositions: 'complaint_dispositions', unresolvedDispositions: 'unresolved_dispositions', taskQueueId: 'task_queue_id',
  atRiskShare: 'at_risk_share', escalationBoost: 'escalation_boost',
};

/**
 * The core's queue config from the proto one, validated by the router's own schema.
 * Proto zero values mean "default" where the proto says so (offer timeout, misses before away).
 * @throws RpcError INVALID_ARGUMENT naming the proto field (`queue.service_level.share`) and the rule.
 */
export function queueFromProto(q: ProtoQueue): QueueConfig {
  const kind = KIND[q.kind];
  if (!kind) throw invalid('queue.kind', 'required', 'VIP or PRIORITY is required');
  if (!q.serviceLevel) throw invalid('queue.service_level', 'required', 'required');
  if (q.strategy !== SelectionStrategy.SELECTION_STRATEGY_UNSPECIFIED && !STRATEGY[q.strategy]) throw invalid('queue.strategy', 'invalid_value', 'unknown strategy');
  // A blank team name matches no agent: a queue restricted to it would hold its contacts forever.
  const blank = (teams: readonly string[]) => teams.some((t) => t.trim() === '');
  if (blank(q.teams)) throw invalid('queue.teams', 'invalid_value', 'team names must not be empty');
  if (q.rings.some((r) => blank(r.addTeams))) throw invalid('queue.rings.add_teams', 'invalid_value', 'team names must not be empty');
  if (blank(q.dedicatedTeams)) throw invalid('queue.dedicated_teams', 'invalid_value', 'team names must not be empty');
  const candidate = {
    id: q.id,
    kind,
    serviceLevel: { share: q.serviceLevel.share, withinSeconds: q.serviceLevel.withinSeconds },
    requiredSkills: q.skills.map((s) => ({ skill: s.name, minProficiency: s.minProficiency, ...(s.optional ? { optional: true } : {}) })),
    // Proto has no "unset" for a repeated field: empty teams means any team (see Ring.add_teams).
    ...(q.teams.length > 0 ? { teams: q.teams } : {}),
    rings: q.rings.map((r) => ({
      afterSeconds: r.afterSeconds, proficiencyDrop: r.proficiencyDrop, dropOptionalSkills: r.dropOptionalSkills, addTeams: r.addTeams,
      ...(r.minProficiency > 0 ? { minProficiency: r.minProficiency } : {}),
    })),
    strategy: STRATEGY[q.strategy] ?? 'LONGEST_IDLE',
    agingRatePerSecond: q.agingPerSecond,
    ...(q.overflow?.targetQueueId ? { overflow: { targetQueueId: q.overflow.targetQueueId, afterSeconds: q.overflow.afterSeconds } } : {}),
    ...(q.maxWaitSeconds > 0 ? { maxWaitSeconds: q.maxWaitSeconds } : {}),
    ...(q.maxSize > 0 ? { maxSize: q.maxSize } : {}),
    offerTimeoutSeconds: q.offerTimeoutSeconds || 20,
    wrapUpSeconds: q.wrapUpSeconds,
    missesBeforeAway: q.missesBeforeAway || 3,
    stickyAgentWaitSeconds: q.stickyWaitSeconds,
    ...(q.dispositions.length > 0 ? { dispositions: q.dispositions } : {}),
    ...(q.maxHandleSeconds > 0 ? { maxHandleSeconds: q.maxHandleSeconds } : {}),
    ...(q.handleLimitAction !== '' ? { handleLimitAction: q.handleLimitAction } : {}),
    ...(q.handleLimitGraceSeconds > 0 ? { handleLimitGraceSeconds: q.handleLimitGraceSeconds } : {}),
    ...(q.orphanedCallSeconds > 0 ? { orphanedCallSeconds: q.orphanedCallSeconds } : {}),
    ...optionalCustomerFields(q),
    ...customerPolicyFromProto(q),
    ...(kind === 'VIP' && q.dedicatedTeams.length > 0
      ? { vipPool: { teams: q.dedicatedTeams, agentIds: [], overflowToGeneralAfterSeconds: q.generalOverflowAfterSeconds } } : {}),
  };
  if (q.overflow?.targetQueueId === q.id && q.id !== '') throw invalid('queue.overflow.target_queue_id', 'invalid_value', 'a queue cannot overflow to itself');
  const parsed = queueSchema.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = ['queue', ...issue.path.map((p) => (typeof p === 'number' ? String(p) : FIELD[String(p)] ?? String(p)))]
      .filter((p, i, all) => !(p === 'dedicated_teams' && all[i + 1] === 'general_overflow_after_seconds'));
    const field = path.filter((p) => !/^\d+$/.test(p)).join('.');
    throw invalid(field, issue.code, issue.message);
  }
  return parsed.data as QueueConfig;
}

const POLICY: Partial<Record<SameCustomerPolicy, 'SAME_AGENT' | 'NONE'>> = {
  [SameCustomerPolicy.SAME_CUSTOMER_POLICY_SAME_AGENT]: 'SAME_AGENT', [SameCustomerPolicy.SAME_CUSTOMER_POLICY_NONE]: 'NONE',
};
const POLICY_OF: Record<string, SameCustomerPolicy> = inverse(POLICY);

/** One customer across channels: the same-agent policy and the windows, where set. */
function customerPolicyFromProto(q: ProtoQueue): Partial<QueueConfig> {
  const policy = POLICY[q.sameCustomerPolicy];
  if (policy === undefined && q.lastAgentWindowSeconds === 0 && q.fcrWindowSeconds === 0) return {};
  return { customer: {
    ...(policy ? { policy } : {}),
    ...(q.lastAgentWindowSeconds > 0 ? { lastAgentWindowSeconds: q.lastAgentWindowSeconds } : {}),
    ...(q.fcrWindowSeconds > 0 ? { fcrWindowSeconds: q.fcrWindowSeconds } : {}),
  } };
}

/** The waiting customer's part of a queue (hours, actions, callback and surge policies), where set. */
function optionalCustomerFields(q: ProtoQueue): Partial<QueueConfig> {
  const hours = hoursFromProto(q.hours);
  const closedAction = customerActionFromProto(q.closedAction);
  const expiredAction = customerActionFromProto(q.expiredAction);
  const fullAction = customerActionFromProto(q.fullAction);
  const callback = callbackPolicyFromProto(q.callback);
  const surge = surgePolicyFromProto(q.surge);
  let survey: QueueConfig['survey'];
  try {
    survey = surveyPolicyFromProto(q.survey);
  } catch (error) {
    throw invalid('queue.survey.channels', 'invalid_value', (error as Error).message);
  }
  if (q.hours !== undefined && hours === undefined && (q.hours.weekly.length > 0 || q.hours.holidays.length > 0)) {
    throw invalid('queue.hours.time_zone', 'required', 'an IANA time zone such as Asia/Shanghai is required with opening hours');
  }
  return {
    ...(hours ? { hours } : {}), ...(q.emergencyClosedReason ? { emergencyClosedReason: q.emergencyClosedReason } : {}),
    ...(closedAction ? { closedAction } : {}), ...(expiredAction ? { expiredAction } : {}), ...(fullAction ? { fullAction } : {}),
    ...(callback ? { callback } : {}), ...(surge ? { surge } : {}), ...(q.announceEverySeconds > 0 ? { announceEverySeconds: q.announceEverySeconds } : {}),
    ...(survey ? { survey } : {}),
    ...(q.qaSampling ? { qaSampling: qaSamplingFromProto(q.qaSampling) } : {}),
    ...(q.resolutionLimitSeconds > 0 ? { resolutionLimitSeconds: q.resolutionLimitSeconds } : {}),
    ...(q.followUp ? { followUp: followUpFromProto(q.followUp) } : {}),
  };
}

/** A follow-up policy's set parts (empty lists and zeros are the defaults). */
function followUpFromProto(f: NonNullable<ProtoQueue['followUp']>): FollowUpPolicy {
  return {
    ...(f.intents.length > 0 ? { intents: f.intents } : {}), ...(f.complaintDispositions.length > 0 ? { complaintDispositions: f.complaintDispositions } : {}),
    ...(f.unresolvedDispositions.length > 0 ? { unresolvedDispositions: f.unresolvedDispositions } : {}), ...(f.taskQueueId ? { taskQueueId: f.taskQueueId } : {}),
    ...(f.atRiskShare > 0 ? { atRiskShare: f.atRiskShare } : {}), ...(f.escalationBoost > 0 ? { escalationBoost: f.escalationBoost } : {}),
  };
}

/** The proto form of a follow-up policy (unset parts as zero values). */
function followUpToProto(f: FollowUpPolicy): NonNullable<ProtoQueue['followUp']> {
  return { intents: [...(f.intents ?? [])], complaintDispositions: [...(f.complaintDispositions ?? [])], unresolvedDispositions: [...(f.unresolvedDispositions ?? [])],
    taskQueueId: f.taskQueueId ?? '', atRiskShare: f.atRiskShare ?? 0, escalationBoost: f.escalationBoost ?? 0 };
}

/** A QA sampling rule's set parts (proto zero values are unset). */
function qaSamplingFromProto(r: NonNullable<ProtoQueue['qaSampling']>): QaSamplingRule {
  return { ...(r.percent > 0 ? { percent: r.percent } : {}), ...(r.intents.length > 0 ? { intents: r.intents } : {}), ...(r.csatAtMost > 0 ? { csatAtMost: r.csatAtMost } : {}) };
}

/** The proto queue config of a core one, with the service's own fields (display name, version). */
export function queueToProto(c: QueueConfig, meta: { domain: string; displayName: string; version: number }): ProtoQueue {
  return {
    id: c.id,
    domain: meta.domain,
    displayName: meta.displayName,
    kind: KIND_OF[c.kind],
    serviceLevel: { share: c.serviceLevel.share, withinSeconds: c.serviceLevel.withinSeconds },
    skills: c.requiredSkills.map((s) => ({ name: s.skill, minProficiency: s.minProficiency, optional: s.optional ?? false })),
    teams: [...(c.teams ?? [])],
    rings: c.rings.map((r) => ({
      afterSeconds: r.afterSeconds, proficiencyDrop: r.proficiencyDrop ?? 0, dropOptionalSkills: r.dropOptionalSkills ?? false,
      addTeams: [...(r.addTeams ?? [])], minProficiency: r.minProficiency ?? 0,
    })),
    strategy: STRATEGY_OF[c.strategy],
    agingPerSecond: c.agingRatePerSecond,
    overflow: c.overflow ? { targetQueueId: c.overflow.targetQueueId, afterSeconds: c.overflow.afterSeconds } : undefined,
    maxWaitSeconds: c.maxWaitSeconds ?? 0,
    maxSize: c.maxSize ?? 0,
    offerTimeoutSeconds: c.offerTimeoutSeconds,
    wrapUpSeconds: c.wrapUpSeconds,
    missesBeforeAway: c.missesBeforeAway,
    stickyWaitSeconds: c.stickyAgentWaitSeconds,
    dedicatedTeams: [...(c.vipPool?.teams ?? [])],
    generalOverflowAfterSeconds: c.vipPool?.overflowToGeneralAfterSeconds ?? 0,
    dispositions: [...(c.dispositions ?? [])],
    maxHandleSeconds: c.maxHandleSeconds ?? 0,
    handleLimitAction: c.handleLimitAction ?? '',
    handleLimitGraceSeconds: c.handleLimitGraceSeconds ?? 0,
    orphanedCallSeconds: c.orphanedCallSeconds ?? 0,
    hours: c.hours && hoursToProto(c.hours),
    emergencyClosedReason: c.emergencyClosedReason ?? '',
    closedAction: c.closedAction && customerActionToProto(c.closedAction),
    expiredAction: c.expiredAction && customerActionToProto(c.expiredAction),
    fullAction: c.fullAction && customerActionToProto(c.fullAction),
    callback: c.callback,
    surge: c.surge,
    announceEverySeconds: c.announceEverySeconds ?? 0,
    sameCustomerPolicy: POLICY_OF[c.customer?.policy ?? ''] ?? SameCustomerPolicy.SAME_CUSTOMER_POLICY_UNSPECIFIED,
    lastAgentWindowSeconds: c.customer?.lastAgentWindowSeconds ?? 0,
    fcrWindowSeconds: c.customer?.fcrWindowSeconds ?? 0,
    survey: surveyPolicyToProto(c.survey),
    resolutionLimitSeconds: c.resolutionLimitSeconds ?? 0,
    followUp: c.followUp && followUpToProto(c.followUp),
    qaSampling: c.qaSampling && { percent: c.qaSampling.percent ?? 0, intents: [...(c.qaSampling.intents ?? [])], csatAtMost: c.qaSampling.csatAtMost ?? 0 },
    version: meta.version,
  };
}
