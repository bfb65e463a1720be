import { describe, expect, it } from 'vitest';
import type { AppliedRecord } from '@switchboard/router-api';
import { chooseRecords } from './record-log.js';

const rec = (n: number, e?: string, tag = ''): AppliedRecord =>
  ({ n, cid: `${e ?? ''}:${n}${tag}`, at: n, cmd: { type: 'SET_PRESENCE', agentId: 'a', presence: 'AVAILABLE' }, ...(e === undefined ? {} : { e }) });
const cids = (records: readonly AppliedRecord[]) => records.map((r) => r.cid);

describe('chooseRecords', () => {
  it('orders records by position and drops resends of the same position', () => {
    const chosen = chooseRecords([rec(2, 'e1'), rec(1, 'e1'), rec(2, 'e1', 'again'), rec(3, 'e1')]);
    expect(cids(chosen.log)).toEqual(['e1:1', 'e1:2', 'e1:3']);
    expect(chosen).toMatchObject({ superseded: 0 });
    expect(chosen.gap).toBeUndefined();
  });

  it('lets a newer epoch win from where it went on, dropping the older owner\'s late records', () => {
    // e1 recorded 1..5, but its owner published 4 and 5 only after Redis was wiped and e2, rebuilt
    // from 1..3, had gone on with its own 4.
    const chosen = chooseRecords([rec(1, 'e1'), rec(2, 'e1'), rec(3, 'e1'), rec(4, 'e2'), rec(4, 'e1'), rec(5, 'e1')]);
    expect(cids(chosen.log)).toEqual(['e1:1', 'e1:2', 'e1:3', 'e2:4']);
    expect(chosen.superseded).toBe(2);
    expect(chosen.gap).toBeUndefined();
  });

  it('reads records written before epochs were recorded as the oldest epoch', () => {
    const chosen = chooseRecords([rec(1), rec(2), rec(2, '0000a'), rec(3, '0000a')]);
    expect(cids(chosen.log)).toEqual([':1', '0000a:2', '0000a:3']);
    expect(chosen.superseded).toBe(1);
  });

  it('reads a relay window that landed out of order, its hole filled later by a resend, by position', () => {
    // Records 2..4 went out concurrently; 2 was lost and only came with the next owner's relay.
    const chosen = chooseRecords([rec(1, 'e1'), rec(3, 'e1'), rec(4, 'e1'), rec(2, 'e1'), rec(5, 'e2'), rec(3, 'e1', 'again')]);
    expect(cids(chosen.log)).toEqual(['e1:1', 'e1:2', 'e1:3', 'e1:4', 'e2:5']);
    expect(chosen).toMatchObject({ superseded: 0 });
    expect(chosen.gap).toBeUndefined();
  });

  it('stops at a hole instead of replaying records whose cause is missing', () => {
    const chosen = chooseRecords([rec(1, 'e1'), rec(2, 'e1'), rec(4, 'e1'), rec(5, 'e1')]);
    expect(cids(chosen.log)).toEqual(['e1:1', 'e1:2']);
    expect(chosen.gap).toEqual({ missing: 3, dropped: 2 });
  });

  it('reports a log that does not start at 1 as a hole at 1', () => {
    expect(chooseRecords([rec(2, 'e1')])).toMatchObject({ log: [], gap: { missing: 1, dropped: 1 } });
    expect(chooseRecords([])).toEqual({ log: [], superseded: 0 });
  });
});
