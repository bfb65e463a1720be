import { connect, type ConnectionOptions, type NatsConnection } from 'nats';
import type { Logger } from 'pino';

/** Options for a service's NATS link. */
export interface BusConnectionOptions {
  /** `NATS_URL`, e.g. `nats://127.0.0.1:4222`; comma-separated for a cluster. */
  readonly url: string;
  /** Client name shown by the server's monitoring (service name and replica). */
  readonly name: string;
  readonly logger?: Logger;
  readonly extra?: Partial<ConnectionOptions>;
}

/**
 * Connects and keeps reconnecting forever: a router or ingestion service that gave up after the
 * client's default ten attempts would sit alive but deaf after a NATS outage.
 */
export async function connectBus(options: BusConnectionOptions): Promise<NatsConnection> {
  const nc = await connect({
    servers: options.url.split(',').map((s) => s.trim()),
    name: options.name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    reconnectJitter: 100,
    pingInterval: 10_000,
    waitOnFirstConnect: true,
    ...options.extra,
  });
  if (options.logger) void logStatus(nc, options.logger);
  return nc;
}

async function logStatus(nc: NatsConnection, logger: Logger): Promise<void> {
  for await (const status of nc.status()) {
    if (status.type === 'pingTimer') continue;
    const level = status.type === 'disconnect' || status.type === 'error' ? 'warn' : 'info';
    logger[level]({ natsStatus: status.type, data: String(status.data) }, 'nats connection status');
  }
}
