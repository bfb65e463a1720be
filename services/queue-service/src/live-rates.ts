import { DeliverPolicy, type ConsumerMessages, type JetStreamClient } from 'nats';
import type { RoutingEvent } from '@switchboard/contracts';
import type { BusNames } from '@switchboard/bus';
import { ROUTING_BATCH, routingEventsOf } from '@switchboard/router-api';
import type { Logger } from '@switchboard/telemetry';
import { DEFAULT_FCR_WINDOW_SECONDS, FcrTracker, surveyFigures, type Channel, type SurveyKpis } from '@switchboard/routing-core';
import type { HeldContact } from './estimate.js';
import { channelOf } from './channel.mapper.js';

interface Sample { readonly atMs: number; readonly value: number }

/** Samples of each kind a queue keeps at most: the newest, whatever the window holds. */
export const MAX_SAMPLES_PER_KIND = 500;

/** Recent figures of one queue: samples within the window (at most {@link MAX_SAMPLES_PER_KIND} each), newest last. */
class QueueWindow {
  readonly cycles: Sample[] = [];
  readonly answered: Sample[] = [];
  readonly abandoned: Sample[] = [];
  /** Arrivals (first queue entries and refusals), value unused: the arrival rate. */
  readonly arrivals: Sample[] = [];
  /** Surveys sent out (value unused), and the scores of those answered. */
  readonly surveys: Sample[] = [];
  readonly scores: Sample[] = [];
  /** The channel of the latest arrival: whose agent slots the forecast counts. */
  channel: Channel | undefined;

  /** Adds a sample and drops those past the window or over the cap, so a queue nobody reads stays bounded. */
  push(list: Sample[], sample: Sample, fromMs: number): void {
    list.push(sample);
    QueueWindow.trim(list, fromMs);
  }

  prune(fromMs: number): void {
    for (const list of [this.cycles, this.answered, this.abandoned, this.arrivals, this.surveys, this.scores]) QueueWindow.trim(list, fromMs);
  }

  get size(): number {
    return this.cycles.length + this.answered.length + this.abandoned.length + this.arrivals.length + this.surveys.length + this.scores.length;
  }

  private static trim(list: Sample[], fromMs: number): void {
    while (list.length > 0 && (list[0]!.atMs < fromMs || list.length > MAX_SAMPLES_PER_KIND)) list.shift();
  }
}

/** The arrival rate the forecast uses counts the arrivals of this last stretch. */
export const ARRIVAL_RATE_WINDOW_MS = 5 * 60_000;

/** Arrivals per second from the oldest kept one to now (they are capped: the rate of the newest), and that plus one standard error. */
function arrivalRates(samples: readonly Sample[], nowMs: number): { arrivalsPerSecond: number; arrivalsPerSecondHigh: number } {
  const spanMs = samples.length < 2 ? 0 : nowMs - samples[0]!.atMs;
  if (spanMs <= 0) return { arrivalsPerSecond: 0, arrivalsPerSecondHigh: 0 };
  const n = samples.length;
  return { arrivalsPerSecond: n / (spanMs / 1000), arrivalsPerSecondHigh: (n + Math.sqrt(n)) / (spanMs / 1000) };
}

function patience(w: QueueWindow): number | undefined {
  if (w.abandoned.length === 0) return undefined;
  const waited = [...w.answered, ...w.abandoned].reduce((sum, s) => sum + s.value, 0);
  return Math.max(1, waited / w.abandoned.length);
}

/**
 * A new contact's first queue entry (or its refusal), not an overflow or transfer into the queue.
 * Not told by `arrived_at == enqueued_at`: on the live mesh the channel stamps the arrival and the
 * router the entry, milliseconds apart, so that test counted no arrival at all (the forecast then
 * saw λ = 0 and never surged). `entered` remembers the contacts already queued.
 */
function isArrival(event: RoutingEvent, entered: ReadonlyMap<string, number>, key: string): boolean {
  if (event.rejected) return event.rejected.reason !== 'UNKNOWN_QUEUE' && !entered.has(key);
  return event.queued !== undefined && !entered.has(key);
}

/** Contacts remembered as already queued (for {@link isArrival}): those of the window, and at most this many. */
export const MAX_ENTERED_CONTACTS = 100_000;

const mean = (samples: readonly Sample[]) => (samples.length === 0 ? undefined : samples.reduce((a, s) => a + s.value, 0) / samples.length);

/** KPIs of a queue over the window. */
export interface QueueRates {
  /** Mean time an agent slot is held per contact: offer → wrap-up end, seconds. */
  readonly cycleSeconds: number | undefined;
  readonly serviceLevel: number;
  readonly asaSeconds: number;
  readonly abandonRate: number;
  /**
   * First-contact resolution by the repeat-contact definition (routing-core's FcrTracker): settled
   * resolutions without a repeat contact of the customer within the queue's FCR window, over all
   * settled outcomes; NaN while none has settled. Not limited to the rate window.
   */
  readonly firstContactResolution: number;
  /** Arrivals per second over the last {@link ARRIVAL_RATE_WINDOW_MS} (0 without two of them): recent, so a surge shows at once. */
  readonly arrivalsPerSecond: number;
  /** The arrival rate one standard error (√n) higher: what the surge forecast plans for, so a surge shows before it is certain. */
  readonly arrivalsPerSecondHigh: number;
  /**
   * Mean patience, seconds: the time all answered and abandoned contacts waited, per abandonment
   * (the maximum-likelihood estimate for exponential patience). Undefined without an abandonment.
   */
  readonly patienceSeconds: number | undefined;
  /** Satisfaction over the window: surveys sent and answered in it (answers come later: the rate lags), by the core's formulas. */
  readonly survey: SurveyKpis;
}

/**
 * Live rates from the ROUTING stream: per queue, how long a contact holds an agent (offer to
 * wrap-up end), answer waits and abandonments over a sliding window. Reads the batches of every
 * domain from `windowMs` ago at start, so a restarted service estimates at once. One ordered
 * consumer per process. Every batch is decoded (none skipped by its event-types header): any
 * event of a queue wakes its watchers, not only the kinds that feed the rates.
 *
 * Memory follows live state, not history: per queue at most {@link MAX_SAMPLES_PER_KIND} samples
 * of each kind within the window (trimmed as they come, and queues silent for a whole window are
 * dropped), per contact its open offer until the event that ends its hold (wrap-up end,
 * abandoned, expired, rejected, transferred), the contacts queued within the window (to tell
 * a new arrival from an overflow; at most {@link MAX_ENTERED_CONTACTS}), and per domain the FCR
 * tracker's live identified contacts and resolutions still inside their queue's FCR window.
 */
export class LiveRates {
  private readonly queues = new Map<string, QueueWindow>();
  private readonly offeredAt = new Map<string, HeldContact>();
  /** domain/contact → when it first queued: within the window, at most {@link MAX_ENTERED_CONTACTS} (oldest dropped first). */
  private readonly entered = new Map<string, number>();
  private readonly listeners = new Set<(domain: string, queueId: string) => void>();
  private messages: ConsumerMessages | undefined;
  private lastSweepMs = Number.NEGATIVE_INFINITY;
  /** Per domain: FCR's open resolutions and live identified contacts (bounded by the FCR windows). */
  private readonly fcr = new Map<string, FcrTracker>();
  /** domain/queue → FCR window (seconds) from the queue's config, as last read. */
  private readonly fcrWindows = new Map<string, number>();

  constructor(private readonly windowMs = 15 * 60_000, private readonly now: () => number = Date.now) {}

  async start(js: JetStreamClient, names: BusNames, logger: Logger): Promise<void> {
    const consumer = await js.consumers.get(names.routingStream, {
      filterSubjects: `${names.subjectRoot}.routing.*.${ROUTING_BATCH}`,
      deliver_policy: DeliverPolicy.StartTime,
      opt_start_time: new Date(this.now() - this.windowMs).toISOString(),
    });
    this.messages = await consumer.consume({
      callback: (msg) => {
        try {
          for (const event of routingEventsOf(msg.data)) this.add(event);
        } catch (error) {
          logger.warn({ err: error, subject: msg.subject }, 'routing batch not understood');
        }
      },
    });
  }

  stop(): void {
    void this.messages?.close();
  }

  /** Called with (domain, queue) after each event that may change the queue's figures. */
  onChange(listener: (domain: string, queueId: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Folds one event in (exposed for unit tests). */
  add(event: RoutingEvent): void {
    const at = event.occurredAt?.getTime() ?? this.now();
    const key = `${event.domain}/${event.contactId}`;
    const fromMs = this.now() - this.windowMs;
    const sample = (pick: (w: QueueWindow) => Sample[], value: number) => {
      const w = this.window(event.domain, event.queueId);
      w.push(pick(w), { atMs: at, value }, fromMs);
    };
    const channel = channelOf(event.channel);
    if (isArrival(event, this.entered, key)) {
      sample((w) => w.arrivals, 1);
      if (channel) this.window(event.domain, event.queueId).channel = channel;
    }
    if (event.queued !== undefined && !this.entered.has(key)) {
      this.entered.set(key, at);
      if (this.entered.size > MAX_ENTERED_CONTACTS) this.entered.delete(this.entered.keys().next().value!);
    }
    if (event.offered && channel) this.offeredAt.set(key, { offeredAtMs: at, channel });
    else if (event.accepted) sample((w) => w.answered, event.accepted.waitSeconds);
    else if (event.abandoned) sample((w) => w.abandoned, event.abandoned.waitSeconds);
    else if (event.expired) sample((w) => w.abandoned, event.expired.waitSeconds);
    else if (event.surveyOffered) sample((w) => w.surveys, 1);
    else if (event.surveyAnswered) sample((w) => w.scores, event.surveyAnswered.score);
    else if (event.wrapUpEnded) {
      const offered = this.offeredAt.get(key);
      if (offered !== undefined) sample((w) => w.cycles, (at - offered.offeredAtMs) / 1000);
    }
    this.addFcr(event, at);
    if (event.wrapUpEnded || event.abandoned || event.expired || event.transferred || event.rejected) this.offeredAt.delete(key);
    if (event.queueId) for (const l of this.listeners) l(event.domain, event.queueId);
    this.sweep(fromMs);
  }

  /** The queue's FCR window, from its config (QueueConfig.fcr_window_seconds; 0 = 7 days). */
  setFcrWindow(domain: string, queueId: string, seconds: number | undefined): void {
    this.fcrWindows.set(`${domain}/${queueId}`, seconds || DEFAULT_FCR_WINDOW_SECONDS);
  }

  /** Repeat contacts void earlier resolutions: arrivals of identified customers, outcomes, ends. */
  private addFcr(event: RoutingEvent, at: number): void {
    const tracker = this.fcrOf(event.domain);
    if (event.customerIdentified) tracker.identified(event.contactId, event.customerIdentified.customerKey, at);
    else if (event.completed?.resolvedFirstContact !== undefined) tracker.outcome(event.contactId, event.queueId, event.completed.resolvedFirstContact, at);
    else if (event.outcomeRecorded) tracker.outcome(event.contactId, event.queueId, event.outcomeRecorded.resolvedFirstContact, at);
    else if (event.wrapUpEnded || event.abandoned || event.expired || event.rejected || event.transferred?.destination) tracker.ended(event.contactId);
  }

  private fcrOf(domain: string): FcrTracker {
    let tracker = this.fcr.get(domain);
    if (tracker === undefined) {
      tracker = new FcrTracker((queueId) => 1000 * (this.fcrWindows.get(`${domain}/${queueId}`) ?? DEFAULT_FCR_WINDOW_SECONDS));
      this.fcr.set(domain, tracker);
    }
    return tracker;
  }

  /** What the rates hold now: queues with a window, samples in them, open holds, watchers (tests, metrics). */
  sizes(): { queues: number; samples: number; heldContacts: number; listeners: number } {
    let samples = 0;
    for (const w of this.queues.values()) samples += w.size;
    return { queues: this.queues.size, samples, heldContacts: this.offeredAt.size, listeners: this.listeners.size };
  }

  /** Once a window, drops samples past it everywhere and the queues left with none (deleted or silent queues). */
  private sweep(fromMs: number): void {
    const now = fromMs + this.windowMs;
    if (now - this.lastSweepMs < this.windowMs) return;
    this.lastSweepMs = now;
    for (const [key, w] of this.queues) {
      w.prune(fromMs);
      if (w.size === 0) this.queues.delete(key);
    }
    for (const [key, atMs] of this.entered) {
      if (atMs >= fromMs) break; // in insertion order: the rest are newer
      this.entered.delete(key);
    }
  }

  /** The queue's figures now; service level counts answers within `slSeconds` among answered and abandoned. */
  rates(domain: string, queueId: string, slSeconds: number): QueueRates {
    const w = this.read(domain, queueId);
    const offered = w.answered.length + w.abandoned.length;
    return {
      cycleSeconds: mean(w.cycles),
      serviceLevel: offered === 0 ? 1 : w.answered.filter((s) => s.value <= slSeconds).length / offered,
      asaSeconds: mean(w.answered) ?? 0,
      abandonRate: offered === 0 ? 0 : w.abandoned.length / offered,
      firstContactResolution: this.fcrOf(domain).figuresAt(queueId, this.now()).rate,
      ...arrivalRates(w.arrivals.filter((a) => a.atMs >= this.now() - Math.min(ARRIVAL_RATE_WINDOW_MS, this.windowMs)), this.now()),
      patienceSeconds: patience(w),
      survey: surveyFigures(w.surveys.length, w.scores.map((s) => s.value)),
    };
  }

  /** The channel the queue's contacts come on (the latest arrival's; phone before any). */
  mainChannel(domain: string, queueId: string): Channel {
    return this.queues.get(`${domain}/${queueId}`)?.channel ?? 'phone';
  }

  /** The contact's open offer or session as seen on the ROUTING stream, or undefined when none is known. */
  held(domain: string, contactId: string): HeldContact | undefined {
    return this.offeredAt.get(`${domain}/${contactId}`);
  }

  /**
   * The queue's most recent cycle times within the window (seconds from offer to wrap-up end),
   * oldest first, at most `limit`: recent ones, so the estimate follows a change of pace.
   */
  recentCycles(domain: string, queueId: string, limit = 100): number[] {
    const w = this.read(domain, queueId);
    return w.cycles.slice(-limit).map((s) => s.value);
  }

  /** The queue's window pruned to now; an empty one, not stored, for a queue without samples. */
  private read(domain: string, queueId: string): QueueWindow {
    const w = this.queues.get(`${domain}/${queueId}`) ?? new QueueWindow();
    w.prune(this.now() - this.windowMs);
    return w;
  }

  private window(domain: string, queueId: string): QueueWindow {
    const key = `${domain}/${queueId}`;
    let w = this.queues.get(key);
    if (!w) this.queues.set(key, (w = new QueueWindow()));
    return w;
  }
}
