// The public surface of @switchboard/ingest-chat: its wiring, run by its own main and by ingest-all.
import type { IngestRuntime, IngestServiceDefinition, RunningService } from '@switchboard/ingest-kit';
import { buildChatApp } from './app.js';
import { loadChatConfig } from './config.js';
import { ChatSessionStore } from './session-store.js';

/**
 * Reads the chat settings (see `loadChatConfig`), opens the session bucket, builds the HTTP +
 * WebSocket app and listens on `INGEST_CHAT_PORT`.
 * @throws IngestConfigError for a missing or weak `CHAT_SESSION_SECRET` or a bad number.
 */
export async function startChatIngest({ config, env, logger, bus, publisher }: IngestRuntime<'http'>): Promise<RunningService> {
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
    ...(chat.followUpWindowMs === undefined ? {} : { followUpWindowMs: chat.followUpWindowMs }),
    ...(chat.limits ? { limits: chat.limits } : {}),
    ...(chat.rateLimit ? { rateLimit: chat.rateLimit } : {}),
  });
  try {
    await app.http.listen({ host: config.host, port: config.ports.http });
  } catch (error) {
    // The answered-chats follower is running: beside other services nothing is left open.
    await app.close().catch(() => undefined);
    throw error;
  }
  return { http: app.http, close: () => app.close() };
}

/** ingest-chat: HTTP and WebSocket on `INGEST_CHAT_PORT` (7103). */
export const chatIngestService: IngestServiceDefinition<'http'> = {
  service: 'ingest-chat',
  ports: { http: { env: 'INGEST_CHAT_PORT', default: 7103 } },
  secrets: ['CHAT_SESSION_SECRET', 'CHAT_IDENTITY_SECRET'],
  start: startChatIngest,
};
