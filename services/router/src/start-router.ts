import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { NatsConnection } from 'nats';
import type { Logger } from 'pino';
import { CheckpointArchive, connectBus, DEFAULT_BUS_NAMES, ensureStreams, streamLimitsFromEnv, type BusNames } from '@switchboard/bus';
import { createRedis, redisSettingsFromEnv, type RedisSettings } from '@switchboard/state';
import { commitMetrics, surveyMetrics, type CommitMetrics, type Registry } from '@switchboard/metrics';
import type { CommandVerifier } from '@switchboard/router-api';
import type { RuleSet } from './rules/classify.js';
import { createRouterMetrics } from './metrics/router-metrics.js';
import { startStreamUsage } from './metrics/stream-usage.js';
import { RouterReplica, type CustomerSettings } from './replica.js';
import { DEFAULT_CHECKPOINT_POLICY, type CheckpointPolicy } from './worker/checkpointer.js';
import type { DomainWorker } from './worker/domain-worker.js';
import { createCheckpointMetrics } from './metrics/checkpoint-metrics.js';

export interface RouterOptions {
  readonly natsUrl: string;
  readonly redisUrl: string;
  /** User, password and TLS for Redis (main reads them with redisSettingsFromEnv); else `redisUrl` alone. */
  readonly redisSettings?: RedisSettings;
  readonly domains: readonly string[];
  readonly rules: RuleSet;
  readonly logger: Logger;
  readonly names?: BusNames;
  readonly keyPrefix?: string;
  readonly replicaId?: string;
  readonly leaseTtlMs?: number;
  readonly ackWaitMs?: number;
  readonly clock?: () => number;
  /** Where the router's metrics go (served on `/metrics` by main); none recorded without it. */
  readonly metrics?: Registry;
  /** When each domain's owner writes a checkpoint (default: every 20,000 commands or 60 s). */
  readonly checkpointPolicy?: CheckpointPolicy;
  /** How often the CONTACTS and ROUTING usage gauges are polled (default 5 s). */
  readonly streamUsageIntervalMs?: number;
  /** The command senders' keys: commands not signed by one of them are refused (main reads `ROUTER_COMMAND_KEY_*`). */
  readonly commandVerifier: CommandVerifier;
  /** One customer across channels; off without it. */
  readonly customers?: CustomerSettings;
}

/** A running router replica and its links. */
export interface RunningRouter {
  readonly replica: RouterReplica;
  readonly nc: NatsConnection;
  readonly redis: Redis;
  /** NATS and Redis both answer. */
  ready(): boolean;
  stop(): Promise<void>;
}

/** Connects to NATS and Redis, makes sure the streams exist, and starts owning domains. */
export async function startRouter(options: RouterOptions): Promise<RunningRouter> {
  const names = options.names ?? DEFAULT_BUS_NAMES;
  const replicaId = options.replicaId ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  // The lease value is `replica|token|epoch`; a '|' in the id would make it ambiguous.
  if (replicaId === '' || replicaId.includes('|')) throw new Error(`ROUTER_REPLICA_ID ${JSON.stringify(replicaId)}: must be non-empty and without '|'`);
  const logger = options.logger.child({ component: 'router', replicaId });
  const nc = await connectBus({ url: options.natsUrl, name: `router ${replicaId}`, logger });
  // Offline queueing off: a command Redis cannot take now must fail fast, not run minutes later.
  const redis = createRedis('router', {
    lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, retryStrategy: (n) => Math.min(n * 100, 1_000),
  }, options.redisSettings ?? redisSettingsFromEnv({ REDIS_URL: options.redisUrl }));
  redis.on('error', (error: Error) => logger.warn({ err: error }, 'redis link error'));
  const commits = options.metrics && commitMetrics(options.metrics);
  if (commits) countCommands(redis, commits);
  await redis.connect();
  const jsm = await nc.jetstreamManager();
  const limits = streamLimitsFromEnv();
  // Recovery needs only the records after the newest archived checkpoint; ROUTING must keep them.
  const checkpointEveryMs = (options.checkpointPolicy ?? DEFAULT_CHECKPOINT_POLICY).intervalMs;
  if (checkpointEveryMs * 2 > limits.routingMaxAgeMs) {
    throw new Error(`ROUTER_CHECKPOINT_INTERVAL_MS (${checkpointEveryMs}) must be at most half of ROUTING's max age (${limits.routingMaxAgeMs} ms)`);
  }
  await ensureStreams(jsm, names, limits);
  const archive = await CheckpointArchive.open(nc.jetstream(), names, limits.replicas);
  const clock = options.clock ?? Date.now;
  // The replica is created below; the samplers read its workers only at scrape time.
  const replicaRef: { current?: RouterReplica } = {};
  const metrics = options.metrics && createRouterMetrics(options.metrics, {
    workers: () => replicaRef.current?.workers() ?? [], redis, clock,
  });
  const streamUsage = options.metrics && startStreamUsage({ registry: options.metrics, jsm, logger, clock,
    streams: [names.contactsStream, names.routingStream], ...(options.streamUsageIntervalMs ? { intervalMs: options.streamUsageIntervalMs } : {}) });
  const surveys = options.metrics && surveyMetrics(options.metrics);
  const checkpointMetrics = options.metrics && createCheckpointMetrics(options.metrics, { workers: () => replicaRef.current?.workers() ?? [], clock });
  const replica = new RouterReplica({
    replicaId,
    domains: options.domains,
    rules: options.rules,
    redis,
    ...(options.keyPrefix ? { keyPrefix: options.keyPrefix } : {}),
    ...(options.leaseTtlMs ? { leaseTtlMs: options.leaseTtlMs } : {}),
    ...(options.ackWaitMs ? { ackWaitMs: options.ackWaitMs } : {}),
    commandVerifier: options.commandVerifier,
    ...(options.customers ? { customers: options.customers } : {}),
    deps: {
      nc, js: nc.jetstream(), jsm, names, logger, clock, archive,
      ...(options.checkpointPolicy ? { checkpointPolicy: options.checkpointPolicy } : {}),
      ...(metrics ? { observe: metrics.observe } : {}),
      ...(surveys ? { surveyRefused: surveys.answerRefused } : {}),
      ...(commits ? { committed: (worker: DomainWorker, commands: number) => commits.batchCommitted(worker.domain, commands) } : {}),
      ...(checkpointMetrics ? { checkpointed: checkpointMetrics.written } : {}),
    },
  });
  replicaRef.current = replica;
  await replica.start();
  return {
    replica,
    nc,
    redis,
    ready: () => !nc.isClosed() && redis.status === 'ready',
    stop: async () => {
      await replica.stop();
      await streamUsage?.stop();
      await nc.drain().catch(() => undefined);
      redis.disconnect();
    },
  };
}

/** Counts every command the client sends, pipelined ones included (ioredis sends each through `sendCommand`). */
function countCommands(redis: Redis, commits: CommitMetrics): void {
  const send = redis.sendCommand.bind(redis);
  redis.sendCommand = (...args: Parameters<Redis['sendCommand']>) => {
    commits.redisCommand();
    return send(...args);
  };
}
