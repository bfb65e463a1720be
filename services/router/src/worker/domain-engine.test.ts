import { describe, expect, it } from 'vitest';
import type { QueueConfig, RoutingCommand } from '@switchboard/routing-core';
import { DomainEngine } from './domain-engine.js';

const T0 = 1_700_000_000_000;
const QUEUE: QueueConfig = {
  id: 'q', kind: 'PRIORITY', serviceLevel: { share: 0.8, withinSeconds: 20 }, requiredSkills: [], rings: [], strategy: 'LONGEST_IDLE',
  agingRatePerSecond: 0, offerTimeoutSeconds: 20, wrapUpSeconds: 10, missesBeforeAway: 100, stickyAgentWaitSeconds: 0,
};

/**
 * A domain's history as the router logs it: arrive, accept, complete, wrap-up end. The accepted
 * offers' timeouts fire stale, and the router drops a stale timer without a log record, so a
 * rebuild replaying the log never sees them fire.
 */
function history(engine: DomainEngine, contacts: number): void {
  let n = 0;
  const apply = (cid: string, cmd: RoutingCommand, at: number) => {
    const prepared = engine.prepare(cid, cmd, at);
    n++;
    return prepared.result;
  };
  apply('queue', { type: 'UPSERT_QUEUE', queue: QUEUE }, T0);
  apply('sign-in', { type: 'SIGN_IN', agent: { id: 'a1', skills: {}, languages: [], team: 't', capacity: { phone: 1 }, queues: [{ queueId: 'q', priority: 1 }] } }, T0);
  for (let i = 0; i < contacts; i++) {
    const at = T0 + i * 100_000;
    const arrived = apply(`arrive:c${i}`, { type: 'ARRIVE', contact: { id: `c${i}`, domain: 'd', channel: 'phone', queueId: 'q', basePriority: 0, tier: 'STANDARD', arrivedAtMs: at } }, at);
    const offer = arrived.events.find((e) => e.type === 'ContactOffered');
    if (offer?.type !== 'ContactOffered') throw new Error('no offer');
    apply(`req:c${i}:accept`, { type: 'ACCEPT', contactId: `c${i}`, agentId: 'a1', offerToken: offer.offerToken }, at + 1_000);
    const completed = apply(`req:c${i}:complete`, { type: 'COMPLETE', contactId: `c${i}`, agentId: 'a1', disposition: 'resolved' }, at + 30_000);
    const wrapUp = completed.timers.find((t) => t.kind === 'WRAP_UP_END');
    if (!wrapUp) throw new Error('no wrap-up timer');
    apply(`timer:${wrapUp.id}`, { type: 'TIMER_FIRED', timer: wrapUp }, wrapUp.dueAtMs);
  }
  expect(n).toBe(2 + 4 * contacts);
}

describe('a domain engine after months of history', () => {
  it('keeps the pending timers of live contacts only, though stale timers never fire in the log', () => {
    const engine = new DomainEngine('d', 'r1', 'e1');
    history(engine, 500);
    // Every contact ended: no timer of theirs is pending, so no checkpoint carries one.
    expect(engine.sizes().timers).toBe(0);
    expect(engine.checkpoint().timers).toEqual([]);
    // A live contact's timers stay (here: the offer timeout of a contact offered to the idle agent).
    engine.prepare('arrive:live', { type: 'ARRIVE', contact: { id: 'live', domain: 'd', channel: 'phone', queueId: 'q', basePriority: 0, tier: 'STANDARD', arrivedAtMs: T0 + 1e9 } }, T0 + 1e9);
    expect(engine.checkpoint().timers.map((t) => [t.kind, t.contactId])).toContainEqual(['OFFER_TIMEOUT', 'live']);
    expect(engine.checkpoint().timers.every((t) => t.contactId === 'live')).toBe(true);
  });

  it('restored from a checkpoint, drops a contact\'s timers when the contact ends', () => {
    const first = new DomainEngine('d', 'r1', 'e1');
    history(first, 3);
    first.prepare('arrive:live', { type: 'ARRIVE', contact: { id: 'live', domain: 'd', channel: 'phone', queueId: 'q', basePriority: 0, tier: 'STANDARD', arrivedAtMs: T0 + 1e9 } }, T0 + 1e9);
    const restored = new DomainEngine('d', 'r1', 'e1', { from: first.checkpoint() });
    expect(restored.sizes().timers).toBeGreaterThan(0);
    restored.prepare('req:live:abandon', { type: 'ABANDON', contactId: 'live' }, T0 + 1e9 + 1_000);
    expect(restored.sizes().timers).toBe(0);
  });
});
