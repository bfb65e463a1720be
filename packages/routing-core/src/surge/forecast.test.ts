import { describe, expect, it } from 'vitest';
import { erlangA } from '../erlang/erlang-a.js';
import { forecastServiceLevel } from './forecast.js';

/** Erlang C by its textbook closed form: C = (aⁿ/n!)·n/(n − a) / (Σ_{k<n} aᵏ/k! + (aⁿ/n!)·n/(n − a)). */
function closedFormServiceLevel(lambda: number, handle: number, n: number, t: number): number {
  const a = lambda * handle;
  let term = 1;
  let below = 0;
  for (let k = 0; k < n; k++) { below += term; term *= a / (k + 1); }
  const top = term * (n / (n - a));
  const c = top / (below + top);
  return 1 - c * Math.exp(-(n - a) * t / handle);
}

describe('forecastServiceLevel', () => {
  it('matches the Erlang C closed form without patience (classic 10-Erlang example)', () => {
    for (const agents of [11, 12, 13, 14, 20]) {
      const f = forecastServiceLevel({ arrivalsPerSecond: 100 / 1800, handleSeconds: 180, agents, withinSeconds: 20 });
      expect(f.model).toBe('C');
      expect(f.offeredLoadErlangs).toBeCloseTo(10, 12);
      expect(f.serviceLevel).toBeCloseTo(closedFormServiceLevel(100 / 1800, 180, agents, 20), 10);
    }
    // The published figure: 14 agents answer 88.8 % within 20 s.
    expect(forecastServiceLevel({ arrivalsPerSecond: 100 / 1800, handleSeconds: 180, agents: 14, withinSeconds: 20 }).serviceLevel).toBeCloseTo(0.888, 3);
  });

  it('treats an infinite patience as Erlang C', () => {
    const c = forecastServiceLevel({ arrivalsPerSecond: 1.9, handleSeconds: 180, agents: 360, withinSeconds: 20 });
    const inf = forecastServiceLevel({ arrivalsPerSecond: 1.9, handleSeconds: 180, patienceSeconds: Infinity, agents: 360, withinSeconds: 20 });
    expect(inf).toEqual(c);
  });

  it('uses Erlang A with a finite patience, and stays above 0 in overload', () => {
    const input = { arrivalsPerSecond: 0.25, handleSeconds: 200, patienceSeconds: 300, agents: 45, withinSeconds: 20 };
    const f = forecastServiceLevel(input);
    expect(f.model).toBe('A');
    expect(f.serviceLevel).toBe(erlangA({ arrivalRate: 0.25, handleSeconds: 200, patienceSeconds: 300, agents: 45, slSeconds: 20 }).serviceLevel);
    const overload = forecastServiceLevel({ ...input, arrivalsPerSecond: 0.375 });
    expect(overload.offeredLoadErlangs).toBeCloseTo(75, 9);
    expect(overload.serviceLevel).toBeGreaterThan(0);
    expect(overload.serviceLevel).toBeLessThan(f.serviceLevel);
    expect(forecastServiceLevel({ ...input, patienceSeconds: undefined, arrivalsPerSecond: 0.375 }).serviceLevel).toBe(0);
  });

  it('falls as the load grows', () => {
    let last = 1;
    for (const lambda of [0.05, 0.1, 0.15, 0.19, 0.21]) {
      const sl = forecastServiceLevel({ arrivalsPerSecond: lambda, handleSeconds: 210, patienceSeconds: 180, agents: 40, withinSeconds: 20 }).serviceLevel;
      expect(sl).toBeLessThan(last);
      last = sl;
    }
  });

  it('gives a full service level without demand, and names bad inputs', () => {
    expect(forecastServiceLevel({ arrivalsPerSecond: 0, handleSeconds: 180, agents: 0, withinSeconds: 20 }).serviceLevel).toBe(1);
    expect(forecastServiceLevel({ arrivalsPerSecond: 0, handleSeconds: 180, agents: 3, withinSeconds: 20 }).serviceLevel).toBe(1);
    expect(forecastServiceLevel({ arrivalsPerSecond: 0.1, handleSeconds: 180, agents: 0, withinSeconds: 20 }).serviceLevel).toBe(0);
    expect(() => forecastServiceLevel({ arrivalsPerSecond: 0.1, handleSeconds: 0, agents: 3, withinSeconds: 20 })).toThrow(/handleSeconds/);
    expect(() => forecastServiceLevel({ arrivalsPerSecond: -1, handleSeconds: 10, agents: 3, withinSeconds: 20 })).toThrow(/arrivalRate/);
  });
});
