import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { redisSettingsFromEnv } from './redis-connection.js';

describe('redisSettingsFromEnv', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-redis-env-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => { writeFileSync(join(dir, name), text); return join(dir, name); };

  it('defaults to local Redis without credentials', () => {
    expect(redisSettingsFromEnv({})).toEqual({ url: 'redis://127.0.0.1:6379' });
  });

  it('takes the user and password from the URL, and keeps them out of the URL it returns', () => {
    expect(redisSettingsFromEnv({ REDIS_URL: 'redis://router:p%40ss@redis:6379/0' })).toEqual({ url: 'redis://redis:6379/0', username: 'router', password: 'p@ss' });
  });

  it('lets REDIS_USERNAME and REDIS_PASSWORD(_FILE) win over the URL; a file loses its trailing newline', () => {
    const password = file('pw', 'from-file\n');
    expect(redisSettingsFromEnv({ REDIS_URL: 'redis://a:b@h:1', REDIS_USERNAME: 'ops', REDIS_PASSWORD_FILE: password })).toMatchObject({ username: 'ops', password: 'from-file' });
    expect(redisSettingsFromEnv({ REDIS_USERNAME_FILE: file('user', 'queue-service'), REDIS_PASSWORD: 'x' })).toMatchObject({ username: 'queue-service', password: 'x' });
  });

  it('refuses what it cannot use, with the variable to fix', () => {
    expect(() => redisSettingsFromEnv({ REDIS_URL: 'http://redis:6379' })).toThrow(/REDIS_URL must start with redis:\/\/ or rediss:\/\//);
    expect(() => redisSettingsFromEnv({ REDIS_URL: 'not a url' })).toThrow(/REDIS_URL is not a URL/);
    expect(() => redisSettingsFromEnv({ REDIS_PASSWORD: 'a', REDIS_PASSWORD_FILE: '/x' })).toThrow(/REDIS_PASSWORD and REDIS_PASSWORD_FILE are both set/);
    expect(() => redisSettingsFromEnv({ REDIS_PASSWORD_FILE: join(dir, 'missing') })).toThrow(/REDIS_PASSWORD_FILE: cannot read/);
    expect(() => redisSettingsFromEnv({ REDIS_PASSWORD_FILE: file('empty', '\n') })).toThrow(/is empty/);
    expect(() => redisSettingsFromEnv({ REDIS_USERNAME: 'router' })).toThrow(/Redis user "router" has no password/);
    expect(() => redisSettingsFromEnv({ REDIS_TLS_CA: file('ca', '-----BEGIN CERTIFICATE-----') })).toThrow(/use rediss:\/\//);
    expect(() => redisSettingsFromEnv({ REDIS_URL: 'rediss://h:1', REDIS_TLS_CERT: file('c', '-----BEGIN CERTIFICATE-----') })).toThrow(/go together/);
    expect(() => redisSettingsFromEnv({ REDIS_URL: 'rediss://h:1', REDIS_TLS_CA: file('notpem', 'hello') })).toThrow(/REDIS_TLS_CA .* is not a PEM file/);
  });

  it('turns TLS on for rediss:// with the CA and client certificate given', () => {
    const ca = file('ca.pem', '-----BEGIN CERTIFICATE-----\nca');
    const settings = redisSettingsFromEnv({ REDIS_URL: 'rediss://redis.internal:6380', REDIS_TLS_CA: ca, REDIS_TLS_CERT: ca, REDIS_TLS_KEY: ca });
    expect(settings.tls).toMatchObject({ servername: 'redis.internal', ca: expect.stringContaining('ca'), cert: expect.any(String), key: expect.any(String) });
    expect(redisSettingsFromEnv({ REDIS_URL: 'rediss://h:1' }).tls).toEqual({ servername: 'h' });
    expect(redisSettingsFromEnv({ REDIS_URL: 'rediss://127.0.0.1:1' }).tls).toEqual({});
  });
});
