import { describe, expect, it } from 'vitest';
import { isRoutingError } from './errors.js';
import type { TimerRequest } from './model/timer.js';
import { agentProfile, contactInput, EngineHarness, queueConfig } from './testing/fixtures.js';

describe('offers, accept, complete, wrap-up', () => {
  it('offers an arriving contact to an available agent and connects on accept', () => {
    const h = new EngineHarness([queueConfig('q1', { wrapUpSeconds: 30 })]);
    h.apply({ type: 'SIGN_IN', agent: agentProfile('a1', ['q1']) });
    const r = h.apply({ type: 'ARRIVE', contact: contactInput('c1', 'q1', h.now) });
    expect(r.outcome).toMatchObject({ kind: 'offered', agentId: 'a1' });
    expect(r.events.map((e) => e.type)).toEqual(['ContactQueued', 'ContactOffered']);
    const offer = h.lastOffer('c1');
    expect(offer?.explanation).toMatchObject({ chosenAgentId: 'a1', strategy: 'LONGEST_IDLE', ruleVersion: 'test-1', ring: 0 });
    expect(h.engine.agent('a1')?.used.phone).toBe(1);
    h.advance(4000);
    h.apply({ type: 'ACCEPT', contactId: 'c1', agentId: 'a1', offerToken: offer?.offerToken ?? -1 });
    expect(h.ofType('OfferAccepted')[0]?.waitMs).toBe(4000);
    expect(h.engine.contact('c1')?.state).toBe('CONNECTED');
    h.advance(60_000);
    h.apply({ type: 'COMPLETE', contactId: 'c1', agentId: 'a1', disposition: 'resolved' });
    expect(h.engine.contact('c1')?.state).toBe('WRAP_UP');
    expect(h.engine.agent('a1')?.presence).toBe('WRAP_UP');
    expect(h.ofType('ContactCompleted')[0]?.handleMs).toBe(60_000);
    h.advance(29_999);
    expect(h.engine.agent('a1')?.used.phone).toBe(1);
    h.advance(1);
    expect(h.engine.contact('c1')).toBeUndefined();
    expect(h.engine.agent('a1')).toMatchObject({ presence: 'AVAILABLE', used: { phone: 0 } });
    expect(h.ofType('WrapUpEnded')[0]?.wrapUpMs).toBe(30_000);
  });

  it('takes waiting work when wrap-up ends', () => {
    const h = new EngineHarness([queueConfig('q1', { wrapUpSeconds: 10 })]);
    h.apply({ type: 'SIGN_IN', agent: agentProfile('a1', ['q1']) });
    h.apply({ type: 'ARRIVE', contact: contactInput('c1', 'q1', h.now) });
    h.apply({ type: 'ARRIVE', contact: contactInput('c2', 'q1', h.now) });
    expect(h.engine.contact('c2')?.state).toBe('QUEUED');
    expect(h.ofType('ContactQueued').at(-1)?.explanation?.passedOverCounts).toEqual({ CAPACITY: 1 });
    h.apply({ type: 'ACCEPT', contactId: 'c1', agentId: 'a1', offerToken: h.lastOffer('c1')?.offerToken ?? 0 });
    h.apply({ type: 'COMPLETE', contactId: 'c1', agentId: 'a1', disposition: 'ok' });
    h.advance(5000);
    expect(h.engine.contact('c2')?.state).toBe('QUEUED');
    h.apply({ type: 'END_WRAP_UP', contactId: 'c1', agentId: 'a1' });
    expect(h.engine.contact('c2')?.state).toBe('OFFERED');
    expect(h.lastOffer('c2')?.explanation.trigger).toBe('AGENT_FREED');
    h.advance(10_000); // the stale wrap-up timer fires harmlessly
    expect(h.engine.contact('c2')?.state).toBe('OFFERED');
  });

  it('ignores stale tokens and timers and rejects broken invariants with codes', () => {
    const h = new EngineHarness([queueConfig('q1')]);
    h.apply({ type: 'SIGN_IN', agent: agentProfile('a1', ['q1']) });
    h.apply({ type: 'ARRIVE', contact: contactInput('c1', 'q1', h.now) });
    const token = h.lastOffer('c1')?.offerToken ?? 0;
    expect(h.apply({ type: 'ACCEPT', contactId: 'c1', agentId: 'a1', offerToken: token + 99 }).outcome.kind).toBe('stale');
    const early = h.apply({ type: 'TIMER_FIRED', timer: h.timers.find((t) => t.kind === 'OFFER_TIMEOUT') as TimerRequest });
    expect(early.outcome.kind).toBe('stale'); // handed back before due: ignored and requested again
    expect(early.timers).toHaveLength(1);
    h.apply({ type: 'ACCEPT', contactId: 'c1', agentId: 'a1', offerToken: token });
    h.advance(60_000); // offer timeout fires after accept: stale
    expect(h.ofType('OfferTimedOut')).toHaveLength(0);
    expect(() => h.apply({ type: 'ABANDON', contactId: 'nope' })).toThrowError(/ROUTING.UNKNOWN_CONTACT/);
    let caught: unknown;
    try {
      h.apply({ type: 'COMPLETE', contactId: 'c1', agentId: 'a2', disposition: 'x' });
    } catch (e) {
      caught = e;
    }
    expect(isRoutingError(caught, 'ROUTING.WRONG_AGENT')).toBe(true);
    expect(() => h.apply({ type: 'ABANDON', contactId: 'c1' })).toThrowError(/ROUTING.INVALID_TRANSITION/);

    expect(h.apply({ type: 'ARRIVE', contact: contactInput('c1', 'q1', h.now) }).outcome.kind).toBe('duplicate');
    expect(() => h.engine.apply({ type: 'ABANDON', contactId: 'c1' }, 0)).toThrowError(/TIME_WENT_BACKWARDS/);
  });

  it('after the platform ended a connected contact, its agent\'s complete in wrap-up records their outcome once; other completes change nothing', () => {
    const h = new EngineHarness([queueConfig('q1', { wrapUpSeconds: 30 })]);
    h.apply({ type: 'SIGN_IN', agent: agentProfile('a1', ['q1']) });
    h.apply({ type: 'SIGN_IN', agent: agentProfile('a2', ['q1']) });
    h.apply({ type: 'ARRIVE', contact: contactInput('c1', 'q1', h.now) });
    const offer = h.lastOffer('c1')!;
    h.apply({ type: 'ACCEPT', contactId: 'c1', agentId: offer.agentId, offerToken: offer.offerToken });
    h.apply({ type: 'COMPLETE', contactId: 'c1', agentId: offer.agentId, disposition: 'ended-on-channel', endedOnChannel: true });
    const completed = h.ofType('ContactCompleted')[0]!;
    expect(completed).toMatchObject({ disposition: 'ended-on-channel', notes: '' });
    expect(completed.resolvedFirstContact).toBeUndefined();
    // The platform's end arriving twice (a redelivery under another id) is no outcome.
    expect(h.apply({ type: 'COMPLETE', contactId: 'c1', agentId: offer.agentId, disposition: 'ended-on-channel', endedOnChannel: true }).outcome.kind).toBe('stale');
    const recorded = h.apply({ type: 'COMPLETE', contactId: 'c1', agentId: offer.agentId, disposition: 'follow-up', notes: 'call back Monday', resolvedFirstContact: false });
    expect(recorded.outcome.kind).toBe('applied');
    expect(recorded.events).toMatchObject([{ type: 'ContactOutcomeRecorded', agentId: offer.agentId, disposition: 'follow-up', notes: 'call back Monday', resolvedFirstContact: false }]);
    const again = h.apply({ type: 'COMPLETE', contactId: 'c1', agentId: offer.agentId, disposition: 'resolved' });
    expect(again.outcome.kind).toBe('stale');
    expect(again.events).toEqual([]);
    const other = offer.agentId === 'a1' ? 'a2' : 'a1';
    expect(() => h.apply({ type: 'COMPLETE', contactId: 'c1', agentId: other, disposition: 'x' })).toThrowError(/ROUTING.INVALID_TRANSITION/);
    expect(h.ofType('ContactCompleted')).toHaveLength(1);
    // The pending outcome survives a checkpoint: restored, the agent's answer is still recorded.
    const h2 = new EngineHarness([queueConfig('q1', { wrapUpSeconds: 30 })]);
    h2.apply({ type: 'SIGN_IN', agent: agentProfile('a1', ['q1']) });
    h2.apply({ type: 'ARRIVE', contact: contactInput('c2', 'q1', h2.now) });
    const o2 = h2.lastOffer('c2')!;
    h2.apply({ type: 'ACCEPT', contactId: 'c2', agentId: 'a1', offerToken: o2.offerToken });
    h2.apply({ type: 'COMPLETE', contactId: 'c2', agentId: 'a1', disposition: 'ended-on-channel', endedOnChannel: true });
    expect(h2.engine.capture().contacts.find((c) => c.input.id === 'c2')).toMatchObject({ outcomePending: true });
  });

  it('a complete by its agent of what already wraps up after their own complete is a retry: nothing changes', () => {
    const h = new EngineHarness([queueConfig('q1', { wrapUpSeconds: 30 })]);
    h.apply({ type: 'SIGN_IN', agent: agentProfile('a1', ['q1']) });
    h.apply({ type: 'ARRIVE', contact: contactInput('c1', 'q1', h.now) });
    const offer = h.lastOffer('c1')!;
    h.apply({ type: 'ACCEPT', contactId: 'c1', agentId: 'a1', offerToken: offer.offerToken });
    h.apply({ type: 'COMPLETE', contactId: 'c1', agentId: 'a1', disposition: 'resolved', notes: 'refund issued', resolvedFirstContact: true });
    expect(h.ofType('ContactCompleted')[0]).toMatchObject({ disposition: 'resolved', notes: 'refund issued', resolvedFirstContact: true });
    // The platform's end after the agent's own complete is stale too.
    expect(h.apply({ type: 'COMPLETE', contactId: 'c1', agentId: 'a1', disposition: 'ended-on-channel', endedOnChannel: true }).outcome.kind).toBe('stale');
    expect(h.apply({ type: 'COMPLETE', contactId: 'c1', agentId: 'a1', disposition: 'resolved' }).outcome.kind).toBe('stale');
    expect(h.ofType('ContactOutcomeRecorded')).toEqual([]);
  });

  it('refuses a disposition outside the queue\'s catalogue, naming the codes allowed, and changes nothing', () => {
    const h = new EngineHarness([queueConfig('q1', { wrapUpSeconds: 30, dispositions: ['resolved', 'follow-up'] })]);
    h.apply({ type: 'SIGN_IN', agent: agentProfile('a1', ['q1']) });
    h.apply({ type: 'ARRIVE', contact: contactInput('c1', 'q1', h.now) });
    h.apply({ type: 'ACCEPT', contactId: 'c1', agentId: 'a1', offerToken: h.lastOffer('c1')!.offerToken });
    let caught: unknown;
    try { h.apply({ type: 'COMPLETE', contactId: 'c1', agentId: 'a1', disposition: 'escalated' }); } catch (e) { caught = e; }
    expect(isRoutingError(caught, 'ROUTING.INVALID_DISPOSITION')).toBe(true);
    expect(String(caught)).toMatch(/'escalated' is not one of queue q1's: resolved, follow-up/);
    expect(h.engine.contact('c1')?.state).toBe('CONNECTED');
    // The platform's end is never refused for its code, and the agent's outcome after it is checked.
    h.apply({ type: 'COMPLETE', contactId: 'c1', agentId: 'a1', disposition: 'ended-on-channel', endedOnChannel: true });
    expect(() => h.apply({ type: 'COMPLETE', contactId: 'c1', agentId: 'a1', disposition: 'escalated' })).toThrowError(/INVALID_DISPOSITION/);
    expect(h.apply({ type: 'COMPLETE', contactId: 'c1', agentId: 'a1', disposition: 'follow-up' }).outcome.kind).toBe('applied');
  });

  it('numbers events monotonically with deterministic ids, and replays identically', () => {
    const run = (): string => {
      const h = new EngineHarness([queueConfig('q1')]);
      h.apply({ type: 'SIGN_IN', agent: agentProfile('a1', ['q1']) });
      for (let i = 0; i < 5; i++) h.apply({ type: 'ARRIVE', contact: contactInput(`c${i}`, 'q1', h.now) });
      h.advance(100_000);
      return JSON.stringify(h.events);
    };
    const first = run();
    expect(run()).toBe(first);
    const seqs = (JSON.parse(first) as { seq: number; id: string }[]).map((e) => e.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
  });
});

describe('decline and RONA', () => {
  it('puts a declined contact back at its original place, not at the tail', () => {
    const h = new EngineHarness([queueConfig('q1')]);
    for (let i = 0; i < 4; i++) {
      h.apply({ type: 'ARRIVE', contact: contactInput(`c${i}`, 'q1', h.now) });
      h.advance(1000);
    }
    h.apply({ type: 'SIGN_IN', agent: agentProfile('a1', ['q1']) });
    expect(h.lastOffer('c0')?.agentId).toBe('a1');
    h.apply({ type: 'DECLINE', contactId: 'c0', agentId: 'a1', offerToken: h.lastOffer('c0')?.offerToken ?? 0, reason: 'busy' });
    expect(h.engine.waitingContacts('q1').map((c) => c.id)).toEqual(['c0', 'c2', 'c3']);
    expect(h.engine.position('c0')).toBe(1);
    // a1 never gets c0 again; it takes the next one. A new agent gets c0 first.
    expect(h.lastOffer('c1')?.agentId).toBe('a1');
    h.apply({ type: 'SIGN_IN', agent: agentProfile('a2', ['q1']) });
    expect(h.lastOffer('c0')?.agentId).toBe('a2');
    expect(h.lastOffer('c0')?.explanation.passedOverCounts).toMatchObject({ CAPACITY: 1 });
  });

  it('sets the agent AWAY(missed) after N consecutive offer timeouts and re-offers elsewhere', () => {
    const h = new EngineHarness([queueConfig('q1', { offerTimeoutSeconds: 10, missesBeforeAway: 2 })]);
    h.apply({ type: 'SIGN_IN', agent: agentProfile('a1', ['q1']) });
    h.apply({ type: 'ARRIVE', contact: contactInput('c1', 'q1', h.now) });
    h.apply({ type: 'ARRIVE', contact: contactInput('c2', 'q1', h.now) });
    h.advance(10_000);
    expect(h.ofType('OfferTimedOut')[0]).toMatchObject({ contactId: 'c1', consecutiveMisses: 1 });
    expect(h.lastOffer('c2')?.agentId).toBe('a1');
    h.advance(10_000);
    expect(h.ofType('OfferTimedOut')[1]).toMatchObject({ contactId: 'c2', consecutiveMisses: 2 });
    expect(h.engine.agent('a1')).toMatchObject({ presence: 'AWAY', awayReason: 'missed' });
    expect(h.engine.waitingContacts('q1').map((c) => c.id)).toEqual(['c1', 'c2']);
    h.apply({ type: 'SIGN_IN', agent: agentProfile('a2', ['q1']) });
    expect(h.lastOffer('c1')?.agentId).toBe('a2');
  });

  it('a missed contact that overflows on its return waits behind the older, higher-priority contact its agent takes first', () => {
    // The aging property's counterexample (seed -1386832176): c0 waits in gen, c1 in pri; a2
    // serves gen first. a2 misses c0 just as c0's wait reaches gen's overflow, so c0 enters pri
    // (its exclusions cleared) in the command that freed a2 — a2 must pull c1 (1 + 2 × 31 = 63)
    // before c0 (0 + 2 × 30 = 60) is offered on entry, not be handed c0 ahead of c1.
    const h = new EngineHarness([
      queueConfig('pri', { agingRatePerSecond: 2, offerTimeoutSeconds: 6 }),
      queueConfig('gen', { agingRatePerSecond: 0.25, offerTimeoutSeconds: 9, overflow: { targetQueueId: 'pri', afterSeconds: 30 } }),
    ]);
    h.apply({ type: 'ARRIVE', contact: contactInput('c0', 'gen', h.now, { channel: 'email' }) });
    h.apply({ type: 'ARRIVE', contact: contactInput('c1', 'pri', h.now - 1000, { channel: 'email', basePriority: 1 }) });
    h.advance(21_000);
    h.apply({ type: 'SIGN_IN', agent: agentProfile('a2', ['gen', 'pri'], { capacity: { email: 1 } }) });
    expect(h.lastOffer('c0')).toMatchObject({ agentId: 'a2', queueId: 'gen' });
    h.advance(9_000);
    expect(h.ofType('OfferTimedOut')).toMatchObject([{ contactId: 'c0', agentId: 'a2' }]);
    expect(h.ofType('ContactOverflowed')).toMatchObject([{ contactId: 'c0', queueId: 'gen', toQueueId: 'pri' }]);
    expect(h.lastOffer('c1')).toMatchObject({ agentId: 'a2', queueId: 'pri', atMs: h.now, explanation: { trigger: 'AGENT_FREED' } });
    expect(h.engine.contact('c0')).toMatchObject({ state: 'QUEUED', queueId: 'pri', enqueuedAtMs: h.now });
    expect(h.ofType('ContactOffered').filter((e) => e.contactId === 'c0')).toHaveLength(1);
  });

  it('a declined contact past its overflow enters the target queue after its agent took the better work waiting there', () => {
    const h = new EngineHarness([
      queueConfig('q1', { overflow: { targetQueueId: 'q2', afterSeconds: 30 } }),
      queueConfig('q2', { agingRatePerSecond: 1 }),
    ]);
    h.apply({ type: 'ARRIVE', contact: contactInput('first', 'q2', h.now - 60_000) });
    h.apply({ type: 'ARRIVE', contact: contactInput('c1', 'q1', h.now) });
    h.advance(25_000);
    h.apply({ type: 'SIGN_IN', agent: agentProfile('a1', ['q1', 'q2']) });
    expect(h.lastOffer('c1')?.agentId).toBe('a1');
    h.advance(10_000); // the overflow threshold passes while c1 rings
    h.apply({ type: 'DECLINE', contactId: 'c1', agentId: 'a1', offerToken: h.lastOffer('c1')?.offerToken ?? 0, reason: 'no' });
    expect(h.engine.contact('c1')).toMatchObject({ state: 'QUEUED', queueId: 'q2', declinedBy: [] });
    expect(h.engine.contact('first')).toMatchObject({ state: 'OFFERED', agentId: 'a1' });
  });
});

describe('exclusions lapse: a refusal delays a contact but cannot starve it', () => {
  it('re-offers a contact declined by its only eligible agent one offer timeout later, not never', () => {
    // The audit case: the only agent declines and then sits AVAILABLE and idle.
    const h = new EngineHarness([queueConfig('q1', { offerTimeoutSeconds: 20, maxWaitSeconds: 3600 })]);
    h.apply({ type: 'SIGN_IN', agent: agentProfile('a1', ['q1']) });
    h.apply({ type: 'ARRIVE', contact: contactInput('c1', 'q1', h.now) });
    const first = h.lastOffer('c1');
    h.apply({ type: 'DECLINE', contactId: 'c1', agentId: 'a1', offerToken: first?.offerToken ?? 0, reason: 'not now' });
    expect(h.engine.contact('c1')).toMatchObject({ state: 'QUEUED', declinedBy: ['a1'] });
    expect(h.engine.agent('a1')).toMatchObject({ presence: 'AVAILABLE', contactIds: [] });
    h.advance(19_999);
    expect(h.engine.contact('c1')?.state).toBe('QUEUED');
    h.advance(1);
    const again = h.lastOffer('c1');
    expect(again).toMatchObject({ agentId: 'a1', atMs: (first?.atMs ?? 0) + 20_000, enqueuedAtMs: first?.enqueuedAtMs });
    expect(again?.explanation.trigger).toBe('ELIGIBILITY_WIDENED');
    expect(h.engine.contact('c1')).toMatchObject({ state: 'OFFERED', declinedBy: [] });
  });

  it('keeps re-offering within the hour however often the agent declines, and lapses misses too', () => {
    const h = new EngineHarness([queueConfig('q1', { offerTimeoutSeconds: 15, missesBeforeAway: 0 })]);
    h.apply({ type: 'SIGN_IN', agent: agentProfile('a1', ['q1']) });
    h.apply({ type: 'ARRIVE', contact: contactInput('c1', 'q1', h.now) });
    const start = h.now;
    while (h.now - start < 3_600_000) {
      const offer = h.lastOffer('c1');
      if (h.engine.contact('c1')?.state === 'OFFERED' && offer !== undefined && h.ofType('OfferDeclined').length < 60) {
        h.apply({ type: 'DECLINE', contactId: 'c1', agentId: 'a1', offerToken: offer.offerToken, reason: 'no' });
      }
      h.advance(1000);
    }
    const offers = h.ofType('ContactOffered');
    // 60 declines then misses (RONA), each followed by one offer timeout of exclusion: never longer.
    expect(h.ofType('OfferDeclined')).toHaveLength(60);
    expect(h.ofType('OfferTimedOut').length).toBeGreaterThan(50);
    for (let i = 1; i < offers.length; i++) {
      expect((offers[i]?.atMs ?? 0) - (offers[i - 1]?.atMs ?? 0)).toBeLessThanOrEqual(30_000);
    }
    expect(h.now - (offers.at(-1)?.atMs ?? 0)).toBeLessThanOrEqual(30_000);
  });

  it('goes to another free agent at once, and the decliner stays excluded during the cool-off', () => {
    const h = new EngineHarness([queueConfig('q1', { offerTimeoutSeconds: 10 })]);
    h.apply({ type: 'SIGN_IN', agent: agentProfile('a1', ['q1']) });
    h.apply({ type: 'ARRIVE', contact: contactInput('c1', 'q1', h.now) });
    h.advance(1000);
    h.apply({ type: 'SIGN_IN', agent: agentProfile('a2', ['q1']) });
    h.apply({ type: 'SET_PRESENCE', agentId: 'a2', presence: 'AWAY', reason: 'break' });
    h.apply({ type: 'DECLINE', contactId: 'c1', agentId: 'a1', offerToken: h.lastOffer('c1')?.offerToken ?? 0, reason: 'no' });
    h.advance(5000);
    h.apply({ type: 'SET_PRESENCE', agentId: 'a2', presence: 'AVAILABLE' });
    expect(h.lastOffer('c1')?.agentId).toBe('a2');
    h.apply({ type: 'DECLINE', contactId: 'c1', agentId: 'a2', offerToken: h.lastOffer('c1')?.offerToken ?? 0, reason: 'no' });
    // a1's exclusion (declined at +1 s) ends at +11 s, a2's at +16 s: a1 gets it first.
    expect(h.engine.contact('c1')?.declinedBy).toEqual(['a1', 'a2']);
    h.advance(4999);
    expect(h.engine.contact('c1')?.state).toBe('QUEUED');
    h.advance(1);
    expect(h.lastOffer('c1')).toMatchObject({ agentId: 'a1', atMs: h.now });
    expect(h.engine.contact('c1')?.declinedBy).toEqual(['a2']);
  });

  it('when exclusions lapse together, the agent takes the better contact, whichever timer fires first', () => {
    const h = new EngineHarness([queueConfig('q1', { offerTimeoutSeconds: 10, agingRatePerSecond: 0.1 })]);
    h.apply({ type: 'SIGN_IN', agent: agentProfile('a1', ['q1']) });
    h.apply({ type: 'ARRIVE', contact: contactInput('c0', 'q1', h.now) });
    h.apply({ type: 'DECLINE', contactId: 'c0', agentId: 'a1', offerToken: h.lastOffer('c0')?.offerToken ?? 0, reason: 'no' });
    h.apply({ type: 'ARRIVE', contact: contactInput('c1', 'q1', h.now, { basePriority: 3 }) });
    h.apply({ type: 'DECLINE', contactId: 'c1', agentId: 'a1', offerToken: h.lastOffer('c1')?.offerToken ?? 0, reason: 'no' });
    h.advance(10_000);
    expect(h.engine.contact('c1')).toMatchObject({ state: 'OFFERED', agentId: 'a1' });
    expect(h.engine.contact('c0')).toMatchObject({ state: 'QUEUED', declinedBy: [] });
  });

  it('treats a lapse timer as stale once the contact entered another queue, and as a no-op the second time', () => {
    const h = new EngineHarness([queueConfig('q1', { offerTimeoutSeconds: 10 }), queueConfig('q2')]);
    h.apply({ type: 'SIGN_IN', agent: agentProfile('a1', ['q1', 'q2']) });
    h.apply({ type: 'ARRIVE', contact: contactInput('c1', 'q1', h.now) });
    const r = h.apply({ type: 'DECLINE', contactId: 'c1', agentId: 'a1', offerToken: h.lastOffer('c1')?.offerToken ?? 0, reason: 'no' });
    const lapse = r.timers.find((t) => t.kind === 'EXCLUSION_LAPSE');
    expect(lapse).toMatchObject({ agentId: 'a1', dueAtMs: h.now + 10_000, contactId: 'c1' });
    h.apply({ type: 'SET_PRESENCE', agentId: 'a1', presence: 'AWAY', reason: 'break' });
    h.apply({ type: 'TRANSFER', contactId: 'c1', target: { kind: 'queue', queueId: 'q2' } });
    expect(h.engine.contact('c1')).toMatchObject({ queueId: 'q2', declinedBy: [] });
    h.now += 10_000;
    expect(h.apply({ type: 'TIMER_FIRED', timer: lapse as TimerRequest }).outcome.kind).toBe('stale');
  });

  it('applies a lapse with no event (state changed) and ignores it when fired again', () => {
    const h = new EngineHarness([queueConfig('q1', { offerTimeoutSeconds: 10 })]);
    h.apply({ type: 'SIGN_IN', agent: agentProfile('a1', ['q1']) });
    h.apply({ type: 'SIGN_IN', agent: agentProfile('a2', ['q1']) });
    h.apply({ type: 'ARRIVE', contact: contactInput('c1', 'q1', h.now) });
    const r = h.apply({ type: 'DECLINE', contactId: 'c1', agentId: 'a1', offerToken: h.lastOffer('c1')?.offerToken ?? 0, reason: 'no' });
    h.apply({ type: 'ACCEPT', contactId: 'c1', agentId: 'a2', offerToken: h.lastOffer('c1')?.offerToken ?? 0 });
    const lapse = r.timers.find((t) => t.kind === 'EXCLUSION_LAPSE') as TimerRequest;
    h.now = lapse.dueAtMs;
    const fired = h.apply({ type: 'TIMER_FIRED', timer: lapse });
    expect(fired).toMatchObject({ outcome: { kind: 'applied' }, events: [] });
    expect(h.engine.contact('c1')?.declinedBy).toEqual([]);
    expect(h.apply({ type: 'TIMER_FIRED', timer: lapse }).outcome.kind).toBe('stale');
  });
});

describe('explanations', () => {
  it('bounds named candidates at 20 and counts every passed-over agent exactly', () => {
    const h = new EngineHarness([queueConfig('q1', { requiredSkills: [{ skill: 'tax', minProficiency: 3 }] })]);
    for (let i = 0; i < 15; i++) h.apply({ type: 'SIGN_IN', agent: agentProfile(`lang${i}`, ['q1'], { languages: ['zh'], skills: { tax: 5 } }) });
    for (let i = 0; i < 12; i++) h.apply({ type: 'SIGN_IN', agent: agentProfile(`prof${i}`, ['q1'], { skills: { tax: 2 } }) });
    for (let i = 0; i < 10; i++) {
      h.apply({ type: 'SIGN_IN', agent: agentProfile(`away${i}`, ['q1'], { skills: { tax: 3 } }) });
      h.apply({ type: 'SET_PRESENCE', agentId: `away${i}`, presence: 'AWAY', reason: 'break' });
    }
    h.apply({ type: 'ARRIVE', contact: contactInput('c1', 'q1', h.now) });
    const x = h.ofType('ContactQueued')[0]?.explanation;
    expect(x?.passedOverCounts).toEqual({ LANGUAGE: 15, PROFICIENCY: 12, PRESENCE: 10 });
    expect(x?.eligibleCount).toBe(0);
    expect(x?.candidates.length).toBe(20);
    expect(x?.candidates.every((n) => n.passedOver !== undefined)).toBe(true);
    h.apply({ type: 'SET_PRESENCE', agentId: 'away3', presence: 'AVAILABLE' });
    expect(h.lastOffer('c1')?.explanation).toMatchObject({ chosenAgentId: 'away3', trigger: 'AGENT_FREED', eligibleCount: 1 });
  });
});

