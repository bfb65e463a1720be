import type { FastifyInstance } from 'fastify';
import type { SMTPServer } from 'smtp-server';
import { createHash } from 'node:crypto';
import { createIngestHttpServer, type ContactPublisher, type RateLimitOptions, type ReplayGuard } from '@switchboard/ingest-kit';
import type { Logger } from '@switchboard/telemetry';
import type { ConversationAgents } from './conversation-agents.js';
import { registerWebhookRoutes } from './http-routes.js';
import { createEmailIngestor } from './ingest.js';
import type { MessageIdLedger } from './message-id-ledger.js';
import { createSmtpListener } from './smtp-listener.js';
import type { ReplyTargets } from './reply-targets.js';
import { hasValidMailgunSignature } from './webhook-auth.js';
import type { SurveyLinkSettings } from './email-survey.js';
import { registerSurveyRoutes } from './survey-routes.js';

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
  /** Whom each contact's acknowledgment goes to, when acknowledgments are on (see `followEmailAcks`). */
  readonly replyTargets?: ReplyTargets;
  /** `EMAIL_MAX_BYTES`: largest message over SMTP and HTTP (default 10 MiB). */
  readonly maxBytes?: number;
  /**
   * The signed HTTP webhook (`POST /v1/inbound-email`, `POST /v1/conversations/close`):
   * `EMAIL_WEBHOOK_SIGNING_KEY` and the replay guard of its tokens. Absent, the routes are not
   * registered at all (404): there is no unsigned way in.
   */
  readonly webhook?: { readonly signingKey: string; readonly replay: ReplayGuard };
  /**
   * Webhook request limits. Requests whose signature verifies are counted per signing key (the
   * platform account), all others per client address.
   */
  readonly rateLimit?: Omit<RateLimitOptions, 'keyGenerator'> | false;
  readonly smtpConnectionsPerMinute?: number;
  /** `EMAIL_SMTP_MAX_RECIPIENTS`: recipients per SMTP transaction (default 50). */
  readonly smtpMaxRecipients?: number;
  /** `EMAIL_SURVEY_SECRET` / `EMAIL_SURVEY_URL`: the survey pages (`/v1/surveys?token=`); absent, not registered. */
  readonly surveyLinks?: SurveyLinkSettings;
  readonly now?: () => Date;
}

/** The HTTP app (webhook, health) and the SMTP listener, sharing one ingestor. Neither listens yet. */
export async function buildEmailApp(deps: EmailAppDeps): Promise<{ http: FastifyInstance; smtp: SMTPServer }> {
  const now = deps.now ?? (() => new Date());
  const maxBytes = deps.maxBytes ?? 10 * 1024 * 1024;
  const ingest = createEmailIngestor({
    publisher: deps.publisher, domain: deps.domain, logger: deps.logger, ledger: deps.ledger, agents: deps.agents, now,
    ...(deps.replyTargets ? { replyTargets: deps.replyTargets } : {}),
  });
  const webhook = deps.webhook;
  // The platform account of a signed request: the signing key's fingerprint, never the key.
  const account = webhook ? `mailgun:${createHash('sha256').update(webhook.signingKey).digest('hex').slice(0, 16)}` : '';
  const http = await createIngestHttpServer({
    logger: deps.logger,
    channel: 'email',
    readiness: deps.readiness,
    bodyLimitBytes: maxBytes,
    ...(deps.rateLimit === false
      ? { rateLimit: false as const }
      : { rateLimit: { ...deps.rateLimit, keyGenerator: (request) => (webhook && hasValidMailgunSignature(request, webhook.signingKey) ? account : undefined) } }),
  });
  if (webhook) {
    await registerWebhookRoutes(http, { ingest, publisher: deps.publisher, agents: deps.agents, domain: deps.domain, signingKey: webhook.signingKey, replay: webhook.replay, now });
  }
  if (deps.surveyLinks) await registerSurveyRoutes(http, { links: deps.surveyLinks, publisher: deps.publisher, domain: deps.domain, now });
  const smtp = createSmtpListener({
    ingest,
    logger: deps.logger,
    maxBytes,
    ...(deps.smtpConnectionsPerMinute !== undefined ? { connectionsPerMinute: deps.smtpConnectionsPerMinute } : {}),
    ...(deps.smtpMaxRecipients !== undefined ? { maxRecipients: deps.smtpMaxRecipients } : {}),
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
