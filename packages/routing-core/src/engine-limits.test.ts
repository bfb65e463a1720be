import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_HANDLE_SECONDS } from './core/limits.js';
import { agentProfile, contactInput, EngineHarness, queueConfig } from './testing/fixtures.js';

const MINUTE = 60_000;

/** One queue, agents a1 (signed in first, so offered first) and a2, contact `id` connected to a1. */
function connected(channel: 'phone' | 'chat', over: Parameters<typeof queueConfig>[1] = {}) {
  const h = new EngineHarness([queueConfig('q1', { wrapUpSeconds: 30, maxHandleSeconds: 600, handleLimitGraceSeconds: 120, ...over })]);
  h.apply({ type: 'SIGN_IN', agent: agentProfile('a1', ['q1']) });
  h.apply({ type: 'ARRIVE', contact: contactInput('c1', 'q1', h.now, { channel }) });
  const offer = h.lastOffer('c1')!;
  expect(offer.agentId).toBe('a1');
  h.apply({ type: 'ACCEPT', contactId: 'c1', agentId: 'a1', offerToken: offer.offerToken });
  return { h, offer };
}

describe('no contact without a limit', () => {
  it('a chat past its queue\'s maximum handle time is flagged, then after the grace goes back to its place for another agent', () => {
    const one = { capacity: { chat: 1 } };
    const h = new EngineHarness([queueConfig('q1', { wrapUpSeconds: 0, maxHandleSeconds: 600, handleLimitGraceSeconds: 120, missesBeforeAway: 100 })]);
    h.apply({ type: 'SIGN_IN', agent: agentProfile('a1', ['q1'], one) });
    h.apply({ type: 'ARRIVE', contact: contactInput('c1', 'q1', h.now, { channel: 'chat' }) });
    h.apply({ type: 'ACCEPT', contactId: 'c1', agentId: 'a1', offerToken: h.lastOffer('c1')!.offerToken });
    h.advance(2 * MINUTE);
    h.apply({ type: 'SIGN_IN', agent: agentProfile('a2', ['q1'], one) });
    h.apply({ type: 'ARRIVE', contact: contactInput('later', 'q1', h.now, { channel: 'chat' }) });
    h.apply({ type: 'ACCEPT', contactId: 'later', agentId: 'a2', offerToken: h.lastOffer('later')!.offerToken });
    // Two more wait behind c1's original place.
    h.apply({ type: 'ARRIVE', contact: contactInput('w1', 'q1', h.now, { channel: 'chat' }) });
    h.apply({ type: 'ARRIVE', contact: contactInput('w2', 'q1', h.now, { channel: 'chat' }) });
    h.advance(8 * MINUTE - 1);
    expect(h.ofType('ContactLimitReached')).toEqual([]);
    h.advance(1);
    expect(h.ofType('ContactLimitReached')).toMatchObject([{ contactId: 'c1', agentId: 'a1', limit: 'HANDLE_TIME', limitSeconds: 600, action: 'REQUEUE', actAtMs: h.now + 2 * MINUTE }]);
    expect(h.engine.contact('c1')?.state).toBe('CONNECTED');
    h.advance(2 * MINUTE);
    expect(h.ofType('ContactTransferred')).toMatchObject([{ contactId: 'c1', fromAgentId: 'a1', toQueueId: 'q1', reason: 'HANDLE_LIMIT' }]);
    // The agent who held it too long is passed over for it: they take the next contact instead.
    expect(h.engine.contact('c1')?.state).toBe('QUEUED');
    expect(h.lastOffer('w1')?.agentId).toBe('a1');
    // The next free agent gets c1 — ahead of w2, which arrived after it: its original place.
    h.apply({ type: 'COMPLETE', contactId: 'later', agentId: 'a2', disposition: 'resolved' });
    expect(h.engine.contact('c1')).toMatchObject({ state: 'OFFERED', agentId: 'a2' });
    expect(h.engine.contact('w2')?.state).toBe('QUEUED');
  });

  it('a chat re-queued past its limit that overflows on its return waits behind the higher-priority work its freed agent takes first', () => {
    const one = { capacity: { chat: 1 } };
    const h = new EngineHarness([
      queueConfig('q1', { wrapUpSeconds: 0, maxHandleSeconds: 600, handleLimitGraceSeconds: 120, overflow: { targetQueueId: 'q2', afterSeconds: 30 } }),
      queueConfig('q2', { agingRatePerSecond: 1 }),
    ]);
    h.apply({ type: 'SIGN_IN', agent: agentProfile('a1', ['q1', 'q2'], one) });
    h.apply({ type: 'ARRIVE', contact: contactInput('c1', 'q1', h.now, { channel: 'chat' }) });
    h.apply({ type: 'ACCEPT', contactId: 'c1', agentId: 'a1', offerToken: h.lastOffer('c1')!.offerToken });
    h.apply({ type: 'ARRIVE', contact: contactInput('w', 'q2', h.now - MINUTE, { channel: 'chat' }) });
    h.advance(12 * MINUTE);
    expect(h.ofType('ContactTransferred')).toMatchObject([{ contactId: 'c1', fromAgentId: 'a1', reason: 'HANDLE_LIMIT' }]);
    expect(h.ofType('ContactOverflowed')).toMatchObject([{ contactId: 'c1', toQueueId: 'q2' }]);
    // Entering q2 clears c1's exclusions, but a1 first takes w, older and of higher priority.
    expect(h.engine.contact('w')).toMatchObject({ state: 'OFFERED', agentId: 'a1' });
    expect(h.engine.contact('c1')).toMatchObject({ state: 'QUEUED', queueId: 'q2' });
  });

  it('a call past its maximum handle time is ended for its agent after the grace; wrap-up then frees the line', () => {
    const { h } = connected('phone');
    h.advance(10 * MINUTE);
    expect(h.ofType('ContactLimitReached')).toMatchObject([{ limit: 'HANDLE_TIME', action: 'END' }]);
    h.advance(2 * MINUTE);
    expect(h.ofType('ContactCompleted')).toMatchObject([{ contactId: 'c1', agentId: 'a1', disposition: 'handle-limit' }]);
    expect(h.ofType('ContactCompleted')[0]!.resolvedFirstContact).toBeUndefined();
    expect(h.engine.agent('a1')?.used.phone).toBe(1);
    h.advance(30_000);
    expect(h.engine.contact('c1')).toBeUndefined();
    expect(h.engine.agent('a1')).toMatchObject({ presence: 'AVAILABLE', used: { phone: 0 } });
  });

  it('a contact completed before its limit or during the grace is never flagged or acted on', () => {
    const { h } = connected('phone');
    h.advance(9 * MINUTE);
    h.apply({ type: 'COMPLETE', contactId: 'c1', agentId: 'a1', disposition: 'resolved' });
    h.advance(60 * MINUTE);
    expect(h.ofType('ContactLimitReached')).toEqual([]);
    const grace = connected('chat');
    grace.h.advance(11 * MINUTE);
    grace.h.apply({ type: 'COMPLETE', contactId: 'c1', agentId: 'a1', disposition: 'resolved' });
    grace.h.advance(60 * MINUTE);
    expect(grace.h.ofType('ContactLimitReached')).toHaveLength(1);
    expect(grace.h.ofType('ContactTransferred')).toEqual([]);
    expect(grace.h.ofType('ContactCompleted').map((e) => e.disposition)).toEqual(['resolved']);
  });

  it('a queue without its own maximum gets the channel\'s default', () => {
    const { h } = connected('phone', { maxHandleSeconds: undefined });
    h.advance(DEFAULT_MAX_HANDLE_SECONDS.phone * 1000 - 1);
    expect(h.ofType('ContactLimitReached')).toEqual([]);
    h.advance(1);
    expect(h.ofType('ContactLimitReached')).toMatchObject([{ limit: 'HANDLE_TIME', limitSeconds: DEFAULT_MAX_HANDLE_SECONDS.phone }]);
  });

  it('a call whose agent signed out stays connected, flagged, until its platform ends it — at most orphanedCallSeconds', () => {
    const { h } = connected('phone', { orphanedCallSeconds: 300, maxHandleSeconds: 7_200 });
    h.apply({ type: 'SIGN_OUT', agentId: 'a1' });
    expect(h.ofType('ContactLimitReached')).toMatchObject([{ contactId: 'c1', agentId: 'a1', limit: 'AGENT_GONE', limitSeconds: 300, action: 'END', actAtMs: h.now + 300_000 }]);
    expect(h.engine.contact('c1')?.state).toBe('CONNECTED');
    h.advance(300_000);
    // Ended with no wrap-up (nobody is there to wrap up): the capacity is free at once.
    expect(h.ofType('ContactCompleted')).toMatchObject([{ contactId: 'c1', disposition: 'agent-gone' }]);
    expect(h.ofType('WrapUpEnded')).toMatchObject([{ contactId: 'c1' }]);
    expect(h.engine.contact('c1')).toBeUndefined();

    // The platform ending it first leaves nothing for the limit to do.
    const early = connected('phone', { orphanedCallSeconds: 300 });
    early.h.apply({ type: 'SIGN_OUT', agentId: 'a1' });
    early.h.advance(60_000);
    early.h.apply({ type: 'COMPLETE', contactId: 'c1', agentId: 'a1', disposition: 'ended-on-channel', endedOnChannel: true });
    early.h.advance(10 * MINUTE);
    expect(early.h.ofType('ContactCompleted').map((e) => e.disposition)).toEqual(['ended-on-channel']);
  });
});
