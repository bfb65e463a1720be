import { expect } from 'vitest';
import { RoutingEngine } from '../engine.js';
import { isRoutingError } from '../errors.js';
import type { AgentProfile } from '../model/agent.js';
import type { Channel } from '../model/channel.js';
import type { RoutingCommand } from '../model/command.js';
import type { ContactInput, ContactView } from '../model/contact.js';
import type { ContactOffered, RoutingEvent } from '../model/event.js';
import type { QueueConfig } from '../model/queue.js';
import type { TimerRequest } from '../model/timer.js';
import { ORACLE_LIVE_CHANNELS, oracleDeferred, oracleEligible, oracleHasRoom, oracleOpen, oraclePoolOpen, oraclePriority, oracleRing } from './oracle.js';

/**
 * The property tests' harness: drives an engine with commands and due timers and checks every
 * invariant after every command, from the events and the spec's oracle rather than from the
 * engine's own bookkeeping (which a bug could share). Test support only.
 */

const CHANNELS: readonly Channel[] = ['phone', 'email', 'chat', 'wechat'];
const EPS = 1e-9;

/** One refusal (decline or missed offer) of a contact by an agent, as the events tell it. */
interface Refusal {
  readonly atMs: number;
  /** The contact's queue entry (count of its ContactQueued events) when it was refused. */
  readonly entry: number;
}

/** Presence and load of every agent, replayed event by event through one command. */
class AgentLedger {
  private readonly presence = new Map<string, string>();
  private readonly used = new Map<string, Record<string, number>>();

  constructor(engine: RoutingEngine, agents: readonly AgentProfile[]) {
    for (const a of agents) {
      const view = engine.agent(a.id);
      this.presence.set(a.id, view?.presence ?? 'OFFLINE');
      this.used.set(a.id, { ...(view?.used ?? {}) });
    }
  }

  presenceOf(agentId: string): string {
    return this.presence.get(agentId) ?? 'OFFLINE';
  }

  usedBy(agentId: string): Record<string, number> {
    return this.used.get(agentId) ?? {};
  }

  /** Applies one event's effect on presence and held slots. */
  replay(e: RoutingEvent): void {
    const bump = (agentId: string | undefined, ch: string, d: number): void => {
      const u = agentId === undefined ? undefined : this.used.get(agentId);
      if (u !== undefined) u[ch] = (u[ch] ?? 0) + d;
    };
    if (e.type === 'AgentPresenceChanged') this.presence.set(e.agentId, e.to);
    if (e.type === 'ContactOffered') bump(e.agentId, e.channel, 1);
    if (e.type === 'OfferDeclined' || e.type === 'OfferTimedOut' || e.type === 'WrapUpEnded') bump(e.agentId, e.channel, -1);
    if (e.type === 'ContactAbandoned') bump(e.agentId, e.channel, -1);
    if (e.type === 'ContactTransferred') bump(e.fromAgentId, e.channel, -1);
    if (e.type === 'CallbackFailed') bump(e.agentId, e.channel, -1);
  }
}

/** Runs commands against an engine, firing due timers, checking every invariant after every command. */
export class PropertyRun {
  readonly engine: RoutingEngine;
  readonly queues: Map<string, QueueConfig>;
  now = 1_000_000;
  pending: TimerRequest[] = [];
  fired: TimerRequest[] = [];
  readonly inputs = new Map<string, ContactInput>();
  private readonly liveOffers = new Map<string, string>(); // contactId → agentId, from events only
  private readonly entries = new Map<string, number>(); // contactId → queue entries so far
  private readonly refusals = new Map<string, Refusal>(); // `${contactId}|${agentId}` → latest refusal
  /** contactId → since when (ms) it has waited while an agent that may serve it sat idle. */
  private readonly idleBeside = new Map<string, number>();
  /** timer id → how late (ms) the harness hands it back (QUEUE_HOURS, HOLD_END, SURGE_CALLBACK_OFFER only). */
  readonly late = new Map<string, number>();
  /** Contacts whose customer asked for a callback, from CallbackRequested. */
  private readonly callbacks = new Set<string>();
  /** contactId → the retry time a failed callback is held until, from CallbackFailed. */
  private readonly retryAt = new Map<string, number>();
  /** queueId → surging, from QueueSurgeChanged. */
  private readonly surging = new Map<string, boolean>();
  /** Contacts whose current queue entry saw its queue surge (their ring is the widest from then). */
  private readonly surged = new Set<string>();
  /** Contacts that entered a queue (a ContactQueued), and the terminal events each has had. */
  private readonly terminals = new Map<string, number>();
  /** Every command applied, when it was applied and what it emitted (or the error it threw). */
  readonly log: { readonly cmd: RoutingCommand; readonly nowMs: number; readonly events?: readonly RoutingEvent[]; readonly error?: string }[] = [];

  /**
   * `byCommand`: the queues are configured by UPSERT_QUEUE commands at `startMs` (so opening
   * hours are evaluated then and their QUEUE_HOURS timers handed out), not by the engine's config.
   */
  constructor(queues: readonly QueueConfig[], readonly agents: readonly AgentProfile[], opts: { startMs?: number; byCommand?: boolean } = {}) {
    this.queues = new Map(queues.map((q) => [q.id, q]));
    this.now = opts.startMs ?? this.now;
    this.engine = new RoutingEngine({ domainId: 'p', ruleVersion: 'prop', queues: opts.byCommand === true ? [] : queues });
    if (opts.byCommand === true) for (const q of queues) this.apply({ type: 'UPSERT_QUEUE', queue: q });
  }

  /** When the harness hands `t` back: its due time, plus any lateness it was given. */
  dueOf(t: TimerRequest): number {
    return t.dueAtMs + (this.late.get(t.id) ?? 0);
  }

  /** Whether the oracle has the queue open now. */
  openNow(queueId: string, atMs = this.now): boolean {
    const q = this.queues.get(queueId);
    return q === undefined || oracleOpen(q, atMs);
  }

  /** A QUEUE_HOURS timer of the queue is overdue (handed back late): the engine may not know it changed yet. */
  hoursStale(queueId: string): boolean {
    return this.pending.some((t) => t.kind === 'QUEUE_HOURS' && t.contactId === queueId && t.dueAtMs <= this.now);
  }

  /** An overdue timer of `kind` for the contact is still to be handed back (late). */
  private overdue(kind: string, contactId: string): boolean {
    return this.pending.some((t) => t.kind === kind && t.contactId === contactId && t.dueAtMs <= this.now);
  }

  isCallback(contactId: string): boolean {
    return this.callbacks.has(contactId);
  }

  isSurging(queueId: string): boolean {
    return this.surging.get(queueId) === true;
  }

  /** The ring the spec puts a waiting contact at: its wait's, or the widest once its queue surged during this entry. */
  expectedRing(c: Pick<ContactView, 'id' | 'queueId' | 'enqueuedAtMs'>, atMs = this.now): number {
    const q = this.queues.get(c.queueId) as QueueConfig;
    return this.surged.has(c.id) || this.isSurging(c.queueId) ? q.rings.length : oracleRing(q, atMs - c.enqueuedAtMs);
  }

  private addPending(timers: readonly TimerRequest[]): void {
    for (const t of timers) if (!this.pending.some((p) => p.id === t.id)) this.pending.push(t);
  }

  /** How long a refusal excludes an agent: the queue's offer timeout (the spec's cool-off). */
  exclusionMs(queueId: string): number {
    return (this.queues.get(queueId)?.offerTimeoutSeconds ?? 0) * 1000;
  }

  /** Whether the spec lets `agentId` be passed over for `c` now: it refused c's current entry within the cool-off. */
  excused(c: Pick<ContactView, 'id' | 'queueId'>, agentId: string): boolean {
    const r = this.refusals.get(`${c.id}|${agentId}`);
    return r !== undefined && r.entry === (this.entries.get(c.id) ?? 0) && this.now - r.atMs < this.exclusionMs(c.queueId);
  }

  /** Applies a command; returns its events (none when the engine refused it with a RoutingError). */
  apply(cmd: RoutingCommand): readonly RoutingEvent[] {
    const queuedBefore = this.views(['QUEUED']);
    const ledger = new AgentLedger(this.engine, this.agents);
    let events: readonly RoutingEvent[];
    let outcome: string;
    const before = this.engine.capture();
    try {
      const r = this.engine.apply(cmd, this.now);
      events = r.events;
      outcome = r.outcome.kind;
      this.addPending(r.timers);
      this.log.push({ cmd, nowMs: this.now, events });
    } catch (e) {
      if (!isRoutingError(e)) throw e;
      this.log.push({ cmd, nowMs: this.now, error: (e as Error).message });
      // A refused command changes nothing (the clock aside).
      const after = this.engine.capture();
      expect({ ...after, nowMs: before.nowMs }, `${cmd.type} threw ${(e as Error).message} and changed the state`).toEqual(before);
      this.lastError = e as Error;
      return [];
    }
    this.lastError = undefined;
    this.checkEvents(events, queuedBefore, ledger, cmd);
    this.checkCommand(cmd, outcome, events);
    // Timers due at this very instant are still to fire; state rules hold once they have.
    if (!this.pending.some((t) => this.dueOf(t) <= this.now)) this.checkState();
    return events;
  }

  /** The RoutingError the last command threw, if it threw one. */
  lastError: Error | undefined = undefined;

  /** Rules of one command's outcome: arrivals at closed queues, callbacks hung up on purpose, no contact lost. */
  private checkCommand(cmd: RoutingCommand, outcome: string, events: readonly RoutingEvent[]): void {
    if (cmd.type === 'ARRIVE') {
      const id = cmd.contact.id;
      const open = this.openNow(cmd.contact.queueId);
      const rejected = events.find((e) => e.type === 'ContactRejected' && e.contactId === id);
      if (rejected?.type === 'ContactRejected' && rejected.reason === 'CLOSED') expect(open, `${id} rejected CLOSED by an open queue`).toBe(false);
      const queued = events.find((e) => e.type === 'ContactQueued' && e.contactId === id);
      if (queued !== undefined) {
        expect(this.openNow(queued.type === 'ContactQueued' ? queued.queueId : '-'), `${id} admitted to a closed queue`).toBe(true);
        if (!open) expect(events.some((e) => e.type === 'ContactOverflowed' && e.contactId === id), `${id} admitted past its closed queue without overflow`).toBe(true);
      }
    }
    if (cmd.type === 'ABANDON' && cmd.by === undefined && this.callbacks.has(cmd.contactId)) {
      expect(outcome, `callback ${cmd.contactId} abandoned without a person`).toBe('stale');
      expect(events).toEqual([]);
    }
    // No contact lost: every contact that entered a queue is live or ended exactly once.
    for (const [id, n] of this.terminals) {
      const live = this.engine.contact(id) !== undefined;
      expect(n, `${id} ended ${n} times`).toBeLessThanOrEqual(1);
      expect(live ? 0 : 1, `${id} is ${live ? 'live after ending' : 'gone without ending'}`).toBe(n);
    }
  }

  /** Ids of live contacts in the given states. */
  live(states: readonly string[]): string[] {
    return [...this.inputs.keys()].filter((id) => states.includes(this.engine.contact(id)?.state ?? '-'));
  }

  views(states: readonly string[]): ContactView[] {
    return this.live(states).map((id) => this.engine.contact(id)).filter((c): c is ContactView => c !== undefined);
  }

  /** Moves the clock by `ms`, firing due timers in order; the state rules are checked at the end too. */
  advance(ms: number): void {
    const until = this.now + ms;
    for (;;) {
      this.pending.sort((a, b) => this.dueOf(a) - this.dueOf(b) || (a.id < b.id ? -1 : 1));
      const t = this.pending[0];
      if (t === undefined || this.dueOf(t) > until) break;
      this.pending.shift();
      this.fired.push(t);
      this.now = Math.max(this.now, this.dueOf(t));
      this.apply({ type: 'TIMER_FIRED', timer: t });
    }
    this.now = until;
    this.checkState();
  }

  /** Declines the live offer of `before` and checks the contact kept its place. */
  decline(before: ContactView): void {
    if (before.agentId === undefined || before.offerToken === undefined) return;
    const events = this.apply({ type: 'DECLINE', contactId: before.id, agentId: before.agentId, offerToken: before.offerToken, reason: 'no' });
    if (events.length > 0) this.checkKeptPlace(before, events);
  }

  /**
   * A declined contact goes back to its original place. Still waiting: its position is exactly
   * the number of contacts ahead of it by effective priority and arrival. Re-offered at once: to
   * another agent, in the same queue entry (no re-enqueue, thresholds kept), at the ring its wait
   * has reached — as a requeue, not a new arrival. Gone to another queue or expired: only because
   * its wait had passed that threshold already.
   */
  private checkKeptPlace(before: ContactView, events: readonly RoutingEvent[]): void {
    const id = before.id;
    const q = this.queues.get(before.queueId) as QueueConfig;
    const wait = this.now - before.enqueuedAtMs;
    const left = events.find((e) => (e.type === 'ContactOverflowed' || e.type === 'ContactExpired') && e.contactId === id);
    // A queue that has closed gives the returning contact its closed action (or holds its callback).
    if (!this.openNow(q.id) && (left !== undefined || this.engine.contact(id)?.held !== undefined)) return;
    if (left !== undefined) {
      const threshold = left.type === 'ContactExpired' ? q.maxWaitSeconds : q.overflow?.afterSeconds;
      expect(threshold, `${id} left ${q.id} without a threshold`).toBeDefined();
      expect(wait).toBeGreaterThanOrEqual((threshold ?? 0) * 1000);
      return;
    }
    expect(events.some((e) => e.type === 'ContactQueued' && e.contactId === id), `${id} re-entered its queue after a decline`).toBe(false);
    const c = this.engine.contact(id);
    expect(c?.enqueuedAtMs).toBe(before.enqueuedAtMs);
    if (c?.state === 'QUEUED' && c.held !== undefined) {
      expect(this.engine.position(id), `held ${id} has a position`).toBeUndefined();
      return;
    }
    if (c?.state === 'QUEUED') {
      expect(c.declinedBy).toContain(before.agentId);
      const me = this.inputs.get(id) as ContactInput;
      const pMe = oraclePriority(q, me, this.now);
      const ahead = this.engine.waitingContacts(c.queueId, 1000).filter((w) => {
        const p = oraclePriority(q, this.inputs.get(w.id) as ContactInput, this.now);
        const earlier = w.arrivedAtMs < me.arrivedAtMs || (w.arrivedAtMs === me.arrivedAtMs && Number(w.id.slice(1)) < Number(id.slice(1)));
        return w.id !== id && (p > pMe + EPS || (Math.abs(p - pMe) <= EPS && earlier));
      }).length;
      expect(this.engine.position(id)).toBe(ahead + 1);
      return;
    }
    const again = events.filter((e): e is ContactOffered => e.type === 'ContactOffered' && e.contactId === id).at(-1);
    expect(again, `${id} neither waits nor was re-offered after a decline`).toBeDefined();
    expect(again?.agentId).not.toBe(before.agentId);
    expect(again?.explanation.trigger).toBe('CONTACT_REQUEUED');
    expect(again?.enqueuedAtMs).toBe(before.enqueuedAtMs);
    expect(again?.explanation.ring).toBe(this.expectedRing(before));
  }

  /**
   * Per-event rules, replaying presence and load through the command: one live offer per contact;
   * every offer to an agent that was AVAILABLE with room at that moment, eligible at the contact's
   * stage and not within a refusal's cool-off; VIP precedence; within a PRIORITY queue with aging,
   * no contact the agent could take outranked the one offered.
   */
  private checkEvents(events: readonly RoutingEvent[], queuedBefore: readonly ContactView[], ledger: AgentLedger, cmd: RoutingCommand): void {
    for (const e of events) {
      if (e.type === 'ContactQueued') {
        this.entries.set(e.contactId, (this.entries.get(e.contactId) ?? 0) + 1);
        this.idleBeside.delete(e.contactId);
        if (!this.terminals.has(e.contactId)) this.terminals.set(e.contactId, 0);
        if (this.isSurging(e.queueId)) this.surged.add(e.contactId);
        else this.surged.delete(e.contactId);
      }
      if (e.type === 'WrapUpEnded' || e.type === 'ContactAbandoned' || e.type === 'ContactExpired' || (e.type === 'ContactTransferred' && e.toQueueId === undefined)) {
        expect(this.terminals.has(e.contactId), `${e.type} for ${e.contactId}, which never entered`).toBe(true);
        this.terminals.set(e.contactId, (this.terminals.get(e.contactId) ?? 0) + 1);
      }
      if (e.type === 'ContactExpired' && e.reason === 'MAX_WAIT') expect(this.callbacks.has(e.contactId), `callback ${e.contactId} expired by max wait`).toBe(false);
      if (e.type === 'ContactAbandoned' && this.callbacks.has(e.contactId)) expect(cmd.type === 'ABANDON' && cmd.by !== undefined, `callback ${e.contactId} abandoned without a person`).toBe(true);
      if (e.type === 'CallbackRequested') this.callbacks.add(e.contactId);
      if (e.type === 'CallbackFailed' && e.retryAtMs !== undefined) this.retryAt.set(e.contactId, e.retryAtMs);
      if (e.type === 'QueueSurgeChanged') {
        expect(e.source === 'SUPERVISOR' || !e.active || this.queues.get(e.queueId)?.surge?.auto === true, `forecast switched on surge of ${e.queueId}, whose policy is not auto`).toBe(true);
        this.surging.set(e.queueId, e.active);
        if (e.active) for (const v of queuedBefore) if (v.queueId === e.queueId) this.surged.add(v.id);
      }
      if (e.type === 'QueueHoursChanged') expect(e.open, `${e.queueId} reported ${e.open ? 'open' : 'closed'} at ${e.atMs}`).toBe(this.openNow(e.queueId, e.atMs));
      if (e.type === 'CallbackOffered') {
        const q = this.queues.get(e.queueId) as QueueConfig;
        const input = this.inputs.get(e.contactId) as ContactInput;
        expect(this.isSurging(e.queueId), `callback offered to ${e.contactId} outside surge`).toBe(true);
        expect(input.tier === 'STANDARD' && ORACLE_LIVE_CHANNELS.includes(input.channel) && !this.callbacks.has(e.contactId), `callback offered to ${e.contactId} (${input.tier}, ${input.channel})`).toBe(true);
        expect(e.atMs - e.enqueuedAtMs).toBeGreaterThanOrEqual((q.surge?.callbackOfferAfterSeconds ?? 0) * 1000);
      }
      if (e.type === 'ContactOffered') this.checkOffer(e, queuedBefore, ledger);
      if (e.type === 'OfferAccepted' || e.type === 'OfferDeclined' || e.type === 'OfferTimedOut'
        || e.type === 'ContactAbandoned' || e.type === 'ContactTransferred') this.liveOffers.delete(e.contactId);
      if ((e.type === 'OfferDeclined' && e.reason !== 'AGENT_SIGNED_OUT') || e.type === 'OfferTimedOut') {
        this.refusals.set(`${e.contactId}|${e.agentId}`, { atMs: e.atMs, entry: this.entries.get(e.contactId) ?? 0 });
      }
      ledger.replay(e);
    }
  }

  private checkOffer(e: ContactOffered, queuedBefore: readonly ContactView[], ledger: AgentLedger): void {
    expect(this.liveOffers.has(e.contactId), `two live offers for ${e.contactId}`).toBe(false);
    this.liveOffers.set(e.contactId, e.agentId);
    this.idleBeside.delete(e.contactId);
    const q = this.queues.get(e.queueId) as QueueConfig;
    const input = { ...(this.inputs.get(e.contactId) as ContactInput), queueId: e.queueId };
    const waitMs = e.atMs - e.enqueuedAtMs;
    expect(this.openNow(e.queueId), `${e.contactId} offered from ${e.queueId}, which is closed`).toBe(true);
    const retryAt = this.retryAt.get(e.contactId);
    expect(retryAt === undefined || e.atMs >= retryAt, `callback ${e.contactId} offered at ${e.atMs}, before its retry at ${retryAt}`).toBe(true);
    this.retryAt.delete(e.contactId);
    if (this.isSurging(e.queueId)) {
      expect(oracleDeferred(q, input, this.callbacks.has(e.contactId)), `deferred email ${e.contactId} offered in surge`).toBe(false);
      expect(e.explanation.ring, `${e.contactId} offered in surge below the widest ring`).toBe(q.rings.length);
    }
    const agent = this.agents.find((a) => a.id === e.agentId) as AgentProfile;
    const used = ledger.usedBy(agent.id);
    expect(ledger.presenceOf(agent.id), `${e.contactId} offered to ${agent.id} while not AVAILABLE`).toBe('AVAILABLE');
    expect(oracleHasRoom(agent, used, e.channel), `${e.contactId} offered to ${agent.id} without room (${JSON.stringify(used)})`).toBe(true);
    const ring = Math.max(oracleRing(q, waitMs), this.expectedRing(e, e.atMs));
    expect(oracleEligible(agent, q, input, ring, oraclePoolOpen(q, waitMs)), `ineligible offer ${e.contactId} → ${agent.id}`).toBe(true);
    expect(this.excused({ id: e.contactId, queueId: e.queueId }, agent.id), `${e.contactId} offered to ${agent.id} within its refusal's cool-off`).toBe(false);
    const offeredInput = this.inputs.get(e.contactId) as ContactInput;
    for (const v of queuedBefore) {
      if (v.id === e.contactId || !this.couldTake(agent, v, used)) continue;
      const vipWaiting = this.queues.get(v.queueId)?.kind === 'VIP';
      expect(vipWaiting && q.kind !== 'VIP', `${agent.id} took ${e.contactId} from ${e.queueId} while VIP ${v.id} waited`).toBe(false);
      if (v.queueId !== e.queueId || q.kind !== 'PRIORITY' || q.agingRatePerSecond <= 0) continue;
      // Aging: in one queue the agent takes the highest effective priority, ties by arrival.
      const pv = oraclePriority(q, this.inputs.get(v.id) as ContactInput, this.now);
      const pe = oraclePriority(q, offeredInput, this.now);
      expect(pv < pe - EPS || (Math.abs(pv - pe) <= EPS && v.arrivedAtMs >= offeredInput.arrivedAtMs),
        `${agent.id} took ${e.contactId} (priority ${pe}) while ${v.id} (priority ${pv}) waited in ${q.id}`).toBe(true);
    }
  }

  /**
   * Whether the agent could have taken waiting contact `v` (as seen before the command, still
   * waiting in the same entry): eligible at v's stage, room, sticky allows, not within a cool-off.
   */
  private couldTake(agent: AgentProfile, v: ContactView, used: Record<string, number>): boolean {
    const now = this.engine.contact(v.id);
    if (now?.state !== 'QUEUED' || now.enqueuedAtMs !== v.enqueuedAtMs || now.queueId !== v.queueId) return false;
    if (v.held !== undefined || now.held !== undefined || !this.openNow(v.queueId)) return false;
    const q = this.queues.get(v.queueId) as QueueConfig;
    return oracleEligible(agent, q, { ...(this.inputs.get(v.id) as ContactInput), queueId: v.queueId }, v.ring, v.poolOpen)
      && !this.excused(v, agent.id) && (!v.sticky || v.preferredAgentId === agent.id) && oracleHasRoom(agent, used, v.channel);
  }

  /**
   * State rules: rings, pools and sticky phases match the wait; queue order; capacity and
   * blending; exclusions are exactly the refusals still in their cool-off; work conservation
   * (an AVAILABLE agent with room has nothing it may take waiting); and no contact waits beside
   * an idle agent that could serve it — decliners included — for a whole cool-off.
   */
  checkState(): void {
    const queued = this.views(['QUEUED']);
    for (const c of this.views(['QUEUED', 'OFFERED', 'CONNECTED', 'WRAP_UP'])) {
      const excluded = this.agents.map((a) => a.id).filter((id) => this.excused(c, id)).sort();
      expect([...c.declinedBy].sort(), `exclusions of ${c.id}`).toEqual(excluded);
    }
    for (const c of queued) this.checkStage(c);
    for (const c of queued) this.checkHeld(c);
    for (const q of this.queues.values()) this.checkOrder(q);
    const idle = new Set<string>();
    for (const profile of this.agents) {
      const a = this.engine.agent(profile.id);
      if (a === undefined) continue;
      const held = this.views(['OFFERED', 'CONNECTED', 'WRAP_UP']).filter((c) => c.agentId === profile.id);
      for (const ch of CHANNELS) {
        expect(a.used[ch]).toBe(held.filter((c) => c.channel === ch).length);
        expect(a.used[ch]).toBeLessThanOrEqual((profile.capacity as Record<string, number | undefined>)[ch] ?? 0);
      }
      if (profile.allowBlendWithPhone !== true && a.used.phone > 0) expect(a.used.chat + a.used.email + a.used.wechat).toBe(0);
      if (a.presence !== 'AVAILABLE') continue;
      for (const c of queued) {
        // Held contacts and closed queues offer nothing: not work an idle agent leaves undone.
        if (c.held !== undefined || !this.openNow(c.queueId)) continue;
        const q = this.queues.get(c.queueId) as QueueConfig;
        const input = { ...(this.inputs.get(c.id) as ContactInput), queueId: c.queueId };
        const serves = oracleEligible(profile, q, input, c.ring, c.poolOpen) && (!c.sticky || c.preferredAgentId === profile.id)
          && oracleHasRoom(profile, a.used, c.channel);
        if (!serves) continue;
        idle.add(c.id);
        // Work conservation: only a refusal still in its cool-off keeps them apart.
        expect(this.excused(c, profile.id), `${profile.id} idle while ${c.id} (${c.queueId}) waits`).toBe(true);
      }
    }
    for (const c of queued) {
      if (!idle.has(c.id)) {
        this.idleBeside.delete(c.id);
        continue;
      }
      const since = this.idleBeside.get(c.id) ?? this.now;
      this.idleBeside.set(c.id, since);
      expect(this.now - since, `${c.id} waited ${this.now - since} ms beside an idle agent that may serve it`).toBeLessThan(this.exclusionMs(c.queueId));
    }
  }

  private checkStage(c: ContactView): void {
    const q = this.queues.get(c.queueId) as QueueConfig;
    const wait = this.now - c.enqueuedAtMs;
    // A callback's customer is not on the line: max wait does not apply to it.
    if (q.maxWaitSeconds !== undefined && !this.callbacks.has(c.id)) expect(wait, `${c.id} waited past max wait`).toBeLessThan(q.maxWaitSeconds * 1000);
    // A held contact's stage is brought up to date when its hold ends.
    if (c.held !== undefined) return;
    expect(c.ring, `ring of ${c.id}`).toBe(this.expectedRing(c));
    expect(c.poolOpen).toBe(oraclePoolOpen(q, wait));
    if (c.sticky) {
      // Sticky only within the queue's wait, for a signed-in preferred agent that has not refused it.
      expect(wait).toBeLessThan(q.stickyAgentWaitSeconds * 1000);
      expect(this.engine.agent(c.preferredAgentId ?? '-')?.presence ?? 'OFFLINE').not.toBe('OFFLINE');
      expect(c.declinedBy).not.toContain(c.preferredAgentId);
    }
  }

  /**
   * A held contact waits (counted in its queue's depth) but has no position and is never
   * offered, and its hold is true: QUEUE_CLOSED only for a callback while its queue is closed,
   * CALLBACK_RETRY only until the retry time, SURGE_DEFERRED only for non-urgent email while its
   * queue surges. An unheld waiting contact is in an open queue, is not deferred email in surge,
   * and — a non-VIP live customer in surge past the policy's wait — has been offered a callback.
   * Each allowance for a timer the harness hands back late is explicit.
   */
  private checkHeld(c: ContactView): void {
    const q = this.queues.get(c.queueId) as QueueConfig;
    const input = this.inputs.get(c.id) as ContactInput;
    const deferred = oracleDeferred(q, input, this.callbacks.has(c.id));
    if (c.held !== undefined) {
      expect(this.engine.position(c.id), `held ${c.id} has a position`).toBeUndefined();
      if (c.held.reason === 'QUEUE_CLOSED') {
        expect(this.callbacks.has(c.id), `${c.id} held QUEUE_CLOSED without a callback`).toBe(true);
        expect(!this.openNow(c.queueId) || this.hoursStale(c.queueId), `${c.id} held QUEUE_CLOSED in open ${c.queueId}`).toBe(true);
      } else if (c.held.reason === 'CALLBACK_RETRY') {
        expect(this.now < (c.held.untilMs ?? 0) || this.overdue('HOLD_END', c.id), `${c.id} still held past its retry`).toBe(true);
      } else {
        expect(this.isSurging(c.queueId) && deferred, `${c.id} held SURGE_DEFERRED (surging ${this.isSurging(c.queueId)})`).toBe(true);
      }
      return;
    }
    expect(this.engine.position(c.id), `waiting ${c.id} has no position`).toBeDefined();
    expect(this.openNow(c.queueId) || this.hoursStale(c.queueId), `${c.id} waits unheld in closed ${c.queueId}`).toBe(true);
    if (!this.isSurging(c.queueId)) return;
    expect(deferred, `email ${c.id} not deferred in surge`).toBe(false);
    const mayOffer = input.tier === 'STANDARD' && ORACLE_LIVE_CHANNELS.includes(input.channel) && !this.callbacks.has(c.id);
    const due = this.now - c.enqueuedAtMs >= (q.surge?.callbackOfferAfterSeconds ?? 0) * 1000;
    if (mayOffer && due && !this.overdue('SURGE_CALLBACK_OFFER', c.id)) expect(c.callbackOffered, `${c.id} not offered a callback in surge`).toBe(true);
  }

  private checkOrder(q: QueueConfig): void {
    const order = this.engine.waitingContacts(q.id, 1000).map((c) => this.inputs.get(c.id) as ContactInput);
    const held = this.views(['QUEUED']).filter((c) => c.queueId === q.id && c.held !== undefined).length;
    expect(order.length).toBe(this.engine.queueDepth(q.id) - held);
    for (let i = 1; i < order.length; i++) {
      const a = order[i - 1] as ContactInput;
      const b = order[i] as ContactInput;
      const pa = oraclePriority(q, a, this.now);
      const pb = oraclePriority(q, b, this.now);
      expect(pa > pb + EPS || (Math.abs(pa - pb) <= EPS && a.arrivedAtMs <= b.arrivedAtMs), `order in ${q.id}`).toBe(true);
    }
  }
}
