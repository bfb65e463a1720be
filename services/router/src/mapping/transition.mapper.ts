import { RoutingEvent as ProtoEvent } from '@switchboard/contracts';
import { routingSubject, type BusNames } from '@switchboard/bus';
import { APPLIED_EVENT, appliedMsgId, encodeApplied, eventMsgId, type AppliedRecord } from '@switchboard/router-api';
import type { RoutingEvent, TimerRequest } from '@switchboard/routing-core';
import type { OutboxEntry, Transition } from '@switchboard/state';
import { eventToProto } from './event.mapper.js';

/** One event as it goes to ROUTING: its outbox entry and the proto message in it. */
export interface EventMessage {
  readonly entry: OutboxEntry;
  readonly event: ProtoEvent;
}

/**
 * The ROUTING message of one routing event: subject `<root>.routing.<domain>.<EventType>`, its
 * `Nats-Msg-Id` unique per epoch (see eventMsgId). Pure: the live commit and a rebuild that
 * re-publishes what ROUTING lacks build the same message.
 */
export function eventMessage(names: BusNames, domain: string, epoch: string | undefined, e: RoutingEvent): EventMessage {
  const event = eventToProto(domain, e);
  return { event, entry: { msgId: eventMsgId(event.id, epoch), subject: routingSubject(names, domain, e.type), payload: Buffer.from(ProtoEvent.encode(event).finish()) } };
}

/**
 * What one applied command commits, as a pure function of the record and the engine's answer:
 * the log entry (the record), the timers it asked for, and the outbox — the record first, then its
 * events in order, so that once any event is on ROUTING so is the command that made it, and a
 * rebuild from ROUTING never lacks the cause of an event it finds there.
 */
export function transitionOf(names: BusNames, domain: string, record: AppliedRecord, events: readonly RoutingEvent[], timers: readonly TimerRequest[],
  firedTimer?: string): { readonly transition: Transition; readonly protoEvents: readonly ProtoEvent[] } {
  const text = encodeApplied(record);
  const messages = events.map((e) => eventMessage(names, domain, record.e, e));
  return {
    protoEvents: messages.map((m) => m.event),
    transition: {
      commandId: record.cid, command: text, ...(firedTimer ? { firedTimer } : {}), timers: timers.map(timerEntry),
      outbox: [{ msgId: appliedMsgId(domain, record), subject: routingSubject(names, domain, APPLIED_EVENT), payload: Buffer.from(text) }, ...messages.map((m) => m.entry)],
    },
  };
}

/** A timer as stored in the domain's sorted set. */
export function timerEntry(timer: TimerRequest): { dueAtMs: number; member: string } {
  return { dueAtMs: timer.dueAtMs, member: JSON.stringify(timer) };
}
