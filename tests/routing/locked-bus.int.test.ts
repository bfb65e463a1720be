import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NatsConnection } from 'nats';
import { agentSubject, contactsSubject, ensureStreams, publishDurable } from '@switchboard/bus';
import { startLockedNats, type LockedNats } from '@switchboard/bus/testing';
import { Channel, Contact, ContactRecord, CustomerTier } from '@switchboard/contracts';
import { agentEventsOf, CommandSigner, RouterClient } from '@switchboard/router-api';
import { connectTestRedis, createTestScope, freePort, ServiceProcess, testCommandKeyEnv, type TestRedis } from '@switchboard/testkit';
import { loadRules } from '../support/load-rules.js';

/**
 * The deployment's NATS permissions are enough for the real work: a router process connected as
 * `router` on a locked server takes a contact an ingestion user published, and a command the
 * gateway's user sent (signed with the gateway's key), and offers the contact on the desk subject
 * the gateway's user listens to.
 */
describe('the router on a locked NATS, each party with its own user', () => {
  let nats: LockedNats;
  let redis: TestRedis;
  let router: ServiceProcess | undefined;
  const links: NatsConnection[] = [];
  const scope = createTestScope('locked');

  beforeAll(async () => {
    nats = await startLockedNats();
    redis = await connectTestRedis(scope);
    const rulesFile = join(mkdtempSync(join(tmpdir(), 'sb-locked-')), 'rules.json');
    writeFileSync(rulesFile, JSON.stringify(loadRules));
    const port = await freePort();
    router = await ServiceProcess.start({
      entry: 'services/router/src/main.ts',
      env: { ...nats.env('router'), REDIS_URL: redis.url, SB_REDIS_PREFIX: scope.redisPrefix, ROUTER_DOMAINS: scope.domain, ROUTER_RULES_FILE: rulesFile,
        ROUTER_HTTP_PORT: String(port), ROUTER_LEASE_TTL_MS: '1500', LOG_LEVEL: 'info' },
      ready: async () => ((await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as { domains: string[] }).domains.includes(scope.domain),
    });
  }, 60_000);
  afterAll(async () => {
    await router?.stop();
    for (const nc of links) await nc.close().catch(() => undefined);
    await redis?.cleanup();
    await nats?.stop();
  });

  it('a contact from ingestion and a sign-in from the gateway become an offer on the desk subject', async () => {
    const gateway = await nats.connect('agent-gateway');
    const ingest = await nats.connect('ingest-phone');
    links.push(gateway, ingest);
    const offers: string[] = [];
    gateway.subscribe(agentSubject(nats.names, scope.domain, 'a1'), {
      callback: (error, msg) => { if (!error) for (const { event } of agentEventsOf(msg.data)) if (event.offered) offers.push(event.contactId); },
    });
    await gateway.flush();
    const client = new RouterClient(gateway, scope.domain, 'sb', 5_000, CommandSigner.fromEnv('agent-gateway', testCommandKeyEnv()));
    const rules = loadRules;
    const signIn = await client.command({ type: 'SIGN_IN', agent: { id: 'a1', skills: {}, languages: [], team: 'general', capacity: { phone: 1 },
      queues: rules.queues.map((q) => ({ queueId: q.id, priority: 1 })) } });
    expect(signIn).toMatchObject({ ok: true });
    await ensureStreams(await ingest.jetstreamManager(), nats.names);
    const contact = Contact.fromPartial({ id: 'c1', channel: Channel.CHANNEL_PHONE, domain: scope.domain,
      customer: { id: 'cust-1', tier: CustomerTier.CUSTOMER_TIER_STANDARD, language: '' }, receivedAt: new Date() });
    await publishDurable(ingest.jetstream(), contactsSubject(nats.names, scope.domain, 'phone'), ContactRecord.encode({ arrived: contact }).finish(),
      { msgId: 'c1', expectStream: nats.names.contactsStream });
    await expect.poll(() => offers, { timeout: 15_000 }).toEqual(['c1']);
    expect(router!.logs).not.toMatch(/Permissions Violation/i);
  });
});
