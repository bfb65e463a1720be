import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { CheckpointArchive } from '@switchboard/bus';
import type { DomainStore, Lease } from '@switchboard/state';
import { CHECKPOINT_FORMAT, encodeCheckpointInSlices } from '../mapping/checkpoint.mapper.js';
import { checkpointOf, type EngineCapture } from './domain-engine.js';

/** When the owner writes a checkpoint: after this many commands, or this long, whichever first. */
export interface CheckpointPolicy {
  readonly everyCommands: number;
  readonly intervalMs: number;
}

export const DEFAULT_CHECKPOINT_POLICY: CheckpointPolicy = { everyCommands: 20_000, intervalMs: 60_000 };

/** A consistent capture of the domain, taken between two commits. */
export interface Capture {
  readonly state: EngineCapture;
  /** Redis stream id of the log entry at `state.position` ('' when the log holds none). */
  readonly logId: string;
  /** Every applied record after `state.position` lands on ROUTING at a higher sequence. */
  readonly routingTailAfterSeq: number;
  /** Resolves true once everything committed up to the capture is on ROUTING. */
  readonly relayed: Promise<boolean>;
}

/** One checkpoint's figures, for metrics and the soak benchmark. */
export interface CheckpointStats {
  readonly position: number;
  readonly bytes: number;
  /** Synchronous capture of the engine (routing waits for it). */
  readonly captureMs: number;
  /** Encoding, start to end (in slices: routing goes on between them). */
  readonly encodeMs: number;
  /** The longest slice of the encoding: the event loop's longest wait for it. */
  readonly encodeSliceMaxMs: number;
  /** Capture until durable in Redis and JetStream (routing goes on meanwhile). */
  readonly durableMs: number;
  readonly compactedEntries: number;
}

export interface CheckpointerDeps {
  readonly domain: string;
  readonly store: DomainStore;
  readonly archive: CheckpointArchive;
  readonly lease: Lease;
  readonly logger: Logger;
  readonly clock: () => number;
  readonly policy: CheckpointPolicy;
  /** Told of each checkpoint made durable; must not throw. */
  readonly written?: (stats: CheckpointStats) => void;
  /** The lease is gone: stop the worker. */
  readonly fenced: (reason: string) => void;
}

/**
 * Writes the domain's checkpoints: captured synchronously between two commits (the one pause
 * routing sees: ~70 ms at 100,000 live contacts here), encoded from the next turn of the event
 * loop in slices that let routing go on between them, stored in Redis (for a takeover), then — once everything up to it
 * is on ROUTING — in the JetStream archive (for recovery after Redis lost everything), and only
 * then is the Redis log trimmed, up to the checkpoint before it (see `previous`). One write at a time; a failed write leaves the log
 * untrimmed and the next checkpoint tries again.
 */
export class Checkpointer {
  private writing: Promise<void> | undefined;
  private lastPosition: number;
  private lastAtMs: number;
  /** Newest checkpoint stored in both places. */
  private durable: { position: number; takenAtMs: number; routingTailAfterSeq: number } | undefined;
  /** Set when ROUTING dropped records after the durable checkpoint: write one now. */
  private forced = false;
  /**
   * The checkpoint before the newest one this owner wrote: the log is trimmed up to it, not up
   * to the newest, so a standby following the log a tick behind (see DomainFollower) reads on
   * instead of finding it trimmed past it and loading the checkpoint again. The log then holds
   * one checkpoint interval at most.
   */
  private previous: { readonly position: number; readonly logId: string } | undefined;
  private trimmed = 0;
  /** Set when the worker stopped: a write in flight stores and trims nothing more. */
  private stopped = false;

  /**
   * `position`: the log position the domain was opened at; `durable`: the newest checkpoint the
   * rebuild found in both places; `force`: checkpoint at the first chance (after a rebuild from
   * JetStream, so the new epoch has a checkpoint of its own).
   */
  constructor(private readonly deps: CheckpointerDeps, position: number,
    durable?: { position: number; takenAtMs: number; routingTailAfterSeq: number }, force = false) {
    this.lastPosition = durable?.position ?? 0;
    this.lastAtMs = deps.clock();
    this.durable = durable;
    // A domain opened with a long uncovered log gets its first checkpoint at once.
    this.forced = force || position - this.lastPosition >= deps.policy.everyCommands;
  }

  /** The log position the Redis log was last trimmed through (0 before any trim). */
  get trimmedThrough(): number {
    return this.trimmed;
  }

  /** Position and time of the newest checkpoint stored in Redis and JetStream. */
  get newestDurable(): { readonly position: number; readonly takenAtMs: number; readonly routingTailAfterSeq: number } | undefined {
    return this.durable;
  }

  /** Whether a checkpoint should be captured now, at `position`. */
  due(position: number): boolean {
    if (this.writing !== undefined || position <= this.lastPosition) return false;
    return this.forced || position - this.lastPosition >= this.deps.policy.everyCommands
      || this.deps.clock() - this.lastAtMs >= this.deps.policy.intervalMs;
  }

  /** ROUTING no longer holds every record after the durable checkpoint (its first sequence passed the tail's start). */
  routingFirstSeq(firstSeq: number): void {
    if (this.durable !== undefined && firstSeq > this.durable.routingTailAfterSeq + 1 && !this.forced) {
      this.deps.logger.warn({ domain: this.deps.domain, firstSeq, tailAfter: this.durable.routingTailAfterSeq },
        'ROUTING dropped records after the newest checkpoint; writing one now');
      this.forced = true;
    }
  }

  /** Captures now (the caller guarantees no commit is in flight) and writes in the background. */
  start(capture: () => Capture): void {
    const started = performance.now();
    const taken = capture();
    const captureMs = performance.now() - started;
    this.lastPosition = taken.state.position;
    this.lastAtMs = this.deps.clock();
    this.forced = false;
    this.writing = this.write(taken, captureMs, started)
      .catch((error: unknown) => this.deps.logger.warn({ err: error, domain: this.deps.domain }, 'checkpoint not written; the log stays untrimmed'))
      .finally(() => { this.writing = undefined; });
  }

  /**
   * The worker stopped (fenced, handing over, shutting down): a write in flight goes no further
   * than the step it is in, so a former owner never puts a checkpoint in the archive or trims the
   * log after the next owner may have rebuilt from them.
   */
  stop(): void {
    this.stopped = true;
  }

  /** Resolves when no write is running. */
  async idle(): Promise<void> {
    await this.writing;
  }

  private async write(taken: Capture, captureMs: number, started: number): Promise<void> {
    await nextTurn();
    const takenAtMs = this.deps.clock();
    const encodeStart = performance.now();
    let sliceStart = encodeStart;
    let encodeSliceMaxMs = 0;
    const pause = async () => {
      encodeSliceMaxMs = Math.max(encodeSliceMaxMs, performance.now() - sliceStart);
      await nextTurn();
      sliceStart = performance.now();
    };
    const state = checkpointOf(taken.state);
    await pause();
    const data = await encodeCheckpointInSlices({ ...state, domain: this.deps.domain, takenAtMs, routingTailAfterSeq: taken.routingTailAfterSeq }, pause);
    encodeSliceMaxMs = Math.max(encodeSliceMaxMs, performance.now() - sliceStart);
    const encodeMs = performance.now() - encodeStart;
    const { position, epoch } = taken.state;
    const stored = { data: Buffer.from(data.buffer, data.byteOffset, data.byteLength), position, logId: taken.logId, epoch, takenAtMs };
    if (!(await this.deps.store.saveCheckpoint(this.deps.lease, stored))) return this.deps.fenced('lease lost while saving a checkpoint');
    // The archive copy must not cover records whose events are not yet on ROUTING: a rebuild
    // from it would never publish them (their inputs are acked and their commands applied).
    if (!(await taken.relayed)) throw new Error('outbox not relayed yet');
    if (this.stopped) return;
    await this.deps.archive.put({ domain: this.deps.domain, epoch, position, takenAtMs, format: CHECKPOINT_FORMAT, routingTailAfterSeq: taken.routingTailAfterSeq }, data);
    this.durable = { position, takenAtMs, routingTailAfterSeq: taken.routingTailAfterSeq };
    const upTo = this.previous;
    if (this.stopped) return;
    const compacted = await this.deps.store.compact(this.deps.lease, position, undefined, upTo?.logId ?? '');
    if (compacted === undefined) return this.deps.fenced('lease lost while compacting the log');
    if (upTo !== undefined && upTo.logId !== '') this.trimmed = upTo.position;
    this.previous = { position, logId: taken.logId };
    const stats = { position, bytes: data.byteLength, captureMs, encodeMs, encodeSliceMaxMs, durableMs: performance.now() - started, compactedEntries: compacted };
    this.deps.logger.info({ domain: this.deps.domain, ...stats }, 'checkpoint written');
    this.deps.written?.(stats);
  }
}
