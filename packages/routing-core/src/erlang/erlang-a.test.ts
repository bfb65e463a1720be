import { describe, expect, it } from 'vitest';
import { erlangA, gmrClosedForms } from './erlang-a.js';
import { erlangC } from './erlang-c.js';
import { logGmrA } from './gmr-series.js';
import { waitingContactsOutcome } from './erlang-a-wait.js';

/**
 * The M/M/n+M birth–death chain solved head-on (truncated far in the tail): an independent route
 * to P(wait), P(abandon) and occupancy; the service level comes from integrating the tagged
 * contact's equations f'_m = d_m·(f_{m−1} − f_m) − θ·f_m with classical Runge–Kutta.
 */
function bruteForce(lambda: number, handle: number, patience: number, n: number, t: number) {
  const mu = 1 / handle;
  const theta = 1 / patience;
  const states = n + 2000;
  const p: number[] = [1];
  for (let j = 1; j < states; j++) p.push((p[j - 1] ?? 0) * lambda / (Math.min(j, n) * mu + Math.max(0, j - n) * theta));
  const total = p.reduce((s, x) => s + x, 0);
  const pi = p.map((x) => x / total);
  const probWait = pi.slice(n).reduce((s, x) => s + x, 0);
  const queue = pi.reduce((s, x, j) => s + x * Math.max(0, j - n), 0);
  const busy = pi.reduce((s, x, j) => s + x * Math.min(j, n), 0);
  const m = 400;
  const rate = (j: number): number => n * mu + (j - 1) * theta;
  const deriv = (f: number[]): number[] => f.map((v, i) => (i === 0 ? 0 : rate(i) * ((f[i - 1] ?? 0) - v) - theta * v));
  let f: number[] = Array.from({ length: m + 1 }, (_, i) => (i === 0 ? 1 : 0));
  const h = 0.005;
  for (let s = 0; s < Math.round(t / h); s++) {
    const k1 = deriv(f);
    const k2 = deriv(f.map((v, i) => v + (h / 2) * (k1[i] ?? 0)));
    const k3 = deriv(f.map((v, i) => v + (h / 2) * (k2[i] ?? 0)));
    const k4 = deriv(f.map((v, i) => v + h * (k3[i] ?? 0)));
    f = f.map((v, i) => (i === 0 ? 1 : v + (h / 6) * ((k1[i] ?? 0) + 2 * (k2[i] ?? 0) + 2 * (k3[i] ?? 0) + (k4[i] ?? 0))));
  }
  let answeredAfterWait = 0;
  for (let k = 0; k < m; k++) answeredAfterWait += (pi[n + k] ?? 0) * (f[k + 1] ?? 0);
  return { probWait, abandonRate: (theta * queue) / lambda, occupancy: busy / n, serviceLevel: 1 - probWait + answeredAfterWait };
}

describe('erlangA', () => {
  const cases = [
    { lambda: 100 / 1800, handle: 180, patience: 120, n: 10 },
    { lambda: 100 / 1800, handle: 180, patience: 600, n: 12 },
    { lambda: 0.1, handle: 240, patience: 60, n: 20 },
    { lambda: 0.25, handle: 200, patience: 300, n: 45 },
    { lambda: 2, handle: 300, patience: 180, n: 500 },
  ];

  it.each(cases)('agrees with the brute-force chain (λ=$lambda, n=$n, patience=$patience)', ({ lambda, handle, patience, n }) => {
    const exact = erlangA({ arrivalRate: lambda, handleSeconds: handle, patienceSeconds: patience, agents: n, slSeconds: 20 });
    const brute = bruteForce(lambda, handle, patience, n, 20);
    expect(exact.probWait).toBeCloseTo(brute.probWait, 9);
    expect(exact.abandonRate).toBeCloseTo(brute.abandonRate, 9);
    expect(exact.occupancy).toBeCloseTo(brute.occupancy, 9);
    expect(exact.serviceLevel).toBeCloseTo(brute.serviceLevel, 6);
  });

  it('GMR P(Ab) matches the tagged-contact derivation', () => {
    for (const { lambda, handle, patience, n } of cases) {
      const mu = 1 / handle;
      const closed = gmrClosedForms(lambda, mu, 1 / patience, n);
      const walked = waitingContactsOutcome({ arrivalRate: lambda, mu, theta: 1 / patience, agents: n, pin: closed.pin, slSeconds: 0 });
      expect(walked.abandoned).toBeCloseTo(closed.probAbandon, 12);
    }
  });

  it('tends to Erlang C as patience grows', () => {
    const model = { arrivalRate: 100 / 1800, handleSeconds: 180, agents: 12, slSeconds: 20 };
    const a = erlangA({ ...model, patienceSeconds: 1e8 });
    const c = erlangC(model);
    expect(a.probWait).toBeCloseTo(c.probWait, 5);
    expect(a.serviceLevel).toBeCloseTo(c.serviceLevel, 5);
    expect(a.asaSeconds).toBeCloseTo(c.asaSeconds, 2);
  });

  it('stays finite in overload, where Erlang C has no steady state', () => {
    const m = erlangA({ arrivalRate: 0.1, handleSeconds: 300, patienceSeconds: 200, agents: 20, slSeconds: 20 });
    expect(m.probWait).toBeGreaterThan(0.9);
    expect(m.abandonRate).toBeGreaterThan(0.3);
    expect(m.abandonRate).toBeLessThan(1);
    expect(m.occupancy).toBeLessThanOrEqual(1);
    expect(Number.isFinite(m.asaSeconds)).toBe(true);
  });

  it('A(x, y) equals its definition through the incomplete gamma for integer x', () => {
    // For integer x, γ(x, y) = (x − 1)!·(1 − e^{−y}·Σ_{k<x} y^k/k!), so A has a finite closed form.
    const x = 4;
    const y = 3.5;
    let partial = 0;
    let term = 1;
    for (let k = 0; k < x; k++) { partial += term; term *= y / (k + 1); }
    const gamma = 6 * (1 - Math.exp(-y) * partial);
    expect(Math.exp(logGmrA(x, y))).toBeCloseTo((x * Math.exp(y) / y ** x) * gamma, 12);
  });
});
