import type { QueueConfig } from '../model/queue.js';

/**
 * Contact order within a queue. Effective priority at time t is
 * `base + agingRatePerSecond × (t − arrivedAtMs) / 1000`; with one aging rate per queue, ordering
 * by descending effective priority equals ordering by ascending
 * `agingRatePerSecond × arrivedAtMs / 1000 − base`, which never changes while the contact waits —
 * so the key is computed once and an ordered index never needs re-sorting. Ties go to the earlier
 * arrival, then to the engine's arrival sequence.
 */
export interface ContactOrderKey {
  readonly key: number;
  readonly arrivedAtMs: number;
  readonly arrivalSeq: number;
}

/** The time-invariant sort key of a contact in `queue` (age counts from first arrival). */
export function contactSortKey(queue: QueueConfig, basePriority: number, arrivedAtMs: number): number {
  return (queue.agingRatePerSecond * arrivedAtMs) / 1000 - basePriority;
}

/** Effective priority at `nowMs` (for explanations and dashboards). */
export function effectivePriority(queue: QueueConfig, basePriority: number, arrivedAtMs: number, nowMs: number): number {
  return basePriority + (queue.agingRatePerSecond * (nowMs - arrivedAtMs)) / 1000;
}

/** Compares two contacts of the same queue: negative when `a` is served first. */
export function compareContacts(a: ContactOrderKey, b: ContactOrderKey): number {
  return a.key - b.key || a.arrivedAtMs - b.arrivedAtMs || a.arrivalSeq - b.arrivalSeq;
}

/** Ring index reached after waiting `waitMs` in `queue` (rings sorted by `afterSeconds`). */
export function ringAt(queue: QueueConfig, waitMs: number): number {
  let ring = 0;
  for (const r of queue.rings) if (r.afterSeconds * 1000 <= waitMs) ring += 1;
  return ring;
}

/** True once the VIP pool no longer restricts a contact that waited `waitMs` (always true without a pool). */
export function poolOpenAt(queue: QueueConfig, waitMs: number): boolean {
  const pool = queue.vipPool;
  if (queue.kind !== 'VIP' || pool === undefined) return true;
  return pool.overflowToGeneralAfterSeconds * 1000 <= waitMs;
}

/** Every threshold (ms after queue entry) at which a waiting contact's stage may change. */
export function thresholdOffsetsMs(queue: QueueConfig, sticky: boolean): number[] {
  const out = new Set<number>();
  for (const r of queue.rings) out.add(r.afterSeconds * 1000);
  if (queue.overflow !== undefined) out.add(queue.overflow.afterSeconds * 1000);
  if (queue.maxWaitSeconds !== undefined) out.add(queue.maxWaitSeconds * 1000);
  if (queue.kind === 'VIP' && queue.vipPool !== undefined) out.add(queue.vipPool.overflowToGeneralAfterSeconds * 1000);
  if (sticky) out.add(queue.stickyAgentWaitSeconds * 1000);
  return [...out].filter((ms) => ms > 0).sort((a, b) => a - b);
}
