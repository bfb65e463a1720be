import { describe, expect, it } from 'vitest';
import { batchMeans } from './batch-means.js';
import { createRng } from './rng.js';

describe('batchMeans', () => {
  it('gives the ratio of sums and, for independent data, about σ/√n', () => {
    const rng = createRng(9);
    const n = 100_000;
    const xs = Float64Array.from({ length: n }, () => (rng.next() < 0.3 ? 1 : 0));
    const estimate = batchMeans(xs, undefined, 50);
    expect(estimate.mean).toBeCloseTo(xs.reduce((s, x) => s + x, 0) / n, 12);
    const binomial = Math.sqrt(0.3 * 0.7 / n);
    expect(estimate.standardError / binomial).toBeGreaterThan(0.6);
    expect(estimate.standardError / binomial).toBeLessThan(1.4);
  });

  it('sees the extra variance of positively correlated data', () => {
    const rng = createRng(10);
    // Runs of 200 equal values: the effective sample is 200 times smaller.
    const xs = new Float64Array(100_000);
    for (let i = 0; i < xs.length; i += 200) xs.fill(rng.next() < 0.5 ? 1 : 0, i, i + 200);
    const estimate = batchMeans(xs, undefined, 25);
    expect(estimate.standardError).toBeGreaterThan(5 * Math.sqrt(0.25 / xs.length));
  });

  it('weights batches by their denominators and reports NaN without two batches', () => {
    expect(batchMeans([1, 2], [2, 2], 2).mean).toBeCloseTo(0.75, 12);
    expect(Number.isNaN(batchMeans([1], undefined, 10).standardError)).toBe(true);
  });
});
