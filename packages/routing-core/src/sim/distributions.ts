import type { Rng } from './rng.js';

/** A duration distribution in seconds, as scenarios describe handle times and patience. */
export type DurationDistribution =
  | { readonly kind: 'exponential'; readonly meanSeconds: number }
  | { readonly kind: 'lognormal'; readonly meanSeconds: number; readonly cv: number }
  | { readonly kind: 'constant'; readonly seconds: number };

/** Exp(mean) by inversion; 1 − u keeps the logarithm away from 0. */
export function sampleExponential(rng: Rng, meanSeconds: number): number {
  return -meanSeconds * Math.log(1 - rng.next());
}

/** Standard normal by Box–Muller (one of the pair is dropped: simplicity over speed here). */
export function sampleStandardNormal(rng: Rng): number {
  const u = 1 - rng.next();
  const v = rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/**
 * Log-normal with the given mean and coefficient of variation (sd / mean), the usual fit for
 * call handle times: σ² = ln(1 + cv²), μ = ln(mean) − σ²/2.
 */
export function sampleLogNormal(rng: Rng, meanSeconds: number, cv: number): number {
  const sigma2 = Math.log(1 + cv * cv);
  return Math.exp(Math.log(meanSeconds) - sigma2 / 2 + Math.sqrt(sigma2) * sampleStandardNormal(rng));
}

/** Draws one duration from `distribution`. */
export function sampleDuration(rng: Rng, distribution: DurationDistribution): number {
  switch (distribution.kind) {
    case 'exponential': return sampleExponential(rng, distribution.meanSeconds);
    case 'lognormal': return sampleLogNormal(rng, distribution.meanSeconds, distribution.cv);
    case 'constant': return distribution.seconds;
  }
}

/** The mean of a duration distribution, seconds (for Erlang comparisons and reports). */
export function meanOf(distribution: DurationDistribution): number {
  return distribution.kind === 'constant' ? distribution.seconds : distribution.meanSeconds;
}
