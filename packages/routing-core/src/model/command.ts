import type { AgentProfile } from './agent.js';
import type { ContactInput } from './contact.js';
import type { SurgeSource } from './event.js';
import type { QueueConfig } from './queue.js';
import type { TimerRequest } from './timer.js';
import type { QaScoreInput } from '../qa/score.js';

/** Where a transfer sends a contact. `external` leaves the domain (state `TRANSFERRED`). */
export type TransferTarget =
  | { readonly kind: 'queue'; readonly queueId: string }
  | { readonly kind: 'agent'; readonly agentId: string; readonly queueId?: string }
  | { readonly kind: 'external'; readonly destination: string };

/**
 * What a COMPLETE says of the conversation. `endedOnChannel`: the platform ended it (the caller
 * hung up, the chat visitor left) and the agent's own outcome is still to come — their COMPLETE
 * during the wrap-up that follows records it.
 */
export interface CompletionOutcome {
  /** A code from the queue's catalogue (`QueueConfig.dispositions`), when it has one. */
  readonly disposition: string;
  readonly notes?: string;
  /** The agent's answer to "was this resolved on the first contact?" (FCR). */
  readonly resolvedFirstContact?: boolean;
  readonly endedOnChannel?: boolean;
}

/**
 * Everything the engine accepts. Time is passed alongside to `apply`, never read. `by` names who
 * asked (a supervisor acting on someone else's work, or the agent): every event the command
 * causes carries it, so the record says who did what.
 */
export type RoutingCommand =
  | { readonly type: 'UPSERT_QUEUE'; readonly queue: QueueConfig; readonly by?: string }
  | { readonly type: 'SIGN_IN'; readonly agent: AgentProfile; readonly by?: string }
  | { readonly type: 'SIGN_OUT'; readonly agentId: string; readonly by?: string }
  | { readonly type: 'SET_PRESENCE'; readonly agentId: string; readonly presence: 'AVAILABLE' | 'AWAY'; readonly reason?: string; readonly by?: string }
  | { readonly type: 'ARRIVE'; readonly contact: ContactInput }
  | { readonly type: 'ACCEPT'; readonly contactId: string; readonly agentId: string; readonly offerToken: number }
  | { readonly type: 'DECLINE'; readonly contactId: string; readonly agentId: string; readonly offerToken: number; readonly reason: string }
  | { readonly type: 'COMPLETE'; readonly contactId: string; readonly agentId: string; readonly by?: string } & CompletionOutcome
  | { readonly type: 'END_WRAP_UP'; readonly contactId: string; readonly agentId: string }
  | { readonly type: 'REPRIORITIZE'; readonly contactId: string; readonly basePriority: number; readonly reason?: string; readonly by?: string }
  | { readonly type: 'ABANDON'; readonly contactId: string; readonly reason?: string; readonly by?: string }
  | { readonly type: 'TRANSFER'; readonly contactId: string; readonly target: TransferTarget; readonly reason?: string; readonly by?: string }
  | { readonly type: 'TIMER_FIRED'; readonly timer: TimerRequest }
  /** The waiting customer asked to be called back on `number` (E.164). */
  | { readonly type: 'REQUEST_CALLBACK'; readonly contactId: string; readonly number: string; readonly by?: string }
  /** The platform could not reach the customer for the callback the agent accepted. */
  | { readonly type: 'CALLBACK_FAILED'; readonly contactId: string; readonly reason: string }
  /**
   * Surge mode on or off. A supervisor's switch pins the queue (the forecast's are then stale)
   * until a supervisor sends `release` (hand it back to the forecast; `active` is then ignored).
   */
  /**
   * The customer answered a completed contact's survey on its channel: `score` 1–5, an optional
   * comment, `answeredAtMs` by the channel's clock (the window is judged by it, never later than now).
   */
  | { readonly type: 'ANSWER_SURVEY'; readonly contactId: string; readonly score: number; readonly comment?: string; readonly answeredAtMs: number }
  | { readonly type: 'SET_SURGE'; readonly queueId: string; readonly active: boolean; readonly source: SurgeSource; readonly reason: string;
      readonly predictedServiceLevel?: number; readonly release?: boolean; readonly by?: string }
  /** A reviewer's score of a contact marked for QA review; `by` is the reviewer (required). */
  | { readonly type: 'SCORE_QA_REVIEW'; readonly review: QaScoreInput; readonly by: string };

/** The `type` of a {@link RoutingCommand}. */
export type RoutingCommandType = RoutingCommand['type'];
