import { signIn, signOut, pullWork, setPresence } from './core/agent-flow.js';
import {
  reprioritize,
  abandon, accept, arrive, callbackFailed, complete, endWrapUpCommand, refuse, requestCallback, setSurgeMode, timerFired, transfer,
} from './core/contact-commands.js';
import { afterEvents, scoreQaReview } from './core/after-outcome.js';
import { upsertQueue } from './core/queue-config.js';
import { answerSurvey, pruneSurveys } from './core/surveys.js';
import { connectionLimitTimers } from './core/limits.js';
import type { AgentRec } from './core/records.js';
import { captureState, restoreState, type EngineImage } from './core/image.js';
import { EngineState } from './core/state.js';
import { agentView, contactView, positionOf, waitingInOrder } from './core/views.js';
import { RoutingError, RoutingErrorCode } from './errors.js';
import { Presence } from './model/agent.js';
import type { AgentView } from './model/agent.js';
import type { RoutingCommand } from './model/command.js';
import type { ContactView } from './model/contact.js';
import type { ApplyResult, RoutingOutcome } from './model/outcome.js';
import type { QueueConfig, RuleVersion } from './model/queue.js';
import type { TimerRequest } from './model/timer.js';

/** Engine construction options. */
export interface EngineConfig {
  /** Routing domain (tenant/site); prefixes event ids. */
  readonly domainId: string;
  readonly ruleVersion: RuleVersion;
  readonly queues?: readonly QueueConfig[];
}

/** Counts for dashboards and tests; O(queues + agents). */
export interface EngineSnapshot {
  readonly seq: number;
  readonly queues: readonly { readonly queueId: string; readonly waiting: number; readonly offered: number }[];
  readonly agentsByPresence: Readonly<Record<string, number>>;
  readonly liveContacts: number;
}

/**
 * The deterministic routing state machine for one domain: commands in, events and timer
 * requests out. "The core decides, adapters persist." Not re-entrant; one command at a time.
 */
export class RoutingEngine {
  private readonly s: EngineState;

  constructor(readonly config: EngineConfig, image?: EngineImage) {
    this.s = image === undefined ? new EngineState(config.domainId, config.ruleVersion) : restoreState(config.domainId, config.ruleVersion, image);
    if (image === undefined) for (const q of config.queues ?? []) upsertQueue(this.s, q);
  }

  /**
   * An engine in exactly the state `image` describes: it decides as the engine that was captured
   * would have (see core/image.ts). `config.queues` is ignored; the image holds the queues.
   * @throws ImageError when the image is inconsistent.
   */
  static restore(config: EngineConfig, image: EngineImage): RoutingEngine {
    return new RoutingEngine(config, image);
  }

  /** A plain-data image of the whole state, for a checkpoint. Reads only; O(live state). */
  capture(): EngineImage {
    return captureState(this.s);
  }

  /** The handle-limit timer of every open connection (see connectionLimitTimers): what opening a domain makes sure is scheduled. */
  connectionLimitTimers(): TimerRequest[] {
    return connectionLimitTimers(this.s);
  }

  /** The engine's clock: the time of the last command applied. */
  get nowMs(): number {
    return this.s.now;
  }

  /**
   * Applies one command at `nowMs` (epoch ms, never less than the previous call's).
   * Throws {@link RoutingError} on a broken invariant (unknown id, impossible transition), in
   * which case the engine state is unchanged.
   */
  apply(command: RoutingCommand, nowMs: number): ApplyResult {
    const s = this.s;
    if (nowMs < s.now) throw new RoutingError(RoutingErrorCode.TIME_WENT_BACKWARDS, `now ${nowMs} < ${s.now}`);
    s.now = nowMs;
    s.events = [];
    s.timers = [];
    s.by = 'by' in command && command.by ? command.by : undefined;
    pruneSurveys(s);
    const outcome = this.dispatch(command);
    afterEvents(s);
    return { outcome, events: s.events, timers: s.timers };
  }

  private dispatch(cmd: RoutingCommand): RoutingOutcome {
    const s = this.s;
    switch (cmd.type) {
      case 'UPSERT_QUEUE':
        upsertQueue(s, cmd.queue);
        return { kind: 'applied' };
      case 'SIGN_IN':
        signIn(s, cmd.agent);
        return { kind: 'applied' };
      case 'SIGN_OUT': {
        // Signed-out agents with no work are forgotten: signing one out again changes nothing.
        const agent = s.agents.get(cmd.agentId);
        if (agent === undefined) return { kind: 'stale' };
        signOut(s, agent);
        return { kind: 'applied' };
      }
      case 'SET_PRESENCE': {
        const agent = this.agentRec(cmd.agentId);
        if (agent.presence === Presence.OFFLINE) {
          throw new RoutingError(RoutingErrorCode.INVALID_TRANSITION, `agent ${agent.id} is signed out`);
        }
        setPresence(s, agent, cmd.presence, cmd.presence === Presence.AWAY ? (cmd.reason ?? 'away') : undefined);
        pullWork(s, agent);
        return { kind: 'applied' };
      }
      case 'ARRIVE':
        return arrive(s, cmd.contact);
      case 'ACCEPT':
        return accept(s, cmd.contactId, cmd.agentId, cmd.offerToken);
      case 'DECLINE':
        return refuse(s, cmd.contactId, cmd.agentId, cmd.offerToken, cmd.reason);
      case 'COMPLETE':
        return complete(s, cmd.contactId, cmd.agentId, cmd);
      case 'END_WRAP_UP':
        return endWrapUpCommand(s, cmd.contactId, cmd.agentId);
      case 'REPRIORITIZE':
        return reprioritize(s, cmd.contactId, cmd.basePriority, cmd.reason);
      case 'ABANDON':
        return abandon(s, cmd.contactId, cmd.reason);
      case 'TRANSFER':
        return transfer(s, cmd.contactId, cmd.target, cmd.reason);
      case 'TIMER_FIRED':
        return timerFired(s, cmd.timer);
      case 'REQUEST_CALLBACK':
        return requestCallback(s, cmd.contactId, cmd.number);
      case 'CALLBACK_FAILED':
        return callbackFailed(s, cmd.contactId, cmd.reason);
      case 'SET_SURGE':
        return setSurgeMode(s, cmd);
      case 'ANSWER_SURVEY':
        return answerSurvey(s, cmd.contactId, cmd.score, cmd.comment, cmd.answeredAtMs);
      case 'SCORE_QA_REVIEW':
        return scoreQaReview(s, cmd.review, cmd.by);
    }
  }

  private agentRec(id: string): AgentRec {
    const agent = this.s.agents.get(id);
    if (agent === undefined) throw new RoutingError(RoutingErrorCode.UNKNOWN_AGENT, `agent ${id} is unknown`);
    return agent;
  }

  /** A live contact (terminal contacts are dropped), or undefined. */
  contact(id: string): ContactView | undefined {
    const c = this.s.contacts.get(id);
    return c === undefined ? undefined : contactView(c, this.s.now);
  }

  /** A signed-in agent, or a signed-out one still finishing work (OFFLINE); otherwise undefined. */
  agent(id: string): AgentView | undefined {
    const a = this.s.agents.get(id);
    return a === undefined ? undefined : agentView(a);
  }

  /** Every agent the engine knows: signed in, or signed out and still finishing work. */
  agents(): readonly AgentView[] {
    return [...this.s.agents.values()].map(agentView);
  }

  /** A queue's opening and surge state (open by hours and emergency closure, as of the engine's clock). */
  queueMode(id: string): { open: boolean; nextChangeMs?: number; surge: { active: boolean; pinned: boolean; source?: string; sinceMs: number } } | undefined {
    const q = this.s.queues.get(id);
    if (q === undefined) return undefined;
    const surge = { active: q.surge.active, pinned: q.surge.pinned, sinceMs: q.surge.sinceMs, ...(q.surge.source === undefined ? {} : { source: q.surge.source }) };
    return { open: q.hours.open, ...(q.hours.nextChangeMs === undefined ? {} : { nextChangeMs: q.hours.nextChangeMs }), surge };
  }

  /** A queue's current configuration, or undefined. */
  queue(id: string): QueueConfig | undefined {
    return this.s.queues.get(id)?.config;
  }

  /** Contacts waiting (QUEUED, sticky included) in the queue. O(1). */
  queueDepth(queueId: string): number {
    return this.s.queues.get(queueId)?.waiting ?? 0;
  }

  /** 1-based place of a waiting contact in its queue's order, or undefined if not waiting. */
  position(contactId: string): number | undefined {
    const c = this.s.contacts.get(contactId);
    return c === undefined ? undefined : positionOf(this.s, c);
  }

  /** Waiting contacts of a queue in routing order (best first), at most `limit`. */
  waitingContacts(queueId: string, limit = 100): readonly ContactView[] {
    return waitingInOrder(this.s, queueId, limit).map((c) => contactView(c, this.s.now));
  }

  /** Completed contacts whose survey is still open (answered or not). O(1). */
  openSurveys(): number {
    return this.s.surveys.size;
  }

  /** Counts per queue and presence; O(queues + agents), for dashboards and tests. */
  snapshot(): EngineSnapshot {
    const agentsByPresence: Record<string, number> = {};
    for (const a of this.s.agents.values()) agentsByPresence[a.presence] = (agentsByPresence[a.presence] ?? 0) + 1;
    return {
      seq: this.s.seq,
      queues: [...this.s.queues.values()].map((q) => ({ queueId: q.config.id, waiting: q.waiting, offered: q.offered })),
      agentsByPresence,
      liveContacts: this.s.contacts.size,
    };
  }
}
