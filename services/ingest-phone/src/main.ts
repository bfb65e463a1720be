import { telemetry } from './instrumentation.js';
import { optionalSecret, runIngestService } from '@switchboard/ingest-kit';
import { buildPhoneApp } from './app.js';

await runIngestService({
  service: 'ingest-phone',
  ports: { http: { env: 'INGEST_PHONE_PORT', default: 7101 } },
  telemetry,
  async start({ config, env, logger, bus, publisher }) {
    const authToken = optionalSecret(env, 'TWILIO_AUTH_TOKEN');
    const publicUrl = optionalSecret(env, 'PUBLIC_URL');
    const waitUrl = optionalSecret(env, 'TWILIO_WAIT_URL');
    const webhookSecret = optionalSecret(env, 'PHONE_WEBHOOK_SECRET');
    const app = await buildPhoneApp({
      logger,
      publisher,
      readiness: () => bus.ready(),
      domain: config.domain,
      ...(webhookSecret ? { webhookSecret } : {}),
      ...(authToken && publicUrl ? { twilio: { authToken, publicUrl, ...(waitUrl ? { waitUrl } : {}) } } : {}),
    });
    await app.listen({ host: config.host, port: config.ports.http });
    return { close: () => app.close() };
  },
});
