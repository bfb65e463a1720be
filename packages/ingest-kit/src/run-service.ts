import { DEFAULT_BUS_NAMES, type BusNames } from '@switchboard/bus';
import { createLogger, type Logger } from '@switchboard/telemetry';
import { connectIngestBus, type IngestBus } from './bus-link.js';
import { loadIngestConfig, type IngestConfig, type PortSetting } from './config.js';
import { ingestRegistry } from './ingest-metrics.js';
import { createContactPublisher, type ContactPublisher } from './publisher.js';

/** What a service's `start` receives: configuration, logger and a connected bus. */
export interface IngestRuntime<P extends string> {
  readonly config: IngestConfig & { ports: Record<P, number> };
  readonly env: NodeJS.ProcessEnv;
  readonly logger: Logger;
  readonly bus: IngestBus;
  readonly publisher: ContactPublisher;
}

/** A started service. `close` stops accepting, waits for requests in flight, and resolves. */
export interface RunningService {
  close(): Promise<void>;
}

/** Options of {@link runIngestService}. */
export interface RunIngestServiceOptions<P extends string> {
  /** Service name for logs, traces and the NATS client name, e.g. `ingest-phone`. */
  readonly service: string;
  readonly ports: Record<P, PortSetting>;
  /** Builds and starts listening; its `close` runs first on SIGTERM/SIGINT. */
  start(runtime: IngestRuntime<P>): Promise<RunningService>;
  /** The SDK started in the service's instrumentation.ts, flushed last. */
  readonly telemetry?: { shutdown(): Promise<void> };
  readonly env?: NodeJS.ProcessEnv;
  readonly names?: BusNames;
  /** After this, shutdown gives up waiting and exits 1 (default 15 s, under Kubernetes' 30 s). */
  readonly shutdownTimeoutMs?: number;
}

/**
 * A service's `main`: reads the environment, connects the bus (waiting for NATS if it is not up
 * yet), ensures the streams, calls `start`, and on SIGTERM/SIGINT shuts down in order: stop
 * accepting and finish requests in flight, then drain NATS (pending acks arrive), then flush
 * spans. A second signal exits at once.
 */
export async function runIngestService<P extends string>(options: RunIngestServiceOptions<P>): Promise<void> {
  const env = options.env ?? process.env;
  const logger = createLogger({ service: options.service, level: env.LOG_LEVEL || 'info' });
  ingestRegistry(options.service); // names the service on every metric series
  const config = loadIngestConfig(env, options.ports);
  const bus = await connectIngestBus({ url: config.natsUrl, name: options.service, names: options.names ?? DEFAULT_BUS_NAMES, logger });
  const running = await options.start({ config, env, logger, bus, publisher: createContactPublisher(bus) });
  logger.info({ ports: config.ports, domain: config.domain }, 'service started');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.info({ signal }, 'shutting down');
    setTimeout(() => {
      logger.error('shutdown timed out');
      process.exit(1);
    }, options.shutdownTimeoutMs ?? 15_000).unref();
    try {
      await running.close();
      await bus.close();
      await options.telemetry?.shutdown();
      logger.info('stopped');
    } catch (error) {
      logger.error({ err: error }, 'shutdown failed');
      process.exitCode = 1;
    }
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}
