import type { BusNames } from '@switchboard/bus';
import { startIngestServices, type IngestServiceDefinition, type RunningIngestServices } from './service-group.js';

/** How a process runs its ingestion services, beyond the services themselves. */
interface ProcessOptions {
  /** The SDK started in the process's instrumentation.ts, flushed last. */
  readonly telemetry?: { shutdown(): Promise<void> };
  readonly env?: NodeJS.ProcessEnv;
  readonly names?: BusNames;
  /** After this, shutdown gives up waiting and exits 1 (default 15 s, under Kubernetes' 30 s). */
  readonly shutdownTimeoutMs?: number;
}

/** Options of {@link runIngestService}: the service, and how its process runs. */
export interface RunIngestServiceOptions<P extends string> extends IngestServiceDefinition<P>, ProcessOptions {}

/** Options of {@link runIngestServices}. */
export interface RunIngestServicesOptions extends ProcessOptions {
  /** The process's name, e.g. `ingest-all`: NATS client name, logs of the process itself, metrics' `service` label. */
  readonly processName: string;
  readonly services: readonly IngestServiceDefinition[];
}

/**
 * A service's `main`: reads the environment, connects the bus (waiting for NATS if it is not up
 * yet), ensures the streams, calls `start`, and on SIGTERM/SIGINT shuts down in order: stop
 * accepting and finish requests in flight, then drain NATS (pending acks arrive), then flush
 * spans. A second signal exits at once.
 * @throws IngestStartError naming the service when it cannot be configured or started.
 */
export async function runIngestService<P extends string>(options: RunIngestServiceOptions<P>): Promise<void> {
  const { service, ports, secrets, start, ...rest } = options;
  await runIngestServices({ ...rest, processName: service, services: [{ service, ports, ...(secrets ? { secrets } : {}), start }] });
}

/**
 * Several ingestion services in one process (`services/ingest-all`), each on its own ports with
 * its own variables, sharing one NATS connection, one logger destination, one metrics registry
 * and one tracing SDK. Shutdown as {@link runIngestService}: every service stops accepting and
 * finishes what it has in flight, then NATS drains, then spans are flushed.
 * @throws IngestStartError naming the service that could not be configured or started, once the
 * others were closed: the process fails rather than run with a channel missing.
 */
export async function runIngestServices(options: RunIngestServicesOptions): Promise<void> {
  let running: RunningIngestServices;
  try {
    running = await startIngestServices({
      processName: options.processName, services: options.services, env: options.env ?? process.env,
      ...(options.names ? { names: options.names } : {}),
    });
  } catch (error) {
    await options.telemetry?.shutdown().catch(() => undefined);
    throw error;
  }
  const { logger } = running;
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.info({ signal }, 'shutting down');
    setTimeout(() => {
      logger.error('shutdown timed out');
      process.exit(1);
    }, options.shutdownTimeoutMs ?? 15_000).unref();
    let failure: unknown;
    await running.close().catch((error: unknown) => { failure = error; });
    await options.telemetry?.shutdown().catch((error: unknown) => { failure ??= error; });
    if (failure === undefined) logger.info('stopped');
    else {
      logger.error({ err: failure }, 'shutdown failed');
      process.exitCode = 1;
    }
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}
