import { ContactState } from '@switchboard/contracts';

/** A kf session's `service_state`. */
export const KfServiceState = { new: 0, bot: 1, queued: 2, agent: 3, ended: 4 } as const;

export type KfServiceStateValue = (typeof KfServiceState)[keyof typeof KfServiceState];

// WeChat's allowed moves: 0→1/2/3/4, 1→1/2/3/4, 2→2/3/4, 3→3/4. From 4 only a new customer
// message restarts the session, at 0.
const ALLOWED: Readonly<Record<KfServiceStateValue, readonly KfServiceStateValue[]>> = {
  0: [1, 2, 3, 4],
  1: [1, 2, 3, 4],
  2: [2, 3, 4],
  3: [3, 4],
  4: [],
};

/** True for a number WeChat uses as a service_state. */
export function isKfServiceState(value: number): value is KfServiceStateValue {
  return Number.isInteger(value) && value >= 0 && value <= 4;
}

/** True when `service_state/trans` may move a session from `from` to `to`. */
export function canTransition(from: KfServiceStateValue, to: KfServiceStateValue): boolean {
  return ALLOWED[from].includes(to);
}

/**
 * The contact state a session state means to Switchboard: new and bot sessions are received (not
 * yet routed), the pool is the queue, a human agent is connected, ended is completed.
 */
export function contactStateOf(state: KfServiceStateValue): ContactState {
  switch (state) {
    case KfServiceState.new:
    case KfServiceState.bot:
      return ContactState.CONTACT_STATE_RECEIVED;
    case KfServiceState.queued:
      return ContactState.CONTACT_STATE_QUEUED;
    case KfServiceState.agent:
      return ContactState.CONTACT_STATE_CONNECTED;
    case KfServiceState.ended:
      return ContactState.CONTACT_STATE_COMPLETED;
  }
}

/**
 * The session state a `session_status_change` event leaves behind: 1 (taken from the pool),
 * 2 (transferred) and 4 (re-opened) put a human agent on it; 3 ends it. Unknown types → undefined.
 */
export function stateAfterStatusChange(changeType: number): KfServiceStateValue | undefined {
  if (changeType === 1 || changeType === 2 || changeType === 4) return KfServiceState.agent;
  if (changeType === 3) return KfServiceState.ended;
  return undefined;
}
