import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import twilio from 'twilio';
import WebSocket from 'ws';
import { GetKpisResponse, Presence, type RoutingEvent } from '@switchboard/contracts';
import { coreEventFromProto, startOps, type RunningOps } from '@switchboard/ops';
import { computeKpis, type RoutingEvent as CoreEvent } from '@switchboard/routing-core';
import { freePort, ServiceProcess, startPrivateNats, type PrivateServer } from '@switchboard/testkit';
import { FakeKfApi, kfText } from '@switchboard/wechat/testing';
import { OPS_TEST_AUTH, opsAuthorization } from '../support/ops-auth.js';
import { Desk } from './support/desk.js';
import { agent, agentRules } from './support/fixtures.js';
import { call, Mesh, until } from './support/mesh.js';
import { KF_ACCOUNT, KF_SECRET, kfCallbacks, wecomKfEnv } from './support/wecom-kf.js';

const QUESTION = 'How satisfied were you? Answer 1 to 5.';
const secret = () => randomBytes(32).toString('base64url');

/** An SMTP relay on loopback that keeps each message it is given, raw (the customer's mailbox). */
class MailSink {
  readonly messages: string[] = [];
  private readonly server: Server = createServer((socket) => {
    let data = '';
    let inData = false;
    socket.write('220 sink ESMTP\r\n');
    socket.on('data', (chunk) => {
      data += chunk.toString('utf8');
      for (;;) {
        if (inData) {
          const end = data.indexOf('\r\n.\r\n');
          if (end < 0) return;
          this.messages.push(data.slice(0, end));
          data = data.slice(end + 5);
          inData = false;
          socket.write('250 kept\r\n');
          continue;
        }
        const eol = data.indexOf('\r\n');
        if (eol < 0) return;
        const line = data.slice(0, eol).toUpperCase();
        data = data.slice(eol + 2);
        if (line.startsWith('EHLO')) socket.write('250-sink\r\n250 8BITMIME\r\n');
        else if (line.startsWith('DATA')) { inData = true; socket.write('354 go on\r\n'); }
        else if (line.startsWith('QUIT')) { socket.end('221 bye\r\n'); return; }
        else socket.write('250 ok\r\n');
      }
    });
  });

  async start(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as { port: number }).port;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** The text of a raw message with quoted-printable soft breaks and escapes undone. */
const unquoted = (raw: string) => raw.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));

/**
 * Satisfaction end to end over each channel's own protocol (issue 15, must-show 2, CSAT half). The
 * ingestion services run in one process (services/ingest-all) beside a mesh with a survey on its
 * queue; a desk completes each contact over gRPC and the survey goes out and comes back:
 * - TwiML: after the agent's leg (Enqueue's action, `bridged`) the call continues into a one-digit
 *   `<Gather>`; the digit is a signed Twilio webhook;
 * - WeChat Customer Service: a kf text (to a fake WeChat API), answered by the customer's reply "5"
 *   pulled through the signed WeCom callback;
 * - email: a mail through the relay with the contact's signed link; the form is fetched and posted
 *   over HTTP (a second post is refused by the router, a tampered link by the service);
 * - chat: a `survey` system frame on the visitor's WebSocket, answered with a `survey` frame.
 * Then CSAT and response rate per queue (ops GetKpis over ROUTING, QueueService GetQueueStats) and
 * per agent (routing-core's KPIs over the ROUTING record) are checked against the hand count.
 */
describe('CSAT surveys answered over TwiML, WeChat, email and chat', () => {
  let nats: PrivateServer;
  let mesh: Mesh;
  let ops: RunningOps;
  let ingest: ServiceProcess;
  let p1: Desk;
  let p2: Desk;
  let wechatApi: FakeKfApi;
  const sink = new MailSink();
  const ports = { phone: 0, chat: 0, email: 0, smtp: 0, wechat: 0 };
  const secrets = { twilio: secret(), mail: secret(), survey: secret(), publicUrl: 'https://phone.switchboard.test' };

  beforeAll(async () => {
    nats = await startPrivateNats();
    const rules = agentRules() as { queues: Record<string, unknown>[] };
    rules.queues[0] = { ...rules.queues[0], wrapUpSeconds: 1, survey: { enabled: true, windowSeconds: 3_600, texts: { en: QUESTION } } };
    const desk = (id: string) => ({ ...agent(id), languages: ['en', 'zh-CN', 'zh'], capacity: { phone: 1, chat: 2, email: 1, wechat: 1 } });
    mesh = await Mesh.start({ rules, agents: [desk('p1'), desk('p2')], graceSeconds: 30, privateNatsUrl: nats.url });
    ops = await startOps({
      config: { httpPort: 0, grpcPort: 0, host: '127.0.0.1', domain: mesh.domain, natsUrl: nats.url, redisUrl: mesh.redis.url, traceTtlSeconds: 600, auth: OPS_TEST_AUTH },
      logger: pino({ level: 'silent' }), names: mesh.names, keyPrefix: mesh.scope.redisPrefix,
    });
    for (const key of Object.keys(ports) as (keyof typeof ports)[]) ports[key] = await freePort();
    const relayPort = await sink.start();
    wechatApi = new FakeKfApi(KF_SECRET);
    const apiBase = await wechatApi.start();
    ingest = await ServiceProcess.start({
      entry: 'services/ingest-all/src/main.ts', startTimeoutMs: 60_000,
      env: {
        NATS_URL: nats.url, HOST: '127.0.0.1', SWITCHBOARD_DOMAIN: mesh.domain, LOG_LEVEL: 'warn', INGEST_ALL_SERVICES: 'ingest-phone,ingest-chat,ingest-email,ingest-wechat',
        ...wecomKfEnv(ports.wechat, apiBase),
        INGEST_PHONE_PORT: String(ports.phone), INGEST_CHAT_PORT: String(ports.chat), INGEST_EMAIL_PORT: String(ports.email), INGEST_EMAIL_SMTP_PORT: String(ports.smtp),
        EMAIL_WEBHOOK_SIGNING_KEY: secrets.mail, EMAIL_SMTP_RELAY_URL: `smtp://127.0.0.1:${relayPort}`, EMAIL_ACK_FROM: 'Support <support@switchboard.test>',
        EMAIL_SURVEY_SECRET: secrets.survey, EMAIL_SURVEY_URL: `http://127.0.0.1:${ports.email}`,
        OTEL_EXPORTER_OTLP_ENDPOINT: '', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '',
        TWILIO_AUTH_TOKEN: secrets.twilio, PUBLIC_URL: secrets.publicUrl, CHAT_SESSION_SECRET: secret(),
      },
      ready: async () => (await Promise.all([ports.phone, ports.chat, ports.email, ports.wechat].map((p) => fetch(`http://127.0.0.1:${p}/readyz`).then((r) => r.ok, () => false)))).every(Boolean),
    });
    p1 = await Desk.open(mesh, 'p1');
    await p1.signIn();
    await p1.connect();
  }, 120_000);
  afterAll(async () => {
    p1?.close();
    p2?.close();
    await ingest?.stop(5_000);
    await wechatApi?.stop();
    await sink.stop();
    await ops?.stop();
    await mesh?.close();
    await nats?.destroy();
  });

  /** Accepts the desk's next offer (a new contact from the platform) and returns its contact id. */
  const answerNext = async (desk: Desk): Promise<string> => {
    const seen = new Set(desk.offers().map((o) => o.contact!.id));
    const offer = await until('an offer of the new contact', () => desk.offers().find((o) => !seen.has(o.contact!.id)), 15_000);
    await desk.accept(offer);
    return offer.contact!.id;
  };
  const routing = () => mesh.routingEvents();
  const surveyed = async (contactId: string) => until(`SurveyOffered of ${contactId}`, async () => (await routing()).find((e) => e.surveyOffered && e.contactId === contactId), 15_000);

  it('phone: after the agent leg the call continues into a <Gather>, and the digit (a signed Twilio webhook) is the answer', async () => {
    const callSid = `CA${randomBytes(16).toString('hex')}`;
    const accountSid = `AC${randomBytes(16).toString('hex')}`;
    const post = (path: string, params: Record<string, string>) => fetch(`http://127.0.0.1:${ports.phone}${path}`, { method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilio.getExpectedTwilioSignature(secrets.twilio, `${secrets.publicUrl}${path}`, params) },
      body: new URLSearchParams(params).toString() }).then(async (r) => ({ status: r.status, text: await r.text() }));
    const base = { CallSid: callSid, AccountSid: accountSid };
    expect((await post('/twilio/voice', { ...base, From: '+14155550100', To: '+14155550199', CallStatus: 'ringing', Direction: 'inbound' })).status).toBe(200);
    const contactId = await answerNext(p1);
    await p1.complete(contactId);
    // The agent hung up: Twilio asks Enqueue's action what the caller hears next.
    const left = await post('/twilio/queue-left', { ...base, QueueResult: 'bridged', QueueTime: '12' });
    expect(left.text).toContain(`<Redirect method="POST">${secrets.publicUrl}/twilio/survey</Redirect>`);
    const gather = await until('the survey <Gather>', async () => {
      const r = await post('/twilio/survey', { ...base, CallStatus: 'in-progress' });
      return r.text.includes('<Gather') ? r.text : undefined;
    }, 15_000);
    expect(gather).toContain(`action="${secrets.publicUrl}/twilio/survey-answer"`);
    expect(gather).toContain('numDigits="1"');
    const thanks = await post('/twilio/survey-answer', { ...base, Digits: '4' });
    expect(thanks).toMatchObject({ status: 200 });
    expect(thanks.text).toContain('<Hangup/>');
    await surveyed(contactId);
  });

  it('WeChat: the kf survey text, answered by the customer replying "5" (signed WeCom callback, fake kf API)', async () => {
    const { pull } = kfCallbacks(ports.wechat, wechatApi);
    const user = 'wmCsatAAAAAAAAAAAAAAAAAAAA';
    const now = Math.floor(Date.now() / 1000);
    await pull([kfText(`k-${randomUUID()}`, user, KF_ACCOUNT, 'my parcel is late', now)]);
    const contactId = await answerNext(p1);
    await p1.complete(contactId);
    const survey = await until('the survey text', () => wechatApi.sent.find((s) => s.touser === user), 15_000);
    expect(survey.content).toMatch(/1.*5/);
    await pull([kfText(`k-${randomUUID()}`, user, KF_ACCOUNT, '5', now + 30)]);
    const answered = await until('the WeChat answer on ROUTING', async () => (await routing()).find((e) => e.surveyAnswered && e.contactId === contactId), 15_000);
    expect(answered.surveyAnswered?.score).toBe(5);
  });

  it('email: the survey mail carries a signed link; the form is served and posted over HTTP; a tampered link is refused', async () => {
    const signed = () => {
      const timestamp = String(Math.floor(Date.now() / 1000));
      const token = randomBytes(25).toString('hex');
      return { 'x-mailgun-timestamp': timestamp, 'x-mailgun-token': token, 'x-mailgun-signature': createHmac('sha256', secrets.mail).update(timestamp + token).digest('hex') };
    };
    const messageId = `<${randomUUID()}@example.net>`;
    const mime = `From: Ana <ana@example.net>\r\nTo: support@switchboard.test\r\nSubject: Invoice 42\r\nContent-Language: en\r\nMessage-ID: ${messageId}\r\n\r\nHello\r\n`;
    expect((await fetch(`http://127.0.0.1:${ports.email}/v1/inbound-email`, { method: 'POST', headers: { 'content-type': 'message/rfc822', ...signed() }, body: mime })).status).toBe(202);
    const contactId = await answerNext(p1);
    await p1.complete(contactId);
    const mail = unquoted(await until('the survey mail', () => sink.messages.find((m) => m.includes(messageId) && unquoted(m).includes('/v1/surveys?token=')), 15_000));
    expect(mail).toMatch(/^In-Reply-To: /m);
    expect(mail).toMatch(/^Auto-Submitted: auto-generated/m);
    const link = /http:\/\/127\.0\.0\.1:\d+\/v1\/surveys\?token=[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/.exec(mail)![0];
    const form = await fetch(link);
    expect(form.status).toBe(200);
    expect(await form.text()).toContain('<form method="post"');
    const tampered = `${link.slice(0, -2)}${link.endsWith('AA') ? 'BB' : 'AA'}`;
    expect((await fetch(tampered)).status).toBe(403);
    const answer = (body: string) => fetch(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    expect((await answer('score=9')).status).toBe(400);
    expect((await answer(`score=2&comment=${encodeURIComponent('the invoice took two days')}`)).status).toBe(200);
    // A second answer is taken by the channel but refused by the router: one answer per contact.
    expect((await answer('score=5')).status).toBe(200);
    const answered = await until('the email answer on ROUTING', async () => (await routing()).find((e) => e.surveyAnswered && e.contactId === contactId), 15_000);
    expect(answered.surveyAnswered).toMatchObject({ score: 2, comment: 'the invoice took two days' });
  });

  it('chat: a survey system frame on the visitor\'s WebSocket, answered with a survey frame; a second visitor does not answer', async () => {
    // p1 steps away: the chats go to p2, so the agents' figures differ.
    await call(p1.api.setAgentPresence.bind(p1.api), { agentId: 'p1', presence: Presence.PRESENCE_AWAY, reason: 'break' }, await mesh.auth('sup', 'supervisor'));
    p2 = await Desk.open(mesh, 'p2');
    await p2.signIn();
    await p2.connect();
    const visit = async (name: string) => {
      const form = await fetch(`http://127.0.0.1:${ports.chat}/v1/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name, email: `${name}@example.com`, language: 'en', topic: 'billing', page_url: 'https://shop.example/help' }) });
      const session = (await form.json()) as { sessionId: string; token: string };
      const socket = new WebSocket(`ws://127.0.0.1:${ports.chat}/v1/sessions/${session.sessionId}/ws?token=${encodeURIComponent(session.token)}`);
      const frames: Record<string, unknown>[] = [];
      socket.on('message', (data: WebSocket.RawData) => frames.push(JSON.parse(data.toString()) as Record<string, unknown>));
      await new Promise<void>((resolve, reject) => { socket.once('open', () => resolve()); socket.once('error', reject); });
      socket.send(JSON.stringify({ type: 'message', id: randomUUID(), text: 'Where is my parcel?' }));
      const contactId = await answerNext(p2);
      await p2.complete(contactId);
      const survey = await until(`the survey frame of ${name}`, () => frames.find((f) => f.kind === 'survey'), 15_000);
      return { socket, frames, contactId, survey };
    };
    const first = await visit('lilei');
    expect(first.survey).toMatchObject({ type: 'system', kind: 'survey', text: QUESTION, scores: [1, 2, 3, 4, 5] });
    first.socket.send(JSON.stringify({ type: 'survey', id: 'answer-1', score: 7 }));
    await until('the refusal of score 7', () => first.frames.find((f) => f.type === 'error' && f.field === 'score'));
    first.socket.send(JSON.stringify({ type: 'survey', id: 'answer-2', score: 3, comment: 'fine' }));
    await until('the thanks', () => first.frames.find((f) => f.kind === 'survey-thanks'));
    const second = await visit('hanmeimei');
    await until('the chat answer on ROUTING', async () => (await routing()).find((e) => e.surveyAnswered && e.contactId === first.contactId), 15_000);
    first.socket.close();
    second.socket.close();
  });

  it('CSAT and response rate per queue (GetKpis, GetQueueStats) and per agent (routing-core over ROUTING) match the hand count', async () => {
    // Offered: phone, WeChat, email (p1) and two chats (p2) = 5. Answered: 4 (p1) 5 (p1) 2 (p1) 3 (p2); the
    // second email answer was refused. Queue: 4/5 = 0.8 answered, mean (4+5+2+3)/4 = 3.5, satisfied (4, 5) 2/4.
    // p1: 3/3, mean 11/3, satisfied 2/3. p2: 1/2, mean 3, satisfied 0.
    const events = await until('5 surveys offered and 4 answered', async () => {
      const all = await routing();
      return all.filter((e) => e.surveyOffered).length === 5 && all.filter((e) => e.surveyAnswered).length === 4 ? all : undefined;
    }, 15_000);
    expect(events.filter((e: RoutingEvent) => e.surveyAnswered).map((e) => [e.agentId, e.surveyAnswered!.score, e.queueId]).sort())
      .toEqual([['p1', 2, 'general'], ['p1', 4, 'general'], ['p1', 5, 'general'], ['p2', 3, 'general']]);
    const report = computeKpis(events.map(coreEventFromProto).filter((e): e is CoreEvent => e !== undefined));
    const byAgent = Object.fromEntries(report.agents.map((a) => [a.agentId, a]));
    expect(byAgent.p1).toMatchObject({ surveysOffered: 3, surveysAnswered: 3, surveyResponseRate: 1, csatSatisfied: 2 / 3 });
    expect(byAgent.p1!.csatScore).toBeCloseTo(11 / 3, 9);
    expect(byAgent.p2).toMatchObject({ surveysOffered: 2, surveysAnswered: 1, surveyResponseRate: 0.5, csatScore: 3, csatSatisfied: 0 });
    const queue = { surveysOffered: 5, surveysAnswered: 4, surveyResponseRate: 0.8, csatScore: 3.5, csatSatisfied: 0.5 };
    const kpis = GetKpisResponse.fromJSON(await (await fetch(`http://127.0.0.1:${ops.httpPort}/api/kpis?from=1h`, { headers: await opsAuthorization(mesh.domain) })).json());
    expect(kpis.kpis.find((k) => k.queueId === 'general')).toMatchObject(queue);
    const stats = await until('the queue\'s live CSAT', async () => {
      const r = await call(mesh.queueClient.getQueueStats.bind(mesh.queueClient), { domain: '', queueId: 'general' }, await mesh.auth('sup', 'supervisor'));
      return r.stats?.surveysAnswered === 4 ? r.stats : undefined;
    });
    expect(stats).toMatchObject(queue);
  });
});
