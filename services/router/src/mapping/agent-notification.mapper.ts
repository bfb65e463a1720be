import { BinaryWriter } from '@bufbuild/protobuf/wire';

/** One event for an agent's notification: its RoutingEvent encoding, and its trace context if any. */
export interface NotificationEntry {
  readonly bytes: Uint8Array;
  traceContext?: Readonly<Record<string, string>>;
}

/** `AgentNotification.entries` (field 100, length-delimited): see proto/switchboard/v1/routing_event.proto. */
const ENTRIES_TAG = (100 << 3) | 2;
/** `AgentNotificationEntry.event` (1) and `.trace_context` (2), and a map entry's `key` (1) and `value` (2). */
const FIELD_1_TAG = (1 << 3) | 2;
const FIELD_2_TAG = (2 << 3) | 2;

/**
 * AgentNotification's wire form written from the events' encodings the ROUTING batch already
 * made (an embedded message is its bytes behind a length), so no event is encoded twice;
 * `AgentNotification.decode` (and `agentEventsOf`) read it. Pure.
 */
export function encodeAgentNotification(entries: readonly NotificationEntry[]): Uint8Array {
  const w = new BinaryWriter();
  for (const entry of entries) {
    w.uint32(ENTRIES_TAG).fork().uint32(FIELD_1_TAG).bytes(entry.bytes);
    for (const key in entry.traceContext) {
      w.uint32(FIELD_2_TAG).fork().uint32(FIELD_1_TAG).string(key).uint32(FIELD_2_TAG).string(entry.traceContext[key]!).join();
    }
    w.join();
  }
  return w.finish();
}
