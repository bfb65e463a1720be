import { afterEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { ensureStreams, type BusNames } from '@switchboard/bus';
import { CommandVerifier } from '@switchboard/router-api';
import { connectTestNats, connectTestRedis, createTestScope, testCommandKeyEnv, type TestNats, type TestRedis } from '@switchboard/testkit';
import { ruleSetFrom } from './rules/classify.js';
import { startRouter, type RunningRouter } from './start-router.js';
import { testRules } from './testing/router-harness.js';

describe('router replicas sharing domains', () => {
  let nats: TestNats | undefined;
  let redis: TestRedis | undefined;
  const routers: RunningRouter[] = [];
  afterEach(async () => {
    for (const r of routers.splice(0)) await r.stop().catch(() => undefined);
    await redis?.cleanup();
    await nats?.cleanup();
  });

  it('hands a domain to a replica that joins, and keeps the one it keeps without a gap', async () => {
    const scope = createTestScope('replicas');
    const names: BusNames = { contactsStream: scope.stream('CONTACTS'), routingStream: scope.stream('ROUTING'), deadLetterStream: scope.stream('DEADLETTER'), subjectRoot: `t${scope.id}` };
    nats = await connectTestNats(scope);
    redis = await connectTestRedis(scope);
    await ensureStreams(nats.jsm, names);
    const domains = [`${scope.domain}a`, `${scope.domain}b`];
    const start = (replicaId: string) => startRouter({
      natsUrl: nats!.url, redisUrl: redis!.url, domains, rules: ruleSetFrom(testRules()), logger: pino({ level: 'silent' }),
      names, keyPrefix: scope.redisPrefix, leaseTtlMs: 3_000, ackWaitMs: 2_000, replicaId, commandVerifier: CommandVerifier.fromEnv(testCommandKeyEnv()),
    });
    const first = await start('first');
    routers.push(first);
    await expect.poll(() => first.replica.ownedDomains().length, { timeout: 10_000 }).toBe(2);

    // Sample what `first` owns while the second replica joins: the domain it keeps must never lapse.
    const kept = new Set<string>(domains);
    const sampler = setInterval(() => { for (const d of domains) if (!first.replica.ownedDomains().includes(d)) kept.delete(d); }, 20);
    const second = await start('second');
    routers.push(second);
    await expect.poll(() => [first.replica.ownedDomains().length, second.replica.ownedDomains().length], { timeout: 15_000 }).toEqual([1, 1]);
    await new Promise((r) => setTimeout(r, 3_000)); // a lease period: nothing moves again
    clearInterval(sampler);
    expect([...first.replica.ownedDomains(), ...second.replica.ownedDomains()].sort()).toEqual([...domains].sort());
    expect(kept.size).toBe(1);
    expect(first.replica.ownedDomains()).toEqual([...kept]);

    // A replica that stops leaves the fair share at once: the other takes its domain back well
    // before the stopped one's heartbeat would have gone stale (3 lease periods, 9 s).
    await second.stop();
    routers.splice(routers.indexOf(second), 1);
    await expect.poll(() => first.replica.ownedDomains().length, { timeout: 6_000 }).toBe(2);
  });
});
