import { describe, expect, it } from 'vitest';
import { nextArrivalMs, simulate } from './simulator.js';
import { singleQueueScenario } from './scenario.js';
import { servers } from './sim-surge.js';
import type { AgentProfile } from '../model/agent.js';

describe('nextArrivalMs', () => {
  const phases = [{ fromSeconds: 10, multiplier: 2 }, { fromSeconds: 20, multiplier: 0 }, { fromSeconds: 30, multiplier: 0.5 }];

  it('is the plain exponential gap without phases', () => {
    expect(nextArrivalMs(1000, 4000, [], 0.5)).toBe(3000);
  });

  it('spends the unit draw across phases (the integrated rate is inverted exactly)', () => {
    // Mean gap 4 s: rate ¼/s before 10 s, ½/s from 10 s, 0 from 20 s, ⅛/s from 30 s.
    expect(nextArrivalMs(0, 4000, phases, 1)).toBe(4000);
    // 2.5 units spent by 10 s, 5 more by 20 s, none until 30 s, then ⅛ per second.
    expect(nextArrivalMs(0, 4000, phases, 2.5 + 1)).toBeCloseTo(12_000, 9);
    expect(nextArrivalMs(0, 4000, phases, 2.5 + 5 + 1)).toBeCloseTo(38_000, 9);
    expect(nextArrivalMs(25_000, 4000, phases, 0.25)).toBeCloseTo(32_000, 9);
  });

  it('never comes when the rate stays 0', () => {
    expect(nextArrivalMs(0, 1000, [{ fromSeconds: 5, multiplier: 0 }], 10)).toBe(Infinity);
  });
});

describe('servers', () => {
  const agent = (id: string, queues: [string, number][], capacity: AgentProfile['capacity']): AgentProfile =>
    ({ id, skills: {}, languages: [], team: 't', capacity, queues: queues.map(([queueId, priority]) => ({ queueId, priority })) });

  it('counts each agent for its first queue only, times its concurrency on the channel', () => {
    const agents = [
      agent('a', [['general', 0]], { phone: 1 }),
      agent('b', [['general', 1], ['vip', 0]], { phone: 1 }),
      agent('c', [['chat', 0]], { chat: 3 }),
      agent('d', [['chat', 0]], { phone: 1 }),
    ];
    expect(servers(agents, 'general', 'phone')).toBe(1);
    expect(servers(agents, 'vip', 'phone')).toBe(1);
    expect(servers(agents, 'chat', 'chat')).toBe(3);
  });
});

describe('simulate with arrivalPhases', () => {
  it('ramps the arrival rate: tripled demand after an hour ends the arrivals that much sooner', () => {
    const base = singleQueueScenario({ agents: 30, arrivalsPerHour: 360, handleSeconds: 120, contacts: 2000, seed: 3, warmupSeconds: 0 });
    const plain = simulate(base);
    const ramped = simulate({ ...base, arrivalPhases: [{ fromSeconds: 3600, multiplier: 3 }] });
    // 360 in the first hour, then 1080/h for the other 1640: the last arrival near 3600 + 5467 s.
    expect(plain.measuredSeconds).toBeGreaterThan(18_000);
    expect(ramped.measuredSeconds).toBeGreaterThan(9067 * 0.93);
    expect(ramped.measuredSeconds).toBeLessThan(9067 * 1.07);
    expect(ramped.arrivals).toBe(2000);
  });

  it('names bad phases', () => {
    const base = singleQueueScenario({ agents: 3, arrivalsPerHour: 36, handleSeconds: 120, contacts: 20, seed: 3 });
    expect(() => simulate({ ...base, arrivalPhases: [{ fromSeconds: 10, multiplier: 1 }, { fromSeconds: 5, multiplier: 2 }] })).toThrow(/arrivalPhases\[1\]\.fromSeconds/);
    expect(() => simulate({ ...base, arrivalPhases: [{ fromSeconds: 10, multiplier: -1 }] })).toThrow(/arrivalPhases\[0\]\.multiplier/);
    expect(() => simulate({ ...base, behaviour: { callbackAcceptProbability: 2 } })).toThrow(/callbackAcceptProbability/);
  });
});
