import { describe, expect, it } from 'vitest';
import { ContactState, ContactUpdateKind } from '@switchboard/contracts';
import { planServiceState, serviceStateOf } from './kf-state.js';

describe('kf service_state → contact', () => {
  it('reads the state an event reports', () => {
    expect(serviceStateOf({ event_type: 'enter_session' })).toBe(0);
    expect([1, 2, 3, 4].map((change_type) => serviceStateOf({ event_type: 'session_status_change', change_type }))).toEqual([3, 3, 4, 3]);
    expect(serviceStateOf({ event_type: 'session_status_change' })).toBeUndefined();
    expect(serviceStateOf({ event_type: 'servicer_status_change', status: 1 })).toBeUndefined();
  });

  it('maps each allowed move to the contact state of the new service state', () => {
    expect(planServiceState(0, 1)).toEqual({ kind: 'update', state: 1, contactState: ContactState.CONTACT_STATE_RECEIVED });
    expect(planServiceState(1, 2)).toEqual({ kind: 'update', state: 2, contactState: ContactState.CONTACT_STATE_QUEUED });
    expect(planServiceState(2, 3)).toEqual({ kind: 'update', state: 3, contactState: ContactState.CONTACT_STATE_CONNECTED });
    expect(planServiceState(undefined, 3)).toMatchObject({ kind: 'update', state: 3 });
  });

  it('ignores a repeated state unless the agent changed, and moves WeChat does not allow', () => {
    expect(planServiceState(3, 3)).toEqual({ kind: 'ignore', reason: 'unchanged' });
    expect(planServiceState(3, 3, true)).toMatchObject({ kind: 'update', state: 3 });
    expect(planServiceState(3, 0)).toEqual({ kind: 'ignore', reason: 'not_allowed' });
    expect(planServiceState(2, 1)).toEqual({ kind: 'ignore', reason: 'not_allowed' });
  });

  it('ends a connected session and abandons one that ended before an agent took it', () => {
    expect(planServiceState(3, 4)).toEqual({ kind: 'end', updateKind: ContactUpdateKind.CONTACT_UPDATE_KIND_ENDED, contactState: ContactState.CONTACT_STATE_COMPLETED });
    expect(planServiceState(undefined, 4)).toMatchObject({ kind: 'end', updateKind: ContactUpdateKind.CONTACT_UPDATE_KIND_ENDED });
    for (const from of [0, 1, 2] as const) {
      expect(planServiceState(from, 4)).toEqual({ kind: 'end', updateKind: ContactUpdateKind.CONTACT_UPDATE_KIND_ABANDONED, contactState: ContactState.CONTACT_STATE_ABANDONED });
    }
  });
});
