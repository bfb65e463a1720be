import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { RoutingEvent as ProtoEvent } from '@switchboard/contracts';
import { CheckpointArchive, agentSubject, ensureStreams, publishDurable, readSubject, routingSubject, type BusNames } from '@switchboard/bus';
import { DomainStore, type Lease } from '@switchboard/state';
import { connectTestNats, connectTestRedis, createTestScope, type TestNats, type TestRedis, type TestScope } from '@switchboard/testkit';
import type { RoutingCommand } from '@switchboard/routing-core';
import { ruleSetFrom } from '../rules/classify.js';
import { testRules } from '../testing/router-harness.js';
import { decodeApplied, encodeApplied, type AppliedRecord } from '@switchboard/router-api';
import { DomainEngine } from './domain-engine.js';
import type { WorkerDeps } from './domain-worker.js';
import { openDomain } from './open-domain.js';
import { OutboxRelay, RELAY_WINDOW } from './outbox-relay.js';

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

  const onRouting = async (suffix = '>') => {
    const found: { subject: string; data: Uint8Array }[] = [];
    for await (const msg of readSubject(nats.js, nats.jsm, names.routingStream, `${names.subjectRoot}.routing.${scope.domain}.${suffix}`)) found.push({ subject: msg.subject, data: msg.data });
    return found;
  };
  const records = async () => (await onRouting('applied')).map((m) => decodeApplied(new TextDecoder().decode(m.data)));
  const lease = async (epoch = 'e1') => (await store.acquire('r1', 60_000, epoch))!;
  const steal = async () => { await redis.redis.del(store.keys.lease); return (await store.acquire('thief', 60_000, 'x'))!; };

  it('publishes nothing more once the lease is gone, and leaves the outbox to the next owner', async () => {
    const mine = await lease();
    const engine = new DomainEngine(scope.domain, 'v', names, mine.epoch);
    const prepared = engine.prepare('c1', signIn('a1'), now);
    const [committed] = await store.commitMany(mine, [prepared.transition!]);
    await steal();
    const fenced: string[] = [];
    const relay = new OutboxRelay({ js: nats.js, names, store, lease: mine, logger: deps.logger, domain: scope.domain, delivered: () => undefined, fenced: (r) => fenced.push(r) });
    const outboxIds = committed?.kind === 'ok' ? committed.outboxIds : [];
    expect(await relay.publish(prepared.transition!.outbox.map((e, i) => ({ ...e, streamId: outboxIds[i]! })))).toBe(false);
    expect(fenced).toHaveLength(1);
    expect(await onRouting()).toEqual([]);
    expect(await store.pendingOutbox()).toHaveLength(prepared.transition!.outbox.length);
    expect(await relay.drain()).toBe(false); // and it stays stopped
  });

  const offerEvent = (id: string) => Buffer.from(ProtoEvent.encode(ProtoEvent.fromPartial({ id, contactId: 'c', agentId: 'a1', offered: { reservationToken: 1 } })).finish());
  const relayOf = (delivered: string[], js = nats.js, lease: Lease) =>
    new OutboxRelay({ js, names, store, lease, logger: deps.logger, domain: scope.domain, delivered: (e) => delivered.push(e.id), fenced: () => undefined });
  const appliedEntry = (msgId: string, subject = routingSubject(names, scope.domain, 'applied')) =>
    ({ streamId: '', msgId, subject, payload: Buffer.from(encodeApplied({ n: 1, cid: msgId, at: now, cmd: signIn('a1') })) });
  const eventEntry = (id: string, subject = routingSubject(names, scope.domain, 'ContactOffered')) =>
    ({ streamId: '', msgId: `m-${id}`, subject, payload: offerEvent(id) });
  const routedEvents = async () => (await onRouting()).filter((m) => !m.subject.endsWith('.applied')).map((m) => ProtoEvent.decode(m.data).id);
  // No stream captures this subject: JetStream refuses it, as it would a full or unavailable stream.
  const nowhere = (suffix: string) => `${names.subjectRoot}.nowhere.${scope.domain}.${suffix}`;

  it('publishes no event of a window until every record of the window is on ROUTING, and tells desks nothing unrecorded', async () => {
    const delivered: string[] = [];
    const relay = relayOf(delivered, nats.js, await lease());
    const entries = [appliedEntry('r1'), eventEntry('d:1'), appliedEntry('r2', nowhere('applied')), eventEntry('d:2')];
    expect(await relay.publish(entries)).toBe(false);
    expect((await onRouting()).map((m) => m.subject.split('.').at(-1))).toEqual(['applied']); // r1 only
    expect(delivered).toEqual([]);
    expect(relay.behind).toBe(true);
  });

  it('tells desks of events in outbox order, only up to the first one JetStream did not take', async () => {
    const delivered: string[] = [];
    const relay = relayOf(delivered, nats.js, await lease());
    const entries = [appliedEntry('r1'), eventEntry('d:1'), eventEntry('d:2', nowhere('ContactOffered')), eventEntry('d:3')];
    expect(await relay.publish(entries)).toBe(false);
    // The window went out at once, so d:3 is recorded; the desk hears of it only after d:2.
    expect((await routedEvents()).sort()).toEqual(['d:1', 'd:3']);
    expect(delivered).toEqual(['d:1']);
    expect(relay.behind).toBe(true);
  });

  it('resends what JetStream did not acknowledge, under the same msg ids, and then tells desks in order', async () => {
    const delivered: string[] = [];
    const refusedOnce = new Set(['m-d:1', 'r2']);
    // A JetStream client that loses the first publish of some msg ids, as a dropped connection would.
    const js = new Proxy(nats.js, {
      get: (target, prop) => prop !== 'publish' ? Reflect.get(target, prop) as unknown
        : (subject: string, data: Uint8Array, opts: { msgID: string }) => refusedOnce.delete(opts.msgID)
          ? Promise.reject(new Error('lost')) : target.publish(subject, data, opts),
    });
    const relay = relayOf(delivered, js, await lease());
    const entries = [appliedEntry('r1'), eventEntry('d:1'), appliedEntry('r2'), eventEntry('d:2'), eventEntry('d:3')];
    expect(await relay.publish(entries)).toBe(true);
    expect(refusedOnce.size).toBe(0);
    expect(delivered).toEqual(['d:1', 'd:2', 'd:3']);
    const routed = await onRouting();
    expect(routed).toHaveLength(5);
    // Both records are on ROUTING before any event.
    expect(routed.slice(0, 2).every((m) => m.subject.endsWith('.applied'))).toBe(true);
    expect(relay.behind).toBe(false);
  });

  it('checks the lease before every window and publishes no window after losing it', async () => {
    const mine = await lease();
    let checks = 0;
    // The lease is stolen while the first window is on its way.
    const watched = new Proxy(store, {
      get: (target, prop) => {
        if (prop === 'holds') return async (l: Lease) => { if (++checks === 2) await steal(); return target.holds(l); };
        const value = Reflect.get(target, prop) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const delivered: string[] = [];
    const fenced: string[] = [];
    const relay = new OutboxRelay({ js: nats.js, names, store: watched, lease: mine, logger: deps.logger, domain: scope.domain, delivered: (e) => delivered.push(e.id), fenced: (r) => fenced.push(r) });
    const entries = Array.from({ length: RELAY_WINDOW + 10 }, (_, i) => eventEntry(`d:${i}`));
    expect(await relay.publish(entries)).toBe(false);
    expect(fenced).toHaveLength(1);
    expect(await routedEvents()).toHaveLength(RELAY_WINDOW);
    expect(delivered).toHaveLength(RELAY_WINDOW);
    expect(await relay.publish([eventEntry('late')])).toBe(false);
    expect(await routedEvents()).toHaveLength(RELAY_WINDOW);
  });

  it('forgets relayed entries whose removal from the outbox failed, instead of looping on them', async () => {
    const mine = await lease();
    const prepared = new DomainEngine(scope.domain, 'v', names, mine.epoch).prepare('c1', signIn('a1'), now);
    await store.commitMany(mine, [prepared.transition!]);
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
    expect(await store.pendingOutbox()).toHaveLength(prepared.transition!.outbox.length);
    const stuck = new Promise<'stuck'>((resolve) => { const t = setTimeout(() => resolve('stuck'), 10_000); t.unref(); });
    expect(await Promise.race([relay.drain(), stuck])).toBe(true);
    expect(await store.pendingOutbox()).toEqual([]);
    expect(await onRouting()).toHaveLength(prepared.transition!.outbox.length);
  });

  it('gives records of a new epoch new msg ids, so a Redis wipe cannot make ROUTING drop them as duplicates', async () => {
    const first = new DomainEngine(scope.domain, 'v', names, 'e1').prepare('c1', signIn('a1'), now).transition!;
    const resent = new DomainEngine(scope.domain, 'v', names, 'e1').prepare('c1', signIn('a1'), now).transition!;
    const later = new DomainEngine(scope.domain, 'v', names, 'e2').prepare('c1', signIn('a1'), now).transition!;
    expect(resent.outbox.map((e) => e.msgId)).toEqual(first.outbox.map((e) => e.msgId));
    for (const [i, entry] of later.outbox.entries()) expect(entry.msgId).not.toBe(first.outbox[i]!.msgId);
    expect(first.outbox[0]!.subject).toMatch(/\.applied$/); // the record goes before its events
  });

  it('rebuilds up to a hole in the record instead of failing on every takeover', async () => {
    const record = (n: number, cmd: RoutingCommand): AppliedRecord => ({ n, cid: `cmd-${n}`, e: 'e0', at: now + n, cmd });
    for (const r of [record(1, signIn('a1')), record(2, signIn('a2')), record(4, arrive('c1', now + 4))]) {
      await publishDurable(nats.js, routingSubject(names, scope.domain, 'applied'), new TextEncoder().encode(encodeApplied(r)), { msgId: `r${r.n}` });
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

  it('puts the events of the last records that ROUTING lacks back into the outbox on a rebuild, and relays them', async () => {
    const record = (n: number, cmd: RoutingCommand): AppliedRecord => ({ n, cid: `cmd-${n}`, e: 'e0', at: now + n, cmd });
    // The previous owner got its last records onto ROUTING, then lost Redis before their events.
    for (const r of [record(1, signIn('a1')), record(2, arrive('c1', now + 2))]) {
      await publishDurable(nats.js, routingSubject(names, scope.domain, 'applied'), new TextEncoder().encode(encodeApplied(r)), { msgId: `r${r.n}` });
    }
    expect(await routedEvents()).toEqual([]);
    const worker = await openDomain(scope.domain, await lease('e1'), ruleSetFrom(testRules()), deps);
    const events = (await onRouting()).filter((m) => !m.subject.endsWith('.applied')).map((m) => ProtoEvent.decode(m.data));
    expect(events.filter((e) => e.contactId === 'c1').length).toBeGreaterThan(0);
    expect(events.some((e) => e.agentId === 'a1' && e.presenceChanged !== undefined)).toBe(true);
    expect(await store.pendingOutbox()).toEqual([]);
    worker.stop('test over');
  });

  it('takes a duplicate reply for its own resent commit as success, and stops on a foreign one', async () => {
    const mine: Lease = await lease();
    const worker = await openDomain(scope.domain, mine, ruleSetFrom(testRules()), deps);
    const desk: ProtoEvent[] = [];
    const sub = nats.nc.subscribe(agentSubject(names, scope.domain, 'a1'), { callback: (_e, m) => desk.push(ProtoEvent.decode(m.data)) });
    // The first execution of a commit whose reply was lost: a twin engine makes the same transition.
    const twin = new DomainEngine(scope.domain, 'test-1', names, mine.epoch);
    for await (const entry of store.readLog()) twin.replay(decodeApplied(entry.command));
    await store.commit(mine, twin.prepare('in', signIn('a1'), now).transition!);
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
