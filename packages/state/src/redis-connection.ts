import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { Redis, type RedisOptions } from 'ioredis';

/** A Redis setting from the environment that cannot be used; the message names the variable. */
export class RedisConfigError extends Error {
  override readonly name = 'RedisConfigError';
}

/** Where and as whom a service reaches Redis, read from the environment by {@link redisSettingsFromEnv}. */
export interface RedisSettings {
  /** The URL without its credentials (safe to log). */
  readonly url: string;
  readonly username?: string;
  readonly password?: string;
  /** Set for `rediss://`: the CA, and the client certificate and key for mutual TLS. */
  readonly tls?: ConnectionOptions;
}

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/**
 * Reads `REDIS_URL` (`redis://[user:pass@]host:port[/db]`, `rediss://` for TLS), then
 * `REDIS_USERNAME` / `REDIS_PASSWORD` (or `REDIS_USERNAME_FILE` / `REDIS_PASSWORD_FILE`, a mounted
 * secret), which win over the URL's credentials, and `REDIS_TLS_CA` / `REDIS_TLS_CERT` /
 * `REDIS_TLS_KEY` (PEM file paths).
 * @throws RedisConfigError for a URL that is not redis(s)://, a variable set twice (value and file),
 *   an unreadable file, or TLS files with a plaintext `redis://` URL (they would be silently unused).
 */
export function redisSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): RedisSettings {
  const raw = env.REDIS_URL || DEFAULT_REDIS_URL;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new RedisConfigError(`REDIS_URL is not a URL (expected redis://host:port or rediss://host:port)`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new RedisConfigError(`REDIS_URL must start with redis:// or rediss:// (TLS), got ${url.protocol}//`);
  }
  const username = secret(env, 'REDIS_USERNAME') ?? (url.username ? decodeURIComponent(url.username) : undefined);
  const password = secret(env, 'REDIS_PASSWORD') ?? (url.password ? decodeURIComponent(url.password) : undefined);
  if (username !== undefined && password === undefined) {
    throw new RedisConfigError(`Redis user "${username}" has no password: set REDIS_PASSWORD or REDIS_PASSWORD_FILE`);
  }
  const tlsFiles = (['REDIS_TLS_CA', 'REDIS_TLS_CERT', 'REDIS_TLS_KEY'] as const).filter((name) => env[name]);
  if (url.protocol === 'redis:' && tlsFiles.length > 0) {
    throw new RedisConfigError(`${tlsFiles.join(', ')} set but REDIS_URL is plaintext redis://: use rediss:// to connect with TLS`);
  }
  if (Boolean(env.REDIS_TLS_CERT) !== Boolean(env.REDIS_TLS_KEY)) {
    throw new RedisConfigError('REDIS_TLS_CERT and REDIS_TLS_KEY go together (a client certificate needs its key)');
  }
  const tls: ConnectionOptions | undefined = url.protocol === 'rediss:' ? {
    // SNI carries host names only (RFC 6066); an IP is checked against the certificate's IP SANs.
    ...(isIP(url.hostname.replace(/^\[|\]$/g, '')) ? {} : { servername: url.hostname }),
    ...(env.REDIS_TLS_CA ? { ca: pem(env, 'REDIS_TLS_CA') } : {}),
    ...(env.REDIS_TLS_CERT ? { cert: pem(env, 'REDIS_TLS_CERT'), key: pem(env, 'REDIS_TLS_KEY') } : {}),
  } : undefined;
  url.username = '';
  url.password = '';
  return { url: url.toString(), ...(username !== undefined ? { username } : {}), ...(password !== undefined ? { password } : {}), ...(tls ? { tls } : {}) };
}

/**
 * A Redis client for `settings` (by default from the environment). `options` are the caller's
 * own (retries, offline queue, lazyConnect); the connection name shows in `CLIENT LIST`.
 */
export function createRedis(name: string, options: RedisOptions = {}, settings: RedisSettings = redisSettingsFromEnv()): Redis {
  return new Redis(settings.url, {
    connectionName: name,
    ...options,
    ...(settings.username !== undefined ? { username: settings.username } : {}),
    ...(settings.password !== undefined ? { password: settings.password } : {}),
    ...(settings.tls ? { tls: settings.tls } : {}),
  });
}

/** `NAME` or the contents of the file `NAME_FILE` (trailing newlines dropped, as deploy/redis/render-acl.sh hashes it); both set is a mistake. */
function secret(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const file = env[`${name}_FILE`];
  const value = env[name];
  if (file && value) throw new RedisConfigError(`${name} and ${name}_FILE are both set: keep one`);
  if (value) return value;
  if (!file) return undefined;
  const text = read(`${name}_FILE`, file).replace(/[\r\n]+$/, '');
  if (text === '') throw new RedisConfigError(`${name}_FILE ${file} is empty`);
  return text;
}

function pem(env: NodeJS.ProcessEnv, name: string): string {
  const text = read(name, env[name]!);
  if (!text.includes('-----BEGIN')) throw new RedisConfigError(`${name} ${env[name]} is not a PEM file`);
  return text;
}

function read(name: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new RedisConfigError(`${name}: cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
}
