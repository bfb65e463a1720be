import { describe, expect, it } from 'vitest';
import { RoutingEngine } from './engine.js';
import type { BusinessHours } from './model/hours.js';
import type { QueueConfig } from './model/queue.js';
import { agentProfile, contactInput, EngineHarness, queueConfig } from './testing/fixtures.js';

/** 2026-12-07 (a Monday) 10:00 in Shanghai (UTC+8, no DST). */
const MONDAY_10_SHANGHAI = Date.parse('2026-12-07T10:00:00+08:00');
const HOUR = 3_600_000;

/** Open every day 09:00–18:00 Shanghai time. */
const DAYTIME: BusinessHours = {
  timeZone: 'Asia/Shanghai',
  weekly: [1, 2, 3, 4, 5, 6, 7].map((isoWeekday) => ({ isoWeekday, windows: [{ open: '09:00', close: '18:00' }] })),
  holidays: [],
};

/** A harness whose queues are configured by command (so their hours timers are scheduled). */
function harness(queues: readonly QueueConfig[], startMs = MONDAY_10_SHANGHAI): EngineHarness {
  const h = new EngineHarness([], startMs);
  for (const queue of queues) h.apply({ type: 'UPSERT_QUEUE', queue });
  return h;
}

describe('business hours', () => {
  it('rejects an arrival after closing with the closed action, and queues it again after opening', () => {
    const closed = { kind: 'CALLBACK_OFFER' as const, message: { zh: '我们已下班', en: 'We are closed' } };
    const h = harness([queueConfig('q1', { hours: DAYTIME, closedAction: closed })]);
    h.advance(8 * HOUR + 1); // 18:00:00.001
    expect(h.ofType('QueueHoursChanged')).toMatchObject([{ queueId: 'q1', open: false, reason: 'SCHEDULE', nextChangeMs: Date.parse('2026-12-08T09:00:00+08:00') }]);
    const r = h.apply({ type: 'ARRIVE', contact: contactInput('c1', 'q1', h.now) });
    expect(r.outcome).toEqual({ kind: 'rejected', contactId: 'c1', reason: 'CLOSED' });
    expect(h.ofType('ContactRejected')[0]).toMatchObject({ reason: 'CLOSED', action: closed });
    h.advance(15 * HOUR); // next morning, 09:00
    expect(h.ofType('QueueHoursChanged').at(-1)).toMatchObject({ open: true, reason: 'SCHEDULE' });
    expect(h.apply({ type: 'ARRIVE', contact: contactInput('c2', 'q1', h.now) }).outcome.kind).toBe('queued');
  });

  it('overflows a closed queue to an open one, keeping the age', () => {
    const h = harness([
      queueConfig('night', {}),
      queueConfig('q1', { hours: DAYTIME, closedAction: { kind: 'OVERFLOW', targetQueueId: 'night' } }),
    ]);
    h.advance(9 * HOUR);
    const arrivedAtMs = h.now - 5_000;
    expect(h.apply({ type: 'ARRIVE', contact: contactInput('c1', 'q1', arrivedAtMs) }).outcome.kind).toBe('queued');
    expect(h.ofType('ContactOverflowed')[0]).toMatchObject({ queueId: 'q1', toQueueId: 'night' });
    expect(h.engine.contact('c1')).toMatchObject({ queueId: 'night', history: ['q1'], arrivedAtMs });
  });

  it('gives waiting contacts the closed action when a holiday added today closes the queue; callbacks keep their place', () => {
    const h = harness([queueConfig('q1', { hours: DAYTIME })]);
    h.apply({ type: 'ARRIVE', contact: contactInput('c1', 'q1', h.now) });
    h.apply({ type: 'ARRIVE', contact: contactInput('c2', 'q1', h.now) });
    h.apply({ type: 'REQUEST_CALLBACK', contactId: 'c2', number: '+8613800138000' });
    const holiday = { ...DAYTIME, holidays: [{ date: '2026-12-07', name: 'storm closure', windows: [] }] };
    h.apply({ type: 'UPSERT_QUEUE', queue: queueConfig('q1', { hours: holiday }) });
    expect(h.ofType('QueueHoursChanged').at(-1)).toMatchObject({ open: false, reason: 'CONFIG' });
    expect(h.ofType('ContactExpired')).toMatchObject([{ contactId: 'c1', reason: 'CLOSED', action: { kind: 'MESSAGE' } }]);
    expect(h.engine.contact('c2')).toMatchObject({ state: 'QUEUED', held: { reason: 'QUEUE_CLOSED' } });
    h.apply({ type: 'SIGN_IN', agent: agentProfile('a1', ['q1']) });
    expect(h.engine.contact('c2')?.state).toBe('QUEUED'); // nobody is called back while closed
    h.advance(23 * HOUR); // opens 09:00 the next day
    expect(h.ofType('QueueHoursChanged').at(-1)).toMatchObject({ open: true, reason: 'SCHEDULE' });
    expect(h.engine.contact('c2')?.state).toBe('OFFERED');
  });

  it("closes at once on a supervisor's emergency closure and reopens when it is cleared", () => {
    const h = harness([queueConfig('q1')]);
    h.apply({ type: 'UPSERT_QUEUE', queue: queueConfig('q1', { emergencyClosedReason: 'system outage' }) });
    expect(h.ofType('QueueHoursChanged')).toMatchObject([{ open: false, reason: 'EMERGENCY' }]);
    expect(h.engine.queueMode('q1')?.open).toBe(false);
    h.apply({ type: 'UPSERT_QUEUE', queue: queueConfig('q1') });
    expect(h.ofType('QueueHoursChanged').at(-1)).toMatchObject({ open: true, reason: 'CONFIG' });
  });

  it('refuses hours it cannot honour', () => {
    const h = harness([]);
    const bad = { ...DAYTIME, timeZone: 'Mars/Olympus' };
    expect(() => h.apply({ type: 'UPSERT_QUEUE', queue: queueConfig('q1', { hours: bad }) })).toThrowError(/hours/);
  });
});

describe('queued callback', () => {
  it('keeps its place: offered after the contacts that arrived earlier and before those that arrived later', () => {
    const h = harness([queueConfig('q1', { wrapUpSeconds: 0 })]);
    for (const id of ['c1', 'c2', 'c3']) {
      h.apply({ type: 'ARRIVE', contact: contactInput(id, 'q1', h.now) });
      h.advance(1000);
    }
    h.apply({ type: 'REQUEST_CALLBACK', contactId: 'c2', number: '+8613800138000' });
    expect(h.ofType('CallbackRequested')).toMatchObject([{ contactId: 'c2', number: '+8613800138000' }]);
    expect(h.apply({ type: 'ABANDON', contactId: 'c2' }).outcome.kind).toBe('stale'); // the caller hung up on purpose
    expect(h.engine.position('c2')).toBe(2);
    h.apply({ type: 'SIGN_IN', agent: agentProfile('a1', ['q1']) });
    const served: string[] = [];
    for (let i = 0; i < 3; i++) {
      const offer = h.ofType('ContactOffered').at(-1)!;
      served.push(offer.contactId);
      h.apply({ type: 'ACCEPT', contactId: offer.contactId, agentId: 'a1', offerToken: offer.offerToken });
      h.apply({ type: 'COMPLETE', contactId: offer.contactId, agentId: 'a1', disposition: 'resolved' });
    }
    expect(served).toEqual(['c1', 'c2', 'c3']);
    expect(h.ofType('CallbackDialing')).toMatchObject([{ contactId: 'c2', agentId: 'a1', number: '+8613800138000', attempt: 1 }]);
  });

  it('retries a failed dial after the policy delay at its place, then expires when the attempts are used up', () => {
    const h = harness([queueConfig('q1', { callback: { maxAttempts: 2, retryAfterSeconds: 60 }, expiredAction: { kind: 'MESSAGE' } })]);
    h.apply({ type: 'ARRIVE', contact: contactInput('c1', 'q1', h.now) });
    h.apply({ type: 'REQUEST_CALLBACK', contactId: 'c1', number: '+4930123456' });
    h.apply({ type: 'SIGN_IN', agent: agentProfile('a1', ['q1']) });
    const first = h.lastOffer('c1')!;
    h.apply({ type: 'ACCEPT', contactId: 'c1', agentId: 'a1', offerToken: first.offerToken });
    h.apply({ type: 'CALLBACK_FAILED', contactId: 'c1', reason: 'no-answer' });
    expect(h.ofType('CallbackFailed')).toMatchObject([{ attempt: 1, reason: 'no-answer', retryAtMs: h.now + 60_000 }]);
    expect(h.engine.contact('c1')).toMatchObject({ state: 'QUEUED', held: { reason: 'CALLBACK_RETRY' } });
    expect(h.engine.agent('a1')?.used.phone).toBe(0);
    h.advance(59_999);
    expect(h.engine.contact('c1')?.state).toBe('QUEUED');
    h.advance(1);
    const second = h.lastOffer('c1')!;
    expect(second.offerToken).not.toBe(first.offerToken);
    h.apply({ type: 'ACCEPT', contactId: 'c1', agentId: 'a1', offerToken: second.offerToken });
    expect(h.ofType('CallbackDialing').at(-1)).toMatchObject({ attempt: 2 });
    h.apply({ type: 'CALLBACK_FAILED', contactId: 'c1', reason: 'busy' });
    expect(h.ofType('ContactExpired')).toMatchObject([{ contactId: 'c1', reason: 'CALLBACK_FAILED' }]);
    expect(h.engine.contact('c1')).toBeUndefined();
  });

  it('refuses a number that is not E.164 with its own code', () => {
    const h = harness([queueConfig('q1')]);
    h.apply({ type: 'ARRIVE', contact: contactInput('c1', 'q1', h.now) });
    expect(() => h.apply({ type: 'REQUEST_CALLBACK', contactId: 'c1', number: '13800138000' })).toThrowError(/INVALID_CALLBACK_NUMBER|E\.164/);
  });

  it('is not expired by max wait: its customer is no longer on the line', () => {
    const h = harness([queueConfig('q1', { maxWaitSeconds: 60 })]);
    h.apply({ type: 'ARRIVE', contact: contactInput('c1', 'q1', h.now) });
    h.apply({ type: 'ARRIVE', contact: contactInput('c2', 'q1', h.now) });
    h.apply({ type: 'REQUEST_CALLBACK', contactId: 'c1', number: '+8613800138000' });
    h.advance(61_000);
    expect(h.ofType('ContactExpired')).toMatchObject([{ contactId: 'c2', reason: 'MAX_WAIT', action: { kind: 'MESSAGE' } }]);
    expect(h.engine.contact('c1')?.state).toBe('QUEUED');
  });
});

describe('surge mode', () => {
  const surgeQueue = queueConfig('q1', {
    rings: [{ afterSeconds: 300, proficiencyDrop: 2 }],
    requiredSkills: [{ skill: 'billing', minProficiency: 4 }],
    surge: { auto: true, callbackOfferAfterSeconds: 30, deferEmailBelowPriority: 5, horizonSeconds: 900 },
  });

  it('widens rings at once, offers non-VIP callers a callback past the threshold, and defers non-urgent email', () => {
    const h = harness([surgeQueue]);
    h.apply({ type: 'ARRIVE', contact: contactInput('early', 'q1', h.now) });
    h.apply({ type: 'ARRIVE', contact: contactInput('vip', 'q1', h.now, { tier: 'VIP2' }) });
    h.apply({ type: 'ARRIVE', contact: contactInput('mail', 'q1', h.now, { channel: 'email' }) });
    h.advance(40_000);
    h.apply({ type: 'ARRIVE', contact: contactInput('late', 'q1', h.now) });
    h.apply({ type: 'SET_SURGE', queueId: 'q1', active: true, source: 'FORECAST', reason: 'forecast service level 61% < target 80%', predictedServiceLevel: 0.61 });
    expect(h.ofType('QueueSurgeChanged')).toMatchObject([{ queueId: 'q1', active: true, source: 'FORECAST', predictedServiceLevel: 0.61 }]);
    expect(h.engine.contact('early')?.ring).toBe(1);
    expect(h.ofType('CallbackOffered').map((e) => e.contactId)).toEqual(['early']);
    expect(h.engine.contact('mail')?.held).toEqual({ reason: 'SURGE_DEFERRED' });
    h.advance(30_000);
    expect(h.ofType('CallbackOffered').map((e) => e.contactId)).toEqual(['early', 'late']);
    // A mid-proficiency agent serves the widened ring; the deferred email waits.
    h.apply({ type: 'SIGN_IN', agent: agentProfile('a1', ['q1'], { skills: { billing: 2 }, capacity: { phone: 3, chat: 0, email: 5, wechat: 0 } }) });
    expect(['early', 'vip', 'late'].map((id) => h.engine.contact(id)?.state)).toEqual(['OFFERED', 'OFFERED', 'OFFERED']);
    h.apply({ type: 'SIGN_IN', agent: agentProfile('a2', ['q1'], { skills: { billing: 5 }, capacity: { phone: 0, chat: 0, email: 5, wechat: 0 } }) });
    expect(h.engine.contact('mail')?.state).toBe('QUEUED');
    h.apply({ type: 'SET_SURGE', queueId: 'q1', active: false, source: 'FORECAST', reason: 'forecast back above target' });
    expect(h.engine.contact('mail')).toMatchObject({ state: 'OFFERED', agentId: 'a2' });
  });

  it("pins a supervisor's switch against the forecast until released", () => {
    const h = harness([surgeQueue]);
    h.apply({ type: 'SET_SURGE', queueId: 'q1', active: true, source: 'SUPERVISOR', reason: 'product recall', by: 'sup-1' });
    expect(h.apply({ type: 'SET_SURGE', queueId: 'q1', active: false, source: 'FORECAST', reason: 'forecast fine' }).outcome.kind).toBe('stale');
    expect(h.engine.queueMode('q1')?.surge).toMatchObject({ active: true, pinned: true, source: 'SUPERVISOR' });
    h.apply({ type: 'SET_SURGE', queueId: 'q1', active: true, source: 'SUPERVISOR', release: true, reason: 'back to the forecast', by: 'sup-1' });
    expect(h.apply({ type: 'SET_SURGE', queueId: 'q1', active: false, source: 'FORECAST', reason: 'forecast fine' }).outcome.kind).toBe('applied');
    expect(h.ofType('QueueSurgeChanged').map((e) => [e.active, e.source, e.by])).toEqual([
      [true, 'SUPERVISOR', 'sup-1'], [true, 'SUPERVISOR', 'sup-1'], [false, 'FORECAST', undefined],
    ]);
  });
});

describe('checkpoint image', () => {
  it('keeps callbacks, holds, surge and opening state across capture and restore', () => {
    const h = harness([queueConfig('q1', { hours: DAYTIME, surge: { auto: true, callbackOfferAfterSeconds: 0, deferEmailBelowPriority: 5, horizonSeconds: 900 } })]);
    h.apply({ type: 'ARRIVE', contact: contactInput('c1', 'q1', h.now) });
    h.apply({ type: 'ARRIVE', contact: contactInput('m1', 'q1', h.now, { channel: 'email' }) });
    h.apply({ type: 'REQUEST_CALLBACK', contactId: 'c1', number: '+8613800138000' });
    h.apply({ type: 'SET_SURGE', queueId: 'q1', active: true, source: 'SUPERVISOR', reason: 'recall' });
    const image = h.engine.capture();
    const restored = RoutingEngine.restore({ domainId: 'd1', ruleVersion: 'test-1' }, image);
    expect(restored.capture()).toEqual(image);
    expect(restored.contact('c1')?.callback).toEqual({ number: '+8613800138000', attempts: 0 });
    expect(restored.contact('m1')?.held).toEqual({ reason: 'SURGE_DEFERRED' });
    expect(restored.queueMode('q1')).toMatchObject({ open: true, nextChangeMs: Date.parse('2026-12-07T18:00:00+08:00'), surge: { active: true, pinned: true } });
  });
});

describe('callbacks in the KPIs', () => {
  it('counts a callback once: answered when its dial reached the customer, failed dials apart, the agent free between', async () => {
    const { KpiAccumulator } = await import('./kpi/kpi-accumulator.js');
    const h = harness([queueConfig('q1', { callback: { maxAttempts: 3, retryAfterSeconds: 10 } })]);
    h.apply({ type: 'ARRIVE', contact: contactInput('c1', 'q1', h.now) });
    h.apply({ type: 'REQUEST_CALLBACK', contactId: 'c1', number: '+8613800138000' });
    h.apply({ type: 'ABANDON', contactId: 'c1' }); // the caller hangs up: stale, not an abandonment
    h.apply({ type: 'SIGN_IN', agent: agentProfile('a1', ['q1']) });
    h.apply({ type: 'ACCEPT', contactId: 'c1', agentId: 'a1', offerToken: h.lastOffer('c1')!.offerToken });
    h.apply({ type: 'CALLBACK_FAILED', contactId: 'c1', reason: 'no-answer' });
    h.advance(10_000);
    h.apply({ type: 'ACCEPT', contactId: 'c1', agentId: 'a1', offerToken: h.lastOffer('c1')!.offerToken });
    h.advance(60_000);
    h.apply({ type: 'COMPLETE', contactId: 'c1', agentId: 'a1', disposition: 'resolved' });
    const kpis = new KpiAccumulator();
    for (const e of h.events) kpis.add(e);
    const q = kpis.snapshot().queues.find((x) => x.queueId === 'q1')!;
    expect(q).toMatchObject({ contacts: 1, answered: 1, abandoned: 0, callbacksRequested: 1, callbacksConnected: 1, callbackDialsFailed: 1, accepted: 2 });
  });
});

// Counterexamples the property tests (engine.property.test.ts) shrank to, kept as plain tests.
describe('found by the properties', () => {
  /** 10:00–10:03 and 10:06–10:10 every day, Shanghai time. */
  const SHORT: BusinessHours = { ...DAYTIME, weekly: DAYTIME.weekly.map((d) => ({ ...d, windows: [{ open: '10:00', close: '10:03' }, { open: '10:06', close: '10:10' }] })) };
  /** Opens at 10:01 (closed at 10:00). */
  const LATER: BusinessHours = { ...DAYTIME, weekly: DAYTIME.weekly.map((d) => ({ ...d, windows: [{ open: '10:01', close: '10:04' }] })) };

  it('a wait overflow does not send a contact into a queue that has closed: it stays and is served where it is', () => {
    const h = harness([
      queueConfig('sales', { hours: SHORT, closedAction: { kind: 'OVERFLOW', targetQueueId: 'gen' } }),
      queueConfig('after', { hours: LATER, overflow: { targetQueueId: 'sales', afterSeconds: 60 } }),
      queueConfig('gen'),
    ]);
    h.advance(120_000); // 10:02: after is open
    h.apply({ type: 'ARRIVE', contact: contactInput('c0', 'after', h.now) });
    h.advance(60_000); // 10:03: sales closes as c0's overflow falls due
    expect(h.ofType('ContactOverflowed')).toEqual([]);
    expect(h.engine.contact('c0')).toMatchObject({ queueId: 'after', state: 'QUEUED' });
    h.apply({ type: 'SIGN_IN', agent: agentProfile('a1', ['after']) });
    expect(h.engine.contact('c0')?.state).toBe('OFFERED');
  });

  it('a contact transferred to a closed queue gets its closed action (a callback is held until it opens)', () => {
    const h = harness([queueConfig('gen'), queueConfig('after', { hours: LATER, closedAction: { kind: 'MESSAGE' } })]);
    h.apply({ type: 'ARRIVE', contact: contactInput('c0', 'gen', h.now) });
    h.apply({ type: 'ARRIVE', contact: contactInput('c1', 'gen', h.now) });
    h.apply({ type: 'REQUEST_CALLBACK', contactId: 'c1', number: '+8613800138000' });
    h.apply({ type: 'SIGN_IN', agent: agentProfile('a1', ['after']) });
    h.apply({ type: 'TRANSFER', contactId: 'c0', target: { kind: 'queue', queueId: 'after' } });
    h.apply({ type: 'TRANSFER', contactId: 'c1', target: { kind: 'queue', queueId: 'after' } });
    expect(h.ofType('ContactExpired')).toMatchObject([{ contactId: 'c0', queueId: 'after', reason: 'CLOSED', action: { kind: 'MESSAGE' } }]);
    expect(h.engine.contact('c1')).toMatchObject({ queueId: 'after', state: 'QUEUED', held: { reason: 'QUEUE_CLOSED' } });
    expect(h.ofType('ContactOffered')).toEqual([]);
    h.advance(60_000); // 10:01: opens
    expect(h.engine.contact('c1')).toMatchObject({ state: 'OFFERED', agentId: 'a1' });
  });

  it('an offer refused after its queue closed is not offered again from the closed queue', () => {
    const h = harness([queueConfig('q1', { hours: SHORT, closedAction: { kind: 'MESSAGE' }, offerTimeoutSeconds: 600 })]);
    h.apply({ type: 'SIGN_IN', agent: agentProfile('a1', ['q1']) });
    h.apply({ type: 'SIGN_IN', agent: agentProfile('a2', ['q1']) });
    h.apply({ type: 'ARRIVE', contact: contactInput('c0', 'q1', h.now) });
    h.advance(180_000); // 10:03: closed, the offer still ringing
    const offer = h.lastOffer('c0')!;
    h.apply({ type: 'DECLINE', contactId: 'c0', agentId: offer.agentId, offerToken: offer.offerToken, reason: 'busy' });
    expect(h.ofType('ContactOffered')).toHaveLength(1);
    expect(h.ofType('ContactExpired')).toMatchObject([{ contactId: 'c0', reason: 'CLOSED' }]);
  });

  it('a caller back in a surging queue after a missed offer is offered a callback', () => {
    const h = harness([queueConfig('gen', { stickyAgentWaitSeconds: 15, offerTimeoutSeconds: 8, surge: { auto: true, callbackOfferAfterSeconds: 0, deferEmailBelowPriority: 1, horizonSeconds: 900 } })]);
    h.apply({ type: 'SIGN_IN', agent: agentProfile('a0', ['gen']) });
    h.apply({ type: 'SET_SURGE', queueId: 'gen', active: true, source: 'FORECAST', reason: 'forecast' });
    h.apply({ type: 'ARRIVE', contact: contactInput('c0', 'gen', h.now) });
    expect(h.engine.contact('c0')?.state).toBe('OFFERED');
    h.advance(8_000); // RONA: back at its place, a0 passed over for a while
    expect(h.engine.contact('c0')).toMatchObject({ state: 'QUEUED', callbackOffered: true });
    expect(h.ofType('CallbackOffered').map((e) => e.contactId)).toEqual(['c0']);
  });

  it('an email declined back into a surging queue is deferred, not offered again', () => {
    const h = harness([queueConfig('gen', { surge: { auto: true, callbackOfferAfterSeconds: 0, deferEmailBelowPriority: 3, horizonSeconds: 900 } })]);
    h.apply({ type: 'SIGN_IN', agent: agentProfile('a0', ['gen']) });
    h.apply({ type: 'SIGN_IN', agent: agentProfile('a1', ['gen']) });
    h.apply({ type: 'ARRIVE', contact: contactInput('m0', 'gen', h.now, { channel: 'email' }) });
    h.apply({ type: 'SET_SURGE', queueId: 'gen', active: true, source: 'SUPERVISOR', reason: 'recall' });
    const offer = h.lastOffer('m0')!;
    h.apply({ type: 'DECLINE', contactId: 'm0', agentId: offer.agentId, offerToken: offer.offerToken, reason: 'later' });
    expect(h.engine.contact('m0')).toMatchObject({ state: 'QUEUED', held: { reason: 'SURGE_DEFERRED' } });
    expect(h.ofType('ContactOffered')).toHaveLength(1);
  });

  it('the forecast does not switch on surge for a queue whose policy is not auto', () => {
    const h = harness([queueConfig('gen')]);
    expect(h.apply({ type: 'SET_SURGE', queueId: 'gen', active: true, source: 'FORECAST', reason: 'forecast' }).outcome.kind).toBe('stale');
    expect(h.engine.queueMode('gen')?.surge.active).toBe(false);
    h.apply({ type: 'SET_SURGE', queueId: 'gen', active: true, source: 'SUPERVISOR', release: true, reason: 'hand back', by: 'sup-1' });
    expect(h.apply({ type: 'SET_SURGE', queueId: 'gen', active: false, source: 'FORECAST', reason: 'fine' }).outcome.kind).toBe('stale');
  });

  it('an agent freed after closing time takes nothing from the closed queue, even before its QUEUE_HOURS timer is handed back', () => {
    const h = harness([queueConfig('q1', { hours: SHORT })]);
    h.apply({ type: 'SIGN_IN', agent: agentProfile('a1', ['q1']) });
    h.apply({ type: 'ARRIVE', contact: contactInput('c0', 'q1', h.now) });
    h.apply({ type: 'ARRIVE', contact: contactInput('c1', 'q1', h.now) });
    h.apply({ type: 'ACCEPT', contactId: 'c0', agentId: 'a1', offerToken: h.lastOffer('c0')!.offerToken });
    // 10:04 on the engine's clock; the timer due at 10:03 is late and still to come.
    const r = h.engine.apply({ type: 'COMPLETE', contactId: 'c0', agentId: 'a1', disposition: 'ok' }, h.now + 240_000);
    expect(r.events.map((e) => e.type)).toEqual(['ContactCompleted', 'WrapUpEnded']);
    expect(h.engine.contact('c1')?.state).toBe('QUEUED');
  });
});
