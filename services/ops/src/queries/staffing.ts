import { ChannelStaffing, GetStaffingResponse, QueueStaffing, StaffingInterval } from '@switchboard/contracts';
import type { RouterClient } from '@switchboard/router-api';
import {
  CHANNELS, EMPTY_TALLY, forecastWorkload, intervalStartOf, STAFFING_INTERVAL_MS, staffingPlan, TALLY_FIELDS,
  type AgentView, type Channel, type ChannelNeed, type IntervalTally, type QueueConfig,
} from '@switchboard/routing-core';
import type { QueueIntervalCounters, QueueIntervalStore } from '@switchboard/state';
import { invalidArgument, notFound, unavailable } from '../errors.js';
import type { RouterQueue } from '../mapping/snapshot.mapper.js';
import { ask } from './snapshot.js';

/** Intervals after the current one shown by default (two hours), and at most (a day). */
export const DEFAULT_STAFFING_INTERVALS = 8;
export const MAX_STAFFING_INTERVALS = 96;
const WEEKS = 4;
const LIVE_INTERVALS = 3;
const WEEK_MS = 7 * 24 * 3_600_000;

/** Per-channel concurrency when no signed-in agent serving the queue has capacity on it (the design's defaults). */
export const DEFAULT_CONCURRENCY: Readonly<Record<Channel, number>> = { phone: 1, email: 5, chat: 3, wechat: 3, task: 2 };

export const STAFFING_METHOD = 'arrivals: mean of the same weekday and 15-minute interval over the last 4 weeks, times the live hour\'s deviation '
  + '(weight halving every hour ahead; the live rate where no week has history); handle time and patience pooled over those intervals '
  + 'and the live hour; agents: Erlang A slots for the queue\'s service-level goal (Erlang C without an abandonment), per channel, '
  + 'divided by the channel\'s concurrency and summed';

/** A staffing question. */
export interface StaffingQuery {
  readonly queueIds: readonly string[];
  readonly intervals: number;
}

/** What {@link readStaffing} reads. */
export interface StaffingDeps {
  readonly router: RouterClient;
  readonly store: QueueIntervalStore;
  readonly nowMs: number;
}

/**
 * Agents needed per queue, now and for the next intervals, beside the agents signed in: the
 * queues and agents from the router, the workload buckets from the store, the figures from
 * routing-core (`forecastWorkload`, `staffingPlan`).
 * @throws OpsError INVALID_ARGUMENT for a bad interval count, NOT_FOUND for an unknown queue, UNAVAILABLE without a router.
 */
export async function readStaffing(deps: StaffingDeps, query: StaffingQuery): Promise<GetStaffingResponse> {
  const horizon = query.intervals === 0 ? DEFAULT_STAFFING_INTERVALS : query.intervals;
  if (!Number.isInteger(horizon) || horizon < 0 || horizon > MAX_STAFFING_INTERVALS) {
    throw invalidArgument('intervals', `must be a whole number from 1 to ${MAX_STAFFING_INTERVALS} (0: the default ${DEFAULT_STAFFING_INTERVALS})`);
  }
  const [queues, agents] = await Promise.all([
    ask<RouterQueue[]>(deps.router, { query: 'queues' }, 'queues'),
    ask<AgentView[]>(deps.router, { query: 'agents' }, 'agents'),
  ]);
  const known = new Map(queues.filter((q) => q.config).map((q) => [q.queueId, q.config!]));
  for (const id of query.queueIds) if (!known.has(id)) throw notFound(`no queue "${id}" in domain "${deps.router.domain}"`);
  const ids = query.queueIds.length > 0 ? [...query.queueIds] : [...known.keys()].sort();
  let since: number | undefined;
  try {
    since = await deps.store.since();
  } catch (error) {
    throw unavailable('the staffing history (Redis) does not answer', error);
  }
  const rows = await Promise.all(ids.map((id) => queueStaffing(deps, id, known.get(id)!, agents, since, horizon)));
  return GetStaffingResponse.fromPartial({ queues: rows, asOf: new Date(deps.nowMs), ...(since === undefined ? {} : { historySince: new Date(since) }), method: STAFFING_METHOD });
}

async function queueStaffing(deps: StaffingDeps, queueId: string, config: QueueConfig, agents: readonly AgentView[], since: number | undefined, horizon: number): Promise<QueueStaffing> {
  const starts = intervalsToRead(deps.nowMs, horizon);
  let buckets: Map<number, Map<string, QueueIntervalCounters>>;
  try {
    buckets = await deps.store.read(queueId, starts);
  } catch (error) {
    throw unavailable('the staffing history (Redis) does not answer', error);
  }
  const serving = agents.filter((a) => a.presence !== 'OFFLINE' && a.queues.some((q) => q.queueId === queueId));
  const channels = CHANNELS.filter((c) => [...buckets.values()].some((byChannel) => byChannel.has(c)));
  const workloads = channels.map((channel) => ({
    channel,
    concurrency: concurrencyOf(serving, channel),
    forecast: forecastWorkload({ nowMs: deps.nowMs, observedFromMs: since, horizon, method: { weeks: WEEKS, liveIntervals: LIVE_INTERVALS },
      tally: (start) => tallyOf(buckets.get(start)?.get(channel)) }),
  }));
  const target = { serviceLevel: config.serviceLevel.share, slSeconds: config.serviceLevel.withinSeconds };
  const plan = staffingPlan(workloads, target);
  const current = intervalStartOf(deps.nowMs);
  const intervals = Array.from({ length: horizon + 1 }, (_, h) => {
    const start = current + h * STAFFING_INTERVAL_MS;
    const need = plan.find((p) => p.startMs === start);
    return StaffingInterval.fromPartial({
      start: new Date(start), end: new Date(start + STAFFING_INTERVAL_MS),
      // No channel has ever seen work: nobody is needed.
      ...(need === undefined ? { agentsNeeded: 0 } : need.agents === undefined ? {} : { agentsNeeded: need.agents }),
      channels: (need?.channels ?? []).map((c) => channelToProto(c, serving)),
    });
  });
  return QueueStaffing.fromPartial({
    queueId,
    serviceLevelShare: target.serviceLevel,
    serviceLevelSeconds: target.slSeconds,
    agentsSignedIn: serving.length,
    agentsRoutable: serving.filter((a) => a.presence !== 'AWAY').length,
    intervals,
  });
}

/** Every interval the forecast may look at: the live window, the horizon, and both a week and up to four weeks back. */
function intervalsToRead(nowMs: number, horizon: number): number[] {
  const current = intervalStartOf(nowMs);
  const own: number[] = [];
  for (let h = -LIVE_INTERVALS; h <= horizon; h++) own.push(current + h * STAFFING_INTERVAL_MS);
  return own.flatMap((s) => Array.from({ length: WEEKS + 1 }, (_, k) => s - k * WEEK_MS));
}

/** The stored counters as a tally (missing counters are 0). */
function tallyOf(counters: QueueIntervalCounters | undefined): IntervalTally {
  if (!counters) return EMPTY_TALLY;
  const value = (field: (typeof TALLY_FIELDS)[number]) => counters[field] ?? 0;
  return { arrivals: value('arrivals'), handled: value('handled'), handleSeconds: value('handleSeconds'), abandoned: value('abandoned'), waitSeconds: value('waitSeconds') };
}

/** The most common capacity on `channel` among the signed-in agents serving the queue; the default without any. */
export function concurrencyOf(serving: readonly AgentView[], channel: Channel): number {
  const counts = new Map<number, number>();
  for (const a of serving) {
    const c = a.capacity[channel] ?? 0;
    if (c > 0) counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let best = DEFAULT_CONCURRENCY[channel];
  let most = 0;
  for (const [capacity, n] of [...counts].sort((x, y) => x[0] - y[0])) if (n > most) { best = capacity; most = n; }
  return best;
}

function channelToProto(c: ChannelNeed, serving: readonly AgentView[]): ChannelStaffing {
  const w = c.workload;
  return ChannelStaffing.fromPartial({
    channel: c.channel,
    arrivals: w.arrivals,
    arrivalsPerHour: w.arrivalsPerSecond * 3600,
    handleSeconds: w.handleSeconds,
    ...(w.patienceSeconds === undefined ? {} : { patienceSeconds: w.patienceSeconds }),
    concurrency: c.concurrency,
    ...(c.slots === undefined ? {} : { slotsNeeded: c.slots }),
    ...(c.agents === undefined ? {} : { agentsNeeded: c.agents }),
    ...(c.serviceLevel === undefined ? {} : { serviceLevel: c.serviceLevel }),
    model: c.model,
    reason: c.reason ?? '',
    historyWeeks: w.historyWeeks,
    liveRatio: w.liveRatio,
    basis: w.basis,
    agentsSignedIn: serving.filter((a) => (a.capacity[c.channel] ?? 0) > 0).length,
  });
}
