import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isRoutingError } from './errors.js';
import type { AgentProfile } from './model/agent.js';
import type { Channel } from './model/channel.js';
import type { RoutingCommand } from './model/command.js';
import type { ContactInput, ContactView } from './model/contact.js';
import type { RoutingEvent } from './model/event.js';
import type { QueueConfig, SelectionStrategy } from './model/queue.js';
import type { TimerRequest } from './model/timer.js';
import { RoutingEngine } from './engine.js';
import { agentProfile, queueConfig } from './testing/fixtures.js';
import { oracleEligible, oracleHasRoom, oraclePoolOpen, oraclePriority, oracleRing } from './testing/oracle.js';

// A small universe where every rule can bite: a VIP queue with a pool, a skills queue with rings,
// overflow and a size limit, a sticky general queue; agents of mixed skills, languages, capacities.
const queuesFor = (strategy: SelectionStrategy): QueueConfig[] => [
  queueConfig('vip', { kind: 'VIP', vipPool: { teams: ['gold'], agentIds: [], overflowToGeneralAfterSeconds: 20 }, offerTimeoutSeconds: 10, wrapUpSeconds: 5, maxWaitSeconds: 120, strategy }),
  queueConfig('pri', {
    agingRatePerSecond: 0.5, strategy, maxSize: 6, overflow: { targetQueueId: 'gen', afterSeconds: 50 }, wrapUpSeconds: 3,
    requiredSkills: [{ skill: 'billing', minProficiency: 4 }, { skill: 'french', minProficiency: 3, optional: true }],
    rings: [{ afterSeconds: 10, proficiencyDrop: 1 }, { afterSeconds: 25, dropOptionalSkills: true }, { afterSeconds: 40, minProficiency: 1 }],
  }),
  queueConfig('gen', { agingRatePerSecond: 0.1, stickyAgentWaitSeconds: 15, strategy: 'LEAST_OCCUPIED', offerTimeoutSeconds: 8 }),
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
const CHANNELS: Channel[] = ['phone', 'email', 'chat', 'wechat'];
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
  | { t: 'reconfig'; min: number; strategy: SelectionStrategy };

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

/** Runs steps against an engine, firing due timers, checking every invariant after every command. */
class Run {
  readonly engine: RoutingEngine;
  readonly queues: Map<string, QueueConfig>;
  now = 1_000_000;
  pending: TimerRequest[] = [];
  fired: TimerRequest[] = [];
  liveOffers = new Map<string, string>(); // contactId → agentId, from events only
  arrivals = 0;
  inputs = new Map<string, ContactInput>();

  constructor(strategy: SelectionStrategy) {
    const queues = queuesFor(strategy);
    this.queues = new Map(queues.map((q) => [q.id, q]));
    this.engine = new RoutingEngine({ domainId: 'p', ruleVersion: 'prop', queues });
  }

  apply(cmd: RoutingCommand): void {
    const vipBefore = this.live(['QUEUED']).map((id) => this.engine.contact(id)).filter((c) => c !== undefined && c.queueId === 'vip');
    const usedBefore = new Map(AGENTS.map((a) => [a.id, { ...(this.engine.agent(a.id)?.used ?? {}) } as Record<string, number>]));
    let events: readonly RoutingEvent[] = [];
    try {
      const r = this.engine.apply(cmd, this.now);
      events = r.events;
      this.pending.push(...r.timers);
    } catch (e) {
      if (!isRoutingError(e)) throw e;
      return;
    }
    this.checkEvents(events);
    this.checkVipPrecedence(events, vipBefore, usedBefore);
    // Timers due at this very instant are still to fire; state rules hold once they have.
    if (!this.pending.some((t) => t.dueAtMs <= this.now)) this.checkState();
  }

  live(states: string[]): string[] {
    return [...this.inputs.keys()].filter((id) => states.includes(this.engine.contact(id)?.state ?? '-'));
  }

  run(s: Step): void {
    const pick = (ids: string[], k: number): string | undefined => ids[k % Math.max(1, ids.length)];
    switch (s.t) {
      case 'arrive': {
        const id = `c${this.arrivals++}`;
        const queueId = QUEUE_IDS[s.q] ?? 'gen';
        const input: ContactInput = {
          id, domain: 'p', channel: ARRIVAL_CHANNELS[s.ch] ?? 'phone', queueId, basePriority: s.base, tier: queueId === 'vip' ? 'VIP1' : 'STANDARD',
          arrivedAtMs: this.now - s.base * 1000, ...(s.lang < 2 ? { language: s.lang === 0 ? 'en' : 'zh' } : {}),
          ...(s.pref < 5 ? { preferredAgentId: `a${s.pref}` } : {}), ...(s.french ? { requiredSkills: [{ skill: 'french', minProficiency: 2 }] } : {}),
        };
        this.inputs.set(id, input);
        return this.apply({ type: 'ARRIVE', contact: input });
      }
      case 'accept': case 'decline': {
        const id = pick(this.live(['OFFERED']), s.k);
        const c = id === undefined ? undefined : this.engine.contact(id);
        if (c?.agentId === undefined || c.offerToken === undefined) return;
        if (s.t === 'accept') return this.apply({ type: 'ACCEPT', contactId: c.id, agentId: c.agentId, offerToken: c.offerToken });
        this.apply({ type: 'DECLINE', contactId: c.id, agentId: c.agentId, offerToken: c.offerToken, reason: 'no' });
        return this.checkKeptPlace(c.id);
      }
      case 'complete': case 'endWrap': {
        const id = pick(this.live([s.t === 'complete' ? 'CONNECTED' : 'WRAP_UP']), s.k);
        const c = id === undefined ? undefined : this.engine.contact(id);
        if (c?.agentId === undefined) return;
        return this.apply(s.t === 'complete'
          ? { type: 'COMPLETE', contactId: c.id, agentId: c.agentId, disposition: 'ok' }
          : { type: 'END_WRAP_UP', contactId: c.id, agentId: c.agentId });
      }
      case 'abandon': {
        const id = pick(this.live(['QUEUED', 'OFFERED', 'CONNECTED']), s.k);
        return id === undefined ? undefined : this.apply({ type: 'ABANDON', contactId: id });
      }
      case 'transfer': {
        const id = pick(this.live(['QUEUED', 'OFFERED', 'CONNECTED']), s.k);
        if (id === undefined) return;
        const target = s.to < 3 ? { kind: 'queue' as const, queueId: QUEUE_IDS[s.to] ?? 'gen' } : { kind: 'agent' as const, agentId: `a${s.to - 3}` };
        return this.apply({ type: 'TRANSFER', contactId: id, target });
      }
      case 'presence':
        return this.apply({ type: 'SET_PRESENCE', agentId: `a${s.a}`, presence: s.away ? 'AWAY' : 'AVAILABLE', reason: 'break' });
      case 'signIn':
        return this.apply({ type: 'SIGN_IN', agent: AGENTS[s.a] as AgentProfile });
      case 'signOut':
        return this.apply({ type: 'SIGN_OUT', agentId: `a${s.a}` });
      case 'advance':
        return this.advance(s.ms);
      case 'reconfig': {
        // Same thresholds, new skill bar and strategy: agents and waiting contacts are re-indexed.
        const pri = this.queues.get('pri') as QueueConfig;
        const next = { ...pri, strategy: s.strategy, requiredSkills: [{ skill: 'billing', minProficiency: s.min }, ...pri.requiredSkills.slice(1)] };
        this.queues.set('pri', next);
        return this.apply({ type: 'UPSERT_QUEUE', queue: next });
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

  /** A declined contact still waiting sits where its priority and arrival put it, not at the tail. */
  checkKeptPlace(id: string): void {
    const c = this.engine.contact(id);
    if (c?.state !== 'QUEUED') return;
    const q = this.queues.get(c.queueId) as QueueConfig;
    const me = this.inputs.get(id) as ContactInput;
    const pMe = oraclePriority(q, me, this.now);
    const ahead = this.engine.waitingContacts(c.queueId, 1000).filter((w) => {
      const p = oraclePriority(q, this.inputs.get(w.id) as ContactInput, this.now);
      const earlier = w.arrivedAtMs < me.arrivedAtMs || (w.arrivedAtMs === me.arrivedAtMs && Number(w.id.slice(1)) < Number(id.slice(1)));
      return w.id !== id && (p > pMe + 1e-9 || (Math.abs(p - pMe) <= 1e-9 && earlier));
    }).length;
    expect(this.engine.position(id)).toBe(ahead + 1);
  }

  advance(ms: number): void {
    const until = this.now + ms;
    for (;;) {
      this.pending.sort((a, b) => a.dueAtMs - b.dueAtMs || (a.id < b.id ? -1 : 1));
      const t = this.pending[0];
      if (t === undefined || t.dueAtMs > until) break;
      this.pending.shift();
      this.fired.push(t);
      this.now = Math.max(this.now, t.dueAtMs);
      this.apply({ type: 'TIMER_FIRED', timer: t });
    }
    this.now = until;
  }

  /** Per-event rules: one live offer per contact; every offer to an eligible agent, outside its decliners. */
  checkEvents(events: readonly RoutingEvent[]): void {
    for (const e of events) {
      if (e.type === 'ContactOffered') {
        expect(this.liveOffers.has(e.contactId), `two live offers for ${e.contactId}`).toBe(false);
        this.liveOffers.set(e.contactId, e.agentId);
        const q = this.queues.get(e.queueId) as QueueConfig;
        const input = this.inputs.get(e.contactId) as ContactInput;
        const c = this.engine.contact(e.contactId);
        const waitMs = e.atMs - e.enqueuedAtMs;
        const agent = AGENTS.find((a) => a.id === e.agentId) as AgentProfile;
        expect(oracleEligible(agent, q, input, oracleRing(q, waitMs), oraclePoolOpen(q, waitMs)), `ineligible offer ${e.contactId} → ${e.agentId}`).toBe(true);
        if (c !== undefined && c.offerToken === e.offerToken) expect(c.declinedBy).not.toContain(e.agentId);
      } else if (e.type === 'OfferAccepted' || e.type === 'OfferDeclined' || e.type === 'OfferTimedOut'
        || e.type === 'ContactAbandoned' || e.type === 'ContactTransferred') {
        this.liveOffers.delete(e.contactId);
      }
    }
  }

  /**
   * VIP precedence: an agent offered non-VIP work had no VIP contact waiting that it could take —
   * eligible at the VIP contact's stage before the command, with room for its channel at the
   * moment of the offer (load replayed from the command's events).
   */
  checkVipPrecedence(events: readonly RoutingEvent[], vipBefore: readonly (ContactView | undefined)[], usedBefore: Map<string, Record<string, number>>): void {
    const used = new Map([...usedBefore].map(([id, u]) => [id, { ...u }]));
    const bump = (agentId: string | undefined, ch: string, d: number): void => {
      const u = agentId === undefined ? undefined : used.get(agentId);
      if (u !== undefined) u[ch] = (u[ch] ?? 0) + d;
    };
    for (const e of events) {
      if (e.type === 'ContactOffered' && e.queueId !== 'vip') {
        const agent = AGENTS.find((a) => a.id === e.agentId) as AgentProfile;
        for (const v of vipBefore) {
          const now = v === undefined ? undefined : this.engine.contact(v.id);
          if (v === undefined || now?.state !== 'QUEUED' || now.enqueuedAtMs !== v.enqueuedAtMs) continue;
          const vq = this.queues.get('vip') as QueueConfig;
          const could = oracleEligible(agent, vq, this.inputs.get(v.id) as ContactInput, v.ring, v.poolOpen)
            && !now.declinedBy.includes(agent.id) && (!v.sticky || v.preferredAgentId === agent.id)
            && oracleHasRoom(agent, used.get(agent.id) ?? {}, v.channel);
          expect(could, `${agent.id} took ${e.contactId} from ${e.queueId} while VIP ${v.id} waited`).toBe(false);
        }
      }
      if (e.type === 'ContactOffered') bump(e.agentId, e.channel, 1);
      if (e.type === 'OfferDeclined' || e.type === 'OfferTimedOut' || e.type === 'WrapUpEnded') bump(e.agentId, e.channel, -1);
      if (e.type === 'ContactAbandoned') bump(e.agentId, e.channel, -1);
      if (e.type === 'ContactTransferred') bump(e.fromAgentId, e.channel, -1);
    }
  }

  /** State rules: capacity and blending; queue order; VIP precedence and work conservation. */
  checkState(): void {
    const queued = this.live(['QUEUED']).map((id) => this.engine.contact(id)).filter((c) => c !== undefined);
    for (const c of queued) {
      const q = this.queues.get(c.queueId) as QueueConfig;
      const wait = this.now - c.enqueuedAtMs;
      expect(c.ring).toBe(oracleRing(q, wait));
      expect(c.poolOpen).toBe(oraclePoolOpen(q, wait));
      if (q.maxWaitSeconds !== undefined) expect(wait).toBeLessThan(q.maxWaitSeconds * 1000);
      if (c.sticky) {
        // Sticky only within the queue's wait, for a signed-in preferred agent that has not declined.
        expect(wait).toBeLessThan(q.stickyAgentWaitSeconds * 1000);
        expect(this.engine.agent(c.preferredAgentId ?? '-')?.presence ?? 'OFFLINE').not.toBe('OFFLINE');
        expect(c.declinedBy).not.toContain(c.preferredAgentId);
      }
    }
    for (const qid of QUEUE_IDS) {
      const q = this.queues.get(qid) as QueueConfig;
      const order = this.engine.waitingContacts(qid, 1000).map((c) => this.inputs.get(c.id) as ContactInput);
      expect(order.length).toBe(this.engine.queueDepth(qid));
      for (let i = 1; i < order.length; i++) {
        const a = order[i - 1] as ContactInput;
        const b = order[i] as ContactInput;
        const pa = oraclePriority(q, a, this.now);
        const pb = oraclePriority(q, b, this.now);
        expect(pa > pb + 1e-9 || (Math.abs(pa - pb) <= 1e-9 && a.arrivedAtMs <= b.arrivedAtMs), `order in ${qid}`).toBe(true);
      }
    }
    for (const profile of AGENTS) {
      const a = this.engine.agent(profile.id);
      if (a === undefined) continue;
      const held = [...this.inputs.keys()].map((id) => this.engine.contact(id)).filter((c) => c?.agentId === profile.id);
      for (const ch of CHANNELS) {
        expect(a.used[ch]).toBe(held.filter((c) => c?.channel === ch).length);
        expect(a.used[ch]).toBeLessThanOrEqual((profile.capacity as Record<string, number | undefined>)[ch] ?? 0);
      }
      if (profile.allowBlendWithPhone !== true && a.used.phone > 0) expect(a.used.chat + a.used.email + a.used.wechat).toBe(0);
      if (a.presence !== 'AVAILABLE') continue;
      // Work conservation: an available agent with room has nothing eligible waiting for it.
      for (const c of queued) {
        const q = this.queues.get(c.queueId) as QueueConfig;
        const input = { ...(this.inputs.get(c.id) as ContactInput), queueId: c.queueId };
        const mayTake = oracleEligible(profile, q, input, c.ring, c.poolOpen) && !c.declinedBy.includes(profile.id)
          && (!c.sticky || c.preferredAgentId === profile.id) && oracleHasRoom(profile, a.used, c.channel);
        expect(mayTake, `${profile.id} idle while ${c.id} (${c.queueId}) waits`).toBe(false);
      }
    }
  }
}

describe('routing engine properties (random command sequences)', () => {
  const strategies = fc.constantFrom<SelectionStrategy>('LONGEST_IDLE', 'BEST_PROFICIENCY', 'LEAST_OCCUPIED', 'ROUND_ROBIN');

  it('holds capacity, eligibility, single-offer, order, VIP and work-conservation invariants', () => {
    fc.assert(
      fc.property(strategies, fc.array(step, { minLength: 1, maxLength: 60 }), (strategy, steps) => {
        const run = new Run(strategy);
        for (const a of AGENTS.slice(0, 3)) run.apply({ type: 'SIGN_IN', agent: a });
        for (const s of steps) run.run(s);
      }),
      { numRuns: 200 },
    );
  });
});
