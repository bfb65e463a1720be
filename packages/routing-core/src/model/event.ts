import type { Presence } from './agent.js';
import type { Channel } from './channel.js';
import type { ContactState } from './contact.js';
import type { Explanation } from './explanation.js';
import type { RejectReason } from './outcome.js';
import type { CustomerAction } from './queue.js';
import type { CustomerPreferenceReason } from './customer.js';
import type { QaSampleReason } from '../qa/sampling.js';

/** Fields every event carries. `seq` is monotonic per engine; `id` = `${domainId}:${seq}`. */
export interface EventBase {
  readonly id: string;
  readonly seq: number;
  readonly atMs: number;
  readonly ruleVersion: string;
  /** Who asked for the change, when a person did (a supervisor, or the agent): the command's `by`. */
  readonly by?: string;
}

/** Fields of every contact event (KPIs group by queue and channel). */
export interface ContactEventBase extends EventBase {
  readonly contactId: string;
  readonly queueId: string;
  readonly channel: Channel;
  readonly arrivedAtMs: number;
  readonly enqueuedAtMs: number;
}

/**
 * Contact entered a queue (arrival, overflow or transfer). When no agent could take it,
 * `explanation` says why; when an offer follows at once, `explanation` is absent and the
 * `ContactOffered` right after carries it.
 */
export interface ContactQueued extends ContactEventBase {
  readonly type: 'ContactQueued';
  readonly basePriority: number;
  readonly explanation?: Explanation;
}
/** Not queued. `action`: what the customer is to perceive (absent for UNKNOWN_QUEUE). */
export interface ContactRejected extends ContactEventBase {
  readonly type: 'ContactRejected';
  readonly reason: RejectReason;
  readonly action?: CustomerAction;
}
export interface ContactOffered extends ContactEventBase {
  readonly type: 'ContactOffered';
  readonly agentId: string;
  readonly offerToken: number;
  readonly expiresAtMs: number;
  readonly explanation: Explanation;
}
/** The agent took the offer: contact is `CONNECTED`. `waitMs` = atMs − enqueuedAtMs (ASA, service level). */
export interface OfferAccepted extends ContactEventBase {
  readonly type: 'OfferAccepted';
  readonly agentId: string;
  readonly offerToken: number;
  readonly waitMs: number;
}
export interface OfferDeclined extends ContactEventBase {
  readonly type: 'OfferDeclined';
  readonly agentId: string;
  readonly offerToken: number;
  readonly reason: string;
}
/** RONA. Contact goes back to its original place. */
export interface OfferTimedOut extends ContactEventBase {
  readonly type: 'OfferTimedOut';
  readonly agentId: string;
  readonly offerToken: number;
  readonly consecutiveMisses: number;
}
export interface AgentPresenceChanged extends EventBase {
  readonly type: 'AgentPresenceChanged';
  readonly agentId: string;
  readonly from: Presence;
  readonly to: Presence;
  readonly reason?: string;
}
/**
 * A signed-in agent's profile changed (a supervisor's UpdateAgent, or a sign-in with a new
 * profile): `changed` names what (skills, languages, team, capacity, allowBlendWithPhone, queues).
 * The next decision uses it.
 */
export interface AgentProfileChanged extends EventBase {
  readonly type: 'AgentProfileChanged';
  readonly agentId: string;
  readonly changed: readonly string[];
}
/** Conversation over; the contact enters `WRAP_UP`. `handleMs` = talk/handle time (AHT without wrap-up). */
export interface ContactCompleted extends ContactEventBase {
  readonly type: 'ContactCompleted';
  readonly agentId: string;
  readonly disposition: string;
  readonly notes: string;
  /** The agent's FCR answer; absent when the platform ended the contact (see ContactOutcomeRecorded). */
  readonly resolvedFirstContact?: boolean;
  readonly connectedAtMs: number;
  readonly handleMs: number;
}
/**
 * The agent's outcome of a contact its platform ended first (ContactCompleted then carried the
 * channel's disposition and no FCR answer): recorded from their COMPLETE during wrap-up, once.
 */
export interface ContactOutcomeRecorded extends ContactEventBase {
  readonly type: 'ContactOutcomeRecorded';
  readonly agentId: string;
  readonly disposition: string;
  readonly notes: string;
  readonly resolvedFirstContact: boolean;
}
/**
 * A connected contact passed a limit (HANDLE_TIME: its queue's maximum handle time; AGENT_GONE:
 * its agent signed out during a phone call): flagged now, handled by `action` at `actAtMs`
 * unless it ends first.
 */
export interface ContactLimitReached extends ContactEventBase {
  readonly type: 'ContactLimitReached';
  readonly agentId: string;
  readonly limit: 'HANDLE_TIME' | 'AGENT_GONE';
  readonly limitSeconds: number;
  readonly action: 'REQUEUE' | 'END';
  readonly actAtMs: number;
}
/** Wrap-up over; the contact is `COMPLETED` and the agent's slot is free. */
export interface WrapUpEnded extends ContactEventBase {
  readonly type: 'WrapUpEnded';
  readonly agentId: string;
  readonly wrapUpMs: number;
}
export interface ContactAbandoned extends ContactEventBase {
  readonly type: 'ContactAbandoned';
  readonly fromState: ContactState;
  readonly waitMs: number;
  /** Set when an offer was live. */
  readonly agentId?: string;
  /** Why, when it was not the customer leaving (a supervisor ended it: `ended-by-supervisor`). */
  readonly reason?: string;
}
/** Why a contact left its queue unserved. */
export type ExpiryReason = 'MAX_WAIT' | 'CLOSED' | 'CALLBACK_FAILED';

/** Left its queue unserved (see {@link ExpiryReason}); `action`: what the customer is to perceive. */
export interface ContactExpired extends ContactEventBase {
  readonly type: 'ContactExpired';
  readonly waitMs: number;
  readonly reason: ExpiryReason;
  readonly action: CustomerAction;
}
/** The customer asked to be called back: the contact keeps its place and aging; the call is released. */
export interface CallbackRequested extends ContactEventBase {
  readonly type: 'CallbackRequested';
  readonly number: string;
}
/** The customer was offered a callback (surge mode). */
export interface CallbackOffered extends ContactEventBase {
  readonly type: 'CallbackOffered';
  readonly reason: 'SURGE';
}
/** An agent accepted a callback: the platform is to dial `number` and connect the agent. */
export interface CallbackDialing extends ContactEventBase {
  readonly type: 'CallbackDialing';
  readonly agentId: string;
  readonly offerToken: number;
  readonly number: string;
  /** 1 for the first dial. */
  readonly attempt: number;
}
/** A callback's dial failed: the agent is freed; the contact returns to its place at `retryAtMs`, or expires (CALLBACK_FAILED) right after. */
export interface CallbackFailed extends ContactEventBase {
  readonly type: 'CallbackFailed';
  readonly agentId: string;
  readonly attempt: number;
  readonly reason: string;
  /** Absent when the attempts are used up. */
  readonly retryAtMs?: number;
}
/** Why a waiting contact is held back from offers. */
export type HoldReason = 'SURGE_DEFERRED' | 'CALLBACK_RETRY' | 'QUEUE_CLOSED';
/** A waiting contact is held (not offered) until `untilMs`, or until its reason ends (surge over). */
export interface ContactHeld extends ContactEventBase {
  readonly type: 'ContactHeld';
  readonly reason: HoldReason;
  readonly untilMs?: number;
}
/** A queue opened or closed: SCHEDULE, HOLIDAY, EMERGENCY (a supervisor's closure) or CONFIG (hours edited). */
export interface QueueHoursChanged extends EventBase {
  readonly type: 'QueueHoursChanged';
  readonly queueId: string;
  readonly open: boolean;
  readonly reason: 'SCHEDULE' | 'HOLIDAY' | 'EMERGENCY' | 'CONFIG';
  readonly holiday?: string;
  readonly nextChangeMs?: number;
}
/** Who switched surge mode: the live forecast, or a supervisor (whose switch pins it). */
export type SurgeSource = 'FORECAST' | 'SUPERVISOR';
/** A queue entered or left surge mode, and why. */
export interface QueueSurgeChanged extends EventBase {
  readonly type: 'QueueSurgeChanged';
  readonly queueId: string;
  readonly active: boolean;
  readonly source: SurgeSource;
  readonly reason: string;
  readonly predictedServiceLevel?: number;
}
/**
 * A satisfaction survey is to go out to the customer of a completed contact on its channel (the
 * queue's survey policy covers it); answers are taken until `expiresAtMs`. `agentId`: who handled it.
 */
export interface SurveyOffered extends ContactEventBase {
  readonly type: 'SurveyOffered';
  readonly agentId: string;
  readonly expiresAtMs: number;
  /** The contact's language, for the survey's text. */
  readonly language?: string;
  /** The queue's question in that language; absent = the channel's default text. */
  readonly text?: string;
}
/**
 * The customer answered the survey of a completed contact (once, within its window): `score`
 * 1–5 and an optional bounded comment, on the contact's own `channel`. `agentId`: who handled it.
 */
export interface SurveyAnswered extends ContactEventBase {
  readonly type: 'SurveyAnswered';
  readonly agentId: string;
  readonly score: number;
  readonly comment?: string;
  /** When the customer answered (the channel's clock, never later than `atMs`). */
  readonly answeredAtMs: number;
}
/** Points given for one criterion of a QA review form. */
export interface QaCriterionScore {
  readonly criterion: string;
  readonly points: number;
  readonly maxPoints: number;
}
/**
 * A reviewer scored a completed contact for quality (QA): `agentId` is the agent reviewed,
 * `reviewer` (also the event's `by`) the person who scored; `score` is the form's total, 0..100.
 * The contact is usually gone from the live state by then, so its fields come with the score.
 */
export interface QaReviewScored extends EventBase {
  readonly type: 'QaReviewScored';
  readonly contactId: string;
  readonly agentId: string;
  readonly queueId: string;
  readonly channel: Channel;
  readonly score: number;
  readonly reviewer: string;
  readonly formId: string;
  readonly comment: string;
  readonly criteria: readonly QaCriterionScore[];
}
/**
 * The queue's QA sampling rule marked a completed contact for review: `reasons` say which parts
 * of the rule (PERCENT, INTENT, CSAT). `agentId` is the agent to be reviewed.
 */
export interface QaReviewRequested extends EventBase {
  readonly type: 'QaReviewRequested';
  readonly contactId: string;
  readonly agentId: string;
  readonly queueId: string;
  readonly channel: Channel;
  readonly reasons: readonly QaSampleReason[];
  readonly disposition: string;
  readonly intent?: string;
}
/**
 * A complaint left unresolved opened this follow-up task (the event's contact, channel `task`):
 * due at `dueAtMs` (its queue's resolution limit), at risk from `atRiskAtMs`.
 */
export interface FollowUpTaskOpened extends ContactEventBase {
  readonly type: 'FollowUpTaskOpened';
  readonly fromContactId: string;
  /** The agent who handled the complaint. */
  readonly fromAgentId: string;
  readonly dueAtMs: number;
  readonly atRiskAtMs: number;
}
/**
 * A follow-up task is at risk: unfinished at its at-risk time. Escalated to the supervisors (this
 * event on ROUTING and their watch stream) and raised from `fromPriority` to `toPriority`.
 */
export interface FollowUpTaskAtRisk extends ContactEventBase {
  readonly type: 'FollowUpTaskAtRisk';
  readonly dueAtMs: number;
  /** The task's state when it was found at risk (QUEUED, OFFERED, CONNECTED). */
  readonly state: string;
  /** The agent holding it, when one does. */
  readonly agentId?: string;
  readonly fromPriority: number;
  readonly toPriority: number;
}
/** Moved by the queue's overflow rule; the event's queue fields describe the source queue. */
export interface ContactOverflowed extends ContactEventBase {
  readonly type: 'ContactOverflowed';
  readonly toQueueId: string;
}
/** A waiting contact's base priority changed (a supervisor); its place in the queue follows at once. */
export interface ContactReprioritized extends ContactEventBase {
  readonly type: 'ContactReprioritized';
  readonly fromPriority: number;
  readonly toPriority: number;
  readonly reason?: string;
}
/** Moved by a transfer; queue fields describe the source. Age and history are kept. */
export interface ContactTransferred extends ContactEventBase {
  readonly type: 'ContactTransferred';
  readonly fromAgentId?: string;
  readonly toQueueId?: string;
  readonly toAgentId?: string;
  readonly destination?: string;
  /**
   * Why: the requester's reason, or the engine's own when it moved the contact itself
   * (AGENT_SIGNED_OUT: its agent signed out mid-conversation).
   */
  readonly reason?: string;
}
/** Eligibility widened: a later ring, the VIP pool opened, or the sticky phase ended. */
export interface RingWidened extends ContactEventBase {
  readonly type: 'RingWidened';
  readonly fromRing: number;
  readonly toRing: number;
  readonly poolOpen: boolean;
  readonly stickyEnded: boolean;
}

/**
 * The contact's customer across channels, recorded before its first ContactQueued (or
 * ContactRejected). `preferredAgentId` is the agent the customer brought, when the queue's
 * policy used it (the contact's own preferred agent wins).
 */
export interface CustomerIdentified extends ContactEventBase {
  readonly type: 'CustomerIdentified';
  readonly customerKey: string;
  readonly preferredAgentId?: string;
  readonly preferredBecause?: CustomerPreferenceReason;
  readonly viaContactId?: string;
}

/** Every event the engine emits, one per state change. */
export type RoutingEvent =
  | ContactQueued | ContactRejected | ContactOffered | OfferAccepted | OfferDeclined | OfferTimedOut
  | AgentPresenceChanged | AgentProfileChanged | ContactCompleted | ContactOutcomeRecorded | ContactLimitReached | WrapUpEnded | ContactAbandoned | ContactExpired
  | ContactOverflowed | ContactTransferred | ContactReprioritized | RingWidened
  | CallbackRequested | CallbackOffered | CallbackDialing | CallbackFailed | ContactHeld | QueueHoursChanged | QueueSurgeChanged
  | SurveyOffered | SurveyAnswered
  | QaReviewScored | QaReviewRequested | FollowUpTaskOpened | FollowUpTaskAtRisk
  | CustomerIdentified;

/** The `type` of a {@link RoutingEvent}. */
export type RoutingEventType = RoutingEvent['type'];
