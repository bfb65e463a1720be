import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { createHash } from 'node:crypto';
import { createIngestHttpServer, type ContactPublisher, type IngestBus, type RateLimitOptions, type ReplayGuard } from '@switchboard/ingest-kit';
import { createCallbackCrypto, signatureMatches, WeChatApiClient, type CursorStore } from '@switchboard/wechat';
import { parseRawQuery } from './raw-query.js';
import type { ConversationStore } from './conversations.js';
import type { NoticePacing } from './kf-notice-plan.js';
import { startKfNotices, type KfNotices } from './kf-notices.js';
import { KfPuller } from './kf-puller.js';
import type { KfReplyStore } from './kf-replies.js';
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
  /** Timestamp window and nonce memory of every callback (see `admitCallback`). */
  readonly replay: ReplayGuard;
  /**
   * Callback limits. An Official Account callback whose query signature verifies counts against
   * its account; everything else (WeCom, whose signature covers the body and so cannot be checked
   * before it, and unsigned requests) counts per client address.
   */
  readonly rateLimit?: Omit<RateLimitOptions, 'keyGenerator'> | false;
  /** Fixed random bytes for encrypted replies (tests only). */
  readonly randomBytes?: (size: number) => Buffer;
  readonly kfRetryDelaysMs?: readonly number[];
  /**
   * Texts back to waiting kf customers (position notices, the action of a rejected or expired
   * contact): the bus they are heard on and the store of customers and budgets. Absent, or
   * without kf configured, nothing is sent.
   */
  readonly kfReplies?: { readonly bus: IngestBus; readonly store: KfReplyStore; readonly pacing?: NoticePacing; readonly now?: () => number };
}

/** The built service: its HTTP server and, when configured, the kf puller (tests await `idle`). */
export interface WeChatApp {
  readonly http: FastifyInstance;
  readonly kf: KfPuller | undefined;
  /** The texts back to kf customers, when configured. */
  readonly kfNotices: KfNotices | undefined;
  close(): Promise<void>;
}

/** Builds the HTTP server with the routes of every configured WeChat account kind. */
export async function buildApp(deps: AppDeps): Promise<WeChatApp> {
  const { config, logger } = deps;
  const oaSource = config.oa ? `wechat-oa:${config.oa.appId ?? createHash('sha256').update(config.oa.token).digest('hex').slice(0, 16)}` : '';
  /** The account of an Official Account request whose plain signature verifies (safe mode sends one too). */
  const oaAccountOf = (request: { url: string }): string | undefined => {
    if (!config.oa || !request.url.startsWith('/wechat/oa')) return undefined;
    try {
      const q = parseRawQuery(request.url);
      const { signature, timestamp, nonce } = q;
      return signature && timestamp && nonce && signatureMatches(signature, [config.oa.token, timestamp, nonce]) ? oaSource : undefined;
    } catch {
      return undefined;
    }
  };
  const http = await createIngestHttpServer({
    logger,
    channel: 'wechat',
    readiness: deps.readiness,
    // WeChat callbacks are a few KB; 64 KiB leaves room and refuses floods early.
    bodyLimitBytes: 64 * 1024,
    // WeChat calls from a handful of IPs for every customer at once: a verified Official Account
    // callback counts against its account instead, and the limit is ten times the kit's default.
    rateLimit: deps.rateLimit === false ? false : { max: 6_000, ...deps.rateLimit, keyGenerator: (request) => oaAccountOf(request) },
  });

  const ingestDeps = {
    conversations: deps.conversations, publisher: deps.publisher, domain: deps.domain,
    ...(deps.kfReplies && config.work?.kfSecret ? { replies: deps.kfReplies.store } : {}),
  };
  const random = deps.randomBytes ? { randomBytes: deps.randomBytes } : {};

  let kf: KfPuller | undefined;
  let kfNotices: KfNotices | undefined;
  // The callbacks live in a scope whose only body parser keeps the raw bytes: nothing is parsed
  // (not even JSON sent with another content type) before its signature is checked.
  await http.register(async (callbacks) => {
    callbacks.removeAllContentTypeParsers();
    callbacks.addContentTypeParser('*', { parseAs: 'buffer' }, (request, body: Buffer, done) => {
      request.rawBody = body;
      done(null, body);
    });
    if (config.oa) {
      const { token, aesKey, appId, autoReply } = config.oa;
      const crypto = aesKey && appId ? createCallbackCrypto({ token, encodingAesKey: aesKey, receiverId: appId, ...random }) : undefined;
      registerOaRoutes(callbacks, ingestDeps, { token, replay: deps.replay, source: oaSource, ...(crypto ? { crypto } : {}), ...(autoReply ? { autoReply } : {}) }, logger.child({ component: 'oa' }));
    }

    if (config.work) {
      const { token, aesKey, corpId, kfSecret, apiBase } = config.work;
      if (kfSecret && deps.cursors) {
        // One client, so pulls and sends share the access token.
        const client = new WeChatApiClient({ baseUrl: apiBase, corpId, secret: kfSecret });
        if (deps.kfReplies) {
          const { bus, store, pacing, now } = deps.kfReplies;
          kfNotices = await startKfNotices({
            bus, domain: deps.domain, replies: store, conversations: deps.conversations, client, logger,
            ...(pacing ? { pacing } : {}), ...(now ? { now } : {}),
          });
        }
        kf = new KfPuller({
          ...ingestDeps,
          client,
          cursors: deps.cursors,
          logger: logger.child({ component: 'kf' }),
          ...(deps.kfRetryDelaysMs ? { retryDelaysMs: deps.kfRetryDelaysMs } : {}),
        });
      }
      const crypto = createCallbackCrypto({ token, encodingAesKey: aesKey, receiverId: corpId, ...random });
      registerWorkRoutes(callbacks, ingestDeps, { crypto, replay: deps.replay, source: `wechat-work:${corpId}`, busConnected: deps.busConnected, ...(kf ? { kf } : {}) }, logger.child({ component: 'work' }));
    }
  });

  return {
    http,
    kf,
    kfNotices,
    async close() {
      await http.close();
      await kf?.stop();
      await kfNotices?.close();
    },
  };
}
