// The public surface of @switchboard/ingest-phone: its wiring, run by its own main and by ingest-all.
import {
  httpTimeoutsFromEnv, optionalSecret, ReplayGuard, sourceLimitsFromEnv, trustProxyFromEnv, type IngestRuntime, type IngestServiceDefinition, type RunningService,
} from '@switchboard/ingest-kit';
import { buildPhoneApp } from './app.js';

export { signGenericRequest, SIGNATURE_HEADER, TIMESTAMP_HEADER } from './generic-auth.js';

/**
 * Builds the phone app from the environment (`TWILIO_AUTH_TOKEN` + `PUBLIC_URL`, `TWILIO_WAIT_URL`,
 * `PHONE_WEBHOOK_SECRET`, the `INGEST_RATE_LIMIT_*`, `INGEST_HTTP_*_TIMEOUT_MS` and `INGEST_TRUST_PROXY` settings) and
 * listens on `INGEST_PHONE_PORT`.
 */
export async function startPhoneIngest({ config, env, logger, bus, publisher }: IngestRuntime<'http'>): Promise<RunningService> {
  const authToken = optionalSecret(env, 'TWILIO_AUTH_TOKEN');
  const publicUrl = optionalSecret(env, 'PUBLIC_URL');
  const waitUrl = optionalSecret(env, 'TWILIO_WAIT_URL');
  const webhookSecret = optionalSecret(env, 'PHONE_WEBHOOK_SECRET');
  const limits = sourceLimitsFromEnv(env);
  const timeouts = httpTimeoutsFromEnv(env);
  const trustProxy = trustProxyFromEnv(env);
  const replayGuard = await ReplayGuard.open(bus.nc, { isConnected: () => bus.isConnected() });
  const app = await buildPhoneApp({
    logger,
    publisher,
    readiness: () => bus.ready(),
    domain: config.domain,
    replayGuard,
    rateLimit: { max: limits.perSource, maxPerAddress: limits.perAddress, timeWindowMs: limits.windowMs },
    timeouts,
    trustProxy,
    ...(webhookSecret ? { webhookSecret } : {}),
    ...(authToken && publicUrl ? { twilio: { authToken, publicUrl, ...(waitUrl ? { waitUrl } : {}) } } : {}),
  });
  await app.listen({ host: config.host, port: config.ports.http });
  return { http: app, close: () => app.close() };
}

/** ingest-phone: HTTP on `INGEST_PHONE_PORT` (7101). */
export const phoneIngestService: IngestServiceDefinition<'http'> = {
  service: 'ingest-phone',
  ports: { http: { env: 'INGEST_PHONE_PORT', default: 7101 } },
  secrets: ['PHONE_WEBHOOK_SECRET', 'TWILIO_AUTH_TOKEN'],
  start: startPhoneIngest,
};
