/** A point estimate with its standard error and the batches it came from. */
export interface Estimate {
  readonly mean: number;
  /** Standard error of `mean` by the method of batch means; NaN with fewer than 2 batches. */
  readonly standardError: number;
  readonly batches: number;
}

/**
 * Method of (non-overlapping) batch means for a ratio estimator Σ numerator / Σ denominator over
 * observations in simulation order (e.g. answered-in-time / contacts, by arrival). Successive
 * contacts of a queue are correlated, so the naive binomial SE is far too small; batches long
 * compared with the correlation time are nearly independent, and the spread of their ratios gives
 * an honest SE (Law & Kelton, "Simulation Modeling and Analysis", §9.5.3). Observations are split
 * into `batchCount` contiguous batches of equal count (a remainder goes to the last batch).
 */
export function batchMeans(numerators: ArrayLike<number>, denominators: ArrayLike<number> | undefined,
  batchCount: number): Estimate {
  const { ratios, numerator, denominator } = batchSums(numerators, denominators, batchCount);
  const mean = denominator > 0 ? numerator / denominator : NaN;
  if (ratios.length < 2) return { mean, standardError: NaN, batches: ratios.length };
  const avg = ratios.reduce((s, r) => s + r, 0) / ratios.length;
  const variance = ratios.reduce((s, r) => s + (r - avg) ** 2, 0) / (ratios.length - 1);
  return { mean, standardError: Math.sqrt(variance / ratios.length), batches: ratios.length };
}

/**
 * The per-batch ratios Σ numerator / Σ denominator (batches with a zero denominator are skipped) and
 * the grand totals; the building block of {@link batchMeans} and of control-variate estimates.
 */
export function batchSums(numerators: ArrayLike<number>, denominators: ArrayLike<number> | undefined, batchCount: number):
  { ratios: number[]; numerator: number; denominator: number } {
  const n = numerators.length;
  const batches = Math.max(1, Math.min(batchCount, n));
  const size = Math.floor(n / batches);
  const ratios: number[] = [];
  let numerator = 0;
  let denominator = 0;
  for (let b = 0; b < batches; b++) {
    const end = b === batches - 1 ? n : (b + 1) * size;
    let num = 0;
    let den = 0;
    for (let i = b * size; i < end; i++) {
      num += numerators[i] ?? 0;
      den += denominators === undefined ? 1 : denominators[i] ?? 0;
    }
    numerator += num;
    denominator += den;
    if (den > 0) ratios.push(num / den);
  }
  return { ratios, numerator, denominator };
}
