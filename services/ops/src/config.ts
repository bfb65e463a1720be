import { assertSubjectToken, loadSecretFiles } from '@switchboard/bus';
import { edgesFromEnv, type OpsEdges } from './actions/edge-clients.js';
import { loadOpsAuthConfig, type OpsAuthConfig } from './auth/auth-config.js';

/** What ops reads from the environment. */
export interface OpsConfig {
  /** `OPS_HTTP_PORT` (7301): console, JSON API, SSE, `/metrics`, `/healthz`, `/readyz`. */
  readonly httpPort: number;
  /** `OPS_GRPC_PORT` (7302): `OpsService`, gRPC health and reflection. */
  readonly grpcPort: number;
  /**
   * `OPS_HOST` (127.0.0.1). Every route but `/healthz`, `/readyz` and `/metrics` needs a login
   * (Bearer JWT or the console's session), so a deployment may bind 0.0.0.0 (deploy/ does);
   * the default stays local because a development checkout has no reason to be reachable.
   */
  readonly host: string;
  /** `SWITCHBOARD_DOMAIN` (`default`): the routing domain ops indexes and answers for. */
  readonly domain: string;
  readonly natsUrl: string;
  readonly redisUrl: string;
  /** `OPS_TRACE_TTL_SECONDS` (7 days): how long a contact's indexed events are kept. */
  readonly traceTtlSeconds: number;
  /** Who may come in: Bearer tokens, the console's OIDC login, the launcher's dev login. */
  readonly auth: OpsAuthConfig;
  /** The edges the console's supervisor controls act through; absent (tests that only read), every control answers 503. */
  readonly edges?: OpsEdges;
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

/** The secrets ops reads; each may come as `NAME_FILE` (a mounted file, as the deployments give it). */
export const OPS_SECRETS = ['SWITCHBOARD_JWT_SECRET', 'OPS_SESSION_SECRET', 'OPS_OIDC_CLIENT_SECRET'] as const;

/**
 * Reads the environment, first each `NAME_FILE` of {@link OPS_SECRETS} into `NAME`.
 * @throws OpsConfigError for a port out of range, a bad TTL, a domain that cannot be a subject
 * token, or no way to log in at all (neither `SWITCHBOARD_JWT_SECRET` nor OIDC: ops fails closed);
 * SecretEnvError for a secret's file (both set, unreadable, empty).
 */
export function loadOpsConfig(env: NodeJS.ProcessEnv): OpsConfig {
  loadSecretFiles(env, OPS_SECRETS);
  const domain = env.SWITCHBOARD_DOMAIN || 'default';
  try {
    assertSubjectToken('SWITCHBOARD_DOMAIN', domain);
  } catch (error) {
    throw new OpsConfigError((error as Error).message);
  }
  const host = env.OPS_HOST || '127.0.0.1';
  return {
    httpPort: integer(env, 'OPS_HTTP_PORT', 7301, 65_535),
    grpcPort: integer(env, 'OPS_GRPC_PORT', 7302, 65_535),
    host,
    domain,
    natsUrl: env.NATS_URL || 'nats://127.0.0.1:4222',
    redisUrl: env.REDIS_URL || 'redis://127.0.0.1:6379',
    traceTtlSeconds: integer(env, 'OPS_TRACE_TTL_SECONDS', 7 * 24 * 3600, 365 * 24 * 3600),
    auth: loadOpsAuthConfig(env, { host, integer: (name, fallback, max) => integer(env, name, fallback, max), fail: (message) => new OpsConfigError(message) }),
    edges: edgesFromEnv(env),
  };
}
