import { Server, type UntypedServiceImplementation } from '@grpc/grpc-js';
import type { Redis } from 'ioredis';
import type { NatsConnection } from 'nats';
import { AgentServiceService } from '@switchboard/contracts';
import type { BusNames } from '@switchboard/bus';
import { addHealthAndReflection, bindGrpc, shutdownGrpc, TokenVerifier, type TokenConfig } from '@switchboard/grpc-edge';
import { RouterClient, type CommandSigner } from '@switchboard/router-api';
import { getTracer, type Logger } from '@switchboard/telemetry';
import type { GatewayDeps } from './deps.js';
import { DeskHub, type ContextLookup } from './desk-hub.js';
import type { AgentDirectory } from './directory.js';
import { startReaper } from './reaper.js';
import { RouterLink } from './router-link.js';
import { agentService } from './service.js';
import { ProfileOverrides } from './profile-overrides.js';
import { SessionStore } from './session-store.js';

/** The fully qualified gRPC service name. */
export const AGENT_SERVICE = 'switchboard.v1.AgentService';

/** Everything the gateway needs; `main.ts` reads it from the environment, tests build it. */
export interface AgentGatewayOptions {
  readonly nc: NatsConnection;
  readonly redis: Redis;
  readonly names: BusNames;
  readonly domain: string;
  readonly redisPrefix?: string;
  /** Where tokens come from and what they must claim; a token of another domain than `domain` is refused. */
  readonly tokens: TokenConfig;
  /** Signs the gateway's router commands (`ROUTER_COMMAND_KEY_AGENT_GATEWAY`); the router refuses unsigned ones. */
  readonly commandSigner: CommandSigner;
  readonly directory: AgentDirectory;
  readonly logger: Logger;
  readonly graceSeconds?: number;
  readonly heartbeatSeconds?: number;
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly context?: ContextLookup;
  readonly now?: () => number;
}

/** A listening gateway. */
export interface RunningAgentGateway {
  readonly port: number;
  /** Marks the health service NOT_SERVING, stops the reaper and the hub, and shuts the server down. */
  close(graceMs?: number): Promise<void>;
}

/** Builds AgentService with health and reflection, binds it and starts the hub and the reaper. */
export async function startAgentGateway(options: AgentGatewayOptions): Promise<RunningAgentGateway> {
  const logger = options.logger.child({ component: 'agent-gateway' });
  const tracer = getTracer('@switchboard/agent-gateway');
  const graceSeconds = options.graceSeconds ?? 15;
  const router = new RouterLink(new RouterClient(options.nc, options.domain, options.names.subjectRoot, 5_000, options.commandSigner));
  const sessions = new SessionStore(options.redis, options.redisPrefix ?? '', options.domain, graceSeconds * 1000);
  const hub = new DeskHub({ nc: options.nc, names: options.names, domain: options.domain, router, sessions, logger, ...(options.context ? { context: options.context } : {}) });
  const deps: GatewayDeps = {
    edge: { service: AGENT_SERVICE, tracer, logger, verifier: new TokenVerifier({ ...options.tokens, domain: options.domain }) },
    tracer, logger, domain: options.domain, directory: options.directory, router, sessions, hub, graceSeconds,
    profiles: new ProfileOverrides(options.redis, options.redisPrefix ?? '', options.domain),
    heartbeatSeconds: options.heartbeatSeconds ?? 5, now: options.now ?? Date.now,
  };
  await hub.start();
  // Keepalive pings find desktops that vanished without closing TCP (laptop lid, network drop).
  const server = new Server({ 'grpc.keepalive_time_ms': 10_000, 'grpc.keepalive_timeout_ms': 5_000, 'grpc.max_receive_message_length': 256 * 1024 });
  server.addService(AgentServiceService, agentService(deps) as unknown as UntypedServiceImplementation);
  const health = addHealthAndReflection(server, { protoFiles: ['switchboard/v1/agent_service.proto'], services: [AGENT_SERVICE] });
  const port = await bindGrpc(server, options.host ?? '0.0.0.0', options.port);
  const reaper = startReaper(deps);
  return {
    port,
    close: async (graceMs = 5_000) => {
      health.setStatus('', 'NOT_SERVING');
      health.setStatus(AGENT_SERVICE, 'NOT_SERVING');
      reaper.stop();
      hub.stop();
      await shutdownGrpc(server, graceMs);
    },
  };
}
