import type { Context } from '@opentelemetry/api';
import type { JetStreamClient } from 'nats';
import type { Logger } from 'pino';
import { RoutingEvent as ProtoEvent } from '@switchboard/contracts';
import { publishDurable, type BusNames } from '@switchboard/bus';
import type { DomainStore, Lease, PendingOutbox } from '@switchboard/state';
import { APPLIED_EVENT } from '@switchboard/router-api';

/**
 * An outbox record to publish, with its Redis outbox id (`streamId`; '' for an entry that was
 * never in the outbox, which is then neither skipped as relayed nor acknowledged there). `event`
 * and `ctx` spare the hot path decoding and carry the submitter's trace to the desktop notification.
 */
export interface RelayEntry extends PendingOutbox {
  readonly event?: ProtoEvent;
  readonly ctx?: Context;
}

export interface RelayDeps {
  readonly js: JetStreamClient;
  readonly names: BusNames;
  readonly store: DomainStore;
  readonly lease: Lease;
  readonly logger: Logger;
  readonly domain: string;
  /** Told of each event once it (and the record of the command that made it) is on ROUTING. */
  readonly delivered: (event: ProtoEvent, ctx: Context | undefined) => void;
  /** The lease is gone: nothing more may be published by this owner. */
  readonly fenced: (reason: string) => void;
}

/**
 * Outbox entries published concurrently at most (one window), and so between two lease checks:
 * a window costs one JetStream round trip per phase instead of one per entry.
 */
export const RELAY_WINDOW = 512;
/** Rounds of resends of a window's unacknowledged entries before the relay gives up for now. */
const RESEND_ROUNDS = 3;

/**
 * Publishes the domain's outbox to ROUTING in windows of up to `RELAY_WINDOW` entries. Each
 * window goes in two phases: first its applied records, all at once, then — only once JetStream
 * acknowledged every one of them — their events, all at once. Entries JetStream did not
 * acknowledge are sent again under the same msg ids (ROUTING drops what it already holds), and the
 * next window starts only when this one is whole. So:
 * - an event is on ROUTING only after the record of the command that made it, and after every
 *   record of earlier windows: a rebuild never finds an event whose cause it lacks;
 * - records of one window may land out of order, or with a hole if the owner dies (or is fenced)
 *   mid-window: a rebuild orders records by (epoch, n) and stops at a hole (see `chooseRecords`),
 *   and the next owner with Redis' state relays the missing ones under the same msg ids;
 * - desks hear of an event once it and everything before it in the outbox is acknowledged, in
 *   outbox order; only that acknowledged prefix leaves the Redis outbox.
 * Runs one relay at a time, and only while the lease is ours (checked before every window): a
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

  /** @throws when JetStream or Redis fails; the acknowledged prefix is forgotten from the outbox. */
  private async publishEntries(entries: readonly RelayEntry[]): Promise<boolean> {
    const fresh = entries.filter((e) => !e.streamId || compareStreamIds(e.streamId, this.lastRelayed) > 0);
    for (let start = 0; start < fresh.length; start += RELAY_WINDOW) {
      if (this.stopped) return false;
      if (!(await this.deps.store.holds(this.deps.lease))) {
        this.stopped = true;
        this.deps.fenced('lease lost; relay stopped');
        return false;
      }
      if (!(await this.publishWindow(fresh.slice(start, start + RELAY_WINDOW)))) return false;
    }
    return true;
  }

  /** One window: records, then events; true once all of it is on ROUTING (and announced). */
  private async publishWindow(window: readonly RelayEntry[]): Promise<boolean> {
    const acked = new Array<boolean>(window.length).fill(false);
    let prefix = 0; // entries [0, prefix) are acknowledged and announced
    const advance = () => {
      while (prefix < window.length && acked[prefix]) this.announce(window[prefix++]!);
    };
    try {
      const isRecord = (entry: RelayEntry) => entry.subject.endsWith(`.${APPLIED_EVENT}`);
      for (const phase of [isRecord, (entry: RelayEntry) => !isRecord(entry)]) {
        const todo = window.flatMap((entry, i) => (phase(entry) ? [i] : []));
        try {
          await this.publishAll(window, todo, acked);
        } finally {
          advance();
        }
      }
      return prefix === window.length;
    } finally {
      const done = window.slice(0, prefix).flatMap((e) => (e.streamId ? [e.streamId] : []));
      if (done.length > 0) this.lastRelayed = done.at(-1)!;
      await this.deps.store.ackOutbox(done);
    }
  }

  /**
   * Publishes entries `todo` of the window concurrently and resends those JetStream did not
   * acknowledge (same msg ids, so a resend of a stored entry is dropped as a duplicate).
   * @throws the last publish error when some are still unacknowledged after the resends.
   */
  private async publishAll(window: readonly RelayEntry[], todo: readonly number[], acked: boolean[]): Promise<void> {
    let left = todo;
    for (let round = 0; left.length > 0; round++) {
      if (round > 0 && this.stopped) throw new Error('relay stopped while resending');
      const results = await Promise.allSettled(left.map((i) => {
        const entry = window[i]!;
        return publishDurable(this.deps.js, entry.subject, entry.payload, { msgId: entry.msgId, expectStream: this.deps.names.routingStream });
      }));
      let failure: unknown;
      left = left.filter((i, k) => {
        const result = results[k]!;
        if (result.status === 'fulfilled') {
          acked[i] = true;
          this.highestSeq = Math.max(this.highestSeq, result.value.seq);
          return false;
        }
        failure = result.reason;
        return true;
      });
      if (left.length > 0 && round + 1 >= RESEND_ROUNDS) throw failure;
    }
  }

  private announce(entry: RelayEntry): void {
    if (entry.subject.endsWith(`.${APPLIED_EVENT}`)) return;
    try {
      this.deps.delivered(entry.event ?? ProtoEvent.decode(entry.payload), entry.ctx);
    } catch (error) {
      this.deps.logger.warn({ err: error, domain: this.deps.domain }, 'relayed event not announced');
    }
  }
}

/** Orders Redis stream ids (`<ms>-<seq>`). */
export function compareStreamIds(a: string, b: string): number {
  const [am = 0, as = 0] = a.split('-').map(Number);
  const [bm = 0, bs = 0] = b.split('-').map(Number);
  return am - bm || as - bs;
}
