import { KpiAccumulator, type RoutingEvent } from '@switchboard/routing-core';

/** What a queue of the live rules tells the measurement. */
export interface QueueRule {
  readonly id: string;
  readonly kind: string;
  readonly serviceLevel: { readonly share: number; readonly withinSeconds: number };
  readonly surge?: { readonly auto: boolean; readonly callbackOfferAfterSeconds: number };
}

/** One queue's figures, times in seconds from the first routing event. */
export interface SurgeQueueFigures {
  readonly queueId: string;
  readonly contacts: number;
  readonly serviceLevel: number | null;
  readonly lowestWindowServiceLevel: number | null;
  readonly surgeStartedAt: number | null;
  readonly firstBreachAt: number | null;
  readonly surgeBeforeBreach: boolean;
  readonly waitedPastThreshold: number;
  readonly waitedPastThresholdOffered: number;
  readonly callbacksOffered: number;
}

/** The whole run's figures. */
export interface SurgeFigures {
  readonly events: number;
  readonly runSeconds: number;
  /** Answered in time among VIP contacts that ended, plus those still waiting past the threshold at the end (counted as late). */
  readonly vipServiceLevel: number | null;
  readonly vipContacts: number;
  /** VIP contacts still queued at the end, past the VIP threshold already. */
  readonly vipStillWaitingLate: number;
  readonly queues: readonly SurgeQueueFigures[];
  /** The callers who waited past the threshold in surge and were not offered, for a failure's message. */
  readonly missed: readonly { contactId: string; queueId: string; channel: string; enqueuedAt: number }[];
}

/** Options of {@link surgeFigures}. */
export interface SurgeFigureOptions {
  /** The sliding window of the measured service level (the demo compresses time, so shorter than the sim's 5 minutes). */
  readonly windowSeconds: number;
  /** Outcomes in the window before its share counts (a window of two calls is no service level). */
  readonly minMeasured: number;
  /** Waits still open at this instant (epoch ms) are counted up to it. */
  readonly untilMs: number;
  /** Latency allowed for the engine's SURGE_CALLBACK_OFFER timer to fire after the threshold. */
  readonly timerGraceMs: number;
}

const LIVE = new Set(['phone', 'chat', 'wechat']);

/** Sliding in-time share over the last `windowMs` of outcomes (a list pruned as it goes: bounded by the window's outcomes). */
class Window {
  private readonly items: { atMs: number; hit: boolean }[] = [];
  constructor(private readonly windowMs: number) {}
  add(atMs: number, hit: boolean): [number, number] {
    this.items.push({ atMs, hit });
    while (this.items.length > 0 && this.items[0]!.atMs <= atMs - this.windowMs) this.items.shift();
    return [this.items.filter((i) => i.hit).length, this.items.length];
  }
}

interface Waiter { queueId: string; channel: string; enqueuedAtMs: number; queuedSinceMs: number | undefined; past: boolean }

/**
 * The acceptance item's figures from the router's ROUTING events (in stream order, core form):
 * per automatic queue the first forecast-driven surge vs the first time the measured service level
 * (KpiAccumulator outcomes over a sliding window) fell below target; the VIP queues' service
 * level; and the non-VIP live contacts (phone, chat, WeChat; a contact ever in a VIP queue counts
 * as VIP — the demo gives a tier only to callers the rules route there) that were queued, not
 * ringing, past their queue's `callbackOfferAfterSeconds` at some moment while it was in surge,
 * against those the engine sent a CallbackOffered. Counted from the events, independently of the
 * engine's rule, as the simulator counts them.
 */
export function surgeFigures(events: readonly RoutingEvent[], rules: readonly QueueRule[], options: SurgeFigureOptions): SurgeFigures {
  const rule = new Map(rules.map((q) => [q.id, q]));
  const vipQueues = new Set(rules.filter((q) => q.kind === 'VIP').map((q) => q.id));
  const startMs = events[0]?.atMs ?? options.untilMs;
  const at = (ms: number | undefined) => (ms === undefined ? null : Math.round((ms - startMs) / 100) / 10);
  const windows = new Map<string, Window>();
  const firstBreach = new Map<string, number>();
  const lowest = new Map<string, number>();
  const kpis = new KpiAccumulator({
    slSecondsByQueue: Object.fromEntries(rules.map((q) => [q.id, q.serviceLevel.withinSeconds])),
    onOutcome: (o) => {
      if (o.kind === 'rejected') return;
      const window = windows.get(o.queueId) ?? new Window(options.windowSeconds * 1000);
      windows.set(o.queueId, window);
      const [hits, total] = window.add(o.atMs, o.inTime);
      if (total < options.minMeasured) return;
      const share = hits / total;
      if (!(share >= (lowest.get(o.queueId) ?? Infinity))) lowest.set(o.queueId, share);
      if (share < (rule.get(o.queueId)?.serviceLevel.share ?? 0) && !firstBreach.has(o.queueId)) firstBreach.set(o.queueId, o.atMs);
    },
  });
  const periods = new Map<string, [number, number][]>();
  const firstForecastSurge = new Map<string, number>();
  const vipContacts = new Set<string>();
  /** VIP contacts in a VIP queue whose stay has not ended: id → [queue, enqueued at]. */
  const vipOpen = new Map<string, [string, number]>();
  const waiters = new Map<string, Waiter>();
  const offered = new Set<string>();
  const offersPerQueue = new Map<string, number>();
  const past = new Map<string, { total: number; offered: number }>();
  const missed: { contactId: string; queueId: string; channel: string; enqueuedAt: number }[] = [];

  const inSurge = (queueId: string, fromMs: number, toMs: number) =>
    (periods.get(queueId) ?? []).some(([a, b]) => Math.max(fromMs, a) < Math.min(toMs, b));
  const pause = (contactId: string, atMs: number) => {
    const w = waiters.get(contactId);
    if (w === undefined || w.queuedSinceMs === undefined) return;
    const threshold = rule.get(w.queueId)?.surge?.callbackOfferAfterSeconds ?? Infinity;
    const from = Math.max(w.queuedSinceMs, w.enqueuedAtMs + threshold * 1000);
    w.queuedSinceMs = undefined;
    if (!w.past) w.past = inSurge(w.queueId, from, atMs);
  };
  const end = (contactId: string, atMs: number) => {
    pause(contactId, atMs);
    const w = waiters.get(contactId);
    if (w === undefined) return;
    waiters.delete(contactId);
    if (!w.past || vipContacts.has(contactId)) return;
    const tally = past.get(w.queueId) ?? { total: 0, offered: 0 };
    past.set(w.queueId, tally);
    tally.total++;
    if (offered.has(contactId)) tally.offered++;
    else missed.push({ contactId, queueId: w.queueId, channel: w.channel, enqueuedAt: at(w.enqueuedAtMs)! });
  };

  for (const event of events) {
    kpis.add(event);
    switch (event.type) {
      case 'ContactQueued': {
        end(event.contactId, event.atMs); // a new queue entry (overflow, transfer) is a new wait
        offered.delete(event.contactId); // and the engine may offer again in it
        if (vipQueues.has(event.queueId)) { vipContacts.add(event.contactId); vipOpen.set(event.contactId, [event.queueId, event.enqueuedAtMs]); break; }
        if (vipContacts.has(event.contactId) || !LIVE.has(event.channel) || rule.get(event.queueId)?.surge?.auto !== true) break;
        waiters.set(event.contactId, { queueId: event.queueId, channel: event.channel, enqueuedAtMs: event.enqueuedAtMs, queuedSinceMs: event.atMs, past: false });
        break;
      }
      case 'ContactOffered': pause(event.contactId, event.atMs); break;
      case 'OfferDeclined':
      case 'OfferTimedOut': {
        const w = waiters.get(event.contactId);
        if (w !== undefined && w.queuedSinceMs === undefined) w.queuedSinceMs = event.atMs;
        break;
      }
      case 'OfferAccepted':
      case 'ContactAbandoned':
      case 'ContactExpired':
      case 'ContactOverflowed':
      case 'ContactTransferred':
        vipOpen.delete(event.contactId);
        end(event.contactId, event.atMs);
        break;
      case 'CallbackOffered':
        offered.add(event.contactId);
        offersPerQueue.set(event.queueId, (offersPerQueue.get(event.queueId) ?? 0) + 1);
        break;
      case 'QueueSurgeChanged': {
        const list = periods.get(event.queueId) ?? [];
        periods.set(event.queueId, list);
        const open = list.at(-1);
        if (event.active && (open === undefined || open[1] !== Infinity)) list.push([event.atMs, Infinity]);
        if (!event.active && open !== undefined && open[1] === Infinity) open[1] = event.atMs;
        if (event.active && event.source === 'FORECAST' && !firstForecastSurge.has(event.queueId)) firstForecastSurge.set(event.queueId, event.atMs);
        break;
      }
      default:
        break;
    }
  }
  // Waits still open: counted up to `untilMs` less the timer's grace (an offer due in the last instant may not have fired yet).
  for (const contactId of [...waiters.keys()]) end(contactId, options.untilMs - options.timerGraceMs);

  const report = kpis.snapshot(options.untilMs);
  const kpiOf = new Map(report.queues.map((q) => [q.queueId, q]));
  const queues = rules.filter((q) => !vipQueues.has(q.id)).map((q): SurgeQueueFigures => {
    const k = kpiOf.get(q.id);
    const started = firstForecastSurge.get(q.id);
    const breach = firstBreach.get(q.id);
    return {
      queueId: q.id, contacts: k?.contacts ?? 0, serviceLevel: k && k.contacts > 0 ? round(k.serviceLevel) : null,
      lowestWindowServiceLevel: lowest.has(q.id) ? round(lowest.get(q.id)!) : null,
      surgeStartedAt: at(started), firstBreachAt: at(breach),
      surgeBeforeBreach: breach === undefined || (started !== undefined && started < breach),
      waitedPastThreshold: past.get(q.id)?.total ?? 0, waitedPastThresholdOffered: past.get(q.id)?.offered ?? 0,
      callbacksOffered: offersPerQueue.get(q.id) ?? 0,
    };
  });
  const vip = report.queues.filter((q) => vipQueues.has(q.queueId));
  const late = [...vipOpen.values()].filter(([queueId, enqueuedAtMs]) => options.untilMs - enqueuedAtMs > (rule.get(queueId)?.serviceLevel.withinSeconds ?? 0) * 1000).length;
  const vipTotal = vip.reduce((s, q) => s + q.contacts, 0) + late;
  return {
    events: events.length, runSeconds: at(options.untilMs)!,
    vipServiceLevel: vipTotal > 0 ? round(vip.reduce((s, q) => s + q.answeredInTime, 0) / vipTotal) : null, vipContacts: vipTotal, vipStillWaitingLate: late,
    queues, missed,
  };
}

const round = (x: number) => Math.round(x * 1000) / 1000;
