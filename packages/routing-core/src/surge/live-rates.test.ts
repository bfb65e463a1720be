import { describe, expect, it } from 'vitest';
import type { RoutingEvent } from '../model/event.js';
import { LiveRates } from './live-rates.js';

let seq = 0;
const base = (atMs: number, queueId = 'q') => ({ id: `d:${++seq}`, seq, atMs, ruleVersion: 'v', contactId: `c${seq}`, queueId, channel: 'phone' as const, arrivedAtMs: atMs, enqueuedAtMs: atMs });
const queued = (atMs: number, queueId = 'q'): RoutingEvent => ({ type: 'ContactQueued', ...base(atMs, queueId), basePriority: 0 });
const completed = (atMs: number, handleMs: number): RoutingEvent =>
  ({ type: 'ContactCompleted', ...base(atMs), agentId: 'a', disposition: 'done', notes: '', connectedAtMs: atMs - handleMs, handleMs });
const wrapped = (atMs: number, wrapUpMs: number): RoutingEvent => ({ type: 'WrapUpEnded', ...base(atMs), agentId: 'a', wrapUpMs });
const accepted = (atMs: number, waitMs: number): RoutingEvent => ({ type: 'OfferAccepted', ...base(atMs), agentId: 'a', offerToken: 1, waitMs });
const abandoned = (atMs: number, waitMs: number, reason?: string): RoutingEvent =>
  ({ type: 'ContactAbandoned', ...base(atMs), fromState: 'QUEUED', waitMs, ...(reason !== undefined ? { reason } : {}) });

describe('LiveRates', () => {
  it('measures the arrival rate over the window, and over the elapsed time before it fills', () => {
    const rates = new LiveRates({ windowSeconds: 100, bucketSeconds: 10 });
    for (let t = 0; t < 50_000; t += 500) rates.add(queued(t)); // 2 per second for 50 s
    expect(rates.rates('q', 50_000)).toMatchObject({ arrivals: 100, spanSeconds: 50, arrivalsPerSecond: 2, arrivalsPerSecondHigh: 110 / 50 });
    for (let t = 50_000; t < 300_000; t += 1000) rates.add(queued(t)); // then 1 per second
    const later = rates.rates('q', 300_000);
    expect(later.spanSeconds).toBe(100);
    expect(rates.rates('q', 305_000).spanSeconds).toBe(105);
    expect(later.arrivalsPerSecond).toBeCloseTo(1, 9);
    expect(rates.rates('other', 300_000).arrivals).toBe(0);
  });

  it('counts a quiet stretch from observedFromMs before the first event', () => {
    const rates = new LiveRates({ windowSeconds: 100, bucketSeconds: 10, observedFromMs: 0 });
    rates.add(queued(90_000));
    expect(rates.rates('q', 100_000)).toMatchObject({ arrivals: 1, spanSeconds: 100, arrivalsPerSecond: 0.01 });
    const fromFirst = new LiveRates({ windowSeconds: 100, bucketSeconds: 10 });
    fromFirst.add(queued(90_000));
    expect(fromFirst.rates('q', 100_000).spanSeconds).toBe(10);
  });

  it('forgets what left the window', () => {
    const rates = new LiveRates({ windowSeconds: 60, bucketSeconds: 10 });
    for (let t = 0; t < 60_000; t += 100) rates.add(queued(t));
    expect(rates.rates('q', 60_000).arrivals).toBe(600);
    expect(rates.rates('q', 200_000)).toMatchObject({ arrivals: 0, arrivalsPerSecond: 0, completions: 0 });
    expect(rates.rates('q', 200_000).handleSeconds).toBeNaN();
  });

  it('adds mean wrap-up to mean handle time', () => {
    const rates = new LiveRates({ windowSeconds: 600 });
    rates.add(completed(10_000, 100_000));
    rates.add(completed(20_000, 200_000));
    rates.add(wrapped(30_000, 30_000));
    expect(rates.rates('q', 60_000)).toMatchObject({ completions: 2, handleSeconds: 180 });
  });

  it('estimates patience as waits over abandonments, leaving supervisor ends out', () => {
    const rates = new LiveRates({ windowSeconds: 600 });
    expect(rates.rates('q', 0).patienceSeconds).toBeUndefined();
    rates.add(accepted(1000, 30_000));
    rates.add(accepted(2000, 50_000));
    rates.add(abandoned(3000, 40_000));
    rates.add(abandoned(3500, 99_000, 'ended-by-supervisor'));
    const r = rates.rates('q', 10_000);
    expect(r.abandons).toBe(1);
    expect(r.patienceSeconds).toBeCloseTo(120, 9);
  });

  it('keeps its memory bounded by the bucket count however many events pass', () => {
    const rates = new LiveRates({ windowSeconds: 30, bucketSeconds: 1 });
    for (let t = 0; t < 1_000_000; t += 7) rates.add(queued(t));
    const ring = (rates as unknown as { queues: Map<string, unknown[]> }).queues.get('q');
    expect(ring).toHaveLength(31);
    expect(rates.rates('q', 1_000_000).arrivalsPerSecond).toBeCloseTo(1000 / 7, 0);
  });

  it('ignores an event older than the window', () => {
    const rates = new LiveRates({ windowSeconds: 10, bucketSeconds: 1 });
    rates.add(queued(100_000));
    rates.add(queued(50_000));
    expect(rates.rates('q', 100_500).arrivals).toBe(1);
  });

  it('refuses a window it cannot hold', () => {
    expect(() => new LiveRates({ windowSeconds: 0 })).toThrow(/windowSeconds/);
    expect(() => new LiveRates({ windowSeconds: 10, bucketSeconds: 20 })).toThrow(/bucketSeconds/);
  });

  it('counts a callback taker\'s time on the line as censored patience, not the wait for the callback', () => {
    const rates = new LiveRates({ windowSeconds: 600 });
    const callback: RoutingEvent = { type: 'CallbackRequested', ...base(30_000), contactId: 'cb', enqueuedAtMs: 0, number: '+15550000001' };
    rates.add(callback);
    rates.add({ type: 'OfferAccepted', ...base(400_000), contactId: 'cb', enqueuedAtMs: 0, agentId: 'a', offerToken: 1, waitMs: 400_000 });
    rates.add(abandoned(401_000, 60_000));
    // 30 s on the line + 60 s before abandoning, over one abandonment; the 400 s wait is not counted.
    expect(rates.rates('q', 410_000).patienceSeconds).toBeCloseTo(90, 9);
  });
});
