import { ContactState, ContactUpdateKind } from '@switchboard/contracts';
import {
  KfServiceState,
  canTransition,
  contactStateOf,
  stateAfterStatusChange,
  type KfEvent,
  type KfServiceStateValue,
} from '@switchboard/wechat';

/** What a kf session's new service_state means for its contact. */
export type ServiceStatePlan =
  /** Nothing to publish: the state did not change, or WeChat does not allow the move (stale event). */
  | { readonly kind: 'ignore'; readonly reason: 'unchanged' | 'not_allowed' }
  /** The contact moved (received, queued, connected): a state update of the same contact. */
  | { readonly kind: 'update'; readonly state: KfServiceStateValue; readonly contactState: ContactState }
  /**
   * The session ended: `ENDED` once a human agent had it, `ABANDONED` when it ended before one
   * did (new, with the bot, or waiting in the pool), so the router drops it from its queue.
   */
  | { readonly kind: 'end'; readonly updateKind: ContactUpdateKind; readonly contactState: ContactState };

/**
 * The service_state a kf system event reports: `enter_session` starts a session at 0 (new),
 * `session_status_change` says an agent took it (3) or it ended (4). Other events carry none.
 */
export function serviceStateOf(event: KfEvent): KfServiceStateValue | undefined {
  if (event.event_type === 'enter_session') return KfServiceState.new;
  if (event.event_type === 'session_status_change') return stateAfterStatusChange(event.change_type ?? -1);
  return undefined;
}

/**
 * Decides what a move of the session from `previous` to `next` publishes. `previous` is undefined
 * for a conversation recorded before states were tracked: it is read as 0, the state every
 * session starts in, and its end as `ENDED`. A move to the same state counts only when the agent
 * changed (a transfer between agents, 3 → 3).
 */
export function planServiceState(previous: KfServiceStateValue | undefined, next: KfServiceStateValue, servicerChanged = false): ServiceStatePlan {
  const from = previous ?? KfServiceState.new;
  if (next === KfServiceState.ended) {
    const connected = previous === undefined || previous === KfServiceState.agent;
    return connected
      ? { kind: 'end', updateKind: ContactUpdateKind.CONTACT_UPDATE_KIND_ENDED, contactState: contactStateOf(next) }
      : { kind: 'end', updateKind: ContactUpdateKind.CONTACT_UPDATE_KIND_ABANDONED, contactState: ContactState.CONTACT_STATE_ABANDONED };
  }
  if (next === from && !servicerChanged) return { kind: 'ignore', reason: 'unchanged' };
  if (!canTransition(from, next)) return { kind: 'ignore', reason: 'not_allowed' };
  return { kind: 'update', state: next, contactState: contactStateOf(next) };
}
