import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectTestRedis, createTestScope, type TestRedis } from '@switchboard/testkit';
import { AgentPerformanceStore, type AgentBucketCounters } from './index.js';

const DAY = 86_400_000;
const Q = 15 * 60_000;
/** Today 00:00 UTC: Redis expires buckets by the real clock, so the fixture lives today. */
const D0 = Math.floor(Date.now() / DAY) * DAY;

describe('AgentPerformanceStore on real Redis', () => {
  const scope = createTestScope('apstore');
  let redis: TestRedis;
  let store: AgentPerformanceStore;
  const prefix = `${scope.redisPrefix}ops:`;
  beforeAll(async () => {
    redis = await connectTestRedis(scope);
    store = new AgentPerformanceStore(redis.redis, { domain: scope.domain, keyPrefix: prefix });
  });
  afterAll(() => redis.cleanup());

  it('adds a batch once, into 15-minute and daily buckets, with the open state and position', async () => {
    const open = new Map([['a1', '{"presence":"AVAILABLE"}'], ['a2', undefined]]);
    const counters: AgentBucketCounters[] = [
      { agentId: 'a1', bucketStartMs: D0 + 36 * Q, tally: { offered: 2, busyMs: 600_000, idleMs: 0 } },
      { agentId: 'a1', bucketStartMs: D0 + 37 * Q, tally: { offered: 1, qaScoreSum: 87.5 } },
    ];
    expect(await store.apply(10, counters, open, D0 + DAY)).toBe(true);
    // The same position again (a redelivery, another replica): nothing added.
    expect(await store.apply(10, counters, open, D0 + DAY)).toBe(false);
    expect(await store.apply(9, counters, open, D0 + DAY)).toBe(false);
    expect(await store.checkpoint()).toEqual({ seq: 10, open: new Map([['a1', '{"presence":"AVAILABLE"}']]) });

    const { buckets: quarters, open: read } = await store.read(['a1', 'a9'], D0, D0 + DAY, 'quarter');
    expect(read).toEqual(new Map([['a1', '{"presence":"AVAILABLE"}']]));
    expect(quarters.sort((a, b) => a.bucketStartMs - b.bucketStartMs)).toEqual([
      { agentId: 'a1', bucketStartMs: D0 + 36 * Q, tally: { offered: 2, busyMs: 600_000 } },
      { agentId: 'a1', bucketStartMs: D0 + 37 * Q, tally: { offered: 1, qaScoreSum: 87.5 } },
    ]);
    expect((await store.read(['a1'], D0 + 37 * Q, D0 + DAY, 'quarter')).buckets).toHaveLength(1);
    expect((await store.read(['a1'], D0, D0 + DAY, 'day')).buckets).toEqual([{ agentId: 'a1', bucketStartMs: D0, tally: { offered: 3, busyMs: 600_000, qaScoreSum: 87.5 } }]);
    expect(await store.agents(D0)).toEqual(['a1']);
  });

  it('keeps 15-minute buckets 35 days and daily ones 400 days past their day, and lists agents by their last activity', async () => {
    expect(await store.apply(11, [{ agentId: 'a2', bucketStartMs: D0 + Q, tally: { handled: 1 } }], new Map(), D0 + DAY)).toBe(true);
    const quarterTtl = await redis.redis.pexpiretime(`${prefix}{d:${scope.domain}}:ap:q:${D0}:a2`);
    const dayTtl = await redis.redis.pexpiretime(`${prefix}{d:${scope.domain}}:ap:d:${D0}:a2`);
    expect(quarterTtl).toBe(D0 + DAY + 35 * DAY);
    expect(dayTtl).toBe(D0 + DAY + 400 * DAY);
    expect(await store.agents(D0)).toEqual(['a1', 'a2']);
    expect(await store.agents(D0 + 38 * Q)).toEqual([]);
    // A year and more later, a write trims the agents not seen for 400 days.
    expect(await store.apply(12, [{ agentId: 'a3', bucketStartMs: D0 + 401 * DAY, tally: { offered: 1 } }], new Map(), D0 + 401 * DAY)).toBe(true);
    expect(await store.agents(0)).toEqual(['a3']);
  });
});
