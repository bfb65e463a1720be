import { connect, type ConnectionOptions, type NatsConnection } from 'nats';
import type { Logger } from 'pino';
import { readSecretEnv, SecretEnvError } from './secret-env.js';

type Env = Readonly<Record<string, string | undefined>>;

/** Options for a service's NATS link. */
export interface BusConnectionOptions {
  /** `NATS_URL`, e.g. `nats://127.0.0.1:4222`; comma-separated for a cluster. */
  readonly url: string;
  /** Client name shown by the server's monitoring (service name and replica). */
  readonly name: string;
  readonly logger?: Logger;
  /** Where credentials and TLS settings are read from ({@link busAuthFromEnv}); `process.env` by default. */
  readonly env?: Env;
  readonly extra?: Partial<ConnectionOptions>;
}

/**
 * The NATS user and TLS settings of this process, from the environment:
 * - `NATS_USER` with `NATS_PASSWORD` (or `NATS_PASSWORD_FILE`): the service's own user on a locked
 *   server. Its replies then arrive under `_INBOX.<user>.` so that the server can give each user
 *   its own inboxes and nobody else can read them.
 * - `NATS_TLS_CA` (a CA file to trust, for a server with a private CA), `NATS_TLS_CERT` and
 *   `NATS_TLS_KEY` (a client certificate, when the server asks for one). Any of them turns TLS on.
 *   A `tls://` URL also requires TLS, trusting the system's CAs.
 * Nothing set: an open connection, as the dev launcher's NATS takes (the server decides; a locked
 * one refuses it).
 * @throws SecretEnvError when a user comes without its password or the reverse, or a key without its certificate.
 */
export function busAuthFromEnv(env: Env = process.env): Partial<ConnectionOptions> {
  const options: { -readonly [K in keyof ConnectionOptions]?: ConnectionOptions[K] } = {};
  const user = env.NATS_USER || undefined;
  const pass = readSecretEnv(env, 'NATS_PASSWORD');
  if (user && !pass) throw new SecretEnvError('NATS_USER is set without NATS_PASSWORD (or NATS_PASSWORD_FILE)');
  if (pass && !user) throw new SecretEnvError('NATS_PASSWORD is set without NATS_USER');
  if (user && pass) Object.assign(options, { user, pass, inboxPrefix: inboxPrefixOf(user) });
  const ca = env.NATS_TLS_CA || undefined;
  const cert = env.NATS_TLS_CERT || undefined;
  const key = env.NATS_TLS_KEY || undefined;
  if (Boolean(cert) !== Boolean(key)) throw new SecretEnvError('NATS_TLS_CERT and NATS_TLS_KEY go together: set both or neither');
  if (ca || cert) options.tls = { ...(ca ? { caFile: ca } : {}), ...(cert && key ? { certFile: cert, keyFile: key } : {}) };
  return options;
}

/** The inbox prefix of a NATS user: the locked server's config lets each user subscribe only to its own. */
export function inboxPrefixOf(user: string): string {
  return `_INBOX.${user}`;
}

/**
 * Connects and keeps reconnecting forever: a router or ingestion service that gave up after the
 * client's default ten attempts would sit alive but deaf after a NATS outage. Credentials and TLS
 * come from the environment ({@link busAuthFromEnv}); `extra` overrides them.
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
    ...busAuthFromEnv(options.env),
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
