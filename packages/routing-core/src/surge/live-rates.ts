import type { RoutingEvent } from '../model/event.js';

/** Options of {@link LiveRates}. */
export interface LiveRatesOptions {
  /** Length of the sliding window, seconds. */
  readonly windowSeconds: number;
  /** Granularity of the window (default windowSeconds / 30): memory is windowSeconds / bucketSeconds + 1 slots per queue. */
  readonly bucketSeconds?: number;
  /**
   * Since when the events are known to be complete (epoch ms): a reader that replays a stored
   * record from a start time passes it, so a quiet stretch before the first event counts as quiet.
   * Default: the first event's time (a listener that starts with the first event it hears).
   */
  readonly observedFromMs?: number;
}

/** One queue's workload over the window, as the forecast takes it. */
export interface LiveRate {
  readonly queueId: string;
  /**
   * Seconds the figures cover: the window's full buckets plus the part of the current one (so
   * between windowSeconds and windowSeconds + bucketSeconds), or less before the window has filled.
   */
  readonly spanSeconds: number;
  /** Contacts that entered the queue (or were refused by it) in the window. */
  readonly arrivals: number;
  readonly arrivalsPerSecond: number;
  /**
   * One standard error above it, (n + √n) / span: the demand the window cannot rule out. A
   * forecast that plans for it is not fooled by a quiet few minutes while demand is rising.
   */
  readonly arrivalsPerSecondHigh: number;
  /** Conversations that ended in the window (their handle time is measured). */
  readonly completions: number;
  /** Mean handle plus mean wrap-up, seconds; NaN before any conversation ended in the window. */
  readonly handleSeconds: number;
  readonly abandons: number;
  /**
   * Mean patience, seconds: the exponential MLE Σ waits / abandonments over the contacts whose wait
   * ended in the window (answered waits, and the wait until a callback was taken, are censored patience). Undefined without an abandonment:
   * nobody has been seen to run out of patience, so the forecast takes them as patient (Erlang C).
   */
  readonly patienceSeconds?: number;
}

/** Counters of one bucket; `bucket` is the bucket number the slot currently holds. */
interface Slot {
  bucket: number;
  arrivals: number;
  completions: number;
  handleMs: number;
  wrapUps: number;
  wrapUpMs: number;
  abandons: number;
  waitEnds: number;
  waitMs: number;
}

const emptySlot = (bucket: number): Slot => ({ bucket, arrivals: 0, completions: 0, handleMs: 0, wrapUps: 0, wrapUpMs: 0, abandons: 0, waitEnds: 0, waitMs: 0 });

/**
 * Sliding-window estimates of each queue's arrival rate, handle time and patience from the routing
 * events (the ROUTING stream, or a simulation's events), for the surge forecast. The window is a
 * ring of time buckets per queue, so memory is O(queues × buckets) however many events pass (plus
 * the contacts waiting on a callback, until they are answered).
 * Deterministic: time comes only from the events and the `nowMs` of each query.
 *
 * Events must come roughly in time order; one older than the window is ignored.
 */
export class LiveRates {
  private readonly bucketMs: number;
  private readonly buckets: number;
  private readonly slots: number;
  private readonly queues = new Map<string, Slot[]>();
  /** Contacts that took a callback: their later answer's wait is not patience (they hung up on purpose). */
  private readonly calledBack = new Set<string>();
  private startMs: number | undefined;

  constructor(options: LiveRatesOptions) {
    if (!(options.windowSeconds > 0)) throw new RangeError(`windowSeconds must be > 0, got ${options.windowSeconds}`);
    const bucketSeconds = options.bucketSeconds ?? options.windowSeconds / 30;
    if (!(bucketSeconds > 0 && bucketSeconds <= options.windowSeconds)) throw new RangeError(`bucketSeconds must be within (0, windowSeconds], got ${bucketSeconds}`);
    this.bucketMs = bucketSeconds * 1000;
    this.buckets = Math.max(1, Math.round(options.windowSeconds / bucketSeconds));
    // One slot more than the window holds: the bucket now filling, beside the full window before it.
    this.slots = this.buckets + 1;
    this.startMs = options.observedFromMs;
  }

  /** Folds one routing event in; events that say nothing about workload are skipped. */
  add(event: RoutingEvent): void {
    this.startMs ??= event.atMs;
    switch (event.type) {
      case 'ContactQueued':
      case 'ContactRejected': this.slot(event.queueId, event.atMs, (s) => { s.arrivals++; }); return;
      case 'ContactCompleted': this.slot(event.queueId, event.atMs, (s) => { s.completions++; s.handleMs += event.handleMs; }); return;
      case 'WrapUpEnded': this.slot(event.queueId, event.atMs, (s) => { s.wrapUps++; s.wrapUpMs += event.wrapUpMs; }); return;
      case 'OfferAccepted':
        if (this.calledBack.delete(event.contactId)) return;
        this.slot(event.queueId, event.atMs, (s) => { s.waitEnds++; s.waitMs += event.waitMs; });
        return;
      case 'CallbackRequested':
        // The customer stayed this long on the line, then chose a callback: a censored patience.
        if (this.calledBack.has(event.contactId)) return;
        this.calledBack.add(event.contactId);
        this.slot(event.queueId, event.atMs, (s) => { s.waitEnds++; s.waitMs += event.atMs - event.enqueuedAtMs; });
        return;
      case 'ContactExpired':
      case 'ContactTransferred':
      case 'ContactOverflowed':
        this.calledBack.delete(event.contactId);
        return;
      case 'ContactAbandoned':
        // A supervisor ending a contact is not the customer's patience running out.
        if (event.reason !== undefined) return;
        this.slot(event.queueId, event.atMs, (s) => { s.abandons++; s.waitEnds++; s.waitMs += event.waitMs; });
        return;
      default:
        return;
    }
  }

  /** The queue's figures over the window ending at `nowMs`. */
  rates(queueId: string, nowMs: number): LiveRate {
    const current = Math.floor(nowMs / this.bucketMs);
    // The full buckets of the window plus the one now filling: windowSeconds, plus up to one bucket.
    const windowStart = (current - this.buckets) * this.bucketMs;
    const spanMs = Math.max(0, nowMs - Math.max(windowStart, this.startMs ?? nowMs));
    const t = emptySlot(current);
    for (const s of this.queues.get(queueId) ?? []) {
      if (s.bucket > current || s.bucket < current - this.buckets) continue;
      t.arrivals += s.arrivals; t.completions += s.completions; t.handleMs += s.handleMs; t.wrapUps += s.wrapUps;
      t.wrapUpMs += s.wrapUpMs; t.abandons += s.abandons; t.waitEnds += s.waitEnds; t.waitMs += s.waitMs;
    }
    const handleSeconds = t.completions > 0 ? (t.handleMs / t.completions + (t.wrapUps > 0 ? t.wrapUpMs / t.wrapUps : 0)) / 1000 : NaN;
    return {
      queueId,
      spanSeconds: spanMs / 1000,
      arrivals: t.arrivals,
      arrivalsPerSecond: spanMs > 0 ? t.arrivals / (spanMs / 1000) : 0,
      arrivalsPerSecondHigh: spanMs > 0 ? (t.arrivals + Math.sqrt(t.arrivals)) / (spanMs / 1000) : 0,
      completions: t.completions,
      handleSeconds,
      abandons: t.abandons,
      ...(t.abandons > 0 ? { patienceSeconds: t.waitMs / t.abandons / 1000 } : {}),
    };
  }

  private slot(queueId: string, atMs: number, update: (s: Slot) => void): void {
    const bucket = Math.floor(atMs / this.bucketMs);
    let ring = this.queues.get(queueId);
    if (ring === undefined) {
      ring = Array.from({ length: this.slots }, () => emptySlot(-Infinity));
      this.queues.set(queueId, ring);
    }
    const index = ((bucket % this.slots) + this.slots) % this.slots;
    const slot = ring[index]!;
    if (slot.bucket > bucket) return;
    if (slot.bucket < bucket) Object.assign(slot, emptySlot(bucket));
    update(slot);
  }
}
