import { describe, expect, it } from 'vitest';
import { Channel } from '@switchboard/contracts';
import { updateRequest } from './supervise.js';

describe('switchboard supervise update-agent', () => {
  it('changes only the fields given', () => {
    const r = updateRequest('a1', { capacity: 'phone=0, chat=3', queues: 'vip:1,general:2' });
    expect(r.updateMask).toEqual(['capacities', 'queues']);
    expect(r.capacities).toEqual([{ channel: Channel.CHANNEL_PHONE, maxConcurrent: 0 }, { channel: Channel.CHANNEL_CHAT, maxConcurrent: 3 }]);
    expect(r.queues).toEqual([{ queueId: 'vip', priority: 1 }, { queueId: 'general', priority: 2 }]);
    expect(updateRequest('a1', { skills: 'billing=3', languages: 'zh,en', blend: 'yes' })).toMatchObject({
      updateMask: ['skills', 'languages', 'blend_with_phone'], skills: [{ name: 'billing', proficiency: 3 }], languages: ['zh', 'en'], blendWithPhone: true,
    });
    expect(updateRequest('a1', { reset: true, capacity: 'phone=1' })).toMatchObject({ resetToDirectory: true, updateMask: [] });
    expect(updateRequest('a1', { team: ' vip ' })).toMatchObject({ updateMask: ['team'], team: 'vip' });
  });

  it('says what is wrong with a flag', () => {
    expect(() => updateRequest('a1', {})).toThrow(/name what to change/);
    expect(() => updateRequest('a1', { team: ' ' })).toThrow(/--team must name the team/);
    expect(() => updateRequest('a1', { capacity: 'fax=1' })).toThrow(/"fax" is not phone, email, chat or wechat/);
    expect(() => updateRequest('a1', { skills: 'billing' })).toThrow(/--skills: "billing" is not name=number/);
  });
});
