// The public surface of @switchboard/ingest-wechat: its wiring, run by its own main and by ingest-all.
import type { IngestRuntime, IngestServiceDefinition, RunningService } from '@switchboard/ingest-kit';
import { KvCursorStore } from '@switchboard/wechat';
import { buildApp } from './app.js';
import { loadWeChatConfig } from './config.js';
import { ConversationStore } from './conversations.js';

/**
 * Reads the WeChat accounts (see `loadWeChatConfig`), opens the conversation and kf cursor
 * buckets, builds the routes of every configured account kind and listens on `INGEST_WECHAT_PORT`.
 * @throws IngestConfigError for a half-configured account or a malformed EncodingAESKey.
 */
export async function startWeChatIngest({ config, env, logger, bus, publisher }: IngestRuntime<'http'>): Promise<RunningService> {
  const wechat = loadWeChatConfig(env);
  if (!wechat.oa && !wechat.work) logger.warn('no WeChat account configured: set WECHAT_OA_TOKEN or WECHAT_WORK_TOKEN');
  const conversations = await ConversationStore.open(bus.nc, wechat.conversationBucket, () => bus.isConnected());
  const cursors = wechat.work?.kfSecret ? await KvCursorStore.open(bus.nc, wechat.cursorBucket) : undefined;
  const app = await buildApp({
    logger,
    publisher,
    conversations,
    ...(cursors ? { cursors } : {}),
    domain: config.domain,
    config: wechat,
    readiness: () => bus.ready(),
    busConnected: () => bus.isConnected(),
  });
  await app.http.listen({ host: config.host, port: config.ports.http });
  return { close: () => app.close() };
}

/** ingest-wechat: HTTP callbacks on `INGEST_WECHAT_PORT` (7104). */
export const wechatIngestService: IngestServiceDefinition<'http'> = {
  service: 'ingest-wechat',
  ports: { http: { env: 'INGEST_WECHAT_PORT', default: 7104 } },
  start: startWeChatIngest,
};
