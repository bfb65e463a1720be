import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import twilio from 'twilio';
import WebSocket from 'ws';
import { freePort, ServiceProcess, startPrivateNats, type PrivateServer } from '@switchboard/testkit';
import type { KfMessage } from '@switchboard/wechat';
import { FakeKfApi, kfText } from '@switchboard/wechat/testing';
import type { RouterClient } from '@switchboard/router-api';
import { Desk } from './support/desk.js';
import { agent, agentRules } from './support/fixtures.js';
import { Mesh, until } from './support/mesh.js';
import { KF_ACCOUNT, KF_SECRET, kfCallbacks, wecomKfEnv } from './support/wecom-kf.js';

const WRAP_UP_SECONDS = 1;
/** A WeCom app's callback settings (the WeChat Customer Service account's). */
const secret = () => randomBytes(32).toString('base64url');

/**
 * The platform's end is the end, over each channel's real protocol: the ingestion services (in
 * one process, `services/ingest-all`) take a contact from the platform, a desk accepts it over
 * gRPC, the platform ends it — a Twilio `completed` status callback, a generic telephony webhook's
 * `ended`, a chat visitor's WebSocket closing past the grace, the email platform closing the
 * thread, a WeChat Customer Service session reaching state 4 (against a fake WeChat API) — and
 * the agent's capacity is free
 * within one second of the wrap-up.
 */
describe('a platform ends a connected contact', () => {
  let nats: PrivateServer;
  let mesh: Mesh;
  let ingest: ServiceProcess;
  let router: RouterClient;
  let desk: Desk;
  let wechatApi: FakeKfApi;
  const ports = { phone: 0, chat: 0, email: 0, smtp: 0, wechat: 0 };
  const secrets = { twilio: secret(), webhook: secret(), chat: secret(), mail: secret(), publicUrl: 'https://phone.switchboard.test' };

  beforeAll(async () => {
    nats = await startPrivateNats();
    const rules = agentRules() as { queues: Record<string, unknown>[] };
    rules.queues[0] = { ...rules.queues[0], wrapUpSeconds: WRAP_UP_SECONDS };
    mesh = await Mesh.start({ rules, agents: [{ ...agent('p1'), languages: ['en', 'zh-CN', 'zh'], capacity: { phone: 1, chat: 2, email: 1, wechat: 1 } }], graceSeconds: 30, privateNatsUrl: nats.url });
    router = mesh.routerClient();
    ports.phone = await freePort();
    ports.chat = await freePort();
    ports.email = await freePort();
    ports.smtp = await freePort();
    ports.wechat = await freePort();
    wechatApi = new FakeKfApi(KF_SECRET);
    const apiBase = await wechatApi.start();
    ingest = await ServiceProcess.start({
      entry: 'services/ingest-all/src/main.ts', startTimeoutMs: 60_000,
      env: {
        NATS_URL: nats.url, HOST: '127.0.0.1', SWITCHBOARD_DOMAIN: mesh.domain, LOG_LEVEL: 'warn', INGEST_ALL_SERVICES: 'ingest-phone,ingest-chat,ingest-email,ingest-wechat',
        ...wecomKfEnv(ports.wechat, apiBase),
        INGEST_PHONE_PORT: String(ports.phone), INGEST_CHAT_PORT: String(ports.chat), INGEST_EMAIL_PORT: String(ports.email), INGEST_EMAIL_SMTP_PORT: String(ports.smtp),
        EMAIL_WEBHOOK_SIGNING_KEY: secrets.mail, OTEL_EXPORTER_OTLP_ENDPOINT: '', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '',
        TWILIO_AUTH_TOKEN: secrets.twilio, PUBLIC_URL: secrets.publicUrl, PHONE_WEBHOOK_SECRET: secrets.webhook,
        CHAT_SESSION_SECRET: secrets.chat, CHAT_ABANDON_GRACE_MS: '300',
      },
      ready: async () => (await Promise.all([ports.phone, ports.chat, ports.email, ports.wechat].map((p) => fetch(`http://127.0.0.1:${p}/readyz`).then((r) => r.ok, () => false)))).every(Boolean),
    });
    desk = await Desk.open(mesh, 'p1');
    await desk.signIn();
    await desk.connect();
  }, 90_000);
  afterAll(async () => {
    desk?.close();
    await ingest?.stop(5_000);
    await wechatApi?.stop();
    await mesh?.close();
    await nats?.destroy();
  });

  /** Accepts the next offer (a new contact from the platform) and returns its contact id. */
  const answerNext = async (): Promise<string> => {
    const seen = new Set(desk.offers().map((o) => o.contact!.id));
    const offer = await until('an offer of the new contact', () => desk.offers().find((o) => !seen.has(o.contact!.id)));
    await desk.accept(offer);
    return offer.contact!.id;
  };
  /** After the platform's end: wrap-up starts, and the agent is free within a second of its end. */
  const freedAfterWrapUp = async (contactId: string, endedAt: number) => {
    await until(`${contactId} wrapping up`, async () => {
      const r = await router.query({ query: 'contact', contactId });
      return !r.ok || (r['contact'] as { state: string }).state !== 'CONNECTED';
    }, 5_000);
    await until('p1 free again', async () => {
      const r = await router.query({ query: 'agent', agentId: 'p1' });
      const a = r.ok ? (r['agent'] as { presence: string; contactIds: string[] }) : undefined;
      return a?.presence === 'AVAILABLE' && a.contactIds.length === 0;
    }, 10_000);
    const freeAfterMs = Date.now() - endedAt;
    expect(freeAfterMs).toBeLessThan((WRAP_UP_SECONDS + 1) * 1000 + 1_500); // the platform's hop, then wrap-up, then at most 1 s
  };

  it('phone: Twilio\'s `completed` status callback', async () => {
    const callSid = `CA${randomBytes(16).toString('hex')}`;
    const accountSid = `AC${randomBytes(16).toString('hex')}`;
    const post = (path: string, params: Record<string, string>) => fetch(`http://127.0.0.1:${ports.phone}${path}`, { method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilio.getExpectedTwilioSignature(secrets.twilio, `${secrets.publicUrl}${path}`, params) },
      body: new URLSearchParams(params).toString() });
    const voice = await post('/twilio/voice', { CallSid: callSid, AccountSid: accountSid, From: '+14155550100', To: '+14155550199', CallStatus: 'ringing', Direction: 'inbound', ApiVersion: '2010-04-01' });
    expect(voice.status).toBe(200);
    const contactId = await answerNext();
    const endedAt = Date.now();
    expect((await post('/twilio/status', { CallSid: callSid, AccountSid: accountSid, CallStatus: 'completed', CallDuration: '42' })).status).toBe(200);
    await freedAfterWrapUp(contactId, endedAt);
  });

  it('phone: the generic telephony webhook\'s `ended` event', async () => {
    const callId = `ari-${randomUUID()}`;
    const post = (body: unknown) => fetch(`http://127.0.0.1:${ports.phone}/v1/contacts`, { method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secrets.webhook}` }, body: JSON.stringify(body) });
    expect((await post({ callId, callerNumber: '+8613800000000', dialledNumber: '4008001234', platform: 'asterisk', ivr: { language: 'zh-CN', intent: 'billing' } })).status).toBe(202);
    const contactId = await answerNext();
    const endedAt = Date.now();
    expect((await post({ callId, event: 'ended' })).status).toBe(202);
    await freedAfterWrapUp(contactId, endedAt);
  });

  it('email: the email platform closes the thread', async () => {
    const signed = () => {
      const timestamp = String(Math.floor(Date.now() / 1000));
      const token = randomBytes(25).toString('hex');
      return { 'x-mailgun-timestamp': timestamp, 'x-mailgun-token': token, 'x-mailgun-signature': createHmac('sha256', secrets.mail).update(timestamp + token).digest('hex') };
    };
    const mime = `From: Ana <ana@example.net>\r\nTo: support@switchboard.test\r\nSubject: Invoice 42\r\nMessage-ID: <${randomUUID()}@example.net>\r\n\r\nHello\r\n`;
    const inbound = await fetch(`http://127.0.0.1:${ports.email}/v1/inbound-email`, { method: 'POST', headers: { 'content-type': 'message/rfc822', ...signed() }, body: mime });
    expect(inbound.status).toBe(202);
    const { conversationId } = (await inbound.json()) as { conversationId: string };
    const contactId = await answerNext();
    const endedAt = Date.now();
    const closed = await fetch(`http://127.0.0.1:${ports.email}/v1/conversations/close`, { method: 'POST',
      headers: { 'content-type': 'application/json', ...signed() }, body: JSON.stringify({ conversationId }) });
    expect(await closed.json()).toMatchObject({ contactId });
    await freedAfterWrapUp(contactId, endedAt);
  });

  it('WeChat: the Customer Service session reaches state 4 (ended)', async () => {
    const { pull } = kfCallbacks(ports.wechat, wechatApi);
    const user = 'wmAnaAAAAAAAAAAAAAAAAAAAAA';
    const now = Math.floor(Date.now() / 1000);
    const event = (msgid: string, at: number, e: Record<string, unknown>): KfMessage =>
      ({ msgid, open_kfid: KF_ACCOUNT, send_time: at, origin: 4, msgtype: 'event', event: { open_kfid: KF_ACCOUNT, external_userid: user, ...e } } as KfMessage);
    await pull([kfText(`k-${randomUUID()}`, user, KF_ACCOUNT, 'where is my parcel?', now)]);
    const contactId = await answerNext();
    const endedAt = Date.now();
    // WeChat says an agent took the session, then that it ended (service state 4).
    await pull([event(`e-${randomUUID()}`, now + 1, { event_type: 'session_status_change', change_type: 1, new_servicer_userid: 'p1' }),
      event(`e-${randomUUID()}`, now + 2, { event_type: 'session_status_change', change_type: 3 })]);
    await freedAfterWrapUp(contactId, endedAt);
  });

  it('chat: the visitor\'s WebSocket closes and stays closed past the grace', async () => {
    const base = `http://127.0.0.1:${ports.chat}`;
    const form = await fetch(`${base}/v1/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Li Lei', email: 'li.lei@example.com', language: 'en', topic: 'billing', page_url: 'https://shop.example/help' }) });
    expect(form.status).toBe(201);
    const session = (await form.json()) as { sessionId: string; token: string };
    const socket = new WebSocket(`ws://127.0.0.1:${ports.chat}/v1/sessions/${session.sessionId}/ws?token=${encodeURIComponent(session.token)}`);
    const id = randomUUID();
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.once('open', () => socket.send(JSON.stringify({ type: 'message', id, text: 'Where is my parcel?' })));
      socket.on('message', (data: WebSocket.RawData) => {
        const frame = JSON.parse(data.toString()) as { type: string; id?: string };
        if (frame.type === 'ack' && frame.id === id) resolve();
      });
    });
    const contactId = await answerNext();
    const endedAt = Date.now();
    socket.close(1000, 'bye');
    await freedAfterWrapUp(contactId, endedAt);
  });
});
