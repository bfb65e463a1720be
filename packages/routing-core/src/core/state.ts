import type { EventBase, RoutingEvent } from '../model/event.js';
import { timerRequest, type TimerKind, type TimerRequest } from '../model/timer.js';
import type { AgentRec, ContactRec, QueueRec } from './records.js';
import type { SurveyRec } from './surveys.js';

/** An event without the fields the engine stamps on it. */
export type EventBody = RoutingEvent extends infer E ? (E extends RoutingEvent ? Omit<E, keyof EventBase> : never) : never;

/** Whole engine state plus the output buffers of the command being applied. */
export class EngineState {
  seq = 0;
  nextToken = 1;
  nextArrival = 1;
  now = 0;
  events: RoutingEvent[] = [];
  timers: TimerRequest[] = [];
  readonly queues = new Map<string, QueueRec>();
  readonly agents = new Map<string, AgentRec>();
  readonly contacts = new Map<string, ContactRec>();
  /** queueId → agents (signed in) that list the queue; kept even before the queue is configured. */
  readonly servers = new Map<string, Set<AgentRec>>();
  /** Completed contacts whose survey is open, in the order they were offered (see core/surveys.ts). */
  readonly surveys = new Map<string, SurveyRec>();

  /** Who asked for the command being applied (stamped on its events), when a person did. */
  by: string | undefined = undefined;

  constructor(readonly domainId: string, readonly ruleVersion: string) {}

  /** Stamps and buffers one event. */
  emit(body: EventBody): void {
    this.seq += 1;
    // `body` is always a fresh literal: stamp it in place rather than copy (events are the hot allocation).
    const e = body as EventBody & { -readonly [K in keyof EventBase]: EventBase[K] };
    e.id = `${this.domainId}:${this.seq}`;
    e.seq = this.seq;
    if (this.by !== undefined) e.by = this.by;
    e.atMs = this.now;
    e.ruleVersion = this.ruleVersion;
    this.events.push(e as RoutingEvent);
  }

  /** Buffers one timer request. */
  timer(kind: TimerKind, dueAtMs: number, contactId: string, token: number, agentId?: string): void {
    this.timers.push(timerRequest(kind, dueAtMs, contactId, token, agentId));
  }

  /** A fresh fencing token. */
  token(): number {
    return this.nextToken++;
  }

  /** The common fields of a contact event. */
  contactFields(c: ContactRec): { contactId: string; queueId: string; channel: ContactRec['input']['channel']; arrivedAtMs: number; enqueuedAtMs: number } {
    return { contactId: c.id, queueId: c.queueId, channel: c.input.channel, arrivedAtMs: c.arrivedAtMs, enqueuedAtMs: c.enqueuedAtMs };
  }
}
