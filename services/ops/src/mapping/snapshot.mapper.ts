import { Agent, Channel as ProtoChannel, Presence as ProtoPresence, QueueStats, QueueTarget, type QueueKpis, type QueueMode } from '@switchboard/contracts';
import type { AgentView, ContactView, QueueConfig } from '@switchboard/routing-core';
import type { RouterQueueMode } from './queue-mode.mapper.js';

const PRESENCE: Record<string, ProtoPresence> = {
  OFFLINE: ProtoPresence.PRESENCE_OFFLINE, AVAILABLE: ProtoPresence.PRESENCE_AVAILABLE,
  AWAY: ProtoPresence.PRESENCE_AWAY, WRAP_UP: ProtoPresence.PRESENCE_WRAP_UP,
};
const CHANNEL: Record<string, ProtoChannel> = {
  phone: ProtoChannel.CHANNEL_PHONE, email: ProtoChannel.CHANNEL_EMAIL, chat: ProtoChannel.CHANNEL_CHAT, wechat: ProtoChannel.CHANNEL_WECHAT, task: ProtoChannel.CHANNEL_TASK,
};

/** A queue as the router's `queues` query lists it. */
export interface RouterQueue {
  readonly queueId: string;
  readonly waiting: number;
  readonly offered: number;
  readonly config?: QueueConfig;
  readonly mode?: RouterQueueMode;
}

/** The wire form of an agent as the router's engine sees it now. */
export function agentToProto(a: AgentView, domain: string): Agent {
  return Agent.fromPartial({
    id: a.id,
    domain,
    displayName: a.id,
    team: a.team,
    skills: Object.entries(a.skills).map(([name, proficiency]) => ({ name, proficiency: proficiency ?? 0 })),
    languages: [...a.languages],
    capacities: Object.entries(a.capacity).map(([channel, max]) => ({ channel: CHANNEL[channel] ?? ProtoChannel.CHANNEL_UNSPECIFIED, maxConcurrent: max ?? 0 })),
    blendWithPhone: a.allowBlendWithPhone ?? false,
    queues: a.queues.map((q) => ({ queueId: q.queueId, priority: q.priority })),
    presence: { presence: PRESENCE[a.presence] ?? ProtoPresence.PRESENCE_UNSPECIFIED, reason: a.awayReason ?? '', since: new Date(a.idleSinceMs) },
    activeContactIds: [...a.contactIds],
    idleSince: new Date(a.idleSinceMs),
    consecutiveMisses: a.consecutiveMisses,
  });
}

/** A queue's service-level goal from its configuration (80/20 when the router did not say). */
export function queueTarget(q: RouterQueue): QueueTarget {
  return QueueTarget.fromPartial({
    queueId: q.queueId,
    kind: q.config?.kind ?? 'PRIORITY',
    serviceLevelShare: q.config?.serviceLevel.share ?? 0.8,
    serviceLevelSeconds: q.config?.serviceLevel.withinSeconds ?? 20,
  });
}

/** One queue tile: live depth and oldest wait from the router, recent figures from the KPIs, open, surge and forecast from its mode. */
export function queueStats(q: RouterQueue, waiting: readonly ContactView[], agents: readonly AgentView[], recent: QueueKpis | undefined, nowMs: number,
  mode?: QueueMode, arrivalRate = Number.NaN): QueueStats {
  const serving = agents.filter((a) => a.presence !== 'OFFLINE' && a.queues.some((s) => s.queueId === q.queueId));
  const oldest = waiting.reduce((min, c) => Math.min(min, c.enqueuedAtMs), Infinity);
  return QueueStats.fromPartial({
    queueId: q.queueId,
    depth: q.waiting,
    oldestWaitSeconds: Number.isFinite(oldest) ? Math.max(0, (nowMs - oldest) / 1000) : 0,
    serviceLevel: recent?.serviceLevel ?? Number.NaN,
    asaSeconds: recent?.asaSeconds ?? Number.NaN,
    abandonRate: recent?.abandonRate ?? Number.NaN,
    firstContactResolution: recent?.firstContactResolution ?? Number.NaN,
    surveysOffered: recent?.surveysOffered ?? 0,
    surveysAnswered: recent?.surveysAnswered ?? 0,
    surveyResponseRate: recent?.surveyResponseRate ?? Number.NaN,
    csatScore: recent?.csatScore ?? Number.NaN,
    csatSatisfied: recent?.csatSatisfied ?? Number.NaN,
    agentsAvailable: serving.filter((a) => a.presence === 'AVAILABLE' && a.contactIds.length === 0).length,
    agentsBusy: serving.filter((a) => a.contactIds.length > 0).length,
    offersOpen: q.offered,
    asOf: new Date(nowMs),
    open: mode?.open ?? true,
    surgeActive: mode?.surgeActive ?? false,
    forecastServiceLevel: mode?.forecastServiceLevel ?? Number.NaN,
    arrivalRate,
  });
}
