import { erlangB } from './erlang-b.js';
import { waitingContactsOutcome } from './erlang-a-wait.js';
import { assertQueueModel, type ImpatientQueueModel, type QueueMetrics } from './types.js';
import { logGmrA } from './gmr-series.js';

/**
 * Steady-state metrics of an M/M/n+M queue (Erlang A, Palm's model): Poisson arrivals, exponential
 * handle times, exponential patience with mean `patienceSeconds`, FIFO, infinite waiting room.
 *
 * P(wait), P(abandon) and the mean wait use the closed forms of Garnett, Mandelbaum & Reiman (2002),
 * also tabulated in Mandelbaum & Zeltyn, "The Palm/Erlang-A Queue, with Applications to Call
 * Centers" (2007), with E = Erlang B(n, λ/μ), ρ = λ/(nμ) and A = A(nμ/θ, λ/θ):
 *
 *   π_n = E / (1 + (A − 1)·E),   P(W > 0) = A·π_n,   P(Ab) = π_n·(1/ρ + A·(1 − 1/ρ)),
 *   E[W] = P(Ab) / θ   (Little's law on the queue: θ·E[Q] abandon per second = λ·P(Ab)).
 *
 * Service level and ASA need the wait of the answered contacts, computed exactly by following a
 * tagged arrival through the queue ahead of it ({@link waitingContactsOutcome}).
 */
export function erlangA(model: ImpatientQueueModel): QueueMetrics {
  assertQueueModel(model);
  const { arrivalRate, handleSeconds, agents, slSeconds, patienceSeconds } = model;
  if (!(patienceSeconds > 0)) throw new RangeError(`patienceSeconds must be > 0, got ${patienceSeconds}`);
  const mu = 1 / handleSeconds;
  const theta = 1 / patienceSeconds;
  const load = arrivalRate * handleSeconds;
  const loadPerAgent = agents > 0 ? load / agents : Infinity;
  if (arrivalRate === 0) {
    return { offeredLoad: 0, loadPerAgent: 0, probWait: 0, serviceLevel: 1, asaSeconds: 0, meanWaitSeconds: 0,
      abandonRate: 0, occupancy: 0, stable: true };
  }
  const { probWait, probAbandon, pin } = gmrClosedForms(arrivalRate, mu, theta, agents);
  const waiting = waitingContactsOutcome({ arrivalRate, mu, theta, agents, pin, slSeconds });
  const answered = 1 - probAbandon;
  // Carried load: every answered contact holds an agent for 1/μ on average.
  const occupancy = agents > 0 ? (arrivalRate * answered) / (agents * mu) : 0;
  return {
    offeredLoad: load,
    loadPerAgent,
    probWait,
    serviceLevel: 1 - probWait + waiting.answeredWithin,
    asaSeconds: answered > 0 ? waiting.answeredWaitTotal / answered : Infinity,
    meanWaitSeconds: probAbandon / theta,
    abandonRate: probAbandon,
    occupancy,
    stable: true,
  };
}

/** GMR's P(W > 0), P(Ab) and π_n (probability that exactly n contacts are in the system). */
export function gmrClosedForms(arrivalRate: number, mu: number, theta: number, agents: number):
  { probWait: number; probAbandon: number; pin: number } {
  if (agents === 0) return { probWait: 1, probAbandon: 1, pin: 1 };
  const e = erlangB(arrivalRate / mu, agents);
  const logA = logGmrA((agents * mu) / theta, arrivalRate / theta);
  const rho = arrivalRate / (agents * mu);
  // Divide through by A so that a huge A (long patience, overload) gives limits, not Infinity/Infinity.
  const invA = Math.exp(-logA);
  const pinTimesA = e / (invA + e - e * invA);
  const pin = pinTimesA * invA;
  return {
    probWait: pinTimesA,
    probAbandon: pin / rho + pinTimesA * (1 - 1 / rho),
    pin,
  };
}
