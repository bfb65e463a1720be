import type { AgentView, Channel } from '@switchboard/routing-core';

/** Contact slots on `channel` of the agents serving `queueId` now (signed in, not away). */
export function servingSlots(agents: readonly AgentView[], queueId: string, channel: Channel): number {
  return agents
    .filter((a) => a.presence !== 'OFFLINE' && a.presence !== 'AWAY' && a.queues.some((q) => q.queueId === queueId))
    .reduce((sum, a) => sum + (a.capacity[channel] ?? 0), 0);
}

/**
 * Expected wait of the contact at `position` (1-based) from live rates. A waiting contact means
 * every eligible slot is taken, so it leaves the queue after `position` slots free up; slots free
 * at `slots / cycleSeconds` per second (each holds a contact for the measured offer-to-wrap-up
 * cycle). Exact for exponential handling times; with steadier ones it errs on the long side by
 * at most one cycle / slots. With no slot serving the queue it counts one slot, so the figure
 * stays finite and grows with the position.
 */
export function estimateWaitSeconds(position: number, cycleSeconds: number, slots: number): number {
  if (position <= 0) return 0;
  return (position * cycleSeconds) / Math.max(1, slots);
}
