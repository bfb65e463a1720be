import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestScope } from '@switchboard/testkit';
import { opsKeyPrefix, QUEUE_INTERVAL_RETENTION_DAYS, QueueIntervalStore } from './index.js';
import { startAclRedis, type AclRedis } from './testing/acl-redis.js';

const DAY = 86_400_000;
const I = 15 * 60_000;
// Real time: the day hashes expire at absolute times, so a fixed date would expire before the test reads it one day.
const TEN = Math.floor(Date.now() / I) * I;
const NOW = TEN + 5 * 60_000;

/** The store as ops runs it: through the `ops` ACL user, so a command the ACL lacks fails here. */
describe('QueueIntervalStore on Redis, as the ops ACL user', () => {
  const scope = createTestScope('qi');
  let acl: AclRedis;
  let store: QueueIntervalStore;
  const prefix = opsKeyPrefix(scope.redisPrefix);
  beforeAll(async () => {
    acl = await startAclRedis(scope.redisPrefix);
    store = new QueueIntervalStore(acl.client(acl.users.ops), { domain: scope.domain, keyPrefix: prefix, clock: () => NOW });
  });
  afterAll(() => acl.stop());

  it('adds a batch once, per queue, channel and interval, and reads it back', async () => {
    expect(await store.since()).toBeUndefined();
    const batch = [
      { queueId: 'q1', channel: 'phone', intervalStartMs: TEN, add: { arrivals: 1 } },
      { queueId: 'q1', channel: 'phone', intervalStartMs: TEN, add: { handled: 1, handleSeconds: 90.5 } },
      { queueId: 'q1', channel: 'chat', intervalStartMs: TEN, add: { arrivals: 1 } },
      { queueId: 'q1', channel: 'phone', intervalStartMs: TEN - I, add: { abandoned: 1, waitSeconds: 40 } },
      { queueId: 'q2', channel: 'phone', intervalStartMs: TEN, add: { arrivals: 1 } },
    ];
    expect(await store.add(7, batch)).toBe(true);
    expect(await store.add(7, batch)).toBe(false); // redelivered: not counted twice
    expect(await store.add(8, [batch[0]!])).toBe(true);
    const read = await store.read('q1', [TEN, TEN - I, TEN + I]);
    expect(read.get(TEN)?.get('phone')).toEqual({ arrivals: 2, handled: 1, handleSeconds: 90.5 });
    expect(read.get(TEN)?.get('chat')).toEqual({ arrivals: 1 });
    expect(read.get(TEN - I)?.get('phone')).toEqual({ abandoned: 1, waitSeconds: 40 });
    expect(read.has(TEN + I)).toBe(false);
    expect(await store.since()).toBe(TEN - I);
  });

  it('reads intervals across days, and drops deltas already past retention', async () => {
    const lastWeek = TEN - 7 * DAY;
    const tooOld = TEN - (QUEUE_INTERVAL_RETENTION_DAYS + 1) * DAY;
    expect(await store.add(9, [{ queueId: 'q3', channel: 'email', intervalStartMs: lastWeek, add: { arrivals: 3 } },
      { queueId: 'q3', channel: 'email', intervalStartMs: tooOld, add: { arrivals: 5 } }])).toBe(true);
    const read = await store.read('q3', [lastWeek, TEN, tooOld]);
    expect(read.get(lastWeek)?.get('email')).toEqual({ arrivals: 3 });
    expect(read.has(tooOld)).toBe(false);
    expect(await store.add(10, [{ queueId: 'q3', channel: 'email', intervalStartMs: tooOld, add: { arrivals: 5 } }])).toBe(false);
  });

  it('bounds every key: day hashes expire 35 days after their day, the counted marks within an hour', async () => {
    const dayKey = `${prefix}{d:${scope.domain}}:qi:q1:${Math.floor(TEN / DAY)}`;
    // TTL is not in the ops ACL (ops never needs it); read it as the test's admin.
    const admin = acl.client(acl.admin);
    const ttl = await admin.ttl(dayKey);
    const dayEnd = (Math.floor(TEN / DAY) + 1) * DAY;
    const expected = (dayEnd + QUEUE_INTERVAL_RETENTION_DAYS * DAY - Date.now()) / 1000;
    expect(Math.abs(ttl - expected)).toBeLessThan(60);
    const counted = `${prefix}{d:${scope.domain}}:qi-counted:0`;
    const countedTtl = await admin.ttl(counted);
    expect(countedTtl).toBeGreaterThan(0);
    expect(countedTtl).toBeLessThanOrEqual(3_600);
  });
});
