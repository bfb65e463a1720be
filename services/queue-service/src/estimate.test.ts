import { describe, expect, it } from 'vitest';
import type { AgentView } from '@switchboard/routing-core';
import { estimateWaitFromSlots, residualSeconds, slotAges } from './estimate.js';

const agent = (id: string, over: Partial<AgentView> = {}): AgentView => ({
  id, team: 't', skills: {}, languages: [], capacity: { phone: 1, chat: 2 }, queues: [{ queueId: 'q', priority: 1 }],
  presence: 'AVAILABLE', idleSinceMs: 0, used: { phone: 0, email: 0, chat: 0, wechat: 0, task: 0 }, consecutiveMisses: 0, contactIds: [], ...over,
} as AgentView);

describe('estimated wait from the slots', () => {
  it('counts a held slot by its residual time and later releases by the mean cycle', () => {
    // Three slots of a 3 s cycle, held for 0.5, 1.5 and 2.5 s: they free at 2.5, 1.5 and 0.5 s.
    const inputs = { cycles: [3, 3, 3], slotAges: [0.5, 1.5, 2.5] };
    expect(estimateWaitFromSlots({ ...inputs, position: 1 })).toBeCloseTo(0.5, 2);
    expect(estimateWaitFromSlots({ ...inputs, position: 3 })).toBeCloseTo(2.5, 2);
    expect(estimateWaitFromSlots({ ...inputs, position: 4 })).toBeCloseTo(3.5, 2);
    expect(estimateWaitFromSlots({ ...inputs, position: 10 })).toBeCloseTo(9.5, 2);
    expect(estimateWaitFromSlots({ ...inputs, position: 0 })).toBe(0);
  });

  it('treats a free slot as releasing now and no serving slot as one just taken', () => {
    expect(estimateWaitFromSlots({ position: 1, cycles: [2], slotAges: [null, 1] })).toBe(0);
    expect(estimateWaitFromSlots({ position: 3, cycles: [2], slotAges: [] })).toBeCloseTo(6, 2);
    expect(() => estimateWaitFromSlots({ position: 1, cycles: [], slotAges: [0] })).toThrow(RangeError);
  });

  it('handles a queue served by very many slots', () => {
    // 50,000 agents with three chat slots each, all held: one more than a spread argument list takes.
    const slots = new Array<number>(150_000).fill(0);
    expect(estimateWaitFromSlots({ position: 150_001, cycles: [3], slotAges: slots })).toBeCloseTo(6, 2);
  });

  it('takes the expected residual from the cycles longer than the age', () => {
    expect(residualSeconds([1, 2, 3, 4], 0)).toBeCloseTo(2.5);
    expect(residualSeconds([1, 2, 3, 4], 2.5)).toBeCloseTo(1); // only 3 and 4 are still running
    expect(residualSeconds([1, 2], 5)).toBe(0); // over-running: expected to free any moment
  });

  it('lists the slot ages of the serving agents on the contact channel only', () => {
    const held = (id: string) => ({ c1: { offeredAtMs: 8_000, channel: 'chat' as const }, c2: { offeredAtMs: 9_000, channel: 'phone' as const } })[id];
    const agents = [
      agent('a1', { contactIds: ['c1', 'c2'], used: { phone: 1, email: 0, chat: 1, wechat: 0, task: 0 } }),
      agent('a2', { presence: 'AWAY' }),
      agent('a3', { queues: [{ queueId: 'other', priority: 1 }] }),
      agent('a4', { contactIds: ['not-seen-yet'], used: { phone: 0, email: 0, chat: 1, wechat: 0, task: 0 } }),
    ];
    expect(slotAges(agents, 'q', 'chat', held, 10_000)).toEqual([2, null, 0, null]);
    expect(slotAges(agents, 'q', 'phone', held, 10_000)).toEqual([1, null]);
  });
});
