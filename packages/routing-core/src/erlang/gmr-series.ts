/**
 * The function A(x, y) of Garnett, Mandelbaum & Reiman, "Designing a Call Center with Impatient
 * Customers", M&SOM 4(3), 2002, eq. (3.3):
 *
 *   A(x, y) = x·eʸ / yˣ · γ(x, y) = 1 + Σ_{j≥1} yʲ / Π_{k=1..j} (x + k),
 *
 * with γ the lower incomplete gamma function. The series form is what we sum: every term is a ratio
 * of the one before, so there is no factorial or power to overflow, and it converges for all x, y > 0
 * because the ratio y/(x + j) falls below 1 once j > y − x.
 *
 * Returned as a natural logarithm: for long patience and overload (y ≫ x) A exceeds 1e308.
 */
export function logGmrA(x: number, y: number): number {
  if (!(x > 0) || !(y >= 0)) throw new RangeError(`A(x, y) needs x > 0 and y ≥ 0, got x=${x} y=${y}`);
  // Terms are rescaled by 1e-200 whenever the sum grows past 1e200, the scale kept in logScale.
  const rescale = 1e200;
  const logRescale = Math.log(rescale);
  let logScale = 0;
  let sum = 1;
  let term = 1;
  for (let j = 1; j < 50_000_000; j++) {
    term *= y / (x + j);
    sum += term;
    if (sum > rescale) {
      sum /= rescale;
      term /= rescale;
      logScale += logRescale;
    }
    // Past the peak the terms shrink geometrically; stop when they no longer change the sum.
    if (j > y - x && term < sum * 1e-17) break;
  }
  return Math.log(sum) + logScale;
}
