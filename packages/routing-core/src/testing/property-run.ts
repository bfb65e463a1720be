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
import { oracleEligible, oracleHasRoom, oraclePoolOpen, oraclePriority, oracleRing } from './oracle.js';

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
  /** Every command applied, when it was applied and what it emitted (or the error it threw). */
  readonly log: { readonly cmd: RoutingCommand; readonly nowMs: number; readonly events?: readonly RoutingEvent[]; readonly error?: string }[] = [];

  constructor(queues: readonly QueueConfig[], readonly agents: readonly AgentProfile[]) {
    this.queues = new Map(queues.map((q) => [q.id, q]));
    this.engine = new RoutingEngine({ domainId: 'p', ruleVersion: 'prop', queues });
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
    try {
      const r = this.engine.apply(cmd, this.now);
      events = r.events;
      this.pending.push(...r.timers);
      this.log.push({ cmd, nowMs: this.now, events });
    } catch (e) {
      if (!isRoutingError(e)) throw e;
      this.log.push({ cmd, nowMs: this.now, error: (e as Error).message });
      return [];
    }
    this.checkEvents(events, queuedBefore, ledger);
    // Timers due at this very instant are still to fire; state rules hold once they have.
    if (!this.pending.some((t) => t.dueAtMs <= this.now)) this.checkState();
    return events;
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
      this.pending.sort((a, b) => a.dueAtMs - b.dueAtMs || (a.id < b.id ? -1 : 1));
      const t = this.pending[0];
      if (t === undefined || t.dueAtMs > until) break;
      this.pending.shift();
      this.fired.push(t);
      this.now = Math.max(this.now, t.dueAtMs);
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
    if (left !== undefined) {
      const threshold = left.type === 'ContactExpired' ? q.maxWaitSeconds : q.overflow?.afterSeconds;
      expect(threshold, `${id} left ${q.id} without a threshold`).toBeDefined();
      expect(wait).toBeGreaterThanOrEqual((threshold ?? 0) * 1000);
      return;
    }
    expect(events.some((e) => e.type === 'ContactQueued' && e.contactId === id), `${id} re-entered its queue after a decline`).toBe(false);
    const c = this.engine.contact(id);
    expect(c?.enqueuedAtMs).toBe(before.enqueuedAtMs);
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
    expect(again?.explanation.ring).toBe(oracleRing(q, wait));
  }

  /**
   * Per-event rules, replaying presence and load through the command: one live offer per contact;
   * every offer to an agent that was AVAILABLE with room at that moment, eligible at the contact's
   * stage and not within a refusal's cool-off; VIP precedence; within a PRIORITY queue with aging,
   * no contact the agent could take outranked the one offered.
   */
  private checkEvents(events: readonly RoutingEvent[], queuedBefore: readonly ContactView[], ledger: AgentLedger): void {
    for (const e of events) {
      if (e.type === 'ContactQueued') {
        this.entries.set(e.contactId, (this.entries.get(e.contactId) ?? 0) + 1);
        this.idleBeside.delete(e.contactId);
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
    const agent = this.agents.find((a) => a.id === e.agentId) as AgentProfile;
    const used = ledger.usedBy(agent.id);
    expect(ledger.presenceOf(agent.id), `${e.contactId} offered to ${agent.id} while not AVAILABLE`).toBe('AVAILABLE');
    expect(oracleHasRoom(agent, used, e.channel), `${e.contactId} offered to ${agent.id} without room (${JSON.stringify(used)})`).toBe(true);
    expect(oracleEligible(agent, q, input, oracleRing(q, waitMs), oraclePoolOpen(q, waitMs)), `ineligible offer ${e.contactId} → ${agent.id}`).toBe(true);
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
    expect(c.ring).toBe(oracleRing(q, wait));
    expect(c.poolOpen).toBe(oraclePoolOpen(q, wait));
    if (q.maxWaitSeconds !== undefined) expect(wait).toBeLessThan(q.maxWaitSeconds * 1000);
    if (c.sticky) {
      // Sticky only within the queue's wait, for a signed-in preferred agent that has not refused it.
      expect(wait).toBeLessThan(q.stickyAgentWaitSeconds * 1000);
      expect(this.engine.agent(c.preferredAgentId ?? '-')?.presence ?? 'OFFLINE').not.toBe('OFFLINE');
      expect(c.declinedBy).not.toContain(c.preferredAgentId);
    }
  }

  private checkOrder(q: QueueConfig): void {
    const order = this.engine.waitingContacts(q.id, 1000).map((c) => this.inputs.get(c.id) as ContactInput);
    expect(order.length).toBe(this.engine.queueDepth(q.id));
    for (let i = 1; i < order.length; i++) {
      const a = order[i - 1] as ContactInput;
      const b = order[i] as ContactInput;
      const pa = oraclePriority(q, a, this.now);
      const pb = oraclePriority(q, b, this.now);
      expect(pa > pb + EPS || (Math.abs(pa - pb) <= EPS && a.arrivedAtMs <= b.arrivedAtMs), `order in ${q.id}`).toBe(true);
    }
  }
}
