import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestScope, connectTestRedis, type TestRedis, type TestScope } from '@switchboard/testkit';
import { DomainStore, newEpochId, type Transition } from './index.js';

const transition = (commandId: string, extra: Partial<Transition> = {}): Transition => ({
  commandId, command: JSON.stringify({ commandId }), timers: [], outbox: [], ...extra,
});

describe('DomainStore on real Redis', () => {
  let scope: TestScope;
  let redis: TestRedis;
  let store: DomainStore;
  beforeEach(async () => {
    scope = createTestScope('state');
    redis = await connectTestRedis(scope);
    store = new DomainStore(redis.redis, scope.domain, scope.redisPrefix);
  });
  afterEach(() => redis.cleanup());

  it('puts every key of a domain under one hash tag', () => {
    for (const key of Object.values(store.keys)) expect(key).toContain(`{d:${scope.domain}}`);
  });

  it('grants the lease to one replica at a time and fences the previous holder', async () => {
    const first = await store.acquire('r1', 5_000, 'e1');
    expect(first).toMatchObject({ token: 1, freshEpoch: true });
    expect(await store.acquire('r2', 5_000, 'e1')).toBeUndefined();
    expect(await store.finishRestore(first!)).toBe(true);

    await redis.redis.del(store.keys.lease); // r1's lease expires while it is paused
    const second = await store.acquire('r2', 5_000, 'e1');
    expect(second).toMatchObject({ token: 2, freshEpoch: false });

    expect(await store.commit(first!, transition('late'))).toEqual({ kind: 'fenced', holder: second!.value });
    expect(await store.renew(first!, 5_000)).toBe(false);
    expect((await store.commit(second!, transition('c1'))).kind).toBe('ok');
    expect(await store.logLength()).toBe(1);
  });

  it('fences a stale worker of the same replica after Redis lost everything (the token restarts, the epoch does not)', async () => {
    const stale = (await store.acquire('r1', 5_000, newEpochId(1_000)))!;
    for (const key of Object.values(store.keys)) if (typeof key === 'string') await redis.redis.del(key); // a restart without persistence
    const fresh = (await store.acquire('r1', 5_000, newEpochId(2_000)))!;
    expect(fresh.token).toBe(stale.token);
    expect(fresh.value).not.toBe(stale.value);
    expect(await store.commit(stale, transition('late'))).toEqual({ kind: 'fenced', holder: fresh.value });
    expect(await store.holds(stale)).toBe(false);
    expect((await store.commit(fresh, transition('c1'))).kind).toBe('ok');
  });

  it('refuses a replica id that would make the lease value ambiguous', async () => {
    await expect(store.acquire('r|1', 5_000, 'e')).rejects.toThrow(/replica id/);
  });

  it('commits a transition once: a redelivered command id is a duplicate', async () => {
    const lease = (await store.acquire('r1', 5_000, 'e'))!;
    const first = await store.commit(lease, transition('arrive:c1'));
    const again = await store.commit(lease, transition('arrive:c1'));
    expect(first).toMatchObject({ kind: 'ok', outboxIds: [] });
    expect(again).toEqual({ kind: 'duplicate', logId: (first as { logId: string }).logId });
    const log = [];
    for await (const entry of store.readLog()) log.push(entry);
    expect(log).toEqual([{ id: expect.any(String), commandId: 'arrive:c1', command: '{"commandId":"arrive:c1"}' }]);
  });

  it('schedules timers, removes the fired one in the same step, and keeps the outbox until relayed', async () => {
    const lease = (await store.acquire('r1', 5_000, 'e'))!;
    await store.commit(lease, transition('a', {
      timers: [{ dueAtMs: 2_000, member: 't2' }, { dueAtMs: 1_000, member: 't1' }],
      outbox: [{ msgId: 'd:1', subject: 'sb.routing.d.ContactQueued', payload: Buffer.from([0, 1, 2, 255]) }],
    }));
    expect(await store.dueTimers(1_500)).toEqual(['t1']);
    expect(await store.nextTimerDueMs()).toBe(1_000);
    await store.commit(lease, transition('timer:t1', { firedTimer: 't1' }));
    expect(await store.dueTimers(5_000)).toEqual(['t2']);

    const pending = await store.pendingOutbox();
    expect(pending).toHaveLength(1);
    expect(pending[0]).toMatchObject({ msgId: 'd:1', subject: 'sb.routing.d.ContactQueued' });
    expect([...pending[0]!.payload]).toEqual([0, 1, 2, 255]);
    await store.ackOutbox(pending.map((p) => p.streamId));
    expect(await store.pendingOutbox()).toEqual([]);
  });

  it('keeps the epoch across lease changes and starts a new one only after Redis lost the state', async () => {
    const first = (await store.acquire('r1', 5_000, 'e1'))!;
    expect(first).toMatchObject({ epoch: 'e1', freshEpoch: true });
    expect(await store.holds(first)).toBe(true);
    expect(await store.finishRestore(first)).toBe(true);
    await redis.redis.del(store.keys.lease);
    const second = (await store.acquire('r2', 5_000, 'e2'))!;
    expect(second).toMatchObject({ epoch: 'e1', freshEpoch: false });
    expect(await store.holds(first)).toBe(false);

    await redis.redis.del(...Object.values(store.keys)); // Redis lost everything
    const third = (await store.acquire('r2', 5_000, 'e3'))!;
    // The fencing token starts over (it cannot tell epochs apart); the epoch does.
    expect(third).toMatchObject({ token: 1, epoch: 'e3', freshEpoch: true });
    expect(await store.holds(second)).toBe(false);
  });

  it('keeps an epoch restoring until its restorer finishes: a later owner restores again, from nothing', async () => {
    const first = (await store.acquire('r1', 5_000, 'e1'))!;
    expect(first.freshEpoch).toBe(true);
    expect(await store.commit(first, transition('arrive:c1'))).toMatchObject({ kind: 'ok' });
    expect(await store.saveCheckpoint(first, { data: Buffer.from([1]), position: 1, logId: '', epoch: 'e1', takenAtMs: 1 })).toBe(true);
    await redis.redis.del(store.keys.lease); // the restorer lost its lease halfway
    const second = (await store.acquire('r2', 5_000, 'e2'))!;
    expect(second).toMatchObject({ epoch: 'e1', freshEpoch: true });
    expect(await store.resetForRestore(first)).toBe(false);
    expect(await store.finishRestore(first)).toBe(false);
    expect(await store.resetForRestore(second)).toBe(true);
    expect(await store.loadCheckpoint()).toBeUndefined();
    expect(await store.logLength()).toBe(0);
    // The command the interrupted restore wrote is not remembered as applied any more.
    expect(await store.commit(second, transition('arrive:c1'))).toMatchObject({ kind: 'ok' });
    expect(await store.finishRestore(second)).toBe(true);
    await redis.redis.del(store.keys.lease);
    expect(await store.acquire('r3', 5_000, 'e3')).toMatchObject({ epoch: 'e1', freshEpoch: false });
  });

  it('reads back the log entry a duplicate commit names', async () => {
    const lease = (await store.acquire('r1', 5_000, 'e'))!;
    const first = await store.commit(lease, transition('arrive:c1'));
    const again = await store.commit(lease, transition('arrive:c1'));
    expect(again.kind).toBe('duplicate');
    expect(await store.logEntry((again as { logId: string }).logId)).toEqual({ id: (first as { logId: string }).logId, commandId: 'arrive:c1', command: '{"commandId":"arrive:c1"}' });
  });

  it('makes epoch ids that never repeat and sort by time', () => {
    const ids = [newEpochId(1_000), newEpochId(1_000), newEpochId(2_000), newEpochId(1_700_000_000_000)];
    expect(new Set(ids).size).toBe(4);
    expect([...ids].sort().slice(2)).toEqual(ids.slice(2));
    expect(ids[1]! < ids[2]! && ids[0]! < ids[2]!).toBe(true);
  });

  it('trims the log up to a stored checkpoint only, and keeps a resent commit idempotent across one compaction', async () => {
    const lease = (await store.acquire('r1', 5_000, 'e1'))!;
    const results = await store.commitMany(lease, ['c1', 'c2', 'c3'].map((id) => transition(id)));
    const logIds = results.map((r) => (r.kind === 'ok' ? r.logId : ''));
    // No checkpoint stored at position 2 yet: nothing may be trimmed.
    expect(await store.compact(lease, 2)).toBeUndefined();
    const data = Buffer.from([0, 1, 2, 255]);
    expect(await store.saveCheckpoint(lease, { data, position: 2, logId: logIds[1]!, epoch: 'e1', takenAtMs: 5 })).toBe(true);
    expect(await store.loadCheckpoint()).toEqual({ data, position: 2, logId: logIds[1], epoch: 'e1', takenAtMs: 5 });
    expect(await store.compact(lease, 3)).toBeUndefined(); // another position than the stored one
    expect(await store.compact(lease, 2)).toBe(2);
    const left: string[] = [];
    for await (const entry of store.readLog()) left.push(entry.commandId);
    expect(left).toEqual(['c3']);
    const after: string[] = [];
    for await (const entry of store.readLog(2_000, logIds[1])) after.push(entry.commandId);
    expect(after).toEqual(['c3']);
    // A commit resent just before the compaction is still known for one generation, then forgotten.
    expect((await store.commit(lease, transition('c1'))).kind).toBe('duplicate');
    expect(await store.saveCheckpoint(lease, { data, position: 3, logId: logIds[2]!, epoch: 'e1', takenAtMs: 6 })).toBe(true);
    expect(await store.compact(lease, 3)).toBe(1);
    expect(await redis.redis.exists(store.keys.applied, store.keys.appliedPrevious)).toBe(0);
    // A stale owner can neither save nor compact.
    await redis.redis.del(store.keys.lease);
    const next = (await store.acquire('r2', 5_000, 'e1'))!;
    expect(next).toBeDefined();
    expect(await store.saveCheckpoint(lease, { data, position: 9, logId: '', epoch: 'e1', takenAtMs: 7 })).toBe(false);
    expect(await store.compact(lease, 3)).toBeUndefined();
  });

  it('trims less when told: up to an earlier entry, nothing for none, never past the checkpoint', async () => {
    const lease = (await store.acquire('r1', 5_000, 'e1'))!;
    const results = await store.commitMany(lease, ['c1', 'c2', 'c3', 'c4'].map((id) => transition(id)));
    const logIds = results.map((r) => (r.kind === 'ok' ? r.logId : ''));
    expect(await store.saveCheckpoint(lease, { data: Buffer.from([1]), position: 3, logId: logIds[2]!, epoch: 'e1', takenAtMs: 1 })).toBe(true);
    const left = async () => {
      const ids: string[] = [];
      for await (const entry of store.readLog()) ids.push(entry.commandId);
      return ids;
    };
    expect(await store.compact(lease, 3, 1_000, '')).toBe(0);
    expect(await left()).toEqual(['c1', 'c2', 'c3', 'c4']);
    expect(await store.compact(lease, 3, 1_000, logIds[0])).toBe(1);
    expect(await left()).toEqual(['c2', 'c3', 'c4']);
    expect(await store.compact(lease, 3, 1_000, logIds[3])).toBe(2); // c2, c3: capped at the checkpoint's entry
    expect(await left()).toEqual(['c4']);
  });

  it('trims a long log in bounded steps of whole stream nodes, exactly up to the checkpoint in the end', async () => {
    const lease = (await store.acquire('r1', 5_000, 'e1'))!;
    const ids = Array.from({ length: 12_000 }, (_, i) => `c${i}`);
    let logIds: string[] = [];
    for (let i = 0; i < ids.length; i += 2_000) {
      const results = await store.commitMany(lease, ids.slice(i, i + 2_000).map((id) => transition(id)));
      logIds = logIds.concat(results.map((r) => (r.kind === 'ok' ? r.logId : '')));
    }
    const covered = 10_500; // the checkpoint covers c0 … c10499
    expect(await store.saveCheckpoint(lease, { data: Buffer.from([1]), position: covered, logId: logIds[covered - 1]!, epoch: 'e1', takenAtMs: 1 })).toBe(true);
    const steps: number[] = [];
    const eval_ = redis.redis.eval.bind(redis.redis);
    redis.redis.eval = (async (...args: Parameters<typeof eval_>) => {
      const reply = await eval_(...args);
      if (Array.isArray(reply)) steps.push(Number(reply[0]));
      return reply;
    }) as typeof eval_;
    expect(await store.compact(lease, covered, 1_000)).toBe(covered);
    redis.redis.eval = eval_;
    expect(steps.length).toBeGreaterThan(5);
    expect(Math.max(...steps)).toBeLessThanOrEqual(1_000);
    const left: string[] = [];
    for await (const entry of store.readLog()) left.push(entry.commandId);
    expect(left).toEqual(ids.slice(covered));
  });
});
