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
 *
 * `noAsyncTraces`: by default the client builds two Error objects (two stack captures) for every
 * request, JetStream publish and ack, only to append the caller's stack to a timeout message.
 * Profiles of the end-to-end bench showed that at ~7% of the router's and ~6% of the gateway's CPU;
 * a timeout still fails the same way, its stack just ends in the client.
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
    noAsyncTraces: true,
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
