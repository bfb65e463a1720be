/** Parameters of {@link waitingContactsOutcome}, rates per second. */
export interface WaitingInput {
  readonly arrivalRate: number;
  readonly mu: number;
  readonly theta: number;
  readonly agents: number;
  /** π_n, the stationary probability of exactly n contacts in the system (all agents busy, none waiting). */
  readonly pin: number;
  readonly slSeconds: number;
}

/** What becomes of the contacts that have to wait, as shares of all arrivals. */
export interface WaitingOutcome {
  /** P(wait > 0 and answered within slSeconds). */
  readonly answeredWithin: number;
  /** E[wait · 1{answered}]: divide by P(answered) for the ASA. */
  readonly answeredWaitTotal: number;
  /** P(wait > 0 and abandoned): an independent route to GMR's P(Ab), used to test it. */
  readonly abandoned: number;
}

/**
 * Follows a tagged arrival of the M/M/n+M queue through the contacts ahead of it (a direct
 * derivation from the birth–death chain, so it also cross-checks the GMR closed forms).
 *
 * By PASTA an arrival finds n + k contacts with probability π_{n+k} = π_n·Π_{i=1..k} λ/(nμ + iθ).
 * It then needs m = k + 1 "moves" to reach an agent; with j moves still needed a move happens at
 * rate d_j = nμ + (j − 1)θ (a completion, or an abandonment ahead of it) and the tagged contact
 * itself abandons at rate θ. So it is answered with probability Π d_j/(d_j + θ), after a wait that,
 * given it is answered, is a sum of Exp(d_j + θ) — whose mean gives the ASA exactly. The chance of
 * being answered by t is the mass absorbed in "answered" by time t of that pure-death chain, solved by
 * uniformisation (Poisson-weighted powers of the jump matrix; every term is non-negative, so it is
 * stable where the alternating hypoexponential closed form is not).
 *
 * Cost O(M·(Λt + 10√(Λt))) for M queue states kept and Λ = nμ + Mθ.
 */
export function waitingContactsOutcome(input: WaitingInput): WaitingOutcome {
  const { arrivalRate, mu, theta, agents, pin, slSeconds } = input;
  const base = agents * mu;
  const weights: number[] = [];
  let weight = pin;
  let total = 0;
  let answeredWaitTotal = 0;
  let abandoned = 0;
  let pAnswered = 1;
  let meanIfAnswered = 0;
  for (let k = 0; ; k++) {
    if (k > 0) weight *= arrivalRate / (base + k * theta);
    const d = base + k * theta;
    pAnswered *= d / (d + theta);
    meanIfAnswered += 1 / (d + theta);
    weights.push(weight);
    total += weight;
    answeredWaitTotal += weight * pAnswered * meanIfAnswered;
    abandoned += weight * (1 - pAnswered);
    // Past the mode (λ < nμ + kθ) the weights fall geometrically; stop once negligible.
    if (arrivalRate < base + k * theta && weight < total * 1e-16) break;
    // π_n underflowed (deep overload): every weight is 0. Nobody who waits is counted as answered
    // in time, and their wait is unknown: taken as endless, so no ASA ceiling is met by mistake.
    if (total === 0) {
      answeredWaitTotal = Infinity;
      break;
    }
    if (k > 20_000_000) throw new RangeError('Erlang A state space too large (patience too long for this load)');
  }
  return {
    answeredWithin: slSeconds > 0 ? absorbedBy(weights, base, theta, slSeconds) : 0,
    answeredWaitTotal,
    abandoned,
  };
}

/** Uniformisation of the pure-death chain with killing; weights[m − 1] is the mass needing m moves. */
function absorbedBy(weights: readonly number[], base: number, theta: number, t: number): number {
  const states = weights.length;
  const w = Float64Array.from(weights);
  const uniform = base + states * theta;
  const mean = uniform * t;
  const steps = Math.ceil(mean + 10 * Math.sqrt(mean) + 20);
  const logMean = Math.log(mean);
  let logFactorial = 0;
  let absorbed = 0;
  let result = 0;
  for (let step = 1; step <= steps; step++) {
    // One jump: mass needing j moves advances with probability d_j/Λ, is killed with θ/Λ.
    absorbed += (w[0] ?? 0) * (base / uniform);
    for (let j = 0; j < states; j++) {
      const stay = 1 - (base + (j + 1) * theta) / uniform;
      const next = j + 1 < states ? (w[j + 1] ?? 0) * ((base + (j + 1) * theta) / uniform) : 0;
      w[j] = (w[j] ?? 0) * stay + next;
    }
    logFactorial += Math.log(step);
    result += Math.exp(-mean + step * logMean - logFactorial) * absorbed;
  }
  return result;
}
