import { describe, expect, it } from 'vitest';
import type { RoutingEvent } from '../model/event.js';
import { EMPTY_TALLY, STAFFING_INTERVAL_MS, tallyDeltaOf, type IntervalTally } from './interval-tally.js';
import { forecastWorkload } from './workload-forecast.js';
import { channelNeed, staffingPlan } from './staffing-plan.js';

const WEEK = 7 * 24 * 3_600_000;
const I = STAFFING_INTERVAL_MS;
const NOW = Date.UTC(2026, 11, 7, 10, 0, 0) + I / 2; // half-way through Monday's 10:00 interval
const CURRENT = NOW - I / 2;
const tally = (arrivals: number): IntervalTally => ({ arrivals, handled: arrivals, handleSeconds: 200 * arrivals, abandoned: 0, waitSeconds: 0 });

describe('forecastWorkload', () => {
  // Past Mondays: 10:00 had 40, 10:15 had 80, everything else 20; weeks 1..4 back, and week 5 with 1000 (too old to count).
  const pastMonday = (start: number): IntervalTally => {
    const weeksBack = Math.round((CURRENT - start) / WEEK); // the intervals asked for lie within hours of a week boundary
    const slot = (((start - CURRENT) % WEEK) + WEEK) % WEEK;
    if (weeksBack >= 5) return tally(1000);
    return tally(slot === 0 ? 40 : slot === I ? 80 : 20);
  };

  it('averages the same interval of the last four weeks, leaving out the fifth', () => {
    // Today so far matches the history exactly (20 per interval before, 20 in half of 10:00): r = 1.
    const f = forecastWorkload({ nowMs: NOW, observedFromMs: CURRENT - 6 * WEEK, horizon: 2,
      tally: (s) => (s >= CURRENT - 3 * I && s < CURRENT ? tally(20) : s === CURRENT ? tally(20) : pastMonday(s)) });
    expect(f.map((w) => w.historyWeeks)).toEqual([4, 4, 4]);
    expect(f[0]!.liveRatio).toBeCloseTo(1, 12);
    expect(f.map((w) => w.arrivals)).toEqual([40, 80, 20]);
    expect(f[1]!.startMs).toBe(CURRENT + I);
    expect(f[0]!.handleSeconds).toBeCloseTo(200, 12);
    expect(f[0]!.patienceSeconds).toBeUndefined();
  });

  it('counts only the weeks since the first record, not missing ones as zero', () => {
    const f = forecastWorkload({ nowMs: NOW, observedFromMs: CURRENT - 2 * WEEK - I, horizon: 0, tally: pastMonday });
    expect(f[0]!.historyWeeks).toBe(2);
  });

  it('blends in the live deviation, fading by half every hour ahead', () => {
    // Live hour: 3 full intervals of 60 (history 20 each) and 60 in half of 10:00 (history 40 → 20 expected).
    // L = 240, E = 80, r = (240 + 4) / (80 + 4) = 2.905...
    const f = forecastWorkload({ nowMs: NOW, observedFromMs: CURRENT - 6 * WEEK, horizon: 4,
      tally: (s) => (s >= CURRENT - 3 * I && s <= CURRENT ? tally(60) : pastMonday(s)) });
    const r = 244 / 84;
    expect(f[0]!.liveRatio).toBeCloseTo(r, 12);
    expect(f[0]!.arrivals).toBeCloseTo(40 * r, 9);
    expect(f[1]!.arrivals).toBeCloseTo(80 * (1 + 2 ** (-1 / 4) * (r - 1)), 9);
    expect(f[4]!.arrivals).toBeCloseTo(20 * (1 + 0.5 * (r - 1)), 9);
  });

  it('carries the live rate forward where no week has history, and clamps a wild ratio', () => {
    const fresh = forecastWorkload({ nowMs: NOW, observedFromMs: CURRENT - I, horizon: 1,
      tally: (s) => (s === CURRENT - I ? tally(30) : s === CURRENT ? tally(15) : EMPTY_TALLY) });
    // 45 arrivals over 1.5 intervals: 30 per interval.
    expect(fresh.map((w) => [w.basis, w.arrivals])).toEqual([['live', 30], ['live', 30]]);
    const wild = forecastWorkload({ nowMs: NOW, observedFromMs: CURRENT - 6 * WEEK, horizon: 0,
      tally: (s) => (s >= CURRENT - 3 * I && s <= CURRENT ? tally(5000) : pastMonday(s)) });
    expect(wild[0]!.liveRatio).toBe(5);
    const never = forecastWorkload({ nowMs: NOW, observedFromMs: undefined, horizon: 0, tally: () => tally(9) });
    expect(never[0]).toMatchObject({ arrivals: 0, basis: 'live' });
    expect(Number.isNaN(never[0]!.handleSeconds)).toBe(true);
  });

  it('estimates patience as waits over abandonments (answered waits are censored patience)', () => {
    const f = forecastWorkload({ nowMs: NOW, observedFromMs: CURRENT - I, horizon: 0,
      tally: (s) => (s === CURRENT - I ? { arrivals: 10, handled: 8, handleSeconds: 1600, abandoned: 2, waitSeconds: 300 } : EMPTY_TALLY) });
    expect(f[0]!.patienceSeconds).toBe(150);
  });
});

describe('tallyDeltaOf', () => {
  const base = { id: 'd:1', seq: 1, atMs: CURRENT + 1000, ruleVersion: 'v', contactId: 'c1', queueId: 'q', channel: 'chat' as const, arrivedAtMs: 0, enqueuedAtMs: 0 };
  it('maps workload events to their queue, channel and interval, and ignores the rest', () => {
    expect(tallyDeltaOf({ ...base, type: 'ContactQueued', basePriority: 0 })).toEqual({ queueId: 'q', channel: 'chat', intervalStartMs: CURRENT, add: { arrivals: 1 } });
    expect(tallyDeltaOf({ ...base, type: 'ContactCompleted', agentId: 'a', disposition: '', notes: '', connectedAtMs: 0, handleMs: 90_500 })?.add).toEqual({ handled: 1, handleSeconds: 90.5 });
    expect(tallyDeltaOf({ ...base, type: 'WrapUpEnded', agentId: 'a', wrapUpMs: 30_000 })?.add).toEqual({ handleSeconds: 30 });
    expect(tallyDeltaOf({ ...base, type: 'OfferAccepted', agentId: 'a', offerToken: 1, waitMs: 12_000 })?.add).toEqual({ waitSeconds: 12 });
    expect(tallyDeltaOf({ ...base, type: 'ContactAbandoned', fromState: 'QUEUED', waitMs: 40_000 })?.add).toEqual({ abandoned: 1, waitSeconds: 40 });
    expect(tallyDeltaOf({ ...base, type: 'ContactAbandoned', fromState: 'QUEUED', waitMs: 40_000, reason: 'ended-by-supervisor' })).toBeUndefined();
    expect(tallyDeltaOf({ ...base, type: 'ContactRejected', reason: 'UNKNOWN_QUEUE' })).toBeUndefined();
    expect(tallyDeltaOf({ ...base, type: 'ContactRejected', reason: 'QUEUE_FULL' })?.add).toEqual({ arrivals: 1 });
    const presence: RoutingEvent = { id: 'd:2', seq: 2, atMs: 0, ruleVersion: 'v', type: 'AgentPresenceChanged', agentId: 'a', from: 'OFFLINE', to: 'AVAILABLE' };
    expect(tallyDeltaOf(presence)).toBeUndefined();
  });
});

describe('staffingPlan', () => {
  const workload = (arrivalsPerSecond: number, handleSeconds: number) => ({ startMs: CURRENT, endMs: CURRENT + I, arrivals: arrivalsPerSecond * 900,
    arrivalsPerSecond, handleSeconds, historyWeeks: 0, liveRatio: 1, basis: 'live' as const });
  const target = { serviceLevel: 0.8, slSeconds: 20 };

  it('sums the channels, rounding chat slots up to whole agents', () => {
    const [need] = staffingPlan([
      { channel: 'phone', forecast: [workload(100 / 1800, 180)], concurrency: 1 },
      { channel: 'chat', forecast: [workload(100 / 1800, 180)], concurrency: 3 },
    ], target);
    expect(need!.channels.map((c) => [c.slots, c.agents])).toEqual([[14, 14], [14, 5]]);
    expect(need!.agents).toBe(19);
  });

  it('needs nobody without work, and says why when it cannot tell', () => {
    expect(channelNeed('email', workload(0, Number.NaN), 5, target)).toMatchObject({ agents: 0, model: 'none' });
    const unknown = channelNeed('phone', workload(0.1, Number.NaN), 1, target);
    expect(unknown.agents).toBeUndefined();
    expect(unknown.reason).toMatch(/no handle time/);
    const [plan] = staffingPlan([{ channel: 'phone', forecast: [workload(0.1, Number.NaN)], concurrency: 1 }], target);
    expect(plan!.agents).toBeUndefined();
    expect(() => channelNeed('chat', workload(0.1, 100), 0, target)).toThrow(/concurrency/);
  });
});
