import { describe, expect, it } from 'vitest';
import { agentProfile, contactInput, EngineHarness, queueConfig } from './testing/fixtures.js';
import { RoutingEngine } from './engine.js';

describe('queue order and cross-queue choice', () => {
  it('orders by base + aging × wait, ties by arrival, and never re-sorts', () => {
    // aging 1/s: a contact 10 s older with base 0 beats a new one with base 9, loses to base 11.
    const h = new EngineHarness([queueConfig('q1', { agingRatePerSecond: 1 })]);
    h.apply({ type: 'ARRIVE', contact: contactInput('old', 'q1', h.now) });
    h.advance(10_000);
    h.apply({ type: 'ARRIVE', contact: contactInput('b9', 'q1', h.now, { basePriority: 9 }) });
    h.apply({ type: 'ARRIVE', contact: contactInput('b11', 'q1', h.now, { basePriority: 11 }) });
    h.apply({ type: 'ARRIVE', contact: contactInput('b10', 'q1', h.now, { basePriority: 10 }) });
    // b10 ties with old (10 + 0 = 0 + 10): the earlier arrival wins.
    expect(h.engine.waitingContacts('q1').map((c) => c.id)).toEqual(['b11', 'old', 'b10', 'b9']);
    h.advance(1_000_000);
    expect(h.engine.waitingContacts('q1').map((c) => c.id)).toEqual(['b11', 'old', 'b10', 'b9']);
    h.apply({ type: 'SIGN_IN', agent: agentProfile('a1', ['q1']) });
    expect(h.ofType('ContactOffered')[0]?.contactId).toBe('b11');
  });

  it('gives VIP work strict precedence over older non-VIP work and over agent queue priority', () => {
    const h = new EngineHarness([queueConfig('std'), queueConfig('vip', { kind: 'VIP' })]);
    h.apply({ type: 'ARRIVE', contact: contactInput('s1', 'std', h.now) });
    h.advance(60_000);
    h.apply({ type: 'ARRIVE', contact: contactInput('v1', 'vip', h.now, { tier: 'VIP2' }) });
    h.apply({ type: 'SIGN_IN', agent: agentProfile('a1', ['std', 'vip']) }); // std has the better agent priority
    expect(h.ofType('ContactOffered')[0]).toMatchObject({ contactId: 'v1', agentId: 'a1' });
    expect(h.ofType('ContactOffered')[0]?.explanation.alternatives).toEqual([{ queueId: 'std', contactId: 's1' }]);
  });

  it('uses agent-side queue priority, then the oldest head among equal priorities', () => {
    const h = new EngineHarness([queueConfig('q1'), queueConfig('q2'), queueConfig('q3')]);
    h.apply({ type: 'ARRIVE', contact: contactInput('c1', 'q1', h.now) });
    h.advance(1000);
    h.apply({ type: 'ARRIVE', contact: contactInput('c2', 'q2', h.now) });
    h.advance(1000);
    h.apply({ type: 'ARRIVE', contact: contactInput('c3', 'q3', h.now) });
    const queues = [{ queueId: 'q1', priority: 2 }, { queueId: 'q2', priority: 2 }, { queueId: 'q3', priority: 1 }];
    h.apply({ type: 'SIGN_IN', agent: agentProfile('a1', [], { queues }) });
    expect(h.ofType('ContactOffered')[0]?.contactId).toBe('c3');
    h.apply({ type: 'SIGN_IN', agent: agentProfile('a2', [], { queues }) });
    expect(h.ofType('ContactOffered')[1]?.contactId).toBe('c1');
  });

  it('keeps non-pool agents off a VIP queue until overflowToGeneralAfterSeconds', () => {
    const vipPool = { teams: ['gold'], agentIds: ['a-named'], overflowToGeneralAfterSeconds: 30 };
    const h = new EngineHarness([queueConfig('vip', { kind: 'VIP', vipPool })]);
    h.apply({ type: 'SIGN_IN', agent: agentProfile('general', ['vip']) });
    h.apply({ type: 'ARRIVE', contact: contactInput('v1', 'vip', h.now) });
    expect(h.ofType('ContactQueued')[0]?.explanation?.passedOverCounts).toEqual({ NOT_IN_POOL: 1 });
    h.apply({ type: 'SIGN_IN', agent: agentProfile('a-named', ['vip']) });
    expect(h.lastOffer('v1')?.agentId).toBe('a-named');
    h.apply({ type: 'ACCEPT', contactId: 'v1', agentId: 'a-named', offerToken: h.lastOffer('v1')?.offerToken ?? 0 });
    h.apply({ type: 'ARRIVE', contact: contactInput('v2', 'vip', h.now) });
    h.advance(29_999);
    expect(h.engine.contact('v2')?.state).toBe('QUEUED');
    h.advance(1);
    expect(h.ofType('RingWidened').at(-1)).toMatchObject({ contactId: 'v2', poolOpen: true });
    expect(h.lastOffer('v2')?.agentId).toBe('general');
  });
});

describe('selection strategies', () => {
  const setup = (strategy: 'LONGEST_IDLE' | 'BEST_PROFICIENCY' | 'LEAST_OCCUPIED' | 'ROUND_ROBIN'): EngineHarness => {
    const h = new EngineHarness([queueConfig('q1', { strategy, requiredSkills: [{ skill: 'billing', minProficiency: 1 }] })]);
    h.apply({ type: 'SIGN_IN', agent: agentProfile('a1', ['q1'], { skills: { billing: 2 }, capacity: { chat: 3 } }) });
    h.advance(1000);
    h.apply({ type: 'SIGN_IN', agent: agentProfile('a2', ['q1'], { skills: { billing: 5 }, capacity: { chat: 3 } }) });
    return h;
  };
  const chat = (h: EngineHarness, id: string): string | undefined => {
    h.apply({ type: 'ARRIVE', contact: contactInput(id, 'q1', h.now, { channel: 'chat' }) });
    return h.lastOffer(id)?.agentId;
  };

  it('LONGEST_IDLE picks the agent idle the longest', () => {
    expect(chat(setup('LONGEST_IDLE'), 'c1')).toBe('a1');
  });
  it('BEST_PROFICIENCY picks the most proficient agent and reports its score', () => {
    const h = setup('BEST_PROFICIENCY');
    expect(chat(h, 'c1')).toBe('a2');
    expect(h.lastOffer('c1')?.explanation.score).toBe(-5);
  });
  it('LEAST_OCCUPIED spreads chats across agents', () => {
    const h = setup('LEAST_OCCUPIED');
    expect([chat(h, 'c1'), chat(h, 'c2'), chat(h, 'c3'), chat(h, 'c4')]).toEqual(['a1', 'a2', 'a1', 'a2']);
  });
  it('ROUND_ROBIN rotates through agents', () => {
    const h = setup('ROUND_ROBIN');
    expect([chat(h, 'c1'), chat(h, 'c2'), chat(h, 'c3')]).toEqual(['a1', 'a2', 'a1']);
  });

  it('a supervisor re-prioritises a waiting contact: it moves to its new place at once and is served first', () => {
    const h = new EngineHarness([queueConfig('q1')]);
    for (const id of ['a', 'b', 'c']) h.apply({ type: 'ARRIVE', contact: contactInput(id, 'q1', h.now) });
    const r = h.apply({ type: 'REPRIORITIZE', contactId: 'c', basePriority: 10, reason: 'complaint escalated', by: 'lead' });
    expect(r.events).toMatchObject([{ type: 'ContactReprioritized', contactId: 'c', fromPriority: 0, toPriority: 10, reason: 'complaint escalated', by: 'lead' }]);
    expect(h.engine.waitingContacts('q1').map((c) => c.id)).toEqual(['c', 'a', 'b']);
    expect(h.apply({ type: 'REPRIORITIZE', contactId: 'c', basePriority: 10 }).outcome.kind).toBe('stale');
    // A checkpoint keeps the new place.
    const restored = RoutingEngine.restore({ domainId: 'd1', ruleVersion: 'test-1' }, h.engine.capture());
    expect(restored.waitingContacts('q1').map((c) => c.id)).toEqual(['c', 'a', 'b']);
    h.apply({ type: 'SIGN_IN', agent: agentProfile('a1', ['q1']) });
    expect(h.lastOffer('c')?.agentId).toBe('a1');
    expect(() => h.apply({ type: 'REPRIORITIZE', contactId: 'gone', basePriority: 1 })).toThrowError(/UNKNOWN_CONTACT/);
  });
});
