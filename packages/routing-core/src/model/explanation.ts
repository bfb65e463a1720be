import type { SelectionStrategy } from './queue.js';

/** Why an agent was passed over for a contact. */
export const PassReason = {
  SKILL: 'SKILL',
  PROFICIENCY: 'PROFICIENCY',
  LANGUAGE: 'LANGUAGE',
  CAPACITY: 'CAPACITY',
  PRESENCE: 'PRESENCE',
  RING: 'RING',
  BLENDING: 'BLENDING',
  NOT_IN_POOL: 'NOT_IN_POOL',
  DECLINED_BEFORE: 'DECLINED_BEFORE',
} as const;

/** One of {@link PassReason}. */
export type PassReason = (typeof PassReason)[keyof typeof PassReason];

/** What started a decision. */
export const DecisionTrigger = {
  CONTACT_QUEUED: 'CONTACT_QUEUED',
  CONTACT_REQUEUED: 'CONTACT_REQUEUED',
  ELIGIBILITY_WIDENED: 'ELIGIBILITY_WIDENED',
  AGENT_FREED: 'AGENT_FREED',
} as const;

/** One of {@link DecisionTrigger}. */
export type DecisionTrigger = (typeof DecisionTrigger)[keyof typeof DecisionTrigger];

/** One agent looked at during a decision. */
export interface CandidateNote {
  readonly agentId: string;
  /** Absent for the chosen or an eligible-but-not-best agent. */
  readonly passedOver?: PassReason;
  /** Strategy key (lower is better), when eligible. */
  readonly score?: number;
  /** The smallest ring at which this agent is eligible for the contact, if any. */
  readonly ring?: number;
}

/** Why a decision came out as it did. Candidate list is bounded; counts are exact. */
export interface Explanation {
  readonly trigger: DecisionTrigger;
  readonly ruleVersion: string;
  readonly strategy: SelectionStrategy;
  readonly queueId: string;
  readonly ring: number;
  readonly poolOpen: boolean;
  readonly chosenAgentId?: string;
  /** Strategy key of the chosen agent (lower is better). */
  readonly score?: number;
  /** At most {@link MAX_CANDIDATE_NOTES} notes. */
  readonly candidates: readonly CandidateNote[];
  /** Agents eligible and available at decision time. */
  readonly eligibleCount: number;
  /** Agents serving the queue that were passed over, by reason. */
  readonly passedOverCounts: Readonly<Partial<Record<PassReason, number>>>;
  /** AGENT_FREED only: other queues' head contacts this agent could have taken instead. */
  readonly alternatives?: readonly { readonly queueId: string; readonly contactId: string }[];
}

/** Bound on {@link Explanation.candidates}. */
export const MAX_CANDIDATE_NOTES = 20;
