import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestScope, connectTestRedis, type TestRedis } from '@switchboard/testkit';
import { CustomerKeySecretError, CustomerStore, type CustomerArrival } from './index.js';

const SECRET = 'a-test-secret-of-32-characters!!';
const DAY = 86_400_000;
const arrival = (id: string, at: number, identifiers: CustomerArrival['identifiers'], channel = 'phone'): CustomerArrival =>
  ({ entry: { id, channel, queueId: 'care', at }, identifiers });

describe('CustomerStore on real Redis', () => {
  let redis: TestRedis;
  let store: CustomerStore;
  beforeAll(async () => {
    const scope = createTestScope('cust');
    redis = await connectTestRedis(scope);
    store = new CustomerStore(redis.redis, scope.domain, SECRET, scope.redisPrefix, { retentionDays: 90, maxRecent: 3 });
  });
  afterAll(() => redis.cleanup());

  it('resolves a batch in one script: same identifier, same customer; facts land on earlier contacts', async () => {
    const phone = { kind: 'phone', value: '+8613800138000' } as const;
    const [a, b, c] = await store.resolve([
      arrival('p1', 1_000, [phone]),
      arrival('w1', 2_000, [{ kind: 'wechat', value: 'o-openid-1' }], 'wechat'),
      arrival('p2', 3_000, [phone]),
    ], [], 3_000);
    expect(a!.customerKey).toBe(c!.customerKey);
    expect(b!.customerKey).not.toBe(a!.customerKey);
    expect(c!.recent.map((r) => r.id)).toEqual(['p1', 'p2']);
    const [d] = await store.resolve([arrival('p3', 5_000, [phone])],
      [{ customerKey: a!.customerKey, contactId: 'p1', set: { agentId: 'a1', outcome: 'resolved', resolved: true, completedAt: 4_000 } }], 5_000);
    expect(d!.recent).toEqual([
      { id: 'p1', channel: 'phone', queueId: 'care', at: 1_000, agentId: 'a1', outcome: 'resolved', resolved: true, completedAt: 4_000 },
      { id: 'p2', channel: 'phone', queueId: 'care', at: 3_000 },
      { id: 'p3', channel: 'phone', queueId: 'care', at: 5_000 },
    ]);
    // A redelivered arrival is not listed twice; the list keeps its newest 3.
    const [again] = await store.resolve([arrival('p3', 5_000, [phone]), arrival('p4', 6_000, [phone])], [], 6_000);
    expect(again!.recent.map((r) => r.id)).toEqual(['p1', 'p2', 'p3']);
    expect((await store.show(a!.customerKey))!.recent.map((r) => r.id)).toEqual(['p4', 'p3', 'p2']);
  });

  it('links identifiers a CRM names as one person, merging their histories, and unlinks one', async () => {
    const openid = { kind: 'wechat', value: 'o-openid-2' } as const;
    const phone = { kind: 'phone', value: '+8613900139000' } as const;
    const [w] = await store.resolve([arrival('w2', 10_000, [openid], 'wechat')], [], 10_000);
    const [p] = await store.resolve([arrival('p9', 11_000, [phone])], [], 11_000);
    expect(p!.customerKey).not.toBe(w!.customerKey);
    const key = await store.link([openid, phone], 12_000);
    expect(key).toBe(w!.customerKey);
    expect(await store.customerOf(phone)).toBe(key);
    expect(await store.show(key)).toEqual({ identifiers: { wechat: 1, phone: 1 }, recent: [
      expect.objectContaining({ id: 'p9' }), expect.objectContaining({ id: 'w2' }),
    ] });
    expect(await store.show(p!.customerKey)).toBeUndefined();
    const moved = await store.unlink(phone, 13_000);
    expect(moved?.from).toBe(key);
    expect(await store.customerOf(phone)).toBe(moved?.to);
    expect((await store.show(key))!.identifiers).toEqual({ wechat: 1 });
    expect(await store.unlink({ kind: 'email', value: 'nobody@example.com' }, 13_000)).toBeUndefined();
  });

  it('stores only keyed hashes, bounded by the retention', async () => {
    const phone = { kind: 'phone', value: '+8613700137000' } as const;
    await store.resolve([arrival('old', 0, [phone]), arrival('new', 100 * DAY, [phone])], [], 100 * DAY);
    const keys = await redis.redis.keys(`${store.prefix}*`);
    const values = await Promise.all(keys.map(async (k) => (await redis.redis.type(k)) === 'string' ? redis.redis.get(k) : (await redis.redis.smembers(k)).join(',')));
    for (const text of [...keys, ...values]) expect(text).not.toMatch(/8613700137000|o-openid|8613800138000/);
    // Every key but the domain's one counter expires within the retention.
    for (const k of keys.filter((key) => !key.endsWith(':seq'))) expect(await redis.redis.ttl(k)).toSatisfy((ttl: number) => ttl > 0 && ttl <= 90 * 86_400);
    const key = await store.customerOf(phone);
    // The arrival 100 days ago is past the 90-day retention: only the new one is listed.
    expect((await store.show(key!))!.recent.map((r) => r.id)).toEqual(['new']);
    expect(() => new CustomerStore(redis.redis, 'd', 'short')).toThrow(CustomerKeySecretError);
  });
});
