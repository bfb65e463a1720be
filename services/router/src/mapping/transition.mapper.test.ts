import { describe, expect, it } from 'vitest';
import { RoutingBatch } from '@switchboard/contracts';
import { DEFAULT_BUS_NAMES } from '@switchboard/bus';
import { readRoutingBatch } from '@switchboard/router-api';
import { DomainEngine } from '../worker/domain-engine.js';
import { batchOutbox } from './transition.mapper.js';

describe('the batch record', () => {
  it('writes RoutingBatch from the encoded events: what readers decode is every command in order with its events', () => {
    const engine = new DomainEngine('d', 'r1', 'e7');
    const at = 1_700_000_000_000;
    const prepared = [
      engine.prepare('s1', { type: 'SIGN_IN', agent: { id: 'a1', skills: {}, languages: ['中文'], team: 't', capacity: { chat: 2 }, queues: [{ queueId: 'general', priority: 1 }] } }, at),
      engine.prepare('q1', { type: 'UPSERT_QUEUE', queue: { id: 'general', kind: 'PRIORITY', serviceLevel: { share: 0.8, withinSeconds: 20 }, requiredSkills: [], rings: [],
        strategy: 'LONGEST_IDLE', agingRatePerSecond: 0, offerTimeoutSeconds: 20, wrapUpSeconds: 0, missesBeforeAway: 3, stickyAgentWaitSeconds: 0 } }, at),
      engine.prepare('c1', { type: 'ARRIVE', contact: { id: 'c1', domain: 'd', channel: 'chat', queueId: 'general', basePriority: 0, tier: 'STANDARD', arrivedAtMs: at } }, at + 1),
    ];
    const committed = prepared.map((p) => ({ transition: p.transition!, protoEvents: p.protoEvents }));
    const { entry, types } = batchOutbox(DEFAULT_BUS_NAMES, 'd', 'e7', prepared[0]!.position!, committed);

    const expected = RoutingBatch.fromPartial({ domain: 'd', epoch: 'e7', firstPosition: 1,
      commands: committed.map((c) => ({ record: c.transition.command, events: c.protoEvents.map((e) => e.event) })) });
    expect(RoutingBatch.decode(entry.payload)).toEqual(expected);
    expect(Buffer.from(RoutingBatch.encode(expected).finish()).equals(entry.payload)).toBe(true);
    const read = readRoutingBatch(entry.payload);
    expect(read.records.map((r) => r.n)).toEqual([1, 2, 3]);
    expect(read.events.map((e) => e.id)).toEqual(committed.flatMap((c) => c.protoEvents.map((e) => e.event.id)));
    expect(types.split(' ')).toEqual(expect.arrayContaining(['AgentPresenceChanged', 'ContactOffered']));
    expect(entry).toMatchObject({ msgId: 'd:batch:e7:1', subject: 'sb.routing.d.batch' });
  });
});
