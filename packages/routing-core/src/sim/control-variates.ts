import type { Estimate } from './batch-means.js';

/** A control-variate estimate, with the plain batch-means figures beside it for comparison. */
export interface ControlledEstimate extends Estimate {
  /** Share of the batch-to-batch variance the controls explain (R²). */
  readonly explained: number;
  /** Controls kept (those with zero spread are dropped). */
  readonly controls: number;
}

/**
 * Batch means with control variates (Lavenberg & Welch, "A perspective on the use of control
 * variables to increase the efficiency of Monte Carlo simulations", Mgmt Sci 27(3), 1981; Law &
 * Kelton §11.3). Each batch gives the measure y_b and the batch means x_b of input variables whose
 * expectation is known to be 0 — e.g. a contact's handle time / mean − 1 and its inter-arrival gap ×
 * rate − 1. Regressing y on x across batches and reading the fit at x = 0 removes the part of the
 * noise that comes from the batch's luck in arrivals and handle times (in a busy queue, most of it):
 *
 *   θ̂ = ȳ − β̂ᵀ x̄,   Var θ̂ = σ̂² (1/B + x̄ᵀ S⁻¹ x̄),   σ̂² = RSS / (B − q − 1),
 *
 * with S the centred cross-product matrix of the x_b. `y` and each control are batch values, in
 * batch order. Falls back to plain batch means when there are too few batches for the fit.
 */
export function controlledMean(y: readonly number[], controls: readonly (readonly number[])[]): ControlledEstimate {
  const b = y.length;
  const mean = (v: readonly number[]): number => v.reduce((s, x) => s + x, 0) / v.length;
  const ybar = mean(y);
  const plainSe = Math.sqrt(y.reduce((s, v) => s + (v - ybar) ** 2, 0) / ((b - 1) * b));
  const kept = controls.filter((c) => c.length === b && c.some((v) => v !== c[0]));
  const q = kept.length;
  if (b - q - 1 < 2 || q === 0) return { mean: ybar, standardError: plainSe, batches: b, explained: 0, controls: 0 };
  const xbar = kept.map(mean);
  const dx = kept.map((c, i) => c.map((v) => v - (xbar[i] ?? 0)));
  const dy = y.map((v) => v - ybar);
  const s = dx.map((ci) => dx.map((cj) => ci.reduce((acc, v, k) => acc + v * (cj[k] ?? 0), 0)));
  const sxy = dx.map((ci) => ci.reduce((acc, v, k) => acc + v * (dy[k] ?? 0), 0));
  const beta = solve(s, sxy);
  const sInvXbar = solve(s, xbar);
  if (beta === undefined || sInvXbar === undefined) return { mean: ybar, standardError: plainSe, batches: b, explained: 0, controls: 0 };
  let rss = 0;
  for (let k = 0; k < b; k++) {
    let fit = 0;
    for (let i = 0; i < q; i++) fit += (beta[i] ?? 0) * (dx[i]?.[k] ?? 0);
    rss += ((dy[k] ?? 0) - fit) ** 2;
  }
  const tss = dy.reduce((acc, v) => acc + v * v, 0);
  const sigma2 = rss / (b - q - 1);
  const leverage = xbar.reduce((acc, v, i) => acc + v * (sInvXbar[i] ?? 0), 0);
  return {
    mean: ybar - xbar.reduce((acc, v, i) => acc + v * (beta[i] ?? 0), 0),
    standardError: Math.sqrt(sigma2 * (1 / b + leverage)),
    batches: b,
    explained: tss > 0 ? 1 - rss / tss : 0,
    controls: q,
  };
}

/** Solves A·x = r for a small symmetric positive-definite A (Gaussian elimination, partial pivoting). */
function solve(a: readonly (readonly number[])[], r: readonly number[]): number[] | undefined {
  const n = r.length;
  const m = a.map((row, i) => [...row, r[i] ?? 0]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let row = col + 1; row < n; row++) if (Math.abs(m[row]?.[col] ?? 0) > Math.abs(m[pivot]?.[col] ?? 0)) pivot = row;
    const top = m[pivot];
    if (top === undefined || Math.abs(top[col] ?? 0) < 1e-300) return undefined;
    [m[col], m[pivot]] = [top, m[col] ?? top];
    for (let row = 0; row < n; row++) {
      if (row === col) continue;
      const f = (m[row]?.[col] ?? 0) / (top[col] ?? 1);
      for (let k = col; k <= n; k++) m[row]![k] = (m[row]?.[k] ?? 0) - f * (top[k] ?? 0);
    }
  }
  return m.map((row, i) => (row[n] ?? 0) / (row[i] ?? 1));
}
