/**
 * Erlang B blocking probability B(n, a) for offered load `a` Erlangs on `n` servers.
 *
 * Uses the recursion B(0) = 1, B(k) = a·B(k−1) / (k + a·B(k−1)), which stays within [0, 1] at every
 * step; the textbook ratio aⁿ/n! / Σ aᵏ/k! overflows past n ≈ 170 and loses precision well before.
 */
export function erlangB(load: number, agents: number): number {
  if (!(load >= 0)) throw new RangeError(`load must be ≥ 0, got ${load}`);
  if (!Number.isInteger(agents) || agents < 0) throw new RangeError(`agents must be an integer ≥ 0, got ${agents}`);
  let b = 1;
  for (let k = 1; k <= agents; k++) b = (load * b) / (k + load * b);
  return b;
}
