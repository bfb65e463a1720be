import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type NatsConnection } from 'nats';
import twilio from 'twilio';
import nodemailer from 'nodemailer';
import WebSocket from 'ws';
import { credentials, Metadata } from '@grpc/grpc-js';
import { DEFAULT_BUS_NAMES } from '@switchboard/bus';
import { Channel, ContactRecord, IngestServiceClient, SubmitContactRequest, type SubmitContactResponse } from '@switchboard/contracts';
import { freePort, REPO_ROOT, ServiceProcess, startPrivateNats, type PrivateServer } from '@switchboard/testkit';
import { buildWeChatXml, sha1Signature } from '@switchboard/wechat';

const ENTRY = 'services/ingest-all/src/main.ts';
const secret = () => randomBytes(32).toString('base64url');
const PORT_VARIABLES = ['INGEST_PHONE_PORT', 'INGEST_EMAIL_PORT', 'INGEST_EMAIL_SMTP_PORT', 'INGEST_CHAT_PORT', 'INGEST_WECHAT_PORT', 'INGEST_GRPC_PORT', 'INGEST_GRPC_HTTP_PORT'] as const;
type Ports = Record<(typeof PORT_VARIABLES)[number], number>;

/** Each service's own variables, as a deployment of the five separate services would set them. */
async function serviceEnv(natsUrl: string) {
  const ports = {} as Ports;
  for (const name of PORT_VARIABLES) ports[name] = await freePort();
  const domain = `all${randomBytes(4).toString('hex')}`;
  const secrets = { twilio: secret(), publicUrl: 'https://phone.switchboard.test', chat: secret(), wechat: secret(), grpc: secret() };
  const env: Record<string, string> = {
    ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
    NATS_URL: natsUrl, HOST: '127.0.0.1', SWITCHBOARD_DOMAIN: domain, LOG_LEVEL: 'info',
    OTEL_EXPORTER_OTLP_ENDPOINT: '', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '',
    TWILIO_AUTH_TOKEN: secrets.twilio, PUBLIC_URL: secrets.publicUrl, CHAT_SESSION_SECRET: secrets.chat,
    WECHAT_OA_TOKEN: secrets.wechat, INGEST_GRPC_TOKEN: secrets.grpc, INGEST_ALL_SERVICES: '',
    // ingest-email refuses to start with its webhook on and no key (fails closed).
    EMAIL_WEBHOOK_SIGNING_KEY: secret(),
  };
  return { ports, domain, secrets, env };
}

const readyz = (port: number) => fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false);

/** Every record on CONTACTS (a private server: only this test's). */
async function contacts(nc: NatsConnection): Promise<{ subject: string; msgId: string | undefined; record: ContactRecord }[]> {
  const jsm = await nc.jetstreamManager();
  const { state } = await jsm.streams.info(DEFAULT_BUS_NAMES.contactsStream);
  const out = [];
  for (let seq = state.first_seq; seq <= state.last_seq && state.messages > 0; seq++) {
    const msg = await jsm.streams.getMessage(DEFAULT_BUS_NAMES.contactsStream, { seq });
    out.push({ subject: msg.subject, msgId: msg.header.get('Nats-Msg-Id') || undefined, record: ContactRecord.decode(msg.data) });
  }
  return out;
}

/** A visitor fills the pre-chat form, opens the session's WebSocket and writes a first message (acked once stored). */
async function chatMessage(port: number, text: string): Promise<string> {
  const base = `http://127.0.0.1:${port}`;
  const form = await fetch(`${base}/v1/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Li Lei', email: 'li.lei@example.com', language: 'en', topic: 'billing', page_url: 'https://shop.example/help' }) });
  expect(form.status).toBe(201);
  const session = (await form.json()) as { sessionId: string; token: string };
  const socket = new WebSocket(`ws://127.0.0.1:${port}/v1/sessions/${session.sessionId}/ws?token=${encodeURIComponent(session.token)}`);
  const id = randomUUID();
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.once('open', () => socket.send(JSON.stringify({ type: 'message', id, text })));
      socket.on('message', (data: WebSocket.RawData) => {
        const frame = JSON.parse(data.toString()) as { type: string; id?: string; error?: string };
        if (frame.type === 'ack' && frame.id === id) resolve();
        if (frame.type === 'error') reject(new Error(`chat refused: ${frame.error}`));
      });
    });
  } finally {
    socket.close(1000, 'bye');
  }
  return session.sessionId;
}

describe('services/ingest-all: the ingestion services in one process', () => {
  let nats: PrivateServer;
  let nc: NatsConnection;
  beforeAll(async () => {
    nats = await startPrivateNats();
    nc = await connect({ servers: nats.url });
  });
  afterAll(async () => {
    await nc?.close();
    await nats?.destroy();
  });

  it('takes one contact through each channel\'s own protocol and port onto CONTACTS, then drains on SIGTERM', async () => {
    const { ports, domain, secrets, env } = await serviceEnv(nats.url);
    const http = [ports.INGEST_PHONE_PORT, ports.INGEST_EMAIL_PORT, ports.INGEST_CHAT_PORT, ports.INGEST_WECHAT_PORT, ports.INGEST_GRPC_HTTP_PORT];
    const service = await ServiceProcess.start({ entry: ENTRY, env, startTimeoutMs: 60_000,
      ready: async () => (await Promise.all(http.map(readyz))).every(Boolean) });
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => service.child.once('exit', (code, signal) => resolve({ code, signal })));
    try {
      // Phone: a Twilio voice webhook, signed as Twilio signs it.
      const callSid = `CA${randomBytes(16).toString('hex')}`;
      const voice = { CallSid: callSid, AccountSid: `AC${randomBytes(16).toString('hex')}`, From: '+14155550100', To: '+14155550199', CallStatus: 'ringing', Direction: 'inbound', ApiVersion: '2010-04-01' };
      const signature = twilio.getExpectedTwilioSignature(secrets.twilio, `${secrets.publicUrl}/twilio/voice`, voice);
      const phone = await fetch(`http://127.0.0.1:${ports.INGEST_PHONE_PORT}/twilio/voice`, { method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature }, body: new URLSearchParams(voice).toString() });
      expect(phone.status).toBe(200);

      // Email: delivered over SMTP.
      const messageId = `<${randomUUID()}@example.net>`;
      const mailer = nodemailer.createTransport({ host: '127.0.0.1', port: ports.INGEST_EMAIL_SMTP_PORT, secure: false, ignoreTLS: true });
      const info = await mailer.sendMail({ from: 'ana@example.net', to: 'support@switchboard.test', subject: 'Invoice 42 is wrong', text: 'Hello', messageId });
      mailer.close();
      expect(info.response).toMatch(/^250 /);

      // Chat: a visitor's first message over the WebSocket.
      const sessionId = await chatMessage(ports.INGEST_CHAT_PORT, 'Where is my parcel?');

      // WeChat: an Official Account text message callback, plain mode.
      const timestamp = String(Math.floor(Date.now() / 1000));
      const nonce = randomBytes(6).toString('hex');
      const wechatMsgId = String(BigInt.asUintN(63, BigInt(`0x${randomBytes(8).toString('hex')}`)));
      const xml = buildWeChatXml({ ToUserName: 'gh_account', FromUserName: 'oUserAAAAAAAAAAAAAAAAAAAAAAAA', CreateTime: Number(timestamp), MsgType: 'text', Content: 'hello', MsgId: wechatMsgId });
      const wechat = await fetch(`http://127.0.0.1:${ports.INGEST_WECHAT_PORT}/wechat/oa?signature=${sha1Signature([secrets.wechat, timestamp, nonce])}&timestamp=${timestamp}&nonce=${nonce}`,
        { method: 'POST', headers: { 'content-type': 'text/xml' }, body: xml });
      expect(wechat.status).toBe(200);

      // gRPC: IngestService.SubmitContact with the bearer token.
      const client = new IngestServiceClient(`127.0.0.1:${ports.INGEST_GRPC_PORT}`, credentials.createInsecure());
      const metadata = new Metadata();
      metadata.set('authorization', `Bearer ${secrets.grpc}`);
      const submitted = await new Promise<SubmitContactResponse>((resolve, reject) => client.submitContact(
        SubmitContactRequest.fromPartial({ idempotencyKey: 'pbx-call-1', contact: { channel: Channel.CHANNEL_PHONE, intent: 'billing', customer: { phoneNumber: '+4930123456' } } }),
        metadata, (error, response) => (error ? reject(error) : resolve(response))));
      client.close();
      expect(submitted.duplicate).toBe(false);

      const records = await contacts(nc);
      const by = (msgId: string) => records.find((r) => r.msgId === msgId);
      expect(by(`${domain}/phone/${callSid}`)).toMatchObject({ subject: `sb.contacts.${domain}.phone`, record: { arrived: { channelIds: { callSid } } } });
      expect(by(`${domain}/email/${messageId}`)).toMatchObject({ subject: `sb.contacts.${domain}.email`, record: { arrived: { summary: 'Invoice 42 is wrong' } } });
      expect(records.find((r) => r.subject === `sb.contacts.${domain}.chat`)?.record.arrived).toMatchObject({ channel: Channel.CHANNEL_CHAT, channelIds: { chatSessionId: sessionId } });
      expect(records.find((r) => r.subject === `sb.contacts.${domain}.wechat`)?.record.arrived).toMatchObject({ channel: Channel.CHANNEL_WECHAT, summary: 'hello', channelIds: { wechatMsgId } });
      expect(by(`${domain}/phone/pbx-call-1`)?.record.arrived).toMatchObject({ id: submitted.contactId, intent: 'billing' });
      expect(records).toHaveLength(5);

      // One process: every HTTP port serves the same registry, labelled with the process's name.
      const metrics = await (await fetch(`http://127.0.0.1:${ports.INGEST_PHONE_PORT}/metrics`)).text();
      for (const channel of ['phone', 'email', 'chat', 'wechat']) {
        expect(metrics).toMatch(new RegExp(`sb_ingest_results_total\\{[^}]*channel="${channel}"[^}]*result="accepted"[^}]*service="ingest-all"`));
      }
    } catch (error) {
      await service.stop(1_000);
      throw new Error(`${(error as Error).message}\n--- ingest-all output ---\n${service.logs.slice(-4_000)}`);
    }

    await service.stop(20_000);
    expect(await exited, service.logs.slice(-3_000)).toEqual({ code: 0, signal: null });
    const lines = service.logs.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { service: string; msg: string });
    expect(lines.filter((l) => l.msg === 'service started').map((l) => l.service).sort())
      .toEqual(['ingest-chat', 'ingest-email', 'ingest-grpc', 'ingest-phone', 'ingest-wechat']);
    expect(lines.at(-1)).toMatchObject({ service: 'ingest-all', msg: 'stopped' });
    expect((await Promise.all(http.map(readyz))).some(Boolean)).toBe(false);
  }, 120_000);

  it('exits 1 with an error naming the service that cannot start, before saying the process started', async () => {
    const { ports, env } = await serviceEnv(nats.url);
    const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@switchboard/source', ENTRY],
      { cwd: REPO_ROOT, env: { ...process.env, ...env, CHAT_SESSION_SECRET: 'too-short' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    for (const stream of [child.stdout, child.stderr]) stream.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code, output).toBe(1);
    expect(output).toContain('IngestStartError: ingest-chat failed to start: CHAT_SESSION_SECRET must be set to at least 32 characters');
    expect(output).not.toContain('ingestion services started in one process');
    expect(await readyz(ports.INGEST_PHONE_PORT)).toBe(false);
  }, 60_000);
});
