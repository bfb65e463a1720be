/** Latency summary of a sample, in the sample's unit. */
export interface LatencySummary {
  readonly count: number;
  readonly mean: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
}

/**
 * Exact percentiles by sorting the whole sample (nearest-rank). A few hundred thousand samples
 * sort in milliseconds, so a histogram library would buy nothing here.
 */
export function summarize(sample: ArrayLike<number>): LatencySummary {
  const sorted = Float64Array.from(sample).sort();
  const n = sorted.length;
  const rank = (p: number): number => (n === 0 ? NaN : sorted[Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1))] ?? NaN);
  let sum = 0;
  for (const x of sorted) sum += x;
  return { count: n, mean: n > 0 ? sum / n : NaN, p50: rank(0.5), p90: rank(0.9), p99: rank(0.99), p999: rank(0.999), max: n > 0 ? sorted[n - 1] ?? NaN : NaN };
}

/** The summary with every figure rounded to `digits` decimals (JSON reads better). */
export function rounded(summary: LatencySummary, digits = 2): LatencySummary {
  const r = (x: number) => Number(x.toFixed(digits));
  return { count: summary.count, mean: r(summary.mean), p50: r(summary.p50), p90: r(summary.p90), p99: r(summary.p99), p999: r(summary.p999), max: r(summary.max) };
}
