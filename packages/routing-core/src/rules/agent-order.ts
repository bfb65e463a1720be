import type { SelectionStrategy } from '../model/queue.js';

/** Inputs to an agent's order key for one queue. */
export interface AgentOrderInputs {
  readonly idleSinceMs: number;
  /** BEST_PROFICIENCY: sum of proficiencies over the queue's ring-0 skills. */
  readonly proficiencyScore: number;
  /** LEAST_OCCUPIED: share of total capacity in use. */
  readonly occupancy: number;
  /** ROUND_ROBIN: the queue's offer counter when this agent last got an offer from it (0 = never). */
  readonly lastOfferOrdinal: number;
}

/**
 * Primary and secondary keys (lower first); ties fall to the agent id. The primary key is what
 * explanations report as the score.
 */
export function agentOrderKeys(strategy: SelectionStrategy, x: AgentOrderInputs): readonly [number, number] {
  switch (strategy) {
    case 'LONGEST_IDLE':
      return [x.idleSinceMs, 0];
    case 'BEST_PROFICIENCY':
      return [-x.proficiencyScore, x.idleSinceMs];
    case 'LEAST_OCCUPIED':
      return [x.occupancy, x.idleSinceMs];
    case 'ROUND_ROBIN':
      return [x.lastOfferOrdinal, x.idleSinceMs];
  }
}
