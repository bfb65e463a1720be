import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { domainKeys, type DomainKeys } from './keys.js';
import {
  ACQUIRE_LEASE, COMMIT_BATCH, COMPACT_STEP, DROP_TIMER, FINISH_RESTORE, RELEASE_LEASE, RENEW_LEASE, RESET_FOR_RESTORE, SAVE_CHECKPOINT, SCHEDULE_TIMERS,
} from './scripts.js';

/** A lease on a domain: only its holder may commit. `value` is the fencing proof. */
export interface Lease {
  readonly value: string;
  /** Fencing token: grows with every acquisition, but restarts after Redis lost the domain's state. */
  readonly token: number;
  /**
   * True when Redis holds no whole state for the domain: this acquisition created the epoch (Redis
   * held nothing), or an earlier owner's restore of it did not finish. The owner restores from
   * JetStream (see `resetForRestore` and `finishRestore`).
   */
  readonly freshEpoch: boolean;
  /**
   * The domain's state epoch: set once when Redis first holds state for the domain, replaced only
   * after Redis lost it. Unlike `token` it never repeats, so it makes record ids unique across wipes.
   */
  readonly epoch: string;
}

/** A timer to schedule: `member` is its serialized form, unique per timer. */
export interface TimerEntry {
  readonly dueAtMs: number;
  readonly member: string;
}

/** A record for the relay to publish to JetStream with `Nats-Msg-Id` = `msgId`. */
export interface OutboxEntry {
  readonly msgId: string;
  readonly subject: string;
  readonly payload: Buffer;
}

/** One routing transition to commit atomically. */
export interface Transition {
  /** Idempotency key ('' for none): a second commit with the same id is refused as duplicate. */
  readonly commandId: string;
  /** The serialized command; replaying the log in order rebuilds the state. */
  readonly command: string;
  /** The timer member that triggered this transition, removed in the same step. */
  readonly firedTimer?: string;
  readonly timers: readonly TimerEntry[];
  /** Records to relay that this transition alone makes (a batch commit adds the batch's own after all of them). */
  readonly outbox?: readonly OutboxEntry[];
}

export type CommitResult =
  /** `outboxIds`: the Redis stream ids of the transition's outbox records, in order. */
  | { readonly kind: 'ok'; readonly logId: string; readonly outboxIds: readonly string[] }
  | { readonly kind: 'duplicate'; readonly logId: string }
  | { readonly kind: 'fenced'; readonly holder: string };

export type BatchCommitResult =
  /** `logIds`: one per transition, in order; `outboxIds`: the Redis stream ids of the outbox records, in order. */
  | { readonly kind: 'ok'; readonly logIds: readonly string[]; readonly outboxIds: readonly string[] }
  /** A command of the batch was applied before (the log entry named): nothing of the batch was written. */
  | { readonly kind: 'duplicate'; readonly logId: string }
  | { readonly kind: 'fenced'; readonly holder: string };

/** One entry of the command log. */
export interface LogEntry {
  readonly id: string;
  readonly commandId: string;
  readonly command: string;
}

/** A checkpoint as kept in Redis: the encoded state as of log entry `logId` (position `position`). */
export interface StoredCheckpoint {
  readonly data: Buffer;
  readonly position: number;
  /** The Redis stream id of the log entry at `position` ('' when the log held none). */
  readonly logId: string;
  readonly epoch: string;
  readonly takenAtMs: number;
}

/** A pending outbox record with its Redis stream id (to delete once relayed). */
export interface PendingOutbox extends OutboxEntry {
  readonly streamId: string;
}

/**
 * The live state of one routing domain in Redis: lease, command log, idempotency index, outbox
 * and timers. Every write goes through one Lua script guarded by the lease.
 */
export class DomainStore {
  readonly keys: DomainKeys;

  constructor(private readonly redis: Redis, readonly domain: string, prefix?: string) {
    this.keys = domainKeys(domain, prefix);
  }

  /**
   * Takes the lease when free (or already ours); `undefined` when another replica holds it.
   * `epoch` becomes the domain's epoch only when Redis holds none yet: pass a value never used
   * before (see `newEpochId`), or record ids after a Redis wipe may collide with older ones.
   */
  async acquire(replica: string, ttlMs: number, epoch: string): Promise<Lease | undefined> {
    if (replica === '' || replica.includes('|')) throw new TypeError(`replica id ${JSON.stringify(replica)}: must be non-empty and without '|'`);
    const [token, extra, current] = (await this.redis.eval(ACQUIRE_LEASE, 4, this.keys.lease, this.keys.fence, this.keys.epoch,
      this.keys.restoring, replica, ttlMs, epoch)) as [number, number | string, string | undefined];
    if (token === 0) return undefined;
    const domainEpoch = current ?? epoch;
    return { value: `${replica}|${token}|${domainEpoch}`, token, freshEpoch: extra === 1, epoch: domainEpoch };
  }

  /** Whether `lease` is still the domain's lease (false after it lapsed, passed on, or Redis was wiped). */
  async holds(lease: Lease): Promise<boolean> {
    return (await this.redis.get(this.keys.lease)) === lease.value;
  }

  async renew(lease: Lease, ttlMs: number): Promise<boolean> {
    return (await this.redis.eval(RENEW_LEASE, 1, this.keys.lease, lease.value, ttlMs)) === 1;
  }

  async release(lease: Lease): Promise<void> {
    await this.redis.eval(RELEASE_LEASE, 1, this.keys.lease, lease.value);
  }

  /** Commits one transition atomically, if the lease is still ours and the command is new. */
  async commit(lease: Lease, transition: Transition): Promise<CommitResult> {
    const [result] = await this.commitMany(lease, [transition]);
    return result!;
  }

  /**
   * Commits transitions in order, each atomically on its own (a duplicate is refused alone), in
   * one round trip (a pipeline). Once one is fenced, all later ones are fenced too: the lease
   * check runs in every script. For loading and restoring logs; the router commits batches.
   */
  async commitMany(lease: Lease, transitions: readonly Transition[]): Promise<CommitResult[]> {
    if (transitions.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const t of transitions) pipeline.eval(COMMIT_BATCH, 6, ...this.commitKeys(), ...batchArgs(lease, [t], []));
    const replies = (await pipeline.exec()) ?? [];
    return replies.map(([error, reply]): CommitResult => {
      if (error) throw error;
      const result = batchResult(reply, 1);
      return result.kind === 'ok' ? { kind: 'ok', logId: result.logIds[0]!, outboxIds: result.outboxIds } : result;
    });
  }

  /**
   * Commits a batch of transitions and its outbox records (after the transitions' own) as one
   * atomic script in one round trip: fenced and idempotent as a whole (see COMMIT_BATCH). Timers
   * in `staleTimers` fired and changed nothing: they go in the same step.
   */
  async commitBatch(lease: Lease, transitions: readonly Transition[], outbox: readonly OutboxEntry[], staleTimers: readonly string[] = []): Promise<BatchCommitResult> {
    const reply: unknown = await this.redis.eval(COMMIT_BATCH, 6, ...this.commitKeys(), ...batchArgs(lease, transitions, outbox), staleTimers.length, ...staleTimers);
    return batchResult(reply, transitions.length);
  }

  private commitKeys(): string[] {
    const k = this.keys;
    return [k.lease, k.log, k.applied, k.outbox, k.timers, k.appliedPrevious];
  }

  /** Stores a checkpoint (replacing the previous one); false when the lease is not ours. */
  async saveCheckpoint(lease: Lease, checkpoint: StoredCheckpoint): Promise<boolean> {
    const { data, position, logId, epoch, takenAtMs } = checkpoint;
    return (await this.redis.eval(SAVE_CHECKPOINT, 2, this.keys.lease, this.keys.checkpoint, lease.value, data, position, logId, epoch, takenAtMs)) === 1;
  }

  /** Before restoring a domain from JetStream: drops whatever an interrupted restore left. False when the lease is not ours. */
  async resetForRestore(lease: Lease): Promise<boolean> {
    const k = this.keys;
    return (await this.redis.eval(RESET_FOR_RESTORE, 7, k.lease, k.log, k.applied, k.appliedPrevious, k.checkpoint, k.outbox, k.timers, lease.value)) === 1;
  }

  /** The restore from JetStream is whole (checkpoint, log and timers written): later owners go on from Redis. */
  async finishRestore(lease: Lease): Promise<boolean> {
    return (await this.redis.eval(FINISH_RESTORE, 2, this.keys.lease, this.keys.restoring, lease.value)) === 1;
  }

  /** The domain's state epoch (see Lease.epoch), or undefined while Redis holds no state for it. */
  async stateEpoch(): Promise<string | undefined> {
    return (await this.redis.get(this.keys.epoch)) ?? undefined;
  }

  /** The stored checkpoint, if any. */
  async loadCheckpoint(): Promise<StoredCheckpoint | undefined> {
    const fields = await this.redis.hgetallBuffer(this.keys.checkpoint);
    const data = fields.data;
    if (data === undefined || fields.position === undefined) return undefined;
    return {
      data, position: Number(fields.position.toString()), logId: fields.logId?.toString() ?? '',
      epoch: fields.epoch?.toString() ?? '', takenAtMs: Number(fields.takenAt?.toString() ?? 0),
    };
  }

  /**
   * Trims the log up to the stored checkpoint at `position` and rotates the idempotency index.
   * Call only once that checkpoint is durable elsewhere too (JetStream). Returns the log entries
   * trimmed, or undefined when the lease is gone or another checkpoint is stored. Trims in steps
   * of at most `stepLimit` entries (see COMPACT_STEP), each fenced by the lease, so Redis serves
   * renewals and commits between them however long the log is. `upToLogId` trims less: up to
   * that entry ('' for nothing), never past the checkpoint's own.
   */
  async compact(lease: Lease, position: number, stepLimit = 10_000, upToLogId?: string): Promise<number | undefined> {
    const k = this.keys;
    let total = 0;
    for (;;) {
      const [trimmed, done] = (await this.redis.eval(COMPACT_STEP, 5, k.lease, k.checkpoint, k.log, k.applied, k.appliedPrevious, lease.value, position, stepLimit,
        upToLogId ?? 'checkpoint')) as [number, number];
      if (trimmed < 0) return undefined;
      total += trimmed;
      if (done === 1) return total;
    }
  }

  /** Reads the command log in order, in pages; after `afterId` (exclusive) when given. */
  async *readLog(pageSize = 2_000, afterId?: string): AsyncGenerator<LogEntry> {
    let start = afterId ? `(${afterId}` : '-';
    for (;;) {
      const page = await this.redis.xrange(this.keys.log, start, '+', 'COUNT', pageSize);
      for (const [id, fields] of page) yield { id, ...logFields(fields) };
      if (page.length < pageSize) return;
      start = `(${page[page.length - 1]![0]}`;
    }
  }

  /** One log entry by its stream id (what a `duplicate` commit reply names). */
  async logEntry(id: string): Promise<LogEntry | undefined> {
    const [entry] = await this.redis.xrange(this.keys.log, id, id);
    return entry ? { id: entry[0], ...logFields(entry[1]) } : undefined;
  }

  /** The newest log entry's stream id, if the log holds any. */
  async lastLogId(): Promise<string | undefined> {
    const [newest] = await this.redis.xrevrange(this.keys.log, '+', '-', 'COUNT', 1);
    return newest?.[0];
  }

  async logLength(): Promise<number> {
    return this.redis.xlen(this.keys.log);
  }

  /** Timers due at or before `nowMs`, earliest first. */
  async dueTimers(nowMs: number, limit = 256): Promise<string[]> {
    return this.redis.zrangebyscore(this.keys.timers, '-inf', String(nowMs), 'LIMIT', 0, limit);
  }

  /** Due time of the earliest timer, if any. */
  async nextTimerDueMs(): Promise<number | undefined> {
    const first = await this.redis.zrange(this.keys.timers, '0', '0', 'WITHSCORES');
    return first[1] === undefined ? undefined : Number(first[1]);
  }

  /** Schedules timers outside a transition (after a rebuild). Returns false when the lease is gone. */
  async scheduleTimers(lease: Lease, timers: readonly TimerEntry[]): Promise<boolean> {
    for (let i = 0; i < timers.length; i += 500) {
      const args = timers.slice(i, i + 500).flatMap((t) => [t.dueAtMs, t.member]);
      if ((await this.redis.eval(SCHEDULE_TIMERS, 2, this.keys.lease, this.keys.timers, lease.value, ...args)) === -1) return false;
    }
    return true;
  }

  async dropTimer(lease: Lease, member: string): Promise<void> {
    await this.redis.eval(DROP_TIMER, 2, this.keys.lease, this.keys.timers, lease.value, member);
  }

  /** Outbox records not yet relayed, oldest first. */
  async pendingOutbox(limit = 512): Promise<PendingOutbox[]> {
    const page = await this.redis.xrangeBuffer(this.keys.outbox, '-', '+', 'COUNT', limit);
    return page.map(([id, fields]) => {
      const map = new Map<string, Buffer>();
      for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i]!.toString(), fields[i + 1]!);
      return { streamId: id.toString(), msgId: map.get('id')!.toString(), subject: map.get('subject')!.toString(), payload: map.get('data')! };
    });
  }

  /** Forgets relayed outbox records. */
  async ackOutbox(streamIds: readonly string[]): Promise<void> {
    if (streamIds.length > 0) await this.redis.xdel(this.keys.outbox, ...streamIds);
  }
}

/**
 * A new, never-repeating epoch id that sorts by creation time (base-36 milliseconds, then
 * randomness): after several Redis wipes, the later epoch's records win on a rebuild.
 */
export function newEpochId(nowMs: number): string {
  return `${nowMs.toString(36).padStart(9, '0')}${randomBytes(5).toString('hex')}`;
}

function batchArgs(lease: Lease, transitions: readonly Transition[], outbox: readonly OutboxEntry[]): (string | number | Buffer)[] {
  const args: (string | number | Buffer)[] = [lease.value, transitions.length];
  for (const t of transitions) {
    args.push(t.commandId, t.command, t.firedTimer ?? '', t.timers.length);
    for (const timer of t.timers) args.push(timer.dueAtMs, timer.member);
  }
  const records = transitions.flatMap((t) => t.outbox ?? []).concat(outbox);
  args.push(records.length);
  for (const entry of records) args.push(entry.msgId, entry.subject, entry.payload);
  return args;
}

function batchResult(reply: unknown, transitions: number): BatchCommitResult {
  const [kind, ...rest] = reply as [string, ...string[]];
  if (kind === 'ok') return { kind, logIds: rest.slice(0, transitions), outboxIds: rest.slice(transitions) };
  if (kind === 'duplicate') return { kind, logId: rest[0]! };
  return { kind: 'fenced', holder: rest[0] ?? '' };
}

function logFields(fields: string[]): { commandId: string; command: string } {
  let commandId = '';
  let command = '';
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] === 'cid') commandId = fields[i + 1]!;
    else if (fields[i] === 'cmd') command = fields[i + 1]!;
  }
  return { commandId, command };
}
