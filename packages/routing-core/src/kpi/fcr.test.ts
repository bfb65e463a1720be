import { describe, expect, it } from 'vitest';
import type { RoutingEvent } from '../model/event.js';
import { KpiAccumulator } from './kpi-accumulator.js';

const DAY = 24 * 3600_000;
let seq = 0;

/** A hand-built event history: arrivals of identified customers, agents' outcomes, wrap-up ends. */
function history() {
  const events: RoutingEvent[] = [];
  const base = (contactId: string, queueId: string, atMs: number, channel: 'phone' | 'wechat' = 'phone') =>
    ({ id: `d:${++seq}`, seq, atMs, ruleVersion: 't', contactId, queueId, channel, arrivedAtMs: atMs, enqueuedAtMs: atMs });
  return {
    events,
    arrive(contactId: string, queueId: string, customerKey: string, atMs: number, channel: 'phone' | 'wechat' = 'phone') {
      events.push({ ...base(contactId, queueId, atMs, channel), type: 'CustomerIdentified', customerKey });
    },
    resolve(contactId: string, queueId: string, atMs: number, resolvedFirstContact: boolean) {
      events.push({ ...base(contactId, queueId, atMs), type: 'ContactCompleted', agentId: 'a1', disposition: 'ok', notes: '', resolvedFirstContact, connectedAtMs: atMs, handleMs: 0 });
      events.push({ ...base(contactId, queueId, atMs), type: 'WrapUpEnded', agentId: 'a1', wrapUpMs: 0 });
    },
  };
}

const fcrOf = (events: readonly RoutingEvent[], untilMs: number, queueId = 'care') => {
  const acc = new KpiAccumulator({ fcrWindowSecondsByQueue: { care: 7 * 24 * 3600, sales: 2 * 24 * 3600 } });
  for (const e of events) acc.add(e);
  return acc.snapshot(untilMs).queues.find((q) => q.queueId === queueId);
};

describe('first-contact resolution with repeat contacts', () => {
  it('keeps a resolution provisional until its window passes, then confirms it', () => {
    const h = history();
    h.arrive('c1', 'care', 'k1', 0, 'wechat');
    h.resolve('c1', 'care', 60_000, true);
    expect(fcrOf(h.events, 6 * DAY)).toMatchObject({ fcrProvisional: 1, fcrConfirmed: 0, outcomes: 1 });
    expect(fcrOf(h.events, 6 * DAY)?.firstContactResolution).toBeNaN();
    expect(fcrOf(h.events, 7 * DAY + 60_000)).toMatchObject({ fcrProvisional: 0, fcrConfirmed: 1, firstContactResolution: 1 });
  });

  it('voids a resolution when the same customer comes back on any channel within the window', () => {
    const h = history();
    h.arrive('c1', 'care', 'k1', 0, 'wechat');
    h.resolve('c1', 'care', 60_000, true);
    h.arrive('c9', 'care', 'k9', 1000_000);
    h.resolve('c9', 'care', 1060_000, true);
    // k1 calls 3 days later: c1's resolution no longer counts; k9 stays resolved.
    h.arrive('c2', 'care', 'k1', 3 * DAY, 'phone');
    h.resolve('c2', 'care', 3 * DAY + 60_000, true);
    const late = fcrOf(h.events, 20 * DAY)!;
    expect(late).toMatchObject({ fcrVoided: 1, fcrConfirmed: 2, fcrUnresolved: 0, fcrProvisional: 0, outcomes: 3 });
    expect(late.firstContactResolution).toBeCloseTo(2 / 3, 12);
    // Before any window passed, the void is already settled: 0 of 1.
    expect(fcrOf(h.events, 3 * DAY + 60_000)).toMatchObject({ fcrVoided: 1, fcrProvisional: 2, firstContactResolution: 0 });
  });

  it('does not void a resolution for a contact after the window, and uses each queue\'s own window', () => {
    const h = history();
    h.arrive('s1', 'sales', 'k1', 0);
    h.resolve('s1', 'sales', 0, true);
    h.arrive('c1', 'care', 'k2', 0);
    h.resolve('c1', 'care', 0, true);
    // Day 3: after sales' 2-day window, inside care's 7 days.
    h.arrive('s2', 'sales', 'k1', 3 * DAY);
    h.arrive('c2', 'care', 'k2', 3 * DAY);
    expect(fcrOf(h.events, 3 * DAY, 'sales')).toMatchObject({ fcrConfirmed: 1, fcrVoided: 0 });
    expect(fcrOf(h.events, 3 * DAY, 'care')).toMatchObject({ fcrConfirmed: 0, fcrVoided: 1 });
  });

  it('counts a contact resolved after its customer already came back (a second live contact) as voided', () => {
    const h = history();
    h.arrive('c1', 'care', 'k1', 0, 'wechat');
    h.arrive('c2', 'care', 'k1', 30_000, 'phone');
    h.resolve('c1', 'care', 60_000, true);
    h.resolve('c2', 'care', 90_000, false);
    expect(fcrOf(h.events, 30 * DAY)).toMatchObject({ fcrVoided: 1, fcrUnresolved: 1, fcrConfirmed: 0, firstContactResolution: 0 });
  });

  it('forgets settled contacts: memory follows live contacts and open windows', () => {
    const acc = new KpiAccumulator({ defaultFcrWindowSeconds: 3600 });
    const h = history();
    for (let i = 0; i < 500; i++) {
      h.arrive(`c${i}`, 'care', `k${i % 50}`, i * 600_000);
      h.resolve(`c${i}`, 'care', i * 600_000 + 1000, true);
    }
    for (const e of h.events) acc.add(e);
    const internals = acc as unknown as { fcr: { live: Map<string, unknown>; pendingByQueue: Map<string, unknown[]> } };
    expect(internals.fcr.live.size).toBe(0);
    // One resolution every 10 minutes, a 1-hour window: at most 7 still open.
    expect(internals.fcr.pendingByQueue.get('care')?.length ?? 0).toBeLessThanOrEqual(7);
  });
});
