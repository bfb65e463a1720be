import { describe, expect, it } from 'vitest';
import { agentProfile, contactInput, EngineHarness, queueConfig } from './testing/fixtures.js';

describe('capacity and blending', () => {
  it('never exceeds per-channel capacity; offers reserve capacity', () => {
    const h = new EngineHarness([queueConfig('q1')]);
    h.apply({ type: 'SIGN_IN', agent: agentProfile('a1', ['q1'], { capacity: { chat: 2 } }) });
    for (const id of ['c1', 'c2', 'c3']) h.apply({ type: 'ARRIVE', contact: contactInput(id, 'q1', h.now, { channel: 'chat' }) });
    expect(h.ofType('ContactOffered').map((e) => e.contactId)).toEqual(['c1', 'c2']);
    expect(h.ofType('ContactQueued').at(-1)?.explanation?.passedOverCounts).toEqual({ CAPACITY: 1 });
    h.apply({ type: 'ABANDON', contactId: 'c1' });
    expect(h.lastOffer('c3')?.agentId).toBe('a1');
  });

  it('a phone call blocks other channels (both ways) unless allowBlendWithPhone', () => {
    const h = new EngineHarness([queueConfig('q1')]);
    h.apply({ type: 'SIGN_IN', agent: agentProfile('a1', ['q1']) });
    h.apply({ type: 'ARRIVE', contact: contactInput('p1', 'q1', h.now) });
    h.apply({ type: 'ARRIVE', contact: contactInput('ch1', 'q1', h.now, { channel: 'chat' }) });
    expect(h.engine.contact('ch1')?.state).toBe('QUEUED');
    expect(h.ofType('ContactQueued').at(-1)?.explanation?.passedOverCounts).toEqual({ BLENDING: 1 });
    h.apply({ type: 'ABANDON', contactId: 'p1' });
    expect(h.lastOffer('ch1')?.agentId).toBe('a1');
    h.apply({ type: 'ARRIVE', contact: contactInput('p2', 'q1', h.now) });
    expect(h.engine.contact('p2')?.state).toBe('QUEUED');

    const b = new EngineHarness([queueConfig('q1')]);
    b.apply({ type: 'SIGN_IN', agent: agentProfile('a1', ['q1'], { allowBlendWithPhone: true }) });
    b.apply({ type: 'ARRIVE', contact: contactInput('p1', 'q1', b.now) });
    b.apply({ type: 'ARRIVE', contact: contactInput('ch1', 'q1', b.now, { channel: 'chat' }) });
    expect(b.engine.agent('a1')?.used).toMatchObject({ phone: 1, chat: 1 });
  });

  it('AWAY stops offers, AVAILABLE pulls the best waiting work; sign-out returns live offers', () => {
    const h = new EngineHarness([queueConfig('q1')]);
    h.apply({ type: 'SIGN_IN', agent: agentProfile('a1', ['q1']) });
    h.apply({ type: 'SET_PRESENCE', agentId: 'a1', presence: 'AWAY', reason: 'lunch' });
    h.apply({ type: 'ARRIVE', contact: contactInput('c1', 'q1', h.now) });
    expect(h.ofType('ContactQueued')[0]?.explanation?.passedOverCounts).toEqual({ PRESENCE: 1 });
    h.apply({ type: 'SET_PRESENCE', agentId: 'a1', presence: 'AVAILABLE' });
    expect(h.lastOffer('c1')?.agentId).toBe('a1');
    h.apply({ type: 'SIGN_OUT', agentId: 'a1' });
    expect(h.engine.contact('c1')).toMatchObject({ state: 'QUEUED' });
    // Signed out with nothing left to finish: forgotten, so the engine holds live agents only.
    expect(h.engine.agent('a1')).toBeUndefined();
    expect(h.engine.apply({ type: 'SIGN_OUT', agentId: 'a1' }, h.now).outcome.kind).toBe('stale');
    expect(h.ofType('AgentPresenceChanged').map((e) => e.to)).toEqual(['AVAILABLE', 'AWAY', 'AVAILABLE', 'OFFLINE']);
  });

  it('sign-out reclaims held work: chats and WeChat back at their places, wrap-up ended, the call kept until its platform ends it', () => {
    const h = new EngineHarness([queueConfig('q1', { wrapUpSeconds: 30 })]);
    h.apply({ type: 'SIGN_IN', agent: agentProfile('a1', ['q1'], { allowBlendWithPhone: true, capacity: { phone: 1, chat: 2, wechat: 1, email: 1 } }) });
    const held = [['call', 'phone'], ['chat1', 'chat'], ['chat2', 'chat'], ['wx', 'wechat'], ['mail', 'email']] as const;
    for (const [id, channel] of held) {
      h.apply({ type: 'ARRIVE', contact: contactInput(id, 'q1', h.now, { channel }) });
      h.apply({ type: 'ACCEPT', contactId: id, agentId: 'a1', offerToken: h.lastOffer(id)!.offerToken });
    }
    h.apply({ type: 'COMPLETE', contactId: 'mail', agentId: 'a1', disposition: 'resolved' });
    h.advance(1_000);
    h.apply({ type: 'ARRIVE', contact: contactInput('later', 'q1', h.now, { channel: 'chat' }) });
    expect(h.engine.contact('later')?.state).toBe('QUEUED'); // a1's chats are full

    h.apply({ type: 'SIGN_OUT', agentId: 'a1' });
    expect(h.ofType('ContactTransferred').map((e) => [e.contactId, e.fromAgentId, e.toQueueId, e.reason]))
      .toEqual([['chat1', 'a1', 'q1', 'AGENT_SIGNED_OUT'], ['chat2', 'a1', 'q1', 'AGENT_SIGNED_OUT'], ['wx', 'a1', 'q1', 'AGENT_SIGNED_OUT']]);
    expect(h.ofType('WrapUpEnded').map((e) => e.contactId)).toEqual(['mail']);
    expect(h.engine.waitingContacts('q1').map((c) => c.id)).toEqual(['chat1', 'chat2', 'wx', 'later']); // their original places
    expect(h.engine.contact('call')).toMatchObject({ state: 'CONNECTED', agentId: 'a1' });
    expect(h.engine.agent('a1')).toMatchObject({ presence: 'OFFLINE', used: { phone: 1 } });

    // The next agent gets the reclaimed conversations first, in their order.
    h.apply({ type: 'SIGN_IN', agent: agentProfile('a2', ['q1'], { capacity: { chat: 2, wechat: 1 } }) });
    expect(h.ofType('ContactOffered').filter((e) => e.agentId === 'a2').map((e) => e.contactId)).toEqual(['chat1', 'chat2', 'wx']);
    // The platform ends the call (the router completes it for its agent): after wrap-up, a1 is forgotten.
    h.apply({ type: 'COMPLETE', contactId: 'call', agentId: 'a1', disposition: 'ended-on-channel' });
    h.advance(30_000);
    expect(h.engine.agent('a1')).toBeUndefined();
  });

  it('rejects arrivals past maxSize only when nobody can take them', () => {
    const h = new EngineHarness([queueConfig('q1', { maxSize: 1 })]);
    h.apply({ type: 'ARRIVE', contact: contactInput('c1', 'q1', h.now) });
    const r = h.apply({ type: 'ARRIVE', contact: contactInput('c2', 'q1', h.now) });
    expect(r.outcome).toEqual({ kind: 'rejected', contactId: 'c2', reason: 'QUEUE_FULL' });
    expect(r.events.map((e) => e.type)).toEqual(['ContactRejected']);
    expect(h.engine.contact('c2')).toBeUndefined();
    expect(h.apply({ type: 'ARRIVE', contact: contactInput('c3', 'nope', h.now) }).outcome).toMatchObject({ reason: 'UNKNOWN_QUEUE' });
  });

  it('an agent coming back pulls as many contacts as its capacity allows, best first', () => {
    const h = new EngineHarness([queueConfig('q1', { agingRatePerSecond: 1 })]);
    h.apply({ type: 'SIGN_IN', agent: agentProfile('a1', ['q1'], { capacity: { chat: 3 } }) });
    h.apply({ type: 'SET_PRESENCE', agentId: 'a1', presence: 'AWAY', reason: 'meeting' });
    for (let i = 0; i < 5; i++) h.apply({ type: 'ARRIVE', contact: contactInput(`c${i}`, 'q1', h.now, { channel: 'chat', basePriority: i }) });
    h.apply({ type: 'SET_PRESENCE', agentId: 'a1', presence: 'AVAILABLE' });
    expect(h.ofType('ContactOffered').map((e) => e.contactId)).toEqual(['c4', 'c3', 'c2']);
    expect(h.engine.queueDepth('q1')).toBe(2);
  });
});
