import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DevSecretsFileError } from '../start/dev-secrets.js';
import { mintToken, resolveJwtSecret, TokenError } from './token.js';

const dir = () => mkdtempSync(join(tmpdir(), 'sb-token-'));
const secretsFile = (content: string) => {
  const file = join(dir(), 'dev-secrets.json');
  writeFileSync(file, content);
  return file;
};

describe('token secret', () => {
  it('prefers SWITCHBOARD_JWT_SECRET, as pnpm start does', () => {
    const file = secretsFile(JSON.stringify({ SWITCHBOARD_JWT_SECRET: 'from-the-file-0123456789' }));
    expect(resolveJwtSecret({ SWITCHBOARD_JWT_SECRET: 'from-the-env-0123456789' }, file)).toEqual({ secret: 'from-the-env-0123456789', from: 'env' });
  });

  it('reads a deployment\'s generated secret through SWITCHBOARD_JWT_SECRET_FILE, refusing it beside the value', () => {
    const generated = join(dir(), 'switchboard-jwt-secret');
    writeFileSync(generated, 'generated-at-first-start-0123456789');
    const missing = join(dir(), 'dev-secrets.json');
    expect(resolveJwtSecret({ SWITCHBOARD_JWT_SECRET_FILE: generated }, missing)).toEqual({ secret: 'generated-at-first-start-0123456789', from: generated });
    expect(() => resolveJwtSecret({ SWITCHBOARD_JWT_SECRET_FILE: generated, SWITCHBOARD_JWT_SECRET: 'x'.repeat(20) }, missing)).toThrow(TokenError);
    expect(() => resolveJwtSecret({ SWITCHBOARD_JWT_SECRET_FILE: join(dir(), 'nothing') }, missing)).toThrow(/SWITCHBOARD_JWT_SECRET_FILE=.* cannot be read/);
  });

  it('falls back to the development secret pnpm start saved', () => {
    const file = secretsFile(JSON.stringify({ PHONE_WEBHOOK_SECRET: 'x'.repeat(32), SWITCHBOARD_JWT_SECRET: 'from-the-file-0123456789' }));
    expect(resolveJwtSecret({}, file)).toEqual({ secret: 'from-the-file-0123456789', from: file });
    expect(resolveJwtSecret({ SWITCHBOARD_JWT_SECRET: '' }, file).from).toBe(file);
  });

  it('says what to do when there is no secret, a short one or a broken file', () => {
    const missing = join(dir(), 'dev-secrets.json');
    expect(() => resolveJwtSecret({}, missing)).toThrow(TokenError);
    expect(() => resolveJwtSecret({}, missing)).toThrow(/run `pnpm start` once/);
    expect(() => resolveJwtSecret({}, secretsFile('{"CHAT_SESSION_SECRET":"abc"}'))).toThrow(/has no development secret/);
    expect(() => resolveJwtSecret({ SWITCHBOARD_JWT_SECRET: 'short' }, missing)).toThrow(/at least 16 characters/);
    expect(() => resolveJwtSecret({}, secretsFile('{not json'))).toThrow(DevSecretsFileError);
  });
});

describe('minting a token', () => {
  const secret = { secret: 'a-development-secret-0123456789', from: 'env' };
  const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;

  it('signs the subject, role, domain, issuer and audience, and reports when it expires', async () => {
    const before = Date.now();
    const minted = await mintToken({ subject: 'a1', role: 'agent', ttl: '30m' }, secret, {});
    expect(minted).toMatchObject({ subject: 'a1', role: 'agent', domain: 'default', teams: [], secretFrom: 'env' });
    expect(claimsOf(minted.token)).toMatchObject({ sub: 'a1', role: 'agent', domain: 'default', iss: 'switchboard', aud: 'switchboard' });
    expect(claimsOf(minted.token)).not.toHaveProperty('teams');
    const expires = Date.parse(minted.expiresAt);
    expect(expires).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 30 * 60_000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 30 * 60_000);
    expect(JSON.stringify(minted)).not.toContain(secret.secret);
  });

  it('takes the domain, issuer and audience the services use from the environment, and the flags over them', async () => {
    const env = { SWITCHBOARD_DOMAIN: 'site-a', SWITCHBOARD_JWT_ISSUER: 'pbx', SWITCHBOARD_JWT_AUDIENCE: 'cc' };
    expect(claimsOf((await mintToken({ subject: 'a1', role: 'agent', ttl: '1h' }, secret, env)).token)).toMatchObject({ domain: 'site-a', iss: 'pbx', aud: 'cc' });
    expect((await mintToken({ subject: 'a1', role: 'agent', ttl: '1h', domain: 'site-b' }, secret, env)).domain).toBe('site-b');
  });

  it('gives a supervisor every team of the domain unless --teams names them', async () => {
    expect((await mintToken({ subject: 's', role: 'supervisor', ttl: '1h' }, secret, {})).teams).toEqual(['*']);
    const scoped = await mintToken({ subject: 's', role: 'supervisor', ttl: '1h', teams: 'core, vip' }, secret, {});
    expect(scoped.teams).toEqual(['core', 'vip']);
    expect(claimsOf(scoped.token)).toMatchObject({ teams: ['core', 'vip'] });
  });

  it('refuses an unknown role, a malformed ttl, an empty subject, a bad domain and misplaced or empty teams', async () => {
    await expect(mintToken({ subject: 'a1', role: 'admin', ttl: '8h' }, secret)).rejects.toThrow(/--role must be one of agent, supervisor, ops, platform/);
    await expect(mintToken({ subject: 'a1', role: 'agent', ttl: 'forever' }, secret)).rejects.toThrow(/--ttl/);
    await expect(mintToken({ subject: ' ', role: 'agent', ttl: '8h' }, secret)).rejects.toThrow(/--agent/);
    await expect(mintToken({ subject: 'a1', role: 'agent', ttl: '8h', domain: 'a.b' }, secret)).rejects.toThrow(/--domain: "a.b" cannot be a domain/);
    await expect(mintToken({ subject: 'a1', role: 'agent', ttl: '8h', teams: 'core' }, secret)).rejects.toThrow(/--teams is for --role supervisor only/);
    await expect(mintToken({ subject: 's', role: 'supervisor', ttl: '8h', teams: ' , ' }, secret)).rejects.toThrow(/at least one team/);
  });
});
