import { describe, expect, it } from 'vitest';
import { erlangA } from '../erlang/erlang-a.js';
import { singleQueueScenario } from './scenario.js';
import { simulate } from './simulator.js';

/**
 * Must-show 1, with abandonment: exponential patience, compared with Erlang A (M/M/n+M) — within
 * ±1 point on service level (abandoned contacts count as not answered in time) and P(wait), and
 * ±0.3 points on the abandonment rate, each tolerance at least three standard errors.
 *
 * Same method as erlang-c-match.test.ts (30 batch means, control variates on handle times,
 * inter-arrival gaps and patience draws; warm-up of 20,000 arrivals' time; ordinary seed 4, fixed
 * in advance). The load is 1.0 per agent: critically loaded, which Erlang C cannot describe at all
 * and where abandonment matters most. The Erlang A figures come from src/erlang (GMR closed forms,
 * themselves checked against a brute-force chain in erlang-a.test.ts); P(wait) and P(abandon) are
 * re-derived here from the birth–death chain as a direct check.
 */

/** P(wait) and P(abandon) of M/M/n+M from the stationary distribution of its birth–death chain. */
function chainFigures(lambda: number, mu: number, theta: number, n: number): { probWait: number; abandonRate: number } {
  const p: number[] = [1];
  for (let j = 1; j < n + 5000; j++) p.push(((p[j - 1] ?? 0) * lambda) / (Math.min(j, n) * mu + Math.max(0, j - n) * theta));
  const total = p.reduce((s, x) => s + x, 0);
  const probWait = p.slice(n).reduce((s, x) => s + x, 0) / total;
  const queue = p.reduce((s, x, j) => s + x * Math.max(0, j - n), 0) / total;
  return { probWait, abandonRate: (theta * queue) / lambda };
}

describe('simulation vs Erlang A (one FIFO queue, 10 agents, exponential patience)', () => {
  it('load 1.0 per agent, patience 300 s: SL and P(wait) within ±1 pt, abandonment within ±0.3 pt, each ≥ 3 SE', async ({ annotate }) => {
    const agents = 10;
    const handleSeconds = 180;
    const patienceSeconds = 300;
    const arrivalsPerHour = (1.0 * agents * 3600) / handleSeconds;
    const r = simulate(singleQueueScenario({ agents, arrivalsPerHour, handleSeconds, patienceSeconds, contacts: 300_000, seed: 4,
      slSeconds: 20, warmupSeconds: (20_000 * 3600) / arrivalsPerHour }));
    const exact = erlangA({ arrivalRate: arrivalsPerHour / 3600, handleSeconds, agents, slSeconds: 20, patienceSeconds });
    const chain = chainFigures(arrivalsPerHour / 3600, 1 / handleSeconds, 1 / patienceSeconds, agents);
    expect(exact.probWait).toBeCloseTo(chain.probWait, 9);
    expect(exact.abandonRate).toBeCloseTo(chain.abandonRate, 9);

    const { serviceLevel: sl, probWait: pw, abandonRate: ab } = r.controlled;
    // Figures go to the report as test annotations (routing-core code has no console).
    await annotate(`Erlang A load 1.0: SL sim ${pct(sl.mean)} ±${pct(sl.standardError)} vs ${pct(exact.serviceLevel)}; ` +
      `P(wait) ${pct(pw.mean)} ±${pct(pw.standardError)} vs ${pct(exact.probWait)}; abandon ${pct(ab.mean)} ±${pct(ab.standardError)} vs ${pct(exact.abandonRate)} ` +
      `(plain SL ${pct(r.serviceLevel)} ±${pct(r.standardErrors.serviceLevel)}, P(wait) ${pct(r.probWait)} ±${pct(r.standardErrors.probWait)}, ` +
      `abandon ${pct(r.abandonRate)} ±${pct(r.standardErrors.abandonRate)}); ${r.contacts} measured`);

    expect(3 * sl.standardError).toBeLessThanOrEqual(0.01);
    expect(3 * pw.standardError).toBeLessThanOrEqual(0.01);
    expect(3 * ab.standardError).toBeLessThanOrEqual(0.003);
    expect(Math.abs(sl.mean - exact.serviceLevel)).toBeLessThanOrEqual(0.01);
    expect(Math.abs(pw.mean - exact.probWait)).toBeLessThanOrEqual(0.01);
    expect(Math.abs(ab.mean - exact.abandonRate)).toBeLessThanOrEqual(0.003);
    expect(Math.abs(r.abandonRate - ab.mean)).toBeLessThanOrEqual(3 * r.standardErrors.abandonRate);
    expect(Math.abs(r.occupancy - exact.occupancy)).toBeLessThan(0.02);
  }, 180_000);
});

function pct(x: number): string {
  return `${(100 * x).toFixed(2)}%`;
}
