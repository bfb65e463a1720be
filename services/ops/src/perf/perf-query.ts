import { AgentPerformance } from '@switchboard/contracts';
import {
  AGENT_BUCKET_MS, AgentPerformanceFold, agentPerformanceFigures, emptyAgentIntervalTally, isAgentTallyField, rollUpAgentBuckets,
  type AgentBucketDelta, type AgentIntervalRow,
} from '@switchboard/routing-core';
import type { AgentBucketCounters, AgentPerformanceStore } from '@switchboard/state';
import { invalidArgument } from '../errors.js';
import { parseOpenStates } from './perf-follower.js';

/** An agent-performance question as both edges receive it (epoch ms; undefined: the default). */
export interface AgentPerformanceRequest {
  readonly agentIds: readonly string[];
  readonly fromMs?: number;
  readonly toMs?: number;
  /** 900, 3600, 86400, or 0 for one row per agent over the range. */
  readonly intervalSeconds: number;
}

const DAY_MS = 86_400_000;
/** The intervals one may ask for: 15 minutes, an hour, a UTC day, or the whole range (0). */
export const AGENT_INTERVALS = [0, 900, 3_600, 86_400] as const;
/** Rows (agents × intervals) one answer may hold. */
export const MAX_AGENT_ROWS = 20_000;
const MAX_AGENTS = 100;
/** Agent-days one answer may read (one Redis hash each), so all agents over a year cannot stall ops. */
export const MAX_HASH_READS = 50_000;
/** Without `from`: the last 24 hours. */
const DEFAULT_RANGE_MS = DAY_MS;

const floorTo = (ms: number, step: number) => Math.floor(ms / step) * step;
const ceilTo = (ms: number, step: number) => Math.ceil(ms / step) * step;

/**
 * Per-agent rows from the stored buckets: 15-minute ones for 15-minute and hourly intervals and
 * for a range within their retention, daily ones for days and older ranges (aligned outward to
 * UTC days). The open stretches of live agents (the stored open state) count up to now.
 * @throws OpsError INVALID_ARGUMENT for an unknown interval, a range that is empty, too long for
 *   its interval, or older than its buckets' retention.
 */
export async function agentPerformance(store: AgentPerformanceStore, request: AgentPerformanceRequest, nowMs: number): Promise<AgentPerformance[]> {
  const intervalMs = checkInterval(request.intervalSeconds) * 1000;
  const named = [...new Set(request.agentIds)];
  if (named.length > MAX_AGENTS) throw invalidArgument('agent_ids', `at most ${MAX_AGENTS} ids`);
  if (named.some((id) => id.length === 0 || id.length > 200)) throw invalidArgument('agent_ids', 'each id 1 to 200 characters');
  const rawTo = request.toMs ?? nowMs;
  const rawFrom = request.fromMs ?? rawTo - DEFAULT_RANGE_MS;
  if (!(rawFrom < rawTo)) throw invalidArgument('from', 'must be before to');
  const oldestQuarter = floorTo(nowMs, DAY_MS) - store.quarterRetentionMs;
  const byDay = intervalMs === DAY_MS || (intervalMs === 0 && rawFrom < oldestQuarter);
  const step = byDay ? DAY_MS : AGENT_BUCKET_MS;
  const fromMs = floorTo(rawFrom, step);
  const toMs = ceilTo(rawTo, step);
  if (!byDay && fromMs < oldestQuarter) {
    throw invalidArgument('from', `15-minute buckets are kept ${store.quarterRetentionMs / DAY_MS} days; ask for interval 1d (86400) for older figures`);
  }
  const rowsPerAgent = intervalMs > 0 ? Math.ceil((toMs - fromMs) / intervalMs) : 1;
  // Checked before reading: the agents to read (named, or all seen since `from`) bound both the rows and the hashes read.
  const candidates = named.length > 0 ? named : await allAgents(store, fromMs);
  if (candidates.length * rowsPerAgent > MAX_AGENT_ROWS) throw invalidArgument('interval_seconds', `gives more than ${MAX_AGENT_ROWS} rows for this range; widen it or name agents`);
  if (candidates.length * Math.ceil((toMs - fromMs) / DAY_MS) > MAX_HASH_READS) throw invalidArgument('from', `reads more than ${MAX_HASH_READS} agent-days; name fewer agents or shorten the range`);
  const { buckets, open } = await store.read(candidates, fromMs, toMs, byDay ? 'day' : 'quarter');
  const agentIds = named.length > 0 ? named : [...new Set([...buckets.map((b) => b.agentId), ...open.keys()])].sort();
  const live = openBuckets(open, Math.min(toMs, nowMs), byDay).filter((b) => agentIds.includes(b.agentId));
  const rows = rollUpAgentBuckets([...buckets.map(asDelta), ...live], agentIds, fromMs, toMs, intervalMs);
  return rows.map(toProto);
}

function checkInterval(seconds: number): number {
  if (!(AGENT_INTERVALS as readonly number[]).includes(seconds)) throw invalidArgument('interval_seconds', 'must be 900 (15m), 3600 (1h), 86400 (1d) or 0 (the whole range)');
  return seconds;
}

/** Agents with stored activity since `fromMs`, plus every live one (its open stretch may reach into the range). */
async function allAgents(store: AgentPerformanceStore, fromMs: number): Promise<string[]> {
  const [seen, { open }] = await Promise.all([store.agents(fromMs), store.checkpoint()]);
  return [...new Set([...seen, ...open.keys()])].sort();
}

/** The live agents' open stretches up to `untilMs`, as 15-minute buckets or, by day, folded into their day. */
function openBuckets(open: ReadonlyMap<string, string>, untilMs: number, byDay: boolean): AgentBucketDelta[] {
  const deltas = new AgentPerformanceFold(parseOpenStates(open)).openDeltas(untilMs);
  return byDay ? deltas.map((d) => ({ ...d, bucketStartMs: floorTo(d.bucketStartMs, DAY_MS) })) : deltas;
}

/** A stored bucket as the core's delta (unknown fields, from a newer ops, are left out). */
function asDelta(b: AgentBucketCounters): AgentBucketDelta {
  const tally = emptyAgentIntervalTally();
  for (const [field, value] of Object.entries(b.tally)) if (isAgentTallyField(field)) tally[field] = value;
  return { agentId: b.agentId, bucketStartMs: b.bucketStartMs, tally };
}

/** Ratios stay NaN when nothing was counted ("no data", not 0 %); proto3 JSON writes them as "NaN". */
function toProto(row: AgentIntervalRow): AgentPerformance {
  const f = agentPerformanceFigures(row.tally);
  return AgentPerformance.fromPartial({
    agentId: row.agentId, intervalStart: new Date(row.startMs), intervalEnd: new Date(row.endMs),
    offered: f.offered, accepted: f.accepted, declined: f.declined, missed: f.missed, contactsHandled: f.contactsHandled,
    ahtSeconds: f.ahtSeconds, acwSeconds: f.acwSeconds, talkSeconds: f.talkSeconds, wrapSeconds: f.wrapSeconds,
    signedInSeconds: f.signedInSeconds, routableSeconds: f.routableSeconds, busySeconds: f.busySeconds, idleSeconds: f.idleSeconds,
    awaySeconds: f.awaySeconds, occupancy: f.occupancy, adherence: f.adherence,
    outcomes: f.outcomes, resolvedFirstContact: f.resolvedFirstContact, firstContactResolution: f.firstContactResolution,
    surveysAnswered: f.surveysAnswered, csat: f.csat, csatSatisfied: f.csatSatisfied, qaReviews: f.qaReviews, qaScore: f.qaScore,
    transfersOut: f.transfersOut,
  });
}
