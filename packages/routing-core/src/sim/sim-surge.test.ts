import { describe, expect, it } from 'vitest';
import type { RoutingEvent } from '../model/event.js';
import type { KpiReport, QueueKpis } from '../kpi/types.js';
import { queueConfig, type SimQueue, type SimScenario } from './scenario.js';
import { SurgeTracker } from './sim-surge.js';
import { simulate } from './simulator.js';

const surge = { auto: true, callbackOfferAfterSeconds: 20, deferEmailBelowPriority: 5, horizonSeconds: 300 };
const handle = { kind: 'exponential', meanSeconds: 180 } as const;
const queues: SimQueue[] = [
  { config: queueConfig('general', { surge }), arrivalsPerHour: 100, handle },
  { config: queueConfig('vip', { kind: 'VIP', serviceLevel: { share: 0.9, withinSeconds: 10 }, surge }), arrivalsPerHour: 10, handle, tier: 'VIP1' },
];

let seq = 0;
const fields = (contactId: string, queueId: string, atMs: number, enqueuedAtMs = atMs, channel: 'phone' | 'email' = 'phone') =>
  ({ id: `sim:${++seq}`, seq, atMs, ruleVersion: 'sim', contactId, queueId, channel, arrivedAtMs: enqueuedAtMs, enqueuedAtMs });
const queued = (id: string, q: string, atMs: number, channel: 'phone' | 'email' = 'phone') =>
  ({ type: 'ContactQueued', ...fields(id, q, atMs, atMs, channel), basePriority: 0 }) as RoutingEvent;
const accepted = (id: string, q: string, atMs: number, enq: number) =>
  ({ type: 'OfferAccepted', ...fields(id, q, atMs, enq), agentId: 'a', offerToken: 1, waitMs: atMs - enq }) as RoutingEvent;
const surgeChanged = (q: string, atMs: number, active: boolean) =>
  ({ type: 'QueueSurgeChanged', id: `sim:${++seq}`, seq, atMs, ruleVersion: 'sim', queueId: q, active, source: 'FORECAST', reason: 'test', predictedServiceLevel: 0.5 }) as unknown as RoutingEvent;
const callbackOffered = (id: string, q: string, atMs: number, enq: number) =>
  ({ type: 'CallbackOffered', ...fields(id, q, atMs, enq) }) as unknown as RoutingEvent;

const kpi = (queueId: string, contacts: number, answeredInTime: number): QueueKpis => ({
  queueId, slSeconds: 20, contacts, answered: contacts, answeredInTime, abandoned: 0, expired: 0, rejected: 0, waited: 0,
  serviceLevel: answeredInTime / contacts, probWait: 0, asaSeconds: 0, abandonRate: 0, ahtSeconds: 0, handled: 0,
  firstContactResolution: NaN, fcrConfirmed: 0, fcrVoided: 0, fcrUnresolved: 0, fcrProvisional: 0, outcomes: 0, offered: 0, accepted: 0, declined: 0, missed: 0, callbacksRequested: 0, callbacksConnected: 0, callbackDialsFailed: 0,
  surveysOffered: 0, surveysAnswered: 0, surveyResponseRate: NaN, csatScore: NaN, csatSatisfied: NaN,
});
const report = (qs: QueueKpis[]): KpiReport => ({ fromMs: 0, untilMs: 0, queues: qs, total: qs[0]!, agents: [], occupancy: NaN });

describe('SurgeTracker', () => {
  it('counts callers who waited past the threshold while in surge, and whether each was offered a callback', () => {
    const t = new SurgeTracker(queues, {});
    t.observe(queued('early', 'general', 0)); // waits past 20 s before surge, answered at 50 s in surge: counts
    t.observe(queued('short', 'general', 35_000)); // answered after 10 s: never past the threshold
    t.observe(queued('offered', 'general', 36_000)); // past the threshold in surge and offered: counts, offered
    t.observe(queued('vip', 'vip', 30_000)); // VIP: never counted
    t.observe(queued('mail', 'general', 30_000, 'email')); // email: never counted
    t.observe(queued('before', 'general', 1000)); // past the threshold and answered before surge: not counted
    t.observe(accepted('before', 'general', 39_000, 1000));
    t.observe(surgeChanged('general', 40_000, true));
    t.observe(surgeChanged('vip', 40_000, true));
    t.observe(accepted('short', 'general', 45_000, 35_000));
    t.observe(accepted('early', 'general', 50_000, 0));
    t.observe(callbackOffered('offered', 'general', 56_000, 36_000));
    t.observe(accepted('vip', 'vip', 80_000, 30_000));
    t.observe(accepted('mail', 'general', 90_000, 30_000));
    t.observe(accepted('offered', 'general', 100_000, 36_000));
    t.observe(surgeChanged('general', 200_000, false));
    const r = t.report(report([kpi('general', 10, 6), kpi('vip', 4, 4)]), 300_000);
    const general = r.queues.find((q) => q.queueId === 'general')!;
    expect(general).toMatchObject({ waitedPastThreshold: 2, waitedPastThresholdOffered: 1, callbacksOffered: 1, surgeStartedAtSeconds: 40, surgeSeconds: 160 });
    expect(r.queues.find((q) => q.queueId === 'vip')).toMatchObject({ waitedPastThreshold: 0, surgeSeconds: 260 });
    expect(r).toMatchObject({ vipServiceLevel: 1, nonVipServiceLevel: 0.6, waitedPastThreshold: 2, waitedPastThresholdOffered: 1 });
    expect(r.changes.map((c) => [c.atSeconds, c.queueId, c.active])).toEqual([[40, 'general', true], [40, 'vip', true], [200, 'general', false]]);
  });

  it('finds the first breach of the measured service level over its window, and whether surge came first', () => {
    const t = new SurgeTracker(queues, { measureWindowSeconds: 300, minMeasured: 10 });
    const outcome = (i: number, atMs: number, inTime: boolean) =>
      t.outcome({ contactId: `c${i}`, queueId: 'general', kind: 'answered', arrivedAtMs: atMs, atMs, waitMs: 0, waited: false, inTime });
    for (let i = 0; i < 20; i++) outcome(i, i * 10_000, true);
    t.observe(surgeChanged('general', 210_000, true));
    // From 220 s every answer is late: the window (≥ 10 contacts) falls below 80 % a few later.
    for (let i = 20; i < 40; i++) outcome(i, i * 10_000, false);
    const general = t.report(report([kpi('general', 40, 20)]), 400_000).queues.find((q) => q.queueId === 'general')!;
    expect(general.firstBreachAtSeconds).toBeGreaterThan(220);
    expect(general.firstBreachAtSeconds).toBeLessThan(300);
    expect(general.surgeBeforeBreach).toBe(true);
    // The last window (90–390 s) holds 11 answers in time and 20 late ones.
    expect(general.lowestWindowServiceLevel).toBeCloseTo(11 / 31, 12);
  });

  it('calls a queue that breached first without surge late', () => {
    const t = new SurgeTracker(queues, { minMeasured: 1 });
    t.outcome({ contactId: 'c1', queueId: 'general', kind: 'abandoned', arrivedAtMs: 0, atMs: 5000, waitMs: 5000, waited: true, inTime: false });
    t.observe(surgeChanged('general', 6000, true));
    expect(t.report(report([kpi('general', 1, 0)]), 10_000).queues[0]).toMatchObject({ firstBreachAtSeconds: 5, surgeStartedAtSeconds: 6, surgeBeforeBreach: false });
  });
});

describe('simulate with surge', () => {
  const policy = { auto: true, callbackOfferAfterSeconds: 10, deferEmailBelowPriority: 1, horizonSeconds: 300 };
  const scenario = (extra: Partial<SimScenario> = {}): SimScenario => ({
    queues: [{ config: queueConfig('main', { surge: policy }), arrivalsPerHour: 200, handle: { kind: 'exponential', meanSeconds: 180 },
      patience: { kind: 'exponential', meanSeconds: 300 } }],
    agentGroups: [{ idPrefix: 'a', count: 10, skills: {}, queues: [{ queueId: 'main', priority: 0 }] }],
    contacts: 600, seed: 5, warmupSeconds: 0,
    behaviour: { callbackAcceptProbability: 1, callbackDecisionSeconds: 1 },
    ...extra,
  });

  it('a supervisor pins surge on: the forecast never switches it off, callers are offered callbacks and take them', () => {
    const r = simulate(scenario({ surge: { supervisor: [{ atSeconds: 60, queueId: 'main', active: true, by: 'sam', reason: 'storm' }] } }));
    const surge = r.surge!;
    expect(surge.changes).toEqual([{ atSeconds: 60, queueId: 'main', active: true, source: 'SUPERVISOR', reason: 'surge switched on by supervisor sam: storm' }]);
    const main = surge.queues[0]!;
    expect(main.surgeStartedAtSeconds).toBe(60);
    expect(main.waitedPastThreshold).toBeGreaterThan(0);
    expect(main.waitedPastThresholdOffered).toBe(main.waitedPastThreshold);
    // Everyone takes the offer, a second later: all but those answered (or ringing) meanwhile.
    expect(main.callbacksRequested).toBeLessThanOrEqual(main.callbacksOffered);
    expect(main.callbacksRequested).toBeGreaterThan(0.9 * main.callbacksOffered);
    expect(r.arrivals).toBe(600);
  });

  it('watching without automatic queues changes nothing in the run', () => {
    const manual = scenario().queues.map((q) => ({ ...q, config: queueConfig('main') }));
    const plain = simulate(scenario({ queues: manual }));
    const watched = simulate(scenario({ queues: manual, surge: {} }));
    expect(plain.surge).toBeUndefined();
    expect(watched.surge?.changes).toEqual([]);
    expect(watched.serviceLevel).toBe(plain.serviceLevel);
    expect(watched.engineCommands).toBe(plain.engineCommands);
  });
});
