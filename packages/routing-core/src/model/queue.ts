import type { FollowUpPolicy } from '../followup/decide.js';
import type { QaSamplingRule } from '../qa/sampling.js';
import type { CustomerPolicy } from './customer.js';
import type { SurveyPolicy } from './survey.js';
import type { BusinessHours } from './hours.js';
import type { SkillRequirement } from './skill.js';

/** `VIP`: strict precedence over non-VIP work, dedicated pool. `PRIORITY`: aged priority order. */
export const QueueKind = {
  VIP: 'VIP',
  PRIORITY: 'PRIORITY',
} as const;

/** One of {@link QueueKind}. */
export type QueueKind = (typeof QueueKind)[keyof typeof QueueKind];

/** How the engine picks among several eligible, available agents for one contact. */
export const SelectionStrategy = {
  /** Earliest `idleSinceMs` first. */
  LONGEST_IDLE: 'LONGEST_IDLE',
  /** Highest sum of proficiencies over the queue's ring-0 skills, then longest idle. */
  BEST_PROFICIENCY: 'BEST_PROFICIENCY',
  /** Lowest share of total capacity in use, then longest idle. */
  LEAST_OCCUPIED: 'LEAST_OCCUPIED',
  /** Agent offered least recently by this queue, then longest idle. */
  ROUND_ROBIN: 'ROUND_ROBIN',
} as const;

/** One of {@link SelectionStrategy}. */
export type SelectionStrategy = (typeof SelectionStrategy)[keyof typeof SelectionStrategy];

/**
 * One step of skill relaxation, reached `afterSeconds` after the contact entered the queue.
 * Each ring is evaluated against the ring-0 requirements on its own; an agent eligible at ring
 * `i` stays eligible at every later ring, so rings only ever widen.
 */
export interface Ring {
  readonly afterSeconds: number;
  /** Subtract this from every minimum proficiency (floor 1). */
  readonly proficiencyDrop?: number;
  /** Cap every minimum proficiency at this value. */
  readonly minProficiency?: number;
  /** Optional skills no longer required. */
  readonly dropOptionalSkills?: boolean;
  /**
   * Backup teams admitted from this ring. With the queue's `teams` set: admitted in addition to
   * them. Without: every other team serves from ring 0, and these are held back until this ring.
   */
  readonly addTeams?: readonly string[];
}

/** VIP dedicated pool: only these agents serve the queue until `overflowToGeneralAfterSeconds`. */
export interface VipPool {
  readonly teams: readonly string[];
  readonly agentIds: readonly string[];
  readonly overflowToGeneralAfterSeconds: number;
}

/** Queue configuration. All `*Seconds` thresholds count from the contact's entry into this queue. */
export interface QueueConfig {
  readonly id: string;
  readonly kind: QueueKind;
  readonly serviceLevel: { readonly share: number; readonly withinSeconds: number };
  readonly requiredSkills: readonly SkillRequirement[];
  /**
   * When set, only agents of these teams are eligible at ring 0 (rings may add teams). When not,
   * any team is, except backup teams that a ring adds (held back until that ring).
   */
  readonly teams?: readonly string[];
  /** Later rings (ring 0 is implicit: full requirements). Sorted by `afterSeconds`. */
  readonly rings: readonly Ring[];
  readonly strategy: SelectionStrategy;
  /** Effective priority = basePriority + agingRatePerSecond × seconds since arrival. */
  readonly agingRatePerSecond: number;
  readonly overflow?: { readonly targetQueueId: string; readonly afterSeconds: number };
  readonly maxWaitSeconds?: number;
  readonly maxSize?: number;
  readonly offerTimeoutSeconds: number;
  readonly wrapUpSeconds: number;
  /** Consecutive missed offers (timeouts) after which the agent is set `AWAY('missed')`. */
  readonly missesBeforeAway: number;
  /** How long a contact with a preferred agent waits for that agent alone (0 = not sticky). */
  readonly stickyAgentWaitSeconds: number;
  /** VIP queues only. */
  readonly vipPool?: VipPool;
  /**
   * The disposition codes an agent may complete this queue's contacts with ("resolved",
   * "follow-up", ...). Absent or empty: any code.
   */
  readonly dispositions?: readonly string[];
  /** Longest a conversation may stay connected; absent: the channel's default (DEFAULT_MAX_HANDLE_SECONDS). */
  readonly maxHandleSeconds?: number;
  /** What is done with a conversation past it; absent: END for phone, REQUEUE for the others. */
  readonly handleLimitAction?: LimitAction;
  /** How long a conversation past its limit stays flagged before the action (default 300 s). */
  readonly handleLimitGraceSeconds?: number;
  /** How long a phone call stays with an agent who signed out before it is ended (default 600 s). */
  readonly orphanedCallSeconds?: number;
  /** Opening hours and holidays; absent = always open. */
  readonly hours?: BusinessHours;
  /** A supervisor's emergency closure: closed whatever the hours say until cleared. */
  readonly emergencyClosedReason?: string;
  /** What the customer perceives when the queue is closed (at arrival, or closing while they wait); absent = MESSAGE. */
  readonly closedAction?: CustomerAction;
  /** ... when their wait passes `maxWaitSeconds`; absent = MESSAGE. */
  readonly expiredAction?: CustomerAction;
  /** ... when the queue is full at arrival; absent = MESSAGE. */
  readonly fullAction?: CustomerAction;
  /** Queued callbacks' dial retries; absent = {@link DEFAULT_CALLBACK_POLICY}. */
  readonly callback?: CallbackPolicy;
  /** Surge mode; absent = a supervisor may switch it, the forecast does not. */
  readonly surge?: SurgePolicy;
  /** How often a waiting customer hears their position (default 60 s). */
  readonly announceEverySeconds?: number;
  /** One customer across channels: same-agent policy, last-agent window, FCR window. */
  readonly customer?: CustomerPolicy;
  /** The satisfaction survey after completion; absent = none. */
  readonly survey?: SurveyPolicy;
  /** Which completed contacts are marked for QA review; absent = none. */
  readonly qaSampling?: QaSamplingRule;
  /** The resolution limit (解决时限): how long a follow-up task opened from this queue has until it is due. */
  readonly resolutionLimitSeconds?: number;
  /** Complaints left unresolved open a follow-up task (channel `task`); absent = none. */
  readonly followUp?: FollowUpPolicy;
}

/**
 * What a customer perceives when routing cannot serve them. `OVERFLOW` (closed queues only)
 * sends the contact to `targetQueueId` instead; the others end the wait with a message on the
 * contact's channel, and maybe an offer (a callback, a voicemail, leaving an email address).
 * `message` is the queue's own text per language ("zh", "en"); absent = the channel's default.
 */
export interface CustomerAction {
  readonly kind: CustomerActionKind;
  readonly targetQueueId?: string;
  readonly message?: Readonly<Record<string, string>>;
}

export type CustomerActionKind = 'MESSAGE' | 'OVERFLOW' | 'CALLBACK_OFFER' | 'VOICEMAIL' | 'LEAVE_EMAIL';

/** The action of a queue without one configured. */
export const DEFAULT_CUSTOMER_ACTION: CustomerAction = { kind: 'MESSAGE' };

/** A failed callback dial is retried `retryAfterSeconds` later, `maxAttempts` dials in all. */
export interface CallbackPolicy {
  readonly maxAttempts: number;
  readonly retryAfterSeconds: number;
}

export const DEFAULT_CALLBACK_POLICY: CallbackPolicy = { maxAttempts: 3, retryAfterSeconds: 120 };

/**
 * Surge mode. `auto`: the live forecast may switch it; a supervisor always can. While active:
 * waiting contacts jump to the widest ring, non-VIP callers (tier STANDARD, phone/chat/WeChat)
 * are offered a callback once they have waited `callbackOfferAfterSeconds`, email with a base
 * priority below `deferEmailBelowPriority` is held, and VIP pools stay closed to general agents.
 */
export interface SurgePolicy {
  readonly auto: boolean;
  readonly callbackOfferAfterSeconds: number;
  readonly deferEmailBelowPriority: number;
  /** The interval the forecast predicts (seconds). */
  readonly horizonSeconds: number;
}

/** What happens to a connected contact past its limit: back to its queue at its place, or ended. */
export type LimitAction = 'REQUEUE' | 'END';

/** Identifies the rule set a decision was made under (carried in every explanation). */
export type RuleVersion = string;
