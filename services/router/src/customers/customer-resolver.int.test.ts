import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import pino from 'pino';
import { Channel, Contact } from '@switchboard/contracts';
import type { RoutingEvent } from '@switchboard/routing-core';
import { CustomerStore, IDENTIFIER_KINDS } from '@switchboard/state';
import { connectTestRedis, createTestScope, type TestRedis } from '@switchboard/testkit';
import { CustomerResolver } from './customer-resolver.js';

const phoneContact = (id: string, phone: string) => Contact.fromPartial({
  id, channel: Channel.CHANNEL_PHONE, customer: { phoneNumber: phone }, receivedAt: new Date(1_000),
});
const base = (contactId: string, atMs: number) => ({ id: `d:${atMs}`, seq: atMs, atMs, ruleVersion: 't', contactId, queueId: 'care', channel: 'phone' as const, arrivedAtMs: 1_000, enqueuedAtMs: 1_000 });

describe('CustomerResolver on real Redis', () => {
  let redis: TestRedis;
  let store: CustomerStore;
  let resolver: CustomerResolver;
  beforeAll(async () => {
    const scope = createTestScope('resolver');
    redis = await connectTestRedis(scope);
    store = new CustomerStore(redis.redis, scope.domain, 'a-test-secret-of-32-characters!!', scope.redisPrefix);
    resolver = new CustomerResolver({ store, rules: new Set(IDENTIFIER_KINDS), clock: () => 10_000, logger: pino({ level: 'silent' }),
      liveCustomerOf: () => undefined, factFlushMs: 60_000 });
  });
  afterAll(async () => {
    resolver.stop();
    await redis.cleanup();
  });

  it('resolves a batch of arrivals delivered in one turn in one Redis round trip, facts riding along', async () => {
    const first = await resolver.resolve(phoneContact('k0', '+8613800000000'), 'care');
    resolver.observe([
      { ...base('k0', 2_000), type: 'CustomerIdentified', customerKey: first!.customerKey },
      { ...base('k0', 3_000), type: 'OfferAccepted', agentId: 'a1', offerToken: 1, waitMs: 0 },
    ] satisfies RoutingEvent[]);
    const evals = vi.spyOn(redis.redis, 'eval');
    const arrivals = Array.from({ length: 50 }, (_, i) => resolver.resolve(phoneContact(`k${i + 1}`, `+86138000000${String(i % 5).padStart(2, '0')}`), 'care'));
    const resolved = await Promise.all(arrivals);
    expect(evals).toHaveBeenCalledTimes(1);
    evals.mockRestore();
    // Ten arrivals per number: one customer each; k0's number is +8613800000000 (i % 5 = 0).
    expect(new Set(resolved.map((r) => r!.customerKey)).size).toBe(5);
    const k0sCustomer = resolved[0]!;
    expect(k0sCustomer.customerKey).toBe(first!.customerKey);
    expect(k0sCustomer.recent.find((r) => r.id === 'k0')).toMatchObject({ agentId: 'a1' });
  });

  it('resolves nothing (no round trip) for a contact without an identifier the rules link on', async () => {
    expect(await resolver.resolve(Contact.fromPartial({ id: 'anon', channel: Channel.CHANNEL_CHAT }), 'care')).toBeUndefined();
    const emailOnly = new CustomerResolver({ store, rules: new Set(['phone']), clock: () => 0, logger: pino({ level: 'silent' }), liveCustomerOf: () => undefined });
    expect(await emailOnly.resolve(Contact.fromPartial({ id: 'e1', channel: Channel.CHANNEL_EMAIL, customer: { emailAddress: 'ana@example.com' } }), 'care')).toBeUndefined();
    emailOnly.stop();
  });
});
