import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AgentProfile } from './model/agent.js';
import type { Channel } from './model/channel.js';
import type { ContactInput } from './model/contact.js';
import type { BusinessHours, OpeningWindow } from './model/hours.js';
import type { QueueConfig, SelectionStrategy } from './model/queue.js';
import { RoutingEngine } from './engine.js';
import { isRoutingError } from './errors.js';
import { agentProfile, queueConfig } from './testing/fixtures.js';
import { PropertyRun } from './testing/property-run.js';

// A small universe where every rule can bite: a VIP queue with a pool, a skills queue with rings,
// overflow and a size limit, a sticky general queue; agents of mixed skills, languages, capacities.
const queuesFor = (strategy: SelectionStrategy): QueueConfig[] => [
  queueConfig('vip', { kind: 'VIP', vipPool: { teams: ['gold'], agentIds: [], overflowToGeneralAfterSeconds: 20 }, offerTimeoutSeconds: 10, wrapUpSeconds: 5, maxWaitSeconds: 120, strategy }),
  queueConfig('pri', {
    agingRatePerSecond: 0.5, strategy, maxSize: 6, overflow: { targetQueueId: 'gen', afterSeconds: 50 }, wrapUpSeconds: 3,
    requiredSkills: [{ skill: 'billing', minProficiency: 4 }, { skill: 'french', minProficiency: 3, optional: true }],
    rings: [{ afterSeconds: 10, proficiencyDrop: 1 }, { afterSeconds: 25, dropOptionalSkills: true }, { afterSeconds: 40, minProficiency: 1 }],
  }),
  // The gold team is gen's backup team: held back until its ring (no base teams).
  queueConfig('gen', { agingRatePerSecond: 0.1, stickyAgentWaitSeconds: 15, strategy: 'LEAST_OCCUPIED', offerTimeoutSeconds: 8, rings: [{ afterSeconds: 12, addTeams: ['gold'] }] }),
];
const AGENTS: AgentProfile[] = [
  // a0 ranks VIP last among its queues: VIP precedence must still win.
  agentProfile('a0', ['pri', 'gen', 'vip'], { team: 'gold', skills: { billing: 5, french: 4 }, languages: ['en', 'zh'], capacity: { phone: 1, chat: 2, email: 2 } }),
  agentProfile('a1', ['pri', 'gen', 'vip'], { skills: { billing: 3 }, capacity: { phone: 1, chat: 3 }, allowBlendWithPhone: true }),
  agentProfile('a2', ['gen', 'pri'], { skills: { billing: 4, french: 2 }, languages: ['zh'], capacity: { chat: 2, email: 1, wechat: 1 } }),
  agentProfile('a3', ['vip', 'gen'], { team: 'gold', skills: { billing: 1 }, capacity: { phone: 1 } }),
  agentProfile('a4', ['gen'], { languages: ['en', 'zh'], capacity: { email: 3, chat: 1 } }),
];
const QUEUE_IDS = ['vip', 'pri', 'gen'] as const;
// Two aging PRIORITY queues that every agent serves (a0/a1 rank them differently), no VIP.
const AGING_QUEUES: QueueConfig[] = [
  queueConfig('pri', {
    agingRatePerSecond: 2, strategy: 'BEST_PROFICIENCY', offerTimeoutSeconds: 6, wrapUpSeconds: 2, stickyAgentWaitSeconds: 5,
    requiredSkills: [{ skill: 'billing', minProficiency: 3 }], teams: ['general'], rings: [{ afterSeconds: 8, minProficiency: 1, addTeams: ['gold'] }],
  }),
  queueConfig('gen', { agingRatePerSecond: 0.25, offerTimeoutSeconds: 9, maxSize: 8, overflow: { targetQueueId: 'pri', afterSeconds: 30 } }),
];
// What the waiting customer lives through: opening hours in Asia/Shanghai that open and close
// within the simulated span (it starts at 10:00 on Monday 2026-12-07 and runs under an hour or
// so), a closed action that overflows to an always-open queue and one that leaves a message,
// surge policies with a callback offer and email deferral, callback retries, and a VIP queue.
const CUSTOMER_START_MS = Date.parse('2026-12-07T10:00:00+08:00');
const TODAY = '2026-12-07';
const WINDOW_SETS: readonly (readonly OpeningWindow[])[] = [
  [{ open: '10:00', close: '10:03' }, { open: '10:06', close: '10:10' }, { open: '10:14', close: '10:21' }, { open: '10:25', close: '11:30' }],
  [{ open: '09:00', close: '10:02' }, { open: '10:05', close: '10:08' }, { open: '10:12', close: '18:00' }],
  [{ open: '10:01', close: '10:04' }, { open: '10:09', close: '10:30' }, { open: '10:40', close: '10:50' }],
];
const HOLIDAY_SETS = [
  [],
  [{ date: TODAY, name: 'storm closure', windows: [] }],
  [{ date: TODAY, name: 'short day', windows: [{ open: '10:00', close: '10:05' }, { open: '10:11', close: '12:00' }] }],
] as const;
const hoursOf = (w: number, h: number): BusinessHours => ({
  timeZone: 'Asia/Shanghai',
  weekly: [1, 2, 3, 4, 5, 6, 7].map((isoWeekday) => ({ isoWeekday, windows: WINDOW_SETS[w % WINDOW_SETS.length] ?? [] })),
  holidays: HOLIDAY_SETS[h % HOLIDAY_SETS.length] ?? [],
});
const SURGE = { auto: true, callbackOfferAfterSeconds: 20, deferEmailBelowPriority: 3, horizonSeconds: 900 };
const customerQueues = (strategy: SelectionStrategy): QueueConfig[] => [
  queueConfig('vip', { kind: 'VIP', vipPool: { teams: ['gold'], agentIds: [], overflowToGeneralAfterSeconds: 20 }, offerTimeoutSeconds: 10, wrapUpSeconds: 5, strategy,
    surge: { ...SURGE, callbackOfferAfterSeconds: 0 } }),
  queueConfig('sales', {
    strategy, hours: hoursOf(0, 0), closedAction: { kind: 'OVERFLOW', targetQueueId: 'gen', message: { zh: '已下班', en: 'closed' } },
    requiredSkills: [{ skill: 'billing', minProficiency: 4 }], rings: [{ afterSeconds: 15, proficiencyDrop: 2 }], maxWaitSeconds: 150,
    callback: { maxAttempts: 2, retryAfterSeconds: 30 }, surge: SURGE, wrapUpSeconds: 3, agingRatePerSecond: 0.2,
  }),
  queueConfig('after', {
    strategy, hours: hoursOf(2, 0), closedAction: { kind: 'MESSAGE', message: { zh: '明天再来', en: 'come back tomorrow' } },
    overflow: { targetQueueId: 'sales', afterSeconds: 60 }, maxSize: 5, offerTimeoutSeconds: 8,
    callback: { maxAttempts: 3, retryAfterSeconds: 10 }, surge: { ...SURGE, deferEmailBelowPriority: 5, callbackOfferAfterSeconds: 45 },
    rings: [{ afterSeconds: 20, addTeams: ['gold'] }],
  }),
  queueConfig('gen', { strategy: 'LEAST_OCCUPIED', stickyAgentWaitSeconds: 15, maxWaitSeconds: 240, offerTimeoutSeconds: 8 }),
];
/** Runs of the customer properties: a few seconds in CI; raise (thousands) to run them hard locally. */
const CUSTOMER_RUNS = 50;
const CUSTOMER_QUEUE_IDS = ['vip', 'sales', 'after', 'gen'] as const;
const CUSTOMER_AGENTS: AgentProfile[] = [
  agentProfile('a0', ['sales', 'gen', 'vip', 'after'], { team: 'gold', skills: { billing: 5 }, languages: ['en', 'zh'], capacity: { phone: 1, chat: 2, email: 2 } }),
  agentProfile('a1', ['sales', 'after', 'gen'], { skills: { billing: 2 }, capacity: { phone: 1, chat: 3, email: 1 }, allowBlendWithPhone: true }),
  agentProfile('a2', ['after', 'gen', 'vip'], { skills: { billing: 4 }, languages: ['zh', 'en'], capacity: { chat: 2, email: 1, wechat: 1, phone: 1 } }),
  agentProfile('a3', ['vip', 'after'], { team: 'gold', capacity: { phone: 1, email: 2 } }),
];

// Arrivals lean to multi-capacity channels so agents often pull several contacts at once.
const ARRIVAL_CHANNELS: Channel[] = ['phone', 'email', 'chat', 'wechat', 'chat', 'email'];

type Step =
  | { t: 'arrive'; q: number; ch: number; lang: number; base: number; pref: number; french: boolean }
  | { t: 'accept' | 'decline' | 'complete' | 'endWrap' | 'abandon'; k: number }
  | { t: 'transfer'; k: number; to: number }
  | { t: 'presence'; a: number; away: boolean }
  | { t: 'signIn' | 'signOut'; a: number }
  | { t: 'advance'; ms: number }
  | { t: 'refire'; k: number }
  | { t: 'reconfig'; min: number; strategy: SelectionStrategy }
  | { t: 'callback'; k: number; valid: boolean; n: number; connected: boolean }
  | { t: 'callbackFailed'; k: number; any: boolean }
  | { t: 'surge'; q: number; active: boolean; supervisor: boolean; release: boolean }
  | { t: 'hours'; q: number; w: number; h: number; emergency: boolean; none: boolean; surge: boolean }
  | { t: 'late'; k: number; ms: number }
  | { t: 'early'; k: number }
  | { t: 'abandonBy'; k: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ t: fc.constant('arrive' as const), q: fc.nat(2), ch: fc.nat(5), lang: fc.nat(2), base: fc.nat(5), pref: fc.nat(7), french: fc.boolean() }) },
  { weight: 6, arbitrary: fc.record({ t: fc.constantFrom('accept' as const, 'decline' as const, 'complete' as const, 'endWrap' as const, 'abandon' as const), k: fc.nat(9) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('transfer' as const), k: fc.nat(9), to: fc.nat(7) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('presence' as const), a: fc.nat(4), away: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constantFrom('signIn' as const, 'signOut' as const), a: fc.nat(4) }) },
  { weight: 5, arbitrary: fc.record({ t: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 30_000 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('refire' as const), k: fc.nat(50) }) },
  { weight: 1, arbitrary: fc.record({
    t: fc.constant('reconfig' as const), min: fc.integer({ min: 1, max: 5 }),
    strategy: fc.constantFrom<SelectionStrategy>('LONGEST_IDLE', 'BEST_PROFICIENCY', 'LEAST_OCCUPIED', 'ROUND_ROBIN'),
  }) },
);

// Refusals, arrivals and time: the mix that used to strand a contact beside its only decliner.
const refusalStep: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ t: fc.constant('arrive' as const), q: fc.nat(2), ch: fc.nat(5), lang: fc.nat(2), base: fc.nat(5), pref: fc.nat(7), french: fc.boolean() }) },
  { weight: 8, arbitrary: fc.record({ t: fc.constant('decline' as const), k: fc.nat(9) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constantFrom('accept' as const, 'complete' as const, 'endWrap' as const), k: fc.nat(9) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('presence' as const), a: fc.nat(4), away: fc.boolean() }) },
  { weight: 6, arbitrary: fc.record({ t: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 12_000 }) }) },
);

const customerStep: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ t: fc.constant('arrive' as const), q: fc.nat(3), ch: fc.nat(5), lang: fc.nat(2), base: fc.nat(5), pref: fc.nat(7), french: fc.constant(false) }) },
  { weight: 7, arbitrary: fc.record({ t: fc.constantFrom('accept' as const, 'decline' as const, 'complete' as const, 'endWrap' as const, 'abandon' as const), k: fc.nat(9) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('abandonBy' as const), k: fc.nat(9) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('transfer' as const), k: fc.nat(9), to: fc.nat(3) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('presence' as const), a: fc.nat(3), away: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constantFrom('signIn' as const, 'signOut' as const), a: fc.nat(3) }) },
  { weight: 6, arbitrary: fc.record({ t: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 90_000 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('refire' as const), k: fc.nat(50) }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('callback' as const), k: fc.nat(9), valid: fc.boolean(), n: fc.nat(3), connected: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('callbackFailed' as const), k: fc.nat(9), any: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('surge' as const), q: fc.nat(3), active: fc.boolean(), supervisor: fc.boolean(), release: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('hours' as const), q: fc.nat(3), w: fc.nat(2), h: fc.nat(2), emergency: fc.boolean(), none: fc.boolean(), surge: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('late' as const), k: fc.nat(20), ms: fc.integer({ min: 1, max: 120_000 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('early' as const), k: fc.nat(20) }) },
);

const CALLBACK_NUMBERS = ['+8613800138000', '+4930123456', '+14155550123', '+861234567'];
const BAD_NUMBERS = ['13800138000', '+0123456789', '+12', 'call me'];
/** The kinds of timer the harness may hand back late or early. */
const SHIFTABLE = new Set(['QUEUE_HOURS', 'HOLD_END', 'SURGE_CALLBACK_OFFER']);

/** Plays generated steps on a {@link PropertyRun}, which checks every invariant after every command. */
class Run extends PropertyRun {
  arrivals = 0;

  constructor(queues: readonly QueueConfig[], agents: readonly AgentProfile[] = AGENTS, private readonly queueIds: readonly string[] = QUEUE_IDS,
    opts: { startMs?: number; byCommand?: boolean } = {}) {
    super(queues, agents, opts);
  }

  run(s: Step): void {
    const pick = (ids: string[], k: number): string | undefined => ids[k % Math.max(1, ids.length)];
    switch (s.t) {
      case 'arrive': {
        const id = `c${this.arrivals++}`;
        const queueId = this.queueIds[s.q % this.queueIds.length] ?? 'gen';
        const input: ContactInput = {
          id, domain: 'p', channel: ARRIVAL_CHANNELS[s.ch] ?? 'phone', queueId, basePriority: s.base, tier: queueId === 'vip' ? 'VIP1' : 'STANDARD',
          arrivedAtMs: this.now - s.base * 1000, ...(s.lang < 2 ? { language: s.lang === 0 ? 'en' : 'zh' } : {}),
          ...(s.pref < 5 ? { preferredAgentId: `a${s.pref}` } : {}), ...(s.french ? { requiredSkills: [{ skill: 'french', minProficiency: 2 }] } : {}),
        };
        this.inputs.set(id, input);
        this.apply({ type: 'ARRIVE', contact: input });
        return;
      }
      case 'accept': case 'decline': {
        const id = pick(this.live(['OFFERED']), s.k);
        const c = id === undefined ? undefined : this.engine.contact(id);
        if (c?.agentId === undefined || c.offerToken === undefined) return;
        if (s.t === 'decline') return this.decline(c);
        this.apply({ type: 'ACCEPT', contactId: c.id, agentId: c.agentId, offerToken: c.offerToken });
        return;
      }
      case 'complete': case 'endWrap': {
        const id = pick(this.live([s.t === 'complete' ? 'CONNECTED' : 'WRAP_UP']), s.k);
        const c = id === undefined ? undefined : this.engine.contact(id);
        if (c?.agentId === undefined) return;
        this.apply(s.t === 'complete'
          ? { type: 'COMPLETE', contactId: c.id, agentId: c.agentId, disposition: 'ok' }
          : { type: 'END_WRAP_UP', contactId: c.id, agentId: c.agentId });
        return;
      }
      case 'abandon': {
        const id = pick(this.live(['QUEUED', 'OFFERED', 'CONNECTED']), s.k);
        if (id !== undefined) this.apply({ type: 'ABANDON', contactId: id });
        return;
      }
      case 'transfer': {
        const id = pick(this.live(['QUEUED', 'OFFERED', 'CONNECTED']), s.k);
        if (id === undefined) return;
        const target = s.to < 3
          ? { kind: 'queue' as const, queueId: this.queueIds[s.to % this.queueIds.length] ?? 'gen' }
          : { kind: 'agent' as const, agentId: `a${s.to - 3}` };
        this.apply({ type: 'TRANSFER', contactId: id, target });
        return;
      }
      case 'presence':
        this.apply({ type: 'SET_PRESENCE', agentId: `a${s.a}`, presence: s.away ? 'AWAY' : 'AVAILABLE', reason: 'break' });
        return;
      case 'signIn': {
        const agent = this.agents[s.a % this.agents.length];
        if (agent !== undefined) this.apply({ type: 'SIGN_IN', agent });
        return;
      }
      case 'signOut':
        this.apply({ type: 'SIGN_OUT', agentId: `a${s.a}` });
        return;
      case 'advance':
        return this.advance(s.ms);
      case 'reconfig': {
        // Same thresholds, new skill bar and strategy: agents and waiting contacts are re-indexed.
        const pri = this.queues.get('pri');
        if (pri === undefined) return;
        const next = { ...pri, strategy: s.strategy, requiredSkills: [{ skill: 'billing', minProficiency: s.min }, ...pri.requiredSkills.slice(1)] };
        this.queues.set('pri', next);
        this.apply({ type: 'UPSERT_QUEUE', queue: next });
        return;
      }
      case 'abandonBy': {
        const id = pick(this.live(['QUEUED', 'OFFERED']), s.k);
        if (id !== undefined) this.apply({ type: 'ABANDON', contactId: id, reason: 'ended-by-supervisor', by: 'sup-1' });
        return;
      }
      case 'callback': {
        const id = pick(this.live(s.connected ? ['CONNECTED', 'WRAP_UP'] : ['QUEUED', 'OFFERED']), s.k);
        if (id === undefined) return;
        const number = (s.valid ? CALLBACK_NUMBERS : BAD_NUMBERS)[s.n % 4] ?? '';
        this.apply({ type: 'REQUEST_CALLBACK', contactId: id, number });
        const code = this.lastError === undefined ? undefined : (this.lastError as { code?: string }).code;
        if (s.connected) expect(code, `callback asked of a ${this.engine.contact(id)?.state} contact`).toBe('ROUTING.INVALID_TRANSITION');
        else if (!s.valid) expect(code, `callback number ${number}`).toBe('ROUTING.INVALID_CALLBACK_NUMBER');
        else expect(code).toBeUndefined();
        return;
      }
      case 'callbackFailed': {
        const id = pick(this.live(['CONNECTED']).filter((x) => s.any || this.isCallback(x)), s.k);
        if (id === undefined) return;
        this.apply({ type: 'CALLBACK_FAILED', contactId: id, reason: 'no-answer' });
        if (!this.isCallback(id)) expect((this.lastError as { code?: string } | undefined)?.code).toBe('ROUTING.INVALID_TRANSITION');
        return;
      }
      case 'surge': {
        const queueId = this.queueIds[s.q % this.queueIds.length] ?? 'gen';
        this.apply({ type: 'SET_SURGE', queueId, active: s.active, source: s.supervisor ? 'SUPERVISOR' : 'FORECAST', reason: 'prop',
          ...(s.supervisor && s.release ? { release: true, by: 'sup-1' } : s.supervisor ? { by: 'sup-1' } : { predictedServiceLevel: 0.5 }) });
        return;
      }
      case 'hours': {
        // Hours, holidays and emergency closure edited; sometimes the surge policy too.
        const queueId = this.queueIds[s.q % this.queueIds.length] ?? 'gen';
        const q = this.queues.get(queueId);
        if (q === undefined) return;
        const { hours: _h, emergencyClosedReason: _e, surge: _s, ...rest } = q;
        const next: QueueConfig = { ...rest, ...(s.none ? {} : { hours: hoursOf(s.w, s.h) }), ...(s.emergency ? { emergencyClosedReason: 'system outage' } : {}),
          ...(s.surge ? { surge: { ...SURGE, deferEmailBelowPriority: 1 + s.w * 2, callbackOfferAfterSeconds: s.h * 15 } } : q.surge === undefined ? {} : { surge: q.surge }) };
        this.queues.set(queueId, next);
        this.apply({ type: 'UPSERT_QUEUE', queue: next });
        return;
      }
      case 'late': case 'early': {
        const shiftable = this.pending.filter((t) => SHIFTABLE.has(t.kind) && (s.t === 'late' || t.dueAtMs > this.now));
        const t = shiftable[s.k % Math.max(1, shiftable.length)];
        if (t === undefined) return;
        if (s.t === 'late') {
          this.late.set(t.id, (this.late.get(t.id) ?? 0) + s.ms);
          return;
        }
        const before = this.engine.snapshot().seq;
        this.pending.splice(this.pending.indexOf(t), 1);
        const r = this.apply({ type: 'TIMER_FIRED', timer: t });
        expect(r, 'a timer fired early must be a no-op').toEqual([]);
        expect(this.engine.snapshot().seq).toBe(before);
        return;
      }
      case 'refire': {
        const t = this.fired[s.k % Math.max(1, this.fired.length)];
        if (t === undefined) return;
        const before = this.engine.snapshot().seq;
        this.apply({ type: 'TIMER_FIRED', timer: t });
        expect(this.engine.snapshot().seq, 'a timer fired twice must be a no-op').toBe(before);
      }
    }
  }
}

/**
 * Plays `steps` on `run`, capturing an image after the first `cut`; the log after the cut,
 * replayed onto the engine restored from the image, must give the same events (ids, tokens,
 * explanations), errors, queries and final image as the live engine did.
 */
function checkRestore(run: Run, steps: readonly Step[], cut: number): void {
  const at = Math.min(cut, steps.length);
  steps.slice(0, at).forEach((s) => run.run(s));
  // A deep copy: the image must be plain data, sharing nothing with the live engine.
  const image = structuredClone(run.engine.capture());
  const from = run.log.length;
  steps.slice(at).forEach((s) => run.run(s));
  run.late.clear();
  run.advance(60_000);
  const restored = RoutingEngine.restore(run.engine.config, image);
  for (const entry of run.log.slice(from)) {
    try {
      expect(restored.apply(entry.cmd, entry.nowMs).events).toEqual(entry.events);
    } catch (e) {
      if (!isRoutingError(e)) throw e;
      expect(e.message).toBe(entry.error);
    }
  }
  expect(restored.capture()).toEqual(run.engine.capture());
  for (const id of run.inputs.keys()) expect(restored.contact(id)).toEqual(run.engine.contact(id));
  for (const id of run.queues.keys()) expect(restored.queueMode(id)).toEqual(run.engine.queueMode(id));
}

describe('routing engine properties (random command sequences)', () => {
  const strategies = fc.constantFrom<SelectionStrategy>('LONGEST_IDLE', 'BEST_PROFICIENCY', 'LEAST_OCCUPIED', 'ROUND_ROBIN');

  it('holds capacity, availability, eligibility, single-offer, order, VIP, kept-place and work-conservation invariants', () => {
    fc.assert(
      fc.property(strategies, fc.array(step, { minLength: 1, maxLength: 60 }), (strategy, steps) => {
        const run = new Run(queuesFor(strategy));
        for (const a of AGENTS.slice(0, 3)) run.apply({ type: 'SIGN_IN', agent: a });
        for (const s of steps) run.run(s);
      }),
      { numRuns: 200 },
    );
  });

  it('no waiting contact stays waiting beyond a bound while an eligible agent (decliners included after the lapse) sits idle', () => {
    // Few agents, many refusals: a decliner is often the only agent that may serve a contact.
    // The bound is the queue's offer timeout (the exclusion's cool-off); PropertyRun checks it
    // after every command and after every advance of the clock.
    fc.assert(
      fc.property(strategies, fc.array(refusalStep, { minLength: 1, maxLength: 80 }), fc.nat(3), (strategy, steps, signedIn) => {
        const run = new Run(queuesFor(strategy));
        for (const a of AGENTS.slice(0, 1 + signedIn)) run.apply({ type: 'SIGN_IN', agent: a });
        for (const s of steps) run.run(s);
        run.advance(60_000);
      }),
      { numRuns: 200 },
    );
  });

  it('under aging, no waiting contact in a PRIORITY queue exceeds its bound while eligible agents sit idle, nor is passed over for a lower priority', () => {
    // PRIORITY queues only, steep aging and spread base priorities, so aging reorders contacts
    // often; every offer is checked against the contacts the agent could have taken instead.
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 80 }), fc.nat(4), (steps, signedIn) => {
        const run = new Run(AGING_QUEUES, AGENTS, ['pri', 'gen']);
        for (const a of AGENTS.slice(0, 1 + signedIn)) run.apply({ type: 'SIGN_IN', agent: a });
        for (const s of steps) run.run(s);
        run.advance(120_000);
      }),
      { numRuns: 150 },
    );
  });

  const customerRun = (strategy: SelectionStrategy, signedIn: number): Run => {
    const run = new Run(customerQueues(strategy), CUSTOMER_AGENTS, CUSTOMER_QUEUE_IDS, { startMs: CUSTOMER_START_MS, byCommand: true });
    for (const a of CUSTOMER_AGENTS.slice(0, 1 + signedIn)) run.apply({ type: 'SIGN_IN', agent: a });
    return run;
  };

  it('business hours, callbacks, holds and surge: closed queues offer and admit nothing, held contacts are never offered, no contact is lost, late/early/twice timers are harmless', () => {
    fc.assert(
      fc.property(strategies, fc.array(customerStep, { minLength: 1, maxLength: 80 }), fc.nat(3), (strategy, steps, signedIn) => {
        const run = customerRun(strategy, signedIn);
        for (const s of steps) run.run(s);
        run.late.clear();
        run.advance(30 * 60_000);
      }),
      { numRuns: CUSTOMER_RUNS },
    );
  });

  it('an engine restored from an image of any state decides exactly as the original goes on to (hours, holds, callbacks, surge)', () => {
    fc.assert(
      fc.property(strategies, fc.array(customerStep, { minLength: 1, maxLength: 80 }), fc.nat(80), fc.nat(3), (strategy, steps, cut, signedIn) => {
        const run = customerRun(strategy, signedIn);
        checkRestore(run, steps, cut);
      }),
      { numRuns: Math.ceil(CUSTOMER_RUNS * 0.6) },
    );
  });

  it('an engine restored from an image of any state decides exactly as the original goes on to', () => {
    // A checkpoint is an image; the log after it is replayed onto the restored engine and must
    // give the same events (ids, tokens, explanations), errors and queries as the live engine did.
    fc.assert(
      fc.property(strategies, fc.array(step, { minLength: 1, maxLength: 80 }), fc.nat(80), (strategy, steps, cut) => {
        const run = new Run(queuesFor(strategy));
        for (const a of AGENTS.slice(0, 3)) run.apply({ type: 'SIGN_IN', agent: a });
        checkRestore(run, steps, cut);
      }),
      { numRuns: 300 },
    );
  });
});
