import { assertSubjectToken, DEFAULT_BUS_NAMES, type BusNames } from '@switchboard/bus';
import { loadTokenConfig, TokenConfigError, type TokenConfig } from './token-config.js';

/** A setting is unusable: the service refuses to start and says which. */
export class EdgeConfigError extends Error {
  override readonly name = 'EdgeConfigError';
}

/** What every gRPC edge service reads from the environment. */
export interface EdgeConfig {
  /** `NATS_URL`, default nats://127.0.0.1:4222. */
  readonly natsUrl: string;
  /** `REDIS_URL`, default redis://127.0.0.1:6379. */
  readonly redisUrl: string;
  /** `HOST`, default 0.0.0.0. */
  readonly host: string;
  /** The service's own gRPC port variable. */
  readonly port: number;
  /** Its HTTP side port for `/metrics`, `/healthz` and `/readyz`. */
  readonly httpPort: number;
  /** `SWITCHBOARD_DOMAIN`, default `default`. */
  readonly domain: string;
  /** Where bearer tokens come from and what they must claim (`SWITCHBOARD_JWT_*`, `SWITCHBOARD_JWKS_*`). */
  readonly tokens: TokenConfig;
  /** `SB_SUBJECT_ROOT` over the production names (tests and shared NATS servers). */
  readonly names: BusNames;
  /** `SB_REDIS_PREFIX`: prefix of every Redis key (tests and shared Redis servers). */
  readonly redisPrefix: string;
}

/** The variables (and defaults) of a service's gRPC port and HTTP side port. */
export interface EdgePorts {
  readonly variable: string;
  readonly fallback: number;
  readonly httpVariable: string;
  readonly httpFallback: number;
}

/** A number from the environment within `min..max`. @throws EdgeConfigError naming the variable. */
export function envNumber(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < min || value > max) throw new EdgeConfigError(`${name}="${text}" must be a number in ${min}..${max}`);
  return value;
}

/**
 * Reads the settings every edge shares.
 * @throws EdgeConfigError for no token key source (neither secret nor JWKS URL), a short secret, a bad domain or port.
 */
export function loadEdgeConfig(env: NodeJS.ProcessEnv, port: EdgePorts): EdgeConfig {
  let tokens: TokenConfig;
  try {
    tokens = loadTokenConfig(env);
  } catch (error) {
    if (error instanceof TokenConfigError) throw new EdgeConfigError(error.message);
    throw error;
  }
  const domain = env.SWITCHBOARD_DOMAIN || 'default';
  try {
    assertSubjectToken('SWITCHBOARD_DOMAIN', domain);
  } catch (error) {
    throw new EdgeConfigError((error as Error).message);
  }
  return {
    natsUrl: env.NATS_URL || 'nats://127.0.0.1:4222',
    redisUrl: env.REDIS_URL || 'redis://127.0.0.1:6379',
    host: env.HOST || '0.0.0.0',
    port: envNumber(env, port.variable, port.fallback, 0, 65_535),
    httpPort: envNumber(env, port.httpVariable, port.httpFallback, 0, 65_535),
    domain,
    tokens,
    names: env.SB_SUBJECT_ROOT ? { ...DEFAULT_BUS_NAMES, subjectRoot: env.SB_SUBJECT_ROOT } : DEFAULT_BUS_NAMES,
    redisPrefix: env.SB_REDIS_PREFIX ?? '',
  };
}
