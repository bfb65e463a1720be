import { Channel as ProtoChannel, CustomerTier as ProtoTier, type Contact } from '@switchboard/contracts';
import type { Channel, ContactInput, CustomerTier, SkillRequirement } from '@switchboard/routing-core';
import type { Classification, ContactFacts } from '../rules/classify.js';

const CHANNELS: Partial<Record<ProtoChannel, Channel>> = {
  [ProtoChannel.CHANNEL_PHONE]: 'phone',
  [ProtoChannel.CHANNEL_EMAIL]: 'email',
  [ProtoChannel.CHANNEL_CHAT]: 'chat',
  [ProtoChannel.CHANNEL_WECHAT]: 'wechat',
};

const TIERS: Partial<Record<ProtoTier, CustomerTier>> = {
  [ProtoTier.CUSTOMER_TIER_VIP_SILVER]: 'VIP1',
  [ProtoTier.CUSTOMER_TIER_VIP_GOLD]: 'VIP2',
  [ProtoTier.CUSTOMER_TIER_VIP_PLATINUM]: 'VIP3',
};

/** A contact the router cannot route, whatever it retries; the message says which field. */
export class InvalidContactError extends Error {
  override readonly name = 'InvalidContactError';
}

/** The core's channel for a proto channel. */
export function channelOf(channel: ProtoChannel): Channel {
  const mapped = CHANNELS[channel];
  if (!mapped) throw new InvalidContactError(`channel: unknown value ${channel}`);
  return mapped;
}

/** The core's channel as the proto enum. */
export function protoChannel(channel: Channel): ProtoChannel {
  // Tasks never arrive from a platform (the router opens them), so CHANNELS leaves them out.
  if (channel === 'task') return ProtoChannel.CHANNEL_TASK;
  const entry = Object.entries(CHANNELS).find(([, c]) => c === channel);
  return entry ? (Number(entry[0]) as ProtoChannel) : ProtoChannel.CHANNEL_UNSPECIFIED;
}

/** What the routing rules look at, from a proto contact. */
export function factsOf(contact: Contact): ContactFacts {
  if (!contact.id) throw new InvalidContactError('id: required');
  const language = contact.customer?.language || contact.requirements?.language || undefined;
  return {
    channel: channelOf(contact.channel),
    tier: TIERS[contact.customer?.tier ?? ProtoTier.CUSTOMER_TIER_UNSPECIFIED] ?? 'STANDARD',
    ...(language ? { language } : {}),
    ...(contact.intent ? { intent: contact.intent } : {}),
    attributes: Object.fromEntries(contact.attributes.map((a) => [a.key, a.value])),
  };
}

/** The core's arrival input: the proto contact, classified by the rules. */
export function contactInputOf(contact: Contact, domain: string, facts: ContactFacts, route: Classification, nowMs: number): ContactInput {
  const skills: SkillRequirement[] = [
    ...route.requiredSkills,
    ...(contact.requirements?.skills ?? []).map((s) => ({ skill: s.name, minProficiency: s.minProficiency, optional: s.optional })),
  ];
  for (const s of skills) {
    if (!s.skill || s.minProficiency < 1 || s.minProficiency > 5) throw new InvalidContactError(`requirements.skills: "${s.skill}" needs a name and a proficiency 1..5`);
  }
  const arrivedAtMs = contact.receivedAt?.getTime();
  return {
    id: contact.id,
    domain,
    channel: facts.channel,
    queueId: route.queueId,
    basePriority: route.basePriority + contact.priority,
    tier: facts.tier,
    ...(facts.language ? { language: facts.language } : {}),
    ...(facts.intent ? { intent: facts.intent } : {}),
    ...(skills.length > 0 ? { requiredSkills: skills } : {}),
    ...(contact.preferredAgentId ? { preferredAgentId: contact.preferredAgentId } : {}),
    ...(contact.conversationId ? { conversationId: contact.conversationId } : {}),
    // A platform clock ahead of ours must not make the contact younger than zero.
    arrivedAtMs: arrivedAtMs !== undefined && Number.isFinite(arrivedAtMs) ? Math.min(arrivedAtMs, nowMs) : nowMs,
  };
}
