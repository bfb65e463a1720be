import { RoutingEngine } from '../engine.js';
import type { AgentProfile } from '../model/agent.js';
import type { RoutingCommand } from '../model/command.js';
import type { ContactInput } from '../model/contact.js';
import type { RoutingEvent } from '../model/event.js';
import type { ApplyResult } from '../model/outcome.js';
import type { QueueConfig } from '../model/queue.js';
import type { TimerRequest } from '../model/timer.js';

/**
 * Builders and a timer-driving harness for tests and simulations. Pure like the rest of the core:
 * the harness keeps its own virtual clock.
 */

/** A PRIORITY queue with sensible defaults; override any field. */
export function queueConfig(id: string, over: Partial<QueueConfig> = {}): QueueConfig {
  return {
    id, kind: 'PRIORITY', serviceLevel: { share: 0.8, withinSeconds: 20 }, requiredSkills: [], rings: [],
    strategy: 'LONGEST_IDLE', agingRatePerSecond: 0, offerTimeoutSeconds: 15, wrapUpSeconds: 0,
    missesBeforeAway: 2, stickyAgentWaitSeconds: 0, ...over,
  };
}

/** An agent serving the given queues (priority = list order), phone 1 / chat 3 / email 5 / wechat 3. */
export function agentProfile(id: string, queues: readonly string[], over: Partial<AgentProfile> = {}): AgentProfile {
  return {
    id, skills: {}, languages: ['en'], team: 'general', capacity: { phone: 1, chat: 3, email: 5, wechat: 3 },
    queues: queues.map((queueId, priority) => ({ queueId, priority })), ...over,
  };
}

/** A phone contact arriving at `arrivedAtMs`. */
export function contactInput(id: string, queueId: string, arrivedAtMs: number, over: Partial<ContactInput> = {}): ContactInput {
  return { id, domain: 'd1', channel: 'phone', queueId, basePriority: 0, tier: 'STANDARD', language: 'en', arrivedAtMs, ...over };
}

/** Drives an engine on a virtual clock, remembering every event and firing due timers in order. */
export class EngineHarness {
  readonly engine: RoutingEngine;
  readonly events: RoutingEvent[] = [];
  private pending: TimerRequest[] = [];
  now: number;

  constructor(queues: readonly QueueConfig[], startMs = 1_000_000) {
    this.engine = new RoutingEngine({ domainId: 'd1', ruleVersion: 'test-1', queues });
    this.now = startMs;
  }

  /** Applies a command at the current virtual time. */
  apply(cmd: RoutingCommand): ApplyResult {
    const r = this.engine.apply(cmd, this.now);
    this.events.push(...r.events);
    this.pending.push(...r.timers);
    return r;
  }

  /** Moves the clock forward by `ms`, firing every timer that falls due (in due order) on the way. */
  advance(ms: number): void {
    const until = this.now + ms;
    for (;;) {
      this.pending.sort((a, b) => a.dueAtMs - b.dueAtMs || (a.id < b.id ? -1 : 1));
      const next = this.pending[0];
      if (next === undefined || next.dueAtMs > until) break;
      this.pending.shift();
      this.now = Math.max(this.now, next.dueAtMs);
      this.apply({ type: 'TIMER_FIRED', timer: next });
    }
    this.now = until;
  }

  /** Events of one type, in order. */
  ofType<T extends RoutingEvent['type']>(type: T): Extract<RoutingEvent, { type: T }>[] {
    return this.events.filter((e): e is Extract<RoutingEvent, { type: T }> => e.type === type);
  }

  /** The last offer made for a contact. */
  lastOffer(contactId: string): Extract<RoutingEvent, { type: 'ContactOffered' }> | undefined {
    return this.ofType('ContactOffered').filter((e) => e.contactId === contactId).at(-1);
  }

  /** Timers not yet fired. */
  get timers(): readonly TimerRequest[] {
    return this.pending;
  }
}
