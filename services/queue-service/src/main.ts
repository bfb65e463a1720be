import { telemetry } from './instrumentation.js';
import { connectBus, ensureStreams } from '@switchboard/bus';
import { createRedis, redisSettingsFromEnv } from '@switchboard/state';
import { CommandSigner } from '@switchboard/router-api';
import { createLogger } from '@switchboard/telemetry';
import { createMetricsRegistry, startMetricsServer } from '@switchboard/metrics';
import { stopOnSignals } from '@switchboard/grpc-edge';
import { startQueueService } from './app.js';
import { loadQueueServiceConfig } from './config.js';

const logger = createLogger({ service: 'queue-service', level: process.env.LOG_LEVEL || 'info' });
const config = loadQueueServiceConfig(process.env);
// Fail closed: without its key every command the service sent would be refused by the router.
const commandSigner = CommandSigner.fromEnv('queue-service');
const nc = await connectBus({ url: config.natsUrl, name: 'queue-service', logger });
await ensureStreams(await nc.jetstreamManager(), config.names);
const redis = createRedis('queue-service', { maxRetriesPerRequest: 2 }, redisSettingsFromEnv(process.env));
redis.on('error', (error: Error) => logger.warn({ err: error }, 'redis link error'));
const service = await startQueueService({
  nc, redis, names: config.names, domain: config.domain, redisPrefix: config.redisPrefix, tokens: config.tokens, commandSigner, logger,
  host: config.host, port: config.port, defaultCycleSeconds: config.defaultCycleSeconds, rateWindowMs: config.rateWindowSeconds * 1000,
  announceTickMs: config.announceTickSeconds * 1000, surgeIntervalMs: config.surgeIntervalSeconds * 1000,
  ...(config.customerKeySecret ? { customerKeySecret: config.customerKeySecret } : {}),
});
if (!config.customerKeySecret) logger.warn('CUSTOMER_KEY_SECRET not set: CustomerService (link, unlink, show customers) is not served');
// Prometheus and probes reach the process on its HTTP side port (the main protocol is gRPC).
const metrics = await startMetricsServer({
  registry: createMetricsRegistry({ service: 'queue-service' }), host: config.host, port: config.httpPort,
  ready: () => !nc.isClosed() && redis.status === 'ready',
});
logger.info({ port: service.port, domain: config.domain }, 'queue service started');

stopOnSignals(logger, [() => service.close(), () => metrics.close(), () => nc.drain(), () => redis.quit(), () => telemetry.shutdown()]);
