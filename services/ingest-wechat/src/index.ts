// The public surface of @switchboard/ingest-wechat: its wiring, run by its own main and by ingest-all.
import { IngestConfigError, ReplayGuard, type IngestRuntime, type IngestServiceDefinition, type RunningService } from '@switchboard/ingest-kit';
import { KvCursorStore } from '@switchboard/wechat';
import { buildApp } from './app.js';
import { loadWeChatConfig } from './config.js';
import { ConversationStore } from './conversations.js';
import { KfReplyStore } from './kf-replies.js';

/** A positive integer from the environment, or undefined when unset. */
function positiveInteger(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const text = env[name];
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!(Number.isInteger(value) && value > 0)) throw new IngestConfigError(`${name} must be a positive integer`);
  return value;
}

/**
 * Reads the WeChat accounts (see `loadWeChatConfig`), opens the conversation and kf cursor
 * buckets and the replay guard's nonce bucket, builds the routes of every configured account kind and listens on `INGEST_WECHAT_PORT`.
 * With Customer Service configured it also opens the kf reply bucket and texts waiting customers
 * their position and, when routing turns their contact away, the queue's action.
 * Reads `WECHAT_RATE_LIMIT_MAX` (6,000) and `WECHAT_RATE_LIMIT_WINDOW_MS` (60,000).
 * @throws IngestConfigError for a half-configured account, a malformed EncodingAESKey or a bad limit.
 */
export async function startWeChatIngest({ config, env, logger, bus, publisher }: IngestRuntime<'http'>): Promise<RunningService> {
  const wechat = loadWeChatConfig(env);
  if (!wechat.oa && !wechat.work) logger.warn('no WeChat account configured: set WECHAT_OA_TOKEN or WECHAT_WORK_TOKEN');
  const conversations = await ConversationStore.open(bus.nc, wechat.conversationBucket, () => bus.isConnected());
  const replay = await ReplayGuard.open(bus.nc, { isConnected: () => bus.isConnected() });
  const cursors = wechat.work?.kfSecret ? await KvCursorStore.open(bus.nc, wechat.cursorBucket) : undefined;
  const replies = wechat.work?.kfSecret ? await KfReplyStore.open(bus.nc, wechat.replyBucket, () => bus.isConnected()) : undefined;
  const app = await buildApp({
    logger,
    publisher,
    conversations,
    ...(cursors ? { cursors } : {}),
    ...(replies ? { kfReplies: { bus, store: replies, ...(wechat.kfPacing ? { pacing: wechat.kfPacing } : {}) } } : {}),
    domain: config.domain,
    config: wechat,
    readiness: () => bus.ready(),
    busConnected: () => bus.isConnected(),
    replay,
    rateLimit: { max: positiveInteger(env, 'WECHAT_RATE_LIMIT_MAX') ?? 6_000, timeWindowMs: positiveInteger(env, 'WECHAT_RATE_LIMIT_WINDOW_MS') ?? 60_000 },
  });
  await app.http.listen({ host: config.host, port: config.ports.http });
  return { http: app.http, close: () => app.close() };
}

/** ingest-wechat: HTTP callbacks on `INGEST_WECHAT_PORT` (7104). */
export const wechatIngestService: IngestServiceDefinition<'http'> = {
  service: 'ingest-wechat',
  ports: { http: { env: 'INGEST_WECHAT_PORT', default: 7104 } },
  secrets: ['WECHAT_OA_TOKEN', 'WECHAT_OA_AES_KEY', 'WECHAT_WORK_TOKEN', 'WECHAT_WORK_AES_KEY', 'WECHAT_KF_SECRET'],
  start: startWeChatIngest,
};
