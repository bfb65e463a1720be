// Thin wiring: environment → config, bus and session bucket → app → listen. See app.ts.
import { telemetry } from './instrumentation.js';
import { runIngestService } from '@switchboard/ingest-kit';
import { buildChatApp } from './app.js';
import { loadChatConfig } from './config.js';
import { ChatSessionStore } from './session-store.js';

await runIngestService({
  service: 'ingest-chat',
  ports: { http: { env: 'INGEST_CHAT_PORT', default: 7103 } },
  telemetry,
  async start({ config, env, logger, bus, publisher }) {
    const chat = loadChatConfig(env);
    const sessions = await ChatSessionStore.open(bus.nc, chat.sessionBucket, () => bus.isConnected());
    const app = await buildChatApp({
      logger,
      publisher,
      bus,
      sessions,
      domain: config.domain,
      readiness: () => bus.ready(),
      sessionSecret: chat.sessionSecret,
      ...(chat.identitySecret ? { identitySecret: chat.identitySecret } : {}),
      ...(chat.abandonGraceMs === undefined ? {} : { abandonGraceMs: chat.abandonGraceMs }),
    });
    await app.http.listen({ host: config.host, port: config.ports.http });
    return { close: () => app.close() };
  },
});
