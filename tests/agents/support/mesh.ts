import { credentials, Metadata, type CallOptions, type ServiceError } from '@grpc/grpc-js';
import pino from 'pino';
import { AgentServiceClient, QueueServiceClient, type RoutingEvent } from '@switchboard/contracts';
import { CommandSigner, CommandVerifier, RouterClient, routingEventsOf } from '@switchboard/router-api';
import { connect } from 'nats';
import { DEFAULT_BUS_NAMES, ensureStreams, type BusNames } from '@switchboard/bus';
import { AgentDirectory, startAgentGateway, type RunningAgentGateway } from '@switchboard/agent-gateway';
import { signToken, type Role } from '@switchboard/grpc-edge';
import { startQueueService, type RunningQueueService } from '@switchboard/queue-service';
import { ruleSetFrom, startRouter, type RunningRouter } from '@switchboard/router';
import { connectTestNats, connectTestRedis, createTestScope, testCommandKeyEnv, type TestNats, type TestRedis, type TestScope } from '@switchboard/testkit';
import { createLogger } from '@switchboard/telemetry';

/** The HS256 secret of every test token. */
export const SECRET = 'test-secret-of-the-agents-tests';

/** Options of {@link startMesh}. */
export interface MeshOptions {
  readonly rules: unknown;
  readonly agents: unknown[];
  readonly graceSeconds?: number;
  readonly rateWindowMs?: number;
  /**
   * A private NATS server for this mesh alone, used with the production stream names and subjects
   * (`DEFAULT_BUS_NAMES`) — for tests that run real ingestion services beside it, which use those.
   */
  readonly privateNatsUrl?: string;
}

/** A router, an agent gateway and a queue service on the shared test NATS/Redis, with unique names. */
export class Mesh {
  private constructor(
    readonly scope: TestScope, readonly names: BusNames, readonly nats: TestNats, readonly redis: TestRedis,
    readonly router: RunningRouter, readonly gateway: RunningAgentGateway, readonly queues: RunningQueueService,
    readonly agentClient: AgentServiceClient, readonly queueClient: QueueServiceClient,
  ) {}

  static async start(options: MeshOptions): Promise<Mesh> {
    const scope = createTestScope('agents');
    const names: BusNames = options.privateNatsUrl ? DEFAULT_BUS_NAMES
      : { contactsStream: scope.stream('CONTACTS'), routingStream: scope.stream('ROUTING'), deadLetterStream: scope.stream('DEADLETTER'), subjectRoot: `t${scope.id}` };
    const nats = options.privateNatsUrl ? await privateNats(options.privateNatsUrl) : await connectTestNats(scope);
    const redis = await connectTestRedis(scope);
    await ensureStreams(nats.jsm, names);
    const level = process.env.TEST_LOG_LEVEL ?? 'silent';
    const router = await startRouter({
      natsUrl: nats.url, redisUrl: redis.url, domains: [scope.domain], rules: ruleSetFrom(options.rules), logger: pino({ level }),
      names, keyPrefix: scope.redisPrefix, leaseTtlMs: 1_500, ackWaitMs: 2_000, commandVerifier: CommandVerifier.fromEnv(testCommandKeyEnv()),
    });
    for (let i = 0; !router.replica.ownedDomains().includes(scope.domain); i++) {
      if (i > 500) throw new Error('router did not take the domain');
      await new Promise((r) => setTimeout(r, 20));
    }
    const logger = createLogger({ service: 'agents-test', level });
    const common = { nc: nats.nc, redis: redis.redis, names, domain: scope.domain, redisPrefix: scope.redisPrefix, jwtSecret: SECRET, logger, host: '127.0.0.1', port: 0 };
    const gateway = await startAgentGateway({ ...common, commandSigner: CommandSigner.fromEnv('agent-gateway', testCommandKeyEnv()), directory: AgentDirectory.from({ agents: options.agents }), graceSeconds: options.graceSeconds ?? 1, heartbeatSeconds: 1 });
    const queues = await startQueueService({ ...common, commandSigner: CommandSigner.fromEnv('queue-service', testCommandKeyEnv()), ...(options.rateWindowMs ? { rateWindowMs: options.rateWindowMs } : {}), defaultCycleSeconds: 5 });
    return new Mesh(scope, names, nats, redis, router, gateway, queues,
      new AgentServiceClient(`127.0.0.1:${gateway.port}`, credentials.createInsecure()),
      new QueueServiceClient(`127.0.0.1:${queues.port}`, credentials.createInsecure()));
  }

  get domain(): string {
    return this.scope.domain;
  }

  /** A client of this mesh's router that signs its commands as the operator (tests only). */
  routerClient(): RouterClient {
    return new RouterClient(this.nats.nc, this.domain, this.names.subjectRoot, 5_000, CommandSigner.fromEnv('operator', testCommandKeyEnv()));
  }

  /** Every event on this mesh's ROUTING stream so far (a test's stream is small: read message by message). */
  async routingEvents(): Promise<RoutingEvent[]> {
    const { state } = await this.nats.jsm.streams.info(this.names.routingStream);
    const events: RoutingEvent[] = [];
    for (let seq = state.first_seq; seq <= state.last_seq; seq++) {
      const m = await this.nats.jsm.streams.getMessage(this.names.routingStream, { seq }).catch(() => undefined);
      if (m) events.push(...routingEventsOf(m.data));
    }
    return events;
  }

  /** Metadata with a bearer token for `subject` in `role`. */
  async auth(subject: string, role: Role = 'agent'): Promise<Metadata> {
    const metadata = new Metadata();
    metadata.set('authorization', `Bearer ${await signToken(SECRET, { subject, role, ttl: '10m' })}`);
    return metadata;
  }

  async close(): Promise<void> {
    this.agentClient.close();
    this.queueClient.close();
    await this.gateway.close(500);
    await this.queues.close(500);
    await this.router.stop().catch(() => undefined);
    await this.redis.cleanup();
    await this.nats.cleanup();
  }
}

/** A client of a private server: nothing on it is shared, so cleaning up is closing the connection. */
async function privateNats(url: string): Promise<TestNats> {
  const nc = await connect({ servers: url });
  return { url, nc, js: nc.jetstream(), jsm: await nc.jetstreamManager(), cleanup: () => nc.drain() };
}

type Callback<Res> = (error: ServiceError | null, response: Res) => void;

/** Calls a unary method of a generated client and resolves with its response or rejects with its ServiceError. */
export function call<Req, Res>(method: (req: Req, md: Metadata, options: Partial<CallOptions>, cb: Callback<Res>) => unknown, request: Req, metadata: Metadata): Promise<Res> {
  return new Promise((resolve, reject) => {
    method(request, metadata, {}, (error, response) => (error ? reject(error) : resolve(response)));
  });
}

/** The status code a call failed with (or 'OK'). */
export async function codeOf(promise: Promise<unknown>): Promise<number | 'OK'> {
  try {
    await promise;
    return 'OK';
  } catch (error) {
    return (error as ServiceError).code;
  }
}

/** Waits until `predicate` holds, polling; throws with `what` after `timeoutMs`. */
export async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
