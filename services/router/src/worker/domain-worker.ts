import { context, type Context } from '@opentelemetry/api';
import type { JetStreamClient, JetStreamManager, NatsConnection } from 'nats';
import type { Logger } from 'pino';
import type { BusNames } from '@switchboard/bus';
import type { CheckpointArchive } from '@switchboard/bus';
import type { BatchCommitResult, DomainStore, Lease, OutboxEntry, Transition } from '@switchboard/state';
import type { ApplyResult, RoutingCommand, RoutingEngine, RoutingEvent } from '@switchboard/routing-core';
import { DomainEngine } from './domain-engine.js';
import { batchOutbox, type BatchedTransition } from '../mapping/transition.mapper.js';
import { DeskNotifier } from './desk-notifier.js';
import { OutboxRelay, type Notice, type RelayEntry } from './outbox-relay.js';
import { Checkpointer, DEFAULT_CHECKPOINT_POLICY, type CheckpointPolicy, type CheckpointStats } from './checkpointer.js';

/** What a submitted command came to. `relayed` is false when its events still wait in the outbox. */
export type Submitted =
  | { readonly kind: 'applied'; readonly result: ApplyResult; readonly relayed: boolean }
  | { readonly kind: 'duplicate'; readonly relayed: boolean };

/** The worker lost its lease (or its state diverged) and must not be used again. */
export class WorkerStoppedError extends Error {
  override readonly name = 'WorkerStoppedError';
}

/**
 * A ROUTING batch's size at most (bytes): under NATS' default 1 MiB max payload with room for
 * headers; a commit whose records would pass it goes to ROUTING as several consecutive batches.
 */
export const MAX_BATCH_BYTES = 768 * 1024;

/** A job the engine applied in this batch, with what it commits and its position in the log. */
interface PreparedJob {
  readonly job: Job;
  readonly result: ApplyResult;
  readonly committed: BatchedTransition;
  readonly position: number;
}

interface Job {
  /** The submitter's trace context: batches mix jobs, so each job's notifications use its own. */
  readonly ctx: Context;
  readonly commandId: string;
  readonly command: RoutingCommand;
  readonly firedTimer?: string;
  readonly context?: Record<string, unknown>;
  resolve(value: Submitted): void;
  reject(error: unknown): void;
}

export interface WorkerDeps {
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly names: BusNames;
  readonly store: DomainStore;
  readonly logger: Logger;
  readonly clock: () => number;
  /** Commands applied per Redis round trip at most. */
  readonly batchSize?: number;
  /** Told of each committed batch's size in commands (metrics); must not throw. */
  readonly committed?: (worker: DomainWorker, commands: number) => void;
  /** Told of each committed command's events (metrics); must not throw. */
  readonly observe?: (worker: DomainWorker, events: readonly RoutingEvent[]) => void;
  /** Told of each survey answer not recorded and why (metrics); must not throw. */
  readonly surveyRefused?: (domain: string, reason: string) => void;
  /** Where checkpoints go for recovery after Redis lost everything. */
  readonly archive: CheckpointArchive;
  readonly checkpointPolicy?: CheckpointPolicy;
  /** Told of each checkpoint made durable (metrics); must not throw. */
  readonly checkpointed?: (worker: DomainWorker, stats: CheckpointStats) => void;
}

/** Where the worker starts: what `openDomain` found. */
export interface WorkerStart {
  /** Redis stream id of the newest log entry ('' when none). */
  readonly lastLogId: string;
  /** ROUTING's last sequence before this worker published anything. */
  readonly routingSeq: number;
  /** The newest checkpoint stored in Redis and JetStream, if the rebuild found one. */
  readonly durable?: { readonly position: number; readonly takenAtMs: number; readonly routingTailAfterSeq: number };
  /** Checkpoint at the first chance (the state was rebuilt from JetStream). */
  readonly checkpointNow?: boolean;
}

/** Reads of a domain's live state, for queries and for the inputs' routing choices. */
export type LiveView = Pick<RoutingEngine, 'contact' | 'agent' | 'agents' | 'queue' | 'queueMode' | 'queueDepth' | 'position' | 'waitingContacts' | 'snapshot'>
  & Pick<DomainEngine, 'contextOf'>;

/**
 * How inputs (the CONTACTS consumer, the command API, the metrics) reach a domain: its name,
 * reads of its live state, and one way in, `submit`. Nothing else of the worker — the engine's
 * `apply`, the relay, the lease — is theirs to touch.
 */
export interface DomainPort {
  readonly domain: string;
  readonly live: LiveView;
  submit(commandId: string, command: RoutingCommand, firedTimer?: string, contactContext?: Record<string, unknown>): Promise<Submitted>;
}

/**
 * Owns one routing domain while it holds the lease: applies commands one at a time through the
 * core, commits each as one fenced Lua script (in pipelined batches), relays the outbox to
 * ROUTING, and tells desktops of their offers once those are recorded there. Every command goes
 * through `submit`.
 */
export class DomainWorker implements DomainPort {
  private readonly queue: Job[] = [];
  private draining = false;
  private stoppedBecause: string | undefined;
  private readonly outbox: OutboxRelay;
  private readonly desks: DeskNotifier;

  readonly checkpoints: Checkpointer;
  readonly live: LiveView;
  /** When this worker took the domain over (a domain never checkpointed counts its age from here). */
  readonly openedAtMs: number;
  /** Redis stream id of the newest log entry this worker knows of. */
  private lastLogId: string;
  private readonly checkpointTimer: NodeJS.Timeout;

  constructor(readonly core: DomainEngine, readonly lease: Lease, private readonly deps: WorkerDeps, start: WorkerStart = { lastLogId: '', routingSeq: 0 }) {
    this.desks = new DeskNotifier({ nc: deps.nc, names: deps.names, domain: core.domain, logger: deps.logger });
    this.outbox = new OutboxRelay({
      js: deps.js, names: deps.names, store: deps.store, lease, logger: deps.logger, domain: core.domain,
      delivered: (notices) => this.desks.notify(notices),
      fenced: (reason) => this.fail(reason, []),
    }, start.routingSeq);
    this.lastLogId = start.lastLogId;
    this.openedAtMs = deps.clock();
    const engine = core.engine;
    this.live = {
      contact: (id) => engine.contact(id), agent: (id) => engine.agent(id), agents: () => engine.agents(), queue: (id) => engine.queue(id),
      queueMode: (id) => engine.queueMode(id), queueDepth: (id) => engine.queueDepth(id), position: (id) => engine.position(id), waitingContacts: (id, limit) => engine.waitingContacts(id, limit),
      snapshot: () => engine.snapshot(), contextOf: (id) => core.contextOf(id),
    };
    const policy = deps.checkpointPolicy ?? DEFAULT_CHECKPOINT_POLICY;
    this.checkpoints = new Checkpointer({
      domain: core.domain, store: deps.store, archive: deps.archive, lease, logger: deps.logger, clock: deps.clock, policy,
      written: (stats) => deps.checkpointed?.(this, stats),
      fenced: (reason) => this.fail(reason, []),
    }, core.logPosition, start.durable, start.checkpointNow);
    // A quiet domain still gets its time-based checkpoint, and ROUTING's retention is watched.
    this.checkpointTimer = setInterval(() => void this.upkeep(), Math.max(50, Math.min(policy.intervalMs, 10_000) / 2));
    this.checkpointTimer.unref();
  }

  /** Checks ROUTING still holds the tail after the newest checkpoint, and checkpoints a quiet domain when due. */
  private async upkeep(): Promise<void> {
    if (this.stopped) return;
    const durable = this.checkpoints.newestDurable;
    if (durable !== undefined) {
      const info = await this.deps.jsm.streams.info(this.deps.names.routingStream).catch(() => undefined);
      if (info) this.checkpoints.routingFirstSeq(info.state.first_seq);
    }
    if (!this.draining) this.checkpointIfDue();
  }

  /** Captures a checkpoint when one is due. Only between commits: the engine then equals the committed state. */
  private checkpointIfDue(): void {
    if (this.stopped || !this.checkpoints.due(this.core.logPosition)) return;
    this.checkpoints.start(() => ({
      state: this.core.capture(), logId: this.lastLogId, routingTailAfterSeq: this.outbox.routingSeq, relayed: this.outbox.settled(),
    }));
  }

  /** The last relay left records in the outbox (NATS was away); the timer loop retries. */
  get relayBehind(): boolean {
    return this.outbox.behind;
  }

  get domain(): string {
    return this.core.domain;
  }

  /** The domain's Redis state (its keys name the outbox for the lag gauge). */
  get store(): DomainStore {
    return this.deps.store;
  }

  get stopped(): boolean {
    return this.stoppedBecause !== undefined;
  }

  /** Queues a command; resolves once it is committed (and relayed, if NATS allowed). */
  submit(commandId: string, command: RoutingCommand, firedTimer?: string, contactContext?: Record<string, unknown>): Promise<Submitted> {
    if (this.stoppedBecause) return Promise.reject(new WorkerStoppedError(this.stoppedBecause));
    return new Promise((resolve, reject) => {
      const ctx = context.active();
      if (command.type === 'ARRIVE') this.desks.rememberTrace(command.contact.id, ctx);
      this.queue.push({ ctx, commandId, command, ...(firedTimer ? { firedTimer } : {}), ...(contactContext ? { context: contactContext } : {}), resolve, reject });
      if (!this.draining) void this.drain();
    });
  }

  /** Stops taking commands; queued ones fail (their messages will be redelivered to the next owner). */
  stop(reason: string): void {
    this.stoppedBecause ??= reason;
    clearInterval(this.checkpointTimer);
    // A fenced owner must publish nothing more: its unrelayed records belong to the next owner.
    this.outbox.stop();
    this.checkpoints.stop();
    for (const job of this.queue.splice(0)) job.reject(new WorkerStoppedError(reason));
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length > 0 && !this.stoppedBecause) {
        await this.runBatch(this.queue.splice(0, this.deps.batchSize ?? 256));
        this.checkpointIfDue();
      }
    } finally {
      this.draining = false;
    }
  }

  private async runBatch(jobs: Job[]): Promise<void> {
    const prepared: PreparedJob[] = [];
    const unchanged: { job: Job; result: ApplyResult }[] = [];
    const dropped: Job[] = [];
    for (const job of jobs) {
      if (this.core.hasApplied(job.commandId)) {
        dropped.push(job);
        continue;
      }
      try {
        const p = this.core.prepare(job.commandId, job.command, this.deps.clock(), job.firedTimer, job.context);
        if (p.transition) prepared.push({ job, result: p.result, committed: { transition: p.transition, protoEvents: p.protoEvents }, position: p.position! });
        else unchanged.push({ job, result: p.result });
      } catch (error) {
        job.reject(error);
      }
    }
    // A timer that fired stale changed nothing: it leaves Redis in the same commit, unlogged.
    const staleTimers = unchanged.flatMap((u) => (u.job.firedTimer ? [u.job.firedTimer] : []));
    const waiting = prepared.map((p) => p.job).concat(dropped, unchanged.map((u) => u.job));
    const batches = prepared.length === 0 ? [] : this.batchesOf(prepared);
    let result: BatchCommitResult;
    try {
      result = prepared.length === 0 && staleTimers.length === 0
        ? { kind: 'ok', logIds: [], outboxIds: [] }
        : await this.deps.store.commitBatch(this.lease, prepared.map((p) => p.committed.transition), batches.map((b) => b.entry), staleTimers);
    } catch (error) {
      return this.fail(`redis commit failed: ${(error as Error).message}`, waiting);
    }
    if (result.kind === 'fenced') return this.fail(`lease lost to ${result.holder || 'nobody (state wiped)'}`, waiting);
    for (const u of unchanged) u.job.resolve({ kind: 'applied', result: u.result, relayed: true });
    if (result.kind === 'duplicate') {
      if (!(await this.ownResend(result.logId, prepared[0]?.committed.transition))) {
        return this.fail('log already held a command this replica had not seen', waiting);
      }
    } else if (result.logIds.length > 0) {
      this.lastLogId = result.logIds.at(-1)!;
      this.deps.committed?.(this, result.logIds.length);
    }
    const entries: RelayEntry[] = result.kind === 'ok'
      ? batches.map((b, i) => ({ ...b.entry, streamId: result.outboxIds[i]!, types: b.types, notices: b.notices }))
      : [];
    // The next batch is applied and committed while this one's records are published: the
    // jobs (and so the CONTACTS acks and the command replies) wait for their own records only.
    // Desktops hear of offers from the relay, once each offer is on ROUTING (see DeskNotifier).
    const relayed = this.outbox.publish(entries);
    void relayed.then((ok) => {
      for (const p of prepared) {
        this.deps.observe?.(this, p.result.events);
        p.job.resolve({ kind: 'applied', result: p.result, relayed: ok });
      }
      for (const job of dropped) job.resolve({ kind: 'duplicate', relayed: ok });
    });
    // Bounded pipelining: never more than a few batches ahead of what JetStream acknowledged.
    if (this.outbox.pending > 4) await relayed;
  }

  /**
   * The ROUTING records of one commit: its commands in order, split into consecutive batches
   * where one would pass {@link MAX_BATCH_BYTES} (JetStream refuses messages over its max payload).
   */
  private batchesOf(prepared: readonly PreparedJob[]):
    { entry: OutboxEntry; types: string; notices: Notice[] }[] {
    const built = batchOutbox(this.deps.names, this.domain, this.core.epoch, prepared[0]!.position, prepared.map((p) => p.committed));
    if (built.entry.payload.length <= MAX_BATCH_BYTES || prepared.length === 1) {
      return [{ ...built, notices: prepared.flatMap((p) => p.committed.protoEvents.map((e) => ({ event: e.event, bytes: e.bytes, ctx: p.job.ctx }))) }];
    }
    const half = Math.ceil(prepared.length / 2);
    return [...this.batchesOf(prepared.slice(0, half)), ...this.batchesOf(prepared.slice(half))];
  }

  /**
   * A `duplicate` reply under our own lease is ioredis resending a commit whose first reply was
   * lost with the connection: the log then holds exactly our batch, and the commit succeeded.
   * Its outbox ids are unknown, so the relay takes its records from the Redis outbox. Anything
   * else in the log means our engine is not the log's, and this worker must stop.
   */
  private async ownResend(logId: string, first: Transition | undefined): Promise<boolean> {
    const logged = await this.deps.store.logEntry(logId);
    if (first === undefined || logged?.command !== first.command) return false;
    this.deps.logger.info({ domain: this.domain, commandId: first.commandId }, 'commit resent after a reconnect; already applied');
    this.outbox.behind = true;
    // The log's newest entry is this batch's last (the resend wrote nothing); the checkpoint needs its id.
    this.lastLogId = (await this.deps.store.lastLogId()) ?? this.lastLogId;
    return true;
  }

  private fail(reason: string, jobs: Job[]): void {
    this.deps.logger.error({ domain: this.domain, reason }, 'domain worker stopped');
    this.stop(reason);
    for (const job of jobs) job.reject(new WorkerStoppedError(reason));
  }

  /** Publishes the outbox to ROUTING, oldest first, then forgets what JetStream acknowledged. */
  relay(): Promise<boolean> {
    return this.outbox.drain();
  }
}
