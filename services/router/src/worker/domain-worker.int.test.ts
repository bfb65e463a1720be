import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { RoutingBatch, RoutingEvent as ProtoEvent } from '@switchboard/contracts';
import { CheckpointArchive, agentSubject, ensureStreams, publishDurable, readSubject, routingSubject, type BusNames } from '@switchboard/bus';
import { DomainStore, type Lease } from '@switchboard/state';
import { connectTestNats, connectTestRedis, createTestScope, type TestNats, type TestRedis, type TestScope } from '@switchboard/testkit';
import type { RoutingCommand } from '@switchboard/routing-core';
import { ruleSetFrom } from '../rules/classify.js';
import { testRules } from '../testing/router-harness.js';
import { agentEventsOf, batchMsgId, decodeApplied, encodeApplied, EVENT_TYPES_HEADER, readRoutingBatch, ROUTING_BATCH, type AppliedRecord } from '@switchboard/router-api';
import { DomainEngine, type Prepared } from './domain-engine.js';
import { batchOutbox } from '../mapping/transition.mapper.js';
import type { WorkerDeps } from './domain-worker.js';
import { openDomain } from './open-domain.js';
import { OutboxRelay } from './outbox-relay.js';

const signIn = (id: string): RoutingCommand => ({ type: 'SIGN_IN', agent: { id, skills: {}, languages: [], team: 't', capacity: { phone: 1 }, queues: [{ queueId: 'general', priority: 1 }] } });
const arrive = (id: string, at: number): RoutingCommand =>
  ({ type: 'ARRIVE', contact: { id, domain: 'd', channel: 'phone', queueId: 'general', basePriority: 0, tier: 'STANDARD', arrivedAtMs: at } });

describe('domain worker on real NATS and Redis', () => {
  let scope: TestScope;
  let names: BusNames;
  let nats: TestNats;
  let redis: TestRedis;
  let store: DomainStore;
  let deps: WorkerDeps;
  const now = 1_700_000_000_000;

  beforeEach(async () => {
    scope = createTestScope('worker');
    names = { contactsStream: scope.stream('CONTACTS'), routingStream: scope.stream('ROUTING'), deadLetterStream: scope.stream('DEADLETTER'), subjectRoot: `t${scope.id}` };
    nats = await connectTestNats(scope);
    redis = await connectTestRedis(scope);
    await ensureStreams(nats.jsm, names);
    store = new DomainStore(redis.redis, scope.domain, scope.redisPrefix);
    deps = { nc: nats.nc, js: nats.js, jsm: nats.jsm, names, store, logger: pino({ level: 'silent' }), clock: () => now, archive: await CheckpointArchive.open(nats.js, names) };
  });
  afterEach(async () => {
    await redis.cleanup();
    await nats.cleanup();
  });

  const onRouting = async () => {
    const found: { subject: string; seq: number; data: Uint8Array; types: string }[] = [];
    for await (const msg of readSubject(nats.js, nats.jsm, names.routingStream, `${names.subjectRoot}.routing.${scope.domain}.>`)) {
      found.push({ subject: msg.subject, seq: msg.seq, data: msg.data, types: msg.headers?.get(EVENT_TYPES_HEADER) ?? '' });
    }
    return found;
  };
  const records = async () => (await onRouting()).flatMap((m) => readRoutingBatch(m.data).records);
  const routedEvents = async () => (await onRouting()).flatMap((m) => readRoutingBatch(m.data).events.map((e) => e.id));
  const lease = async (epoch = 'e1') => (await store.acquire('r1', 60_000, epoch))!;
  const steal = async () => { await redis.redis.del(store.keys.lease); return (await store.acquire('thief', 60_000, 'x'))!; };
  /** The batch record of commands applied to `engine`, as the worker builds it. */
  const batchOf = (engine: DomainEngine, prepared: readonly Prepared[]) =>
    batchOutbox(names, scope.domain, engine.epoch, prepared[0]!.position!, prepared.map((p) => ({ transition: p.transition!, protoEvents: p.protoEvents })));

  it('publishes nothing more once the lease is gone, and leaves the outbox to the next owner', async () => {
    const mine = await lease();
    const engine = new DomainEngine(scope.domain, 'v', mine.epoch);
    const prepared = engine.prepare('c1', signIn('a1'), now);
    const { entry } = batchOf(engine, [prepared]);
    const committed = await store.commitBatch(mine, [prepared.transition!], [entry]);
    await steal();
    const fenced: string[] = [];
    const relay = new OutboxRelay({ js: nats.js, names, store, lease: mine, logger: deps.logger, domain: scope.domain, delivered: () => undefined, fenced: (r) => fenced.push(r) });
    const outboxIds = committed.kind === 'ok' ? committed.outboxIds : [];
    expect(await relay.publish([{ ...entry, streamId: outboxIds[0]! }])).toBe(false);
    expect(fenced).toHaveLength(1);
    expect(await onRouting()).toEqual([]);
    expect(await store.pendingOutbox()).toHaveLength(1);
    expect(await relay.drain()).toBe(false); // and it stays stopped
  });

  const offer = (id: string) => ProtoEvent.fromPartial({ id, contactId: 'c', agentId: 'a1', offered: { reservationToken: 1 } });
  const relayOf = (delivered: string[], js = nats.js, lease: Lease) =>
    new OutboxRelay({ js, names, store, lease, logger: deps.logger, domain: scope.domain, delivered: (events) => delivered.push(...events.map((e) => e.event.id)), fenced: () => undefined });
  /** A batch of one command (position `n`) with offers `eventIds`, on the domain's batch subject unless told otherwise. */
  const batchEntry = (n: number, eventIds: readonly string[], subject = routingSubject(names, scope.domain, ROUTING_BATCH)) => {
    const batch = RoutingBatch.fromPartial({ domain: scope.domain, epoch: 'e1', firstPosition: n,
      commands: [{ record: encodeApplied({ n, cid: `cmd-${n}`, e: 'e1', at: now, cmd: signIn(`a${n}`) }), events: eventIds.map(offer) }] });
    return { streamId: '', msgId: batchMsgId(scope.domain, 'e1', n), subject, payload: Buffer.from(RoutingBatch.encode(batch).finish()) };
  };

  it('publishes batches one at a time in commit order, and stops at the first JetStream refuses: no later batch, no unrecorded event told', async () => {
    const delivered: string[] = [];
    const relay = relayOf(delivered, nats.js, await lease());
    // No stream captures the second one's subject: JetStream refuses it, as it would a full or unavailable stream.
    const entries = [batchEntry(1, ['d:1']), batchEntry(2, ['d:2'], `${names.subjectRoot}.nowhere.${scope.domain}.batch`), batchEntry(3, ['d:3'])];
    expect(await relay.publish(entries)).toBe(false);
    expect(await routedEvents()).toEqual(['d:1']);
    expect(delivered).toEqual(['d:1']);
    expect(relay.behind).toBe(true);
  });

  it('labels each batch with the event types inside, for consumers of one kind', async () => {
    const relay = relayOf([], nats.js, await lease());
    const batch = RoutingBatch.decode(batchEntry(1, ['d:1']).payload);
    batch.commands[0]!.events.push(ProtoEvent.fromPartial({ id: 'd:2', contactId: 'c', agentId: 'a1', accepted: { reservationToken: 1 } }));
    const payload = Buffer.from(RoutingBatch.encode(batch).finish());
    expect(await relay.publish([{ ...batchEntry(1, []), payload }, batchEntry(2, [])])).toBe(true);
    expect((await onRouting()).map((m) => m.types)).toEqual(['ContactOffered OfferAccepted', '']);
  });

  it('resends what JetStream did not acknowledge, under the same msg ids, and then tells desks in order', async () => {
    const delivered: string[] = [];
    const refusedOnce = new Set([batchMsgId(scope.domain, 'e1', 1), batchMsgId(scope.domain, 'e1', 3)]);
    // A JetStream client that loses the first publish of some msg ids, as a dropped connection would.
    const js = new Proxy(nats.js, {
      get: (target, prop) => prop !== 'publish' ? Reflect.get(target, prop) as unknown
        : (subject: string, data: Uint8Array, opts: { msgID: string }) => refusedOnce.delete(opts.msgID)
          ? Promise.reject(new Error('lost')) : target.publish(subject, data, opts),
    });
    const relay = relayOf(delivered, js, await lease());
    expect(await relay.publish([batchEntry(1, ['d:1']), batchEntry(2, ['d:2', 'd:3']), batchEntry(3, ['d:4'])])).toBe(true);
    expect(refusedOnce.size).toBe(0);
    expect(delivered).toEqual(['d:1', 'd:2', 'd:3', 'd:4']);
    const routed = await onRouting();
    expect(routed.map((m) => readRoutingBatch(m.data).batch.firstPosition)).toEqual([1, 2, 3]);
    expect(relay.behind).toBe(false);
  });

  it('checks the lease before every relay and publishes nothing after losing it', async () => {
    const mine = await lease();
    const delivered: string[] = [];
    const fenced: string[] = [];
    const relay = new OutboxRelay({ js: nats.js, names, store, lease: mine, logger: deps.logger, domain: scope.domain,
      delivered: (events) => delivered.push(...events.map((e) => e.event.id)), fenced: (r) => fenced.push(r) });
    expect(await relay.publish([batchEntry(1, ['d:1'])])).toBe(true);
    await steal();
    expect(await relay.publish([batchEntry(2, ['d:2'])])).toBe(false);
    expect(fenced).toHaveLength(1);
    expect(await relay.publish([batchEntry(3, ['late'])])).toBe(false);
    expect(await routedEvents()).toEqual(['d:1']);
    expect(delivered).toEqual(['d:1']);
  });

  it('forgets relayed entries whose removal from the outbox failed, instead of looping on them', async () => {
    const mine = await lease();
    const engine = new DomainEngine(scope.domain, 'v', mine.epoch);
    const prepared = engine.prepare('c1', signIn('a1'), now);
    await store.commitBatch(mine, [prepared.transition!], [batchOf(engine, [prepared]).entry]);
    let failAck = true;
    // Redis goes away just as the relay forgets what JetStream took.
    const flaky = new Proxy(store, {
      get: (target, prop) => {
        if (prop === 'ackOutbox') return async (ids: readonly string[]) => { if (failAck) { failAck = false; throw new Error('redis away'); } return target.ackOutbox(ids); };
        const value = Reflect.get(target, prop) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const relay = new OutboxRelay({ js: nats.js, names, store: flaky, lease: mine, logger: deps.logger, domain: scope.domain, delivered: () => undefined, fenced: () => undefined });
    expect(await relay.drain()).toBe(false);
    expect(relay.behind).toBe(true);
    expect(await store.pendingOutbox()).toHaveLength(1);
    const stuck = new Promise<'stuck'>((resolve) => { const t = setTimeout(() => resolve('stuck'), 10_000); t.unref(); });
    expect(await Promise.race([relay.drain(), stuck])).toBe(true);
    expect(await store.pendingOutbox()).toEqual([]);
    expect(await onRouting()).toHaveLength(1);
  });

  it('gives batches of a new epoch new msg ids, so a Redis wipe cannot make ROUTING drop them as duplicates', async () => {
    const entryIn = (epoch: string) => {
      const engine = new DomainEngine(scope.domain, 'v', epoch);
      return batchOf(engine, [engine.prepare('c1', signIn('a1'), now)]).entry;
    };
    expect(entryIn('e1').msgId).toBe(entryIn('e1').msgId);
    expect(entryIn('e2').msgId).not.toBe(entryIn('e1').msgId);
    expect(entryIn('e1').subject).toBe(routingSubject(names, scope.domain, ROUTING_BATCH));
  });

  it('rebuilds up to a hole in the record instead of failing on every takeover', async () => {
    const record = (n: number, cmd: RoutingCommand): AppliedRecord => ({ n, cid: `cmd-${n}`, e: 'e0', at: now + n, cmd });
    for (const r of [record(1, signIn('a1')), record(2, signIn('a2')), record(4, arrive('c1', now + 4))]) {
      const batch = RoutingBatch.fromPartial({ domain: scope.domain, epoch: 'e0', firstPosition: r.n, commands: [{ record: encodeApplied(r) }] });
      await publishDurable(nats.js, routingSubject(names, scope.domain, ROUTING_BATCH), RoutingBatch.encode(batch).finish(), { msgId: `r${r.n}` });
    }
    const worker = await openDomain(scope.domain, await lease('e1'), ruleSetFrom(testRules()), deps);
    expect(worker.core.logPosition).toBeGreaterThanOrEqual(2);
    expect(worker.core.engine.agent('a2')).toBeDefined();
    expect(worker.core.engine.contact('c1')).toBeUndefined();
    // It goes on after the kept prefix, in its own epoch.
    const after = await records();
    expect(after.filter((r) => r.e === 'e1').map((r) => r.n)[0]).toBe(3);
    worker.stop('test over');
  });

  it('rebuilds from the `.applied` records relayed before batches, followed by batches, after Redis lost everything', async () => {
    const record = (n: number, cmd: RoutingCommand): AppliedRecord => ({ n, cid: `cmd-${n}`, e: 'e0', at: now + n, cmd });
    const legacy = routingSubject(names, scope.domain, 'applied');
    await publishDurable(nats.js, legacy, new TextEncoder().encode(encodeApplied(record(1, signIn('a1')))), { msgId: 'old1' });
    await publishDurable(nats.js, routingSubject(names, scope.domain, 'AgentSignedIn'), new Uint8Array([1, 2, 3]), { msgId: 'old-event' }); // skipped
    await publishDurable(nats.js, legacy, new TextEncoder().encode(encodeApplied(record(2, signIn('a2')))), { msgId: 'old2' });
    const batch = RoutingBatch.fromPartial({ domain: scope.domain, epoch: 'e0', firstPosition: 3, commands: [{ record: encodeApplied(record(3, signIn('a3'))) }] });
    await publishDurable(nats.js, routingSubject(names, scope.domain, ROUTING_BATCH), RoutingBatch.encode(batch).finish(), { msgId: 'new3' });
    const worker = await openDomain(scope.domain, await lease('e1'), ruleSetFrom(testRules()), deps);
    expect(['a1', 'a2', 'a3'].map((id) => worker.core.engine.agent(id)?.id)).toEqual(['a1', 'a2', 'a3']);
    expect(worker.core.logPosition).toBeGreaterThanOrEqual(3);
    worker.stop('test over');
  });

  it('rebuilds from the batches alone after Redis lost everything, and publishes none of their events again', async () => {
    const first = await openDomain(scope.domain, await lease('e0'), ruleSetFrom(testRules()), deps);
    await first.submit('s1', signIn('a1'));
    await first.submit('c1', arrive('c1', now));
    first.stop('redis lost');
    const before = await routedEvents();
    expect(before.length).toBeGreaterThan(0);
    await redis.redis.del(...Object.values(store.keys)); // Redis lost everything
    const worker = await openDomain(scope.domain, await lease('e1'), ruleSetFrom(testRules()), deps);
    expect(worker.core.engine.contact('c1')?.state).toBe('OFFERED');
    expect(await routedEvents()).toEqual(before);
    expect(await store.pendingOutbox()).toEqual([]);
    worker.stop('test over');
  });

  it('takes a duplicate reply for its own resent commit as success, and stops on a foreign one', async () => {
    const mine: Lease = await lease();
    const worker = await openDomain(scope.domain, mine, ruleSetFrom(testRules()), deps);
    const desk: ProtoEvent[] = [];
    const sub = nats.nc.subscribe(agentSubject(names, scope.domain, 'a1'), { callback: (_e, m) => desk.push(...agentEventsOf(m.data).map((e) => e.event)) });
    // The first execution of a commit whose reply was lost: a twin engine makes the same transition.
    const twin = new DomainEngine(scope.domain, 'test-1', mine.epoch);
    for await (const entry of store.readLog()) twin.replay(decodeApplied(entry.command));
    const resent = twin.prepare('in', signIn('a1'), now);
    await store.commitBatch(mine, [resent.transition!], [batchOf(twin, [resent]).entry]);
    const submitted = await worker.submit('in', signIn('a1'));
    expect(submitted).toMatchObject({ kind: 'applied', relayed: true });
    expect(worker.stopped).toBe(false);
    expect((await records()).filter((r) => r.cid === 'in')).toHaveLength(1);
    expect(await store.pendingOutbox()).toEqual([]);

    await store.commit(mine, twin.prepare('other', signIn('zz'), now).transition!); // not this worker's command
    await expect(worker.submit('other', signIn('a2'))).rejects.toThrow(/had not seen/);
    expect(worker.stopped).toBe(true);
    sub.unsubscribe();
  });
});
