import { describe, expect, it } from 'vitest';
import { erlangB } from './erlang-b.js';
import { erlangC, erlangCProbWait } from './erlang-c.js';

/** The textbook Erlang C by direct sums in log space: independent of the Erlang B recursion. */
function directProbWait(load: number, agents: number): number {
  const logTerm = (k: number): number => {
    let logFactorial = 0;
    for (let i = 2; i <= k; i++) logFactorial += Math.log(i);
    return k * Math.log(load) - logFactorial;
  };
  const logTop = logTerm(agents) + Math.log(agents / (agents - load));
  let below = 0;
  for (let k = 0; k < agents; k++) below += Math.exp(logTerm(k) - logTop);
  return 1 / (below + 1);
}

describe('erlangB', () => {
  it('matches a^n/n! / Σ a^k/k! for small n', () => {
    const direct = (a: number, n: number): number => {
      let term = 1;
      let sum = 1;
      for (let k = 1; k <= n; k++) { term *= a / k; sum += term; }
      return term / sum;
    };
    for (const [a, n] of [[1, 1], [5, 7], [10, 11], [42.5, 50]] as const) expect(erlangB(a, n)).toBeCloseTo(direct(a, n), 12);
  });

  it('stays finite for thousands of agents where factorials overflow', () => {
    const b = erlangB(4000, 4100);
    expect(b).toBeGreaterThan(0);
    expect(b).toBeLessThan(0.01);
  });
});

describe('erlangC', () => {
  // The classic worked example: 100 calls in 30 minutes, 180 s handle time → 10 Erlangs.
  const classic = { arrivalRate: 100 / 1800, handleSeconds: 180, slSeconds: 20 };

  // Published figures of this example (Call Centre Helper's Erlang C walk-through and most online
  // calculators): 11 agents P(wait) 68.21 %; 12 → SL 64.0 %; 13 → SL 79.6 %, ASA 17.1 s;
  // 14 → SL 88.8 %, ASA 7.8 s, occupancy 71.4 %.
  it('reproduces the classic 10-Erlang example', () => {
    const eleven = erlangC({ ...classic, agents: 11 });
    expect(eleven.offeredLoad).toBeCloseTo(10, 12);
    expect(eleven.probWait).toBeCloseTo(0.6821, 4);
    expect(eleven.serviceLevel).toBeCloseTo(1 - 0.6821 * Math.exp(-20 / 180), 4);
    expect(eleven.asaSeconds).toBeCloseTo(0.6821 * 180, 1);
    expect(erlangC({ ...classic, agents: 12 }).serviceLevel).toBeCloseTo(0.640, 3);
    const thirteen = erlangC({ ...classic, agents: 13 });
    expect(thirteen.serviceLevel).toBeCloseTo(0.796, 3);
    expect(thirteen.asaSeconds).toBeCloseTo(17.1, 1);
    const fourteen = erlangC({ ...classic, agents: 14 });
    expect(fourteen.serviceLevel).toBeCloseTo(0.888, 3);
    expect(fourteen.asaSeconds).toBeCloseTo(7.8, 1);
    expect(fourteen.occupancy).toBeCloseTo(0.714, 3);
  });

  it('agrees with the direct factorial formula across loads', () => {
    for (const n of [1, 2, 10, 20, 57, 120]) {
      for (const perAgent of [0.3, 0.7, 0.85, 0.95, 0.99]) {
        expect(erlangCProbWait(n * perAgent, n)).toBeCloseTo(directProbWait(n * perAgent, n), 11);
      }
    }
  });

  it('reduces to M/M/1 for one agent: P(wait) = ρ, ASA = ρ/(μ − λ)', () => {
    const m = erlangC({ arrivalRate: 0.8, handleSeconds: 1, agents: 1, slSeconds: 2 });
    expect(m.probWait).toBeCloseTo(0.8, 12);
    expect(m.asaSeconds).toBeCloseTo(0.8 / 0.2, 10);
    expect(m.serviceLevel).toBeCloseTo(1 - 0.8 * Math.exp(-0.2 * 2), 12);
  });

  it('reports an unstable queue instead of negative waits', () => {
    const m = erlangC({ ...classic, agents: 10 });
    expect(m.stable).toBe(false);
    expect(m.probWait).toBe(1);
    expect(m.asaSeconds).toBe(Infinity);
  });

  it('names the bad field', () => {
    expect(() => erlangC({ ...classic, agents: 2.5 })).toThrow(/agents/);
    expect(() => erlangC({ ...classic, agents: 3, handleSeconds: 0 })).toThrow(/handleSeconds/);
  });
});
