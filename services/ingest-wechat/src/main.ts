// Thin wiring: environment → config, bus and KV buckets → app → listen. See app.ts for the routes.
import { telemetry } from './instrumentation.js';
import { runIngestService } from '@switchboard/ingest-kit';
import { KvCursorStore } from '@switchboard/wechat';
import { buildApp } from './app.js';
import { loadWeChatConfig } from './config.js';
import { ConversationStore } from './conversations.js';

await runIngestService({
  service: 'ingest-wechat',
  ports: { http: { env: 'INGEST_WECHAT_PORT', default: 7104 } },
  telemetry,
  async start({ config, env, logger, bus, publisher }) {
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
  },
});
