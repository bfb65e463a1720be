import { describe, expect, it } from 'vitest';
import { Channel, Contact } from '@switchboard/contracts';
import type { ContactView } from '@switchboard/routing-core';
import { IDENTIFIER_KINDS } from '@switchboard/state';
import { identifiersOf, linkRulesOf, UNIONID_ATTRIBUTE } from './identifiers.js';
import { preferenceOf } from './preference.js';

const all = new Set(IDENTIFIER_KINDS);

describe('what a channel knows the customer by', () => {
  it('takes E.164 numbers, email addresses, openids, unionids and verified chat ids, as the rules allow', () => {
    const wechat = Contact.fromPartial({ channel: Channel.CHANNEL_WECHAT, channelIds: { wechatOpenid: 'o-1' }, attributes: [{ key: UNIONID_ATTRIBUTE, value: 'u-1' }] });
    expect(identifiersOf(wechat, all)).toEqual([{ kind: 'wechat', value: 'o-1' }, { kind: 'unionid', value: 'u-1' }]);
    expect(identifiersOf(wechat, linkRulesOf('unionid'))).toEqual([{ kind: 'unionid', value: 'u-1' }]);
    const phone = Contact.fromPartial({ channel: Channel.CHANNEL_PHONE, customer: { phoneNumber: 'anonymous' } });
    expect(identifiersOf(phone, all)).toEqual([]);
    const chat = (identified: string) => Contact.fromPartial({ channel: Channel.CHANNEL_CHAT, customer: { id: 'crm-42', emailAddress: 'li@example.com' },
      attributes: [{ key: 'chat.identified', value: identified }] });
    expect(identifiersOf(chat('true'), all)).toEqual([{ kind: 'email', value: 'li@example.com' }, { kind: 'chat', value: 'crm-42' }]);
    expect(identifiersOf(chat('false'), linkRulesOf('phone,chat'))).toEqual([]);
    expect(() => linkRulesOf('phone,fax')).toThrow(/unknown identifier kind "fax"/);
  });
});

describe('the agent a customer brings', () => {
  const view = (agentId: string | undefined, state: string) => ({ agentId, state }) as unknown as ContactView;
  const recent = [
    { id: 'old', channel: 'email', queueId: 'q', at: 1_000, agentId: 'a3', completedAt: 2_000 },
    { id: 'w1', channel: 'wechat', queueId: 'q', at: 5_000 },
    { id: 'p1', channel: 'phone', queueId: 'q', at: 6_000 },
  ];
  it('prefers the agent holding a live contact, else the last who served within the window', () => {
    expect(preferenceOf('p1', recent, (id) => (id === 'w1' ? view('a1', 'CONNECTED') : undefined), undefined, 7_000))
      .toEqual({ agentId: 'a1', because: 'HOLDS_LIVE_CONTACT', viaContactId: 'w1' });
    expect(preferenceOf('p1', recent, (id) => (id === 'w1' ? view(undefined, 'QUEUED') : undefined), undefined, 7_000))
      .toEqual({ agentId: 'a3', because: 'LAST_SERVED', viaContactId: 'old' });
    expect(preferenceOf('p1', recent, () => undefined, { lastAgentWindowSeconds: 3 }, 7_000)).toBeUndefined();
  });
});
