import { erlangA } from '../erlang/erlang-a.js';
import { erlangC } from '../erlang/erlang-c.js';
import type { QueueMetrics } from '../erlang/types.js';

/** The live workload of one queue, as {@link forecastServiceLevel} takes it. Rates per second. */
export interface ForecastInput {
  /** Arrival rate λ (per second). */
  readonly arrivalsPerSecond: number;
  /** Mean handle time including wrap-up (1/μ), seconds. */
  readonly handleSeconds: number;
  /** Mean patience (1/θ), seconds; absent or infinite: nobody abandons (Erlang C). */
  readonly patienceSeconds?: number;
  /** Servers: agents serving the queue (times their concurrency on chat-like channels). */
  readonly agents: number;
  /** Service-level threshold, seconds. */
  readonly withinSeconds: number;
}

/** What the forecast predicts for the queue at that workload (steady state). */
export interface ServiceLevelForecast extends QueueMetrics {
  /** Share answered within `withinSeconds` (abandoned contacts count as not in time). */
  readonly serviceLevel: number;
  /** λ · AHT, Erlangs. */
  readonly offeredLoadErlangs: number;
  /** Which model answered: 'A' with a finite patience, 'C' without. */
  readonly model: 'A' | 'C';
  readonly agents: number;
  readonly withinSeconds: number;
}

/**
 * Predicted service level of a queue from its live arrival rate, handle time and patience: the
 * core's Erlang A (M/M/n+M) when the patience is finite, Erlang C (M/M/n) when it is not. Erlang C
 * answers an overloaded queue (λ·AHT ≥ n) with a service level of 0, its limit; Erlang A stays
 * finite there because impatient callers leave.
 *
 * Throws RangeError on inputs no model can answer (negative rate, handle time ≤ 0, fractional
 * agents), naming the field.
 */
export function forecastServiceLevel(input: ForecastInput): ServiceLevelForecast {
  const { arrivalsPerSecond, handleSeconds, patienceSeconds, agents, withinSeconds } = input;
  const model = { arrivalRate: arrivalsPerSecond, handleSeconds, agents, slSeconds: withinSeconds };
  const impatient = patienceSeconds !== undefined && Number.isFinite(patienceSeconds);
  // No demand: nothing can wait, whatever the staffing (Erlang C would call 0 agents unstable).
  const idle = arrivalsPerSecond === 0 && agents === 0;
  const metrics = idle ? erlangC({ ...model, agents: 1 })
    : impatient ? erlangA({ ...model, patienceSeconds }) : erlangC(model);
  return {
    ...metrics,
    serviceLevel: metrics.serviceLevel,
    offeredLoadErlangs: metrics.offeredLoad,
    model: impatient ? 'A' : 'C',
    agents,
    withinSeconds,
  };
}
