import type { FastifyInstance } from 'fastify';
import { createIngestHttpServer } from '@switchboard/ingest-kit';
import type { PhoneAppDeps } from './deps.js';
import { registerGenericRoutes } from './generic-routes.js';
import { registerTwilioRoutes } from './twilio-routes.js';

export type { PhoneAppDeps, TwilioSettings } from './deps.js';

/**
 * The phone ingestion HTTP app. Routes whose secret is not configured are not mounted (404), so
 * an unconfigured deployment never accepts unauthenticated calls; every mounted route verifies
 * its signature or credential before its body is parsed.
 */
export async function buildPhoneApp(deps: PhoneAppDeps): Promise<FastifyInstance> {
  const app = await createIngestHttpServer({
    logger: deps.logger,
    channel: 'phone',
    readiness: deps.readiness,
    bodyLimitBytes: deps.bodyLimitBytes ?? 64 * 1024,
    ...(deps.rateLimit !== undefined ? { rateLimit: deps.rateLimit } : {}),
    ...(deps.timeouts ? { timeouts: deps.timeouts } : {}),
    ...(deps.trustProxy !== undefined ? { trustProxy: deps.trustProxy } : {}),
  });
  if (deps.webhookSecret) registerGenericRoutes(app, deps, deps.webhookSecret);
  else deps.logger.warn('PHONE_WEBHOOK_SECRET unset: POST /v1/contacts disabled');
  if (deps.twilio) registerTwilioRoutes(app, deps, deps.twilio);
  else deps.logger.warn('TWILIO_AUTH_TOKEN or PUBLIC_URL unset: Twilio webhooks disabled');
  return app;
}
