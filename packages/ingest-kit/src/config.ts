import { assertSubjectToken } from '@switchboard/bus';

/** A listening port a service reads from the environment. */
export interface PortSetting {
  /** Environment variable, e.g. `INGEST_PHONE_PORT`. */
  readonly env: string;
  readonly default: number;
}

/** The environment every ingestion service reads. */
export interface IngestConfig {
  /** `NATS_URL`, default `nats://127.0.0.1:4222`. */
  readonly natsUrl: string;
  /** `SWITCHBOARD_DOMAIN`, default `default`: the routing domain contacts are published to. */
  readonly domain: string;
  /** `HOST`, default `0.0.0.0`. */
  readonly host: string;
  /** The service's ports by name, each from its variable or its default. */
  readonly ports: Readonly<Record<string, number>>;
}

/** Thrown at startup when a variable is unusable: a bad deployment fails loudly. */
export class IngestConfigError extends Error {
  override readonly name = 'IngestConfigError';
  readonly code = 'INGEST.CONFIG';
}

/**
 * Reads the common variables and the service's ports.
 * @throws IngestConfigError for a port that is not an integer in 0..65535 or an unusable domain.
 */
export function loadIngestConfig<P extends string>(env: NodeJS.ProcessEnv, ports: Record<P, PortSetting>): IngestConfig & { ports: Record<P, number> } {
  const domain = env.SWITCHBOARD_DOMAIN || 'default';
  try {
    assertSubjectToken('SWITCHBOARD_DOMAIN', domain);
  } catch (error) {
    throw new IngestConfigError((error as Error).message);
  }
  const resolved = {} as Record<P, number>;
  for (const [name, setting] of Object.entries(ports) as [P, PortSetting][]) {
    resolved[name] = readPort(env, setting);
  }
  return { natsUrl: env.NATS_URL || 'nats://127.0.0.1:4222', domain, host: env.HOST || '0.0.0.0', ports: resolved };
}

function readPort(env: NodeJS.ProcessEnv, setting: PortSetting): number {
  const text = env[setting.env];
  if (text === undefined || text === '') return setting.default;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new IngestConfigError(`${setting.env}="${text}" is not a port number`);
  }
  return port;
}

/** Reads an optional secret; empty counts as unset so `FOO=` in a compose file disables it. */
export function optionalSecret(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}
