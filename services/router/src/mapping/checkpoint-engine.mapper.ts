import {
  Channel as ProtoChannel, ContactState as ProtoContactState, CustomerTier as ProtoTier, PassReason as ProtoPassReason,
  Presence as ProtoPresence, QueueKind as ProtoQueueKind, SelectionStrategy as ProtoStrategy, TimerKind as ProtoTimerKind,
  Unavailability as ProtoUnavailability,
  type AgentImage as ProtoAgent, type AgentProfileImage, type ChannelCount, type ContactImage as ProtoContact, type ContactInputImage,
  type EngineImage as ProtoEngine, type GroupImage as ProtoGroup, type MembershipImage as ProtoMembership, type PlaceImage as ProtoPlace,
  type QueueConfigImage, type QueueImage as ProtoQueue, type RingImage, type SkillRequirementImage, type UnavailableCount,
} from '@switchboard/contracts';
import { customerActionFromProto, customerActionToProto, hoursFromProto, hoursToProto, surveyPolicyFromProto, surveyPolicyToProto } from '@switchboard/router-api';
import {
  CHANNELS, ContactState, emptyLoad, PassReason, Presence, QueueKind, SelectionStrategy, TimerKind,
  type AgentImage, type AgentProfile, type AgentSkills, type Channel, type ChannelCapacity, type ChannelLoad, type ContactImage,
  type ContactInput, type CustomerTier, type HoldReason, type SurgeSource, type EngineImage, type GroupImage, type LimitAction, type MembershipImage, type PlaceImage, type QueueConfig,
  type QueueImage, type Ring, type SkillRequirement, type SurveyPolicy, type Unavailability, type CustomerPolicy, type CustomerPreferenceReason,
} from '@switchboard/routing-core';

/**
 * The engine image of a checkpoint, to and from its proto messages (`checkpoint.proto`), field
 * for field: see that file's conventions. Decoding checks every enum and every required message
 * and double, and keeps collections and record keys in their stored order.
 */

/** A checkpoint this router cannot read or write: an unknown format, corrupt bytes, a value with no mapping. */
export class CheckpointFormatError extends Error {
  override readonly name = 'CheckpointFormatError';
}

type Writable<T> = { -readonly [K in keyof T]: T[K] };

/** A required field. @throws CheckpointFormatError when it is missing */
export function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new CheckpointFormatError(`${what}: missing`);
  return value;
}

/** Both directions between a core string union and a proto enum; each throws CheckpointFormatError for a value it has no mapping for. */
export interface EnumCodec<T extends string, P extends number> {
  toProto(value: T): P;
  fromProto(value: number): T;
}

function enumCodec<T extends string, P extends number>(what: string, pairs: Readonly<Record<T, P>>): EnumCodec<T, P> {
  const to = new Map<string, P>(Object.entries(pairs) as [T, P][]);
  const from: T[] = [];
  for (const [value, n] of to) from[n] = value as T;
  return {
    toProto(value) {
      const n = to.get(value);
      if (n === undefined) throw new CheckpointFormatError(`${what}: no encoding for ${JSON.stringify(value)}`);
      return n;
    },
    fromProto(n) {
      const value = from[n];
      if (value === undefined) throw new CheckpointFormatError(`${what}: unknown value ${n}`);
      return value;
    },
  };
}

/** The pairs of a proto enum that spells each core value as `PREFIX_VALUE` (checked when the module loads). */
function prefixed<T extends string, P extends number>(protoEnum: Record<string, string | number>, prefix: string, values: readonly T[]): Record<T, P> {
  const pairs = {} as Record<T, P>;
  for (const value of values) {
    const n = protoEnum[prefix + value.toUpperCase()];
    if (typeof n !== 'number') throw new Error(`checkpoint mapper: ${prefix}${value.toUpperCase()} is not in the proto enum`);
    pairs[value] = n as P;
  }
  return pairs;
}

const CHANNEL = enumCodec('channel', prefixed<Channel, ProtoChannel>(ProtoChannel, 'CHANNEL_', CHANNELS));
const PRESENCE = enumCodec('presence', prefixed<Presence, ProtoPresence>(ProtoPresence, 'PRESENCE_', Object.values(Presence)));
const STATE = enumCodec('contact state', prefixed<ContactState, ProtoContactState>(ProtoContactState, 'CONTACT_STATE_', Object.values(ContactState)));
const PASS_REASON = enumCodec('pass reason', prefixed<PassReason, ProtoPassReason>(ProtoPassReason, 'PASS_REASON_', Object.values(PassReason)));
const UNAVAILABILITY = enumCodec('unavailability',
  prefixed<Unavailability, ProtoUnavailability>(ProtoUnavailability, 'UNAVAILABILITY_', ['PRESENCE', 'CAPACITY', 'BLENDING']));
const QUEUE_KIND = enumCodec('queue kind', prefixed<QueueKind, ProtoQueueKind>(ProtoQueueKind, 'QUEUE_KIND_', Object.values(QueueKind)));
const STRATEGY = enumCodec('selection strategy', prefixed<SelectionStrategy, ProtoStrategy>(ProtoStrategy, 'SELECTION_STRATEGY_', Object.values(SelectionStrategy)));
/** As the contact mapper reads a contact's tier. */
const TIER = enumCodec<CustomerTier, ProtoTier>('customer tier', {
  STANDARD: ProtoTier.CUSTOMER_TIER_STANDARD, VIP1: ProtoTier.CUSTOMER_TIER_VIP_SILVER,
  VIP2: ProtoTier.CUSTOMER_TIER_VIP_GOLD, VIP3: ProtoTier.CUSTOMER_TIER_VIP_PLATINUM,
});
export const TIMER_KIND = enumCodec('timer kind', prefixed<TimerKind, ProtoTimerKind>(ProtoTimerKind, 'TIMER_KIND_', Object.values(TimerKind)));

/** The encoder only reads the arrays it is handed, so the core's readonly arrays are passed as they are. */
const list = <T>(items: readonly T[]): T[] => items as T[];

/** Sets an own property, `__proto__` included (a skill may be named anything). */
function setOwn(record: Record<string, number>, key: string, value: number): void {
  if (key === '__proto__') Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
  else record[key] = value;
}

function keyedOnce(record: object, key: string, what: string): void {
  if (Object.prototype.hasOwnProperty.call(record, key)) throw new CheckpointFormatError(`${what} ${key}: listed twice`);
}

// ---- records keyed by channel, skill or reason: entries in key order ----

function channelCounts(record: ChannelCapacity | ChannelLoad): ChannelCount[] {
  const out: ChannelCount[] = [];
  for (const [channel, count] of Object.entries(record)) if (count !== undefined) out.push({ channel: CHANNEL.toProto(channel as Channel), count });
  return out;
}

function channelRecord(entries: readonly ChannelCount[]): Partial<Record<Channel, number>> {
  const out: Partial<Record<Channel, number>> = {};
  for (const e of entries) {
    const channel = CHANNEL.fromProto(e.channel);
    keyedOnce(out, channel, 'channel');
    out[channel] = e.count;
  }
  return out;
}

function skillLevels(skills: AgentSkills): { skill: string; proficiency: number }[] {
  return Object.entries(skills).map(([skill, proficiency]) => ({ skill, proficiency }));
}

function skillRecord(entries: readonly { skill: string; proficiency: number }[]): AgentSkills {
  const out: Record<string, number> = {};
  for (const e of entries) {
    keyedOnce(out, e.skill, 'skill');
    setOwn(out, e.skill, e.proficiency);
  }
  return out;
}

function unavailableCounts(record: Readonly<Record<Unavailability, number>>): UnavailableCount[] {
  return Object.entries(record).map(([reason, count]) => ({ reason: UNAVAILABILITY.toProto(reason as Unavailability), count }));
}

function unavailableRecord(entries: readonly UnavailableCount[]): Record<Unavailability, number> {
  const out: Partial<Record<Unavailability, number>> = {};
  for (const e of entries) {
    const reason = UNAVAILABILITY.fromProto(e.reason);
    keyedOnce(out, reason, 'unavailability');
    out[reason] = e.count;
  }
  return out as Record<Unavailability, number>;
}

// ---- skills, rings, queue configs ----

/** SkillRequirement has SkillRequirementImage's shape: encoding reads the core's objects as they are. */
const skills = (items: readonly SkillRequirement[]): SkillRequirementImage[] => list(items);

function skillFromProto(p: SkillRequirementImage): SkillRequirement {
  return p.optional === undefined
    ? { skill: p.skill, minProficiency: p.minProficiency }
    : { skill: p.skill, minProficiency: p.minProficiency, optional: p.optional };
}

function ringToProto(r: Ring): RingImage {
  return {
    afterSeconds: r.afterSeconds, proficiencyDrop: r.proficiencyDrop, minProficiency: r.minProficiency,
    dropOptionalSkills: r.dropOptionalSkills, addTeams: r.addTeams && { values: list(r.addTeams) },
  };
}

function ringFromProto(p: RingImage): Ring {
  const r: Writable<Ring> = { afterSeconds: need(p.afterSeconds, 'ring.after_seconds') };
  if (p.proficiencyDrop !== undefined) r.proficiencyDrop = p.proficiencyDrop;
  if (p.minProficiency !== undefined) r.minProficiency = p.minProficiency;
  if (p.dropOptionalSkills !== undefined) r.dropOptionalSkills = p.dropOptionalSkills;
  if (p.addTeams !== undefined) r.addTeams = p.addTeams.values;
  return r;
}

function configToProto(c: QueueConfig): QueueConfigImage {
  const { overflow, vipPool } = c;
  return {
    id: c.id, kind: QUEUE_KIND.toProto(c.kind), serviceLevel: c.serviceLevel, requiredSkills: skills(c.requiredSkills),
    teams: c.teams && { values: list(c.teams) }, rings: c.rings.map(ringToProto), strategy: STRATEGY.toProto(c.strategy),
    agingRatePerSecond: c.agingRatePerSecond, overflow, maxWaitSeconds: c.maxWaitSeconds, maxSize: c.maxSize,
    offerTimeoutSeconds: c.offerTimeoutSeconds, wrapUpSeconds: c.wrapUpSeconds, missesBeforeAway: c.missesBeforeAway,
    stickyAgentWaitSeconds: c.stickyAgentWaitSeconds, dispositions: c.dispositions && { values: list(c.dispositions) },
    maxHandleSeconds: c.maxHandleSeconds, handleLimitAction: c.handleLimitAction, handleLimitGraceSeconds: c.handleLimitGraceSeconds,
    orphanedCallSeconds: c.orphanedCallSeconds,
    hours: c.hours && hoursToProto(c.hours), emergencyClosedReason: c.emergencyClosedReason,
    closedAction: c.closedAction && customerActionToProto(c.closedAction), expiredAction: c.expiredAction && customerActionToProto(c.expiredAction),
    fullAction: c.fullAction && customerActionToProto(c.fullAction), callback: c.callback, surge: c.surge, announceEverySeconds: c.announceEverySeconds,
    customer: c.customer && { policy: c.customer.policy ?? '', lastAgentWindowSeconds: c.customer.lastAgentWindowSeconds ?? 0, fcrWindowSeconds: c.customer.fcrWindowSeconds ?? 0 },
    survey: surveyPolicyToProto(c.survey),
    resolutionLimitSeconds: c.resolutionLimitSeconds,
    followUp: c.followUp && { intents: list(c.followUp.intents ?? []), complaintDispositions: list(c.followUp.complaintDispositions ?? []),
      unresolvedDispositions: list(c.followUp.unresolvedDispositions ?? []), taskQueueId: c.followUp.taskQueueId ?? '',
      atRiskShare: c.followUp.atRiskShare ?? 0, escalationBoost: c.followUp.escalationBoost ?? 0 },
    qaSampling: c.qaSampling && { percent: c.qaSampling.percent ?? 0, intents: list(c.qaSampling.intents ?? []), csatAtMost: c.qaSampling.csatAtMost ?? 0 },
    vipPool: vipPool && { teams: list(vipPool.teams), agentIds: list(vipPool.agentIds), overflowToGeneralAfterSeconds: vipPool.overflowToGeneralAfterSeconds },
  };
}

function surveyFromProto(p: NonNullable<QueueConfigImage['survey']>): SurveyPolicy {
  try {
    return need(surveyPolicyFromProto(p), 'queue.survey');
  } catch (error) {
    if (error instanceof RangeError) throw new CheckpointFormatError(`queue.${error.message}`);
    throw error;
  }
}

function limitActionFromProto(action: string): LimitAction {
  if (action === 'REQUEUE' || action === 'END') return action;
  throw new CheckpointFormatError(`queue.handle_limit_action: unknown action ${action}`);
}

function configFromProto(p: QueueConfigImage): QueueConfig {
  const sl = need(p.serviceLevel, 'queue.service_level');
  const c: Writable<QueueConfig> = {
    id: p.id, kind: QUEUE_KIND.fromProto(p.kind),
    serviceLevel: { share: need(sl.share, 'service_level.share'), withinSeconds: need(sl.withinSeconds, 'service_level.within_seconds') },
    requiredSkills: p.requiredSkills.map(skillFromProto), rings: p.rings.map(ringFromProto), strategy: STRATEGY.fromProto(p.strategy),
    agingRatePerSecond: need(p.agingRatePerSecond, 'queue.aging_rate_per_second'),
    offerTimeoutSeconds: need(p.offerTimeoutSeconds, 'queue.offer_timeout_seconds'), wrapUpSeconds: need(p.wrapUpSeconds, 'queue.wrap_up_seconds'),
    missesBeforeAway: p.missesBeforeAway, stickyAgentWaitSeconds: need(p.stickyAgentWaitSeconds, 'queue.sticky_agent_wait_seconds'),
  };
  if (p.teams !== undefined) c.teams = p.teams.values;
  if (p.overflow !== undefined) c.overflow = { targetQueueId: p.overflow.targetQueueId, afterSeconds: need(p.overflow.afterSeconds, 'overflow.after_seconds') };
  if (p.maxWaitSeconds !== undefined) c.maxWaitSeconds = p.maxWaitSeconds;
  if (p.maxSize !== undefined) c.maxSize = p.maxSize;
  if (p.dispositions !== undefined) c.dispositions = p.dispositions.values;
  if (p.maxHandleSeconds !== undefined) c.maxHandleSeconds = p.maxHandleSeconds;
  if (p.handleLimitAction !== undefined) c.handleLimitAction = limitActionFromProto(p.handleLimitAction);
  if (p.handleLimitGraceSeconds !== undefined) c.handleLimitGraceSeconds = p.handleLimitGraceSeconds;
  if (p.orphanedCallSeconds !== undefined) c.orphanedCallSeconds = p.orphanedCallSeconds;
  const hours = hoursFromProto(p.hours);
  if (hours !== undefined) c.hours = hours;
  if (p.emergencyClosedReason !== undefined) c.emergencyClosedReason = p.emergencyClosedReason;
  const closed = customerActionFromProto(p.closedAction);
  if (closed !== undefined) c.closedAction = closed;
  const expired = customerActionFromProto(p.expiredAction);
  if (expired !== undefined) c.expiredAction = expired;
  const full = customerActionFromProto(p.fullAction);
  if (full !== undefined) c.fullAction = full;
  if (p.callback !== undefined) c.callback = { maxAttempts: p.callback.maxAttempts, retryAfterSeconds: p.callback.retryAfterSeconds };
  if (p.surge !== undefined) {
    c.surge = { auto: p.surge.auto, callbackOfferAfterSeconds: p.surge.callbackOfferAfterSeconds, deferEmailBelowPriority: p.surge.deferEmailBelowPriority, horizonSeconds: p.surge.horizonSeconds };
  }
  if (p.announceEverySeconds !== undefined) c.announceEverySeconds = p.announceEverySeconds;
  if (p.customer !== undefined) c.customer = customerPolicyFromImage(p.customer);
  if (p.survey !== undefined) c.survey = surveyFromProto(p.survey);
  if (p.resolutionLimitSeconds !== undefined) c.resolutionLimitSeconds = p.resolutionLimitSeconds;
  if (p.followUp !== undefined) {
    const f = p.followUp;
    c.followUp = {
      ...(f.intents.length > 0 ? { intents: f.intents } : {}), ...(f.complaintDispositions.length > 0 ? { complaintDispositions: f.complaintDispositions } : {}),
      ...(f.unresolvedDispositions.length > 0 ? { unresolvedDispositions: f.unresolvedDispositions } : {}), ...(f.taskQueueId ? { taskQueueId: f.taskQueueId } : {}),
      ...(f.atRiskShare > 0 ? { atRiskShare: f.atRiskShare } : {}), ...(f.escalationBoost > 0 ? { escalationBoost: f.escalationBoost } : {}),
    };
  }
  if (p.qaSampling !== undefined) {
    const r = p.qaSampling;
    c.qaSampling = { ...(r.percent > 0 ? { percent: r.percent } : {}), ...(r.intents.length > 0 ? { intents: r.intents } : {}), ...(r.csatAtMost > 0 ? { csatAtMost: r.csatAtMost } : {}) };
  }
  const pool = p.vipPool;
  if (pool !== undefined) {
    c.vipPool = { teams: pool.teams, agentIds: pool.agentIds, overflowToGeneralAfterSeconds: need(pool.overflowToGeneralAfterSeconds, 'vip_pool.overflow_to_general_after_seconds') };
  }
  return c;
}

function customerPolicyFromImage(p: NonNullable<QueueConfigImage['customer']>): CustomerPolicy {
  if (p.policy !== '' && p.policy !== 'SAME_AGENT' && p.policy !== 'NONE') throw new CheckpointFormatError(`queue.customer.policy: unknown policy ${p.policy}`);
  return {
    ...(p.policy !== '' ? { policy: p.policy } : {}),
    ...(p.lastAgentWindowSeconds > 0 ? { lastAgentWindowSeconds: p.lastAgentWindowSeconds } : {}),
    ...(p.fcrWindowSeconds > 0 ? { fcrWindowSeconds: p.fcrWindowSeconds } : {}),
  };
}

// ---- queues and groups ----

function groupToProto(g: GroupImage): ProtoGroup {
  return {
    key: g.key, channel: CHANNEL.toProto(g.channel), language: g.language, skills: skills(g.skills),
    bucketMembers: g.bucketMembers.map((agentIds) => ({ agentIds: list(agentIds) })),
    bucketUnavailable: g.bucketUnavailable.map((counts) => ({ counts: unavailableCounts(counts) })),
    ineligible: g.ineligible.map((i) => ({ agentId: i.agentId, reason: PASS_REASON.toProto(i.reason) })),
    ineligibleCounts: g.ineligibleCounts.map((i) => ({ reason: PASS_REASON.toProto(i.reason), count: i.count })),
  };
}

function groupFromProto(p: ProtoGroup): GroupImage {
  const g: Writable<GroupImage> = {
    key: p.key, channel: CHANNEL.fromProto(p.channel), skills: p.skills.map(skillFromProto),
    bucketMembers: p.bucketMembers.map((b) => b.agentIds), bucketUnavailable: p.bucketUnavailable.map((b) => unavailableRecord(b.counts)),
    ineligible: p.ineligible.map((i) => ({ agentId: i.agentId, reason: PASS_REASON.fromProto(i.reason) })),
    ineligibleCounts: p.ineligibleCounts.map((i) => ({ reason: PASS_REASON.fromProto(i.reason), count: i.count })),
  };
  if (p.language !== undefined) g.language = p.language;
  return g;
}

function queueToProto(q: QueueImage): ProtoQueue {
  return { config: configToProto(q.config), waiting: q.waiting, offered: q.offered, offerOrdinal: q.offerOrdinal, groups: q.groups.map(groupToProto),
    hours: q.hours, surge: q.surge };
}

function queueFromProto(p: ProtoQueue): QueueImage {
  return {
    config: configFromProto(need(p.config, 'queue.config')), waiting: p.waiting, offered: p.offered, offerOrdinal: p.offerOrdinal,
    groups: p.groups.map(groupFromProto),
    // Format 1 had neither: its queues were open and not surging.
    hours: p.hours === undefined ? { open: true, token: 0 }
      : { open: p.hours.open, ...(p.hours.nextChangeMs === undefined ? {} : { nextChangeMs: p.hours.nextChangeMs }), token: p.hours.token },
    surge: p.surge === undefined ? { active: false, pinned: false, sinceMs: 0 }
      : { active: p.surge.active, pinned: p.surge.pinned, ...(p.surge.source === undefined ? {} : { source: p.surge.source as SurgeSource }), sinceMs: p.surge.sinceMs },
  };
}

// ---- agents ----

function profileToProto(a: AgentProfile): AgentProfileImage {
  return {
    id: a.id, skills: skillLevels(a.skills), languages: list(a.languages), team: a.team, capacity: channelCounts(a.capacity),
    allowBlendWithPhone: a.allowBlendWithPhone, queues: list(a.queues),
  };
}

function profileFromProto(p: AgentProfileImage): AgentProfile {
  const a: Writable<AgentProfile> = {
    id: p.id, skills: skillRecord(p.skills), languages: p.languages, team: p.team, capacity: channelRecord(p.capacity),
    queues: p.queues.map((q) => ({ queueId: q.queueId, priority: q.priority })),
  };
  if (p.allowBlendWithPhone !== undefined) a.allowBlendWithPhone = p.allowBlendWithPhone;
  return a;
}

function membershipToProto(m: MembershipImage): ProtoMembership {
  return {
    queueId: m.queueId, groupKey: m.groupKey, minRing: m.minRing, inPool: m.inPool, bucket: m.bucket, score: m.score, entry: m.entry,
    unavailable: m.unavailable === undefined ? undefined : UNAVAILABILITY.toProto(m.unavailable),
  };
}

function membershipFromProto(p: ProtoMembership): MembershipImage {
  const m: Writable<MembershipImage> = {
    queueId: p.queueId, groupKey: p.groupKey, minRing: p.minRing, inPool: p.inPool, bucket: p.bucket, score: need(p.score, 'membership.score'),
  };
  if (p.entry !== undefined) m.entry = { k1: need(p.entry.k1, 'membership.entry.k1'), k2: need(p.entry.k2, 'membership.entry.k2') };
  if (p.unavailable !== undefined) m.unavailable = UNAVAILABILITY.fromProto(p.unavailable);
  return m;
}

function agentToProto(a: AgentImage): ProtoAgent {
  return {
    profile: profileToProto(a.profile), presence: PRESENCE.toProto(a.presence), awayReason: a.awayReason, idleSinceMs: a.idleSinceMs,
    load: channelCounts(a.load), misses: a.misses, contactIds: list(a.contactIds), lastOffer: list(a.lastOffer),
    memberships: a.memberships.map(membershipToProto), stickyQueues: list(a.stickyQueues),
  };
}

function agentFromProto(p: ProtoAgent): AgentImage {
  const a: Writable<AgentImage> = {
    profile: profileFromProto(need(p.profile, 'agent.profile')), presence: PRESENCE.fromProto(p.presence), idleSinceMs: p.idleSinceMs,
    // A checkpoint from before a channel existed has no count for it: zero.
    load: { ...emptyLoad(), ...channelRecord(p.load) } as ChannelLoad, misses: p.misses, contactIds: p.contactIds,
    lastOffer: p.lastOffer.map((l) => ({ queueId: l.queueId, ordinal: l.ordinal })),
    memberships: p.memberships.map(membershipFromProto), stickyQueues: p.stickyQueues,
  };
  if (p.awayReason !== undefined) a.awayReason = p.awayReason;
  return a;
}

// ---- contacts: one per live contact, the part whose cost counts ----

function inputToProto(i: ContactInput): ContactInputImage {
  return {
    id: i.id, domain: i.domain, channel: CHANNEL.toProto(i.channel), queueId: i.queueId, basePriority: i.basePriority,
    tier: TIER.toProto(i.tier), language: i.language, intent: i.intent, requiredSkills: i.requiredSkills && { items: skills(i.requiredSkills) },
    preferredAgentId: i.preferredAgentId, conversationId: i.conversationId, arrivedAtMs: i.arrivedAtMs,
    customerKey: i.customerKey, customerPreference: i.customerPreference,
  };
}

function inputFromProto(p: ContactInputImage): ContactInput {
  const i: Writable<ContactInput> = {
    id: p.id, domain: p.domain, channel: CHANNEL.fromProto(p.channel), queueId: p.queueId,
    basePriority: need(p.basePriority, 'contact.base_priority'), tier: TIER.fromProto(p.tier), arrivedAtMs: p.arrivedAtMs,
  };
  if (p.language !== undefined) i.language = p.language;
  if (p.intent !== undefined) i.intent = p.intent;
  if (p.requiredSkills !== undefined) i.requiredSkills = p.requiredSkills.items.map(skillFromProto);
  if (p.preferredAgentId !== undefined) i.preferredAgentId = p.preferredAgentId;
  if (p.conversationId !== undefined) i.conversationId = p.conversationId;
  if (p.customerKey !== undefined) i.customerKey = p.customerKey;
  if (p.customerPreference !== undefined) i.customerPreference = { ...p.customerPreference, because: preferenceReason(p.customerPreference.because) };
  return i;
}

function preferenceReason(because: string): CustomerPreferenceReason {
  if (because === 'HOLDS_LIVE_CONTACT' || because === 'LAST_SERVED') return because;
  throw new CheckpointFormatError(`contact.customer_preference.because: unknown reason ${because}`);
}

/** Both kinds of place have their proto message's fields (plus `kind`, which the encoder ignores). */
const placeToProto = (p: PlaceImage): ProtoPlace => (p.kind === 'bucket' ? { bucket: p } : { sticky: p });

function placeFromProto(p: ProtoPlace): PlaceImage {
  if (p.bucket !== undefined) return { kind: 'bucket', queueId: p.bucket.queueId, groupKey: p.bucket.groupKey, index: p.bucket.index };
  if (p.sticky !== undefined) return { kind: 'sticky', agentId: p.sticky.agentId, queueId: p.sticky.queueId };
  throw new CheckpointFormatError('contact.place: neither a bucket nor a sticky list');
}

/** One live contact's proto message (exported for the checkpoint encoder's slices). */
export function contactToProto(c: ContactImage): ProtoContact {
  return {
    input: inputToProto(c.input), arrivalSeq: c.arrivalSeq, arrivedAtMs: c.arrivedAtMs, queueId: c.queueId, state: STATE.toProto(c.state),
    enqueuedAtMs: c.enqueuedAtMs, entryToken: c.entryToken, key: c.key, ring: c.ring, poolOpen: c.poolOpen,
    preferredAgentId: c.preferredAgentId, stickyAgentId: c.stickyAgentId, group: c.group, place: c.place && placeToProto(c.place),
    agentId: c.agentId, offerToken: c.offerToken, offeredAtMs: c.offeredAtMs, connectedAtMs: c.connectedAtMs,
    wrapStartMs: c.wrapStartMs, declinedBy: list(c.declinedBy), history: list(c.history), outcomePending: c.outcomePending === true,
    callback: c.callback, hold: c.hold, callbackOffered: c.callbackOffered === true, escalated: c.escalated === true,
  };
}

/** One live contact's image (exported for the checkpoint decoder's slices). */
export function contactFromProto(p: ProtoContact): ContactImage {
  const c: Writable<ContactImage> = {
    input: inputFromProto(need(p.input, 'contact.input')), arrivalSeq: p.arrivalSeq, arrivedAtMs: p.arrivedAtMs, queueId: p.queueId,
    state: STATE.fromProto(p.state), enqueuedAtMs: p.enqueuedAtMs, entryToken: p.entryToken, key: need(p.key, 'contact.key'),
    ring: p.ring, poolOpen: p.poolOpen, offeredAtMs: p.offeredAtMs, connectedAtMs: p.connectedAtMs, wrapStartMs: p.wrapStartMs,
    declinedBy: p.declinedBy.map((d) => ({ agentId: d.agentId, untilMs: d.untilMs, token: d.token })), history: p.history,
  };
  if (p.outcomePending) c.outcomePending = true;
  if (p.callback !== undefined) c.callback = { number: p.callback.number, attempts: p.callback.attempts };
  if (p.hold !== undefined) c.hold = { reason: p.hold.reason as HoldReason, ...(p.hold.untilMs === undefined ? {} : { untilMs: p.hold.untilMs }) };
  if (p.callbackOffered) c.callbackOffered = true;
  if (p.escalated) c.escalated = true;
  if (p.preferredAgentId !== undefined) c.preferredAgentId = p.preferredAgentId;
  if (p.stickyAgentId !== undefined) c.stickyAgentId = p.stickyAgentId;
  if (p.group !== undefined) c.group = { queueId: p.group.queueId, key: p.group.key };
  if (p.place !== undefined) c.place = placeFromProto(p.place);
  if (p.agentId !== undefined) c.agentId = p.agentId;
  if (p.offerToken !== undefined) c.offerToken = p.offerToken;
  return c;
}

// ---- the engine ----

/** The proto message of an engine image. @throws CheckpointFormatError for a union value it has no enum value for */
export function engineToProto(e: EngineImage): ProtoEngine {
  return {
    seq: e.seq, nextToken: e.nextToken, nextArrival: e.nextArrival, nowMs: e.nowMs,
    queues: e.queues.map(queueToProto), agents: e.agents.map(agentToProto), contacts: e.contacts.map(contactToProto),
    servers: e.servers.map((s) => ({ queueId: s.queueId, agentIds: list(s.agentIds) })),
    surveys: (e.surveys ?? []).map((s) => ({ ...s, channel: CHANNEL.toProto(s.channel) })),
  };
}

/** The engine image of a proto message. @throws CheckpointFormatError for a value it cannot map */
export function engineFromProto(p: ProtoEngine): EngineImage {
  return {
    seq: p.seq, nextToken: p.nextToken, nextArrival: p.nextArrival, nowMs: p.nowMs,
    queues: p.queues.map(queueFromProto), agents: p.agents.map(agentFromProto), contacts: p.contacts.map(contactFromProto),
    servers: p.servers.map((s) => ({ queueId: s.queueId, agentIds: s.agentIds })),
    surveys: p.surveys.map((s) => ({ ...s, channel: CHANNEL.fromProto(s.channel) })),
  };
}
