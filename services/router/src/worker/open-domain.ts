import { createHash } from 'node:crypto';
import { RoutingEvent as ProtoEvent } from '@switchboard/contracts';
import { readSubject, routingSubject, streamSubjects } from '@switchboard/bus';
import type { Lease, TimerEntry, Transition } from '@switchboard/state';
import type { RoutingEvent } from '@switchboard/routing-core';
import type { RuleSet } from '../rules/classify.js';
import { eventToProto } from '../mapping/event.mapper.js';
import { APPLIED_EVENT, decodeApplied, encodeApplied, eventMsgId, type AppliedRecord } from './applied-record.js';
import { DomainEngine, timerEntry } from './domain-engine.js';
import { DomainWorker, type WorkerDeps } from './domain-worker.js';
import { RELAY_WINDOW, type RelayEntry } from './outbox-relay.js';
import { chooseRecords } from './record-log.js';

/**
 * Takes over a domain: rebuilds its engine from the Redis log (a replica took over) or, when
 * Redis lost everything, from the applied-command records on ROUTING; relays what the outbox
 * still holds; and brings queue configurations up to the rules file.
 */
export async function openDomain(domain: string, lease: Lease, rules: RuleSet, deps: WorkerDeps): Promise<DomainWorker> {
  const core = new DomainEngine(domain, rules.version, deps.names, lease.epoch);
  const started = deps.clock();
  let source = 'redis';
  let replayed = 0;
  for await (const entry of deps.store.readLog()) {
    const record = decodeApplied(entry.command);
    // The Redis log is written atomically in order, so a hole here is a bug, not a fault to
    // survive: say so loudly, but replay it (it is the live state every later commit rests on).
    if (record.n !== core.logPosition + 1) deps.logger.error({ domain, expected: core.logPosition + 1, found: record.n }, 'redis command log has a hole');
    core.replay(record);
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

/**
 * Rebuilds the engine from the applied records on ROUTING and writes them back as the Redis log.
 * Records are replayed by (epoch, n), whatever order the relay's concurrent windows left them in
 * on the stream, up to the first hole. The owner that lost Redis may have published the records
 * of its last relay window but not all of their events (a window's records go first): those
 * events go back into the outbox with the restored log, under their original msg ids, so the
 * relay publishes them like any other (ROUTING drops those it already holds) and a publish that
 * fails now is retried instead of lost with this takeover. Returns how many records were replayed.
 */
async function rebuildFromJetStream(core: DomainEngine, lease: Lease, deps: WorkerDeps): Promise<number> {
  const subject = routingSubject(deps.names, core.domain, APPLIED_EVENT);
  const records: AppliedRecord[] = [];
  const seqOf = new Map<AppliedRecord, number>();
  for await (const msg of readSubject(deps.js, deps.jsm, deps.names.routingStream, subject)) {
    const record = decodeApplied(new TextDecoder().decode(msg.data));
    records.push(record);
    seqOf.set(record, msg.seq);
  }
  const chosen = chooseRecords(records);
  if (chosen.superseded > 0) deps.logger.warn({ domain: core.domain, superseded: chosen.superseded }, 'ignored records of an owner that had lost the state');
  if (chosen.gap) {
    // Replaying across the hole would rest later decisions on a command that is not there, and
    // failing would only fail again on every takeover: the domain goes on from the last whole
    // prefix; the inputs of the dropped records that were never acknowledged come back from CONTACTS.
    deps.logger.error({ domain: core.domain, ...chosen.gap, kept: chosen.log.length }, 'record on ROUTING has a hole; rebuilt up to it');
  }
  const log: Transition[] = [];
  const timers = new Map<string, TimerEntry>();
  // The records of one relay window at most may lack events: keep the last window's worth.
  const last: { record: AppliedRecord; events: readonly RoutingEvent[] }[] = [];
  for (const record of chosen.log) {
    const result = core.replay(record);
    for (const t of result.timers) timers.set(t.id, timerEntry(t));
    log.push({ commandId: record.cid, command: encodeApplied(record), timers: [], outbox: [] });
    if (result.events.length > 0) last.push({ record, events: result.events });
    if (last.length > RELAY_WINDOW) last.shift();
  }
  const missing = await missingEvents(core, last, seqOf, deps);
  if (missing.length > 0) log[log.length - 1] = { ...log[log.length - 1]!, outbox: missing.map(({ msgId, subject, payload }) => ({ msgId, subject, payload })) };
  for (let i = 0; i < log.length; i += 1_000) {
    const results = await deps.store.commitMany(lease, log.slice(i, i + 1_000));
    if (results.some((r) => r.kind === 'fenced')) throw new Error('lease lost while restoring the log');
  }
  // Timers that already fired come back too; the engine recognises them as stale when they fire.
  await deps.store.scheduleTimers(lease, [...timers.values()]);
  return chosen.log.length;
}

/** The events of `last` that ROUTING lacks, in log order (an event is always published after its record). */
async function missingEvents(core: DomainEngine, last: readonly { record: AppliedRecord; events: readonly RoutingEvent[] }[],
  seqOf: ReadonlyMap<AppliedRecord, number>, deps: WorkerDeps): Promise<RelayEntry[]> {
  if (last.length === 0) return [];
  const afterSeq = Math.min(...last.map((l) => seqOf.get(l.record)!));
  const present = new Set<string>();
  const subjects = streamSubjects.routing(deps.names).replace(/>$/, `${core.domain}.>`);
  for await (const msg of readSubject(deps.js, deps.jsm, deps.names.routingStream, subjects, { startSeq: afterSeq + 1 })) {
    if (!msg.subject.endsWith(`.${APPLIED_EVENT}`)) present.add(ProtoEvent.decode(msg.data).id);
  }
  return last.flatMap(({ record, events }) => events.filter((e) => !present.has(e.id)).map((e) => {
    const event = eventToProto(core.domain, e);
    return { streamId: '', msgId: eventMsgId(e.id, record.e), subject: routingSubject(deps.names, core.domain, e.type), payload: Buffer.from(ProtoEvent.encode(event).finish()), event };
  }));
}

async function upsertQueues(worker: DomainWorker, rules: RuleSet): Promise<void> {
  for (const queue of rules.queues) {
    const current = worker.core.engine.queue(queue.id);
    if (current && JSON.stringify(current) === JSON.stringify(queue)) continue;
    const hash = createHash('sha256').update(JSON.stringify(queue)).digest('hex').slice(0, 16);
    await worker.submit(`queue:${rules.version}:${queue.id}:${hash}`, { type: 'UPSERT_QUEUE', queue });
  }
}
