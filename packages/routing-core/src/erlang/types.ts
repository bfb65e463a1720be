/**
 * Inputs and outputs shared by the Erlang C and Erlang A calculators. All times are in seconds and
 * all rates per second, so the same numbers can be fed to the simulator and compared directly.
 */

/** One queue served by `agents` identical agents, Poisson arrivals, exponential handle times. */
export interface QueueModel {
  /** Mean arrivals per second (λ). */
  readonly arrivalRate: number;
  /** Mean handle time in seconds (1/μ); talk plus any wrap-up that keeps the agent busy. */
  readonly handleSeconds: number;
  /** Number of agents (servers), a non-negative integer. */
  readonly agents: number;
  /** Service-level threshold in seconds (answered within it counts as "in time"). */
  readonly slSeconds: number;
}

/** An Erlang A queue: like {@link QueueModel} plus exponential customer patience. */
export interface ImpatientQueueModel extends QueueModel {
  /** Mean patience in seconds (1/θ); a waiting contact abandons after an Exp(θ) time. */
  readonly patienceSeconds: number;
}

/** Steady-state figures of one queue, as a contact-centre dashboard shows them. */
export interface QueueMetrics {
  /** Offered load in Erlangs, a = λ/μ. */
  readonly offeredLoad: number;
  /** Offered load per agent, a/n (utilisation before abandonment). */
  readonly loadPerAgent: number;
  /** Share of contacts that cannot be answered at once (all agents busy on arrival). */
  readonly probWait: number;
  /** Share of all contacts answered within `slSeconds`; abandoned contacts count as not in time. */
  readonly serviceLevel: number;
  /** Average speed of answer: mean wait of the contacts that were answered, in seconds. */
  readonly asaSeconds: number;
  /** Mean wait over all contacts (answered or abandoned), in seconds. */
  readonly meanWaitSeconds: number;
  /** Share of contacts that abandon while waiting (0 under Erlang C). */
  readonly abandonRate: number;
  /** Share of agent time spent handling contacts (carried load / agents). */
  readonly occupancy: number;
  /** False when the queue grows without bound (Erlang C with a ≥ n); figures are then limits. */
  readonly stable: boolean;
}

/** Throws on inputs no formula can answer, naming the field, because a NaN would travel silently. */
export function assertQueueModel(model: QueueModel): void {
  const { arrivalRate, handleSeconds, agents, slSeconds } = model;
  if (!(arrivalRate >= 0) || !Number.isFinite(arrivalRate)) throw new RangeError(`arrivalRate must be ≥ 0, got ${arrivalRate}`);
  if (!(handleSeconds > 0) || !Number.isFinite(handleSeconds)) throw new RangeError(`handleSeconds must be > 0, got ${handleSeconds}`);
  if (!Number.isInteger(agents) || agents < 0) throw new RangeError(`agents must be an integer ≥ 0, got ${agents}`);
  if (!(slSeconds >= 0) || !Number.isFinite(slSeconds)) throw new RangeError(`slSeconds must be ≥ 0, got ${slSeconds}`);
}
