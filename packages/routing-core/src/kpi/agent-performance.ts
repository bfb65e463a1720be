import { Presence } from '../model/agent.js';
import type { RoutingEvent } from '../model/event.js';
import { emptyAgentIntervalTally, type AgentIntervalTally, type AgentTallyField } from './agent-tally.js';
import { firstContactAnswer } from './fcr.js';

/** The finest interval agent performance is kept in: 15 minutes, the contact centre's habit. */
export const AGENT_BUCKET_MS = 15 * 60_000;

/**
 * What is still open for one agent: the current presence, the start of the stretch of time not
 * yet counted, and the contacts held (connected or wrapping up: contact id → talk ms once its
 * conversation completed, −1 before). Plain JSON, so a store can keep it between batches.
 */
export interface AgentOpenState {
  presence: Presence;
  sinceMs: number;
  held: Record<string, number>;
}

/** Open state per agent id. Bounded by live agents: an agent offline holding nothing is dropped. */
export type AgentPerformanceState = Record<string, AgentOpenState>;

/** Counters to add to one agent's bucket. */
export interface AgentBucketDelta {
  readonly agentId: string;
  readonly bucketStartMs: number;
  readonly tally: AgentIntervalTally;
}

/** Options of {@link AgentPerformanceFold}. */
export interface AgentPerformanceOptions {
  /** Bucket width (default {@link AGENT_BUCKET_MS}); Infinity: one bucket (start 0) for all time. */
  readonly bucketMs?: number;
  /** Nothing before this (epoch ms) counts: events are ignored for counts, time is clipped. */
  readonly fromMs?: number;
}

/** Transfers the engine makes itself (limits, sign-out), not the agent's choice. */
const ENGINE_TRANSFERS = new Set(['HANDLE_LIMIT', 'AGENT_SIGNED_OUT']);

/**
 * Folds routing events (engine order) into per-agent, per-interval counters: offers and their
 * answers, contacts handled with their talk and wrap-up time, FCR answers, transfers out, and
 * the agent's time split into signed-in, routable, busy, idle and away. Time is counted when a
 * stretch closes (the agent's next event) and spread over the buckets it spans; `openDeltas`
 * gives the stretches still open without closing them.
 *
 * Pure and incremental: construct it from a saved {@link AgentPerformanceState}, add the events
 * after it, `drain()` the counters and the changed state to store them.
 */
export class AgentPerformanceFold {
  private readonly open = new Map<string, AgentOpenState>();
  private readonly pending = new Map<string, Map<number, AgentIntervalTally>>();
  private readonly changed = new Set<string>();
  private readonly bucketMs: number;
  private readonly fromMs: number;

  constructor(state: AgentPerformanceState = {}, options: AgentPerformanceOptions = {}) {
    for (const [agentId, s] of Object.entries(state)) this.open.set(agentId, { presence: s.presence, sinceMs: s.sinceMs, held: { ...s.held } });
    this.bucketMs = options.bucketMs ?? AGENT_BUCKET_MS;
    this.fromMs = options.fromMs ?? -Infinity;
  }

  add(event: RoutingEvent): void {
    if (!('agentId' in event) || !event.agentId) {
      if (event.type === 'ContactTransferred' && event.fromAgentId) this.transferred(event.fromAgentId, event.contactId, event.atMs, event.reason);
      return;
    }
    const { agentId, atMs } = event;
    switch (event.type) {
      case 'AgentPresenceChanged': {
        const s = this.advance(agentId, atMs, event.from);
        s.presence = event.to;
        return this.settle(agentId, s);
      }
      case 'ContactOffered': return this.count(agentId, atMs, 'offered');
      case 'OfferDeclined': return this.count(agentId, atMs, 'declined');
      case 'OfferTimedOut': return this.count(agentId, atMs, 'missed');
      case 'OfferAccepted': {
        this.advance(agentId, atMs).held[event.contactId] = -1;
        return this.count(agentId, atMs, 'accepted');
      }
      case 'ContactCompleted':
        // From here to its wrap-up's end the contact is after-contact work; its talk time is kept for AHT.
        this.advance(agentId, atMs).held[event.contactId] = event.handleMs;
        return this.countOutcome(agentId, event);
      case 'ContactOutcomeRecorded': return this.countOutcome(agentId, event);
      case 'WrapUpEnded': {
        const s = this.advance(agentId, atMs);
        const talkMs = Math.max(0, s.held[event.contactId] ?? 0);
        delete s.held[event.contactId];
        this.settle(agentId, s);
        if (atMs < this.fromMs) return;
        const t = this.tally(agentId, atMs);
        t.handled++;
        t.talkMs += talkMs;
        t.wrapMs += event.wrapUpMs;
        return;
      }
      case 'CallbackFailed': return this.release(agentId, event.contactId, atMs);
      // Satisfaction and quality land later than the contact: they count when they are recorded.
      case 'SurveyOffered': return this.count(agentId, atMs, 'surveysOffered');
      case 'SurveyAnswered': return this.addSurveyAnswer(agentId, atMs, event.score);
      case 'QaReviewScored': return this.addQaScore(agentId, atMs, event.score);
      default: return;
    }
  }

  /** A survey answer (1–5) for a contact the agent handled, counted when it came. */
  addSurveyAnswer(agentId: string, atMs: number, score: number): void {
    if (!agentId || atMs < this.fromMs) return;
    const t = this.tally(agentId, atMs);
    t.surveys++;
    t.surveyScoreSum += score;
    if (score >= 4) t.surveysSatisfied++;
  }

  /** A QA review's score (0–100) of the agent, counted when it was scored. */
  addQaScore(agentId: string, atMs: number, score: number): void {
    if (!agentId || atMs < this.fromMs) return;
    const t = this.tally(agentId, atMs);
    t.qaReviews++;
    t.qaScoreSum += score;
  }

  /** The counters since the last drain, and the open state of every agent that changed (undefined: drop it). */
  drain(): { deltas: AgentBucketDelta[]; states: Map<string, AgentOpenState | undefined> } {
    const deltas = this.peek();
    const states = new Map([...this.changed].map((id) => [id, this.open.get(id)] as const));
    this.pending.clear();
    this.changed.clear();
    return { deltas, states };
  }

  /** The counters since the last drain, without draining them. */
  peek(): AgentBucketDelta[] {
    const out: AgentBucketDelta[] = [];
    for (const [agentId, buckets] of this.pending) for (const [bucketStartMs, tally] of buckets) out.push({ agentId, bucketStartMs, tally });
    return out;
  }

  /** The time of every open stretch up to `untilMs`, as counters, changing nothing. */
  openDeltas(untilMs: number): AgentBucketDelta[] {
    const out = new Map<string, AgentBucketDelta>();
    for (const [agentId, s] of this.open) {
      this.spreadTime(s, untilMs, (bucketStartMs) => {
        const key = `${agentId}\u0000${bucketStartMs}`;
        let delta = out.get(key);
        if (!delta) out.set(key, (delta = { agentId, bucketStartMs, tally: emptyAgentIntervalTally() }));
        return delta.tally;
      });
    }
    return [...out.values()];
  }

  /** The open state of every agent (what a store keeps). */
  state(): AgentPerformanceState {
    return Object.fromEntries(this.open);
  }

  /**
   * The agent's FCR answer, counted when given. The repeat-contact definition (a resolution voided
   * by the same customer's repeat within the queue's window, issue 15's identity part) is to come
   * in here from the core's FCR tracker once it is on main: a void then subtracts from the bucket
   * the answer was counted in (the store adds negative amounts as well).
   */
  private countOutcome(agentId: string, event: RoutingEvent): void {
    const answer = firstContactAnswer(event);
    if (answer === undefined || event.atMs < this.fromMs) return;
    const t = this.tally(agentId, event.atMs);
    t.outcomes++;
    if (answer) t.resolvedFirstContact++;
  }

  private transferred(agentId: string, contactId: string, atMs: number, reason: string | undefined): void {
    const wasHeld = this.open.get(agentId)?.held[contactId] !== undefined;
    this.release(agentId, contactId, atMs);
    if (wasHeld && !ENGINE_TRANSFERS.has(reason ?? '')) this.count(agentId, atMs, 'transfersOut');
  }

  private release(agentId: string, contactId: string, atMs: number): void {
    const s = this.advance(agentId, atMs);
    delete s.held[contactId];
    this.settle(agentId, s);
  }

  private count(agentId: string, atMs: number, field: AgentTallyField): void {
    if (atMs < this.fromMs) {
      this.tally(agentId, this.fromMs);
      return;
    }
    this.tally(agentId, atMs)[field]++;
  }

  /** Counts the agent's time up to `atMs` by its state until then; `presence`: what a first-seen agent was in. */
  private advance(agentId: string, atMs: number, presence: Presence = Presence.OFFLINE): AgentOpenState {
    let s = this.open.get(agentId);
    if (!s) this.open.set(agentId, (s = { presence, sinceMs: atMs, held: {} }));
    this.spreadTime(s, atMs, (bucket) => this.tallyAt(agentId, bucket));
    s.sinceMs = Math.max(s.sinceMs, atMs);
    this.changed.add(agentId);
    this.tally(agentId, Math.max(atMs, this.fromMs));
    return s;
  }

  /** Drops an agent with nothing open (signed out, holding nothing): live agents bound the state. */
  private settle(agentId: string, s: AgentOpenState): void {
    if (s.presence === Presence.OFFLINE && Object.keys(s.held).length === 0) this.open.delete(agentId);
  }

  /** Adds the stretch from `s.sinceMs` to `untilMs` (clipped to the window) to the buckets it spans. */
  private spreadTime(s: AgentOpenState, untilMs: number, tallyOf: (bucketStartMs: number) => AgentIntervalTally): void {
    const startMs = Math.max(s.sinceMs, this.fromMs);
    if (!(untilMs > startMs)) return;
    const signedIn = s.presence !== Presence.OFFLINE;
    const busy = Object.keys(s.held).length > 0;
    const ready = s.presence === Presence.AVAILABLE || s.presence === Presence.WRAP_UP;
    if (!signedIn && !busy) return;
    const add = (t: AgentIntervalTally, ms: number) => {
      if (signedIn) t.signedInMs += ms;
      if (signedIn && (busy || ready)) t.routableMs += ms;
      if (busy) t.busyMs += ms;
      else if (ready) t.idleMs += ms;
      else if (s.presence === Presence.AWAY) t.awayMs += ms;
    };
    if (!Number.isFinite(this.bucketMs)) return add(tallyOf(0), untilMs - startMs);
    for (let t = startMs; t < untilMs;) {
      const bucket = Math.floor(t / this.bucketMs) * this.bucketMs;
      const end = Math.min(untilMs, bucket + this.bucketMs);
      add(tallyOf(bucket), end - t);
      t = end;
    }
  }

  private tally(agentId: string, atMs: number): AgentIntervalTally {
    return this.tallyAt(agentId, Number.isFinite(this.bucketMs) ? Math.floor(atMs / this.bucketMs) * this.bucketMs : 0);
  }

  private tallyAt(agentId: string, bucketStartMs: number): AgentIntervalTally {
    let buckets = this.pending.get(agentId);
    if (!buckets) this.pending.set(agentId, (buckets = new Map()));
    let t = buckets.get(bucketStartMs);
    if (!t) buckets.set(bucketStartMs, (t = emptyAgentIntervalTally()));
    return t;
  }
}
