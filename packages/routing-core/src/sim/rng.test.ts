import { describe, expect, it } from 'vitest';
import { createRng, deriveRng, xoshiro128StarStar } from './rng.js';
import { sampleDuration, sampleExponential, sampleLogNormal } from './distributions.js';

describe('createRng', () => {
  it('implements xoshiro128** exactly (reference outputs for state 1, 2, 3, 4)', () => {
    const rng = xoshiro128StarStar(1, 2, 3, 4);
    const reference = [11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849, 3729100597, 4258142804];
    expect(reference.map(() => rng.nextUint32())).toEqual(reference);
  });

  it('is reproducible from its seed and differs between seeds', () => {
    const a = createRng(1);
    const b = createRng(1);
    const c = createRng(2);
    const xs = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.nextUint32())).not.toEqual(xs);
  });

  it('gives uniform doubles in [0, 1): mean, variance and a 20-bin chi-square', () => {
    const rng = createRng(42);
    const n = 200_000;
    const bins = new Array<number>(20).fill(0);
    let sum = 0;
    let sumSq = 0;
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const u = rng.next();
      if (!(u >= 0 && u < 1)) outside++;
      sum += u;
      sumSq += u * u;
      bins[Math.floor(u * 20)]! += 1;
    }
    expect(outside).toBe(0);
    expect(sum / n).toBeCloseTo(0.5, 2);
    expect(sumSq / n - (sum / n) ** 2).toBeCloseTo(1 / 12, 2);
    const expected = n / 20;
    const chi2 = bins.reduce((s, o) => s + (o - expected) ** 2 / expected, 0);
    // 19 degrees of freedom: the 99.9th percentile is 43.8.
    expect(chi2).toBeLessThan(43.8);
  });

  it('derives streams that do not overlap for neighbouring stream numbers', () => {
    const a = deriveRng(7, 0);
    const b = deriveRng(7, 1);
    const xs = new Set(Array.from({ length: 1000 }, () => a.nextUint32()));
    const overlap = Array.from({ length: 1000 }, () => b.nextUint32()).filter((x) => xs.has(x));
    expect(overlap.length).toBeLessThan(3);
  });
});

describe('distributions', () => {
  const n = 200_000;
  const moments = (draw: () => number): { mean: number; cv: number } => {
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) { const x = draw(); s += x; s2 += x * x; }
    const mean = s / n;
    return { mean, cv: Math.sqrt(s2 / n - mean * mean) / mean };
  };

  it('exponential has the asked mean and cv 1', () => {
    const rng = createRng(3);
    const m = moments(() => sampleExponential(rng, 180));
    expect(Math.abs(m.mean / 180 - 1)).toBeLessThan(0.01);
    expect(Math.abs(m.cv - 1)).toBeLessThan(0.02);
  });

  it('log-normal has the asked mean and coefficient of variation', () => {
    const rng = createRng(4);
    const m = moments(() => sampleLogNormal(rng, 240, 0.6));
    expect(Math.abs(m.mean / 240 - 1)).toBeLessThan(0.01);
    expect(Math.abs(m.cv - 0.6)).toBeLessThan(0.03);
  });

  it('constant is constant', () => {
    expect(sampleDuration(createRng(1), { kind: 'constant', seconds: 12 })).toBe(12);
  });
});
