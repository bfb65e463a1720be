import type { Context } from '@opentelemetry/api';
import type { JetStreamClient } from 'nats';
import type { Logger } from 'pino';
import { RoutingEvent as ProtoEvent } from '@switchboard/contracts';
import { publishDurable, type BusNames } from '@switchboard/bus';
import type { DomainStore, Lease, PendingOutbox } from '@switchboard/state';
import { APPLIED_EVENT } from './applied-record.js';

/**
 * An outbox record to publish. `streamId` is '' for a record that is not in the Redis outbox (a
 * rebuild re-publishing events); `event` and `ctx` spare the hot path decoding and carry the
 * submitter's trace to the desktop notification.
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

/** Records published between two lease checks at most. */
const CHECK_EVERY = 256;

/**
 * Publishes the domain's outbox to ROUTING strictly in order: record k+1 is sent only after
 * JetStream acknowledged record k, so what ROUTING holds of one owner's outbox is always a
 * prefix of it (no gaps for a rebuild to trip over). Runs one relay at a time, and only while the
 * lease is ours: a fenced owner's records stay in Redis for the next owner (who relays them under
 * the same msg ids) or, after Redis lost them, are redone from the redelivered inputs.
 */
export class OutboxRelay {
  /** The last relay failed (NATS away); the next one starts from the Redis outbox. */
  behind = false;
  private tail: Promise<unknown> = Promise.resolve();
  private waiting = 0;
  private stopped = false;
  /** The newest Redis outbox id published: hot entries a store relay already sent are skipped. */
  private lastRelayed = '0-0';

  constructor(private readonly deps: RelayDeps) {}

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
      if (!(await this.publishEntries(pending))) return false;
    }
    this.behind = false;
    return true;
  }

  /** @throws when JetStream or Redis fails; what was acknowledged before is forgotten from the outbox. */
  private async publishEntries(entries: readonly RelayEntry[]): Promise<boolean> {
    const done: string[] = [];
    try {
      for (const [i, entry] of entries.entries()) {
        if (this.stopped) return false;
        if (i % CHECK_EVERY === 0 && !(await this.deps.store.holds(this.deps.lease))) {
          this.stopped = true;
          this.deps.fenced('lease lost; relay stopped');
          return false;
        }
        if (entry.streamId && compareStreamIds(entry.streamId, this.lastRelayed) <= 0) continue;
        await publishDurable(this.deps.js, entry.subject, entry.payload, { msgId: entry.msgId, expectStream: this.deps.names.routingStream });
        if (entry.streamId) {
          done.push(entry.streamId);
          this.lastRelayed = entry.streamId;
        }
        this.announce(entry);
      }
      return true;
    } finally {
      await this.deps.store.ackOutbox(done);
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
