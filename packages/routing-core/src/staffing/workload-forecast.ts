import { addTally, EMPTY_TALLY, handleSecondsOf, patienceSecondsOf, STAFFING_INTERVAL_MS, intervalStartOf, type IntervalTally } from './interval-tally.js';

const WEEK_MS = 7 * 24 * 3_600_000;

/** Tuning of {@link forecastWorkload}; the defaults are the ones the README states. */
export interface ForecastMethod {
  /** Past weeks whose same weekday and interval are averaged (default 4). */
  readonly weeks: number;
  /** Full intervals before the current one that, with it, make the live window (default 3: the last hour). */
  readonly liveIntervals: number;
  /** Pseudo-count added to both sides of the live ratio, so a handful of contacts cannot swing it (default 4). */
  readonly ratioPrior: number;
  /** The live ratio is clamped to [1/ratioClamp, ratioClamp] (default 5). */
  readonly ratioClamp: number;
  /** Intervals over which the live deviation's weight halves (default 4: one hour). */
  readonly blendHalfLife: number;
}

export const DEFAULT_FORECAST_METHOD: ForecastMethod = { weeks: 4, liveIntervals: 3, ratioPrior: 4, ratioClamp: 5, blendHalfLife: 4 };

/** What {@link forecastWorkload} reads for one queue and channel. */
export interface WorkloadInput {
  readonly nowMs: number;
  /**
   * Since when the tallies are complete (the store's first record, epoch ms); undefined when
   * nothing was ever recorded. Intervals before it are unknown, not quiet.
   */
  readonly observedFromMs: number | undefined;
  /** The tally of the interval starting at `intervalStartMs`; EMPTY_TALLY when nothing happened. */
  readonly tally: (intervalStartMs: number) => IntervalTally;
  /** Intervals after the current one to forecast (default 8: two hours). */
  readonly horizon?: number;
  readonly method?: Partial<ForecastMethod>;
}

/** The expected workload of one interval. */
export interface IntervalWorkload {
  readonly startMs: number;
  readonly endMs: number;
  /** Expected arrivals over the whole interval. */
  readonly arrivals: number;
  readonly arrivalsPerSecond: number;
  /** Mean talk + wrap-up, seconds; NaN when no conversation of the pool has ended. */
  readonly handleSeconds: number;
  /** Mean patience (exponential MLE), seconds; undefined without an abandonment in the pool. */
  readonly patienceSeconds?: number;
  /** Past weeks that observed this weekday and interval (0: the forecast is the live rate). */
  readonly historyWeeks: number;
  /** The live window's arrivals over what the history expected for it (1 without history). */
  readonly liveRatio: number;
  /** `history` (same interval of past weeks, blended with the live ratio) or `live` (the live rate carried forward). */
  readonly basis: 'history' | 'live';
}

/**
 * Forecasts the current interval and the next `horizon` ones for one queue and channel.
 *
 * Arrivals: the mean over the last `weeks` weeks of the same weekday and interval (weeks before
 * `observedFromMs` are left out, not counted as zero), times a live deviation. The deviation
 * r = (L + k) / (E + k) compares the live window's arrivals L (the last `liveIntervals` full
 * intervals plus the elapsed part of the current one) with what the history expected for the same
 * stretch E, k a small prior; clamped. Interval h ahead gets hist_h · (1 + w_h·(r − 1)) with
 * w_h = 2^(−h / blendHalfLife): today's deviation counts fully now and fades, since a surge seen
 * now says more about the next quarter-hour than about two hours on. Without any history for an
 * interval, its forecast is the live rate carried forward.
 *
 * Handle time and patience: pooled over the same intervals of past weeks and the live window, so
 * a quiet interval borrows figures from the busy ones around it rather than having none.
 */
export function forecastWorkload(input: WorkloadInput): IntervalWorkload[] {
  const method = { ...DEFAULT_FORECAST_METHOD, ...input.method };
  const horizon = input.horizon ?? 8;
  const current = intervalStartOf(input.nowMs);
  const from = input.observedFromMs;
  const observed = (start: number) => from !== undefined && start + STAFFING_INTERVAL_MS > from && start <= input.nowMs;
  const history = (start: number) => pastWeeks(start, method.weeks, from, input.tally);

  // The live window: the current interval so far and the full ones before it, where observed.
  let live = EMPTY_TALLY;
  let liveSpanMs = 0;
  let expected = 0;
  let expectedKnown = false;
  for (let k = 0; k <= method.liveIntervals; k++) {
    const start = current - k * STAFFING_INTERVAL_MS;
    if (!observed(start)) continue;
    const end = Math.min(start + STAFFING_INTERVAL_MS, input.nowMs);
    const seen = end - Math.max(start, from ?? start);
    live = addTally(live, input.tally(start));
    liveSpanMs += seen;
    const past = history(start);
    if (past.weeks > 0) {
      expected += (past.pool.arrivals / past.weeks) * (seen / STAFFING_INTERVAL_MS);
      expectedKnown = true;
    }
  }
  const rawRatio = expectedKnown ? (live.arrivals + method.ratioPrior) / (expected + method.ratioPrior) : 1;
  const ratio = Math.min(method.ratioClamp, Math.max(1 / method.ratioClamp, rawRatio));
  const liveRate = liveSpanMs > 0 ? live.arrivals / (liveSpanMs / 1000) : 0;

  const out: IntervalWorkload[] = [];
  for (let h = 0; h <= horizon; h++) {
    const startMs = current + h * STAFFING_INTERVAL_MS;
    const past = history(startMs);
    const pool = addTally(past.pool, live);
    const weight = 2 ** (-h / method.blendHalfLife);
    const arrivals = past.weeks > 0 ? (past.pool.arrivals / past.weeks) * (1 + weight * (ratio - 1)) : liveRate * (STAFFING_INTERVAL_MS / 1000);
    const patience = patienceSecondsOf(pool);
    out.push({
      startMs,
      endMs: startMs + STAFFING_INTERVAL_MS,
      arrivals,
      arrivalsPerSecond: arrivals / (STAFFING_INTERVAL_MS / 1000),
      handleSeconds: handleSecondsOf(pool),
      ...(patience === undefined ? {} : { patienceSeconds: patience }),
      historyWeeks: past.weeks,
      liveRatio: ratio,
      basis: past.weeks > 0 ? 'history' : 'live',
    });
  }
  return out;
}

/** The same interval of the last `weeks` weeks that were observed in full: their sum and how many. */
function pastWeeks(start: number, weeks: number, from: number | undefined, tally: (start: number) => IntervalTally): { pool: IntervalTally; weeks: number } {
  let pool = EMPTY_TALLY;
  let seen = 0;
  for (let k = 1; k <= weeks; k++) {
    const past = start - k * WEEK_MS;
    if (from === undefined || past < from) break; // older weeks are further before the first record
    pool = addTally(pool, tally(past));
    seen++;
  }
  return { pool, weeks: seen };
}
