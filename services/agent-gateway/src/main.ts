import { telemetry } from './instrumentation.js';
import { connectBus } from '@switchboard/bus';
import { createRedis, redisSettingsFromEnv } from '@switchboard/state';
import { CommandSigner } from '@switchboard/router-api';
import { createLogger } from '@switchboard/telemetry';
import { createMetricsRegistry, startMetricsServer } from '@switchboard/metrics';
import { stopOnSignals } from '@switchboard/grpc-edge';
import { startAgentGateway } from './app.js';
import { loadGatewayConfig } from './config.js';
import { AgentDirectory } from './directory.js';

const logger = createLogger({ service: 'agent-gateway', level: process.env.LOG_LEVEL || 'info' });
const config = loadGatewayConfig(process.env);
const directory = AgentDirectory.load(config.directoryFile);
// Fail closed: without its key every command the gateway sent would be refused by the router.
const commandSigner = CommandSigner.fromEnv('agent-gateway');
const nc = await connectBus({ url: config.natsUrl, name: 'agent-gateway', logger });
const redis = createRedis('agent-gateway', { maxRetriesPerRequest: 2 }, redisSettingsFromEnv(process.env));
redis.on('error', (error: Error) => logger.warn({ err: error }, 'redis link error'));
const gateway = await startAgentGateway({
  nc, redis, names: config.names, domain: config.domain, redisPrefix: config.redisPrefix, tokens: config.tokens, commandSigner, directory, logger,
  graceSeconds: config.graceSeconds, heartbeatSeconds: config.heartbeatSeconds, host: config.host, port: config.port,
});
// Prometheus and probes reach the process on its HTTP side port (the main protocol is gRPC).
const metrics = await startMetricsServer({
  registry: createMetricsRegistry({ service: 'agent-gateway' }), host: config.host, port: config.httpPort,
  ready: () => !nc.isClosed() && redis.status === 'ready',
});
logger.info({ port: gateway.port, domain: config.domain, directory: config.directoryFile }, 'agent gateway started');

stopOnSignals(logger, [() => gateway.close(), () => metrics.close(), () => nc.drain(), () => redis.quit(), () => telemetry.shutdown()]);
