import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credentials, Metadata, type ClientReadableStream } from '@grpc/grpc-js';
import { AgentServiceClient, type ConnectResponse } from '@switchboard/contracts';
import { signToken } from '@switchboard/grpc-edge';
import { freePort, ServiceProcess, startPrivateNats, startPrivateRedis, waitForPort, type PrivateServer } from '@switchboard/testkit';
import { OtlpReceiver } from './support/otlp-receiver.js';
import { postCall, startMesh, type Mesh } from './support/mesh.js';
import { call } from '../agents/support/mesh.js';

const SECRET = 'gateway-trace-test-secret-0123456789';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Issue 7, must-show 1 with the real agent side: a contact posted to ingest-phone is offered to a
 * desktop through the agent-gateway (its own process, gRPC stream), accepted and completed there;
 * ingest-phone, router and agent-gateway all export their spans to one OTLP receiver, and one
 * trace holds spans from all three.
 */
describe('one contact, one trace, through the agent gateway', () => {
  let nats: PrivateServer;
  let redis: PrivateServer;
  let otlp: OtlpReceiver;
  let mesh: Mesh;
  let gateway: ServiceProcess;
  let client: AgentServiceClient;
  let stream: ClientReadableStream<ConnectResponse> | undefined;
  const domain = 'gwtrace';

  beforeAll(async () => {
    [nats, redis, otlp] = await Promise.all([startPrivateNats(), startPrivateRedis(), OtlpReceiver.start()]);
    mesh = await startMesh({ natsUrl: nats.url, redisUrl: redis.url, domain, otlpUrl: otlp.url, agents: [] });
    const directory = join(mkdtempSync(join(tmpdir(), 'sb-gw-')), 'agents.json');
    writeFileSync(directory, JSON.stringify({ agents: [{ id: 'agent-g', displayName: 'Agent G', team: 'general', skills: {}, languages: ['en'],
      capacity: { phone: 1, chat: 2 }, queues: [{ queueId: 'general', priority: 1 }] }] }));
    const port = await freePort();
    gateway = await ServiceProcess.start({
      entry: 'services/agent-gateway/src/main.ts',
      env: { NATS_URL: nats.url, REDIS_URL: redis.url, SWITCHBOARD_DOMAIN: domain, SWITCHBOARD_JWT_SECRET: SECRET, AGENT_DIRECTORY_FILE: directory,
        AGENT_GATEWAY_PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url, OTEL_BSP_SCHEDULE_DELAY: '200' },
      ready: () => waitForPort(port, 200).then(() => true, () => false),
    });
    client = new AgentServiceClient(`127.0.0.1:${port}`, credentials.createInsecure());
  }, 120_000);
  afterAll(async () => {
    stream?.cancel();
    client?.close();
    await gateway?.stop();
    await mesh?.stop();
    await otlp?.close();
    await Promise.all([nats?.destroy(), redis?.destroy()]);
  });

  it('traces ingest → router → agent-gateway offer → accept → complete as one trace', async () => {
    const md = new Metadata();
    md.set('authorization', `Bearer ${await signToken(SECRET, { subject: 'agent-g', role: 'agent', domain })}`);
    const session = await call(client.signIn.bind(client), { sessionId: '', initialPresence: undefined }, md);
    const messages: ConnectResponse[] = [];
    stream = client.connect({ sessionId: session.sessionId }, md);
    stream.on('data', (m: ConnectResponse) => messages.push(m));
    stream.on('error', () => undefined);
    await sleep(300);

    const callId = `call-gw-${Date.now()}`;
    const contactId = await postCall(mesh.phoneUrl, callId);
    const offerOf = async (id: string) => {
      const deadline = Date.now() + 20_000;
      while (!messages.some((m) => m.offer?.contact?.id === id) && Date.now() < deadline) await sleep(100);
      return messages.find((m) => m.offer?.contact?.id === id)?.offer;
    };
    const offer = await offerOf(contactId);
    expect(offer).toBeDefined();
    // The desktop sees the contact's platform context, kept by the router beside the live contact.
    expect(offer!.contact).toMatchObject({ channelIds: { callSid: callId }, customer: { phoneNumber: '+14155550100' }, intent: 'billing' });
    await call(client.accept.bind(client), { contactId, reservationToken: offer!.reservationToken }, md);
    // A second call waits (the agent is on the phone) and is offered when the first completes:
    // that offer is decided inside the first contact's COMPLETE, yet it belongs to the second's trace.
    const waiting = await postCall(mesh.phoneUrl, `call-gw2-${Date.now()}`);
    await sleep(500);
    await call(client.complete.bind(client), { contactId, disposition: 'resolved', notes: '', wrapUpSeconds: 0, resolvedFirstContact: true }, md);
    expect(await offerOf(waiting)).toBeDefined();

    const traceIdOf = () => otlp.spans.find((s) => s.service === 'ingest-phone' && s.name.startsWith('receive'))?.traceId;
    let spans: ReturnType<OtlpReceiver['trace']> = [];
    const until = Date.now() + 20_000;
    for (;;) {
      const id = traceIdOf();
      spans = id ? otlp.trace(id) : [];
      const services = new Set(spans.map((s) => s.service));
      const done = ['ingest-phone', 'router', 'agent-gateway'].every((s) => services.has(s)) && spans.some((s) => s.name === 'desk complete');
      if (done || Date.now() > until) break;
      await sleep(200);
    }
    const names = spans.map((s) => `${s.service}: ${s.name}`);
    expect(names).toEqual(expect.arrayContaining([
      'ingest-phone: receive phone generic',
      'router: route contact',
      'router: publish sb.agent.{domain}.{agentId}',
      'agent-gateway: process sb.agent.{domain}.{agentId}',
      'agent-gateway: desk accept',
      'agent-gateway: desk complete',
    ]));
    // The router's handling of the desk's accept and complete joins the contact's trace too.
    expect(spans.filter((s) => s.service === 'router' && s.name.startsWith('process sb.router')).length).toBeGreaterThanOrEqual(2);

    // The waiting contact's offer went out in its own trace, not the completed contact's.
    const waitingTrace = otlp.spans.find((s) => s.name === 'route contact' && s.attributes['switchboard.contact.id'] === waiting)?.traceId;
    expect(waitingTrace).toBeDefined();
    expect(waitingTrace).not.toBe(spans[0]!.traceId);
    const sleepUntil = Date.now() + 10_000;
    while (!otlp.trace(waitingTrace!).some((s) => s.service === 'agent-gateway') && Date.now() < sleepUntil) await sleep(200);
    const later = otlp.trace(waitingTrace!).map((s) => `${s.service}: ${s.name}`);
    expect(later).toEqual(expect.arrayContaining(['router: publish sb.agent.{domain}.{agentId}', 'agent-gateway: process sb.agent.{domain}.{agentId}']));
  }, 90_000);
});
