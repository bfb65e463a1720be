import { Contact, DomainCheckpoint, type PendingTimer } from '@switchboard/contracts';
import type { EngineImage, TimerRequest } from '@switchboard/routing-core';
import { CheckpointFormatError, engineFromProto, engineToProto, need, TIMER_KIND } from './checkpoint-engine.mapper.js';

export { CheckpointFormatError } from './checkpoint-engine.mapper.js';

/** The checkpoint format this router writes (`DomainCheckpoint.format_version`). */
export const CHECKPOINT_FORMAT = 1;
/** Formats this router reads: the current one and the one before it (rolling upgrades). */
export const READABLE_CHECKPOINT_FORMATS: readonly number[] = [1];

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
  /** Each live contact's platform context: `Contact.toJSON(...)` output (other keys are not kept). */
  readonly contexts: readonly { readonly contactId: string; readonly context: Record<string, unknown> }[];
  readonly applied: readonly { readonly commandId: string; readonly atMs: number }[];
  readonly timers: readonly TimerRequest[];
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

function toProto(c: CheckpointContent): DomainCheckpoint {
  return {
    formatVersion: CHECKPOINT_FORMAT, domain: c.domain, epoch: c.epoch, position: c.position, takenAtMs: c.takenAtMs,
    ruleVersion: c.ruleVersion, routingTailAfterSeq: c.routingTailAfterSeq, lastNowMs: c.lastNowMs,
    engine: engineToProto(c.engine),
    contexts: c.contexts.map(({ contactId, context }) => ({ contactId, context: Contact.fromJSON(context) })),
    applied: c.applied as DomainCheckpoint['applied'],
    timers: c.timers.map((t) => ({ ...t, kind: TIMER_KIND.toProto(t.kind) })),
  };
}

function fromProto(p: DomainCheckpoint): CheckpointContent {
  return {
    domain: p.domain, epoch: p.epoch, position: p.position, takenAtMs: p.takenAtMs, ruleVersion: p.ruleVersion,
    routingTailAfterSeq: p.routingTailAfterSeq, lastNowMs: p.lastNowMs,
    engine: engineFromProto(need(p.engine, 'checkpoint.engine')),
    contexts: p.contexts.map((c) => ({
      contactId: c.contactId, context: Contact.toJSON(need(c.context, `context of contact ${c.contactId}`)) as Record<string, unknown>,
    })),
    applied: p.applied.map((a) => ({ commandId: a.commandId, atMs: a.atMs })),
    timers: p.timers.map(timerFromProto),
  };
}

/** Keys in the order the engine builds them: timers are `JSON.stringify`-ed into Redis members. */
function timerFromProto(t: PendingTimer): TimerRequest {
  const kind = TIMER_KIND.fromProto(t.kind);
  return t.agentId === undefined
    ? { id: t.id, kind, dueAtMs: t.dueAtMs, contactId: t.contactId, token: t.token }
    : { id: t.id, kind, dueAtMs: t.dueAtMs, contactId: t.contactId, token: t.token, agentId: t.agentId };
}
