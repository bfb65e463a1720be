import { erlangB } from './erlang-b.js';
import { assertQueueModel, type QueueMetrics, type QueueModel } from './types.js';

/**
 * Erlang C probability of waiting, C(n, a) = n·B / (n − a·(1 − B)) with B = Erlang B(n, a).
 * Returns 1 when a ≥ n: every contact waits once the queue is unstable.
 */
export function erlangCProbWait(load: number, agents: number): number {
  if (load >= agents) return 1;
  const b = erlangB(load, agents);
  return (agents * b) / (agents - load * (1 - b));
}

/**
 * Steady-state metrics of an M/M/n queue (Erlang C): infinitely patient contacts, FIFO.
 *
 * Service level at t: 1 − C·e^(−(nμ − λ)t), ASA = C / (nμ − λ) (the mean wait over all contacts,
 * which equals the mean wait of answered contacts because nobody abandons).
 */
export function erlangC(model: QueueModel): QueueMetrics {
  assertQueueModel(model);
  const { arrivalRate, handleSeconds, agents, slSeconds } = model;
  const mu = 1 / handleSeconds;
  const load = arrivalRate * handleSeconds;
  const loadPerAgent = agents > 0 ? load / agents : Infinity;
  if (load >= agents) {
    return {
      offeredLoad: load, loadPerAgent, probWait: 1, serviceLevel: 0, asaSeconds: Infinity,
      meanWaitSeconds: Infinity, abandonRate: 0, occupancy: agents > 0 ? 1 : 0, stable: load === 0 && agents === 0,
    };
  }
  const probWait = erlangCProbWait(load, agents);
  const drain = agents * mu - arrivalRate;
  const asaSeconds = probWait / drain;
  return {
    offeredLoad: load,
    loadPerAgent,
    probWait,
    serviceLevel: 1 - probWait * Math.exp(-drain * slSeconds),
    asaSeconds,
    meanWaitSeconds: asaSeconds,
    abandonRate: 0,
    occupancy: loadPerAgent,
    stable: true,
  };
}
