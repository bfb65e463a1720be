import { describe, expect, it } from 'vitest';
import { Channel } from '@switchboard/contracts';
import { formatCustomer, parseIdentifier } from './customers.js';

describe('switchboard customers', () => {
  it('reads kind:value identifiers and refuses what is not one', () => {
    expect(parseIdentifier('phone:+8613800138000')).toEqual({ kind: 'phone', value: '+8613800138000' });
    expect(parseIdentifier('email:ana:x@example.com')).toEqual({ kind: 'email', value: 'ana:x@example.com' });
    expect(() => parseIdentifier('+8613800138000')).toThrow(/kind:value/);
    expect(() => parseIdentifier('fax:123')).toThrow(/phone, email, wechat, unionid, chat/);
    expect(() => parseIdentifier('phone:')).toThrow(/kind:value/);
  });

  it('prints the identifier kinds and one line per recent contact', () => {
    const text = formatCustomer({ customerKey: 'c7', identifiers: [{ kind: 'phone', count: 1 }, { kind: 'wechat', count: 2 }], recentContacts: [
      { contactId: 'k2', channel: Channel.CHANNEL_PHONE, queueId: 'care', arrivedAt: new Date('2026-12-07T10:00:00Z'), agentId: 'a1', outcome: 'resolved', resolvedFirstContact: true, completedAt: undefined },
      { contactId: 'k1', channel: Channel.CHANNEL_WECHAT, queueId: 'care', arrivedAt: new Date('2026-12-07T09:00:00Z'), agentId: '', outcome: '', completedAt: undefined },
    ] });
    expect(text.split('\n')).toEqual([
      'customer c7: identifiers 1 phone, 2 wechat',
      '2026-12-07T10:00:00.000Z  phone  k2  care  a1  resolved  resolved',
      '2026-12-07T09:00:00.000Z  wechat  k1  care  -  live',
    ]);
  });
});
