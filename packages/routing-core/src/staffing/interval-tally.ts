import type { Channel } from '../model/channel.js';
import type { RoutingEvent } from '../model/event.js';

/** The width of a staffing interval: 15 minutes, the contact-centre planning unit. */
export const STAFFING_INTERVAL_MS = 15 * 60_000;

/** The start of the staffing interval holding `atMs` (epoch ms, UTC-aligned). */
export function intervalStartOf(atMs: number): number {
  return Math.floor(atMs / STAFFING_INTERVAL_MS) * STAFFING_INTERVAL_MS;
}

/**
 * The workload one queue saw on one channel in one interval: the counters a forecast needs, all
 * additive so buckets can be summed (an interval from its events, a pool from its intervals).
 */
export interface IntervalTally {
  /** Entries into the queue (new contacts, overflows and transfers in) and refusals by it (full, closed). */
  readonly arrivals: number;
  /** Conversations that ended (ContactCompleted). */
  readonly handled: number;
  /** Talk time of those conversations plus the wrap-up that followed them, seconds. */
  readonly handleSeconds: number;
  /** Customers who left while waiting (a supervisor ending a contact is not counted). */
  readonly abandoned: number;
  /**
   * The patience sum: seconds waited by every contact whose wait ended (answered or abandoned).
   * Answered waits are censored patience, so waitSeconds / abandoned is the exponential MLE of
   * the mean patience, where the mean wait of the abandoned alone would understate it.
   */
  readonly waitSeconds: number;
}

export const EMPTY_TALLY: IntervalTally = { arrivals: 0, handled: 0, handleSeconds: 0, abandoned: 0, waitSeconds: 0 };

/** Field names of {@link IntervalTally}, in a fixed order (storage and wire use the same names). */
export const TALLY_FIELDS = ['arrivals', 'handled', 'handleSeconds', 'abandoned', 'waitSeconds'] as const satisfies readonly (keyof IntervalTally)[];

/** What one routing event adds to the tally of its queue, channel and interval. */
export interface TallyDelta {
  readonly queueId: string;
  readonly channel: Channel;
  readonly intervalStartMs: number;
  readonly add: Partial<IntervalTally>;
}

/**
 * The tally increment of one event, or undefined for events that say nothing about workload.
 * A pure function of the event (no memory of earlier ones), so a store can apply it per batch
 * and a redelivered batch can be recognised by its position alone. The interval is the event's
 * own time: an arrival counts where it arrived, a handle time where the conversation ended.
 */
export function tallyDeltaOf(event: RoutingEvent): TallyDelta | undefined {
  const add = addOf(event);
  if (add === undefined || !('queueId' in event) || !event.queueId || !('channel' in event)) return undefined;
  return { queueId: event.queueId, channel: event.channel, intervalStartMs: intervalStartOf(event.atMs), add };
}

function addOf(event: RoutingEvent): Partial<IntervalTally> | undefined {
  switch (event.type) {
    case 'ContactQueued': return { arrivals: 1 };
    // A refused contact was demand all the same; an unknown queue is a configuration error, not work.
    case 'ContactRejected': return event.reason === 'UNKNOWN_QUEUE' ? undefined : { arrivals: 1 };
    case 'ContactCompleted': return { handled: 1, handleSeconds: event.handleMs / 1000 };
    case 'WrapUpEnded': return { handleSeconds: event.wrapUpMs / 1000 };
    case 'OfferAccepted': return { waitSeconds: event.waitMs / 1000 };
    case 'ContactAbandoned': return event.reason === undefined ? { abandoned: 1, waitSeconds: event.waitMs / 1000 } : undefined;
    default: return undefined;
  }
}

/** a + b, field by field. */
export function addTally(a: IntervalTally, b: Partial<IntervalTally>): IntervalTally {
  return {
    arrivals: a.arrivals + (b.arrivals ?? 0),
    handled: a.handled + (b.handled ?? 0),
    handleSeconds: a.handleSeconds + (b.handleSeconds ?? 0),
    abandoned: a.abandoned + (b.abandoned ?? 0),
    waitSeconds: a.waitSeconds + (b.waitSeconds ?? 0),
  };
}

/** Mean handle time (talk + wrap-up) of a pool, seconds; NaN before any conversation ended. */
export function handleSecondsOf(t: IntervalTally): number {
  return t.handled > 0 ? t.handleSeconds / t.handled : Number.NaN;
}

/** Mean patience of a pool (exponential MLE), seconds; undefined without an abandonment (patient: Erlang C). */
export function patienceSecondsOf(t: IntervalTally): number | undefined {
  return t.abandoned > 0 ? Math.max(1, t.waitSeconds / t.abandoned) : undefined;
}
