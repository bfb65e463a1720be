import { describe, expect, it } from 'vitest';
import type { CustomerPolicy } from './model/customer.js';
import { agentProfile, contactInput, EngineHarness, queueConfig } from './testing/fixtures.js';

/** Two agents, a2 idle longest; c1 on WeChat from customer k1 (asking for a1) connected to a1. */
function withWeChatConnected(policy?: CustomerPolicy): EngineHarness {
  const h = new EngineHarness([queueConfig('q1', { stickyAgentWaitSeconds: 30, ...(policy ? { customer: policy } : {}) })]);
  h.apply({ type: 'SIGN_IN', agent: agentProfile('a2', ['q1']) });
  h.advance(1_000);
  h.apply({ type: 'SIGN_IN', agent: agentProfile('a1', ['q1'], { allowBlendWithPhone: true }) });
  h.apply({ type: 'ARRIVE', contact: contactInput('c1', 'q1', h.now, { channel: 'wechat', customerKey: 'k1', preferredAgentId: 'a1' }) });
  h.apply({ type: 'ACCEPT', contactId: 'c1', agentId: 'a1', offerToken: h.lastOffer('c1')!.offerToken });
  h.advance(1_000);
  return h;
}

const preference = { agentId: 'a1', because: 'HOLDS_LIVE_CONTACT', viaContactId: 'c1' } as const;

describe('one customer across channels', () => {
  it('records the customer before the first queue entry and offers the second contact to the agent holding the first', () => {
    const h = withWeChatConnected();
    expect(h.ofType('CustomerIdentified')[0]).toMatchObject({ contactId: 'c1', customerKey: 'k1' });
    // a2 is idle and would be chosen on its own; the customer's live WeChat contact points to a1.
    h.apply({ type: 'ARRIVE', contact: contactInput('c2', 'q1', h.now, { customerKey: 'k1', customerPreference: preference }) });
    const identified = h.ofType('CustomerIdentified')[1]!;
    expect(identified).toMatchObject({ contactId: 'c2', customerKey: 'k1', preferredAgentId: 'a1', preferredBecause: 'HOLDS_LIVE_CONTACT', viaContactId: 'c1' });
    expect(h.events.indexOf(identified)).toBeLessThan(h.events.findIndex((e) => e.type === 'ContactQueued' && e.contactId === 'c2'));
    expect(h.lastOffer('c2')).toMatchObject({ agentId: 'a1' });
  });

  it('routes on its own under policy NONE, and lets the contact\'s own preferred agent win', () => {
    const none = withWeChatConnected({ policy: 'NONE' });
    none.apply({ type: 'ARRIVE', contact: contactInput('c2', 'q1', none.now, { customerKey: 'k1', customerPreference: preference }) });
    expect(none.ofType('CustomerIdentified')[1]).not.toHaveProperty('preferredAgentId');
    expect(none.lastOffer('c2')).toMatchObject({ agentId: 'a2' });
    const own = withWeChatConnected();
    own.apply({ type: 'SIGN_IN', agent: agentProfile('a3', ['q1']) });
    own.apply({ type: 'ARRIVE', contact: contactInput('c2', 'q1', own.now, { customerKey: 'k1', customerPreference: preference, preferredAgentId: 'a3' }) });
    expect(own.lastOffer('c2')).toMatchObject({ agentId: 'a3' });
  });

  it('waits the queue\'s sticky time for the customer\'s agent when that agent is full, then widens', () => {
    const h = withWeChatConnected();
    h.apply({ type: 'ARRIVE', contact: contactInput('c2', 'q1', h.now, { customerKey: 'k1', customerPreference: preference }) });
    h.apply({ type: 'ACCEPT', contactId: 'c2', agentId: 'a1', offerToken: h.lastOffer('c2')!.offerToken });
    h.apply({ type: 'ARRIVE', contact: contactInput('c3', 'q1', h.now, { customerKey: 'k1', customerPreference: { ...preference, viaContactId: 'c2' } }) });
    expect(h.engine.contact('c3')).toMatchObject({ state: 'QUEUED', sticky: true, preferredAgentId: 'a1' });
    h.advance(30_000);
    expect(h.lastOffer('c3')).toMatchObject({ agentId: 'a2' });
  });

  it('contacts without a customer emit no CustomerIdentified', () => {
    const h = new EngineHarness([queueConfig('q1')]);
    h.apply({ type: 'ARRIVE', contact: contactInput('c1', 'q1', h.now) });
    expect(h.ofType('CustomerIdentified')).toEqual([]);
  });
});
