import {
  Channel as ProtoChannel, Contact, ContactState as ProtoState, CustomerTier as ProtoTier, DomainCheckpoint, PassReason as ProtoPassReason,
  Presence as ProtoPresence, SelectionStrategy as ProtoStrategy, TimerKind as ProtoTimerKind,
} from '@switchboard/contracts';
import {
  createRng, isRoutingError, RoutingEngine,
  type AgentProfile, type Channel, type ContactInput, type EngineImage, type QueueConfig, type Rng, type RoutingCommand, type TimerRequest,
} from '@switchboard/routing-core';
import { describe, expect, it } from 'vitest';
import {
  CheckpointFormatError, decodeCheckpoint, decodeCheckpointInSlices, encodeCheckpoint, encodeCheckpointInSlices, encodeContactContext, type CheckpointContent,
} from './checkpoint.mapper.js';

const ENGINE = { domainId: 'd1', ruleVersion: 'rules-7' };
const T0 = 1_700_000_000_000;

const queue = (id: string, over: Partial<QueueConfig> = {}): QueueConfig => ({
  id, kind: 'PRIORITY', serviceLevel: { share: 0.8, withinSeconds: 20 }, requiredSkills: [], rings: [], strategy: 'LONGEST_IDLE',
  agingRatePerSecond: 0, offerTimeoutSeconds: 15, wrapUpSeconds: 0, missesBeforeAway: 2, stickyAgentWaitSeconds: 0, ...over,
});
const agent = (id: string, queues: readonly string[], over: Partial<AgentProfile> = {}): AgentProfile => ({
  id, skills: {}, languages: ['en'], team: 'general', capacity: { phone: 1, chat: 3, email: 5, wechat: 3 },
  queues: queues.map((queueId, priority) => ({ queueId, priority })), ...over,
});

// The property test's universe (VIP pool, rings, overflow, sticky waits, backup teams), plus a
// ROUND_ROBIN queue and a never-used queue holding the config edge values (empty lists, zeros).
const QUEUES: QueueConfig[] = [
  queue('vip', { kind: 'VIP', vipPool: { teams: ['gold'], agentIds: ['a4'], overflowToGeneralAfterSeconds: 20 }, offerTimeoutSeconds: 10, wrapUpSeconds: 5, maxWaitSeconds: 120 }),
  queue('pri', {
    agingRatePerSecond: 0.5, strategy: 'BEST_PROFICIENCY', maxSize: 6, overflow: { targetQueueId: 'gen', afterSeconds: 50 }, wrapUpSeconds: 3,
    requiredSkills: [{ skill: 'billing', minProficiency: 4 }, { skill: 'french', minProficiency: 3, optional: true }],
    rings: [{ afterSeconds: 10, proficiencyDrop: 1 }, { afterSeconds: 25, dropOptionalSkills: true }, { afterSeconds: 40, minProficiency: 1 }],
  }),
  queue('gen', { agingRatePerSecond: 0.1, stickyAgentWaitSeconds: 15, strategy: 'LEAST_OCCUPIED', offerTimeoutSeconds: 8, rings: [{ afterSeconds: 12, addTeams: ['gold'] }],
    customer: { policy: 'NONE', lastAgentWindowSeconds: 3_600, fcrWindowSeconds: 86_400 } }),
  queue('rr', { strategy: 'ROUND_ROBIN', teams: ['general', 'gold'], serviceLevel: { share: 0.95, withinSeconds: 7.5 }, offerTimeoutSeconds: 2.5,
    // Open two hours of every three (the walk spans hours), so it closes and reopens under waiting contacts.
    hours: { timeZone: 'Asia/Shanghai', weekly: [1, 2, 3, 4, 5, 6, 7].map((isoWeekday) => ({ isoWeekday, windows: [
      { open: '00:00', close: '02:00' }, { open: '03:00', close: '05:00' }, { open: '06:00', close: '08:00' }, { open: '09:00', close: '11:00' },
      { open: '12:00', close: '14:00' }, { open: '15:00', close: '17:00' }, { open: '18:00', close: '20:00' }, { open: '21:00', close: '23:00' },
    ] })), holidays: [{ date: '2027-01-01', name: 'New Year', windows: [] }] },
    closedAction: { kind: 'OVERFLOW', targetQueueId: 'gen' }, callback: { maxAttempts: 2, retryAfterSeconds: 30 },
    surge: { auto: true, callbackOfferAfterSeconds: 5, deferEmailBelowPriority: 2, horizonSeconds: 600 }, announceEverySeconds: 30,
    survey: { enabled: true, windowSeconds: 120, channels: ['phone', 'chat'], texts: { en: 'How did we do?', zh: '请为本次服务评分' } } }),
  queue('edge', {
    teams: [], maxSize: 0, maxWaitSeconds: 0, missesBeforeAway: 0, serviceLevel: { share: 0, withinSeconds: 0 },
    requiredSkills: [{ skill: 'x', minProficiency: 1, optional: false }],
    rings: [{ afterSeconds: 0, addTeams: [], proficiencyDrop: 0, minProficiency: 0, dropOptionalSkills: false }],
  }),
];
const AGENTS: AgentProfile[] = [
  agent('a0', ['pri', 'gen', 'vip', 'rr'], { team: 'gold', skills: { french: 4, billing: 5 }, languages: ['en', 'zh'], capacity: { phone: 1, chat: 2, email: 2 } }),
  agent('a1', ['pri', 'gen', 'vip', 'rr'], { skills: { billing: 3 }, capacity: { chat: 3, phone: 1 }, allowBlendWithPhone: true }),
  agent('a2', ['gen', 'pri', 'rr'], { skills: { billing: 4, french: 2 }, languages: ['zh'], capacity: { wechat: 1, chat: 2, email: 1 }, allowBlendWithPhone: false }),
  agent('a3', ['vip', 'gen'], { team: 'gold', skills: { billing: 1 }, capacity: { phone: 1 } }),
  agent('a4', ['gen', 'vip', 'edge'], { languages: [], team: '', capacity: { email: 3, chat: 1, phone: 0 } }),
];
const CHANNELS: Channel[] = ['phone', 'email', 'chat', 'wechat', 'chat', 'email'];

/** One engine with what the router keeps beside it, driven by a seeded random walk. */
class World {
  readonly timers: Map<string, TimerRequest>;
  readonly contexts = new Map<string, Record<string, unknown>>();
  readonly applied = new Map<string, number>();
  /** Every ApplyResult and refusal, for comparing two worlds. */
  readonly log: unknown[] = [];
  private arrivals: number;

  constructor(readonly engine: RoutingEngine, public now: number, timers: readonly TimerRequest[] = [], readonly ids: string[] = []) {
    this.timers = new Map(timers.map((t) => [t.id, t]));
    this.arrivals = ids.length;
  }

  apply(command: RoutingCommand, commandId = `cmd-${this.log.length}`): void {
    try {
      const r = this.engine.apply(command, this.now);
      for (const t of r.timers) this.timers.set(t.id, t);
      this.applied.set(commandId, this.now);
      this.log.push(r);
    } catch (error) {
      if (!isRoutingError(error)) throw error;
      this.log.push({ refused: error.code });
    }
  }

  advance(ms: number): void {
    const until = this.now + ms;
    for (;;) {
      const next = [...this.timers.values()].sort((a, b) => a.dueAtMs - b.dueAtMs || (a.id < b.id ? -1 : 1))[0];
      if (next === undefined || next.dueAtMs > until) break;
      this.timers.delete(next.id);
      this.now = Math.max(this.now, next.dueAtMs);
      this.apply({ type: 'TIMER_FIRED', timer: next });
    }
    this.now = until;
  }

  arrive(rng: Rng, to?: string): void {
    const n = this.arrivals++;
    const id = `c${n}`;
    const queueId = to ?? ['vip', 'pri', 'gen', 'rr'][pick(rng, 4)] ?? 'gen';
    const lang = pick(rng, 3);
    const pref = pick(rng, 8);
    const input: ContactInput = {
      id, domain: 'd1', channel: CHANNELS[pick(rng, CHANNELS.length)] ?? 'phone', queueId, basePriority: pick(rng, 6) - 1,
      tier: queueId === 'vip' ? 'VIP2' : 'STANDARD', arrivedAtMs: this.now - pick(rng, 4) * 1000,
      ...(lang < 2 ? { language: lang === 0 ? 'en' : 'zh' } : {}), ...(pref < 5 ? { preferredAgentId: `a${pref}` } : {}),
      ...(pick(rng, 3) === 0 ? { requiredSkills: pick(rng, 2) === 0 ? [] : [{ skill: 'french', minProficiency: 2 }] } : {}),
      ...(n % 4 === 0 ? { intent: n % 8 === 0 ? '' : 'billing', conversationId: `conv-${n}` } : {}),
      ...(n % 3 === 0 ? { customerKey: `k${n % 7}`, ...(n % 2 === 0 ? { customerPreference: { agentId: `a${n % 5}`, because: n % 4 === 0 ? 'LAST_SERVED' : 'HOLDS_LIVE_CONTACT', viaContactId: `c${n - 1}` } } : {}) } : {}),
    };
    this.ids.push(id);
    this.contexts.set(id, Contact.toJSON(Contact.fromPartial({
      customer: { id: `cust-${n}`, language: input.language ?? '', phoneNumber: '+8613800000000' }, conversationId: input.conversationId ?? '',
      summary: `contact ${n}`, attributes: [{ key: 'segment', value: 'retail' }], historyContactIds: n % 3 === 0 ? [`c${n - 1}`] : [],
    })) as Record<string, unknown>);
    this.apply({ type: 'ARRIVE', contact: input }, `arrive:${id}`);
  }

  /** One random command (or clock move) chosen from this world's own state. */
  step(rng: Rng): void {
    const live = (...states: string[]) => this.ids.filter((id) => states.includes(this.engine.contact(id)?.state ?? ''));
    const one = (ids: readonly string[]) => (ids.length === 0 ? undefined : this.engine.contact(ids[pick(rng, ids.length)] ?? ''));
    const roll = pick(rng, 23);
    if (roll < 5) return this.arrive(rng);
    if (roll < 10) {
      const c = one(live('OFFERED'));
      if (c?.agentId === undefined || c.offerToken === undefined) return;
      return this.apply(roll < 7
        ? { type: 'ACCEPT', contactId: c.id, agentId: c.agentId, offerToken: c.offerToken }
        : { type: 'DECLINE', contactId: c.id, agentId: c.agentId, offerToken: c.offerToken, reason: 'busy' });
    }
    if (roll < 12) {
      const c = one(live('CONNECTED', 'WRAP_UP'));
      if (c?.agentId === undefined) return;
      return this.apply(c.state === 'CONNECTED'
        ? { type: 'COMPLETE', contactId: c.id, agentId: c.agentId, disposition: 'ok' }
        : { type: 'END_WRAP_UP', contactId: c.id, agentId: c.agentId });
    }
    const c = one(live('QUEUED', 'OFFERED', 'CONNECTED'));
    const a = `a${pick(rng, AGENTS.length)}`;
    if (roll === 12 && c) return this.apply({ type: 'ABANDON', contactId: c.id });
    if (roll === 13 && c) return this.apply({ type: 'TRANSFER', contactId: c.id, target: pick(rng, 2) === 0 ? { kind: 'queue', queueId: 'gen' } : { kind: 'agent', agentId: a } });
    if (roll === 14) return this.apply({ type: 'SET_PRESENCE', agentId: a, presence: pick(rng, 2) === 0 ? 'AWAY' : 'AVAILABLE', ...(pick(rng, 2) === 0 ? { reason: '' } : { reason: 'break' }) });
    if (roll === 15) return this.apply(pick(rng, 3) === 0 ? { type: 'SIGN_OUT', agentId: a } : { type: 'SIGN_IN', agent: AGENTS[Number(a.slice(1))] ?? agent(a, []) });
    if (roll === 16) return this.apply({ type: 'UPSERT_QUEUE', queue: { ...QUEUES[1]!, strategy: pick(rng, 2) === 0 ? 'ROUND_ROBIN' : 'BEST_PROFICIENCY', requiredSkills: [{ skill: 'billing', minProficiency: 1 + pick(rng, 5) }] } });
    // What the waiting customer lives through: callbacks (kept, dialled, failed), surge, closing.
    // A survey answer for any contact seen so far: recorded once if its survey is open, refused otherwise.
    if (roll === 17) return this.apply({ type: 'ANSWER_SURVEY', contactId: `c${pick(rng, 40)}`, score: 1 + pick(rng, 5), answeredAtMs: this.now - pick(rng, 3) * 1000 });
    if (roll === 20 && c) return this.apply({ type: 'REQUEST_CALLBACK', contactId: c.id, number: `+86138${String(pick(rng, 1e8)).padStart(8, '0')}` });
    if (roll === 21 && c?.callback !== undefined && c.state === 'CONNECTED') return this.apply({ type: 'CALLBACK_FAILED', contactId: c.id, reason: 'no-answer' });
    if (roll === 22) {
      const queueId = ['pri', 'gen', 'rr'][pick(rng, 3)]!;
      return this.apply({ type: 'SET_SURGE', queueId, active: pick(rng, 2) === 0, source: pick(rng, 3) === 0 ? 'SUPERVISOR' : 'FORECAST', reason: 'walk' });
    }
    this.advance(1 + pick(rng, 9_000));
  }

  checkpoint(): CheckpointContent {
    return {
      domain: 'd1', epoch: 'epoch-3', position: this.log.length, takenAtMs: this.now + 7, ruleVersion: ENGINE.ruleVersion,
      routingTailAfterSeq: 90_071, lastNowMs: this.now, engine: this.engine.capture(),
      contexts: [...this.contexts].filter(([id]) => this.engine.contact(id) !== undefined).map(([contactId, context]) => ({ contactId, context: encodeContactContext(context) })),
      applied: [...this.applied].map(([commandId, atMs]) => ({ commandId, atMs })),
      timers: [...this.timers.values()],
    };
  }
}

const pick = (rng: Rng, n: number): number => rng.nextUint32() % n;

/** A world after a varied walk of `steps` commands from seed `seed`, with the first agents signed in. */
function walked(seed: number, steps: number): World {
  const world = new World(new RoutingEngine({ ...ENGINE, queues: QUEUES }), T0);
  for (const a of AGENTS.slice(0, 4)) world.apply({ type: 'SIGN_IN', agent: a });
  const rng = createRng(seed);
  for (let i = 0; i < steps; i++) world.step(rng);
  return world;
}

/** The decoded proto message of `content`, altered by `edit`, as bytes again. */
function reencoded(content: CheckpointContent, edit: (p: DomainCheckpoint) => void): Uint8Array {
  const p = DomainCheckpoint.decode(encodeCheckpoint(content));
  edit(p);
  return DomainCheckpoint.encode(p).finish();
}

describe('checkpoint codec', () => {
  it('round-trips varied engine states exactly, and the restored engine decides as the original', () => {
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const world = walked(seed, 300);
      const content = world.checkpoint();
      const decoded = decodeCheckpoint(encodeCheckpoint(content));
      expect(decoded).toStrictEqual(content);

      const restored = new World(RoutingEngine.restore(ENGINE, decoded.engine), decoded.lastNowMs, decoded.timers, [...world.ids]);
      const twin = createRng(seed * 7919);
      const original = createRng(seed * 7919);
      for (let i = 0; i < 200; i++) {
        world.step(original);
        restored.step(twin);
      }
      expect(restored.log).toEqual(world.log.slice(world.log.length - restored.log.length));
      expect(restored.engine.capture()).toStrictEqual(world.engine.capture());
    }
  });

  it('keeps -0, empty strings and zeros, and absent stays absent', () => {
    const content = walked(1, 300).checkpoint();
    const [c0, ...rest] = content.engine.contacts;
    const a0 = content.engine.agents[0]!;
    const m0 = a0.memberships[0]!;
    const engine: EngineImage = {
      ...content.engine,
      contacts: [{ ...c0!, key: -0, input: { ...c0!.input, basePriority: -0, language: '', intent: '', requiredSkills: [] } }, ...rest],
      agents: [{ ...a0, awayReason: '', memberships: [{ ...m0, score: -0, entry: { k1: -0, k2: 0 } }, ...a0.memberships.slice(1)] }, ...content.engine.agents.slice(1)],
    };
    const decoded = decodeCheckpoint(encodeCheckpoint({ ...content, engine }));
    expect(decoded.engine).toStrictEqual(engine);
    const c = decoded.engine.contacts[0]!;
    expect([Object.is(c.key, -0), Object.is(c.input.basePriority, -0), Object.is(decoded.engine.agents[0]!.memberships[0]!.score, -0)]).toEqual([true, true, true]);
    expect(decoded.engine.queues.find((q) => q.config.id === 'edge')?.config).toStrictEqual(QUEUES[4]);
  });

  it('builds timers with the engine key order, which their Redis members depend on', () => {
    const world = walked(2, 300);
    const timers = world.checkpoint().timers;
    expect(timers.some((t) => t.agentId !== undefined) && timers.some((t) => t.agentId === undefined)).toBe(true);
    expect(JSON.stringify(decodeCheckpoint(encodeCheckpoint(world.checkpoint())).timers)).toBe(JSON.stringify(timers));
  });

  it('refuses an unknown format, unknown union values, missing required parts and garbage', () => {
    const content = walked(3, 200).checkpoint();
    const refused = (edit: (p: DomainCheckpoint) => void) => expect(() => decodeCheckpoint(reencoded(content, edit))).toThrow(CheckpointFormatError);
    refused((p) => { p.formatVersion = 3; });
    refused((p) => { p.formatVersion = 0; });
    // API-only values, UNSPECIFIED, and numbers from a newer enum.
    refused((p) => { p.engine!.contacts[0]!.state = ProtoState.CONTACT_STATE_REJECTED; });
    refused((p) => { p.engine!.contacts[0]!.state = 42 as ProtoState; });
    refused((p) => { p.engine!.contacts[0]!.input!.channel = ProtoChannel.CHANNEL_UNSPECIFIED; });
    refused((p) => { p.engine!.contacts[0]!.input!.tier = ProtoTier.CUSTOMER_TIER_UNSPECIFIED; });
    refused((p) => { p.engine!.agents[0]!.presence = 9 as ProtoPresence; });
    refused((p) => { p.engine!.queues[0]!.config!.strategy = ProtoStrategy.SELECTION_STRATEGY_UNSPECIFIED; });
    refused((p) => { p.timers[0]!.kind = 42 as ProtoTimerKind; });
    refused((p) => { p.engine!.queues.flatMap((q) => q.groups).find((g) => g.ineligibleCounts.length > 0)!.ineligibleCounts[0]!.reason = ProtoPassReason.PASS_REASON_OUTSCORED; });
    refused((p) => { p.engine!.contacts[0]!.key = undefined; });
    refused((p) => { p.engine!.contacts[0]!.input = undefined; });
    refused((p) => { p.engine = undefined; });
    expect(() => decodeCheckpoint(new Uint8Array([0x0a, 0xff, 0xff]))).toThrow(CheckpointFormatError);
    expect(() => encodeCheckpoint({ ...content, lastNowMs: 1.5 })).toThrow(CheckpointFormatError);
  });

  it('encodes in slices to the very bytes of the one-shot encoding, pausing between slices', async () => {
    for (const seed of [1, 2, 3]) {
      const world = new World(new RoutingEngine({ ...ENGINE, queues: QUEUES }), T0);
      const rng = createRng(seed);
      for (let i = 0; i < 300; i++) world.arrive(rng, i % 2 === 0 ? 'gen' : 'rr');
      for (let i = 0; i < 200; i++) world.step(rng);
      const content = world.checkpoint();
      let pauses = 0;
      const sliced = await encodeCheckpointInSlices(content, async () => { pauses++; }, 7);
      expect(Buffer.from(sliced).equals(Buffer.from(encodeCheckpoint(content)))).toBe(true);
      const slicesOf = (n: number) => Math.ceil(n / 7);
      expect(pauses).toBe(slicesOf(content.engine.contacts.length) + slicesOf(content.contexts.length) + slicesOf(content.applied.length) + slicesOf(content.timers.length));
      expect(content.engine.contacts.length).toBeGreaterThan(7);
      expect(decodeCheckpoint(sliced)).toEqual(decodeCheckpoint(encodeCheckpoint(content)));
      let decodePauses = 0;
      const decoded = await decodeCheckpointInSlices(sliced, async () => { decodePauses++; }, 7);
      expect(decoded).toEqual(decodeCheckpoint(sliced));
      expect(JSON.stringify(decoded)).toBe(JSON.stringify(decodeCheckpoint(sliced))); // the same key and element orders too
      expect(decodePauses).toBeGreaterThan(content.engine.contacts.length / 7);
    }
  });

  it('decoding in slices refuses what the one-shot decoding refuses', async () => {
    const content = walked(3, 200).checkpoint();
    const bytes = encodeCheckpoint(content);
    const pause = async () => undefined;
    await expect(decodeCheckpointInSlices(new Uint8Array([0x0a, 0xff, 0xff]), pause)).rejects.toThrow(CheckpointFormatError);
    await expect(decodeCheckpointInSlices(bytes.subarray(0, bytes.length - 3), pause)).rejects.toThrow(CheckpointFormatError);
    const future = DomainCheckpoint.encode({ ...DomainCheckpoint.decode(bytes), formatVersion: 99 }).finish();
    await expect(decodeCheckpointInSlices(future, pause)).rejects.toThrow(/format 99/);
    const noEngine = DomainCheckpoint.encode({ ...DomainCheckpoint.decode(bytes), engine: undefined }).finish();
    await expect(decodeCheckpointInSlices(noEngine, pause)).rejects.toThrow(CheckpointFormatError);
  });
});
