import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestScope, generateTestCa, type TestCa } from '@switchboard/testkit';
import { createRedis, redisSettingsFromEnv } from './index.js';
import { startAclRedis, type AclRedis } from './testing/acl-redis.js';

const once = { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null };

describe('Redis over TLS (a generated CA), with the ACL users', () => {
  const scope = createTestScope('redistls');
  let ca: TestCa;
  let acl: AclRedis;
  beforeAll(async () => {
    ca = generateTestCa();
    const server = ca.issue('redis');
    // Mutual TLS: the server asks every client for a certificate from the CA.
    acl = await startAclRedis(scope.redisPrefix, { tls: { cert: server.certFile, key: server.keyFile, ca: ca.caFile, authClients: true } });
  });
  afterAll(async () => {
    await acl.stop();
    ca.cleanup();
  });

  /** The first link error of a client for `env` (its PING must fail). */
  async function linkError(env: NodeJS.ProcessEnv): Promise<string> {
    const redis = createRedis('router', once, redisSettingsFromEnv(env));
    const errors: string[] = [];
    redis.on('error', (error: Error) => errors.push(error.message));
    await expect(redis.ping()).rejects.toThrow();
    redis.disconnect();
    return errors[0] ?? 'no link error';
  }

  it('connects with rediss://, the CA, a client certificate and the service user', async () => {
    const client = ca.issue('router');
    const redis = createRedis('router', once, redisSettingsFromEnv({
      ...acl.env('router'), REDIS_URL: acl.url, REDIS_TLS_CA: ca.caFile, REDIS_TLS_CERT: client.certFile, REDIS_TLS_KEY: client.keyFile,
    }));
    expect(acl.url).toMatch(/^rediss:/);
    expect(await redis.set(`${scope.redisPrefix}{d:${scope.domain}}:epoch`, 'e1')).toBe('OK');
    redis.disconnect();
  });

  it('refuses a client that does not trust the CA, and one without a client certificate', async () => {
    expect(await linkError({ ...acl.env('router') })).toMatch(/self-signed certificate/);
    expect(await linkError({ ...acl.env('router'), REDIS_TLS_CA: ca.caFile })).toMatch(/ECONNRESET|certificate required|alert/);
  });

  it('refuses plaintext on the TLS port', async () => {
    expect(await linkError({ ...acl.env('router'), REDIS_URL: acl.url.replace('rediss:', 'redis:') })).toMatch(/ECONNRESET|Connection is closed|closed/);
  });
});
