import { assertSubjectToken } from '@switchboard/bus';

/** What ops reads from the environment. */
export interface OpsConfig {
  /** `OPS_HTTP_PORT` (7301): console, JSON API, SSE, `/metrics`, `/healthz`, `/readyz`. */
  readonly httpPort: number;
  /** `OPS_GRPC_PORT` (7302): `OpsService`, gRPC health and reflection. */
  readonly grpcPort: number;
  /** `OPS_HOST` (127.0.0.1): the console has no login, so it listens locally unless told otherwise. */
  readonly host: string;
  /** `SWITCHBOARD_DOMAIN` (`default`): the routing domain ops indexes and answers for. */
  readonly domain: string;
  readonly natsUrl: string;
  readonly redisUrl: string;
  /** `OPS_TRACE_TTL_SECONDS` (7 days): how long a contact's indexed events are kept. */
  readonly traceTtlSeconds: number;
}

/** A variable ops cannot start with; the message names it. */
export class OpsConfigError extends Error {
  override readonly name = 'OpsConfigError';
  readonly code = 'OPS.CONFIG';
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, max: number): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0 || value > max) throw new OpsConfigError(`${name}="${text}" must be an integer in 0..${max}`);
  return value;
}

/**
 * Reads the environment.
 * @throws OpsConfigError for a port out of range, a bad TTL or a domain that cannot be a subject token.
 */
export function loadOpsConfig(env: NodeJS.ProcessEnv): OpsConfig {
  const domain = env.SWITCHBOARD_DOMAIN || 'default';
  try {
    assertSubjectToken('SWITCHBOARD_DOMAIN', domain);
  } catch (error) {
    throw new OpsConfigError((error as Error).message);
  }
  return {
    httpPort: integer(env, 'OPS_HTTP_PORT', 7301, 65_535),
    grpcPort: integer(env, 'OPS_GRPC_PORT', 7302, 65_535),
    host: env.OPS_HOST || '127.0.0.1',
    domain,
    natsUrl: env.NATS_URL || 'nats://127.0.0.1:4222',
    redisUrl: env.REDIS_URL || 'redis://127.0.0.1:6379',
    traceTtlSeconds: integer(env, 'OPS_TRACE_TTL_SECONDS', 7 * 24 * 3600, 365 * 24 * 3600),
  };
}
