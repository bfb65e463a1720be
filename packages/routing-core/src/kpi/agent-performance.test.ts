import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Explanation } from '../model/explanation.js';
import type { Presence } from '../model/agent.js';
import type { RoutingEvent } from '../model/event.js';
import { AGENT_BUCKET_MS, AgentPerformanceFold, type AgentBucketDelta } from './agent-performance.js';
import { rollUpAgentBuckets } from './agent-rollup.js';
import { addAgentTally, agentPerformanceFigures, emptyAgentIntervalTally, type AgentIntervalTally } from './agent-tally.js';

const explanation: Explanation = { trigger: 'AGENT_FREED', ruleVersion: 'r1', strategy: 'LONGEST_IDLE', queueId: 'q',
  ring: 0, poolOpen: false, candidates: [], eligibleCount: 1, passedOverCounts: {} };

/** 2026-12-07 09:00 UTC; fixture times are minutes after it. */
const T0 = Date.UTC(2026, 11, 7, 9, 0, 0);
const at = (minutes: number) => T0 + minutes * 60_000;
const MIN = 60_000;

/** A hand-written event history: `m` = minutes after 09:00. */
function fixture() {
  const events: RoutingEvent[] = [];
  let seq = 0;
  const base = (m: number) => ({ id: `d:${++seq}`, seq, atMs: at(m), ruleVersion: 'r1' });
  const c = (id: string, m: number) => ({ ...base(m), contactId: id, queueId: 'care', channel: 'chat' as const, arrivedAtMs: at(0), enqueuedAtMs: at(0) });
  const h = {
    presence: (agentId: string, m: number, from: Presence, to: Presence) => events.push({ ...base(m), type: 'AgentPresenceChanged', agentId, from, to }),
    offered: (id: string, m: number, agentId: string) => events.push({ ...c(id, m), type: 'ContactOffered', agentId, offerToken: 1, expiresAtMs: at(m) + 30_000, explanation }),
    accepted: (id: string, m: number, agentId: string) => events.push({ ...c(id, m), type: 'OfferAccepted', agentId, offerToken: 1, waitMs: at(m) - at(0) }),
    declined: (id: string, m: number, agentId: string) => events.push({ ...c(id, m), type: 'OfferDeclined', agentId, offerToken: 1, reason: 'busy' }),
    missed: (id: string, m: number, agentId: string) => events.push({ ...c(id, m), type: 'OfferTimedOut', agentId, offerToken: 1, consecutiveMisses: 1 }),
    completed: (id: string, m: number, agentId: string, talkMinutes: number, resolvedFirstContact: boolean) =>
      events.push({ ...c(id, m), type: 'ContactCompleted', agentId, disposition: 'ok', notes: '', resolvedFirstContact,
        connectedAtMs: at(m - talkMinutes), handleMs: talkMinutes * MIN }),
    wrapped: (id: string, m: number, agentId: string, wrapMinutes: number) => events.push({ ...c(id, m), type: 'WrapUpEnded', agentId, wrapUpMs: wrapMinutes * MIN }),
    transferred: (id: string, m: number, fromAgentId: string, reason?: string) =>
      events.push({ ...c(id, m), type: 'ContactTransferred', fromAgentId, toQueueId: 'billing', ...(reason ? { reason } : {}) }),
    survey: (id: string, m: number, agentId: string, score: number) => events.push({ ...c(id, m), type: 'SurveyAnswered', agentId, score, answeredAtMs: at(m) }),
    qa: (id: string, m: number, agentId: string, score: number) => events.push({ ...base(m), type: 'QaReviewScored', contactId: id, agentId, queueId: 'care', channel: 'chat',
      score, reviewer: 'qa-1', formId: 'f1', comment: '', criteria: [] }),
  };
  // Agent a1, 09:00–10:00 (chat: two contacts at once from 09:25).
  h.presence('a1', 0, 'OFFLINE', 'AVAILABLE');
  h.offered('c1', 2, 'a1'); h.accepted('c1', 2, 'a1');
  h.completed('c1', 10, 'a1', 8, true);           // talk 09:02–09:10 = 8 min, resolved
  h.wrapped('c1', 12, 'a1', 2);                    // wrap-up 09:10–09:12 = 2 min
  h.offered('c2', 14, 'a1'); h.declined('c2', 14.5, 'a1');
  h.offered('c3', 16, 'a1'); h.missed('c3', 16.5, 'a1');
  h.offered('c4', 20, 'a1'); h.accepted('c4', 20, 'a1');
  h.offered('c5', 25, 'a1'); h.accepted('c5', 25, 'a1');
  h.transferred('c4', 28, 'a1', 'to billing');     // the agent's transfer: counts
  h.completed('c5', 35, 'a1', 10, false);          // talk 09:25–09:35 = 10 min, not resolved
  h.wrapped('c5', 40, 'a1', 5);                    // wrap-up 09:35–09:40 = 5 min
  h.presence('a1', 40, 'AVAILABLE', 'AWAY');
  // Surveys and a QA review come later than their contacts; they count where they are recorded.
  h.survey('c1', 45, 'a1', 5);
  h.presence('a1', 50, 'AWAY', 'AVAILABLE');
  h.survey('c5', 55, 'a1', 2);
  h.qa('c1', 58, 'a1', 90);
  h.presence('a1', 60, 'AVAILABLE', 'OFFLINE');
  // Agent a2 signs in at 09:50 and is still talking at 10:00.
  h.presence('a2', 50, 'OFFLINE', 'AVAILABLE');
  h.offered('c6', 52, 'a2'); h.accepted('c6', 52, 'a2');
  return events;
}

/** Sums deltas per agent and bucket start. */
function byBucket(deltas: readonly AgentBucketDelta[]): Map<string, AgentIntervalTally> {
  const out = new Map<string, AgentIntervalTally>();
  for (const d of deltas) {
    const key = `${d.agentId}@${(d.bucketStartMs - T0) / MIN}`;
    addAgentTally(out.get(key) ?? out.set(key, emptyAgentIntervalTally()).get(key)!, d.tally);
  }
  return out;
}

function fold(events: readonly RoutingEvent[]): AgentPerformanceFold {
  const f = new AgentPerformanceFold();
  for (const e of events) f.add(e);
  return f;
}

describe('agent performance from a hand-computed fixture', () => {
  const events = fixture();

  it('splits a1\'s hour into 15-minute buckets by hand', () => {
    const b = byBucket(fold(events).drain().deltas);
    // 09:00–09:15: idle 09:00–09:02 (2) + 09:12–09:15 (3) = 5 min; busy with c1 09:02–09:12 = 10 min.
    // Offers c1, c2; c1 accepted, c2 declined; c1 handled (talk 8, wrap 2), FCR answer yes.
    expect(b.get('a1@0')).toMatchObject({ signedInMs: 15 * MIN, routableMs: 15 * MIN, busyMs: 10 * MIN, idleMs: 5 * MIN, awayMs: 0,
      offered: 2, accepted: 1, declined: 1, missed: 0, handled: 1, talkMs: 8 * MIN, wrapMs: 2 * MIN, outcomes: 1, resolvedFirstContact: 1 });
    // 09:15–09:30: idle 09:15–09:20 = 5; busy 09:20–09:30 = 10 (c4 from 09:20, c5 from 09:25: one stretch, not 15).
    // Offers c3 (missed), c4, c5 (accepted); c4 transferred out at 09:28.
    expect(b.get('a1@15')).toMatchObject({ signedInMs: 15 * MIN, busyMs: 10 * MIN, idleMs: 5 * MIN,
      offered: 3, accepted: 2, missed: 1, transfersOut: 1, handled: 0 });
    // 09:30–09:45: busy with c5 09:30–09:40 = 10; away 09:40–09:45 = 5, so routable 10 of 15.
    // c5 handled at 09:40 (talk 10, wrap 5), FCR answer no.
    expect(b.get('a1@30')).toMatchObject({ signedInMs: 15 * MIN, routableMs: 10 * MIN, busyMs: 10 * MIN, idleMs: 0, awayMs: 5 * MIN,
      handled: 1, talkMs: 10 * MIN, wrapMs: 5 * MIN, outcomes: 1, resolvedFirstContact: 0 });
    // 09:45–10:00: away 09:45–09:50 = 5, idle 09:50–10:00 = 10; surveys 5 (09:45) and 2 (09:55); QA 90 (09:58).
    expect(b.get('a1@45')).toMatchObject({ signedInMs: 15 * MIN, routableMs: 10 * MIN, busyMs: 0, idleMs: 10 * MIN, awayMs: 5 * MIN,
      surveys: 2, surveyScoreSum: 7, surveysSatisfied: 1, qaReviews: 1, qaScoreSum: 90 });
  });

  it('rolls the buckets up to the hour and computes the figures', () => {
    const hour = emptyAgentIntervalTally();
    for (const d of fold(events).drain().deltas) if (d.agentId === 'a1') addAgentTally(hour, d.tally);
    const f = agentPerformanceFigures(hour);
    expect(f).toMatchObject({ contactsHandled: 2, offered: 5, accepted: 3, declined: 1, missed: 1, transfersOut: 1,
      signedInSeconds: 3600, busySeconds: 1800, idleSeconds: 1200, awaySeconds: 600, surveysAnswered: 2, qaReviews: 1 });
    // AHT = ((8 + 2) + (10 + 5)) / 2 = 12.5 min = 750 s; ACW = (2 + 5) / 2 = 3.5 min = 210 s.
    expect(f.ahtSeconds).toBeCloseTo(750, 9);
    expect(f.acwSeconds).toBeCloseTo(210, 9);
    // Occupancy = busy / (busy + idle) = 30 / (30 + 20) = 0.6 (the 10 min away do not count).
    expect(f.occupancy).toBeCloseTo(0.6, 12);
    // Adherence = routable / signed in = (15 + 15 + 10 + 10) / 60 = 50 / 60.
    expect(f.adherence).toBeCloseTo(50 / 60, 12);
    // FCR = 1 resolved of 2 answers; CSAT = (5 + 2) / 2 = 3.5, satisfied 1 of 2; QA = 90.
    expect(f.firstContactResolution).toBeCloseTo(0.5, 12);
    expect(f.csat).toBeCloseTo(3.5, 12);
    expect(f.csatSatisfied).toBeCloseTo(0.5, 12);
    expect(f.qaScore).toBeCloseTo(90, 12);
  });

  it('keeps a2\'s open stretch open: state holds it, openDeltas counts it up to now', () => {
    const f = fold(events);
    const drained = f.drain();
    // a1 signed out holding nothing: dropped from the state; a2 is live with c6.
    expect([...drained.states.entries()].filter(([, s]) => s === undefined).map(([id]) => id)).toEqual(['a1']);
    expect(f.state()).toEqual({ a2: { presence: 'AVAILABLE', sinceMs: at(52), held: { c6: -1 } } });
    // Until 10:00: idle 09:50–09:52 = 2 min (already closed by the accept), busy 09:52–10:00 = 8 min (open).
    expect(byBucket(drained.deltas).get('a2@45')).toMatchObject({ idleMs: 2 * MIN, busyMs: 0, offered: 1, accepted: 1 });
    expect(byBucket(f.openDeltas(at(60))).get('a2@45')).toMatchObject({ busyMs: 8 * MIN, signedInMs: 8 * MIN, idleMs: 0 });
    // openDeltas changed nothing.
    expect(f.openDeltas(at(60))).toHaveLength(1);
  });

  it('gives the same counters when resumed from a saved state mid-way (an ops restart)', () => {
    const whole = byBucket(fold(events).drain().deltas);
    const first = new AgentPerformanceFold();
    const cut = events.findIndex((e) => e.atMs >= at(30));
    for (const e of events.slice(0, cut)) first.add(e);
    const part1 = first.drain().deltas;
    const resumed = new AgentPerformanceFold(JSON.parse(JSON.stringify(first.state())) as ReturnType<typeof first.state>);
    for (const e of events.slice(cut)) resumed.add(e);
    expect(byBucket([...part1, ...resumed.drain().deltas])).toEqual(whole);
  });

  it('does not count the engine\'s own returns as transfers out, nor a supervisor moving a ringing contact', () => {
    const f = new AgentPerformanceFold();
    const e = fixture().slice(0, 11); // up to c4 accepted at 09:20
    for (const x of e) f.add(x);
    f.add({ id: 'd:x', seq: 99, atMs: at(21), ruleVersion: 'r1', type: 'ContactTransferred', contactId: 'c4', queueId: 'care', channel: 'chat',
      arrivedAtMs: at(0), enqueuedAtMs: at(0), fromAgentId: 'a1', toQueueId: 'care', reason: 'HANDLE_LIMIT' });
    f.add({ id: 'd:y', seq: 100, atMs: at(22), ruleVersion: 'r1', type: 'ContactTransferred', contactId: 'c9', queueId: 'care', channel: 'chat',
      arrivedAtMs: at(0), enqueuedAtMs: at(0), fromAgentId: 'a1', toQueueId: 'billing' });
    const total = emptyAgentIntervalTally();
    for (const d of f.drain().deltas) addAgentTally(total, d.tally);
    expect(total.transfersOut).toBe(0);
    // c4 released at 09:21: busy 09:02–09:12 and 09:20–09:21 = 11 min.
    expect(total.busyMs).toBe(11 * MIN);
    expect(AGENT_BUCKET_MS).toBe(15 * MIN);
  });

  it('rolls buckets into half hours, one row per agent and interval, zeros where nothing happened', () => {
    const f = fold(events);
    const rows = rollUpAgentBuckets([...f.drain().deltas, ...f.openDeltas(at(60))], ['a1', 'a2', 'a3'], at(0), at(60), 30 * MIN);
    expect(rows.map((r) => `${r.agentId}@${(r.startMs - T0) / MIN}`)).toEqual(['a1@0', 'a1@30', 'a2@0', 'a2@30', 'a3@0', 'a3@30']);
    // a1 09:00–09:30: busy 10 + 10 = 20 min, idle 5 + 5 = 10 → occupancy 20 / 30.
    expect(agentPerformanceFigures(rows[0]!.tally).occupancy).toBeCloseTo(20 / 30, 12);
    // a1 09:30–10:00: busy 10, idle 10, away 10 → occupancy 0.5, adherence 20 / 30.
    expect(agentPerformanceFigures(rows[1]!.tally)).toMatchObject({ occupancy: 0.5, contactsHandled: 1, surveysAnswered: 2 });
    // a2 09:30–10:00 with its open talk: idle 2, busy 8 → occupancy 0.8; nothing before.
    expect(agentPerformanceFigures(rows[3]!.tally).occupancy).toBeCloseTo(0.8, 12);
    expect(agentPerformanceFigures(rows[2]!.tally).occupancy).toBeNaN();
    expect(rows[5]!.tally.signedInMs).toBe(0);
  });

  it('adds up to the same totals whatever the bucket width and wherever a restart cuts the stream (property)', () => {
    const totals = (deltas: readonly AgentBucketDelta[]) => {
      const out = new Map<string, AgentIntervalTally>();
      for (const d of deltas) addAgentTally(out.get(d.agentId) ?? out.set(d.agentId, emptyAgentIntervalTally()).get(d.agentId)!, d.tally);
      return out;
    };
    const whole = new AgentPerformanceFold({}, { bucketMs: Infinity });
    for (const e of events) whole.add(e);
    const expected = totals([...whole.drain().deltas, ...whole.openDeltas(at(60))]);
    fc.assert(fc.property(fc.constantFrom(MIN, 5 * MIN, AGENT_BUCKET_MS, 60 * MIN, 86_400_000), fc.integer({ min: 0, max: events.length }), (bucketMs, cut) => {
      const first = new AgentPerformanceFold({}, { bucketMs });
      for (const e of events.slice(0, cut)) first.add(e);
      const before = first.drain().deltas;
      const resumed = new AgentPerformanceFold(JSON.parse(JSON.stringify(first.state())) as ReturnType<typeof first.state>, { bucketMs });
      for (const e of events.slice(cut)) resumed.add(e);
      const after = [...resumed.drain().deltas, ...resumed.openDeltas(at(60))];
      expect(after.concat(before).every((d) => d.bucketStartMs % bucketMs === 0)).toBe(true);
      expect(totals([...before, ...after])).toEqual(expected);
    }), { numRuns: 60, seed: 15 });
  });
});
