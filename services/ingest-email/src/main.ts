import { telemetry } from './instrumentation.js';
import { IngestConfigError, optionalSecret, runIngestService } from '@switchboard/ingest-kit';
import { buildEmailApp, closeSmtp, listenSmtp } from './app.js';

await runIngestService({
  service: 'ingest-email',
  ports: { http: { env: 'INGEST_EMAIL_PORT', default: 7102 }, smtp: { env: 'INGEST_EMAIL_SMTP_PORT', default: 2525 } },
  telemetry,
  async start({ config, env, logger, bus, publisher }) {
    const maxBytes = env.EMAIL_MAX_BYTES ? Number(env.EMAIL_MAX_BYTES) : undefined;
    if (maxBytes !== undefined && !(Number.isInteger(maxBytes) && maxBytes > 0)) throw new IngestConfigError('EMAIL_MAX_BYTES must be a positive integer');
    const signingKey = optionalSecret(env, 'EMAIL_WEBHOOK_SIGNING_KEY');
    const { http, smtp } = await buildEmailApp({
      logger,
      publisher,
      readiness: () => bus.ready(),
      domain: config.domain,
      ...(maxBytes ? { maxBytes } : {}),
      ...(signingKey ? { webhookSigningKey: signingKey } : {}),
    });
    await http.listen({ host: config.host, port: config.ports.http });
    await listenSmtp(smtp, config.ports.smtp, config.host);
    return { close: async () => { await Promise.all([http.close(), closeSmtp(smtp)]); } };
  },
});
