import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentials, status, type ServiceError } from '@grpc/grpc-js';
import twilio from 'twilio';
import { Channel, CustomerServiceClient, LinkIdentifiersRequest, ShowCustomerRequest, UnlinkIdentifierRequest, type Offer, type RoutingEvent } from '@switchboard/contracts';
import { coreEventFromProto } from '@switchboard/ops';
import { computeKpis, type RoutingEvent as CoreEvent } from '@switchboard/routing-core';
import { freePort, ServiceProcess, startPrivateNats, type PrivateServer } from '@switchboard/testkit';
import { FakeKfApi, kfText } from '@switchboard/wechat/testing';
import { Desk } from './support/desk.js';
import { agent, agentRules } from './support/fixtures.js';
import { call, Mesh, SECRET, until } from './support/mesh.js';
import { KF_ACCOUNT, KF_SECRET, kfCallbacks, wecomKfEnv } from './support/wecom-kf.js';

/** A WeCom app's callback settings (the WeChat Customer Service account's), as in platform-end. */
const CUSTOMER = { externalUserId: 'wmLiLeiAAAAAAAAAAAAAAAAAAAA', phone: '+14155550123' };
const DAY_MS = 86_400_000;
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Issue 15, must-show 1 and the FCR half of must-show 2, over the real channels: a WeChat
 * Customer Service message (signed WeCom callback, against a fake WeChat API), then a Twilio call
 * (signed webhook) from the same customer, whom a CRM links through CustomerService. The call is
 * offered to the agent holding the WeChat contact although the other agent is idle longer, and
 * that desk's offer lists both contacts. Then first-contact resolution: the WeChat resolution is
 * void (the customer called), and a second call voids the first call's resolution.
 */
describe('one customer across channels', () => {
  let nats: PrivateServer;
  let mesh: Mesh;
  let ingest: ServiceProcess;
  let wechatApi: FakeKfApi;
  let crm: CustomerServiceClient;
  const desks: Desk[] = [];
  const ports = { phone: 0, wechat: 0 };
  const twilioToken = randomBytes(32).toString('base64url');
  const publicUrl = 'https://phone.switchboard.test';

  beforeAll(async () => {
    nats = await startPrivateNats();
    const rules = agentRules() as { queues: Record<string, unknown>[] };
    // LEAST_OCCUPIED: an agent holding a contact is not the one the queue picks on its own.
    rules.queues[0] = { ...rules.queues[0], strategy: 'LEAST_OCCUPIED', stickyAgentWaitSeconds: 20, wrapUpSeconds: 0 };
    const profile = (id: string) => ({ ...agent(id), languages: ['en', 'zh'], capacity: { phone: 1, chat: 2, wechat: 2 }, allowBlendWithPhone: true });
    mesh = await Mesh.start({ rules, agents: [profile('a1'), profile('a2')], graceSeconds: 30, privateNatsUrl: nats.url,
      customerKeySecret: randomBytes(32).toString('base64url') });
    crm = new CustomerServiceClient(`127.0.0.1:${mesh.queues.port}`, credentials.createInsecure());
    ports.phone = await freePort();
    ports.wechat = await freePort();
    wechatApi = new FakeKfApi(KF_SECRET);
    const apiBase = await wechatApi.start();
    ingest = await ServiceProcess.start({
      entry: 'services/ingest-all/src/main.ts', startTimeoutMs: 60_000,
      env: {
        NATS_URL: nats.url, HOST: '127.0.0.1', SWITCHBOARD_DOMAIN: mesh.domain, LOG_LEVEL: 'warn', INGEST_ALL_SERVICES: 'ingest-phone,ingest-wechat',
        ...wecomKfEnv(ports.wechat, apiBase), INGEST_PHONE_PORT: String(ports.phone),
        OTEL_EXPORTER_OTLP_ENDPOINT: '', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '',
        TWILIO_AUTH_TOKEN: twilioToken, PUBLIC_URL: publicUrl, PHONE_WEBHOOK_SECRET: randomBytes(32).toString('base64url'),
      },
      ready: async () => (await Promise.all([ports.phone, ports.wechat].map((p) => fetch(`http://127.0.0.1:${p}/readyz`).then((r) => r.ok, () => false)))).every(Boolean),
    });
    // a2 signs in first: idle longest, it wins the tie of two free agents.
    for (const id of ['a2', 'a1']) {
      const desk = await Desk.open(mesh, id);
      await desk.signIn();
      await desk.connect();
      desks.push(desk);
      await new Promise((r) => setTimeout(r, 50));
    }
  }, 90_000);
  afterAll(async () => {
    for (const desk of desks) desk.close();
    crm?.close();
    await ingest?.stop(5_000);
    await wechatApi?.stop();
    await mesh?.close();
    await nats?.destroy();
  });

  /** The customer writes on WeChat: a sync_msg page, pulled through the signed WeCom callback. */
  const wechatMessage = async (text: string) => {
    kf ??= kfCallbacks(ports.wechat, wechatApi);
    await kf.pull([kfText(`k-${randomUUID()}`, CUSTOMER.externalUserId, KF_ACCOUNT, text, Math.floor(Date.now() / 1000))]);
  };
  let kf: ReturnType<typeof kfCallbacks> | undefined;
  /** The customer calls: Twilio's signed voice webhook. */
  const phoneCall = async () => {
    const params = { CallSid: `CA${randomBytes(16).toString('hex')}`, AccountSid: `AC${randomBytes(16).toString('hex')}`, From: CUSTOMER.phone,
      To: '+14155550199', CallStatus: 'ringing', Direction: 'inbound', ApiVersion: '2010-04-01' };
    const res = await fetch(`http://127.0.0.1:${ports.phone}/twilio/voice`, { method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilio.getExpectedTwilioSignature(twilioToken, `${publicUrl}/twilio/voice`, params) },
      body: new URLSearchParams(params).toString() });
    expect(res.status).toBe(200);
  };
  /** The next offer of a contact not offered before, to whichever desk. */
  const nextNewOffer = async (seen: Set<string>): Promise<{ desk: Desk; offer: Offer }> => until('an offer of a new contact', () => {
    for (const desk of desks) {
      const offer = desk.offers().find((o) => !seen.has(o.contact!.id));
      if (offer) return { desk, offer };
    }
    return undefined;
  }, 15_000);
  /** `switchboard …` against this mesh's queue service, signing with the mesh's token secret. */
  const cli = (args: string[]) => new Promise<{ stdout: string; stderr: string }>((resolve) => {
    execFile('pnpm', ['-s', 'switchboard', ...args, '--queue-service', `127.0.0.1:${mesh.queues.port}`, '--domain', mesh.domain],
      { cwd: ROOT, env: { ...process.env, SWITCHBOARD_JWT_SECRET: SECRET }, timeout: 60_000 }, (_error, stdout, stderr) => resolve({ stdout, stderr }));
  });
  const complete = (desk: Desk, contactId: string, resolvedFirstContact: boolean) =>
    call(desk.api.complete.bind(desk.api), { contactId, disposition: 'resolved', notes: '', wrapUpSeconds: 0, resolvedFirstContact }, desk.md);
  const coreEvents = async (): Promise<CoreEvent[]> =>
    (await mesh.routingEvents()).flatMap((e: RoutingEvent) => { const c = coreEventFromProto(e); return c ? [c] : []; });

  const seen = new Set<string>();
  let holder: Desk;
  let wechatId = '';
  let firstCallId = '';

  it('offers the linked customer\'s call to the agent holding their WeChat contact, and the desk lists both', async () => {
    await wechatMessage('where is my parcel?');
    const wechat = await nextNewOffer(seen);
    holder = wechat.desk;
    wechatId = wechat.offer.contact!.id;
    seen.add(wechatId);
    // The other desk was idle longer: without the customer it would have had the WeChat contact.
    expect(holder.agentId).toBe('a2');
    await holder.accept(wechat.offer);

    // The CRM asserts that this WeChat user and this phone number are one person (a desk may not).
    const asAgent = await mesh.auth('a1', 'agent');
    const link = LinkIdentifiersRequest.fromPartial({ identifiers: [{ kind: 'wechat', value: CUSTOMER.externalUserId }, { kind: 'phone', value: CUSTOMER.phone }] });
    await expect(call(crm.linkIdentifiers.bind(crm), link, asAgent)).rejects.toMatchObject({ code: status.PERMISSION_DENIED });
    const bad = call(crm.linkIdentifiers.bind(crm), LinkIdentifiersRequest.fromPartial({ identifiers: [{ kind: 'phone', value: '0041 555' }, { kind: 'wechat', value: 'x' }] }), await mesh.auth('crm', 'platform'));
    await expect(bad).rejects.toMatchObject({ code: status.INVALID_ARGUMENT, details: expect.stringMatching(/E\.164/) as unknown });
    const { customerKey } = await call(crm.linkIdentifiers.bind(crm), link, await mesh.auth('crm', 'platform'));
    expect(wechat.offer.contact!.customerKey).toBe(customerKey);

    await phoneCall();
    const phone = await nextNewOffer(seen);
    firstCallId = phone.offer.contact!.id;
    seen.add(firstCallId);
    // a1 is idle and would win on its own; the customer's live WeChat contact sends the call to a2.
    expect(phone.desk.agentId).toBe(holder.agentId);
    expect(phone.offer.contact).toMatchObject({ channel: Channel.CHANNEL_PHONE, customerKey });
    expect(phone.offer.contact!.customerContacts).toMatchObject([
      { contactId: firstCallId, channel: Channel.CHANNEL_PHONE, agentId: '' },
      { contactId: wechatId, channel: Channel.CHANNEL_WECHAT, agentId: holder.agentId, outcome: '' },
    ]);
    const identified = (await mesh.routingEvents()).find((e) => e.contactId === firstCallId && e.customerIdentified);
    expect(identified?.customerIdentified).toMatchObject({ customerKey, preferredAgentId: holder.agentId, preferredBecause: 'HOLDS_LIVE_CONTACT', viaContactId: wechatId });
    await holder.accept(phone.offer);

    // The CRM (or ops) sees the same history; nothing raw is stored, only the kinds are shown.
    const shown = await call(crm.showCustomer.bind(crm), ShowCustomerRequest.fromPartial({ identifier: { kind: 'phone', value: CUSTOMER.phone } }), await mesh.auth('ops', 'ops'));
    expect(shown).toMatchObject({ customerKey, recentContacts: [{ contactId: firstCallId }, { contactId: wechatId }] });
    expect(shown.identifiers.map((i) => i.kind).sort()).toEqual(['phone', 'wechat']);
  });

  it('counts first-contact resolution by repeat contacts: the WeChat resolution and then the first call\'s do not count', async () => {
    // Both said resolved; but the customer had called while the WeChat contact was open.
    await complete(holder, wechatId, true);
    await complete(holder, firstCallId, true);
    const stats = async () => (await call(mesh.queueClient.getQueueStats.bind(mesh.queueClient), { domain: '', queueId: 'general' }, await mesh.auth('ops', 'ops'))).stats!;
    // Settled: the WeChat resolution, voided (0 of 1); the call's is provisional (7 days). By the
    // agents' answers alone it would be 1.
    await until('FCR of the voided resolution', async () => ((await stats()).firstContactResolution === 0 ? true : undefined));
    const later = Date.now() + 8 * DAY_MS;
    expect(computeKpis(await coreEvents(), {}, later).queues.find((q) => q.queueId === 'general'))
      .toMatchObject({ fcrVoided: 1, fcrConfirmed: 1, firstContactResolution: 0.5 });

    // The customer calls again the same day: the first call's resolution no longer counts either.
    await phoneCall();
    const again = await nextNewOffer(seen);
    seen.add(again.offer.contact!.id);
    expect(again.desk.agentId).toBe(holder.agentId); // the last agent who served them (a1 is idle longer)
    expect(again.offer.contact!.customerContacts.map((c) => c.contactId)).toEqual([again.offer.contact!.id, firstCallId, wechatId]);
    expect(again.offer.contact!.customerContacts[1]).toMatchObject({ outcome: 'resolved', resolvedFirstContact: true, agentId: holder.agentId });
    await again.desk.accept(again.offer);
    await complete(again.desk, again.offer.contact!.id, true);
    await until('the repeat on ROUTING', async () => ((await coreEvents()).some((e) => e.type === 'ContactCompleted' && e.contactId === again.offer.contact!.id) ? true : undefined));
    expect(computeKpis(await coreEvents(), {}, later).queues.find((q) => q.queueId === 'general'))
      .toMatchObject({ fcrVoided: 2, fcrConfirmed: 1, outcomes: 3 });
    expect((await stats()).firstContactResolution).toBe(0);
  });

  it('switchboard customers show; unlink on the CRM\'s word; an unknown identifier is NOT_FOUND', async () => {
    const shown = await cli(['customers', 'show', `phone:${CUSTOMER.phone}`, '--role', 'ops']);
    expect(shown.stderr).not.toMatch(/refused|error/i);
    const lines = shown.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^customer c\d+: identifiers (1 wechat, 1 phone|1 phone, 1 wechat)$/);
    expect(lines.slice(1).map((l) => l.split('  ')[1])).toEqual(['phone', 'phone', 'wechat']);
    expect(shown.stdout).not.toContain(CUSTOMER.phone.slice(1));
    const platform = await mesh.auth('crm', 'platform');
    const moved = await call(crm.unlinkIdentifier.bind(crm), UnlinkIdentifierRequest.fromPartial({ identifier: { kind: 'phone', value: CUSTOMER.phone } }), platform);
    expect(moved.customerKey).not.toBe(moved.fromCustomerKey);
    expect(lines[0]).toContain(`customer ${moved.fromCustomerKey}:`);
    const unknown = call(crm.unlinkIdentifier.bind(crm), UnlinkIdentifierRequest.fromPartial({ identifier: { kind: 'email', value: 'nobody@example.com' } }), platform);
    await expect(unknown).rejects.toMatchObject({ code: status.NOT_FOUND } satisfies Partial<ServiceError>);
  });
});
