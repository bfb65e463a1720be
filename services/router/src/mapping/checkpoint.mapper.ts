import { BinaryReader, BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import {
  AppliedCommand, Contact, ContactContext, ContactImage as ProtoContact, DomainCheckpoint, EngineImage as ProtoEngine, PendingTimer,
} from '@switchboard/contracts';
import type { EngineImage, TimerRequest } from '@switchboard/routing-core';
import { CheckpointFormatError, contactFromProto, contactToProto, engineFromProto, engineToProto, need, TIMER_KIND } from './checkpoint-engine.mapper.js';

export { CheckpointFormatError } from './checkpoint-engine.mapper.js';

/** The checkpoint format this router writes (`DomainCheckpoint.format_version`). */
export const CHECKPOINT_FORMAT = 2;
/**
 * Formats this router reads: the current one and the one before it (rolling upgrades). Format 2
 * adds queues' opening and surge state and contacts' callbacks and holds; a format-1 checkpoint
 * has none of them (its queues read as open and not surging).
 */
export const READABLE_CHECKPOINT_FORMATS: readonly number[] = [1, 2];

/** What a checkpoint holds: one domain's whole router state at a log position. */
export interface CheckpointContent {
  readonly domain: string;
  readonly epoch: string;
  readonly position: number;
  readonly takenAtMs: number;
  readonly ruleVersion: string;
  /** Every record applied after `position` is at a higher ROUTING stream sequence than this. */
  readonly routingTailAfterSeq: number;
  readonly lastNowMs: number;
  readonly engine: EngineImage;
  /** Each live contact's platform context, as proto `Contact` bytes (see encodeContactContext). */
  readonly contexts: readonly { readonly contactId: string; readonly context: Uint8Array }[];
  readonly applied: readonly { readonly commandId: string; readonly atMs: number }[];
  readonly timers: readonly TimerRequest[];
}

/**
 * A live contact's platform context as the router keeps it: proto `Contact` bytes of the
 * `Contact.toJSON(...)` output an arrival carries (other keys are not kept). Bytes rather than
 * objects: 100,000 live contacts' contexts are then a few MB of buffers the garbage collector
 * does not walk, written into a checkpoint and read back from one without being parsed.
 */
export function encodeContactContext(json: Record<string, unknown>): Uint8Array {
  return Contact.encode(Contact.fromJSON(json)).finish();
}

/** The JSON a desktop gets: `Contact.toJSON` of the kept bytes. */
export function contactContextJson(bytes: Uint8Array): Record<string, unknown> {
  return Contact.toJSON(Contact.decode(bytes)) as Record<string, unknown>;
}

/** Elements of a large repeated field mapped and encoded between two pauses of {@link encodeCheckpointInSlices}. */
export const CHECKPOINT_SLICE = 2_000;

/** `DomainCheckpoint.engine`: field 9, and `EngineImage.contacts`: field 7 (checkpoint.proto). */
const ENGINE_FIELD = 9;
const CONTACTS_FIELD = 7;
const CONTEXTS_FIELD = 10;
const APPLIED_FIELD = 11;
const TIMERS_FIELD = 12;

/**
 * The same bytes as {@link encodeCheckpoint}, built in slices with `pause()` awaited between them,
 * so a router holding 100,000 live contacts keeps routing while it encodes their checkpoint
 * (one pass over them takes about a second here). This relies on protobuf's wire format: the
 * encoding of a message is the concatenation of its fields in field order, and a repeated field
 * is one entry per element, so the encodings of partial messages holding consecutive slices of a
 * repeated field, concatenated, are the encoding of the whole. The one embedded message that
 * holds a large list (`engine`, with its contacts) is framed once with its total length.
 * `content` must not change while this runs (the checkpointer encodes a capture).
 * @throws CheckpointFormatError as encodeCheckpoint does
 */
export async function encodeCheckpointInSlices(content: CheckpointContent, pause: () => Promise<void>, slice = CHECKPOINT_SLICE): Promise<Uint8Array> {
  try {
    const { engine, contexts, applied, timers } = content;
    const parts: Uint8Array[] = [];
    const none = DomainCheckpoint.fromPartial({});
    const noEngine = ProtoEngine.fromPartial({});
    const slices = async <T>(items: readonly T[], encode: (part: readonly T[]) => Uint8Array, into: Uint8Array[]) => {
      for (let i = 0; i < items.length; i += slice) {
        into.push(encode(items.slice(i, i + slice)));
        await pause();
      }
    };
    // Fields 1–8, then the engine: its fields 1–6, contacts (7) in slices, servers (8).
    parts.push(DomainCheckpoint.encode({ ...toProto({ ...content, engine: { ...engine, contacts: [] }, contexts: [], applied: [], timers: [] }), engine: undefined }).finish());
    const engineParts = [ProtoEngine.encode(engineToProto({ ...engine, contacts: [], servers: [] })).finish()];
    await slices(engine.contacts, (part) => ProtoEngine.encode({ ...noEngine, contacts: part.map(contactToProto) }).finish(), engineParts);
    engineParts.push(ProtoEngine.encode(engineToProto({ ...engine, queues: [], agents: [], contacts: [], seq: 0, nextToken: 0, nextArrival: 0, nowMs: 0 })).finish());
    const engineLength = engineParts.reduce((n, p) => n + p.byteLength, 0);
    parts.push(new BinaryWriter().tag(ENGINE_FIELD, WireType.LengthDelimited).uint32(engineLength).finish(), ...engineParts);
    // Fields 10–12.
    await slices(contexts, encodeContextsRaw, parts);
    await slices(applied, (part) => DomainCheckpoint.encode({ ...none, applied: part as DomainCheckpoint['applied'] }).finish(), parts);
    await slices(timers, (part) => DomainCheckpoint.encode({ ...none, timers: part.map(timerToProto) }).finish(), parts);
    return Buffer.concat(parts);
  } catch (error) {
    throw new CheckpointFormatError(`checkpoint of domain ${content.domain}: cannot encode (${String(error)})`, { cause: error });
  }
}

/**
 * `DomainCheckpoint.contexts` entries written from the kept bytes: the same bytes as encoding
 * `{ contactId, context: Contact.decode(bytes) }`, since the kept bytes are Contact.encode's own.
 */
function encodeContextsRaw(part: CheckpointContent['contexts']): Uint8Array {
  const w = new BinaryWriter();
  for (const { contactId, context } of part) {
    w.tag(CONTEXTS_FIELD, WireType.LengthDelimited).fork();
    if (contactId !== '') w.tag(1, WireType.LengthDelimited).string(contactId);
    w.tag(2, WireType.LengthDelimited).bytes(context);
    w.join();
  }
  return w.finish();
}

/**
 * The checkpoint's bytes (format {@link CHECKPOINT_FORMAT}).
 * @throws CheckpointFormatError when a value has no encoding (a fractional or unsafe integer where
 *   the format holds an integer, such as a time in fractional milliseconds)
 */
export function encodeCheckpoint(content: CheckpointContent): Uint8Array {
  try {
    return DomainCheckpoint.encode(toProto(content)).finish();
  } catch (error) {
    throw new CheckpointFormatError(`checkpoint of domain ${content.domain}: cannot encode (${String(error)})`, { cause: error });
  }
}

/**
 * The checkpoint `bytes` hold.
 * @throws CheckpointFormatError for bytes that are no DomainCheckpoint, an unknown format_version or a value it cannot map
 */
export function decodeCheckpoint(bytes: Uint8Array): CheckpointContent {
  let p: DomainCheckpoint;
  try {
    p = DomainCheckpoint.decode(bytes);
  } catch (error) {
    throw new CheckpointFormatError(`not a readable checkpoint (${String(error)})`, { cause: error });
  }
  if (!READABLE_CHECKPOINT_FORMATS.includes(p.formatVersion)) {
    throw new CheckpointFormatError(`checkpoint format ${p.formatVersion}: this router reads formats ${READABLE_CHECKPOINT_FORMATS.join(', ')}`);
  }
  return fromProto(p);
}

/**
 * What {@link decodeCheckpoint} returns, decoded and mapped in slices with `pause()` awaited
 * between them, so a replica opening a domain of 100,000 live contacts keeps renewing its leases
 * (and routing its other domains) meanwhile. The large repeated fields are read element by
 * element off the wire; everything else is decoded by the generated code as usual.
 * @throws CheckpointFormatError as decodeCheckpoint does
 */
export async function decodeCheckpointInSlices(bytes: Uint8Array, pause: () => Promise<void>, slice = CHECKPOINT_SLICE): Promise<CheckpointContent> {
  let p: DomainCheckpoint;
  let contexts: CheckpointContent['contexts'];
  let n = 0;
  const step = async () => {
    if (++n % slice === 0) await pause();
  };
  try {
    ({ proto: p, contexts } = await decodeProtoInSlices(bytes, step));
  } catch (error) {
    throw new CheckpointFormatError(`not a readable checkpoint (${String(error)})`, { cause: error });
  }
  if (!READABLE_CHECKPOINT_FORMATS.includes(p.formatVersion)) {
    throw new CheckpointFormatError(`checkpoint format ${p.formatVersion}: this router reads formats ${READABLE_CHECKPOINT_FORMATS.join(', ')}`);
  }
  const protoEngine = need(p.engine, 'checkpoint.engine');
  const engine = engineFromProto({ ...protoEngine, contacts: [] });
  const contacts = [];
  for (const c of protoEngine.contacts) {
    contacts.push(contactFromProto(c));
    await step();
  }
  return { ...fromProto({ ...p, engine: { ...protoEngine, contacts: [], queues: [], agents: [], servers: [] }, contexts: [] }), engine: { ...engine, contacts }, contexts };
}

/** The message, with the elements of its large repeated fields decoded one by one, `step()` after each. */
async function decodeProtoInSlices(bytes: Uint8Array, step: () => Promise<void>): Promise<{ proto: DomainCheckpoint; contexts: CheckpointContent['contexts'] }> {
  const rawContexts: CheckpointContent['contexts'][number][] = [];
  const applied: AppliedCommand[] = [];
  const timers: PendingTimer[] = [];
  let engine: ProtoEngine | undefined;
  const rest = await walkFields(bytes, async (field, value) => {
    switch (field) {
      case ENGINE_FIELD: engine = await decodeEngineInSlices(value, step); return true;
      case CONTEXTS_FIELD: rawContexts.push(contextRaw(value)); break;
      case APPLIED_FIELD: applied.push(AppliedCommand.decode(value)); break;
      case TIMERS_FIELD: timers.push(PendingTimer.decode(value)); break;
      default: return false;
    }
    await step();
    return true;
  });
  return { proto: { ...DomainCheckpoint.decode(rest), engine, contexts: [], applied, timers }, contexts: rawContexts };
}

/** One ContactContext entry with its Contact left as bytes (copied: the checkpoint's buffer is not kept alive by them). */
function contextRaw(bytes: Uint8Array): CheckpointContent['contexts'][number] {
  const reader = new BinaryReader(bytes);
  let contactId = '';
  let context: Uint8Array | undefined;
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field === 1 && wireType === WireType.LengthDelimited) contactId = reader.string();
    else if (field === 2 && wireType === WireType.LengthDelimited) context = new Uint8Array(reader.bytes());
    else reader.skip(wireType, field);
  }
  return { contactId, context: need(context, `context of contact ${contactId}`) };
}

async function decodeEngineInSlices(bytes: Uint8Array, step: () => Promise<void>): Promise<ProtoEngine> {
  const contacts: ProtoContact[] = [];
  const rest = await walkFields(bytes, async (field, value) => {
    if (field !== CONTACTS_FIELD) return false;
    contacts.push(ProtoContact.decode(value));
    await step();
    return true;
  });
  return { ...ProtoEngine.decode(rest), contacts };
}

/**
 * Hands each length-delimited field of a message to `take`; returns the bytes of the fields it
 * did not take (and of every other wire type), in order, for the generated decoder.
 */
async function walkFields(bytes: Uint8Array, take: (field: number, value: Uint8Array) => Promise<boolean>): Promise<Uint8Array> {
  const reader = new BinaryReader(bytes);
  const rest: Uint8Array[] = [];
  while (reader.pos < reader.len) {
    const start = reader.pos;
    const [field, wireType] = reader.tag();
    if (wireType === WireType.LengthDelimited && (await take(field, reader.bytes()))) continue;
    if (wireType !== WireType.LengthDelimited) reader.skip(wireType, field);
    rest.push(bytes.subarray(start, reader.pos));
  }
  return Buffer.concat(rest);
}

function toProto(c: CheckpointContent): DomainCheckpoint {
  return {
    formatVersion: CHECKPOINT_FORMAT, domain: c.domain, epoch: c.epoch, position: c.position, takenAtMs: c.takenAtMs,
    ruleVersion: c.ruleVersion, routingTailAfterSeq: c.routingTailAfterSeq, lastNowMs: c.lastNowMs,
    engine: engineToProto(c.engine),
    contexts: c.contexts.map(contextToProto),
    applied: c.applied as DomainCheckpoint['applied'],
    timers: c.timers.map(timerToProto),
  };
}

function contextToProto({ contactId, context }: CheckpointContent['contexts'][number]): DomainCheckpoint['contexts'][number] {
  return { contactId, context: Contact.decode(context) };
}

function timerToProto(t: TimerRequest): PendingTimer {
  return { ...t, kind: TIMER_KIND.toProto(t.kind) };
}

function fromProto(p: DomainCheckpoint): CheckpointContent {
  return {
    domain: p.domain, epoch: p.epoch, position: p.position, takenAtMs: p.takenAtMs, ruleVersion: p.ruleVersion,
    routingTailAfterSeq: p.routingTailAfterSeq, lastNowMs: p.lastNowMs,
    engine: engineFromProto(need(p.engine, 'checkpoint.engine')),
    contexts: p.contexts.map(contextFromProto),
    applied: p.applied.map((a) => ({ commandId: a.commandId, atMs: a.atMs })),
    timers: p.timers.map(timerFromProto),
  };
}

function contextFromProto(c: ContactContext): CheckpointContent['contexts'][number] {
  return { contactId: c.contactId, context: Contact.encode(need(c.context, `context of contact ${c.contactId}`)).finish() };
}

/** Keys in the order the engine builds them: timers are `JSON.stringify`-ed into Redis members. */
function timerFromProto(t: PendingTimer): TimerRequest {
  const kind = TIMER_KIND.fromProto(t.kind);
  return t.agentId === undefined
    ? { id: t.id, kind, dueAtMs: t.dueAtMs, contactId: t.contactId, token: t.token }
    : { id: t.id, kind, dueAtMs: t.dueAtMs, contactId: t.contactId, token: t.token, agentId: t.agentId };
}
