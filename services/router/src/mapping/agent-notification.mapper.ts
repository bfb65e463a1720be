/** One event for an agent's notification: its RoutingEvent encoding, and its trace context if any. */
export interface NotificationEntry {
  readonly bytes: Uint8Array;
  traceContext?: Readonly<Record<string, string>>;
}

/** `AgentNotification.entries`: field 100, length-delimited (see proto/switchboard/v1/routing_event.proto). */
const ENTRIES_TAG = (100 << 3) | 2;
/** Field 1 or 2, length-delimited: `AgentNotificationEntry.event` / `.trace_context`, a map entry's `key` / `value`. */
const FIELD_1_TAG = (1 << 3) | 2;
const FIELD_2_TAG = (2 << 3) | 2;

/**
 * AgentNotification's wire form written from the events' encodings the ROUTING batch already
 * made (an embedded message is its bytes behind a length), so no event is encoded twice;
 * `AgentNotification.decode` (and `agentEventsOf`) read it. Sizes are worked out first and the
 * message is written into one buffer: this runs for every agent of every batch, and protobuf's
 * growing writer measured about half the cost of the notifications. Pure.
 */
export function encodeAgentNotification(entries: readonly NotificationEntry[]): Uint8Array {
  const sizes: number[] = [];
  let total = 0;
  for (const entry of entries) {
    let size = 1 + varintSize(entry.bytes.length) + entry.bytes.length;
    for (const key in entry.traceContext) size += 1 + delimitedSize(mapEntrySize(key, entry.traceContext[key]!));
    sizes.push(size);
    total += varintSize(ENTRIES_TAG) + delimitedSize(size);
  }
  const out = Buffer.allocUnsafe(total);
  let at = 0;
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    at = writeVarint(out, at, ENTRIES_TAG);
    at = writeVarint(out, at, sizes[i]!);
    out[at++] = FIELD_1_TAG;
    at = writeVarint(out, at, entry.bytes.length);
    out.set(entry.bytes, at);
    at += entry.bytes.length;
    for (const key in entry.traceContext) {
      const value = entry.traceContext[key]!;
      out[at++] = FIELD_2_TAG;
      at = writeVarint(out, at, mapEntrySize(key, value));
      at = writeString(out, writeVarint(out, at, FIELD_1_TAG), key);
      at = writeString(out, writeVarint(out, at, FIELD_2_TAG), value);
    }
  }
  return out;
}

function mapEntrySize(key: string, value: string): number {
  return 1 + delimitedSize(Buffer.byteLength(key)) + 1 + delimitedSize(Buffer.byteLength(value));
}

/** A length-delimited field's length prefix and body (its tag not included). */
function delimitedSize(length: number): number {
  return varintSize(length) + length;
}

function varintSize(value: number): number {
  let size = 1;
  while (value >= 0x80) {
    value >>>= 7;
    size++;
  }
  return size;
}

function writeVarint(out: Buffer, at: number, value: number): number {
  while (value >= 0x80) {
    out[at++] = (value & 0x7f) | 0x80;
    value >>>= 7;
  }
  out[at++] = value;
  return at;
}

function writeString(out: Buffer, at: number, value: string): number {
  const length = Buffer.byteLength(value);
  at = writeVarint(out, at, length);
  return at + out.write(value, at, length, 'utf8');
}
