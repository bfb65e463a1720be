import { credentials, Metadata, type CallOptions, type ServiceError } from '@grpc/grpc-js';
import pino from 'pino';
import { AgentServiceClient, QueueServiceClient, type RoutingEvent } from '@switchboard/contracts';
import { CommandSigner, CommandVerifier, RouterClient, routingEventsOf } from '@switchboard/router-api';
import { connect } from 'nats';
import { DEFAULT_BUS_NAMES, ensureStreams, type BusNames } from '@switchboard/bus';
import { AgentDirectory, startAgentGateway, type RunningAgentGateway } from '@switchboard/agent-gateway';
import { DEFAULT_AUDIENCE, DEFAULT_ISSUER, signToken, type Role, type TokenClaims } from '@switchboard/grpc-edge';
import { startQueueService, type RunningQueueService } from '@switchboard/queue-service';
import { ruleSetFrom, startRouter, type RunningRouter } from '@switchboard/router';
import { connectTestNats, connectTestRedis, createTestScope, testCommandKeyEnv, type TestNats, type TestRedis, type TestScope } from '@switchboard/testkit';
import { createLogger } from '@switchboard/telemetry';
import { createRedis, IDENTIFIER_KINDS, redisSettingsFromEnv } from '@switchboard/state';
import { startAclRedis, type AclRedis } from '@switchboard/state/testing';

/** The HS256 secret of every test token. */
export const SECRET = 'test-secret-of-the-agents-tests';
/** What the mesh's edges verify tokens against: the secret, the default issuer and audience. */
export const TOKENS = { secret: SECRET, issuer: DEFAULT_ISSUER, jwksIssuer: DEFAULT_ISSUER, audience: DEFAULT_AUDIENCE } as const;

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
  /** A private Redis with the deployment's ACL: router, gateway and queue service each log in as their own user. */
  readonly redisAcl?: boolean;
  /** The queue service's announcer tick and surge forecast interval (ms; defaults 5 s and 30 s). */
  readonly announceTickMs?: number;
  readonly surgeIntervalMs?: number;
  /** One customer across channels: the router resolves customers and the queue service serves CustomerService. */
  readonly customerKeySecret?: string;
}

/** Claims of a test token beyond subject and role: another domain than the mesh's, a supervisor's teams (default `*`). */
export type MeshClaims = Partial<Pick<TokenClaims, 'domain' | 'teams'>>;

/** A router, an agent gateway and a queue service on the shared test NATS/Redis, with unique names. */
export class Mesh {
  private constructor(
    readonly scope: TestScope, readonly names: BusNames, readonly nats: TestNats, readonly redis: TestRedis,
    readonly router: RunningRouter, readonly gateway: RunningAgentGateway, readonly queues: RunningQueueService,
    readonly agentClient: AgentServiceClient, readonly queueClient: QueueServiceClient,
    readonly acl?: AclRedis,
  ) {}

  static async start(options: MeshOptions): Promise<Mesh> {
    const scope = createTestScope('agents');
    const names: BusNames = options.privateNatsUrl ? DEFAULT_BUS_NAMES
      : { contactsStream: scope.stream('CONTACTS'), routingStream: scope.stream('ROUTING'), deadLetterStream: scope.stream('DEADLETTER'), subjectRoot: `t${scope.id}` };
    const nats = options.privateNatsUrl ? await privateNats(options.privateNatsUrl) : await connectTestNats(scope);
    const redis = await connectTestRedis(scope);
    await ensureStreams(nats.jsm, names);
    const acl = options.redisAcl ? await startAclRedis(scope.redisPrefix) : undefined;
    const settings = (user: 'router' | 'agent-gateway' | 'queue-service') => redisSettingsFromEnv(acl!.env(user));
    const level = process.env.TEST_LOG_LEVEL ?? 'silent';
    const router = await startRouter({
      ...(acl ? { redisSettings: settings('router') } : {}),
      natsUrl: nats.url, redisUrl: redis.url, domains: [scope.domain], rules: ruleSetFrom(options.rules), logger: pino({ level }),
      names, keyPrefix: scope.redisPrefix, leaseTtlMs: 1_500, ackWaitMs: 2_000, commandVerifier: CommandVerifier.fromEnv(testCommandKeyEnv()),
      ...(options.customerKeySecret ? { customers: { secret: options.customerKeySecret, rules: new Set(IDENTIFIER_KINDS) } } : {}),
    });
    for (let i = 0; !router.replica.ownedDomains().includes(scope.domain); i++) {
      if (i > 500) throw new Error('router did not take the domain');
      await new Promise((r) => setTimeout(r, 20));
    }
    const logger = createLogger({ service: 'agents-test', level });
    const common = { nc: nats.nc, redis: redis.redis, names, domain: scope.domain, redisPrefix: scope.redisPrefix, tokens: TOKENS, logger, host: '127.0.0.1', port: 0 };
    const own = (user: 'agent-gateway' | 'queue-service') => (acl ? { redis: acl.adopt(createRedis(user, { maxRetriesPerRequest: 2 }, settings(user))) } : {});
    const gateway = await startAgentGateway({ ...common, ...own('agent-gateway'), commandSigner: CommandSigner.fromEnv('agent-gateway', testCommandKeyEnv()), directory: AgentDirectory.from({ agents: options.agents }), graceSeconds: options.graceSeconds ?? 1, heartbeatSeconds: 1 });
    const queues = await startQueueService({ ...common, ...own('queue-service'), commandSigner: CommandSigner.fromEnv('queue-service', testCommandKeyEnv()), ...(options.rateWindowMs ? { rateWindowMs: options.rateWindowMs } : {}), defaultCycleSeconds: 5,
      ...(options.announceTickMs ? { announceTickMs: options.announceTickMs } : {}), ...(options.surgeIntervalMs ? { surgeIntervalMs: options.surgeIntervalMs } : {}),
      ...(options.customerKeySecret ? { customerKeySecret: options.customerKeySecret } : {}) });
    return new Mesh(scope, names, nats, redis, router, gateway, queues,
      new AgentServiceClient(`127.0.0.1:${gateway.port}`, credentials.createInsecure()),
      new QueueServiceClient(`127.0.0.1:${queues.port}`, credentials.createInsecure()), acl);
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

  /**
   * Metadata with a bearer token for `subject` in `role`, of this mesh's domain; a supervisor's
   * covers every team unless `claims` says otherwise (another domain, some teams).
   */
  async auth(subject: string, role: Role = 'agent', claims: MeshClaims = {}): Promise<Metadata> {
    const metadata = new Metadata();
    metadata.set('authorization', `Bearer ${await this.token(subject, role, claims)}`);
    return metadata;
  }

  /** The bearer token itself (for buf curl and the CLI), as {@link auth} signs it. */
  token(subject: string, role: Role = 'agent', claims: MeshClaims = {}): Promise<string> {
    const teams = claims.teams ?? (role === 'supervisor' ? ['*'] : undefined);
    return signToken(SECRET, { subject, role, domain: claims.domain ?? this.domain, ...(teams ? { teams } : {}), ttl: '10m' });
  }

  async close(): Promise<void> {
    this.agentClient.close();
    this.queueClient.close();
    await this.gateway.close(500);
    await this.queues.close(500);
    await this.router.stop().catch(() => undefined);
    await this.acl?.stop();
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
