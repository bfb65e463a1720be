/** How one contact's stay in one queue ended, as the KPIs count it. */
export const OutcomeKind = {
  ANSWERED: 'answered',
  ABANDONED: 'abandoned',
  EXPIRED: 'expired',
  REJECTED: 'rejected',
} as const;

/** One of {@link OutcomeKind}. */
export type OutcomeKind = (typeof OutcomeKind)[keyof typeof OutcomeKind];

/**
 * The end of one contact's stay in one queue. A contact that overflows or is transferred to
 * another queue ends its stay in the target queue, where it is counted (once).
 */
export interface ContactOutcome {
  readonly contactId: string;
  readonly queueId: string;
  readonly kind: OutcomeKind;
  readonly arrivedAtMs: number;
  readonly atMs: number;
  /** Time from entering the queue to answer / abandonment / expiry (0 for rejected). */
  readonly waitMs: number;
  /** It could not be offered on arrival (it was queued at some point, or came in by overflow). */
  readonly waited: boolean;
  /** Answered within the queue's service-level threshold. Abandoned contacts are never in time. */
  readonly inTime: boolean;
}

/** Options of {@link computeKpis} and {@link KpiAccumulator}. */
export interface KpiOptions {
  /** Service-level threshold in seconds per queue id; `defaultSlSeconds` for the others. */
  readonly slSecondsByQueue?: Readonly<Record<string, number>>;
  /** Threshold for queues not listed (default 20 s, the industry's 80/20 habit). */
  readonly defaultSlSeconds?: number;
  /**
   * Start of the measured window (epoch ms): contacts that arrived earlier and events before it
   * are ignored, agent time is clipped to it. Simulations use it to drop the warm-up.
   */
  readonly fromMs?: number;
  /** FCR window in seconds per queue id (QueueConfig.customer.fcrWindowSeconds); `defaultFcrWindowSeconds` for the others. */
  readonly fcrWindowSecondsByQueue?: Readonly<Record<string, number>>;
  /** Default 7 days. */
  readonly defaultFcrWindowSeconds?: number;
  /** Called once per {@link ContactOutcome} inside the window, in event order. */
  readonly onOutcome?: (outcome: ContactOutcome) => void;
}

/**
 * Satisfaction (CSAT) of the contacts that arrived in the window: surveys sent out (SurveyOffered)
 * and answered (SurveyAnswered, at most one per contact), counted where the contact completed.
 */
export interface SurveyKpis {
  readonly surveysOffered: number;
  readonly surveysAnswered: number;
  /** surveysAnswered / surveysOffered. */
  readonly surveyResponseRate: number;
  /** Mean score of the answers (1–5). */
  readonly csatScore: number;
  /** Share of answers scoring 4 or 5 ("satisfied"). */
  readonly csatSatisfied: number;
}

/** Per-queue counters and ratios. Ratios are NaN when their denominator is 0. */
export interface QueueKpis extends SurveyKpis {
  readonly queueId: string;
  readonly slSeconds: number;
  /** Contacts whose stay ended here answered, abandoned or expired (the service-level base). */
  readonly contacts: number;
  readonly answered: number;
  readonly answeredInTime: number;
  readonly abandoned: number;
  readonly expired: number;
  /** Refused on arrival (queue full); reported apart, not in `contacts`. */
  readonly rejected: number;
  readonly waited: number;
  /** answeredInTime / contacts. */
  readonly serviceLevel: number;
  /** waited / contacts. */
  readonly probWait: number;
  /** Mean wait of answered contacts, seconds. */
  readonly asaSeconds: number;
  /** abandoned / contacts. */
  readonly abandonRate: number;
  /** Mean talk + wrap-up of contacts whose wrap-up ended, seconds. */
  readonly ahtSeconds: number;
  readonly handled: number;
  /**
   * First-contact resolution by the industry's definition: outcomes that said resolved on the
   * first contact (`resolved_first_contact`) AND saw no repeat contact by the same customer, on
   * any channel, within the queue's FCR window — over the settled outcomes (confirmed + voided +
   * unresolved). A resolution whose window is still open is provisional and in neither part.
   * NaN while nothing has settled.
   */
  readonly firstContactResolution: number;
  /** Resolutions whose window passed without a repeat contact. */
  readonly fcrConfirmed: number;
  /** Resolutions a repeat contact within the window voided. */
  readonly fcrVoided: number;
  /** Outcomes that said not resolved. */
  readonly fcrUnresolved: number;
  /** Resolutions still inside their window. */
  readonly fcrProvisional: number;
  /** Agents' outcomes recorded: FCR's denominator. */
  readonly outcomes: number;
  readonly offered: number;
  readonly accepted: number;
  readonly declined: number;
  readonly missed: number;
  /**
   * Queued callbacks: customers who asked to be called back (counted where they asked), callbacks
   * whose conversation took place (each is also one `answered` contact, answered when its agent
   * accepted the callback that then connected), and dials that failed (each retried or, at the
   * last attempt, the contact `expired`).
   */
  readonly callbacksRequested: number;
  readonly callbacksConnected: number;
  readonly callbackDialsFailed: number;
}

/** Per-agent time and offer counters, and the satisfaction of the contacts the agent completed. */
export interface AgentKpis extends SurveyKpis {
  readonly agentId: string;
  /** Time signed in (any presence but OFFLINE), seconds. */
  readonly signedInSeconds: number;
  /** Time holding at least one connected or wrapping-up contact, seconds. */
  readonly busySeconds: number;
  /** busySeconds / signedInSeconds. */
  readonly occupancy: number;
  readonly offered: number;
  readonly accepted: number;
  readonly declined: number;
  readonly missed: number;
}

/** Everything {@link computeKpis} returns. */
export interface KpiReport {
  readonly fromMs: number;
  readonly untilMs: number;
  /** Sorted by queue id. */
  readonly queues: readonly QueueKpis[];
  /** All queues together (`queueId` '*', `slSeconds` NaN when thresholds differ). */
  readonly total: QueueKpis;
  /** Sorted by agent id. */
  readonly agents: readonly AgentKpis[];
  /** Σ busy / Σ signed-in over all agents. */
  readonly occupancy: number;
}
