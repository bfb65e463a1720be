import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { IngestConfigError, optionalSecret } from '@switchboard/ingest-kit';
import { pem } from './smtp-tls.js';

/** The outbound relay acknowledgments go through, from the environment. */
export interface SmtpRelayConfig {
  /** `EMAIL_SMTP_RELAY_URL`: `smtp://user:pass@host:587` (STARTTLS when offered) or `smtps://…:465`. */
  readonly url: string;
  /** `EMAIL_ACK_FROM`: the acknowledgments' From, e.g. `Support <support@example.com>`. */
  readonly from: string;
  /** `EMAIL_SMTP_REQUIRE_TLS=true`: refuse to send unless the relay takes STARTTLS. */
  readonly requireTls: boolean;
  /** `EMAIL_SMTP_TLS_CA`: a PEM file of the CA to trust for a relay with a private CA. */
  readonly ca?: Buffer;
}

const ADDRESS = /<?[^\s@<>]+@[^\s@<>]+>?\s*$/;

/**
 * The relay settings, or undefined when `EMAIL_SMTP_RELAY_URL` is unset (no acknowledgments).
 * @throws IngestConfigError for a URL that is not smtp:// or smtps://, a missing or malformed
 * `EMAIL_ACK_FROM`, or a bad `EMAIL_SMTP_REQUIRE_TLS`; SmtpTlsConfigError for an unreadable CA.
 */
export function smtpRelayFromEnv(env: NodeJS.ProcessEnv): SmtpRelayConfig | undefined {
  const url = optionalSecret(env, 'EMAIL_SMTP_RELAY_URL');
  if (!url) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new IngestConfigError('EMAIL_SMTP_RELAY_URL is not a URL (smtp://user:pass@host:587)');
  }
  if (parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:') throw new IngestConfigError('EMAIL_SMTP_RELAY_URL must be smtp:// or smtps://');
  const from = (env.EMAIL_ACK_FROM ?? '').trim();
  if (!ADDRESS.test(from)) throw new IngestConfigError('EMAIL_SMTP_RELAY_URL needs EMAIL_ACK_FROM, the acknowledgments\' From address');
  const requireText = (env.EMAIL_SMTP_REQUIRE_TLS ?? '').trim().toLowerCase();
  if (!['', 'true', 'false'].includes(requireText)) throw new IngestConfigError('EMAIL_SMTP_REQUIRE_TLS must be true or false');
  return {
    url,
    from,
    requireTls: requireText === 'true',
    ...(env.EMAIL_SMTP_TLS_CA ? { ca: pem('EMAIL_SMTP_TLS_CA', env.EMAIL_SMTP_TLS_CA) } : {}),
  };
}

/**
 * nodemailer's SMTP transport to the relay: STARTTLS whenever the relay offers it (required with
 * `requireTls`), certificates verified (against `ca` when set), bounded connection, greeting and
 * socket waits so a hung relay fails the attempt (the batch is retried) instead of holding it.
 */
export function createRelayTransport(config: SmtpRelayConfig): Transporter<SMTPTransport.SentMessageInfo> {
  return nodemailer.createTransport({
    url: config.url,
    requireTLS: config.requireTls,
    tls: { rejectUnauthorized: true, minVersion: 'TLSv1.2', ...(config.ca ? { ca: config.ca } : {}) },
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  } as SMTPTransport.Options);
}
