import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { busAuthFromEnv } from './connection.js';
import { readSecretEnv, SecretEnvError } from './secret-env.js';

const dir = mkdtempSync(join(tmpdir(), 'sb-secret-env-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => { const path = join(dir, name); writeFileSync(path, text); return path; };

describe('readSecretEnv', () => {
  it('reads X, or the file X_FILE names without its trailing newline', () => {
    expect(readSecretEnv({ X: 'direct' }, 'X')).toBe('direct');
    expect(readSecretEnv({ X_FILE: file('x', 'from-file\n') }, 'X')).toBe('from-file');
    expect(readSecretEnv({}, 'X')).toBeUndefined();
  });
  it('refuses both set, an unreadable file and an empty one, naming the variable', () => {
    expect(() => readSecretEnv({ X: 'a', X_FILE: file('y', 'b') }, 'X')).toThrow(/X and X_FILE are both set/);
    expect(() => readSecretEnv({ X_FILE: join(dir, 'missing') }, 'X')).toThrow(SecretEnvError);
    expect(() => readSecretEnv({ X_FILE: join(dir, 'missing') }, 'X')).toThrow(/X_FILE=.*missing cannot be read \(ENOENT\)/);
    expect(() => readSecretEnv({ X_FILE: file('e', '\n') }, 'X')).toThrow(/is empty/);
  });
});

describe('busAuthFromEnv', () => {
  it('takes the user and password (or its file), with the user\'s own inbox prefix, and the TLS files', () => {
    expect(busAuthFromEnv({ NATS_USER: 'router', NATS_PASSWORD_FILE: file('p', 'pw\n') })).toEqual({ user: 'router', pass: 'pw', inboxPrefix: '_INBOX.router' });
    expect(busAuthFromEnv({ NATS_TLS_CA: '/ca.pem' })).toEqual({ tls: { caFile: '/ca.pem' } });
    expect(busAuthFromEnv({ NATS_TLS_CERT: '/c.pem', NATS_TLS_KEY: '/k.pem' })).toEqual({ tls: { certFile: '/c.pem', keyFile: '/k.pem' } });
    expect(busAuthFromEnv({})).toEqual({});
  });
  it('refuses half a credential', () => {
    expect(() => busAuthFromEnv({ NATS_USER: 'router' })).toThrow(/NATS_USER is set without NATS_PASSWORD/);
    expect(() => busAuthFromEnv({ NATS_PASSWORD: 'x' })).toThrow(/without NATS_USER/);
    expect(() => busAuthFromEnv({ NATS_TLS_CERT: '/c.pem' })).toThrow(/go together/);
  });
});
