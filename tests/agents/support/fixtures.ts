import { Channel, CustomerTier, EnqueueRequest, type EnqueueResponse } from '@switchboard/contracts';
import { call, type Mesh } from './mesh.js';

/** Queues of the agents tests: a general PRIORITY queue and a VIP queue, short timers. */
export function agentRules(): Record<string, unknown> {
  return {
    version: 'agents-1',
    queues: [
      { id: 'general', kind: 'PRIORITY', serviceLevel: { share: 0.8, withinSeconds: 20 }, strategy: 'LONGEST_IDLE',
        offerTimeoutSeconds: 4, wrapUpSeconds: 1, missesBeforeAway: 3, agingRatePerSecond: 0, stickyAgentWaitSeconds: 10 },
    ],
    rules: [],
    fallback: { queue: 'general', priority: 0 },
  };
}

/** A directory entry serving `queues`. */
export function agent(id: string, queues: string[] = ['general'], team = 'general'): Record<string, unknown> {
  return { id, displayName: `Agent ${id}`, team, skills: {}, languages: [], capacity: { phone: 1, chat: 2 }, queues: queues.map((queueId, i) => ({ queueId, priority: i + 1 })) };
}

/** Enqueues a phone contact through QueueService as a platform would. */
export async function enqueue(mesh: Mesh, id: string, over: { queueId?: string; vip?: boolean; priority?: number; receivedAt?: Date } = {}): Promise<EnqueueResponse> {
  const md = await mesh.auth('pbx', 'platform');
  return call(mesh.queueClient.enqueue.bind(mesh.queueClient), EnqueueRequest.fromPartial({
    queueId: over.queueId ?? '',
    contact: {
      id, channel: Channel.CHANNEL_PHONE, domain: mesh.domain, intent: 'billing', priority: over.priority ?? 0, conversationId: `conv-${id}`,
      customer: { id: `cust-${id}`, tier: over.vip ? CustomerTier.CUSTOMER_TIER_VIP_GOLD : CustomerTier.CUSTOMER_TIER_STANDARD, phoneNumber: '+4930123456' },
      ...(over.receivedAt ? { receivedAt: over.receivedAt } : {}),
    },
  }), md);
}
