// Shared by this service's tests only (not exported by the package).
import { createHmac, randomBytes } from 'node:crypto';
import net from 'node:net';
import type { FastifyInstance } from 'fastify';
import nodemailer from 'nodemailer';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { createLogger } from '@switchboard/telemetry';
import { ReplayGuard } from '@switchboard/ingest-kit';
import type { IngestTestBed } from '@switchboard/ingest-kit/testing';
import { followEmailAgents } from './agent-follower.js';
import { buildEmailApp, closeSmtp, listenSmtp, type EmailAppDeps } from './app.js';
import { ConversationAgents } from './conversation-agents.js';
import { MessageIdLedger } from './message-id-ledger.js';

/** The webhook signing key of the test apps. */
export const WEBHOOK_KEY = 'test-mailgun-signing-key';

/**
 * Mailgun-style signature headers with a fresh token (a token is good for one body only), at
 * `timestampSeconds` (default now), signed with `key` (default {@link WEBHOOK_KEY}).
 */
export function signedHeaders(options: { timestampSeconds?: number; token?: string; key?: string } = {}): Record<string, string> {
  const timestamp = String(options.timestampSeconds ?? Math.floor(Date.now() / 1000));
  const token = options.token ?? randomBytes(25).toString('hex');
  const signature = createHmac('sha256', options.key ?? WEBHOOK_KEY).update(`${timestamp}${token}`).digest('hex');
  return { 'x-mailgun-timestamp': timestamp, 'x-mailgun-token': token, 'x-mailgun-signature': signature };
}

/** The email service on free ports against the test bed's streams. */
export interface RunningEmailApp {
  readonly httpUrl: string;
  /** The HTTP server itself, for `inject` (no sockets: fuzzing thousands of requests). */
  readonly http: FastifyInstance;
  readonly smtpPort: number;
  /** The KV buckets it keeps its memory in; pass them to a second app to play a restart. */
  readonly buckets: EmailBuckets;
  readonly ledger: MessageIdLedger;
  readonly agents: ConversationAgents;
  /** Stops the app; `keepBuckets` leaves its KV buckets for a restarted app. */
  close(options?: { keepBuckets?: boolean }): Promise<void>;
}

/** The bucket names of one app's ledger and conversation store. */
export interface EmailBuckets {
  readonly ledger: string;
  readonly conversations: string;
  readonly replay: string;
}

/** Options of {@link startEmailApp} beyond the app's own dependencies. */
export interface StartEmailAppOptions extends Partial<EmailAppDeps> {
  /** Reuse these buckets (a restart) instead of fresh ones. */
  readonly buckets?: EmailBuckets;
  /** Ledger entries' lifetime (default the production one). */
  readonly ledgerTtlMs?: number;
  /** The webhook's signing key (default {@link WEBHOOK_KEY}); `false`: no webhook routes (SMTP only). */
  readonly signingKey?: string | false;
  /** The replay guard's clock (default the real one). */
  readonly nowSeconds?: () => number;
}

/**
 * Builds and starts the service as main.ts does (ledger, conversation store, the routing-event
 * follower) on buckets unique to this app unless `buckets` is given.
 */
export async function startEmailApp(bed: IngestTestBed, overrides: StartEmailAppOptions = {}): Promise<RunningEmailApp> {
  const { buckets: reuse, ledgerTtlMs, signingKey = WEBHOOK_KEY, nowSeconds, ...deps } = overrides;
  const suffix = `${bed.scope.id}_${randomBytes(3).toString('hex')}`.toUpperCase();
  const buckets = reuse ?? { ledger: `EMAILIDS_${suffix}`, conversations: `EMAILCONV_${suffix}`, replay: `EMAILREPLAY_${suffix}` };
  const logger = createLogger({ service: 'ingest-email-test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const isConnected = () => bed.bus.isConnected();
  const ledger = await MessageIdLedger.open(bed.bus.nc, { bucket: buckets.ledger, isConnected, ...(ledgerTtlMs ? { ttlMs: ledgerTtlMs } : {}) });
  const agents = await ConversationAgents.open(bed.bus.nc, { bucket: buckets.conversations, isConnected });
  const follower = await followEmailAgents({ bus: bed.bus, domain: bed.scope.domain, agents, logger });
  const replay = signingKey === false ? undefined
    : await ReplayGuard.open(bed.bus.nc, { bucket: buckets.replay, isConnected, ...(nowSeconds ? { nowSeconds } : {}) });
  const { http, smtp } = await buildEmailApp({
    logger,
    publisher: bed.publisher,
    ledger,
    agents,
    readiness: () => bed.bus.ready(),
    domain: bed.scope.domain,
    rateLimit: false,
    smtpConnectionsPerMinute: 100_000,
    ...(signingKey !== false && replay ? { webhook: { signingKey, replay } } : {}),
    ...deps,
  });
  const httpUrl = await http.listen({ host: '127.0.0.1', port: 0 });
  const smtpPort = await listenSmtp(smtp, 0, '127.0.0.1');
  return {
    httpUrl,
    http,
    smtpPort,
    buckets,
    ledger,
    agents,
    close: async (options = {}) => {
      await Promise.all([http.close(), closeSmtp(smtp)]);
      await follower.stop();
      if (options.keepBuckets || bed.bus.nc.isClosed()) return;
      for (const bucket of [buckets.ledger, buckets.conversations, buckets.replay]) await bed.bus.jsm.streams.delete(`KV_${bucket}`).catch(() => undefined);
    },
  };
}

/** A nodemailer SMTP transport to the listener (plain SMTP on loopback, as an MTA relays to it). */
export function mailer(port: number) {
  return nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, pool: false });
}

/** The SMTP response code of a failed nodemailer send, or 250 when it succeeded. */
export async function smtpCode(send: () => Promise<unknown>): Promise<number> {
  try {
    await send();
    return 250;
  } catch (error) {
    const code = (error as { responseCode?: number }).responseCode;
    if (typeof code !== 'number') throw error;
    return code;
  }
}

/** Sends raw bytes over one SMTP session with nodemailer's own SMTP client; `size` is declared as SIZE. */
export function sendRaw(port: number, message: string | Buffer, envelope: { size?: number } = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const connection = new SMTPConnection({ host: '127.0.0.1', port, ignoreTLS: true });
    connection.on('error', reject);
    connection.connect(() => {
      connection.send({ from: 'customer@example.net', to: ['support@switchboard.test'], ...envelope }, message, (error) => {
        connection.quit();
        if (!error) return resolve(250);
        const code = (error as { responseCode?: number }).responseCode;
        return typeof code === 'number' ? resolve(code) : reject(error);
      });
    });
  });
}

/**
 * Speaks SMTP line by line over a socket and returns each reply's code, for what client
 * libraries refuse to send (nodemailer checks a declared SIZE itself before MAIL FROM).
 */
export function smtpDialog(port: number, commands: readonly string[]): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const codes: number[] = [];
    let buffer = '';
    let next = 0;
    socket.setEncoding('utf8');
    socket.on('error', reject);
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      let end: number;
      while ((end = buffer.indexOf('\r\n')) !== -1) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (line[3] === '-') continue; // a multi-line reply goes on
        codes.push(Number(line.slice(0, 3)));
        const command = commands[next++];
        if (command === undefined) {
          socket.end();
          return resolve(codes.slice(1));
        }
        socket.write(`${command}\r\n`);
      }
    });
  });
}

/**
 * One SMTP connection kept open for many transactions, speaking the protocol line by line (a
 * fuzz suite sends thousands of messages; a connection per message would measure TCP instead).
 */
export class SmtpSession {
  private buffer = '';
  private waiting: ((code: number) => void) | undefined;
  private readonly replies: number[] = [];

  private constructor(private readonly socket: net.Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      let end: number;
      while ((end = this.buffer.indexOf('\r\n')) !== -1) {
        const line = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end + 2);
        if (line[3] === '-') continue;
        this.replies.push(Number(line.slice(0, 3)));
        this.flush();
      }
    });
  }

  /** Connects and reads the greeting; resolves once EHLO was answered. */
  static async open(port: number): Promise<SmtpSession> {
    const socket = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    const session = new SmtpSession(socket);
    await session.reply();
    await session.command('EHLO fuzz.example.net');
    return session;
  }

  /** Sends one command line and resolves with its reply code. */
  command(line: string): Promise<number> {
    this.socket.write(`${line}\r\n`);
    return this.reply();
  }

  /**
   * One transaction: MAIL FROM, RCPT TO each recipient, DATA and the dot-stuffed message.
   * @returns the first reply code that refused a step, else the final code after the message.
   */
  async send(message: string | Buffer, recipients: readonly string[] = ['support@switchboard.test']): Promise<number> {
    const mail = await this.command('MAIL FROM:<fuzz@example.net>');
    if (mail !== 250) return mail;
    let accepted = 0;
    let refused = 0;
    for (const to of recipients) {
      const code = await this.command(`RCPT TO:<${to}>`);
      if (code === 250) accepted++;
      else refused = refused || code;
    }
    if (accepted === 0) {
      await this.command('RSET');
      return refused;
    }
    const data = await this.command('DATA');
    if (data !== 354) return data;
    const text = (Buffer.isBuffer(message) ? message.toString('latin1') : message).replace(/\r?\n/g, '\r\n').replace(/^\./gm, '..');
    this.socket.write(`${text}${text.endsWith('\r\n') ? '' : '\r\n'}.\r\n`);
    return this.reply();
  }

  async close(): Promise<void> {
    await this.command('QUIT').catch(() => undefined);
    this.socket.destroy();
  }

  private reply(): Promise<number> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no SMTP reply within 5 s')), 5_000);
      this.waiting = (code) => { clearTimeout(timer); resolve(code); };
      this.flush();
    });
  }

  private flush(): void {
    if (!this.waiting || this.replies.length === 0) return;
    const resolve = this.waiting;
    this.waiting = undefined;
    resolve(this.replies.shift()!);
  }
}
