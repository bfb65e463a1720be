import type { AgentProfile } from '../model/agent.js';
import type { Channel } from '../model/channel.js';
import type { RoutingCommand } from '../model/command.js';
import type { RoutingEvent } from '../model/event.js';
import type { SurgePolicy } from '../model/queue.js';
import type { ContactOutcome, KpiReport } from '../kpi/types.js';
import { decideSurge, INITIAL_SURGE_STATE, pinSurge, releaseSurgePin, type SurgeState } from '../surge/decide-surge.js';
import { LiveRates } from '../surge/live-rates.js';
import type { SimQueue } from './scenario.js';

/** How a simulation runs the surge controller (the queues' own `config.surge` says which are automatic). */
export interface SimSurge {
  /** How often the forecast is evaluated, seconds (default 60). */
  readonly intervalSeconds?: number;
  /** Sliding window of the live arrival rate (default 300 s): demand moves in minutes. */
  readonly rateWindowSeconds?: number;
  /** Forecast with the rate one standard error above the window's estimate (default true), see `LiveRate.arrivalsPerSecondHigh`. */
  readonly cautiousRate?: boolean;
  /** Sliding window of the handle time and patience (default 1800 s): they drift slowly and need more samples. */
  readonly handleWindowSeconds?: number;
  /** Sliding window of the measured service level whose breach is reported (default 300 s). */
  readonly measureWindowSeconds?: number;
  /** Fewest measured contacts in that window before a breach counts (default 20). */
  readonly minMeasured?: number;
  /** Hysteresis, see `SurgePolicy`: defaults 0.05, 3, 1. */
  readonly exitMargin?: number;
  readonly exitIntervals?: number;
  readonly enterIntervals?: number;
  /** Keep every interval's forecast and measured window in the report's `trace` (default false). */
  readonly trace?: boolean;
  /** A supervisor's switches at given times: on, off, or handed back to the forecast (`release`). */
  readonly supervisor?: readonly SimSupervisorSwitch[];
}

/** One supervisor action in a simulated run. */
export interface SimSupervisorSwitch {
  readonly atSeconds: number;
  readonly queueId: string;
  /** Switch surge on or off and pin it there; omit with `release`. */
  readonly active?: boolean;
  /** Hand the queue back to the forecast. */
  readonly release?: boolean;
  readonly by: string;
  readonly reason?: string;
}

/** One surge change as the engine recorded it. */
export interface SimSurgeChange {
  readonly atSeconds: number;
  readonly queueId: string;
  readonly active: boolean;
  readonly source: 'FORECAST' | 'SUPERVISOR';
  readonly reason: string;
  readonly predictedServiceLevel?: number;
}

/** Surge figures of one queue. */
export interface SimSurgeQueue {
  readonly queueId: string;
  /** Its contacts are of a VIP tier. */
  readonly vip: boolean;
  readonly targetShare: number;
  /** Measured (after warm-up) share answered in time. */
  readonly serviceLevel: number;
  /** First surge start, seconds of simulated time; null when the queue never surged. */
  readonly surgeStartedAtSeconds: number | null;
  /** When the measured service level over the sliding window first fell below target; null: never. */
  readonly firstBreachAtSeconds: number | null;
  /** Surge began strictly before the measured breach, or there was no breach. */
  readonly surgeBeforeBreach: boolean;
  /** Lowest sliding-window service level measured (NaN without enough contacts). */
  readonly lowestWindowServiceLevel: number;
  readonly surgeSeconds: number;
  /** Threshold from the queue's `config.surge` (NaN without one). */
  readonly callbackOfferAfterSeconds: number;
  readonly callbacksOffered: number;
  readonly callbacksRequested: number;
  /**
   * Non-VIP phone, chat and WeChat contacts still waiting (queued, not ringing at an agent) past
   * `callbackOfferAfterSeconds` at some moment while the queue was in surge: every one of them
   * should have been offered a callback.
   */
  readonly waitedPastThreshold: number;
  /** Of those, how many were offered one (equal to `waitedPastThreshold` when the rule holds). */
  readonly waitedPastThresholdOffered: number;
}

/** One interval of one automatic queue, with `trace`. */
export interface SimSurgeTracePoint {
  readonly atSeconds: number;
  readonly queueId: string;
  readonly arrivalsPerSecond: number;
  readonly handleSeconds: number;
  readonly patienceSeconds: number | null;
  readonly agents: number;
  readonly waiting: number;
  readonly predictedServiceLevel: number;
  /** Measured service level over the sliding window (NaN with too few contacts). */
  readonly measuredServiceLevel: number;
  readonly active: boolean;
}

/** What a surge run adds to {@link SimResult}. */
export interface SimSurgeReport {
  /** Answered in time / measured contacts, over the VIP-tier queues and the others. */
  readonly vipServiceLevel: number;
  readonly nonVipServiceLevel: number;
  readonly callbacksOffered: number;
  readonly callbacksRequested: number;
  readonly waitedPastThreshold: number;
  readonly waitedPastThresholdOffered: number;
  readonly queues: readonly SimSurgeQueue[];
  readonly changes: readonly SimSurgeChange[];
  /** With `surge.trace`: every interval's figures. */
  readonly trace?: readonly SimSurgeTracePoint[];
}

/** Channels on which a waiting customer is offered a callback (email waits by nature). */
const CALLBACK_CHANNELS: ReadonlySet<Channel> = new Set<Channel>(['phone', 'chat', 'wechat']);

/** A sliding share (in-time / measured) over a ring of time buckets. */
class WindowedShare {
  private readonly bucketMs: number;
  private readonly hits: Float64Array;
  private readonly totals: Float64Array;
  private readonly ids: Float64Array;

  constructor(windowSeconds: number, private readonly buckets = 30) {
    this.bucketMs = (windowSeconds * 1000) / buckets;
    this.hits = new Float64Array(buckets + 1);
    this.totals = new Float64Array(buckets + 1);
    this.ids = new Float64Array(buckets + 1).fill(-1);
  }

  add(atMs: number, hit: boolean): void {
    const bucket = Math.floor(atMs / this.bucketMs);
    const i = bucket % (this.buckets + 1);
    if (this.ids[i] !== bucket) { this.ids[i] = bucket; this.hits[i] = 0; this.totals[i] = 0; }
    this.totals[i]! += 1;
    if (hit) this.hits[i]! += 1;
  }

  /** [hits, total] over the window ending at `atMs`. */
  over(atMs: number): [number, number] {
    const current = Math.floor(atMs / this.bucketMs);
    let hits = 0;
    let total = 0;
    for (let i = 0; i <= this.buckets; i++) {
      const id = this.ids[i] ?? -1;
      if (id >= current - this.buckets && id <= current) { hits += this.hits[i] ?? 0; total += this.totals[i] ?? 0; }
    }
    return [hits, total];
  }
}

/**
 * A waiting contact the callback rule may apply to. It waits while queued; while an agent's phone
 * rings for it (offered) it is about to be answered, so that time does not count, and a refused
 * offer puts it back to waiting.
 */
interface Waiter {
  readonly queue: number;
  readonly enqueuedAtMs: number;
  /** Since when it is queued again; undefined while offered. */
  queuedSinceMs: number | undefined;
  /** It was queued past the threshold at some moment while the queue was in surge. */
  past: boolean;
}

interface QueueTrack {
  readonly sim: SimQueue;
  readonly settings: SurgePolicy | undefined;
  readonly vip: boolean;
  state: SurgeState;
  /** Engine-recorded surge periods [start, end); an open one has end Infinity. */
  readonly periods: [number, number][];
  readonly measured: WindowedShare;
  firstBreachMs: number | undefined;
  lowest: number;
  /** The last handle time measured: the forecast keeps it while nothing finishes (all held, or quiet). */
  handleSeconds: number;
  offered: number;
  requested: number;
  pastThreshold: number;
  pastThresholdOffered: number;
}

/**
 * The surge side of a simulation: feeds routing events to {@link LiveRates}, evaluates
 * {@link decideSurge} every interval for the queues with `surge.auto`, turns supervisor switches into
 * commands, and keeps the figures of {@link SimSurgeReport}: when surge began against when the
 * measured service level first breached, and whether every waiting non-VIP caller past the threshold
 * was offered a callback (checked here from the events, independently of the engine's own rule).
 */
export class SurgeTracker {
  private readonly arrivals: LiveRates;
  private readonly work: LiveRates;
  private readonly tracks: QueueTrack[];
  private readonly indexOf = new Map<string, number>();
  /** Non-VIP callback-channel contacts waiting now. */
  private readonly waiters = new Map<string, Waiter>();
  private readonly offeredCallback = new Set<string>();
  private readonly changes: SimSurgeChange[] = [];
  private readonly trace: SimSurgeTracePoint[] = [];
  /** Contacts queued now, per queue (the backlog the forecast adds over its horizon). */
  private readonly queued = new Map<string, string>();
  private readonly backlog: number[];
  private readonly minMeasured: number;

  constructor(queues: readonly SimQueue[], private readonly surge: SimSurge) {
    this.arrivals = new LiveRates({ windowSeconds: surge.rateWindowSeconds ?? 300 });
    this.work = new LiveRates({ windowSeconds: surge.handleWindowSeconds ?? 1800 });
    this.minMeasured = surge.minMeasured ?? 20;
    this.backlog = queues.map(() => 0);
    this.tracks = queues.map((sim, i) => {
      this.indexOf.set(sim.config.id, i);
      return {
        sim, settings: sim.config.surge, vip: (sim.tier ?? 'STANDARD') !== 'STANDARD', state: INITIAL_SURGE_STATE,
        periods: [], measured: new WindowedShare(surge.measureWindowSeconds ?? 300), firstBreachMs: undefined, lowest: NaN, handleSeconds: NaN,
        offered: 0, requested: 0, pastThreshold: 0, pastThresholdOffered: 0,
      };
    });
  }

  get intervalMs(): number {
    return (this.surge.intervalSeconds ?? 60) * 1000;
  }

  /** Could the next interval still change something: a queue in surge that the forecast may end? */
  get mayEnd(): boolean {
    return this.tracks.some((t) => t.settings?.auto === true && t.state.active && t.state.pinnedBy === undefined);
  }

  /** Does any queue run the forecast automatically (else no interval needs evaluating)? */
  get automatic(): boolean {
    return this.tracks.some((t) => t.settings?.auto === true);
  }

  /** Folds one engine event in. */
  observe(event: RoutingEvent): void {
    this.arrivals.add(event);
    this.work.add(event);
    switch (event.type) {
      case 'ContactQueued': {
        this.leaveBacklog(event.contactId);
        const q = this.indexOf.get(event.queueId);
        if (q !== undefined) { this.queued.set(event.contactId, event.queueId); this.backlog[q]! += 1; }
        const track = q === undefined ? undefined : this.tracks[q];
        if (q === undefined || track === undefined || track.vip || !CALLBACK_CHANNELS.has(event.channel)) return;
        this.waiters.set(event.contactId, { queue: q, enqueuedAtMs: event.enqueuedAtMs, queuedSinceMs: event.atMs, past: false });
        return;
      }
      case 'ContactOffered':
        this.pauseWait(event.contactId, event.atMs);
        return;
      case 'OfferDeclined':
      case 'OfferTimedOut': {
        const waiter = this.waiters.get(event.contactId);
        if (waiter !== undefined && waiter.queuedSinceMs === undefined) waiter.queuedSinceMs = event.atMs;
        return;
      }
      case 'ContactHeld':
        // Held back on purpose (deferred email): not a backlog the agents are failing to serve.
        this.leaveBacklog(event.contactId);
        return;
      case 'OfferAccepted':
      case 'ContactAbandoned':
      case 'ContactExpired':
      case 'ContactOverflowed':
      case 'ContactTransferred':
        this.leaveBacklog(event.contactId);
        this.endWait(event.contactId, event.atMs);
        return;
      case 'QueueSurgeChanged': {
        const track = this.track(event.queueId);
        if (track === undefined) return;
        const open = track.periods.at(-1);
        if (event.active && (open === undefined || open[1] !== Infinity)) track.periods.push([event.atMs, Infinity]);
        if (!event.active && open !== undefined && open[1] === Infinity) open[1] = event.atMs;
        this.changes.push({
          atSeconds: event.atMs / 1000, queueId: event.queueId, active: event.active, source: event.source, reason: event.reason,
          ...(event.predictedServiceLevel !== undefined ? { predictedServiceLevel: event.predictedServiceLevel } : {}),
        });
        return;
      }
      case 'CallbackOffered': {
        const track = this.track(event.queueId);
        if (track !== undefined && !this.offeredCallback.has(event.contactId)) track.offered++;
        if (this.waiters.has(event.contactId)) this.offeredCallback.add(event.contactId);
        return;
      }
      case 'CallbackRequested': {
        const track = this.track(event.queueId);
        if (track !== undefined) track.requested++;
        return;
      }
      default:
        return;
    }
  }

  /** One measured outcome (after warm-up): the sliding service level, and its first breach. */
  outcome(o: ContactOutcome): void {
    const track = this.track(o.queueId);
    if (track === undefined || o.kind === 'rejected') return;
    track.measured.add(o.atMs, o.inTime);
    const [hits, total] = track.measured.over(o.atMs);
    if (total < this.minMeasured) return;
    const share = hits / total;
    if (!(share >= track.lowest)) track.lowest = share;
    if (share < track.sim.config.serviceLevel.share && track.firstBreachMs === undefined) {
      track.firstBreachMs = o.atMs;
    }
  }

  /**
   * One interval: the forecast of every automatic queue, from the live rates and the servers now
   * signed in for it, and the SET_SURGE commands its decisions call for.
   */
  tick(nowMs: number, signedIn: Iterable<AgentProfile>): RoutingCommand[] {
    const agents = [...signedIn];
    const commands: RoutingCommand[] = [];
    for (const track of this.tracks) {
      if (track.settings?.auto !== true) continue;
      const { config } = track.sim;
      const live = this.work.rates(config.id, nowMs);
      if (Number.isFinite(live.handleSeconds)) track.handleSeconds = live.handleSeconds;
      const observation = {
        arrivalsPerSecond: this.surge.cautiousRate === false ? this.arrivals.rates(config.id, nowMs).arrivalsPerSecond
          : this.arrivals.rates(config.id, nowMs).arrivalsPerSecondHigh,
        handleSeconds: track.handleSeconds,
        ...(live.patienceSeconds !== undefined ? { patienceSeconds: live.patienceSeconds } : {}),
        agents: servers(agents, config.id, track.sim.channel ?? 'phone'),
        withinSeconds: config.serviceLevel.withinSeconds,
        waiting: this.backlog[this.indexOf.get(config.id)!] ?? 0,
        horizonSeconds: track.settings.horizonSeconds,
      };
      const decision = decideSurge(track.state, observation, this.policyFor(track), nowMs);
      track.state = decision.state;
      if (this.surge.trace === true) {
        const [hits, total] = track.measured.over(nowMs);
        this.trace.push({
          atSeconds: nowMs / 1000, queueId: config.id, arrivalsPerSecond: observation.arrivalsPerSecond, handleSeconds: observation.handleSeconds,
          patienceSeconds: observation.patienceSeconds ?? null, agents: observation.agents, waiting: observation.waiting, predictedServiceLevel: decision.forecast?.serviceLevel ?? NaN,
          measuredServiceLevel: total >= this.minMeasured ? hits / total : NaN, active: decision.state.active,
        });
      }
      if (decision.change !== undefined) {
        commands.push({ type: 'SET_SURGE', queueId: config.id, active: decision.change.active, source: 'FORECAST',
          reason: decision.change.reason, predictedServiceLevel: decision.change.predictedServiceLevel });
      }
    }
    return commands;
  }

  /**
   * A supervisor's switch, as the SET_SURGE to dispatch: it pins the queue (in the engine and in
   * this controller) even when it changes nothing, and `release` hands it back to the forecast.
   */
  supervisor(sw: SimSupervisorSwitch, nowMs: number): RoutingCommand {
    const track = this.track(sw.queueId);
    if (track === undefined) throw new RangeError(`surge.supervisor: unknown queue "${sw.queueId}"`);
    const why = sw.reason !== undefined && sw.reason !== '' ? `: ${sw.reason}` : '';
    if (sw.release === true) {
      track.state = releaseSurgePin(track.state);
      return { type: 'SET_SURGE', queueId: sw.queueId, active: track.state.active, source: 'SUPERVISOR', release: true,
        reason: `surge handed back to the forecast by supervisor ${sw.by}${why}`, by: sw.by };
    }
    const active = sw.active ?? true;
    const { state, change } = pinSurge(track.state, { active, by: sw.by, ...(sw.reason !== undefined ? { reason: sw.reason } : {}) }, nowMs);
    track.state = state;
    return { type: 'SET_SURGE', queueId: sw.queueId, active, source: 'SUPERVISOR', by: sw.by,
      reason: change?.reason ?? `surge kept ${active ? 'on' : 'off'} and pinned by supervisor ${sw.by}${why}` };
  }

  /** The figures, with the run's final KPIs for the measured service levels. */
  report(kpis: KpiReport, endMs: number): SimSurgeReport {
    for (const id of [...this.waiters.keys()]) this.endWait(id, endMs);
    const kpiOf = new Map(kpis.queues.map((q) => [q.queueId, q]));
    const queues = this.tracks.map((t): SimSurgeQueue => {
      const k = kpiOf.get(t.sim.config.id);
      const started = t.periods[0]?.[0];
      const breach = t.firstBreachMs;
      return {
        queueId: t.sim.config.id,
        vip: t.vip,
        targetShare: t.sim.config.serviceLevel.share,
        serviceLevel: k?.serviceLevel ?? NaN,
        surgeStartedAtSeconds: started === undefined ? null : started / 1000,
        firstBreachAtSeconds: breach === undefined ? null : breach / 1000,
        surgeBeforeBreach: breach === undefined || (started !== undefined && started < breach),
        lowestWindowServiceLevel: t.lowest,
        surgeSeconds: t.periods.reduce((s, [a, b]) => s + (Math.min(b, endMs) - a), 0) / 1000,
        callbackOfferAfterSeconds: t.settings?.callbackOfferAfterSeconds ?? NaN,
        callbacksOffered: t.offered,
        callbacksRequested: t.requested,
        waitedPastThreshold: t.pastThreshold,
        waitedPastThresholdOffered: t.pastThresholdOffered,
      };
    });
    const share = (vip: boolean): number => {
      let hits = 0;
      let total = 0;
      for (const t of this.tracks) {
        const k = kpiOf.get(t.sim.config.id);
        if (t.vip === vip && k !== undefined) { hits += k.answeredInTime; total += k.contacts; }
      }
      return total > 0 ? hits / total : NaN;
    };
    const sum = (f: (q: SimSurgeQueue) => number): number => queues.reduce((s, q) => s + f(q), 0);
    return {
      vipServiceLevel: share(true),
      nonVipServiceLevel: share(false),
      callbacksOffered: sum((q) => q.callbacksOffered),
      callbacksRequested: sum((q) => q.callbacksRequested),
      waitedPastThreshold: sum((q) => q.waitedPastThreshold),
      waitedPastThresholdOffered: sum((q) => q.waitedPastThresholdOffered),
      queues,
      changes: this.changes,
      ...(this.surge.trace === true ? { trace: this.trace } : {}),
    };
  }

  private policyFor(track: QueueTrack) {
    return {
      targetShare: track.sim.config.serviceLevel.share,
      ...(this.surge.exitMargin !== undefined ? { exitMargin: this.surge.exitMargin } : {}),
      ...(this.surge.exitIntervals !== undefined ? { exitIntervals: this.surge.exitIntervals } : {}),
      ...(this.surge.enterIntervals !== undefined ? { enterIntervals: this.surge.enterIntervals } : {}),
    };
  }

  /** A stretch of queued waiting ends (an offer rings, or the wait is over): was it past the threshold in surge? */
  private pauseWait(contactId: string, atMs: number): void {
    const waiter = this.waiters.get(contactId);
    if (waiter === undefined || waiter.queuedSinceMs === undefined) return;
    const from = waiter.queuedSinceMs;
    waiter.queuedSinceMs = undefined;
    const track = this.tracks[waiter.queue]!;
    if (track.settings === undefined || waiter.past) return;
    const pastFrom = Math.max(from, waiter.enqueuedAtMs + track.settings.callbackOfferAfterSeconds * 1000);
    waiter.past = track.periods.some(([start, end]) => Math.max(pastFrom, start) < Math.min(atMs, end));
  }

  /** A waiter's wait in its queue ended: count it if it waited past the threshold in surge, and whether it was offered. */
  private endWait(contactId: string, atMs: number): void {
    this.pauseWait(contactId, atMs);
    const waiter = this.waiters.get(contactId);
    if (waiter === undefined) return;
    this.waiters.delete(contactId);
    const offered = this.offeredCallback.delete(contactId);
    if (!waiter.past) return;
    const track = this.tracks[waiter.queue]!;
    track.pastThreshold++;
    if (offered) track.pastThresholdOffered++;
  }

  private leaveBacklog(contactId: string): void {
    const queueId = this.queued.get(contactId);
    if (queueId === undefined) return;
    this.queued.delete(contactId);
    const q = this.indexOf.get(queueId);
    if (q !== undefined) this.backlog[q]! -= 1;
  }

  private track(queueId: string): QueueTrack | undefined {
    const i = this.indexOf.get(queueId);
    return i === undefined ? undefined : this.tracks[i];
  }
}

/**
 * Servers a queue has now: signed-in agents for whom it is their first queue (lowest priority
 * number), times their concurrency on its channel. An agent who also serves other queues at a lower
 * priority is counted only for its first, so no agent is counted twice across queues.
 */
export function servers(agents: readonly AgentProfile[], queueId: string, channel: Channel): number {
  let n = 0;
  for (const agent of agents) {
    let best: { queueId: string; priority: number } | undefined;
    for (const q of agent.queues) if (best === undefined || q.priority < best.priority) best = q;
    if (best?.queueId === queueId) n += agent.capacity[channel] ?? 0;
  }
  return n;
}
