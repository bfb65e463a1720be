import type { SurveyRefusal } from './survey.js';
import type { RoutingEvent } from './event.js';
import type { TimerRequest } from './timer.js';

/** Why an arrival was refused. */
export type RejectReason = 'QUEUE_FULL' | 'UNKNOWN_QUEUE' | 'CLOSED';

/**
 * The expected result of one command. Races a live system must tolerate (a stale timer, an
 * accept after the offer timed out, a duplicate arrival) are outcomes, not errors.
 */
export type RoutingOutcome =
  | { readonly kind: 'offered'; readonly contactId: string; readonly agentId: string; readonly offerToken: number }
  | { readonly kind: 'queued'; readonly contactId: string }
  | { readonly kind: 'rejected'; readonly contactId: string; readonly reason: RejectReason }
  | { readonly kind: 'duplicate'; readonly contactId: string }
  | { readonly kind: 'stale'; readonly reason?: SurveyRefusal }
  | { readonly kind: 'applied' };

/** What `RoutingEngine.apply` returns: the outcome, events to publish, timers to schedule. */
export interface ApplyResult {
  readonly outcome: RoutingOutcome;
  readonly events: readonly RoutingEvent[];
  readonly timers: readonly TimerRequest[];
}
