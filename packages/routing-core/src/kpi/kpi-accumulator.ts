import type { ContactEventBase, RoutingEvent } from '../model/event.js';
import { agentKpis, addQueueTally, emptyAgentTally, emptyQueueTally, queueKpis, type AgentTally, type QueueTally } from './tally.js';
import { OutcomeKind, type KpiOptions, type KpiReport } from './types.js';

/** A live contact's current queue and whether it has had to wait there. */
interface LiveContact { queueId: string; waited: boolean }

/**
 * Folds routing events into KPIs, one event at a time, for the live path (a dashboard consuming the
 * ROUTING stream) and for {@link computeKpis}. Memory is O(queues + agents + live contacts):
 * finished contacts are forgotten once counted.
 *
 * Events must come in engine order (`seq`); `snapshot(untilMs)` may be taken at any point.
 */
export class KpiAccumulator {
  private readonly queues = new Map<string, QueueTally>();
  private readonly agents = new Map<string, AgentTally>();
  private readonly live = new Map<string, LiveContact>();
  private readonly connectedTo = new Map<string, string>();
  private readonly handleMsOf = new Map<string, number>();
  /** Live callbacks: the wait at their agent's accept while the dial is on (null before one). */
  private readonly callbacks = new Map<string, number | null>();
  private readonly fromMs: number;
  private lastMs: number;

  constructor(private readonly options: KpiOptions = {}) {
    this.fromMs = options.fromMs ?? -Infinity;
    this.lastMs = Number.isFinite(this.fromMs) ? this.fromMs : 0;
  }

  /** Service-level threshold of a queue, seconds. */
  slSeconds(queueId: string): number {
    return this.options.slSecondsByQueue?.[queueId] ?? this.options.defaultSlSeconds ?? 20;
  }

  add(event: RoutingEvent): void {
    this.lastMs = Math.max(this.lastMs, event.atMs);
    const inWindow = event.atMs >= this.fromMs;
    switch (event.type) {
      case 'AgentPresenceChanged': {
        const agent = this.agent(event.agentId);
        if (event.from === 'OFFLINE' && event.to !== 'OFFLINE') agent.signedInSince = event.atMs;
        if (event.to === 'OFFLINE' && agent.signedInSince !== undefined) {
          agent.signedInMs += this.clipped(agent.signedInSince, event.atMs);
          agent.signedInSince = undefined;
        }
        return;
      }
      case 'ContactQueued': {
        // Emitted on every queue entry; without an explanation an offer follows at once (no wait).
        const waited = (this.live.get(event.contactId)?.waited ?? false) || event.explanation !== undefined;
        this.live.set(event.contactId, { queueId: event.queueId, waited });
        return;
      }
      case 'ContactOffered':
        if (!this.live.has(event.contactId)) this.live.set(event.contactId, { queueId: event.queueId, waited: false });
        if (inWindow) { this.queue(event.queueId).offered++; this.agent(event.agentId).offered++; }
        return;
      case 'OfferDeclined':
      case 'OfferTimedOut': {
        this.markWaited(event);
        if (!inWindow) return;
        const declined = event.type === 'OfferDeclined';
        if (declined) { this.queue(event.queueId).declined++; this.agent(event.agentId).declined++; }
        else { this.queue(event.queueId).missed++; this.agent(event.agentId).missed++; }
        return;
      }
      case 'OfferAccepted': {
        if (inWindow) { this.queue(event.queueId).accepted++; this.agent(event.agentId).accepted++; }
        // A callback is answered once the customer is reached (its conversation completes), not when its dial starts.
        if (this.callbacks.has(event.contactId)) this.callbacks.set(event.contactId, event.waitMs);
        else this.finish(event, OutcomeKind.ANSWERED, event.waitMs);
        this.connectedTo.set(event.contactId, event.agentId);
        const agent = this.agent(event.agentId);
        if (agent.active++ === 0) agent.busySince = event.atMs;
        return;
      }
      case 'ContactAbandoned': return this.finish(event, OutcomeKind.ABANDONED, event.waitMs);
      case 'ContactExpired': return this.finish(event, OutcomeKind.EXPIRED, event.waitMs);
      case 'ContactRejected': return this.finish(event, OutcomeKind.REJECTED, 0);
      case 'ContactOverflowed':
        this.live.set(event.contactId, { queueId: event.toQueueId, waited: true });
        return;
      case 'ContactTransferred':
        this.release(event.contactId, event.atMs);
        if (event.destination !== undefined && event.toQueueId === undefined && event.toAgentId === undefined) {
          this.live.delete(event.contactId);
          this.callbacks.delete(event.contactId);
        } else {
          this.live.set(event.contactId, { queueId: event.toQueueId ?? event.queueId, waited: true });
        }
        return;
      case 'ContactCompleted': {
        const callbackWaitMs = this.callbacks.get(event.contactId);
        if (callbackWaitMs !== undefined) {
          this.callbacks.delete(event.contactId);
          if (event.arrivedAtMs >= this.fromMs) this.queue(event.queueId).callbacksConnected++;
          this.finish(event, OutcomeKind.ANSWERED, callbackWaitMs ?? 0);
        }
        this.handleMsOf.set(event.contactId, event.handleMs);
        if (event.resolvedFirstContact !== undefined) this.countOutcome(event, event.resolvedFirstContact);
        return;
      }
      case 'CallbackRequested':
        if (!this.callbacks.has(event.contactId)) this.callbacks.set(event.contactId, null);
        if (inWindow && event.arrivedAtMs >= this.fromMs) this.queue(event.queueId).callbacksRequested++;
        return;
      case 'CallbackFailed':
        // The dial failed: the agent is free again and the contact waits for its retry (or expires).
        this.release(event.contactId, event.atMs);
        this.callbacks.set(event.contactId, null);
        this.markWaited(event);
        if (inWindow && event.arrivedAtMs >= this.fromMs) this.queue(event.queueId).callbackDialsFailed++;
        return;
      case 'ContactOutcomeRecorded': return this.countOutcome(event, event.resolvedFirstContact);
      case 'WrapUpEnded': {
        const handleMs = this.handleMsOf.get(event.contactId) ?? 0;
        this.handleMsOf.delete(event.contactId);
        this.callbacks.delete(event.contactId);
        this.release(event.contactId, event.atMs);
        if (event.arrivedAtMs < this.fromMs) return;
        const tally = this.queue(event.queueId);
        tally.handled++;
        tally.handleMs += handleMs + event.wrapUpMs;
        return;
      }
      case 'RingWidened':
      case 'CallbackOffered':
      case 'CallbackDialing':
      case 'ContactHeld':
      case 'QueueHoursChanged':
      case 'QueueSurgeChanged':
      case 'SurveyOffered': // CSAT: folded in by the survey tally once it lands
      case 'SurveyAnswered':
      case 'QaReviewRequested':
      case 'FollowUpTaskOpened':
      case 'FollowUpTaskAtRisk':
      case 'QaReviewScored': // QA marks and scores feed agent performance, not the queue KPIs.
        return;
    }
  }

  /** An agent's outcome counts for FCR in the contact's queue, as `handled` does, by when it arrived. */
  private countOutcome(event: ContactEventBase, resolvedFirstContact: boolean): void {
    if (event.arrivedAtMs < this.fromMs) return;
    const tally = this.queue(event.queueId);
    tally.outcomes++;
    if (resolvedFirstContact) tally.resolvedFirstContact++;
  }

  /** The KPIs so far; open agent intervals are closed at `untilMs` (default: the last event). */
  snapshot(untilMs: number = this.lastMs): KpiReport {
    const fromMs = Number.isFinite(this.fromMs) ? this.fromMs : 0;
    const ids = [...this.queues.keys()].sort();
    const total = emptyQueueTally();
    const thresholds = new Set<number>();
    const queues = ids.map((id) => {
      const tally = this.queues.get(id) ?? emptyQueueTally();
      addQueueTally(total, tally);
      thresholds.add(this.slSeconds(id));
      return queueKpis(id, this.slSeconds(id), tally);
    });
    const agents = [...this.agents.keys()].sort().map((id) => agentKpis(id, this.agents.get(id) ?? emptyAgentTally(), this.fromMs, untilMs));
    const signedIn = agents.reduce((s, a) => s + a.signedInSeconds, 0);
    const busy = agents.reduce((s, a) => s + a.busySeconds, 0);
    const sl = thresholds.size === 1 ? [...thresholds][0] ?? NaN : NaN;
    return { fromMs, untilMs, queues, total: queueKpis('*', sl, total), agents, occupancy: signedIn > 0 ? busy / signedIn : NaN };
  }

  private finish(event: ContactEventBase, kind: OutcomeKind, waitMs: number): void {
    const live = this.live.get(event.contactId);
    this.live.delete(event.contactId);
    if (kind !== OutcomeKind.ANSWERED) this.callbacks.delete(event.contactId);
    if (event.arrivedAtMs < this.fromMs) return;
    const waited = kind === OutcomeKind.REJECTED ? false : (live?.waited ?? kind !== OutcomeKind.ANSWERED);
    const inTime = kind === OutcomeKind.ANSWERED && waitMs <= this.slSeconds(event.queueId) * 1000;
    const tally = this.queue(event.queueId);
    if (kind === OutcomeKind.REJECTED) tally.rejected++;
    else {
      tally.contacts++;
      if (waited) tally.waited++;
      if (kind === OutcomeKind.ANSWERED) { tally.answered++; tally.answeredWaitMs += waitMs; if (inTime) tally.answeredInTime++; }
      if (kind === OutcomeKind.ABANDONED) tally.abandoned++;
      if (kind === OutcomeKind.EXPIRED) tally.expired++;
    }
    this.options.onOutcome?.({ contactId: event.contactId, queueId: event.queueId, kind, arrivedAtMs: event.arrivedAtMs,
      atMs: event.atMs, waitMs, waited, inTime });
  }

  private markWaited(event: ContactEventBase): void {
    const live = this.live.get(event.contactId);
    if (live !== undefined) live.waited = true;
  }

  /** Ends the contact's hold on its agent (wrap-up over or transferred away). */
  private release(contactId: string, atMs: number): void {
    const agentId = this.connectedTo.get(contactId);
    if (agentId === undefined) return;
    this.connectedTo.delete(contactId);
    const agent = this.agent(agentId);
    if (--agent.active === 0 && agent.busySince !== undefined) {
      agent.busyMs += this.clipped(agent.busySince, atMs);
      agent.busySince = undefined;
    }
  }

  private clipped(startMs: number, endMs: number): number {
    return Math.max(0, endMs - Math.max(startMs, this.fromMs));
  }

  private queue(id: string): QueueTally {
    let tally = this.queues.get(id);
    if (tally === undefined) this.queues.set(id, (tally = emptyQueueTally()));
    return tally;
  }

  private agent(id: string): AgentTally {
    let tally = this.agents.get(id);
    if (tally === undefined) this.agents.set(id, (tally = emptyAgentTally()));
    return tally;
  }
}
