import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { busAuthFromEnv } from './connection.js';
import { loadSecretFiles, readSecretEnv, SecretEnvError } from './secret-env.js';

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

describe('loadSecretFiles', () => {
  it('reads each NAME_FILE of the list into NAME (one trailing newline dropped) and removes NAME_FILE', () => {
    const env: Record<string, string | undefined> = { A_FILE: file('a', 'alpha\n'), B: 'beta', C_FILE: file('c', 'gamma'), OTHER_FILE: '/not/read', LOG_LEVEL: 'info' };
    loadSecretFiles(env, ['A', 'B', 'C', 'D']);
    expect(env).toEqual({ A: 'alpha', B: 'beta', C: 'gamma', OTHER_FILE: '/not/read', LOG_LEVEL: 'info' });
    // A second call (another service of ingest-all on the same environment) finds nothing to read and changes nothing.
    loadSecretFiles(env, ['A', 'C']);
    expect(env).toMatchObject({ A: 'alpha', C: 'gamma' });
    // Only one newline goes: the value is the file's, not a trimmed guess.
    const spaced: Record<string, string | undefined> = { S_FILE: file('s', ' padded \n\n') };
    loadSecretFiles(spaced, ['S']);
    expect(spaced.S).toBe(' padded \n');
  });
  it('values given directly (as pnpm start does) stay as they are; an empty NAME_FILE counts as unset', () => {
    const env: Record<string, string | undefined> = { A: 'direct', B_FILE: '' };
    loadSecretFiles(env, ['A', 'B']);
    expect(env).toEqual({ A: 'direct', B_FILE: '' });
  });
  it('refuses both set, an unreadable file and an empty one, naming the variable, and leaves the value unset', () => {
    expect(() => loadSecretFiles({ PHONE_WEBHOOK_SECRET: 'a', PHONE_WEBHOOK_SECRET_FILE: file('y2', 'b') }, ['PHONE_WEBHOOK_SECRET'])).toThrow(/PHONE_WEBHOOK_SECRET and PHONE_WEBHOOK_SECRET_FILE are both set/);
    const unreadable: Record<string, string | undefined> = { INGEST_GRPC_TOKEN_FILE: join(dir, 'missing') };
    expect(() => loadSecretFiles(unreadable, ['INGEST_GRPC_TOKEN'])).toThrow(SecretEnvError);
    expect(() => loadSecretFiles(unreadable, ['INGEST_GRPC_TOKEN'])).toThrow(/INGEST_GRPC_TOKEN_FILE=.*missing cannot be read \(ENOENT\)/);
    expect(unreadable.INGEST_GRPC_TOKEN).toBeUndefined();
    expect(() => loadSecretFiles({ CHAT_SESSION_SECRET_FILE: file('e2', '\n') }, ['CHAT_SESSION_SECRET'])).toThrow(/CHAT_SESSION_SECRET_FILE=.* is empty/);
    expect(() => loadSecretFiles({ X_FILE: dir }, ['X'])).toThrow(/X_FILE=.* cannot be read \(EISDIR\)/);
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
