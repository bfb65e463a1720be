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

  it('every other service starts and gets ready under its own user, with no permission refused', async () => {
    const secret = (n: number) => 'x'.repeat(n);
    const common = { REDIS_URL: redis.url, SB_REDIS_PREFIX: scope.redisPrefix, SWITCHBOARD_DOMAIN: scope.domain, HOST: '127.0.0.1', LOG_LEVEL: 'info',
      SWITCHBOARD_JWT_SECRET: secret(48), PHONE_WEBHOOK_SECRET: secret(32), CHAT_SESSION_SECRET: secret(48), WECHAT_OA_TOKEN: secret(24), EMAIL_WEBHOOK_SIGNING_KEY: secret(32), INGEST_GRPC_TOKEN: secret(32),
      OTEL_TRACES_SAMPLER_ARG: '0' };
    const port = () => freePort().then(String);
    const ingestPorts = async () => ({ INGEST_PHONE_PORT: await port(), INGEST_EMAIL_PORT: await port(), INGEST_EMAIL_SMTP_PORT: await port(),
      INGEST_CHAT_PORT: await port(), INGEST_WECHAT_PORT: await port(), INGEST_GRPC_PORT: await port(), INGEST_GRPC_HTTP_PORT: await port() });
    const specs: [string, string, Record<string, string>, string][] = [];
    const add = async (user: string, entry: string, ports: Record<string, string>, readyPort: string) => { specs.push([user, entry, ports, readyPort]); };
    const p1 = await ingestPorts();
    await add('ingest-phone', 'services/ingest-phone/src/main.ts', { INGEST_PHONE_PORT: p1.INGEST_PHONE_PORT }, p1.INGEST_PHONE_PORT);
    await add('ingest-email', 'services/ingest-email/src/main.ts', { INGEST_EMAIL_PORT: p1.INGEST_EMAIL_PORT, INGEST_EMAIL_SMTP_PORT: p1.INGEST_EMAIL_SMTP_PORT }, p1.INGEST_EMAIL_PORT);
    await add('ingest-chat', 'services/ingest-chat/src/main.ts', { INGEST_CHAT_PORT: p1.INGEST_CHAT_PORT }, p1.INGEST_CHAT_PORT);
    await add('ingest-wechat', 'services/ingest-wechat/src/main.ts', { INGEST_WECHAT_PORT: p1.INGEST_WECHAT_PORT }, p1.INGEST_WECHAT_PORT);
    await add('ingest-grpc', 'services/ingest-grpc/src/main.ts', { INGEST_GRPC_PORT: p1.INGEST_GRPC_PORT, INGEST_GRPC_HTTP_PORT: p1.INGEST_GRPC_HTTP_PORT }, p1.INGEST_GRPC_HTTP_PORT);
    const p2 = await ingestPorts();
    await add('ingest-all', 'services/ingest-all/src/main.ts', p2, p2.INGEST_PHONE_PORT);
    const [ops, opsGrpc, qs, qsHttp, gw, gwHttp] = await Promise.all(Array.from({ length: 6 }, port)) as string[];
    await add('ops', 'services/ops/src/main.ts', { OPS_HTTP_PORT: ops!, OPS_GRPC_PORT: opsGrpc! }, ops!);
    await add('queue-service', 'services/queue-service/src/main.ts', { QUEUE_SERVICE_PORT: qs!, QUEUE_SERVICE_HTTP_PORT: qsHttp! }, qsHttp!);
    await add('agent-gateway', 'services/agent-gateway/src/main.ts', { AGENT_GATEWAY_PORT: gw!, AGENT_GATEWAY_HTTP_PORT: gwHttp! }, gwHttp!);
    const started: ServiceProcess[] = [];
    try {
      for (const [user, entry, ports, readyPort] of specs) {
        started.push(await ServiceProcess.start({
          entry, env: { ...common, ...nats.env(user as Parameters<LockedNats['env']>[0]), ...ports }, startTimeoutMs: 60_000,
          ready: async () => (await fetch(`http://127.0.0.1:${readyPort}/readyz`)).ok,
        }));
      }
      // Real work through two of them: a call into ingest-phone and into ingest-all's phone endpoint is published to CONTACTS.
      for (const phonePort of [p1.INGEST_PHONE_PORT, p2.INGEST_PHONE_PORT]) {
        const response = await fetch(`http://127.0.0.1:${phonePort}/v1/contacts`, {
          method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${common.PHONE_WEBHOOK_SECRET}` },
          body: JSON.stringify({ callId: `call-${phonePort}`, callerNumber: '+14155550100', dialledNumber: '4008001234' }),
        });
        expect(response.status, await response.text()).toBe(202);
      }
      await new Promise((r) => setTimeout(r, 1_000));
      for (const [i, service] of started.entries()) expect(service.logs, specs[i]![0]).not.toMatch(/Permissions Violation|PERMISSIONS_VIOLATION/i);
    } finally {
      await Promise.all(started.map((s) => s.stop()));
    }
  }, 240_000);
});
