import { setImmediate as nextTurn } from 'node:timers/promises';
import { createHash } from 'node:crypto';
import { readSubject, streamSubjects } from '@switchboard/bus';
import type { DomainStore, Lease, Transition } from '@switchboard/state';
import type { RuleSet } from '../rules/classify.js';
import { timerEntry } from '../mapping/transition.mapper.js';
import { decodeApplied, encodeApplied, readRoutingBatch, ROUTING_BATCH, type AppliedRecord } from '@switchboard/router-api';
import { DomainEngine } from './domain-engine.js';
import { DomainWorker, type WorkerDeps, type WorkerStart } from './domain-worker.js';
import { decodeCheckpointInSlices, type CheckpointContent } from '../mapping/checkpoint.mapper.js';
import type { IdempotencyRetention } from './idempotency-window.js';
import { chooseRecords } from './record-log.js';

/** The engine a rebuild produced, and where the worker starts from. */
interface Rebuilt {
  readonly core: DomainEngine;
  readonly source: 'redis' | 'jetstream';
  readonly fromCheckpoint: number | undefined;
  readonly replayed: number;
  readonly lastLogId: string;
  readonly durable?: WorkerStart['durable'];
  /** How long each step of the rebuild took (ms), for the log line that explains a slow takeover. */
  readonly phases?: Record<string, number>;
  /** True when it went on from a standby's followed state (see DomainFollower) instead of loading the checkpoint. */
  readonly warm?: boolean;
}

/**
 * A domain's state as a standby replica kept it in step with the owner's Redis log (see
 * DomainFollower): an engine at some log position, and the log entry it has read up to.
 */
export interface WarmStart {
  readonly core: DomainEngine;
  readonly lastLogId: string;
  /** The checkpoint position the followed state was first loaded from. */
  readonly fromCheckpoint: number | undefined;
}

/** What {@link replayRedisTail} read. */
export interface TailReplay {
  readonly lastLogId: string;
  readonly replayed: number;
  /** The first record that did not follow the engine's position, when replay stopped there. */
  readonly gap?: { readonly expected: number; readonly found: number };
}

/** Times consecutive steps: `phase(name)` closes the step that ended now. */
function phases(clock: () => number): ((name: string) => void) & { done(): Record<string, number> } {
  const took: Record<string, number> = {};
  let last = clock();
  const phase = (name: string) => {
    const now = clock();
    took[name] = now - last;
    last = now;
  };
  return Object.assign(phase, { done: () => took });
}

/**
 * Takes over a domain: rebuilds its engine from the newest checkpoint plus the log after it —
 * from Redis when a replica took over, from the JetStream archive and the applied records on
 * ROUTING after it when Redis lost everything — so the time it takes follows the live state,
 * not the domain's age. Then relays what the outbox still holds and brings queue
 * configurations up to the rules file.
 */
export async function openDomain(domain: string, lease: Lease, rules: RuleSet, deps: WorkerDeps,
  options: { readonly retention?: IdempotencyRetention; readonly warm?: WarmStart } = {}): Promise<DomainWorker> {
  const started = deps.clock();
  // Before this owner publishes anything: every record it commits lands above this sequence.
  const routingSeq = (await deps.jsm.streams.info(deps.names.routingStream)).state.last_seq;
  const context = { domain, lease, rules, deps, ...(options.retention ? { retention: options.retention } : {}) };
  const rebuilt = lease.freshEpoch ? await rebuildFromJetStream(context) : await rebuildFromRedis(context, options.warm);
  const { core, source, replayed, fromCheckpoint } = rebuilt;
  deps.logger.info({
    domain, source, replayed, fromCheckpoint: fromCheckpoint ?? null, live: core.engine.snapshot().liveContacts, ms: deps.clock() - started,
    warm: rebuilt.warm === true, ...(rebuilt.phases ? { phases: rebuilt.phases } : {}),
  }, 'domain state rebuilt');
  // Connections restored from a checkpoint older than handle limits get their limit now.
  const limits = core.addMissingLimitTimers();
  if (limits.length > 0 && !(await deps.store.scheduleTimers(lease, limits.map(timerEntry)))) throw new Error('lease lost while scheduling handle limits');
  const worker = new DomainWorker(core, lease, deps, {
    lastLogId: rebuilt.lastLogId, routingSeq, ...(rebuilt.durable ? { durable: rebuilt.durable } : {}), checkpointNow: source === 'jetstream',
  });
  await worker.relay();
  await upsertQueues(worker, rules);
  return worker;
}

interface OpenContext {
  readonly domain: string;
  readonly lease: Lease;
  readonly rules: RuleSet;
  readonly deps: WorkerDeps;
  readonly retention?: IdempotencyRetention;
}

/**
 * Decodes a checkpoint a slice at a time, giving the event loop a turn between slices: decoding
 * 100,000 live contacts takes about a second here, longer than a short lease may go unrenewed.
 */
export function decodeInTurns(data: Uint8Array): Promise<CheckpointContent> {
  return decodeCheckpointInSlices(data, () => nextTurn());
}

function engineFrom(c: OpenContext, from?: CheckpointContent): DomainEngine {
  return restoreEngine(c.domain, c.rules, c.lease.epoch, from, c.retention);
}

/** A domain's engine in state epoch `epoch`: restored from a checkpoint's content, else empty. */
export function restoreEngine(domain: string, rules: RuleSet, epoch: string, from?: CheckpointContent,
  retention?: IdempotencyRetention): DomainEngine {
  return new DomainEngine(domain, rules.version, epoch, { ...(retention ? { retention } : {}), ...(from ? { from } : {}) });
}

/**
 * A replica took over with Redis' state intact: the Redis checkpoint and the log after it. A
 * checkpoint Redis holds but this router cannot read (a format from a newer router) stops the
 * takeover: going on without it would rest every later decision on a missing state. A standby
 * that followed the log (`warm`) replays only what it has not read yet; if the owner trimmed the
 * log past it before dying, it falls back to the checkpoint.
 */
async function rebuildFromRedis(c: OpenContext, warm?: WarmStart): Promise<Rebuilt> {
  const phase = phases(c.deps.clock);
  if (warm !== undefined && warm.core.epoch === c.lease.epoch) {
    const tail = await replayRedisTail(warm.core, c.deps.store, warm.lastLogId, { stopAtGap: true, covered: true });
    phase('tailMs');
    if (tail.gap === undefined) return { ...(await finishRedis(c, warm.core, tail, warm.fromCheckpoint, phase)), warm: true };
    c.deps.logger.warn({ domain: c.domain, ...tail.gap }, 'followed state is behind a trimmed log; loading the checkpoint');
  }
  const stored = await c.deps.store.loadCheckpoint();
  phase('loadMs');
  const content = stored === undefined ? undefined : await decodeInTurns(stored.data);
  phase('decodeMs');
  const core = engineFrom(c, content);
  phase('restoreMs');
  const tail = await replayRedisTail(core, c.deps.store, stored?.logId ?? '', {
    stopAtGap: false, covered: content !== undefined,
    // The Redis log is written atomically in order, so a hole here is a bug, not a fault to
    // survive: say so loudly, but replay it (it is the live state every later commit rests on).
    onGap: (gap) => c.deps.logger.error({ domain: c.domain, ...gap }, 'redis command log has a hole'),
  });
  phase('tailMs');
  return finishRedis(c, core, tail, content?.position, phase);
}

async function finishRedis(c: OpenContext, core: DomainEngine, tail: TailReplay, fromCheckpoint: number | undefined,
  phase: ReturnType<typeof phases>): Promise<Rebuilt> {
  const newest = (await c.deps.archive.list(c.domain))[0];
  phase('archiveMs');
  return {
    core, source: 'redis', fromCheckpoint, replayed: tail.replayed, lastLogId: tail.lastLogId, phases: phase.done(),
    ...(newest ? { durable: { position: newest.position, takenAtMs: newest.takenAtMs, routingTailAfterSeq: newest.routingTailAfterSeq } } : {}),
  };
}

/**
 * Replays the Redis log after `afterId` onto `core`. Entries at or below the core's position are
 * skipped when the core was loaded from a checkpoint (`covered`: the log before it is trimmed
 * lazily). A record that does not follow the core's position is a gap: with `stopAtGap` the
 * replay stops before it (the caller starts over from the checkpoint), else `onGap` hears of it
 * and the replay goes on.
 */
export async function replayRedisTail(core: DomainEngine, store: DomainStore, afterId: string,
  options: { readonly stopAtGap: boolean; readonly covered: boolean; readonly onGap?: (gap: { expected: number; found: number }) => void }): Promise<TailReplay> {
  let lastLogId = afterId;
  let replayed = 0;
  for await (const entry of store.readLog(2_000, afterId || undefined)) {
    const record = decodeApplied(entry.command);
    if (record.n <= core.logPosition && options.covered) {
      lastLogId = entry.id;
      continue;
    }
    if (record.n !== core.logPosition + 1) {
      const gap = { expected: core.logPosition + 1, found: record.n };
      if (options.stopAtGap) return { lastLogId, replayed, gap };
      options.onGap?.(gap);
    }
    core.replay(record);
    lastLogId = entry.id;
    replayed++;
  }
  return { lastLogId, replayed };
}

/**
 * Redis lost everything: the newest readable checkpoint in the archive (else the one before it,
 * else none: the whole ROUTING record, for domains that never had one) plus the applied records
 * on ROUTING after it, written back to Redis as checkpoint and log. Redis marks the epoch as
 * restoring until this finished: an owner that lost its lease (or died) halfway leaves a
 * checkpoint without its log, and the next owner, going on from that, would have forgotten the
 * contacts and agents of every record not yet written back. So the next owner restores again,
 * from nothing.
 */
async function rebuildFromJetStream(c: OpenContext): Promise<Rebuilt> {
  if (!(await c.deps.store.resetForRestore(c.lease))) throw new Error('lease lost before restoring from JetStream');
  const rebuilt = await restoreFromJetStream(c);
  if (!(await c.deps.store.finishRestore(c.lease))) throw new Error('lease lost while finishing the restore');
  return rebuilt;
}

async function restoreFromJetStream(c: OpenContext): Promise<Rebuilt> {
  for await (const archived of c.deps.archive.read(c.domain)) {
    let content: CheckpointContent;
    try {
      content = await decodeInTurns(archived.data);
    } catch (error) {
      c.deps.logger.error({ err: error, domain: c.domain, position: archived.meta.position }, 'archived checkpoint unreadable; trying an older one');
      continue;
    }
    const core = engineFrom(c, content);
    const replayed = await replayRouting(core, c, content.routingTailAfterSeq + 1);
    const stored = { data: Buffer.from(archived.data), position: content.position, logId: '', epoch: content.epoch, takenAtMs: content.takenAtMs };
    if (!(await c.deps.store.saveCheckpoint(c.lease, stored))) throw new Error('lease lost while restoring the checkpoint');
    const lastLogId = await restoreLog(core, c, replayed);
    return {
      core, source: 'jetstream', fromCheckpoint: content.position, replayed: replayed.length, lastLogId,
      durable: { position: content.position, takenAtMs: content.takenAtMs, routingTailAfterSeq: content.routingTailAfterSeq },
    };
  }
  const core = engineFrom(c);
  const replayed = await replayRouting(core, c, undefined);
  return { core, source: 'jetstream', fromCheckpoint: undefined, replayed: replayed.length, lastLogId: await restoreLog(core, c, replayed) };
}

/** Records replayed between turns of the event loop. */
const REPLAY_SLICE = 500;

/** The last subject token of one applied command's record on ROUTING before batches. */
const LEGACY_APPLIED = 'applied';

/**
 * Replays the applied records on ROUTING from `startSeq` (the whole stream when undefined) onto
 * `core`, by (epoch, n) after the core's position, up to the first hole. The relay publishes a
 * domain's batches one at a time in commit order, and each holds its commands' events, so
 * ROUTING has no event whose command the replay lacks; ordering and the hole check guard against
 * an owner that had lost the state publishing beside the new one.
 */
async function replayRouting(core: DomainEngine, c: OpenContext, startSeq: number | undefined): Promise<readonly AppliedRecord[]> {
  const { deps } = c;
  // The whole domain, not only `.batch`: records relayed before batches (one `.applied` message
  // per command, events on subjects of their own) stay on ROUTING until its retention drops them,
  // and a rebuild right after the upgrade needs them.
  const subject = streamSubjects.routing(deps.names).replace(/>$/, `${core.domain}.>`);
  const found: AppliedRecord[] = [];
  for await (const msg of readSubject(deps.js, deps.jsm, deps.names.routingStream, subject, startSeq === undefined ? {} : { startSeq })) {
    if (msg.subject.endsWith(`.${ROUTING_BATCH}`)) found.push(...readRoutingBatch(msg.data).records);
    else if (msg.subject.endsWith(`.${LEGACY_APPLIED}`)) found.push(decodeApplied(new TextDecoder().decode(msg.data)));
  }
  const chosen = chooseRecords(found, core.logPosition);
  if (chosen.superseded > 0) deps.logger.warn({ domain: core.domain, superseded: chosen.superseded }, 'ignored records of an owner that had lost the state');
  if (chosen.gap) {
    // Replaying across the hole would rest later decisions on a command that is not there, and
    // failing would only fail again on every takeover: the domain goes on from the last whole
    // prefix; the inputs of the dropped records that were never acknowledged come back from CONTACTS.
    deps.logger.error({ domain: core.domain, ...chosen.gap, kept: chosen.log.length }, 'record on ROUTING has a hole; rebuilt up to it');
  }
  // In slices, with a turn of the event loop between them: the lease renewals run meanwhile, and a
  // long record must not let the lease lapse halfway through the restore.
  for (let i = 0; i < chosen.log.length; i++) {
    core.replay(chosen.log[i]!);
    if (i % REPLAY_SLICE === REPLAY_SLICE - 1) await nextTurn();
  }
  return chosen.log;
}

/** Writes the replayed records back as the Redis log (after the restored checkpoint) and schedules the pending timers. */
async function restoreLog(core: DomainEngine, c: OpenContext, records: readonly AppliedRecord[]): Promise<string> {
  const log: Transition[] = records.map((record) => ({ commandId: record.cid, command: encodeApplied(record), timers: [] }));
  let lastLogId = '';
  for (let i = 0; i < log.length; i += 1_000) {
    const results = await c.deps.store.commitMany(c.lease, log.slice(i, i + 1_000));
    if (results.some((r) => r.kind === 'fenced')) throw new Error('lease lost while restoring the log');
    for (const r of results) if (r.kind !== 'fenced') lastLogId = r.logId;
  }
  // Timers that already fired may come back too; the engine recognises them as stale when they fire.
  await c.deps.store.scheduleTimers(c.lease, core.pendingTimers().map(timerEntry));
  return lastLogId;
}

async function upsertQueues(worker: DomainWorker, rules: RuleSet): Promise<void> {
  for (const queue of rules.queues) {
    const current = worker.live.queue(queue.id);
    if (current && JSON.stringify(current) === JSON.stringify(queue)) continue;
    const hash = createHash('sha256').update(JSON.stringify(queue)).digest('hex').slice(0, 16);
    await worker.submit(`queue:${rules.version}:${queue.id}:${hash}`, { type: 'UPSERT_QUEUE', queue });
  }
}
