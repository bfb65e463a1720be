import type { Server } from '@grpc/grpc-js';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { connectBus, DEFAULT_BUS_NAMES, ensureStreams, type BusNames } from '@switchboard/bus';
import { grpcServerCredentials } from '@switchboard/grpc-edge';
import { RouterClient } from '@switchboard/router-api';
import { AgentPerformanceStore, createRedis, QaReviewList, QueueIntervalStore, redisSettingsFromEnv, type RedisSettings } from '@switchboard/state';
import type { OpsConfig } from './config.js';
import { ActingAs } from './actions/acting.js';
import { EdgeClients } from './actions/edge-clients.js';
import { createBearerAuthenticator } from './auth/bearer.js';
import { createOidcLogin } from './auth/oidc.js';
import { SessionStore } from './auth/session-store.js';
import { buildOpsGrpc } from './grpc/server.js';
import { buildOpsHttp } from './http/app.js';
import { startIndexer } from './index/indexer.js';
import { startQueueIntervalRecorder } from './index/queue-intervals.js';
import { TraceStore } from './index/trace-store.js';
import { createOpsMetrics } from './metrics.js';
import { OpsQueries } from './ops-queries.js';
import { startPerfFollower } from './perf/perf-follower.js';

/** Options beyond the environment: tests pass their own names and key prefix. */
export interface StartOpsOptions {
  readonly config: OpsConfig;
  readonly logger: Logger;
  readonly names?: BusNames;
  readonly keyPrefix?: string;
  /** User, password and TLS for Redis (main reads them with redisSettingsFromEnv); else `config.redisUrl` alone. */
  readonly redisSettings?: RedisSettings;
}

/** A running ops service. */
export interface RunningOps {
  readonly httpPort: number;
  readonly grpcPort: number;
  readonly http: FastifyInstance;
  readonly grpc: Server;
  readonly queries: OpsQueries;
  ready(): boolean;
  /** Stops accepting, ends streams, drains NATS and closes Redis. */
  stop(): Promise<void>;
}

/** Connects NATS and Redis, starts the indexer, and listens on HTTP and gRPC (port 0 picks free ones). */
export async function startOps(options: StartOpsOptions): Promise<RunningOps> {
  const { config } = options;
  const names = options.names ?? DEFAULT_BUS_NAMES;
  const logger = options.logger.child({ component: 'ops', domain: config.domain });
  const nc = await connectBus({ url: config.natsUrl, name: `ops ${config.domain}`, logger });
  const redis = createRedis('ops', { lazyConnect: true, maxRetriesPerRequest: 2, retryStrategy: (n) => Math.min(n * 100, 1_000) },
    options.redisSettings ?? redisSettingsFromEnv({ REDIS_URL: config.redisUrl }));
  redis.on('error', (error: Error) => logger.warn({ err: error }, 'redis link error'));
  await redis.connect();
  const jsm = await nc.jetstreamManager();
  await ensureStreams(jsm, names);
  const js = nc.jetstream();
  const source = { js, jsm, names, domain: config.domain };
  const metrics = createOpsMetrics(config.domain);
  const store = new TraceStore(redis, { domain: config.domain, ttlSeconds: config.traceTtlSeconds, ...(options.keyPrefix ? { keyPrefix: options.keyPrefix } : {}) });
  const reviews = new QaReviewList(redis, config.domain, options.keyPrefix ?? 'ops:');
  const indexer = await startIndexer({ ...source, store, reviews, logger, onIndexed: (event) => metrics.indexed(event, Date.now()) });
  const intervals = new QueueIntervalStore(redis, { domain: config.domain, ...(options.keyPrefix ? { keyPrefix: options.keyPrefix } : {}) });
  const recorder = await startQueueIntervalRecorder({ ...source, store: intervals, logger }).catch(async (error: unknown) => {
    await indexer.stop();
    throw error;
  });
  const perfStore = new AgentPerformanceStore(redis, { domain: config.domain, ...(options.keyPrefix ? { keyPrefix: options.keyPrefix } : {}) });
  const perf = await startPerfFollower({ source, store: perfStore, logger }).catch(async (error: unknown) => {
    await recorder.stop();
    await indexer.stop();
    throw error;
  });
  const queries = new OpsQueries(source, store, new RouterClient(nc, config.domain, names.subjectRoot, 3_000), perfStore, Date.now, intervals);
  const ready = () => !nc.isClosed() && redis.status === 'ready';

  const { auth } = config;
  const bearer = auth.tokens ? createBearerAuthenticator(auth.tokens, config.domain) : undefined;
  // Discovery at start: a provider that does not answer stops ops here, with its reason, not at the first login.
  const oidc = auth.oidc ? await createOidcLogin(auth.oidc) : undefined;
  const sessions = auth.sessionSecret
    ? new SessionStore(redis, { domain: config.domain, ttlSeconds: auth.sessionTtlSeconds, ...(options.keyPrefix ? { keyPrefix: options.keyPrefix } : {}) })
    : undefined;
  const edges = config.edges ? new EdgeClients(config.edges) : undefined;
  const http = await buildOpsHttp({ queries, reviews, metrics, logger, ready,
    auth: { config: auth, ...(bearer ? { bearer } : {}), ...(oidc ? { oidc } : {}), ...(sessions ? { sessions } : {}) },
    actions: { acting: new ActingAs(auth.tokens?.secret), ...(edges ? { edges } : {}) } });
  await http.listen({ host: config.host, port: config.httpPort });
  const httpPort = (http.server.address() as { port: number }).port;
  const { server: grpc, health } = buildOpsGrpc(queries, metrics, logger, bearer, reviews);
  const grpcPort = await new Promise<number>((resolve, reject) =>
    grpc.bindAsync(`${config.host}:${config.grpcPort}`, grpcServerCredentials(), (error, port) => (error ? reject(error) : resolve(port))));
  const healthTimer = setInterval(() => health.set(ready() ? 'SERVING' : 'NOT_SERVING'), 2_000);
  healthTimer.unref();
  logger.info({ httpPort, grpcPort }, 'ops listening');

  return {
    httpPort, grpcPort, http, grpc, queries, ready,
    stop: async () => {
      clearInterval(healthTimer);
      health.set('NOT_SERVING');
      grpc.forceShutdown(); // StreamEvents calls never end by themselves
      await http.close();
      edges?.close();
      await indexer.stop();
      await recorder.stop();
      await perf.stop();
      await nc.drain().catch(() => undefined);
      redis.disconnect();
    },
  };
}
