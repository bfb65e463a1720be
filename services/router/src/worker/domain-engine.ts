import { RoutingEngine, type ApplyResult, type RoutingCommand, type TimerRequest } from '@switchboard/routing-core';
import { RoutingEvent as ProtoEvent } from '@switchboard/contracts';
import { routingSubject, type BusNames } from '@switchboard/bus';
import type { OutboxEntry, Transition } from '@switchboard/state';
import { eventToProto } from '../mapping/event.mapper.js';
import { APPLIED_EVENT, appliedMsgId, encodeApplied, eventMsgId, type AppliedRecord } from './applied-record.js';

/** The result of one command: the engine's answer, and the transition to commit (none when stale). */
export interface Prepared {
  readonly result: ApplyResult;
  /** `outbox[0]` is the applied record, `outbox[i + 1]` carries `protoEvents[i]`. */
  readonly transition?: Transition;
  readonly protoEvents: readonly ProtoEvent[];
}

/**
 * The core engine of one domain plus what the adapters need around it: the idempotency set, the
 * log position, a clock that never runs backwards, and the mapping of each applied command to a
 * Redis transition (log record, timers, outbox of proto events).
 */
export class DomainEngine {
  readonly engine: RoutingEngine;
  private readonly applied = new Set<string>();
  /** Live contacts' platform context, for desktops (see AppliedRecord.context). */
  private readonly contexts = new Map<string, Record<string, unknown>>();
  /** Every agent that ever signed in to this domain (the engine answers by id only). */
  readonly agentIds = new Set<string>();
  private position = 0;
  private lastNowMs = 0;

  /** `epoch`: the Redis state epoch new records are committed in (`Lease.epoch`). */
  constructor(readonly domain: string, ruleVersion: string, private readonly names: BusNames, readonly epoch: string) {
    this.engine = new RoutingEngine({ domainId: domain, ruleVersion });
  }

  get logPosition(): number {
    return this.position;
  }

  /** The platform context of a live contact, if it arrived with one. */
  contextOf(contactId: string): Record<string, unknown> | undefined {
    return this.contexts.get(contactId);
  }

  private trackContext(record: AppliedRecord, result: ApplyResult): void {
    if (record.cmd.type === 'ARRIVE' && record.context) this.contexts.set(record.cmd.contact.id, record.context);
    for (const event of result.events) {
      const ended = event.type === 'WrapUpEnded' || event.type === 'ContactAbandoned' || event.type === 'ContactExpired'
        || event.type === 'ContactRejected' || (event.type === 'ContactTransferred' && event.destination !== undefined);
      if (ended) this.contexts.delete(event.contactId);
    }
  }

  hasApplied(commandId: string): boolean {
    return commandId !== '' && this.applied.has(commandId);
  }

  /** Replays one logged record (recovery): same command, same time, same result. */
  replay(record: AppliedRecord): ApplyResult {
    this.lastNowMs = Math.max(this.lastNowMs, record.at);
    const result = this.engine.apply(record.cmd, record.at);
    if (record.cmd.type === 'SIGN_IN') this.agentIds.add(record.cmd.agent.id);
    this.trackContext(record, result);
    if (record.cid) this.applied.add(record.cid);
    this.position = Math.max(this.position, record.n);
    return result;
  }

  /**
   * Applies a command now and prepares its transition. Throws the engine's `RoutingError` for an
   * impossible command (the engine's state is then unchanged).
   */
  prepare(commandId: string, command: RoutingCommand, nowMs: number, firedTimer?: string, context?: Record<string, unknown>): Prepared {
    const at = Math.max(this.lastNowMs, nowMs);
    const result = this.engine.apply(command, at);
    this.lastNowMs = at;
    if (command.type === 'SIGN_IN') this.agentIds.add(command.agent.id);
    if (result.outcome.kind === 'stale' && result.events.length === 0 && result.timers.length === 0) {
      return { result, protoEvents: [] };
    }
    if (commandId) this.applied.add(commandId);
    const record: AppliedRecord = { n: ++this.position, cid: commandId, e: this.epoch, at, cmd: command, ...(context ? { context } : {}) };
    this.trackContext(record, result);
    const protoEvents = result.events.map((e) => eventToProto(this.domain, e));
    const text = encodeApplied(record);
    // The record goes first: once any of its events is on ROUTING, so is the command that made
    // it, and a rebuild from ROUTING never lacks the cause of an event it finds there.
    const outbox: OutboxEntry[] = [
      { msgId: appliedMsgId(this.domain, record), subject: routingSubject(this.names, this.domain, APPLIED_EVENT), payload: Buffer.from(text) },
      ...protoEvents.map((event, i) => ({
        msgId: eventMsgId(event.id, this.epoch),
        subject: routingSubject(this.names, this.domain, result.events[i]!.type),
        payload: Buffer.from(ProtoEvent.encode(event).finish()),
      })),
    ];
    return {
      result,
      protoEvents,
      transition: {
        commandId,
        command: text,
        ...(firedTimer ? { firedTimer } : {}),
        timers: result.timers.map(timerEntry),
        outbox,
      },
    };
  }
}

/** A timer as stored in the domain's sorted set. */
export function timerEntry(timer: TimerRequest): { dueAtMs: number; member: string } {
  return { dueAtMs: timer.dueAtMs, member: JSON.stringify(timer) };
}

