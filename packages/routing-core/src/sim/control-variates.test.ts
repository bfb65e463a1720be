import { describe, expect, it } from 'vitest';
import { controlledMean } from './control-variates.js';
import { sampleStandardNormal } from './distributions.js';
import { createRng } from './rng.js';

describe('controlledMean', () => {
  it('removes the part of the noise the controls explain, and its SE is honest', () => {
    // y_b = 0.5 + 2·x_b + small noise, with E[x] = 0 known: the fit recovers 0.5 with a small SE.
    const rng = createRng(11);
    const estimates: { mean: number; se: number; plainSe: number }[] = [];
    for (let rep = 0; rep < 200; rep++) {
      const x = Array.from({ length: 30 }, () => sampleStandardNormal(rng) * 0.1);
      const y = x.map((v) => 0.5 + 2 * v + 0.02 * sampleStandardNormal(rng));
      const e = controlledMean(y, [x]);
      const ybar = y.reduce((s, v) => s + v, 0) / y.length;
      const plainSe = Math.sqrt(y.reduce((s, v) => s + (v - ybar) ** 2, 0) / (29 * 30));
      estimates.push({ mean: e.mean, se: e.standardError, plainSe });
      expect(e.explained).toBeGreaterThan(0.9);
    }
    const avgSe = estimates.reduce((s, e) => s + e.se, 0) / estimates.length;
    const avgPlain = estimates.reduce((s, e) => s + e.plainSe, 0) / estimates.length;
    expect(avgSe).toBeLessThan(avgPlain / 4);
    // Over repetitions the estimates scatter about 0.5 by about their reported SE.
    const mean = estimates.reduce((s, e) => s + e.mean, 0) / estimates.length;
    const sd = Math.sqrt(estimates.reduce((s, e) => s + (e.mean - mean) ** 2, 0) / (estimates.length - 1));
    expect(Math.abs(mean - 0.5)).toBeLessThan(3 * sd / Math.sqrt(estimates.length));
    expect(sd / avgSe).toBeGreaterThan(0.8);
    expect(sd / avgSe).toBeLessThan(1.25);
  });

  it('falls back to plain batch means without usable controls', () => {
    const y = [1, 2, 3, 4];
    const plain = controlledMean(y, [[0, 0, 0, 0]]);
    expect(plain.mean).toBeCloseTo(2.5, 12);
    expect(plain.controls).toBe(0);
    expect(plain.standardError).toBeCloseTo(Math.sqrt((5 / 3) / 4), 12);
  });
});
