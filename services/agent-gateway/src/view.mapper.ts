import {
  Channel as ProtoChannel,
  ContactState as ProtoState,
  CustomerTier as ProtoTier,
  Presence as ProtoPresence,
  type Agent,
  type Contact,
} from '@switchboard/contracts';
import type { AgentView, Channel, ContactView, CustomerTier, Presence } from '@switchboard/routing-core';

export const CHANNEL: Record<Channel, ProtoChannel> = {
  phone: ProtoChannel.CHANNEL_PHONE,
  email: ProtoChannel.CHANNEL_EMAIL,
  chat: ProtoChannel.CHANNEL_CHAT,
  wechat: ProtoChannel.CHANNEL_WECHAT,
  task: ProtoChannel.CHANNEL_TASK,
};
const TIER: Record<CustomerTier, ProtoTier> = {
  STANDARD: ProtoTier.CUSTOMER_TIER_STANDARD,
  VIP1: ProtoTier.CUSTOMER_TIER_VIP_SILVER,
  VIP2: ProtoTier.CUSTOMER_TIER_VIP_GOLD,
  VIP3: ProtoTier.CUSTOMER_TIER_VIP_PLATINUM,
};
/** The proto presence of a core presence. */
export const PRESENCE: Record<Presence, ProtoPresence> = {
  OFFLINE: ProtoPresence.PRESENCE_OFFLINE,
  AVAILABLE: ProtoPresence.PRESENCE_AVAILABLE,
  AWAY: ProtoPresence.PRESENCE_AWAY,
  WRAP_UP: ProtoPresence.PRESENCE_WRAP_UP,
};

/** Attribute carrying the queues a contact went through before its current one (transfers, overflows). */
export const QUEUE_HISTORY_ATTRIBUTE = 'queue_history';

/**
 * The desktop's view of a live contact from the router's `contact` query. Age (`received_at`)
 * is the first arrival, which transfers keep; `queued_at` is entry into the current queue.
 * `context` (customer ids, channel ids, summary, earlier contacts of the conversation) is merged
 * in when the gateway knows it.
 */
export function contactToProto(view: ContactView, context?: Contact): Contact {
  return {
    id: view.id,
    channel: CHANNEL[view.channel] ?? ProtoChannel.CHANNEL_UNSPECIFIED,
    domain: view.domain,
    customer: { id: '', displayName: '', phoneNumber: '', emailAddress: '', segment: '', ...context?.customer, tier: TIER[view.tier], language: view.language ?? context?.customer?.language ?? '' },
    intent: view.intent ?? '',
    priority: view.basePriority,
    requirements: { skills: (view.requiredSkills ?? []).map((s) => ({ name: s.skill, minProficiency: s.minProficiency, optional: s.optional ?? false })), language: view.language ?? '' },
    preferredAgentId: view.preferredAgentId ?? '',
    conversationId: view.conversationId ?? '',
    channelIds: context?.channelIds,
    attributes: [...(context?.attributes ?? []), ...(view.history.length > 0 ? [{ key: QUEUE_HISTORY_ATTRIBUTE, value: view.history.join(',') }] : [])],
    state: ProtoState[`CONTACT_STATE_${view.state}`],
    queueId: view.queueId,
    receivedAt: new Date(view.arrivedAtMs),
    queuedAt: new Date(view.enqueuedAtMs),
    connectedAt: undefined,
    endedAt: undefined,
    summary: context?.summary ?? '',
    attachments: context?.attachments ?? [],
    customerKey: view.customerKey ?? context?.customerKey ?? '',
    customerContacts: context?.customerContacts ?? [],
    historyContactIds: context?.historyContactIds ?? [],
  };
}

/** The desktop's view of an agent from the router's `agent` query. */
export function agentToProto(view: AgentView, domain: string, displayName: string): Agent {
  return {
    id: view.id,
    domain,
    displayName,
    team: view.team,
    skills: Object.entries(view.skills).map(([name, proficiency]) => ({ name, proficiency })),
    languages: [...view.languages],
    capacities: Object.entries(view.capacity).map(([channel, max]) => ({ channel: CHANNEL[channel as Channel], maxConcurrent: max ?? 0 })),
    blendWithPhone: view.allowBlendWithPhone ?? false,
    queues: view.queues.map((q) => ({ queueId: q.queueId, priority: q.priority })),
    presence: { presence: PRESENCE[view.presence], reason: view.awayReason ?? '', since: undefined },
    activeContactIds: [...view.contactIds],
    idleSince: new Date(view.idleSinceMs),
    consecutiveMisses: view.consecutiveMisses,
  };
}
