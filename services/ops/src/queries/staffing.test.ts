import { describe, expect, it } from 'vitest';
import type { AgentView } from '@switchboard/routing-core';
import { concurrencyOf, DEFAULT_CONCURRENCY } from './staffing.js';

const agent = (capacity: AgentView['capacity']): AgentView => ({
  id: 'a', team: 't', skills: {}, languages: [], capacity, queues: [{ queueId: 'q', priority: 1 }], presence: 'AVAILABLE',
  idleSinceMs: 0, used: { phone: 0, chat: 0, email: 0, wechat: 0, task: 0 }, consecutiveMisses: 0, contactIds: [],
});

describe('concurrencyOf', () => {
  it('takes the most common capacity on the channel among the agents serving the queue (the smaller on a tie)', () => {
    expect(concurrencyOf([agent({ chat: 2 }), agent({ chat: 4 }), agent({ chat: 4 }), agent({ phone: 1 })], 'chat')).toBe(4);
    expect(concurrencyOf([agent({ chat: 2 }), agent({ chat: 4 })], 'chat')).toBe(2);
  });

  it("falls back to the design's defaults when nobody serving has capacity on the channel", () => {
    expect(concurrencyOf([agent({ phone: 1 })], 'email')).toBe(DEFAULT_CONCURRENCY.email);
    expect(concurrencyOf([], 'wechat')).toBe(3);
    expect(concurrencyOf([], 'phone')).toBe(1);
  });
});
