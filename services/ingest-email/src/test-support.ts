// Shared by this service's tests only (not exported by the package).
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import nodemailer from 'nodemailer';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { createLogger } from '@switchboard/telemetry';
import type { IngestTestBed } from '@switchboard/ingest-kit/testing';
import { followEmailAgents } from './agent-follower.js';
import { buildEmailApp, closeSmtp, listenSmtp, type EmailAppDeps } from './app.js';
import { ConversationAgents } from './conversation-agents.js';
import { MessageIdLedger } from './message-id-ledger.js';

/** The email service on free ports against the test bed's streams. */
export interface RunningEmailApp {
  readonly httpUrl: string;
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
}

/** Options of {@link startEmailApp} beyond the app's own dependencies. */
export interface StartEmailAppOptions extends Partial<EmailAppDeps> {
  /** Reuse these buckets (a restart) instead of fresh ones. */
  readonly buckets?: EmailBuckets;
  /** Ledger entries' lifetime (default the production one). */
  readonly ledgerTtlMs?: number;
}

/**
 * Builds and starts the service as main.ts does (ledger, conversation store, the routing-event
 * follower) on buckets unique to this app unless `buckets` is given.
 */
export async function startEmailApp(bed: IngestTestBed, overrides: StartEmailAppOptions = {}): Promise<RunningEmailApp> {
  const { buckets: reuse, ledgerTtlMs, ...deps } = overrides;
  const suffix = `${bed.scope.id}_${randomBytes(3).toString('hex')}`.toUpperCase();
  const buckets = reuse ?? { ledger: `EMAILIDS_${suffix}`, conversations: `EMAILCONV_${suffix}` };
  const logger = createLogger({ service: 'ingest-email-test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const isConnected = () => bed.bus.isConnected();
  const ledger = await MessageIdLedger.open(bed.bus.nc, { bucket: buckets.ledger, isConnected, ...(ledgerTtlMs ? { ttlMs: ledgerTtlMs } : {}) });
  const agents = await ConversationAgents.open(bed.bus.nc, { bucket: buckets.conversations, isConnected });
  const follower = await followEmailAgents({ bus: bed.bus, domain: bed.scope.domain, agents, logger });
  const { http, smtp } = await buildEmailApp({
    logger,
    publisher: bed.publisher,
    ledger,
    agents,
    readiness: () => bed.bus.ready(),
    domain: bed.scope.domain,
    rateLimit: false,
    smtpConnectionsPerMinute: 100_000,
    ...deps,
  });
  const httpUrl = await http.listen({ host: '127.0.0.1', port: 0 });
  const smtpPort = await listenSmtp(smtp, 0, '127.0.0.1');
  return {
    httpUrl,
    smtpPort,
    buckets,
    ledger,
    agents,
    close: async (options = {}) => {
      await Promise.all([http.close(), closeSmtp(smtp)]);
      await follower.stop();
      if (options.keepBuckets || bed.bus.nc.isClosed()) return;
      for (const bucket of [buckets.ledger, buckets.conversations]) await bed.bus.jsm.streams.delete(`KV_${bucket}`).catch(() => undefined);
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
