import type { AgentBucketDelta } from './agent-performance.js';
import { addAgentTally, emptyAgentIntervalTally, type AgentIntervalTally } from './agent-tally.js';

/** One agent's counters over one output interval. */
export interface AgentIntervalRow {
  readonly agentId: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly tally: AgentIntervalTally;
}

/**
 * Rolls stored buckets up into intervals of `intervalMs` from `fromMs` (0: one interval for
 * the whole range), by adding counters. A bucket counts in the interval its start falls in;
 * buckets outside [fromMs, toMs) are left out. Every listed agent gets every interval (zeros
 * where nothing happened), sorted by agent, then time.
 */
export function rollUpAgentBuckets(buckets: Iterable<AgentBucketDelta>, agentIds: readonly string[], fromMs: number, toMs: number, intervalMs: number): AgentIntervalRow[] {
  const width = intervalMs > 0 ? intervalMs : toMs - fromMs;
  const starts: number[] = [];
  for (let start = fromMs; start < toMs; start += width) starts.push(start);
  const rows = new Map<string, AgentIntervalTally[]>(agentIds.map((id) => [id, starts.map(() => emptyAgentIntervalTally())]));
  for (const b of buckets) {
    if (b.bucketStartMs < fromMs || b.bucketStartMs >= toMs) continue;
    const tallies = rows.get(b.agentId);
    const tally = tallies?.[Math.floor((b.bucketStartMs - fromMs) / width)];
    if (tally) addAgentTally(tally, b.tally);
  }
  return [...rows.keys()].sort().flatMap((agentId) =>
    starts.map((startMs, i) => ({ agentId, startMs, endMs: Math.min(toMs, startMs + width), tally: rows.get(agentId)![i]! })));
}
