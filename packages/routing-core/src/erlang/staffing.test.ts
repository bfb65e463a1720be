import { describe, expect, it } from 'vitest';
import { agentsRequired } from './staffing.js';
import { erlangA } from './erlang-a.js';
import { erlangC } from './erlang-c.js';

describe('agentsRequired', () => {
  const classic = { arrivalRate: 100 / 1800, handleSeconds: 180 };

  it('staffs the classic 10-Erlang example at 14 agents for 80 % in 20 s', () => {
    const result = agentsRequired(classic, { serviceLevel: 0.8, slSeconds: 20 });
    expect(result.agents).toBe(14);
    expect(result.metrics.serviceLevel).toBeCloseTo(0.888, 3);
  });

  it('returns the smallest staffing: one fewer agent misses the target', () => {
    for (const arrivalRate of [0.01, 0.2, 1.3, 7]) {
      const target = { serviceLevel: 0.9, slSeconds: 30, maxAsaSeconds: 15 };
      const { agents } = agentsRequired({ arrivalRate, handleSeconds: 240 }, target);
      const below = erlangC({ arrivalRate, handleSeconds: 240, agents: agents - 1, slSeconds: 30 });
      expect(below.stable && below.serviceLevel >= 0.9 && below.asaSeconds <= 15).toBe(false);
    }
  });

  it('needs fewer agents under Erlang A, since abandonment shortens the queue', () => {
    const target = { serviceLevel: 0.8, slSeconds: 20 };
    const withPatience = agentsRequired({ ...classic, patienceSeconds: 120 }, target);
    expect(withPatience.agents).toBeLessThanOrEqual(14);
    const below = erlangA({ ...classic, patienceSeconds: 120, agents: withPatience.agents - 1, slSeconds: 20 });
    expect(below.serviceLevel).toBeLessThan(0.8);
  });

  it('honours an abandonment ceiling', () => {
    const loose = agentsRequired({ ...classic, patienceSeconds: 60 }, { serviceLevel: 0.5, slSeconds: 20 });
    const strict = agentsRequired({ ...classic, patienceSeconds: 60 }, { serviceLevel: 0.5, slSeconds: 20, maxAbandonRate: 0.005 });
    expect(strict.agents).toBeGreaterThan(loose.agents);
    expect(strict.metrics.abandonRate).toBeLessThanOrEqual(0.005);
  });

  it('staffs a big queue from ⌈share · a⌉ up, not from one agent (where π_n underflows)', () => {
    const big = { arrivalRate: 10, handleSeconds: 300, patienceSeconds: 180 };
    const { agents, metrics } = agentsRequired(big, { serviceLevel: 0.8, slSeconds: 20 });
    expect(metrics.serviceLevel).toBeGreaterThanOrEqual(0.8);
    expect(erlangA({ ...big, agents: agents - 1, slSeconds: 20 }).serviceLevel).toBeLessThan(0.8);
    expect(agents).toBeGreaterThan(0.8 * 3000);
    // Deep overload: one agent for 3,000 Erlangs answers nobody in time, and no ASA ceiling is met.
    const one = erlangA({ ...big, agents: 1, slSeconds: 20 });
    expect(one.serviceLevel).toBe(0);
    expect(one.asaSeconds).toBe(Infinity);
  });

  it('rejects impossible targets with a clear error', () => {
    expect(() => agentsRequired(classic, { serviceLevel: 1.2, slSeconds: 20 })).toThrow(/serviceLevel/);
    expect(() => agentsRequired(classic, { serviceLevel: 0.8, slSeconds: 20 }, 12)).toThrow(/12 agents/);
  });
});
