import { agentsRequired, type StaffingTarget } from '../erlang/staffing.js';
import type { Channel } from '../model/channel.js';
import type { IntervalWorkload } from './workload-forecast.js';

/** One channel of a queue to staff: its forecast and how many contacts of it one agent holds at once. */
export interface ChannelWorkload {
  readonly channel: Channel;
  /** From {@link forecastWorkload}: the current interval first, then the next ones. */
  readonly forecast: readonly IntervalWorkload[];
  /** Contacts of this channel one agent holds at once (phone 1, chat e.g. 3); ≥ 1. */
  readonly concurrency: number;
}

/** What one channel of one interval needs. */
export interface ChannelNeed {
  readonly channel: Channel;
  readonly workload: IntervalWorkload;
  readonly concurrency: number;
  /** `erlang-a` with a measured patience, `erlang-c` without an abandonment to go by, `none` without work or without a handle time. */
  readonly model: 'erlang-a' | 'erlang-c' | 'none';
  /** Contact slots (servers of the Erlang model) needed; undefined when no figure can be given (see `reason`). */
  readonly slots?: number;
  /** ⌈slots / concurrency⌉. */
  readonly agents?: number;
  /** Service level the model predicts with `slots`. */
  readonly serviceLevel?: number;
  readonly reason?: string;
}

/** What one queue needs in one interval. */
export interface IntervalNeed {
  readonly startMs: number;
  readonly endMs: number;
  /** Σ of the channels' agents; undefined when any channel with work has no figure. */
  readonly agents?: number;
  readonly channels: readonly ChannelNeed[];
}

/**
 * Agents needed per interval for a queue's target (its configured service-level share and
 * threshold), by the Erlang A solver ({@link agentsRequired}: Erlang C where no abandonment was
 * seen). Each channel is staffed on its own: its contacts are served by slots, an agent with
 * concurrency c offering c slots, so the solver gives slots and the agents are ⌈slots / c⌉. The
 * measured handle time of a chat is its elapsed time while the agent holds others, so the
 * slow-down of concurrency is in it. The queue's figure is the channels' sum: enough people if
 * each works one channel at a time (a phone call blocks the others), and an upper bound when
 * agents blend chat with email or WeChat.
 */
export function staffingPlan(channels: readonly ChannelWorkload[], target: StaffingTarget): IntervalNeed[] {
  const length = Math.max(0, ...channels.map((c) => c.forecast.length));
  const out: IntervalNeed[] = [];
  for (let i = 0; i < length; i++) {
    const needs = channels.flatMap((c) => (c.forecast[i] ? [channelNeed(c.channel, c.forecast[i]!, c.concurrency, target)] : []));
    const first = channels.find((c) => c.forecast[i])?.forecast[i];
    if (!first) continue;
    const known = needs.every((n) => n.agents !== undefined);
    out.push({ startMs: first.startMs, endMs: first.endMs, ...(known ? { agents: needs.reduce((s, n) => s + (n.agents ?? 0), 0) } : {}), channels: needs });
  }
  return out;
}

/** One channel's need in one interval. */
export function channelNeed(channel: Channel, workload: IntervalWorkload, concurrency: number, target: StaffingTarget): ChannelNeed {
  if (!(Number.isInteger(concurrency) && concurrency >= 1)) throw new RangeError(`concurrency must be an integer ≥ 1, got ${concurrency}`);
  const base = { channel, workload, concurrency };
  if (!(workload.arrivalsPerSecond > 0)) return { ...base, model: 'none', slots: 0, agents: 0, serviceLevel: 1 };
  if (!(workload.handleSeconds > 0)) return { ...base, model: 'none', reason: 'no handle time measured yet (no conversation of this channel has ended)' };
  const model = workload.patienceSeconds === undefined ? 'erlang-c' : 'erlang-a';
  try {
    const result = agentsRequired({ arrivalRate: workload.arrivalsPerSecond, handleSeconds: workload.handleSeconds,
      ...(workload.patienceSeconds === undefined ? {} : { patienceSeconds: workload.patienceSeconds }) }, target);
    return { ...base, model, slots: result.agents, agents: Math.ceil(result.agents / concurrency), serviceLevel: result.metrics.serviceLevel };
  } catch (error) {
    return { ...base, model, reason: (error as Error).message };
  }
}
