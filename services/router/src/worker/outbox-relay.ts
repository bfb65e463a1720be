import type { Context } from '@opentelemetry/api';
import type { JetStreamClient } from 'nats';
import type { Logger } from 'pino';
import { RoutingBatch, RoutingEvent as ProtoEvent } from '@switchboard/contracts';
import { publishDurable, type BusNames } from '@switchboard/bus';
import type { DomainStore, Lease, PendingOutbox } from '@switchboard/state';
import { EVENT_TYPES_HEADER, eventTypesHeader } from '@switchboard/router-api';

/** An event of a relayed batch, for the desk: the message, its encoding, and the trace of the command that made it. */
export interface Notice {
  readonly event: ProtoEvent;
  readonly bytes: Uint8Array;
  readonly ctx: Context | undefined;
}

/**
 * An outbox record to publish — one commit's batch — with its Redis outbox id (`streamId`; '' for
 * an entry that was never in the outbox, which is then neither skipped as relayed nor acknowledged
 * there). `types` (its `Sb-Event-Types` header) and `notices` spare the hot path decoding the
 * batch and carry each command's trace to the desktop notifications; without them (an entry read
 * back from the Redis outbox) the relay decodes the payload.
 */
export interface RelayEntry extends PendingOutbox {
  readonly types?: string;
  readonly notices?: readonly Notice[];
}

export interface RelayDeps {
  readonly js: JetStreamClient;
  readonly names: BusNames;
  readonly store: DomainStore;
  readonly lease: Lease;
  readonly logger: Logger;
  readonly domain: string;
  /**
   * Told of each batch's events once the batch is on ROUTING, in order, with the trace of the
   * command that made each (undefined when relayed from the Redis outbox).
   */
  readonly delivered: (notices: readonly Notice[]) => void;
  /** The lease is gone: nothing more may be published by this owner. */
  readonly fenced: (reason: string) => void;
}

/** Resends of a batch JetStream did not acknowledge before the relay gives up for now. */
const RESEND_ROUNDS = 3;

/**
 * Publishes the domain's outbox to ROUTING, one batch at a time, in commit order: the next batch
 * goes only once JetStream acknowledged the one before (resent under the same msg id when it did
 * not; ROUTING drops what it already holds). So ROUTING holds a domain's batches in order and
 * without a hole — a rebuild never finds an event whose cause it lacks, nor a batch after a missing
 * one — and desks hear of a batch's events once it is acknowledged. The next batch is applied and
 * committed while one is published, so the one round trip per batch costs latency, not throughput.
 * Runs one relay at a time, and only while the lease is ours (checked before each relay): a
 * fenced owner's records stay in Redis for the next owner or, after Redis lost them, are redone
 * from the redelivered inputs.
 */
export class OutboxRelay {
  /** The last relay failed (NATS away); the next one starts from the Redis outbox. */
  behind = false;
  private tail: Promise<unknown> = Promise.resolve();
  private waiting = 0;
  private stopped = false;
  /** The newest Redis outbox id published: hot entries a store relay already sent are skipped. */
  private lastRelayed = '0-0';
  /**
   * The highest ROUTING sequence JetStream gave any publish of this relay (or the stream's last
   * sequence when the domain was opened): whatever is published later lands above it.
   */
  private highestSeq: number;

  constructor(private readonly deps: RelayDeps, routingSeqAtOpen = 0) {
    this.highestSeq = routingSeqAtOpen;
  }

  /** See `highestSeq`: every record committed after now lands on ROUTING above this sequence. */
  get routingSeq(): number {
    return this.highestSeq;
  }

  /** Resolves once everything handed to the relay so far is on ROUTING (true) or could not be (false). */
  settled(): Promise<boolean> {
    return this.tail.then((ok) => ok === true && !this.behind && !this.stopped, () => false);
  }

  /** Relays queued or running. */
  get pending(): number {
    return this.waiting;
  }

  stop(): void {
    this.stopped = true;
  }

  /** Publishes committed entries after everything queued before them; true once all are on ROUTING. */
  publish(entries: readonly RelayEntry[]): Promise<boolean> {
    return this.serial(async () => (!this.behind || (await this.drainStore())) && this.publishEntries(entries));
  }

  /** Publishes what the Redis outbox holds, oldest first (after a failed relay, or on taking over). */
  drain(): Promise<boolean> {
    return this.serial(() => this.drainStore());
  }

  private serial(run: () => Promise<boolean>): Promise<boolean> {
    this.waiting++;
    const result = this.tail.then(async () => {
      if (this.stopped) return false;
      try {
        return await run();
      } catch (error) {
        this.behind = true;
        this.deps.logger.warn({ err: error, domain: this.deps.domain }, 'outbox relay failed; will retry');
        return false;
      }
    }).finally(() => { this.waiting--; });
    this.tail = result;
    return result;
  }

  private async drainStore(): Promise<boolean> {
    for (;;) {
      const pending = await this.deps.store.pendingOutbox(1_024);
      if (pending.length === 0) break;
      // Entries JetStream took whose removal from the outbox failed (Redis away just then): only
      // forget them. `publishEntries` skips them, so left in place they would come back on every
      // page and this loop would never end.
      const relayed = pending.filter((e) => compareStreamIds(e.streamId, this.lastRelayed) <= 0).map((e) => e.streamId);
      if (relayed.length > 0) await this.deps.store.ackOutbox(relayed);
      if (!(await this.publishEntries(pending))) return false;
    }
    this.behind = false;
    return true;
  }

  /** @throws when JetStream or Redis fails; what JetStream acknowledged is forgotten from the outbox. */
  private async publishEntries(entries: readonly RelayEntry[]): Promise<boolean> {
    const fresh = entries.filter((e) => !e.streamId || compareStreamIds(e.streamId, this.lastRelayed) > 0);
    if (fresh.length === 0) return true;
    if (this.stopped) return false;
    if (!(await this.deps.store.holds(this.deps.lease))) {
      this.stopped = true;
      this.deps.fenced('lease lost; relay stopped');
      return false;
    }
    const done: string[] = [];
    try {
      for (const entry of fresh) {
        if (this.stopped) return false;
        const known = entry.notices && entry.types !== undefined ? { types: entry.types, notices: entry.notices } : readBack(entry.payload);
        await this.publishOne(entry, known.types);
        if (entry.streamId) {
          done.push(entry.streamId);
          this.lastRelayed = entry.streamId;
        }
        this.announce(known.notices);
      }
      return true;
    } finally {
      await this.deps.store.ackOutbox(done);
    }
  }

  /** @throws the last publish error when JetStream did not acknowledge the batch after the resends. */
  private async publishOne(entry: RelayEntry, types: string): Promise<void> {
    const headers = { [EVENT_TYPES_HEADER]: types };
    for (let round = 1; ; round++) {
      try {
        const published = await publishDurable(this.deps.js, entry.subject, entry.payload, { msgId: entry.msgId, expectStream: this.deps.names.routingStream, headers });
        this.highestSeq = Math.max(this.highestSeq, published.seq);
        return;
      } catch (error) {
        if (round >= RESEND_ROUNDS || this.stopped) throw error;
      }
    }
  }

  private announce(notices: readonly Notice[]): void {
    try {
      this.deps.delivered(notices);
    } catch (error) {
      this.deps.logger.warn({ err: error, domain: this.deps.domain }, 'relayed events not announced');
    }
  }
}

/** A batch read back from the Redis outbox: its header and its events, without a trace. */
function readBack(payload: Uint8Array): { types: string; notices: Notice[] } {
  const batch = RoutingBatch.decode(payload);
  const notices = batch.commands.flatMap((c) => c.events.map((event) => ({ event, bytes: ProtoEvent.encode(event).finish(), ctx: undefined })));
  return { types: eventTypesHeader(batch), notices };
}

/** Orders Redis stream ids (`<ms>-<seq>`). */
export function compareStreamIds(a: string, b: string): number {
  const [am = 0, as = 0] = a.split('-').map(Number);
  const [bm = 0, bs = 0] = b.split('-').map(Number);
  return am - bm || as - bs;
}
