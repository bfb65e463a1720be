import { createHash } from 'node:crypto';
import { readSubject, routingSubject } from '@switchboard/bus';
import type { Lease, TimerEntry, Transition } from '@switchboard/state';
import type { RuleSet } from '../rules/classify.js';
import { APPLIED_EVENT, decodeApplied, encodeApplied, type AppliedRecord } from './applied-record.js';
import { DomainEngine, timerEntry } from './domain-engine.js';
import { DomainWorker, type WorkerDeps } from './domain-worker.js';

/**
 * Takes over a domain: rebuilds its engine from the Redis log (a replica took over) or, when
 * Redis lost everything, from the applied-command records on ROUTING; relays what the outbox
 * still holds; and brings queue configurations up to the rules file.
 */
export async function openDomain(domain: string, lease: Lease, rules: RuleSet, deps: WorkerDeps): Promise<DomainWorker> {
  const core = new DomainEngine(domain, rules.version, deps.names);
  const started = deps.clock();
  let source = 'redis';
  let replayed = 0;
  for await (const entry of deps.store.readLog()) {
    core.replay(decodeApplied(entry.command));
    replayed++;
  }
  if (replayed === 0 && lease.freshEpoch) {
    source = 'jetstream';
    replayed = await rebuildFromJetStream(core, lease, deps);
  }
  deps.logger.info({ domain, source, replayed, ms: deps.clock() - started }, 'domain state rebuilt');
  const worker = new DomainWorker(core, lease, deps);
  await worker.relay();
  await upsertQueues(worker, rules);
  return worker;
}

async function rebuildFromJetStream(core: DomainEngine, lease: Lease, deps: WorkerDeps): Promise<number> {
  const subject = routingSubject(deps.names, core.domain, APPLIED_EVENT);
  const records: AppliedRecord[] = [];
  for await (const msg of readSubject(deps.js, deps.jsm, deps.names.routingStream, subject)) {
    records.push(decodeApplied(new TextDecoder().decode(msg.data)));
  }
  records.sort((a, b) => a.n - b.n);
  const log: Transition[] = [];
  const timers = new Map<string, TimerEntry>();
  let last = 0;
  for (const record of records) {
    if (record.n === last) continue; // a relay retry outside the dedup window
    last = record.n;
    const result = core.replay(record);
    for (const t of result.timers) timers.set(t.id, timerEntry(t));
    log.push({ commandId: record.cid, command: encodeApplied(record), timers: [], outbox: [] });
  }
  for (let i = 0; i < log.length; i += 1_000) {
    const results = await deps.store.commitMany(lease, log.slice(i, i + 1_000));
    if (results.some((r) => r.kind === 'fenced')) throw new Error('lease lost while restoring the log');
  }
  // Timers that already fired come back too; the engine recognises them as stale when they fire.
  await deps.store.scheduleTimers(lease, [...timers.values()]);
  return records.length;
}

async function upsertQueues(worker: DomainWorker, rules: RuleSet): Promise<void> {
  for (const queue of rules.queues) {
    const current = worker.core.engine.queue(queue.id);
    if (current && JSON.stringify(current) === JSON.stringify(queue)) continue;
    const hash = createHash('sha256').update(JSON.stringify(queue)).digest('hex').slice(0, 16);
    await worker.submit(`queue:${rules.version}:${queue.id}:${hash}`, { type: 'UPSERT_QUEUE', queue });
  }
}
