import { describe, expect, it } from 'vitest';
import { agentProfile, contactInput, EngineHarness, queueConfig } from './testing/fixtures.js';

const billing = [{ skill: 'billing', minProficiency: 4 }, { skill: 'french', minProficiency: 3, optional: true }];

describe('rings (bullseye)', () => {
  it('widens eligibility ring by ring: proficiency drop, optional skills, backup team', () => {
    const h = new EngineHarness([queueConfig('q1', {
      requiredSkills: billing, teams: ['core'], offerTimeoutSeconds: 1000,
      rings: [{ afterSeconds: 20, proficiencyDrop: 1 }, { afterSeconds: 40, dropOptionalSkills: true }, { afterSeconds: 60, addTeams: ['backup'] }],
    })]);
    h.apply({ type: 'SIGN_IN', agent: agentProfile('r1', ['q1'], { team: 'core', skills: { billing: 3, french: 3 } }) });
    h.apply({ type: 'SIGN_IN', agent: agentProfile('r2', ['q1'], { team: 'core', skills: { billing: 4 } }) });
    h.apply({ type: 'SIGN_IN', agent: agentProfile('r3', ['q1'], { team: 'backup', skills: { billing: 5, french: 5 } }) });
    h.apply({ type: 'SIGN_IN', agent: agentProfile('never', ['q1'], { team: 'core', skills: { french: 5 } }) });
    h.apply({ type: 'ARRIVE', contact: contactInput('c1', 'q1', h.now) });
    expect(h.ofType('ContactQueued')[0]?.explanation?.passedOverCounts).toEqual({ RING: 3, SKILL: 1 });
    h.advance(20_000);
    expect(h.ofType('RingWidened')[0]).toMatchObject({ fromRing: 0, toRing: 1 });
    expect(h.lastOffer('c1')).toMatchObject({ agentId: 'r1' });
    expect(h.lastOffer('c1')?.explanation.ring).toBe(1);

    h.apply({ type: 'ARRIVE', contact: contactInput('c2', 'q1', h.now) });
    h.advance(40_000);
    expect(h.lastOffer('c2')?.agentId).toBe('r2');
    h.apply({ type: 'ARRIVE', contact: contactInput('c3', 'q1', h.now) });
    h.advance(59_999);
    expect(h.engine.contact('c3')?.ring).toBe(2);
    expect(h.engine.contact('c3')?.state).toBe('QUEUED');
    h.advance(1);
    expect(h.lastOffer('c3')).toMatchObject({ agentId: 'r3' });
    expect(h.lastOffer('c3')?.explanation.ring).toBe(3);
  });
});

describe('overflow, max wait, sticky, transfer', () => {
  it('overflows to the target queue after the set wait, keeping age', () => {
    const h = new EngineHarness([queueConfig('q1', { overflow: { targetQueueId: 'q2', afterSeconds: 30 } }), queueConfig('q2')]);
    h.apply({ type: 'ARRIVE', contact: contactInput('c1', 'q1', h.now) });
    const arrived = h.now;
    h.advance(10_000);
    h.apply({ type: 'ARRIVE', contact: contactInput('c0', 'q2', h.now) });
    h.advance(20_000);
    expect(h.ofType('ContactOverflowed')[0]).toMatchObject({ contactId: 'c1', queueId: 'q1', toQueueId: 'q2' });
    expect(h.engine.contact('c1')).toMatchObject({ queueId: 'q2', history: ['q1'], arrivedAtMs: arrived });
    // age kept: c1 (older) is ahead of c0 though it entered q2 later.
    expect(h.engine.waitingContacts('q2').map((c) => c.id)).toEqual(['c1', 'c0']);
    expect(h.engine.queueDepth('q1')).toBe(0);
  });

  it('expires a contact after maxWaitSeconds, also when it returns from an offer past the limit', () => {
    const h = new EngineHarness([queueConfig('q1', { maxWaitSeconds: 60, offerTimeoutSeconds: 30 })]);
    h.apply({ type: 'ARRIVE', contact: contactInput('c1', 'q1', h.now) });
    h.advance(60_000);
    expect(h.ofType('ContactExpired')[0]).toMatchObject({ contactId: 'c1', waitMs: 60_000 });
    expect(h.engine.contact('c1')).toBeUndefined();
    h.apply({ type: 'ARRIVE', contact: contactInput('c2', 'q1', h.now) });
    h.advance(45_000);
    h.apply({ type: 'SIGN_IN', agent: agentProfile('a1', ['q1']) });
    h.advance(30_000); // RONA at 75 s: back in queue past max wait → expired, not re-offered
    expect(h.ofType('ContactExpired')[1]).toMatchObject({ contactId: 'c2', waitMs: 75_000 });
  });

  it('waits for the preferred agent, then falls back to anyone', () => {
    const h = new EngineHarness([queueConfig('q1', { stickyAgentWaitSeconds: 30 })]);
    h.apply({ type: 'SIGN_IN', agent: agentProfile('pref', ['q1']) });
    h.apply({ type: 'SIGN_IN', agent: agentProfile('other', ['q1']) });
    h.apply({ type: 'ARRIVE', contact: contactInput('busy', 'q1', h.now, { preferredAgentId: 'pref' }) });
    expect(h.lastOffer('busy')?.agentId).toBe('pref');
    h.apply({ type: 'ACCEPT', contactId: 'busy', agentId: 'pref', offerToken: h.lastOffer('busy')?.offerToken ?? 0 });
    h.apply({ type: 'ARRIVE', contact: contactInput('c1', 'q1', h.now, { preferredAgentId: 'pref' }) });
    expect(h.engine.contact('c1')).toMatchObject({ state: 'QUEUED', sticky: true });
    h.advance(29_999);
    expect(h.engine.contact('c1')?.state).toBe('QUEUED');
    h.advance(1);
    expect(h.ofType('RingWidened')[0]).toMatchObject({ contactId: 'c1', stickyEnded: true });
    expect(h.lastOffer('c1')?.agentId).toBe('other');
  });

  it('gives a sticky contact to its agent as soon as that agent frees up', () => {
    const h = new EngineHarness([queueConfig('q1', { stickyAgentWaitSeconds: 30 })]);
    h.apply({ type: 'SIGN_IN', agent: agentProfile('pref', ['q1']) });
    h.apply({ type: 'ARRIVE', contact: contactInput('first', 'q1', h.now) });
    h.apply({ type: 'ARRIVE', contact: contactInput('c1', 'q1', h.now, { preferredAgentId: 'pref' }) });
    h.apply({ type: 'ABANDON', contactId: 'first' });
    expect(h.lastOffer('c1')?.agentId).toBe('pref');
  });

  it('transfers to a queue keeping age and history, and to an agent as sticky', () => {
    const h = new EngineHarness([queueConfig('q1'), queueConfig('q2', { stickyAgentWaitSeconds: 60 })]);
    h.apply({ type: 'SIGN_IN', agent: agentProfile('a1', ['q1']) });
    h.apply({ type: 'ARRIVE', contact: contactInput('c1', 'q1', h.now) });
    const arrived = h.now;
    h.apply({ type: 'ACCEPT', contactId: 'c1', agentId: 'a1', offerToken: h.lastOffer('c1')?.offerToken ?? 0 });
    h.advance(5000);
    h.apply({ type: 'ARRIVE', contact: contactInput('c2', 'q2', h.now) });
    h.apply({ type: 'TRANSFER', contactId: 'c1', target: { kind: 'queue', queueId: 'q2' } });
    expect(h.ofType('ContactTransferred')[0]).toMatchObject({ contactId: 'c1', fromAgentId: 'a1', toQueueId: 'q2' });
    expect(h.engine.agent('a1')?.used.phone).toBe(0);
    expect(h.engine.contact('c1')).toMatchObject({ state: 'QUEUED', queueId: 'q2', arrivedAtMs: arrived, history: ['q1'] });
    expect(h.engine.waitingContacts('q2').map((c) => c.id)).toEqual(['c1', 'c2']);

    h.apply({ type: 'SIGN_IN', agent: agentProfile('b1', ['q2'], { capacity: { email: 1 } }) });
    h.apply({ type: 'SIGN_IN', agent: agentProfile('b2', ['q2']) });
    expect(h.lastOffer('c1')?.agentId).toBe('b2');
    h.apply({ type: 'TRANSFER', contactId: 'c1', target: { kind: 'agent', agentId: 'b1' } });
    // b1 cannot take phone; c1 waits for b1 alone while b2 takes c2.
    expect(h.engine.contact('c1')).toMatchObject({ state: 'QUEUED', sticky: true, preferredAgentId: 'b1' });
    expect(h.lastOffer('c2')?.agentId).toBe('b2');
    h.apply({ type: 'TRANSFER', contactId: 'c1', target: { kind: 'external', destination: 'partner' } });
    expect(h.engine.contact('c1')).toBeUndefined();
    expect(h.ofType('ContactTransferred').at(-1)).toMatchObject({ destination: 'partner' });
  });

  it('re-places waiting contacts when a queue is reconfigured', () => {
    const h = new EngineHarness([queueConfig('q1', { requiredSkills: billing })]);
    h.apply({ type: 'SIGN_IN', agent: agentProfile('a1', ['q1'], { skills: { billing: 2 } }) });
    h.apply({ type: 'ARRIVE', contact: contactInput('c1', 'q1', h.now) });
    expect(h.engine.contact('c1')?.state).toBe('QUEUED');
    h.apply({ type: 'UPSERT_QUEUE', queue: queueConfig('q1', { requiredSkills: [{ skill: 'billing', minProficiency: 2 }] }) });
    expect(h.lastOffer('c1')?.agentId).toBe('a1');
  });
});
