import type { FastifyInstance } from 'fastify';
import { pino, type DestinationStream } from 'pino';
import { DEFAULT_BUS_NAMES, loadSecretFiles, type BusNames } from '@switchboard/bus';
import { createLogger, type Logger } from '@switchboard/telemetry';
import { connectIngestBus, type IngestBus } from './bus-link.js';
import { IngestConfigError, loadIngestConfig, type IngestConfig, type PortSetting } from './config.js';
import { ingestRegistry } from './ingest-metrics.js';
import { createContactPublisher, type ContactPublisher } from './publisher.js';

/** What a service's `start` receives: its configuration, its logger and the process's connected bus. */
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
  /** Its HTTP server, once listening (the security suite lists its routes and reaches its port). */
  readonly http?: FastifyInstance;
  /** The port its gRPC server is bound to, when it has one. */
  readonly grpcPort?: number;
}

/**
 * One ingestion service's wiring: its name, the ports it reads and `start`. Its own main runs it
 * alone (`runIngestService`); `services/ingest-all` runs several in one process (`runIngestServices`).
 * `start` must not assume it is alone: it gets its bus, logger and metrics from the runtime.
 */
export interface IngestServiceDefinition<P extends string = string> {
  /** Service name for logs, traces and metrics, e.g. `ingest-phone`. */
  readonly service: string;
  readonly ports: Record<P, PortSetting>;
  /**
   * The secrets it reads (`PHONE_WEBHOOK_SECRET`, …): each may come as `NAME_FILE` (a mounted
   * file, how deployments give it), read into `NAME` before anything else is configured.
   */
  readonly secrets?: readonly string[];
  /** Builds the service and starts listening; its `close` runs first on SIGTERM/SIGINT. */
  start(runtime: IngestRuntime<P>): Promise<RunningService>;
}

/** A service could not be configured or started; `service` names it, `cause` says why. */
export class IngestStartError extends Error {
  override readonly name = 'IngestStartError';
  readonly code = 'INGEST.START';
  constructor(readonly service: string, cause: unknown) {
    super(`${service} failed to start: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** Options of {@link startIngestServices}. */
export interface StartIngestServicesOptions {
  /** The process's name: NATS client name, metrics' `service` label; the one service's name when alone. */
  readonly processName: string;
  readonly services: readonly IngestServiceDefinition[];
  readonly env: NodeJS.ProcessEnv;
  readonly names?: BusNames;
  /** Where every logger of the process writes (default stdout). */
  readonly destination?: DestinationStream;
}

/** Started services sharing one NATS connection. */
export interface RunningIngestServices {
  /** The process's logger (the service's own when it runs alone). */
  readonly logger: Logger;
  readonly bus: IngestBus;
  /** Each started service by name (`ingest-phone` …). */
  readonly services: ReadonlyMap<string, RunningService>;
  /**
   * Stops every service at once (each finishes what it has in flight), then drains NATS.
   * @throws Error naming the services whose `close` failed, after NATS was drained anyway.
   */
  close(): Promise<void>;
}

interface Member {
  readonly definition: IngestServiceDefinition;
  readonly config: IngestConfig;
  readonly logger: Logger;
}

/**
 * Reads every service's configuration (all of it before connecting, so a bad variable fails at
 * once), connects one bus (waiting for NATS if it is not up yet) and ensures the streams, then
 * starts the services together. Each keeps its own ports, variables, logger (`service` on every
 * line) and `/healthz`/`/readyz`; the bus, the publisher and the metrics registry are the
 * process's.
 * @throws IngestStartError naming the (first) service that could not be configured or started;
 * the services that did start are closed and the bus drained before it is thrown.
 */
export async function startIngestServices(options: StartIngestServicesOptions): Promise<RunningIngestServices> {
  const { env } = options;
  if (options.services.length === 0) throw new IngestConfigError(`${options.processName}: no ingestion service to start`);
  const level = env.LOG_LEVEL || 'info';
  const alone = options.services.length === 1;
  // One destination for every logger of the process, so lines of different services never interleave.
  const destination = options.destination ?? (alone ? undefined : pino.destination({ dest: 1, sync: true }));
  const loggerOf = (service: string) => createLogger({ service, level, ...(destination ? { destination } : {}) });
  const logger = loggerOf(options.processName);
  ingestRegistry(options.processName); // names the process on every metric series
  const members: Member[] = options.services.map((definition) => {
    try {
      // First: each `NAME_FILE` of its secrets into `NAME` (SecretEnvError names the variable).
      loadSecretFiles(env, definition.secrets ?? []);
      const config = loadIngestConfig(env, definition.ports);
      return { definition, config, logger: alone ? logger : loggerOf(definition.service) };
    } catch (error) {
      throw new IngestStartError(definition.service, error);
    }
  });
  assertDistinctPorts(members);
  const { natsUrl } = members[0]!.config;
  const bus = await connectIngestBus({ url: natsUrl, name: options.processName, names: options.names ?? DEFAULT_BUS_NAMES, logger, env });
  const publisher = createContactPublisher(bus);
  const results = await Promise.allSettled(members.map((m) => m.definition.start({ config: m.config, env, logger: m.logger, bus, publisher })));
  const running: { member: Member; service: RunningService }[] = [];
  const failures: IngestStartError[] = [];
  results.forEach((result, i) => {
    const member = members[i]!;
    if (result.status === 'fulfilled') return void running.push({ member, service: result.value });
    member.logger.error({ err: result.reason }, 'service failed to start');
    failures.push(new IngestStartError(member.definition.service, result.reason));
  });
  const close = async () => {
    const closed = await Promise.allSettled(running.map(({ service }) => service.close()));
    const failed: string[] = [];
    closed.forEach((result, i) => {
      if (result.status === 'fulfilled') return;
      const { member } = running[i]!;
      member.logger.error({ err: result.reason }, 'service failed to stop');
      failed.push(member.definition.service);
    });
    await bus.close();
    if (failed.length > 0) throw new Error(`${failed.join(', ')} did not stop cleanly`);
  };
  if (failures.length > 0) {
    await close().catch(() => undefined);
    throw failures[0]!;
  }
  for (const { member } of running) member.logger.info({ ports: member.config.ports, domain: member.config.domain }, 'service started');
  if (!alone) logger.info({ services: members.map((m) => m.definition.service) }, 'ingestion services started in one process');
  return { logger, bus, close, services: new Map(running.map(({ member, service }) => [member.definition.service, service])) };
}

/**
 * One process cannot listen twice on a port: two services given the same one would fail at
 * `listen` with a bare EADDRINUSE, so name both variables before connecting anything.
 * Port 0 (any free port, in tests) is never a clash.
 */
function assertDistinctPorts(members: readonly Member[]): void {
  const owner = new Map<number, string>();
  for (const { definition, config } of members) {
    for (const [name, setting] of Object.entries(definition.ports)) {
      const port = config.ports[name]!;
      if (port === 0) continue;
      const other = owner.get(port);
      if (other !== undefined) throw new IngestStartError(definition.service, new IngestConfigError(`${setting.env} and ${other} are both ${port}: one process cannot listen twice on a port`));
      owner.set(port, setting.env);
    }
  }
}
