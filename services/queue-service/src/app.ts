import { Server, type UntypedServiceImplementation } from '@grpc/grpc-js';
import type { Redis } from 'ioredis';
import type { NatsConnection } from 'nats';
import { CustomerServiceService, QueueServiceService } from '@switchboard/contracts';
import type { BusNames } from '@switchboard/bus';
import { opsKeyPrefix, QaReviewList } from '@switchboard/state';
import { addHealthAndReflection, bindGrpc, shutdownGrpc, TokenVerifier, type TokenConfig } from '@switchboard/grpc-edge';
import { createContactPublisher, createIngestBus } from '@switchboard/ingest-kit';
import { getTracer, type Logger } from '@switchboard/telemetry';
import type { CommandSigner } from '@switchboard/router-api';
import type { QueueServiceDeps } from './deps.js';
import { LiveRates } from './live-rates.js';
import { QueueStore } from './queue-store.js';
import { routerClients } from './router-clients.js';
import { queueService } from './service.js';
import { Announcer } from './announcer.js';
import { ReplicaLease } from './replica-lease.js';
import { SurgeController } from './surge-controller.js';
import { CUSTOMER_SERVICE, customerService } from './customer-service.js';

/** The fully qualified gRPC service name. */
export const QUEUE_SERVICE = 'switchboard.v1.QueueService';

/** Everything the queue service needs; `main.ts` reads it from the environment, tests build it. */
export interface QueueServiceOptions {
  readonly nc: NatsConnection;
  readonly redis: Redis;
  readonly names: BusNames;
  readonly domain: string;
  readonly redisPrefix?: string;
  /** Ops' key prefix, where its QA review list lives (default `<redisPrefix>ops:`, as ops' own default). */
  readonly opsKeyPrefix?: string;
  /** Where tokens come from and what they must claim; each request's domain must be its token's. */
  readonly tokens: TokenConfig;
  /** Signs the service's router commands (`ROUTER_COMMAND_KEY_QUEUE_SERVICE`); the router refuses unsigned ones. */
  readonly commandSigner: CommandSigner;
  readonly logger: Logger;
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** Sliding window of the live rates (default 15 min). */
  readonly rateWindowMs?: number;
  /** Cycle time assumed before a queue has history (default 180 s). */
  readonly defaultCycleSeconds?: number;
  /** How often the announcer looks at the queues (default 5 s); each customer hears their position at their queue's cadence. */
  readonly announceTickMs?: number;
  /** The surge forecast's interval (default 30 s). */
  readonly surgeIntervalMs?: number;
  readonly now?: () => number;
  /** `CUSTOMER_KEY_SECRET`: with it, CustomerService (a CRM's link, unlink, show) is served on the same port. */
  readonly customerKeySecret?: string;
}

/** A listening queue service. */
export interface RunningQueueService {
  readonly port: number;
  close(graceMs?: number): Promise<void>;
}

/** Builds QueueService with health and reflection, starts the live rates and binds. */
export async function startQueueService(options: QueueServiceOptions): Promise<RunningQueueService> {
  const logger = options.logger.child({ component: 'queue-service' });
  const now = options.now ?? Date.now;
  const routers = routerClients(options.nc, options.names.subjectRoot, undefined, options.commandSigner);
  const rates = new LiveRates(options.rateWindowMs, now);
  await rates.start(options.nc.jetstream(), options.names, logger);
  const bus = await createIngestBus(options.nc, options.names);
  const deps: QueueServiceDeps = {
    edge: { service: QUEUE_SERVICE, tracer: getTracer('@switchboard/queue-service'), logger, verifier: new TokenVerifier(options.tokens) },
    logger,
    defaultDomain: options.domain,
    router: (domain) => routers.get(domain),
    store: new QueueStore(options.redis, options.redisPrefix ?? ''),
    reviews: (domain) => new QaReviewList(options.redis, domain, options.opsKeyPrefix ?? opsKeyPrefix(options.redisPrefix)),
    rates,
    publisher: createContactPublisher(bus),
    defaultCycleSeconds: options.defaultCycleSeconds ?? 180,
    now,
  };
  const prefix = options.redisPrefix ?? '';
  const announceTickMs = options.announceTickMs ?? 5_000;
  const surgeIntervalMs = options.surgeIntervalMs ?? 30_000;
  // One replica announces and forecasts; the lease outlives a few missed looks, then another takes over.
  const announcer = new Announcer({
    deps, nc: options.nc, names: options.names, domain: options.domain, tickMs: announceTickMs, logger: logger.child({ component: 'announcer' }),
    lease: new ReplicaLease(options.redis, ReplicaLease.keyOf(prefix, options.domain, 'announcer'), Math.max(3 * announceTickMs, 5_000)),
  });
  const surge = new SurgeController({
    deps, domain: options.domain, intervalMs: surgeIntervalMs, logger: logger.child({ component: 'surge' }),
    lease: new ReplicaLease(options.redis, ReplicaLease.keyOf(prefix, options.domain, 'surge'), Math.max(3 * surgeIntervalMs, 5_000)),
  });
  announcer.start();
  surge.start();
  const server = new Server({ 'grpc.keepalive_time_ms': 10_000, 'grpc.keepalive_timeout_ms': 5_000, 'grpc.max_receive_message_length': 256 * 1024 });
  server.addService(QueueServiceService, queueService(deps) as unknown as UntypedServiceImplementation);
  const services = [QUEUE_SERVICE];
  if (options.customerKeySecret) {
    server.addService(CustomerServiceService, customerService({
      edge: { ...deps.edge, service: CUSTOMER_SERVICE }, queue: deps, redis: options.redis, secret: options.customerKeySecret,
      ...(options.redisPrefix ? { routerPrefix: options.redisPrefix } : {}),
    }) as unknown as UntypedServiceImplementation);
    services.push(CUSTOMER_SERVICE);
  }
  const health = addHealthAndReflection(server, {
    protoFiles: ['switchboard/v1/queue_service.proto', ...(options.customerKeySecret ? ['switchboard/v1/customer_service.proto'] : [])], services,
  });
  const port = await bindGrpc(server, options.host ?? '0.0.0.0', options.port);
  return {
    port,
    close: async (graceMs = 5_000) => {
      health.setStatus('', 'NOT_SERVING');
      for (const name of services) health.setStatus(name, 'NOT_SERVING');
      rates.stop();
      announcer.stop();
      surge.stop();
      await shutdownGrpc(server, graceMs);
    },
  };
}
