import { describe, expect, it } from 'vitest';
import { ContactState } from '@switchboard/contracts';
import { KfServiceState, canTransition, contactStateOf, isKfServiceState, stateAfterStatusChange } from '../index.js';

describe('kf service_state', () => {
  it('allows exactly the moves WeChat documents', () => {
    const allowed: string[] = [];
    for (const from of [0, 1, 2, 3, 4] as const) for (const to of [0, 1, 2, 3, 4] as const) if (canTransition(from, to)) allowed.push(`${from}${to}`);
    expect(allowed).toEqual(['01', '02', '03', '04', '11', '12', '13', '14', '22', '23', '24', '33', '34']);
  });

  it('maps session states to contact states', () => {
    expect([0, 1, 2, 3, 4].map((s) => (isKfServiceState(s) ? contactStateOf(s) : undefined))).toEqual([
      ContactState.CONTACT_STATE_RECEIVED,
      ContactState.CONTACT_STATE_RECEIVED,
      ContactState.CONTACT_STATE_QUEUED,
      ContactState.CONTACT_STATE_CONNECTED,
      ContactState.CONTACT_STATE_COMPLETED,
    ]);
    expect(isKfServiceState(5)).toBe(false);
    expect(isKfServiceState(1.5)).toBe(false);
  });

  it('reads session_status_change types', () => {
    expect([1, 2, 3, 4, 9].map(stateAfterStatusChange)).toEqual([KfServiceState.agent, KfServiceState.agent, KfServiceState.ended, KfServiceState.agent, undefined]);
  });
});
