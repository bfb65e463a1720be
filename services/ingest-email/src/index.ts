// The public surface of @switchboard/ingest-email: its wiring, run by its own main and by ingest-all.
import { IngestConfigError, optionalSecret, ReplayGuard, type IngestRuntime, type IngestServiceDefinition, type RunningService } from '@switchboard/ingest-kit';
import { followEmailAcks } from './ack-follower.js';
import { EmailAcknowledger } from './acknowledger.js';
import { followEmailAgents } from './agent-follower.js';
import { buildEmailApp, closeSmtp, listenSmtp } from './app.js';
import { ConversationAgents } from './conversation-agents.js';
import { MessageIdLedger } from './message-id-ledger.js';
import { ReplyTargets } from './reply-targets.js';
import { createRelayTransport, smtpRelayFromEnv } from './smtp-relay.js';
import { followEmailSurveys, surveyLinksFromEnv } from './email-survey.js';

/** A positive integer from the environment, or undefined when unset. */
function positiveInteger(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const text = env[name];
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!(Number.isInteger(value) && value > 0)) throw new IngestConfigError(`${name} must be a positive integer`);
  return value;
}

/** `EMAIL_WEBHOOK_ENABLED`: `true` (default) or `false`. */
function webhookEnabled(env: NodeJS.ProcessEnv): boolean {
  const text = (env.EMAIL_WEBHOOK_ENABLED ?? '').trim().toLowerCase();
  if (text === '' || text === 'true') return true;
  if (text === 'false') return false;
  throw new IngestConfigError('EMAIL_WEBHOOK_ENABLED must be true or false');
}

/**
 * The signing key of the HTTP webhook, or undefined when the webhook is turned off. Fails closed:
 * with the webhook on (the default) and no key the service does not start, rather than serve
 * routes anyone could post to. `EMAIL_WEBHOOK_ENABLED=false` runs SMTP only (the webhook routes
 * are not registered; /healthz, /readyz and /metrics stay).
 * @throws IngestConfigError when the webhook is on without `EMAIL_WEBHOOK_SIGNING_KEY`.
 */
export function webhookSigningKey(env: NodeJS.ProcessEnv): string | undefined {
  const key = optionalSecret(env, 'EMAIL_WEBHOOK_SIGNING_KEY');
  if (!webhookEnabled(env)) return undefined;
  if (!key) {
    throw new IngestConfigError('EMAIL_WEBHOOK_SIGNING_KEY is not set: set it to the mail platform\'s webhook signing key, or EMAIL_WEBHOOK_ENABLED=false to take mail over SMTP only');
  }
  return key;
}

/**
 * Opens the Message-ID ledger and the conversation agents (JetStream KV), follows who handled
 * each conversation, and listens on `INGEST_EMAIL_PORT` (webhook) and `INGEST_EMAIL_SMTP_PORT`.
 * Reads `EMAIL_MAX_BYTES`, `EMAIL_DEDUP_TTL_DAYS`, `EMAIL_WEBHOOK_SIGNING_KEY`, `EMAIL_WEBHOOK_ENABLED`,
 * `EMAIL_SMTP_MAX_RECIPIENTS`, `EMAIL_WEBHOOK_RATE_LIMIT_MAX`, `EMAIL_WEBHOOK_RATE_LIMIT_WINDOW_MS`.
 * With `EMAIL_SMTP_RELAY_URL` (and `EMAIL_ACK_FROM`, `EMAIL_SMTP_REQUIRE_TLS`, `EMAIL_SMTP_TLS_CA`)
 * it also acknowledges rejected and expired contacts by mail through that relay.
 * @throws IngestConfigError for a variable that is not a positive integer, the webhook on without
 * its key, or an unusable relay setting.
 */
export async function startEmailIngest({ config, env, logger, bus, publisher }: IngestRuntime<'http' | 'smtp'>): Promise<RunningService> {
  const maxBytes = positiveInteger(env, 'EMAIL_MAX_BYTES');
  const dedupDays = positiveInteger(env, 'EMAIL_DEDUP_TTL_DAYS');
  const signingKey = webhookSigningKey(env);
  const maxRecipients = positiveInteger(env, 'EMAIL_SMTP_MAX_RECIPIENTS');
  const rateMax = positiveInteger(env, 'EMAIL_WEBHOOK_RATE_LIMIT_MAX');
  const rateWindow = positiveInteger(env, 'EMAIL_WEBHOOK_RATE_LIMIT_WINDOW_MS');
  const isConnected = () => bus.isConnected();
  const ledger = await MessageIdLedger.open(bus.nc, { isConnected, ...(dedupDays ? { ttlMs: dedupDays * 86_400_000 } : {}) });
  const agents = await ConversationAgents.open(bus.nc, { isConnected });
  const replay = signingKey ? await ReplayGuard.open(bus.nc, { isConnected }) : undefined;
  const relay = smtpRelayFromEnv(env);
  if (!relay) logger.info('EMAIL_SMTP_RELAY_URL not set: rejected and expired contacts get no acknowledgment');
  const replyTargets = relay ? await ReplyTargets.open(bus.nc, { isConnected }) : undefined;
  const follower = await followEmailAgents({ bus, domain: config.domain, agents, logger });
  const transport = relay ? createRelayTransport(relay) : undefined;
  const surveyLinks = surveyLinksFromEnv(env);
  if (surveyLinks && !relay) logger.warn('EMAIL_SURVEY_SECRET set without EMAIL_SMTP_RELAY_URL: survey links are served, but no survey is mailed');
  const surveys = surveyLinks && relay && replyTargets && transport
    ? await followEmailSurveys({ bus, domain: config.domain, targets: replyTargets, links: surveyLinks, from: relay.from, transport, logger })
    : undefined;
  const acks = relay && replyTargets && transport
    ? await followEmailAcks({ bus, domain: config.domain, logger, acknowledger: new EmailAcknowledger({ targets: replyTargets, transport, from: relay.from, logger }) })
    : undefined;
  const { http, smtp } = await buildEmailApp({
    logger,
    publisher,
    ledger,
    agents,
    ...(replyTargets ? { replyTargets } : {}),
    readiness: () => bus.ready(),
    domain: config.domain,
    ...(maxBytes ? { maxBytes } : {}),
    ...(signingKey && replay ? { webhook: { signingKey, replay } } : {}),
    ...(maxRecipients ? { smtpMaxRecipients: maxRecipients } : {}),
    ...(surveyLinks ? { surveyLinks } : {}),
    // Signed webhook requests count per platform account, others per address (see buildEmailApp).
    rateLimit: { max: rateMax ?? 6_000, timeWindowMs: rateWindow ?? 60_000 },
  });
  const close = async () => {
    await Promise.all([http.close(), closeSmtp(smtp)]);
    await follower.stop();
    await acks?.stop();
    await surveys?.stop();
    transport?.close();
  };
  try {
    await http.listen({ host: config.host, port: config.ports.http });
    await listenSmtp(smtp, config.ports.smtp, config.host);
  } catch (error) {
    // The webhook may be listening when SMTP cannot: beside other services nothing is left open.
    await close().catch(() => undefined);
    throw error;
  }
  return { http, close };
}

/** ingest-email: HTTP on `INGEST_EMAIL_PORT` (7102), SMTP on `INGEST_EMAIL_SMTP_PORT` (2525). */
export const emailIngestService: IngestServiceDefinition<'http' | 'smtp'> = {
  service: 'ingest-email',
  ports: { http: { env: 'INGEST_EMAIL_PORT', default: 7102 }, smtp: { env: 'INGEST_EMAIL_SMTP_PORT', default: 2525 } },
  secrets: ['EMAIL_WEBHOOK_SIGNING_KEY', 'EMAIL_SMTP_RELAY_URL', 'EMAIL_SURVEY_SECRET'],
  start: startEmailIngest,
};
