import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import { classifyError, retryAfterSeconds, SourceLimiter, type IngestFailure } from '@switchboard/ingest-kit';
import type { Logger } from '@switchboard/telemetry';
import type { EmailIngestor } from './ingest.js';
import { smtpTlsFromEnv, type SmtpTlsOptions } from './smtp-tls.js';

/** Options of {@link createSmtpListener}. */
export interface SmtpListenerOptions {
  readonly ingest: EmailIngestor;
  readonly logger: Logger;
  /** Largest message accepted, announced as SIZE (default 10 MiB). */
  readonly maxBytes?: number;
  /** Connections per client IP and minute (default 120); more are refused with 421. */
  readonly connectionsPerMinute?: number;
  /** Recipients per transaction (default 50); more are answered 452 4.5.3 one by one. */
  readonly maxRecipients?: number;
  /** Host name in the greeting. */
  readonly hostname?: string;
  /** STARTTLS with this certificate; by default from `SMTP_TLS_CERT`/`SMTP_TLS_KEY`, none when unset. */
  readonly starttls?: SmtpTlsOptions;
}

/** An error smtp-server sends to the client as `<responseCode> <message>`. */
function smtpError(responseCode: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode });
}

/**
 * SMTP answers for each failure: 4xx makes the sending MTA queue and retry (bus down, our bug),
 * 5xx makes it bounce (malformed, too large).
 */
export function smtpReplyFor(failure: IngestFailure): Error {
  switch (failure.kind) {
    case 'too_large':
      return smtpError(552, '5.3.4 Message too big');
    case 'invalid':
      return smtpError(550, `5.6.0 Message refused: ${failure.field} ${failure.rule}`);
    case 'unavailable':
    case 'internal':
      return smtpError(451, '4.3.0 Temporary failure, try again later');
    case 'rate_limited':
      return smtpError(421, `4.7.0 Too many connections, try again in ${failure.retryAfterSeconds} s`);
    default:
      return smtpError(550, '5.7.1 Message refused');
  }
}

/**
 * An inbound SMTP listener (no AUTH: it receives mail addressed to the contact centre, like an
 * MX). Declared SIZE over the limit is refused at MAIL FROM with 552 by smtp-server itself; a
 * client that does not declare it trips `stream.sizeExceeded` and gets 552 after DATA. A message
 * is acknowledged (250) only after JetStream stored its contact; with NATS down the answer is 451.
 */
export function createSmtpListener(options: SmtpListenerOptions): SMTPServer {
  const maxBytes = options.maxBytes ?? 10 * 1024 * 1024;
  const maxRecipients = options.maxRecipients ?? 50;
  const limiter = new SourceLimiter(options.connectionsPerMinute ?? 120, 60_000);
  const log = options.logger.child({ component: 'smtp' });
  const tls = options.starttls ?? smtpTlsFromEnv();
  return new SMTPServer({
    name: options.hostname ?? 'switchboard-ingest-email',
    banner: 'Switchboard ingest-email',
    size: maxBytes,
    authOptional: true,
    // STARTTLS is offered once a certificate is configured; sending MTAs use it opportunistically.
    disabledCommands: tls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
    ...(tls ? { key: tls.key, cert: tls.cert } : {}),
    logger: false,
    closeTimeout: 5_000,
    onConnect(session, callback) {
      const decision = limiter.take(session.remoteAddress);
      if (decision.allowed) return callback();
      log.info({ retryAfterMs: decision.retryAfterMs }, 'connection refused: rate limited');
      return callback(smtpReplyFor({ kind: 'rate_limited', message: 'rate limited', retryAfterSeconds: retryAfterSeconds(decision.retryAfterMs) }));
    },
    onRcptTo(address, session, callback) {
      // 452 4.5.3 (RFC 5321 §4.5.3.1.10) refuses this recipient only: the sending MTA delivers
      // the message to the recipients already accepted and sends the rest in a new transaction,
      // which the Message-ID ledger answers 250 without a second contact. A 5xx would bounce
      // them; a 4xx for the whole message would have it retried for days.
      if (session.envelope.rcptTo.length >= maxRecipients) {
        return callback(smtpError(452, `4.5.3 Too many recipients: at most ${maxRecipients} per message, send the rest in another transaction`));
      }
      return callback();
    },
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback) {
      const chunks: Buffer[] = [];
      let bytes = 0;
      // Keep reading past the limit (the client must finish DATA to hear 552) without buffering it.
      stream.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes <= maxBytes) chunks.push(chunk);
      });
      stream.on('error', (error) => callback(smtpReplyFor(classifyError(error))));
      stream.on('end', () => {
        if (stream.sizeExceeded || bytes > maxBytes) return callback(smtpReplyFor({ kind: 'too_large', message: 'too large' }));
        const recipient = session.envelope.rcptTo[0]?.address;
        options.ingest(Buffer.concat(chunks), 'smtp', recipient).then(
          (result) => callback(null, `2.0.0 Queued as ${result.contactId}`),
          (error: unknown) => {
            const failure = classifyError(error);
            if (failure.kind === 'internal') log.error({ err: error }, 'message failed');
            else log.info({ kind: failure.kind }, 'message refused');
            callback(smtpReplyFor(failure));
          },
        );
      });
    },
  });
}
