import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { createIngestHttpServer, type ContactPublisher, type RateLimitOptions } from '@switchboard/ingest-kit';
import { createCallbackCrypto, WeChatApiClient, type CursorStore } from '@switchboard/wechat';
import type { ConversationStore } from './conversations.js';
import { KfPuller } from './kf-puller.js';
import { registerOaRoutes } from './oa-routes.js';
import { registerWorkRoutes } from './work-routes.js';
import type { WeChatConfig } from './config.js';

/** Everything the app is built from; tests pass their own NATS-backed pieces. */
export interface AppDeps {
  readonly logger: Logger;
  readonly publisher: ContactPublisher;
  readonly conversations: ConversationStore;
  /** Needed when Customer Service is configured. */
  readonly cursors?: CursorStore;
  readonly domain: string;
  readonly config: WeChatConfig;
  readonly readiness: () => Promise<boolean>;
  readonly busConnected: () => boolean;
  readonly rateLimit?: RateLimitOptions | false;
  /** Fixed random bytes for encrypted replies (tests only). */
  readonly randomBytes?: (size: number) => Buffer;
  readonly kfRetryDelaysMs?: readonly number[];
}

/** The built service: its HTTP server and, when configured, the kf puller (tests await `idle`). */
export interface WeChatApp {
  readonly http: FastifyInstance;
  readonly kf: KfPuller | undefined;
  close(): Promise<void>;
}

/** Builds the HTTP server with the routes of every configured WeChat account kind. */
export async function buildApp(deps: AppDeps): Promise<WeChatApp> {
  const { config, logger } = deps;
  const http = await createIngestHttpServer({
    logger,
    channel: 'wechat',
    readiness: deps.readiness,
    // WeChat callbacks are a few KB; 64 KiB leaves room and refuses floods early.
    bodyLimitBytes: 64 * 1024,
    rawContentTypes: ['text/xml', 'application/xml'],
    // WeChat calls from a handful of IPs for every customer at once: the default per-IP limit of
    // the kit would throttle a busy account, so the limit here is per IP but ten times higher.
    rateLimit: deps.rateLimit ?? { max: 6_000 },
  });
  const ingestDeps = { conversations: deps.conversations, publisher: deps.publisher, domain: deps.domain };
  const random = deps.randomBytes ? { randomBytes: deps.randomBytes } : {};

  if (config.oa) {
    const { token, aesKey, appId, autoReply } = config.oa;
    const crypto = aesKey && appId ? createCallbackCrypto({ token, encodingAesKey: aesKey, receiverId: appId, ...random }) : undefined;
    registerOaRoutes(http, ingestDeps, { token, ...(crypto ? { crypto } : {}), ...(autoReply ? { autoReply } : {}) }, logger.child({ component: 'oa' }));
  }

  let kf: KfPuller | undefined;
  if (config.work) {
    const { token, aesKey, corpId, kfSecret, apiBase } = config.work;
    if (kfSecret && deps.cursors) {
      kf = new KfPuller({
        ...ingestDeps,
        client: new WeChatApiClient({ baseUrl: apiBase, corpId, secret: kfSecret }),
        cursors: deps.cursors,
        logger: logger.child({ component: 'kf' }),
        ...(deps.kfRetryDelaysMs ? { retryDelaysMs: deps.kfRetryDelaysMs } : {}),
      });
    }
    const crypto = createCallbackCrypto({ token, encodingAesKey: aesKey, receiverId: corpId, ...random });
    registerWorkRoutes(http, ingestDeps, { crypto, busConnected: deps.busConnected, ...(kf ? { kf } : {}) }, logger.child({ component: 'work' }));
  }

  return {
    http,
    kf,
    async close() {
      await http.close();
      await kf?.stop();
    },
  };
}
