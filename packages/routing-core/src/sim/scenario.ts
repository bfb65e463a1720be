import type { AgentSkills, SkillRequirement } from '../model/skill.js';
import type { Channel, ChannelCapacity } from '../model/channel.js';
import type { QueueConfig } from '../model/queue.js';
import type { ServedQueue } from '../model/agent.js';
import type { CustomerTier } from '../model/contact.js';
import type { SimSurge } from './sim-surge.js';
import type { DurationDistribution } from './distributions.js';

/** One queue of a simulated centre: the engine's queue config plus its workload. */
export interface SimQueue {
  /** Handed to the engine as is (see {@link queueConfig} for defaults). */
  readonly config: QueueConfig;
  /** Poisson arrival rate. */
  readonly arrivalsPerHour: number;
  readonly channel?: Channel;
  /** Handle (talk) time; wrap-up comes from `config.wrapUpSeconds`. */
  readonly handle: DurationDistribution;
  /** Customer patience; absent = infinitely patient (no abandonment). */
  readonly patience?: DurationDistribution;
  /** Extra skills each contact asks for (added to the queue's). */
  readonly contactSkills?: readonly SkillRequirement[];
  /** Tier of its contacts (default STANDARD); a VIP tier makes them VIP in the surge figures. */
  readonly tier?: CustomerTier;
  /** Base priority of its contacts (default 0). */
  readonly basePriority?: number;
}

/** From `fromSeconds` on, every queue's arrival rate is multiplied by `multiplier` (1 before the first phase). */
export interface ArrivalPhase {
  readonly fromSeconds: number;
  readonly multiplier: number;
}

/** Identical agents: `count` of them, ids `${idPrefix}-${i}`. */
export interface SimAgentGroup {
  readonly idPrefix: string;
  readonly count: number;
  readonly skills: AgentSkills;
  readonly team?: string;
  readonly languages?: readonly string[];
  /** Per-channel concurrency; default one phone call. */
  readonly capacity?: ChannelCapacity;
  readonly queues: readonly ServedQueue[];
  /** Signed in from `startSeconds` to `endSeconds` of simulated time (default: the whole run). */
  readonly shift?: { readonly startSeconds: number; readonly endSeconds?: number };
}

/** How simulated agents answer offers. */
export interface SimBehaviour {
  /** Seconds from offer to accept (or decline); default 0. */
  readonly acceptDelaySeconds?: number;
  /** Probability an offer is declined; default 0. */
  readonly declineProbability?: number;
  /** Probability a caller offered a callback takes it (REQUEST_CALLBACK); default 0. */
  readonly callbackAcceptProbability?: number;
  /** Seconds from the callback offer to the caller's answer; default 5. */
  readonly callbackDecisionSeconds?: number;
}

/** A complete simulation run. */
export interface SimScenario {
  readonly queues: readonly SimQueue[];
  readonly agentGroups: readonly SimAgentGroup[];
  /** Arrivals to generate in total (all queues); the run then drains. */
  readonly contacts: number;
  readonly seed: number;
  /** Arrivals before this time are not measured; default 10 % of the expected arrival span. */
  readonly warmupSeconds?: number;
  readonly behaviour?: SimBehaviour;
  /** Batches for the batch-means standard errors; default 30. */
  readonly batches?: number;
  /** Demand over time (a ramp, a spike): piecewise-constant multipliers of every arrival rate, by `fromSeconds`. */
  readonly arrivalPhases?: readonly ArrivalPhase[];
  /** Run the surge controller (forecast every interval, SET_SURGE into the engine) and report its figures. */
  readonly surge?: SimSurge;
}

/** A queue config with the engine's knobs at their plain defaults: FIFO, no rings, no wrap-up. */
export function queueConfig(id: string, overrides: Partial<QueueConfig> = {}): QueueConfig {
  return {
    id,
    kind: 'PRIORITY',
    serviceLevel: { share: 0.8, withinSeconds: 20 },
    requiredSkills: [],
    rings: [],
    strategy: 'LONGEST_IDLE',
    agingRatePerSecond: 0,
    offerTimeoutSeconds: 30,
    wrapUpSeconds: 0,
    missesBeforeAway: 3,
    stickyAgentWaitSeconds: 0,
    ...overrides,
  };
}

/** Inputs of {@link singleQueueScenario}, the CLI's plain form. */
export interface SingleQueueInput {
  readonly agents: number;
  readonly arrivalsPerHour: number;
  readonly handleSeconds: number;
  readonly contacts: number;
  readonly seed: number;
  readonly patienceSeconds?: number;
  readonly slSeconds?: number;
  readonly warmupSeconds?: number;
  readonly batches?: number;
}

/** One FIFO queue, identical agents, exponential handle and patience: the Erlang C / A setting. */
export function singleQueueScenario(input: SingleQueueInput): SimScenario {
  const sl = input.slSeconds ?? 20;
  return {
    queues: [{
      config: queueConfig('main', { serviceLevel: { share: 0.8, withinSeconds: sl } }),
      arrivalsPerHour: input.arrivalsPerHour,
      handle: { kind: 'exponential', meanSeconds: input.handleSeconds },
      ...(input.patienceSeconds !== undefined ? { patience: { kind: 'exponential', meanSeconds: input.patienceSeconds } as const } : {}),
    }],
    agentGroups: [{ idPrefix: 'agent', count: input.agents, skills: {}, queues: [{ queueId: 'main', priority: 0 }] }],
    contacts: input.contacts,
    seed: input.seed,
    ...(input.warmupSeconds !== undefined ? { warmupSeconds: input.warmupSeconds } : {}),
    ...(input.batches !== undefined ? { batches: input.batches } : {}),
  };
}
