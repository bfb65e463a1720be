import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { CheckpointArchive, ensureStreams, type BusNames } from '@switchboard/bus';
import { DomainStore, newEpochId } from '@switchboard/state';
import { connectTestNats, connectTestRedis, createTestScope, deleteKeysMatching, type TestNats, type TestRedis, type TestScope } from '@switchboard/testkit';
import type { RoutingCommand } from '@switchboard/routing-core';
import { ruleSetFrom } from '../rules/classify.js';
import { testRules } from '../testing/router-harness.js';
import type { DomainWorker, WorkerDeps } from './domain-worker.js';
import { openDomain } from './open-domain.js';
import { DomainFollower } from './domain-follower.js';
import type { DomainEngine } from './domain-engine.js';
import { decodeApplied } from '@switchboard/router-api';

const agent = (id: string): RoutingCommand => ({ type: 'SIGN_IN', agent: { id, skills: {}, languages: [], team: 't', capacity: { phone: 1 }, queues: [{ queueId: 'general', priority: 1 }] } });
const arrive = (id: string, at: number): RoutingCommand =>
  ({ type: 'ARRIVE', contact: { id, domain: 'd', channel: 'phone', queueId: 'general', basePriority: 0, tier: 'STANDARD', arrivedAtMs: at } });

describe('checkpoints on real NATS and Redis', () => {
  let scope: TestScope;
  let names: BusNames;
  let nats: TestNats;
  let redis: TestRedis;
  let deps: WorkerDeps;
  let now = 1_700_000_000_000;
  const open: DomainWorker[] = [];

  beforeEach(async () => {
    scope = createTestScope('ckpt');
    names = { contactsStream: scope.stream('CONTACTS'), routingStream: scope.stream('ROUTING'), deadLetterStream: scope.stream('DEADLETTER'), subjectRoot: `t${scope.id}` };
    nats = await connectTestNats(scope);
    redis = await connectTestRedis(scope);
    await ensureStreams(nats.jsm, names);
    deps = {
      nc: nats.nc, js: nats.js, jsm: nats.jsm, names, store: new DomainStore(redis.redis, scope.domain, scope.redisPrefix),
      logger: pino({ level: 'silent' }), clock: () => now, archive: await CheckpointArchive.open(nats.js, names),
      checkpointPolicy: { everyCommands: 40, intervalMs: 3_600_000 },
    };
  });
  afterEach(async () => {
    for (const worker of open.splice(0)) worker.stop('test over');
    await redis.cleanup();
    await nats.cleanup();
  });

  const take = async (replica: string) => {
    await redis.redis.del(deps.store.keys.lease);
    const lease = (await deps.store.acquire(replica, 60_000, newEpochId(now)))!;
    const worker = await openDomain(scope.domain, lease, ruleSetFrom(testRules()), deps);
    open.push(worker);
    return worker;
  };
  /** A live state: 3 agents busy with accepted calls, one open offer, 60 contacts waiting in order. */
  const load = async (worker: DomainWorker) => {
    for (const id of ['a1', 'a2', 'a3', 'a4']) await worker.submit(`in:${id}`, agent(id));
    for (let i = 0; i < 64; i++) {
      now += 10;
      await worker.submit(`arrive:c${i}`, arrive(`c${i}`, now));
    }
    for (const id of ['c0', 'c1', 'c2']) {
      const c = worker.core.engine.contact(id)!;
      await worker.submit(`req:acc-${id}`, { type: 'ACCEPT', contactId: id, agentId: c.agentId!, offerToken: c.offerToken! });
    }
  };
  const stateOf = ({ core }: { core: DomainEngine }) => ({
    waiting: core.engine.waitingContacts('general', 1_000).map((c) => c.id),
    agents: ['a1', 'a2', 'a3', 'a4'].map((id) => core.engine.agent(id)),
    offer: core.engine.contact('c3'),
    image: core.engine.capture(),
    timers: core.pendingTimers(),
    position: core.logPosition,
  });
  const follower = () => new DomainFollower(scope.domain, ruleSetFrom(testRules()), deps);
  /** The first log entry's record number: what compaction left. */
  const firstLogged = async () => {
    for await (const entry of deps.store.readLog(1)) return decodeApplied(entry.command).n;
    return undefined;
  };

  it('writes a checkpoint to Redis and the archive, trims the log to it, and a takeover replays only the tail', async () => {
    const first = await take('r1');
    await load(first);
    await first.checkpoints.idle();
    // Until a compaction trimmed something: it trims up to the checkpoint before the newest.
    for (let i = 64; i < 200 && first.checkpoints.trimmedThrough === 0; i++) {
      await first.submit(`arrive:c${i}`, arrive(`c${i}`, (now += 10)));
      await first.checkpoints.idle();
    }
    const durable = first.checkpoints.newestDurable!;
    expect(durable.position).toBeGreaterThanOrEqual(40);
    // Trimmed up to the checkpoint before the newest, so a standby a tick behind reads on.
    expect(first.checkpoints.trimmedThrough).toBeGreaterThan(0);
    expect(first.checkpoints.trimmedThrough).toBeLessThan(durable.position);
    expect(await deps.store.logLength()).toBe(first.core.logPosition - first.checkpoints.trimmedThrough);
    expect((await deps.archive.list(scope.domain))[0]).toMatchObject({ position: durable.position, domain: scope.domain });
    const before = stateOf(first);
    first.stop('handing over');
    const second = await take('r2');
    expect(stateOf(second)).toEqual(before);
    expect(second.core.logPosition).toBe(first.core.logPosition);
    // It goes on: the open offer is accepted with its token from before the takeover.
    const offer = before.offer!;
    expect(offer.state).toBe('OFFERED');
    await second.submit('req:acc-c3', { type: 'ACCEPT', contactId: 'c3', agentId: offer.agentId!, offerToken: offer.offerToken! });
    expect(second.core.engine.contact('c3')?.state).toBe('CONNECTED');
  });

  it('rebuilds after Redis lost everything from the archived checkpoint and the ROUTING records after it, in the same order', async () => {
    const first = await take('r1');
    await load(first);
    await first.checkpoints.idle();
    // More after the checkpoint: the tail on ROUTING.
    for (let i = 64; i < 70; i++) await first.submit(`arrive:c${i}`, arrive(`c${i}`, (now += 10)));
    // A checkpoint those arrivals started is finished before the owner stops (a write still in
    // flight then never reaches the archive, and the rebuild starts from the one before), and a
    // tail stays after it.
    await first.checkpoints.idle();
    for (let i = 70; first.core.logPosition === first.checkpoints.newestDurable!.position; i++) {
      await first.submit(`arrive:c${i}`, arrive(`c${i}`, (now += 10)));
      await first.checkpoints.idle();
    }
    expect(first.core.logPosition - first.checkpoints.newestDurable!.position).toBeGreaterThan(0);
    const before = stateOf(first);
    first.stop('redis lost');
    await deleteKeysMatching(redis.redis, `*${scope.id}*`);
    const rebuilt = await take('r2');
    expect(stateOf(rebuilt)).toEqual(before);
    // Redis holds the checkpoint again and only the tail as log; timers are scheduled again.
    expect((await deps.store.loadCheckpoint())?.position).toBe(first.checkpoints.newestDurable!.position);
    expect(await deps.store.logLength()).toBe(rebuilt.core.logPosition - first.checkpoints.newestDurable!.position);
    expect(await deps.store.nextTimerDueMs()).toBeDefined();
    // A redelivered arrival of a contact the checkpoint already holds is a duplicate, not a second contact.
    expect((await rebuilt.submit('arrive:c10', arrive('c10', now))).kind).toBe('duplicate');
  });

  it('restores again after an owner lost its lease halfway through a restore from JetStream, instead of going on from what it left', async () => {
    const first = await take('r1');
    await load(first);
    await first.checkpoints.idle();
    for (let i = 64; i < 70; i++) await first.submit(`arrive:c${i}`, arrive(`c${i}`, (now += 10)));
    await first.checkpoints.idle();
    for (let i = 70; first.core.logPosition === first.checkpoints.newestDurable!.position; i++) {
      await first.submit(`arrive:c${i}`, arrive(`c${i}`, (now += 10)));
      await first.checkpoints.idle();
    }
    const before = stateOf(first);
    const checkpoint = (await deps.store.loadCheckpoint())!;
    first.stop('redis lost');
    await deleteKeysMatching(redis.redis, `*${scope.id}*`);
    // The first owner after the wipe creates the epoch, writes the archived checkpoint back, and
    // loses its lease before the ROUTING tail after it is in the log (a long replay under load).
    const interrupted = (await deps.store.acquire('r2', 60_000, newEpochId(now)))!;
    expect(interrupted.freshEpoch).toBe(true);
    expect(await deps.store.saveCheckpoint(interrupted, { ...checkpoint, logId: '' })).toBe(true);
    // The next owner restores from JetStream again: the whole state, the tail included.
    const rebuilt = await take('r3');
    expect(stateOf(rebuilt)).toEqual(before);
    expect(await deps.store.logLength()).toBe(rebuilt.core.logPosition - checkpoint.position);
    // Once a restore finished, owners go on from Redis.
    const lease = (await (async () => { await redis.redis.del(deps.store.keys.lease); return deps.store.acquire('r4', 60_000, newEpochId(now)); })())!;
    expect(lease.freshEpoch).toBe(false);
  });

  it('a standby that followed the log takes over with the same state, replaying only what it had not read', async () => {
    const first = await take('r1');
    const standby = follower();
    await standby.catchUp(); // before any checkpoint: it follows the log from the start
    await load(first);
    await first.checkpoints.idle();
    await standby.catchUp();
    expect(standby.position).toBe(first.core.logPosition);
    // The last moments before the owner stops, not yet read by the standby.
    for (let i = 64; i < 68; i++) await first.submit(`arrive:c${i}`, arrive(`c${i}`, (now += 10)));
    const before = stateOf(first);
    first.stop('killed');
    await redis.redis.del(deps.store.keys.lease);
    const lease = (await deps.store.acquire('r2', 60_000, newEpochId(now)))!;
    const warm = (await standby.take(lease))!;
    expect(warm.core.logPosition).toBe(before.position - 4);
    const second = await openDomain(scope.domain, lease, ruleSetFrom(testRules()), deps, { warm });
    open.push(second);
    expect(second.core).toBe(warm.core); // no checkpoint loaded
    expect(stateOf(second)).toEqual(before);
    expect(await standby.take(lease)).toBeUndefined(); // given up once taken
  });

  it('a standby the owner trimmed the log past starts over from the newest checkpoint', async () => {
    const first = await take('r1');
    const standby = follower();
    for (const id of ['a1', 'a2']) await first.submit(`in:${id}`, agent(id));
    await standby.catchUp();
    const read = standby.position!;
    await load(first);
    await first.checkpoints.idle();
    // Two more checkpoints: the log is trimmed up to the one before the newest.
    for (let i = 64; i < 150; i++) {
      await first.submit(`arrive:c${i}`, arrive(`c${i}`, (now += 10)));
      await first.checkpoints.idle();
    }
    expect(await firstLogged()).toBeGreaterThan(read + 1); // what it had not read is gone from the log
    await standby.catchUp();
    expect(standby.position).toBe(first.core.logPosition);
    const lease = { ...(await deps.store.acquire('r1', 60_000, newEpochId(now)))! };
    expect(stateOf((await standby.take(lease))!)).toEqual(stateOf(first));
  });

  it('a standby follows the new state epoch after Redis lost everything, and refuses a lease of another epoch', async () => {
    const first = await take('r1');
    const standby = follower();
    await load(first);
    await first.checkpoints.idle();
    await standby.catchUp();
    const oldLease = (await deps.store.acquire('r1', 60_000, newEpochId(now)))!;
    first.stop('redis lost');
    await deleteKeysMatching(redis.redis, `*${scope.id}*`);
    await standby.catchUp(); // no state in Redis: nothing to follow
    expect(standby.position).toBeUndefined();
    const rebuilt = await take('r2');
    await rebuilt.submit('arrive:c70', arrive('c70', (now += 10)));
    await standby.catchUp();
    expect(standby.position).toBe(rebuilt.core.logPosition);
    expect(await standby.take(oldLease)).toBeUndefined();
    await standby.catchUp();
    const lease = (await deps.store.acquire('r2', 60_000, newEpochId(now)))!;
    expect(lease.epoch).not.toBe(oldLease.epoch);
    expect(stateOf((await standby.take(lease))!)).toEqual(stateOf(rebuilt));
  });
});
