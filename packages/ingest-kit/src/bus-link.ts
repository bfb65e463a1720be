import type { JetStreamClient, JetStreamManager, NatsConnection } from 'nats';
import type { Logger } from 'pino';
import { connectBus, ensureStreams, type BusNames } from '@switchboard/bus';

/** A service's link to NATS, with what readiness and fail-fast publishing need to know. */
export interface IngestBus {
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly names: BusNames;
  /** False between a disconnect and the next reconnect: publishing then fails at once. */
  isConnected(): boolean;
  /** Ready = connected and the contacts stream answers within `timeoutMs`. */
  ready(timeoutMs?: number): Promise<boolean>;
  /** Drains (flushes pending publishes, then closes); idempotent. */
  close(): Promise<void>;
}

/** Options of {@link connectIngestBus}. */
export interface ConnectIngestBusOptions {
  readonly url: string;
  /** Client name, e.g. `ingest-phone`. */
  readonly name: string;
  readonly names: BusNames;
  readonly logger?: Logger;
  /** Create or update the streams at start (default true); tests that share streams may skip. */
  readonly ensureStreams?: boolean;
  /** Where NATS credentials and TLS settings are read (`NATS_USER`…; default `process.env`). */
  readonly env?: NodeJS.ProcessEnv;
}

/** Connects (retrying forever, see `connectBus`), ensures the streams, and tracks connectivity. */
export async function connectIngestBus(options: ConnectIngestBusOptions): Promise<IngestBus> {
  const nc = await connectBus({ url: options.url, name: options.name, ...(options.logger ? { logger: options.logger } : {}), ...(options.env ? { env: options.env } : {}) });
  const bus = await createIngestBus(nc, options.names);
  if (options.ensureStreams ?? true) await ensureStreams(bus.jsm, options.names);
  return bus;
}

/** Wraps an existing connection (tests pass theirs). */
export async function createIngestBus(nc: NatsConnection, names: BusNames): Promise<IngestBus> {
  const jsm = await nc.jetstreamManager();
  let connected = !nc.isClosed();
  void (async () => {
    for await (const status of nc.status()) {
      if (status.type === 'disconnect') connected = false;
      else if (status.type === 'reconnect') connected = true;
    }
  })();
  let closing: Promise<void> | undefined;
  return {
    nc,
    js: nc.jetstream(),
    jsm,
    names,
    isConnected: () => connected && !nc.isClosed(),
    async ready(timeoutMs = 1_000) {
      if (!connected || nc.isClosed()) return false;
      return withTimeout(jsm.streams.info(names.contactsStream).then(() => true, () => false), timeoutMs, false);
    },
    close() {
      closing ??= nc.isClosed() ? Promise.resolve() : nc.drain().catch(() => nc.close());
      return closing;
    },
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(fallback), ms);
    void promise.then((value) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}
