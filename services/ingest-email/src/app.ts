import type { FastifyInstance } from 'fastify';
import type { SMTPServer } from 'smtp-server';
import { createIngestHttpServer, type ContactPublisher, type RateLimitOptions } from '@switchboard/ingest-kit';
import type { Logger } from '@switchboard/telemetry';
import type { ConversationAgents } from './conversation-agents.js';
import { registerCloseThreadRoute, registerInboundEmailRoute, RAW_EMAIL_TYPES } from './http-routes.js';
import { createEmailIngestor } from './ingest.js';
import type { MessageIdLedger } from './message-id-ledger.js';
import { createSmtpListener } from './smtp-listener.js';

/** Everything the email service needs, injected so tests build it against their own NATS. */
export interface EmailAppDeps {
  readonly logger: Logger;
  readonly publisher: ContactPublisher;
  readonly readiness: () => Promise<boolean>;
  readonly domain: string;
  /** Message-IDs already stored (days), so late SMTP retries are not published again. */
  readonly ledger: MessageIdLedger;
  /** Who last handled each conversation, learned from routing events (see `followEmailAgents`). */
  readonly agents: ConversationAgents;
  /** `EMAIL_MAX_BYTES`: largest message over SMTP and HTTP (default 10 MiB). */
  readonly maxBytes?: number;
  /** `EMAIL_WEBHOOK_SIGNING_KEY`: when set, the webhook requires a Mailgun-style signature. */
  readonly webhookSigningKey?: string;
  readonly rateLimit?: RateLimitOptions | false;
  readonly smtpConnectionsPerMinute?: number;
  readonly now?: () => Date;
}

/** The HTTP app (webhook, health) and the SMTP listener, sharing one ingestor. Neither listens yet. */
export async function buildEmailApp(deps: EmailAppDeps): Promise<{ http: FastifyInstance; smtp: SMTPServer }> {
  const now = deps.now ?? (() => new Date());
  const maxBytes = deps.maxBytes ?? 10 * 1024 * 1024;
  const ingest = createEmailIngestor({ publisher: deps.publisher, domain: deps.domain, logger: deps.logger, ledger: deps.ledger, agents: deps.agents, now });
  const http = await createIngestHttpServer({
    logger: deps.logger,
    channel: 'email',
    readiness: deps.readiness,
    bodyLimitBytes: maxBytes,
    rawContentTypes: RAW_EMAIL_TYPES,
    ...(deps.rateLimit !== undefined ? { rateLimit: deps.rateLimit } : {}),
  });
  registerInboundEmailRoute(http, ingest, deps.webhookSigningKey, now);
  registerCloseThreadRoute(http, { publisher: deps.publisher, agents: deps.agents, domain: deps.domain, signingKey: deps.webhookSigningKey, now });
  const smtp = createSmtpListener({
    ingest,
    logger: deps.logger,
    maxBytes,
    ...(deps.smtpConnectionsPerMinute !== undefined ? { connectionsPerMinute: deps.smtpConnectionsPerMinute } : {}),
  });
  return { http, smtp };
}

/** Starts the SMTP listener; resolves with the bound port (pass 0 in tests). */
export function listenSmtp(smtp: SMTPServer, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    smtp.once('error', reject);
    smtp.listen(port, host, () => {
      smtp.off('error', reject);
      const address = smtp.server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

/** Stops accepting connections and waits (up to smtp-server's close timeout) for sessions to end. */
export function closeSmtp(smtp: SMTPServer): Promise<void> {
  return new Promise((resolve) => smtp.close(() => resolve()));
}
