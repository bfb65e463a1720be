import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { Channel, CustomerActionKind, RoutingEvent } from '@switchboard/contracts';
import { actionText } from '@switchboard/ingest-kit';
import { createIngestTestBed, publishRoutingBatch, type IngestTestBed } from '@switchboard/ingest-kit/testing';
import { createLogger } from '@switchboard/telemetry';
import { generateTestCa, type TestCa } from '@switchboard/testkit';
import { followEmailAcks } from './ack-follower.js';
import { EmailAcknowledger } from './acknowledger.js';
import { closeSmtp, listenSmtp } from './app.js';
import { emailContactId } from './email-mapper.js';
import { ReplyTargets } from './reply-targets.js';
import { createRelayTransport, smtpRelayFromEnv } from './smtp-relay.js';
import { mailer, startEmailApp, type RunningEmailApp } from './test-support.js';

/** A relay on loopback that keeps what it is given: the test's view of the customer's mailbox. */
class SmtpSink {
  readonly received: { mail: ParsedMail; secure: boolean; user: string | undefined }[] = [];
  /** SMTP codes to answer the next messages with (nothing is kept for them). */
  readonly failNext: number[] = [];
  readonly server: SMTPServer;
  port = 0;

  constructor(tls?: { key: string; cert: string }) {
    this.server = new SMTPServer({
      authMethods: ['PLAIN', 'LOGIN'],
      authOptional: true,
      allowInsecureAuth: true,
      logger: false,
      ...(tls ? { key: tls.key, cert: tls.cert } : { disabledCommands: ['STARTTLS'] }),
      onAuth: (auth, _session, callback) => (auth.username === 'relay-user' && auth.password === 'relay-pass'
        ? callback(null, { user: auth.username })
        : callback(Object.assign(new Error('bad credentials'), { responseCode: 535 }))),
      onData: (stream, session, callback) => {
        const code = this.failNext.shift();
        if (code !== undefined) {
          stream.resume();
          stream.on('end', () => callback(Object.assign(new Error(`${code} injected`), { responseCode: code })));
          return;
        }
        simpleParser(stream).then((mail) => {
          this.received.push({ mail, secure: session.secure, user: session.user as string | undefined });
          callback();
        }, callback);
      },
    });
  }

  async start(): Promise<void> {
    this.port = await listenSmtp(this.server, 0, '127.0.0.1');
  }
}

describe('email acknowledgments of rejected and expired contacts through an SMTP relay (nodemailer)', () => {
  let bed: IngestTestBed;
  let app: RunningEmailApp;
  let sink: SmtpSink;
  let acks: { stop(): Promise<void> } | undefined;
  let targets: ReplyTargets;
  let targetBucket = '';
  let sequence = 0;
  let ca: TestCa | undefined;
  const logger = createLogger({ service: 'ingest-email-test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const FROM = 'Support <support@switchboard.test>';

  async function start(options: { tls?: boolean; relayUrl?: (port: number) => string } = {}): Promise<void> {
    if (options.tls) ca = generateTestCa();
    sink = new SmtpSink(options.tls && ca ? ca.issue('relay.switchboard.test', { ip: ['127.0.0.1'] }) : undefined);
    await sink.start();
    targetBucket = `EMAILACK_${bed.scope.id}_${randomBytes(3).toString('hex')}`.toUpperCase();
    targets = await ReplyTargets.open(bed.bus.nc, { bucket: targetBucket });
    app = await startEmailApp(bed, { replyTargets: targets });
    const relay = smtpRelayFromEnv({
      EMAIL_SMTP_RELAY_URL: options.relayUrl?.(sink.port) ?? `smtp://relay-user:relay-pass@127.0.0.1:${sink.port}`,
      EMAIL_ACK_FROM: FROM,
      ...(options.tls && ca ? { EMAIL_SMTP_TLS_CA: ca.caFile, EMAIL_SMTP_REQUIRE_TLS: 'true' } : {}),
    });
    const transport = createRelayTransport(relay!);
    acks = await followEmailAcks({ bus: bed.bus, domain: bed.scope.domain, logger, acknowledger: new EmailAcknowledger({ targets, transport, from: relay!.from, logger }) });
  }

  beforeEach(async () => { bed = await createIngestTestBed('mailack'); });
  afterEach(async () => {
    await acks?.stop();
    acks = undefined;
    await app.close();
    await closeSmtp(sink.server);
    await bed.bus.jsm.streams.delete(`KV_${targetBucket}`).catch(() => undefined);
    await bed.close();
    ca?.cleanup();
    ca = undefined;
  });

  const routingEvent = (contactId: string, body: Partial<RoutingEvent>) => RoutingEvent.fromPartial({
    id: `${bed.scope.domain}:${++sequence}`, domain: bed.scope.domain, sequence, occurredAt: new Date(), contactId, queueId: 'email-general', channel: Channel.CHANNEL_EMAIL, ...body,
  });
  const publish = (...events: RoutingEvent[]) => publishRoutingBatch(bed.bus.js, bed.names, bed.scope.domain, events);
  const message = { kind: CustomerActionKind.CUSTOMER_ACTION_KIND_MESSAGE, targetQueueId: '', message: [] };
  const settle = () => new Promise((resolve) => setTimeout(resolve, 400));

  it('answers an expired contact in the customer\'s language, threaded on their message, once however often the event comes', async () => {
    await start();
    await mailer(app.smtpPort).sendMail({
      from: 'Ana <ana@example.net>', to: 'support@switchboard.test', subject: 'Where is my refund?', text: 'Order 1234',
      messageId: '<m2@example.net>', references: ['<m1@example.net>'], inReplyTo: '<m1@example.net>', headers: { 'Content-Language': 'en-GB' },
    });
    const contactId = emailContactId(bed.scope.domain, '<m2@example.net>');
    const expired = routingEvent(contactId, { expired: { waitSeconds: 86_400, reason: 'MAX_WAIT', action: { kind: CustomerActionKind.CUSTOMER_ACTION_KIND_LEAVE_EMAIL, targetQueueId: '', message: [] } } });
    await publish(expired);
    await expect.poll(() => sink.received).toHaveLength(1);
    const { mail, user } = sink.received[0]!;
    expect(user).toBe('relay-user');
    expect(mail.subject).toBe('Re: Where is my refund?');
    expect(mail.inReplyTo).toBe('<m2@example.net>');
    expect(mail.references).toEqual(['<m1@example.net>', '<m2@example.net>']);
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.value[0] : undefined).toMatchObject({ address: 'ana@example.net', name: 'Ana' });
    expect(mail.from?.value[0]?.address).toBe('support@switchboard.test');
    expect(mail.headers.get('auto-submitted')).toBe('auto-replied');
    expect(mail.text?.trim()).toBe(actionText('en', 'MAX_WAIT', { kind: 'LEAVE_EMAIL' }));

    // The relay republishing the event (a takeover) mails nothing more.
    await publish(expired);
    await settle();
    expect(sink.received).toHaveLength(1);
  });

  it('writes Chinese and English when the mail named no language, the queue\'s own words when it has them, and skips other channels', async () => {
    await start();
    await mailer(app.smtpPort).sendMail({ from: 'bo@example.cn', to: 'support@switchboard.test', subject: '发票', text: '请开发票', messageId: '<z1@example.cn>' });
    await mailer(app.smtpPort).sendMail({ from: 'li@example.cn', to: 'support@switchboard.test', subject: '投诉', text: '…', messageId: '<z2@example.cn>', headers: { 'Content-Language': 'zh-CN' } });
    const bo = emailContactId(bed.scope.domain, '<z1@example.cn>');
    const li = emailContactId(bed.scope.domain, '<z2@example.cn>');
    await publish(
      routingEvent(bo, { channel: Channel.CHANNEL_CHAT, rejected: { reason: 'CLOSED', action: message } }),
      routingEvent(bo, { rejected: { reason: 'CLOSED', action: message } }),
      routingEvent(li, { rejected: { reason: 'QUEUE_FULL', action: { ...message, message: [{ language: 'zh', text: '排队人数已满，我们会在一个工作日内回复您。' }] } } }),
    );
    await expect.poll(() => sink.received).toHaveLength(2);
    const byTo = (address: string) => sink.received.find((r) => !Array.isArray(r.mail.to) && r.mail.to?.value[0]?.address === address)?.mail;
    expect(byTo('bo@example.cn')?.text?.trim()).toBe(`${actionText('zh', 'CLOSED', { kind: 'MESSAGE' })}\n\n${actionText('en', 'CLOSED', { kind: 'MESSAGE' })}`);
    expect(byTo('bo@example.cn')?.subject).toBe('Re: 发票');
    expect(byTo('li@example.cn')?.text?.trim()).toBe('排队人数已满，我们会在一个工作日内回复您。');
  });

  it('retries a relay that answers 451 with backoff and mails once; a 5xx refusal is not retried', async () => {
    await start();
    await mailer(app.smtpPort).sendMail({ from: 'cy@example.net', to: 'support@switchboard.test', subject: 'Hi', text: 'x', messageId: '<r1@example.net>' });
    await mailer(app.smtpPort).sendMail({ from: 'dee@example.net', to: 'support@switchboard.test', subject: 'Hi', text: 'x', messageId: '<r2@example.net>' });
    sink.failNext.push(451, 451);
    await publish(routingEvent(emailContactId(bed.scope.domain, '<r1@example.net>'), { expired: { waitSeconds: 10, reason: 'CLOSED', action: message } }));
    await expect.poll(() => sink.received, { timeout: 15_000 }).toHaveLength(1);
    expect(sink.received[0]?.mail.text?.trim()).toBe(`${actionText('zh', 'CLOSED', { kind: 'MESSAGE' })}\n\n${actionText('en', 'CLOSED', { kind: 'MESSAGE' })}`);

    sink.failNext.push(550);
    await publish(routingEvent(emailContactId(bed.scope.domain, '<r2@example.net>'), { expired: { waitSeconds: 10, reason: 'MAX_WAIT', action: message } }));
    await expect.poll(() => sink.failNext).toHaveLength(0);
    await settle();
    expect(sink.received).toHaveLength(1);
    expect((await bed.bus.jsm.consumers.info(bed.names.routingStream, `ingest-email-${bed.scope.domain}-ack-expired`)).num_ack_pending).toBe(0);
  });

  it('upgrades to STARTTLS offered by the relay and verifies it against EMAIL_SMTP_TLS_CA', async () => {
    await start({ tls: true, relayUrl: (port) => `smtp://relay-user:relay-pass@127.0.0.1:${port}` });
    await mailer(app.smtpPort).sendMail({ from: 'eve@example.net', to: 'support@switchboard.test', subject: 'TLS', text: 'x', messageId: '<t1@example.net>', headers: { 'Content-Language': 'en' } });
    await publish(routingEvent(emailContactId(bed.scope.domain, '<t1@example.net>'), { rejected: { reason: 'QUEUE_FULL', action: message } }));
    await expect.poll(() => sink.received).toHaveLength(1);
    expect(sink.received[0]?.secure).toBe(true);
  });
});

describe('smtpRelayFromEnv', () => {
  it('is off without a relay, and refuses a relay without From or with another scheme', () => {
    expect(smtpRelayFromEnv({})).toBeUndefined();
    expect(() => smtpRelayFromEnv({ EMAIL_SMTP_RELAY_URL: 'smtp://relay:587' })).toThrow(/EMAIL_ACK_FROM/);
    expect(() => smtpRelayFromEnv({ EMAIL_SMTP_RELAY_URL: 'http://relay', EMAIL_ACK_FROM: 'a@b.c' })).toThrow(/smtp:\/\/ or smtps:\/\//);
    expect(() => smtpRelayFromEnv({ EMAIL_SMTP_RELAY_URL: 'smtp://relay:587', EMAIL_ACK_FROM: 'a@b.c', EMAIL_SMTP_REQUIRE_TLS: 'yes' })).toThrow(/true or false/);
    expect(smtpRelayFromEnv({ EMAIL_SMTP_RELAY_URL: 'smtps://u:p@relay:465', EMAIL_ACK_FROM: 'Support <s@b.c>' })).toEqual({ url: 'smtps://u:p@relay:465', from: 'Support <s@b.c>', requireTls: false });
  });
});
