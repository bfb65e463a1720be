/** What a timer wakes the engine for. */
export const TimerKind = {
  /** Offer not answered in time (RONA). Fenced by the offer token. */
  OFFER_TIMEOUT: 'OFFER_TIMEOUT',
  /** Wrap-up period over. Fenced by the connection's offer token. */
  WRAP_UP_END: 'WRAP_UP_END',
  /**
   * A queue threshold (ring, overflow, max wait, sticky fallback, VIP overflow) may be due.
   * Fenced by the contact's queue-entry token; the engine recomputes every threshold from the
   * wait when it fires, so firing early, late or twice is harmless.
   */
  QUEUE_THRESHOLD: 'QUEUE_THRESHOLD',
  /**
   * An agent's exclusion from a contact it declined or missed ends (`agentId` set): from then on
   * the agent may be offered the contact again, so a decline can delay a contact but never strand
   * it. Fenced by the refused offer's token; a contact that entered another queue since has no
   * exclusion left to lapse.
   */
  EXCLUSION_LAPSE: 'EXCLUSION_LAPSE',
  /** A connection reached its queue's maximum handle time: flag it. Fenced by the connection's offer token. */
  HANDLE_LIMIT: 'HANDLE_LIMIT',
  /** A flagged connection is handled by its limit's policy (re-queue or end). Fenced by the connection's offer token. */
  LIMIT_ACTION: 'LIMIT_ACTION',
  /**
   * A queue's hours may open or close it now. `contactId` holds the QUEUE id; fenced by the
   * queue's hours token (changes with every config change and transition).
   */
  QUEUE_HOURS: 'QUEUE_HOURS',
  /** A held contact (callback retry) may be offered again. Fenced by the contact's queue-entry token. */
  HOLD_END: 'HOLD_END',
  /** A waiting contact in a surging queue has waited long enough to be offered a callback. Fenced by the queue-entry token. */
  SURGE_CALLBACK_OFFER: 'SURGE_CALLBACK_OFFER',
  /**
   * A follow-up task may be at risk of missing its due time. `token` carries the priority it is
   * raised to; the task's own flag makes it escalate once, however often the timer fires.
   */
  TASK_AT_RISK: 'TASK_AT_RISK',
} as const;

/** One of {@link TimerKind}. */
export type TimerKind = (typeof TimerKind)[keyof typeof TimerKind];

/**
 * A wake-up the adapter must schedule and hand back as a `TIMER_FIRED` command at or after
 * `dueAtMs`. Never cancelled: stale timers are recognised by their token and ignored.
 */
export interface TimerRequest {
  /** Deterministic: `${kind}:${contactId}:${token}:${dueAtMs}`; dedupe on it. */
  readonly id: string;
  readonly kind: TimerKind;
  readonly dueAtMs: number;
  readonly contactId: string;
  readonly agentId?: string;
  readonly token: number;
}

/** The request of a timer, with its deterministic id (the one place that id is made). */
export function timerRequest(kind: TimerKind, dueAtMs: number, contactId: string, token: number, agentId?: string): TimerRequest {
  const id = `${kind}:${contactId}:${token}:${dueAtMs}`;
  return agentId === undefined ? { id, kind, dueAtMs, contactId, token } : { id, kind, dueAtMs, contactId, token, agentId };
}
