import { describe, expect, it } from 'vitest';
import type { Explanation } from '../model/explanation.js';
import type { RoutingEvent } from '../model/event.js';
import { computeKpis } from './compute-kpis.js';
import { KpiAccumulator } from './kpi-accumulator.js';
import type { ContactOutcome } from './types.js';

const explanation: Explanation = { trigger: 'CONTACT_QUEUED', ruleVersion: 'r1', strategy: 'LONGEST_IDLE', queueId: 'q',
  ring: 0, poolOpen: false, candidates: [], eligibleCount: 0, passedOverCounts: {} };

/** Builds a typed event history by hand: seconds in, epoch ms out. */
function history() {
  const events: RoutingEvent[] = [];
  let seq = 0;
  const base = (at: number) => ({ id: `d:${++seq}`, seq, atMs: at * 1000, ruleVersion: 'r1' });
  const contact = (id: string, queueId: string, arrived: number, at: number) => ({
    ...base(at), contactId: id, queueId, channel: 'phone' as const, arrivedAtMs: arrived * 1000, enqueuedAtMs: arrived * 1000 });
  return {
    events,
    signIn: (agentId: string, at: number) => events.push({ ...base(at), type: 'AgentPresenceChanged', agentId, from: 'OFFLINE', to: 'AVAILABLE' }),
    signOut: (agentId: string, at: number) => events.push({ ...base(at), type: 'AgentPresenceChanged', agentId, from: 'AVAILABLE', to: 'OFFLINE' }),
    queued: (id: string, q: string, arrived: number) => events.push({ ...contact(id, q, arrived, arrived), type: 'ContactQueued', basePriority: 0, explanation }),
    /** The engine's entry event when an offer follows at once: no explanation, no wait. */
    entered: (id: string, q: string, arrived: number) => events.push({ ...contact(id, q, arrived, arrived), type: 'ContactQueued', basePriority: 0 }),
    offered: (id: string, q: string, arrived: number, at: number, agentId: string, token = 1) =>
      events.push({ ...contact(id, q, arrived, at), type: 'ContactOffered', agentId, offerToken: token, expiresAtMs: at * 1000 + 30_000, explanation }),
    declined: (id: string, q: string, arrived: number, at: number, agentId: string) =>
      events.push({ ...contact(id, q, arrived, at), type: 'OfferDeclined', agentId, offerToken: 1, reason: 'busy' }),
    accepted: (id: string, q: string, arrived: number, at: number, agentId: string) =>
      events.push({ ...contact(id, q, arrived, at), type: 'OfferAccepted', agentId, offerToken: 1, waitMs: (at - arrived) * 1000 }),
    /** `fcr`: the agent's answer; 'ended': the platform ended it, the answer comes with `outcome`. */
    completed: (id: string, q: string, arrived: number, connected: number, at: number, agentId: string, fcr: boolean | 'ended' = true) =>
      events.push({ ...contact(id, q, arrived, at), type: 'ContactCompleted', agentId, disposition: fcr === 'ended' ? 'ended-on-channel' : 'ok', notes: '',
        ...(fcr === 'ended' ? {} : { resolvedFirstContact: fcr }), connectedAtMs: connected * 1000, handleMs: (at - connected) * 1000 }),
    outcome: (id: string, q: string, arrived: number, at: number, agentId: string, resolvedFirstContact: boolean) =>
      events.push({ ...contact(id, q, arrived, at), type: 'ContactOutcomeRecorded', agentId, disposition: 'ok', notes: 'called back', resolvedFirstContact }),
    wrapped: (id: string, q: string, arrived: number, wrapStart: number, at: number, agentId: string) =>
      events.push({ ...contact(id, q, arrived, at), type: 'WrapUpEnded', agentId, wrapUpMs: (at - wrapStart) * 1000 }),
    abandoned: (id: string, q: string, arrived: number, at: number) =>
      events.push({ ...contact(id, q, arrived, at), type: 'ContactAbandoned', fromState: 'QUEUED', waitMs: (at - arrived) * 1000 }),
  };
}

describe('computeKpis', () => {
  // Agent a1 signed in 0–200 s. c1 answered at once, c2 after 30 s (late), c3 abandons at 10 s
  // (never in time), c4 declined once then answered after 15 s.
  const h = history();
  h.signIn('a1', 0);
  h.entered('c1', 'sales', 0);
  h.offered('c1', 'sales', 0, 0, 'a1');
  h.accepted('c1', 'sales', 0, 0, 'a1');
  h.queued('c2', 'sales', 10);
  h.queued('c3', 'sales', 12);
  h.completed('c1', 'sales', 0, 0, 40, 'a1');
  h.abandoned('c3', 'sales', 12, 22);
  h.offered('c2', 'sales', 10, 40, 'a1');
  h.wrapped('c1', 'sales', 0, 40, 40, 'a1');
  h.accepted('c2', 'sales', 10, 40, 'a1');
  h.completed('c2', 'sales', 10, 40, 100, 'a1', false);
  h.wrapped('c2', 'sales', 10, 100, 110, 'a1');
  h.entered('c4', 'care', 110);
  h.offered('c4', 'care', 110, 110, 'a1');
  h.declined('c4', 'care', 110, 115, 'a1');
  h.offered('c4', 'care', 110, 125, 'a1', 2);
  h.accepted('c4', 'care', 110, 125, 'a1');
  h.completed('c4', 'care', 110, 125, 165, 'a1', 'ended');
  h.outcome('c4', 'care', 110, 170, 'a1', true);
  h.wrapped('c4', 'care', 110, 165, 175, 'a1');
  h.signOut('a1', 200);

  it('counts service level, wait, ASA, AHT and abandonment per queue', () => {
    const report = computeKpis(h.events, { slSecondsByQueue: { sales: 20, care: 15 } });
    const sales = report.queues.find((q) => q.queueId === 'sales');
    expect(sales).toMatchObject({ contacts: 3, answered: 2, answeredInTime: 1, abandoned: 1, waited: 2, handled: 2 });
    expect(sales?.serviceLevel).toBeCloseTo(1 / 3, 12);
    expect(sales?.abandonRate).toBeCloseTo(1 / 3, 12);
    expect(sales?.asaSeconds).toBeCloseTo(15, 12);
    expect(sales?.ahtSeconds).toBeCloseTo((40 + 60 + 10) / 2, 12);
    const care = report.queues.find((q) => q.queueId === 'care');
    expect(care).toMatchObject({ contacts: 1, answeredInTime: 1, waited: 1, offered: 2, declined: 1, accepted: 1 });
    expect(report.total).toMatchObject({ contacts: 4, answered: 3, offered: 4, accepted: 3, declined: 1, missed: 0 });
    expect(report.total.slSeconds).toBeNaN();
  });

  it('computes FCR from the agents\' answers, counting an outcome recorded after the platform ended the contact once', () => {
    const week = 7 * 24 * 3600_000;
    // Until their 7-day window passes, resolutions are provisional: only c2 (not resolved) has settled.
    const early = computeKpis(h.events, { slSecondsByQueue: { sales: 20, care: 15 } });
    expect(early.queues.find((q) => q.queueId === 'sales')).toMatchObject({ outcomes: 2, fcrProvisional: 1, fcrUnresolved: 1, firstContactResolution: 0 });
    const report = computeKpis(h.events, { slSecondsByQueue: { sales: 20, care: 15 } }, 200_000 + week);
    const sales = report.queues.find((q) => q.queueId === 'sales')!;
    // c1 resolved on first contact (no repeat within the window), c2 not.
    expect(sales).toMatchObject({ outcomes: 2, fcrConfirmed: 1, fcrProvisional: 0, firstContactResolution: 0.5 });
    // c4: its platform ended it (no answer on ContactCompleted); the agent's answer came in wrap-up.
    expect(report.queues.find((q) => q.queueId === 'care')).toMatchObject({ outcomes: 1, firstContactResolution: 1 });
    expect(report.total.outcomes).toBe(3);
    expect(report.total.firstContactResolution).toBeCloseTo(2 / 3, 12);
    // No outcomes: no figure, not 0 %.
    expect(computeKpis(h.events, { fromMs: 176_000 }, 200_000 + week).total.firstContactResolution).toBeNaN();
  });

  it('measures occupancy as busy over signed-in time', () => {
    const report = computeKpis(h.events);
    // Busy 0–40 (c1, no wrap-up), 40–110 (c2), 125–175 (c4) = 160 s of 200 s signed in.
    expect(report.agents[0]).toMatchObject({ agentId: 'a1', signedInSeconds: 200, busySeconds: 160 });
    expect(report.occupancy).toBeCloseTo(0.8, 12);
  });

  it('drops the warm-up: earlier arrivals and time before fromMs', () => {
    const report = computeKpis(h.events, { fromMs: 100_000 });
    expect(report.total.contacts).toBe(1);
    // Busy 100–110 and 125–175 = 60 s of 100 s.
    expect(report.occupancy).toBeCloseTo(0.6, 12);
  });

  it('reports each finished stay once, to the callback, and snapshots mid-stream', () => {
    const outcomes: ContactOutcome[] = [];
    const acc = new KpiAccumulator({ onOutcome: (o) => outcomes.push(o) });
    for (const event of h.events.slice(0, 6)) acc.add(event);
    expect(acc.snapshot(30_000).occupancy).toBeCloseTo(1, 12);
    for (const event of h.events.slice(6)) acc.add(event);
    expect(outcomes.map((o) => `${o.contactId}:${o.kind}:${o.inTime}`)).toEqual(
      ['c1:answered:true', 'c3:abandoned:false', 'c2:answered:false', 'c4:answered:true']);
  });
});
