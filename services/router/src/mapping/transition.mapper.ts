import { BinaryWriter } from '@bufbuild/protobuf/wire';
import { RoutingEvent as ProtoEvent } from '@switchboard/contracts';
import { routingSubject, type BusNames } from '@switchboard/bus';
import { batchMsgId, encodeApplied, ROUTING_BATCH, type AppliedRecord } from '@switchboard/router-api';
import type { RoutingEvent, TimerRequest } from '@switchboard/routing-core';
import type { OutboxEntry, Transition } from '@switchboard/state';
import { eventToProto } from './event.mapper.js';

/**
 * What one applied command commits, as a pure function of the record and the engine's answer:
 * the log entry (the record), the timers it asked for, and its events as proto messages (which go
 * to ROUTING in the batch's record, see {@link batchOutbox}).
 */
export function transitionOf(domain: string, record: AppliedRecord, events: readonly RoutingEvent[], timers: readonly TimerRequest[],
  firedTimer?: string): BatchedTransition {
  return {
    protoEvents: events.map((e) => {
      const event = eventToProto(domain, e);
      return { event, type: e.type, bytes: ProtoEvent.encode(event).finish() };
    }),
    transition: { commandId: record.cid, command: encodeApplied(record), ...(firedTimer ? { firedTimer } : {}), timers: timers.map(timerEntry) },
  };
}

/** An event as it leaves the router: the proto message, its type, and its encoding (encoded once, for the batch and the desk alike). */
export interface EncodedEvent {
  readonly event: ProtoEvent;
  readonly type: string;
  readonly bytes: Uint8Array;
}

/** One committed command as the batch record carries it: the logged record and its events. */
export interface BatchedTransition {
  readonly transition: Transition;
  readonly protoEvents: readonly EncodedEvent[];
}

/**
 * The ROUTING message of one commit: every command of it in log order, each with its events, on
 * `<root>.routing.<domain>.batch` (proto RoutingBatch), and the event types it holds for the
 * `Sb-Event-Types` header. Its msg id names the epoch and the first position, so the live relay
 * and a later owner relaying it from the Redis outbox send the same message. Pure.
 */
export function batchOutbox(names: BusNames, domain: string, epoch: string, firstPosition: number,
  committed: readonly BatchedTransition[]): { readonly entry: OutboxEntry; readonly types: string } {
  const types = new Set<string>();
  for (const c of committed) for (const e of c.protoEvents) types.add(e.type);
  return {
    types: [...types].join(' '),
    entry: { msgId: batchMsgId(domain, epoch, firstPosition), subject: routingSubject(names, domain, ROUTING_BATCH), payload: encodeBatch(domain, epoch, firstPosition, committed) },
  };
}

/**
 * RoutingBatch's wire form written from the already encoded events (an embedded message is its
 * bytes behind a length), so no event is encoded twice; `RoutingBatch.decode` reads it. Field
 * numbers as in proto/switchboard/v1/routing_event.proto.
 */
function encodeBatch(domain: string, epoch: string, firstPosition: number, committed: readonly BatchedTransition[]): Buffer {
  const w = new BinaryWriter();
  w.uint32(10).string(domain).uint32(18).string(epoch).uint32(24).uint64(firstPosition);
  for (const c of committed) {
    w.uint32(34).fork().uint32(10).string(c.transition.command);
    for (const e of c.protoEvents) w.uint32(18).bytes(e.bytes);
    w.join();
  }
  const bytes = w.finish();
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A timer as stored in the domain's sorted set. */
export function timerEntry(timer: TimerRequest): { dueAtMs: number; member: string } {
  return { dueAtMs: timer.dueAtMs, member: JSON.stringify(timer) };
}
