import { erlangA } from './erlang-a.js';
import { erlangC } from './erlang-c.js';
import type { QueueMetrics } from './types.js';

/** A staffing goal: e.g. 80 % answered within 20 s, optionally capped abandonment and ASA. */
export interface StaffingTarget {
  /** Required share answered within `slSeconds` (0–1). */
  readonly serviceLevel: number;
  readonly slSeconds: number;
  /** Optional ceiling on the abandonment share (Erlang A only). */
  readonly maxAbandonRate?: number;
  /** Optional ceiling on the average speed of answer, seconds. */
  readonly maxAsaSeconds?: number;
}

/** Workload to staff for; with `patienceSeconds` the Erlang A model is used, else Erlang C. */
export interface StaffingInput {
  readonly arrivalRate: number;
  readonly handleSeconds: number;
  readonly patienceSeconds?: number;
}

/** The smallest staffing meeting the target, and the metrics it achieves. */
export interface StaffingResult {
  readonly agents: number;
  readonly metrics: QueueMetrics;
}

/**
 * Smallest number of agents meeting `target`. Service level, ASA and abandonment all improve
 * monotonically with more agents, so a galloping search (double until met, then bisect) finds the
 * answer in O(log n) evaluations. Erlang C starts at ⌊a⌋ + 1, the least stable staffing; Erlang A
 * at ⌈target share · a⌉, below which the service level cannot reach the target.
 *
 * Throws RangeError when no staffing up to `maxAgents` meets the target (e.g. a service level of 1
 * with a positive threshold is never reached exactly).
 */
export function agentsRequired(input: StaffingInput, target: StaffingTarget, maxAgents = 100_000): StaffingResult {
  if (!(target.serviceLevel >= 0 && target.serviceLevel <= 1)) {
    throw new RangeError(`serviceLevel target must be within [0, 1], got ${target.serviceLevel}`);
  }
  const evaluate = (agents: number): QueueMetrics => {
    const model = { arrivalRate: input.arrivalRate, handleSeconds: input.handleSeconds, agents, slSeconds: target.slSeconds };
    return input.patienceSeconds === undefined ? erlangC(model) : erlangA({ ...model, patienceSeconds: input.patienceSeconds });
  };
  const load = input.arrivalRate * input.handleSeconds;
  // Erlang A: answered contacts carry at most n Erlangs, so SL ≤ P(answered) ≤ n / a and every
  // n < target·a fails. Starting there, not at 1, also spares the solver the deep overload of a
  // big queue at a handful of agents (where π_n underflows).
  let low = input.patienceSeconds === undefined ? Math.floor(load) + 1 : Math.max(1, Math.ceil(target.serviceLevel * load));
  const first = evaluate(low);
  if (meets(first, target)) return { agents: low, metrics: first };
  // Invariant: `low` fails; find a `high` that meets, then bisect between them.
  let step = 1;
  let high = low + step;
  let highMetrics = evaluate(high);
  while (!meets(highMetrics, target)) {
    if (high >= maxAgents) throw new RangeError(`no staffing up to ${maxAgents} agents meets the target`);
    low = high;
    step *= 2;
    high = Math.min(maxAgents, low + step);
    highMetrics = evaluate(high);
  }
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    const metrics = evaluate(mid);
    if (meets(metrics, target)) {
      high = mid;
      highMetrics = metrics;
    } else {
      low = mid;
    }
  }
  return { agents: high, metrics: highMetrics };
}

function meets(metrics: QueueMetrics, target: StaffingTarget): boolean {
  if (!metrics.stable) return false;
  if (metrics.serviceLevel < target.serviceLevel) return false;
  if (target.maxAbandonRate !== undefined && metrics.abandonRate > target.maxAbandonRate) return false;
  if (target.maxAsaSeconds !== undefined && metrics.asaSeconds > target.maxAsaSeconds) return false;
  return true;
}
