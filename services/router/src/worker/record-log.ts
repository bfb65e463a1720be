import type { AppliedRecord } from '@switchboard/router-api';

/** What a rebuild from ROUTING may replay, and what it left out and why. */
export interface ChosenLog {
  /** Records to replay, `n` = 1, 2, 3… without a hole. */
  readonly log: readonly AppliedRecord[];
  /**
   * Records of an older epoch at or past the position where a newer epoch went on: published by
   * an owner that had already lost Redis' state, never seen by the owner that rebuilt it.
   */
  readonly superseded: number;
  /** The first missing position, when records exist past a hole; those records are left out. */
  readonly gap?: { readonly missing: number; readonly dropped: number };
}

/**
 * Picks the domain's history out of the applied records on ROUTING (any order, resends and stale
 * owners' records included). Each epoch continues the one before it from the position its owner
 * found on ROUTING, so for every epoch, newest first, only records below where the next newer
 * epoch started count; within an epoch the first record of each `n` wins (the others are
 * resends). A hole is never replayed across: the state after it would rest on a command that is
 * not there, so the log stops at the hole and the caller reports what was dropped. `base`: the
 * position a checkpoint already covers; records at or below it are ignored and the log starts
 * right after it.
 */
export function chooseRecords(records: Iterable<AppliedRecord>, base = 0): ChosenLog {
  const byEpoch = new Map<string, AppliedRecord[]>();
  for (const record of records) {
    if (record.n <= base) continue;
    const epoch = record.e ?? '';
    const list = byEpoch.get(epoch) ?? [];
    list.push(record);
    byEpoch.set(epoch, list);
  }
  const chosen = new Map<number, AppliedRecord>();
  let superseded = 0;
  let nextEpochStart = Number.POSITIVE_INFINITY;
  // Epoch ids sort by creation time; records from before epochs were recorded ('') come first.
  for (const epoch of [...byEpoch.keys()].sort().reverse()) {
    let start = Number.POSITIVE_INFINITY;
    for (const record of byEpoch.get(epoch)!) {
      if (record.n >= nextEpochStart) {
        superseded++;
        continue;
      }
      if (!chosen.has(record.n)) chosen.set(record.n, record);
      start = Math.min(start, record.n);
    }
    nextEpochStart = Math.min(nextEpochStart, start);
  }
  const positions = [...chosen.keys()].sort((a, b) => a - b);
  const log: AppliedRecord[] = [];
  for (const n of positions) {
    if (n !== base + log.length + 1) {
      return { log, superseded, gap: { missing: base + log.length + 1, dropped: positions.length - log.length } };
    }
    log.push(chosen.get(n)!);
  }
  return { log, superseded };
}
