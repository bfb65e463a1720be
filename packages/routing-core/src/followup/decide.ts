/**
 * Complaint follow-up: which completed contacts open a follow-up task, when it is due and when it
 * is at risk. Pure: the engine passes the facts and the time.
 */

/** A queue's follow-up policy (absent: no follow-up tasks from its contacts). */
export interface FollowUpPolicy {
  /** Intents that make a contact a complaint (default `complaint`). */
  readonly intents?: readonly string[];
  /** Dispositions that make a contact a complaint whatever its intent (e.g. `complaint`). */
  readonly complaintDispositions?: readonly string[];
  /** Dispositions that mean "not resolved" (default `unresolved`, `follow-up`). */
  readonly unresolvedDispositions?: readonly string[];
  /** Where the task waits (default the contact's own queue). */
  readonly taskQueueId?: string;
  /** Share of the resolution limit after which an unfinished task is at risk (0..1, default 0.8). */
  readonly atRiskShare?: number;
  /** Priority added to a task at risk (default 10). */
  readonly escalationBoost?: number;
}

export const DEFAULT_COMPLAINT_INTENTS: readonly string[] = ['complaint'];
export const DEFAULT_UNRESOLVED_DISPOSITIONS: readonly string[] = ['unresolved', 'follow-up'];
export const DEFAULT_AT_RISK_SHARE = 0.8;
export const DEFAULT_ESCALATION_BOOST = 10;

/** What the decision looks at when a contact's outcome is known. */
export interface OutcomeFacts {
  readonly intent?: string;
  readonly disposition: string;
  /** The contact is itself a follow-up task: its outcome does not open another one. */
  readonly isTask: boolean;
}

/** Whether the contact is a complaint left unresolved, so a follow-up task opens. */
export function opensFollowUp(policy: FollowUpPolicy | undefined, facts: OutcomeFacts): boolean {
  if (policy === undefined || facts.isTask) return false;
  const complaint = (facts.intent !== undefined && (policy.intents ?? DEFAULT_COMPLAINT_INTENTS).includes(facts.intent))
    || (policy.complaintDispositions ?? []).includes(facts.disposition);
  return complaint && (policy.unresolvedDispositions ?? DEFAULT_UNRESOLVED_DISPOSITIONS).includes(facts.disposition);
}

/** When a task opened at `openedAtMs` is due, and when it is at risk, under a resolution limit. */
export function followUpTimes(policy: FollowUpPolicy, openedAtMs: number, resolutionLimitSeconds: number): { dueAtMs: number; atRiskAtMs: number } {
  const share = Math.min(1, Math.max(0, policy.atRiskShare ?? DEFAULT_AT_RISK_SHARE));
  const limitMs = resolutionLimitSeconds * 1000;
  return { dueAtMs: openedAtMs + limitMs, atRiskAtMs: openedAtMs + Math.round(limitMs * share) };
}

/** The id of the follow-up task of contact `contactId` (one per contact: a replay opens the same). */
export function followUpTaskId(contactId: string): string {
  return `${contactId}-followup`;
}
