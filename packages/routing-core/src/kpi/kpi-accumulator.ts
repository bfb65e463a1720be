import type { ContactEventBase, RoutingEvent, SurveyAnswered, SurveyOffered } from '../model/event.js';
import { SURVEY_SATISFIED_MIN } from '../model/survey.js';
import type { QueueKpis } from './types.js';
import { AgentPerformanceFold } from './agent-performance.js';
import { addAgentTally, emptyAgentIntervalTally } from './agent-tally.js';
import { agentKpis, addQueueTally, emptyQueueTally, queueKpis, type QueueTally } from './tally.js';
import { OutcomeKind, type KpiOptions, type KpiReport } from './types.js';
import { FcrTracker } from './fcr-tracker.js';
import { DEFAULT_FCR_WINDOW_SECONDS } from '../model/customer.js';

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
  /** Agents' time and offers: the agent-performance fold, in one bucket from `fromMs`. */
  private readonly agents: AgentPerformanceFold;
  private readonly live = new Map<string, LiveContact>();
  private readonly handleMsOf = new Map<string, number>();
  /** Live callbacks: the wait at their agent's accept while the dial is on (null before one). */
  private readonly callbacks = new Map<string, number | null>();
  private readonly fromMs: number;
  private lastMs: number;
  private readonly fcr: FcrTracker;

  constructor(private readonly options: KpiOptions = {}) {
    this.fromMs = options.fromMs ?? -Infinity;
    this.fcr = new FcrTracker((queueId) => 1000 * (options.fcrWindowSecondsByQueue?.[queueId] ?? options.defaultFcrWindowSeconds ?? DEFAULT_FCR_WINDOW_SECONDS));
    this.lastMs = Number.isFinite(this.fromMs) ? this.fromMs : 0;
    this.agents = new AgentPerformanceFold({}, { bucketMs: Infinity, fromMs: this.fromMs });
  }

  /** Service-level threshold of a queue, seconds. */
  slSeconds(queueId: string): number {
    return this.options.slSecondsByQueue?.[queueId] ?? this.options.defaultSlSeconds ?? 20;
  }

  add(event: RoutingEvent): void {
    this.lastMs = Math.max(this.lastMs, event.atMs);
    const inWindow = event.atMs >= this.fromMs;
    this.agents.add(event);
    switch (event.type) {
      case 'ContactQueued': {
        // Emitted on every queue entry; without an explanation an offer follows at once (no wait).
        const waited = (this.live.get(event.contactId)?.waited ?? false) || event.explanation !== undefined;
        this.live.set(event.contactId, { queueId: event.queueId, waited });
        return;
      }
      case 'ContactOffered':
        if (!this.live.has(event.contactId)) this.live.set(event.contactId, { queueId: event.queueId, waited: false });
        if (inWindow) this.queue(event.queueId).offered++;
        return;
      case 'OfferDeclined':
      case 'OfferTimedOut': {
        this.markWaited(event);
        if (!inWindow) return;
        const declined = event.type === 'OfferDeclined';
        if (declined) this.queue(event.queueId).declined++;
        else this.queue(event.queueId).missed++;
        return;
      }
      case 'OfferAccepted': {
        if (inWindow) this.queue(event.queueId).accepted++;
        // A callback is answered once the customer is reached (its conversation completes), not when its dial starts.
        if (this.callbacks.has(event.contactId)) this.callbacks.set(event.contactId, event.waitMs);
        else this.finish(event, OutcomeKind.ANSWERED, event.waitMs);
        return;
      }
      case 'ContactAbandoned': this.fcr.ended(event.contactId); return this.finish(event, OutcomeKind.ABANDONED, event.waitMs);
      case 'ContactExpired': this.fcr.ended(event.contactId); return this.finish(event, OutcomeKind.EXPIRED, event.waitMs);
      case 'ContactRejected': this.fcr.ended(event.contactId); return this.finish(event, OutcomeKind.REJECTED, 0);
      case 'CustomerIdentified': return this.fcr.identified(event.contactId, event.customerKey, event.atMs);
      case 'ContactOverflowed':
        this.live.set(event.contactId, { queueId: event.toQueueId, waited: true });
        return;
      case 'ContactTransferred':
        if (event.destination !== undefined && event.toQueueId === undefined && event.toAgentId === undefined) {
          this.fcr.ended(event.contactId);
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
        // The dial failed: the agent is free again (the agent fold) and the contact waits for its retry (or expires).
        this.callbacks.set(event.contactId, null);
        this.markWaited(event);
        if (inWindow && event.arrivedAtMs >= this.fromMs) this.queue(event.queueId).callbackDialsFailed++;
        return;
      case 'ContactOutcomeRecorded': return this.countOutcome(event, event.resolvedFirstContact);
      case 'WrapUpEnded': {
        const handleMs = this.handleMsOf.get(event.contactId) ?? 0;
        this.handleMsOf.delete(event.contactId);
        this.callbacks.delete(event.contactId);
        this.fcr.ended(event.contactId);
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
      case 'QaReviewRequested':
      case 'FollowUpTaskOpened':
      case 'FollowUpTaskAtRisk':
      case 'QaReviewScored': // QA marks and scores feed agent performance, not the queue KPIs.
        return;
      case 'SurveyOffered':
      case 'SurveyAnswered':
        return this.countSurvey(event);
    }
  }

  /**
   * A survey counts in the contact's queue by when the contact arrived (as FCR); for its agent the
   * agent-performance fold counts it when it was sent or answered.
   */
  private countSurvey(event: SurveyOffered | SurveyAnswered): void {
    if (event.arrivedAtMs < this.fromMs) return;
    const tally = this.queue(event.queueId);
    if (event.type === 'SurveyOffered') { tally.surveysOffered++; return; }
    tally.surveysAnswered++;
    tally.surveyScoreSum += event.score;
    if (event.score >= SURVEY_SATISFIED_MIN) tally.surveysSatisfied++;
  }

  /**
   * An agent's outcome counts for FCR in the contact's queue, as `handled` does, by when it
   * arrived; a resolution then waits out the queue's FCR window for a repeat contact (FcrTracker).
   */
  private countOutcome(event: ContactEventBase, resolvedFirstContact: boolean): void {
    this.fcr.outcome(event.contactId, event.queueId, resolvedFirstContact, event.atMs, event.arrivedAtMs >= this.fromMs);
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
      return this.withFcr(queueKpis(id, this.slSeconds(id), tally), untilMs);
    });
    const agents = this.agentTallies(untilMs);
    const signedIn = agents.reduce((s, a) => s + a.signedInSeconds, 0);
    const busy = agents.reduce((s, a) => s + a.busySeconds, 0);
    const sl = thresholds.size === 1 ? [...thresholds][0] ?? NaN : NaN;
    const fcrTotal = queues.reduce((t, q) => ({ c: t.c + q.fcrConfirmed, s: t.s + q.fcrConfirmed + q.fcrVoided + q.fcrUnresolved, p: t.p + q.fcrProvisional, v: t.v + q.fcrVoided, u: t.u + q.fcrUnresolved }),
      { c: 0, s: 0, p: 0, v: 0, u: 0 });
    const totalKpis = { ...queueKpis('*', sl, total), firstContactResolution: fcrTotal.s > 0 ? fcrTotal.c / fcrTotal.s : NaN,
      fcrConfirmed: fcrTotal.c, fcrVoided: fcrTotal.v, fcrUnresolved: fcrTotal.u, fcrProvisional: fcrTotal.p };
    return { fromMs, untilMs, queues, total: totalKpis, agents, occupancy: signedIn > 0 ? busy / signedIn : NaN };
  }

  /** The queue's FCR by the repeat-contact definition, as of `untilMs`. */
  private withFcr(kpis: QueueKpis, untilMs: number): QueueKpis {
    const f = this.fcr.figuresAt(kpis.queueId, untilMs);
    return { ...kpis, firstContactResolution: f.rate, fcrConfirmed: f.confirmed, fcrVoided: f.voided, fcrUnresolved: f.unresolved, fcrProvisional: f.provisional };
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


  private queue(id: string): QueueTally {
    let tally = this.queues.get(id);
    if (tally === undefined) this.queues.set(id, (tally = emptyQueueTally()));
    return tally;
  }


  /** Each agent's figures so far (sorted by id), open stretches closed at `untilMs` without closing them in the fold. */
  private agentTallies(untilMs: number): ReturnType<typeof agentKpis>[] {
    const byAgent = new Map<string, ReturnType<typeof emptyAgentIntervalTally>>();
    for (const d of [...this.agents.peek(), ...this.agents.openDeltas(untilMs)]) {
      addAgentTally(byAgent.get(d.agentId) ?? byAgent.set(d.agentId, emptyAgentIntervalTally()).get(d.agentId)!, d.tally);
    }
    return [...byAgent.keys()].sort().map((id) => agentKpis(id, byAgent.get(id)!));
  }
}
