import { RoutingEngine, type RoutingCommand } from '@switchboard/routing-core';
import { encodeContactContext, type CheckpointContent } from './checkpoint.mapper.js';

/**
 * The domain state kept as a checkpoint fixture of each format (test-fixtures/checkpoint-format-N.bin):
 * two queues, three agents (one busy, one ringing, one away), contacts waiting in order, an exclusion
 * after a decline, pending timers and desk context. `pnpm -s tsx services/router/scripts/write-checkpoint-fixture.ts`
 * writes the current format's file once; files of earlier formats are never rewritten.
 */
export function fixtureCheckpoint(): { content: CheckpointContent; engine: RoutingEngine } {
  const engine = new RoutingEngine({ domainId: 'fixture', ruleVersion: 'fixture-1' });
  let now = 1_800_000_000_000;
  const timers: CheckpointContent['timers'][number][] = [];
  const apply = (cmd: RoutingCommand) => {
    const result = engine.apply(cmd, (now += 1_000));
    timers.push(...result.timers);
    return result;
  };
  const queue = (id: string, kind: 'VIP' | 'PRIORITY') => apply({ type: 'UPSERT_QUEUE', queue: {
    id, kind, serviceLevel: { share: 0.8, withinSeconds: 20 }, requiredSkills: [{ skill: 'billing', minProficiency: 2 }],
    rings: [{ afterSeconds: 30, proficiencyDrop: 1 }], strategy: 'LONGEST_IDLE', agingRatePerSecond: 0.5, offerTimeoutSeconds: 20,
    wrapUpSeconds: 10, missesBeforeAway: 2, stickyAgentWaitSeconds: 15,
    ...(kind === 'VIP' ? { vipPool: { teams: ['gold'], agentIds: [], overflowToGeneralAfterSeconds: 60 } } : { maxWaitSeconds: 3_600 }),
  } });
  queue('vip', 'VIP');
  queue('general', 'PRIORITY');
  const agent = (id: string, team: string) => apply({ type: 'SIGN_IN', agent: {
    id, skills: { billing: 3 }, languages: ['zh', 'en'], team, capacity: { phone: 1, chat: 2 }, queues: [{ queueId: 'vip', priority: 1 }, { queueId: 'general', priority: 2 }],
  } });
  for (const [id, team] of [['a1', 'gold'], ['a2', 'silver'], ['a3', 'silver']] as const) agent(id, team);
  apply({ type: 'SET_PRESENCE', agentId: 'a3', presence: 'AWAY', reason: 'training' });
  for (let i = 0; i < 8; i++) {
    apply({ type: 'ARRIVE', contact: {
      id: `c${i}`, domain: 'fixture', channel: i % 2 === 0 ? 'phone' : 'chat', queueId: i < 2 ? 'vip' : 'general', basePriority: i % 3,
      tier: i < 2 ? 'VIP1' : 'STANDARD', language: 'zh', arrivedAtMs: now, ...(i === 5 ? { preferredAgentId: 'a2' } : {}),
    } });
  }
  const offered = engine.contact('c0')!;
  apply({ type: 'ACCEPT', contactId: 'c0', agentId: offered.agentId!, offerToken: offered.offerToken! });
  const other = [...['c1', 'c2', 'c3']].map((id) => engine.contact(id)!).find((c) => c.state === 'OFFERED')!;
  apply({ type: 'DECLINE', contactId: other.id, agentId: other.agentId!, offerToken: other.offerToken!, reason: 'busy' });
  const image = engine.capture();
  return {
    engine,
    content: {
      domain: 'fixture', epoch: '0000fixture', position: 42, takenAtMs: now, ruleVersion: 'fixture-1', routingTailAfterSeq: 1_234, lastNowMs: now,
      engine: image,
      contexts: [{ contactId: 'c0', context: encodeContactContext({ customer: { id: 'cust-0', displayName: '王小明' }, summary: 'billing question' }) }],
      applied: [{ commandId: 'arrive:c0', atMs: now - 5_000 }, { commandId: 'req:accept-c0', atMs: now - 1_000 }],
      timers: timers.filter((t) => engine.contact(t.contactId) !== undefined),
    },
  };
}
