import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Metadata } from '@grpc/grpc-js';
import { DEFAULT_AUDIENCE, DEFAULT_ISSUER, TokenVerifier } from '@switchboard/grpc-edge';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Runs `pnpm -s switchboard <args>` from the repository root, as a developer would. */
function switchboard(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('pnpm', ['-s', 'switchboard', ...args], { cwd: ROOT, env, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

/** A verifier as the services build it with the default issuer and audience. */
const verifier = (secret: string) => new TokenVerifier({ secret, issuer: DEFAULT_ISSUER, jwksIssuer: DEFAULT_ISSUER, audience: DEFAULT_AUDIENCE });

const bearer = (token: string) => {
  const md = new Metadata();
  md.set('authorization', `Bearer ${token}`);
  return md;
};

/** The environment without a JWT secret of its own. */
function envWithout(): NodeJS.ProcessEnv {
  const { SWITCHBOARD_JWT_SECRET: _secret, SWITCHBOARD_DOMAIN: _domain, SWITCHBOARD_JWT_ISSUER: _issuer, SWITCHBOARD_JWT_AUDIENCE: _audience, ...rest } = process.env;
  return { ...rest, NO_COLOR: '1' };
}

describe('pnpm -s switchboard token', () => {
  const devSecret = 'development-secret-written-by-pnpm-start';
  const dir = mkdtempSync(join(tmpdir(), 'sb-cli-token-'));
  const secretsFile = join(dir, 'dev-secrets.json');
  writeFileSync(secretsFile, `${JSON.stringify({ PHONE_WEBHOOK_SECRET: 'p'.repeat(32), SWITCHBOARD_JWT_SECRET: devSecret }, null, 2)}\n`);

  it('signs with the development secret pnpm start saved when SWITCHBOARD_JWT_SECRET is not set', async () => {
    const plain = await switchboard(['token', '--agent', 'a1', '--role', 'supervisor', '--secrets-file', secretsFile], envWithout());
    expect(plain, plain.stderr).toMatchObject({ code: 0 });
    const token = plain.stdout.trim();
    expect(token.split('.')).toHaveLength(3);
    expect(await verifier(devSecret).authenticate(bearer(token))).toEqual({ subject: 'a1', role: 'supervisor', domain: 'default', teams: ['*'] });
    const scoped = await switchboard(['token', '--agent', 'lead', '--role', 'supervisor', '--domain', 'site-b', '--teams', 'core,vip', '--secrets-file', secretsFile], envWithout());
    expect(scoped.code, scoped.stderr).toBe(0);
    expect(await verifier(devSecret).authenticate(bearer(scoped.stdout.trim()))).toEqual({ subject: 'lead', role: 'supervisor', domain: 'site-b', teams: ['core', 'vip'] });

    const json = await switchboard(['token', '--agent', 'pbx', '--role', 'platform', '--ttl', '10m', '--json', '--secrets-file', secretsFile], envWithout());
    expect(json.code, json.stderr).toBe(0);
    const minted = JSON.parse(json.stdout) as Record<string, string>;
    expect(minted).toMatchObject({ subject: 'pbx', role: 'platform', domain: 'default', teams: [], secretFrom: secretsFile });
    expect(Date.parse(minted.expiresAt!) - Date.now()).toBeGreaterThan(9 * 60_000);
    expect(await verifier(devSecret).authenticate(bearer(minted.token!))).toEqual({ subject: 'pbx', role: 'platform', domain: 'default', teams: [] });
    expect(json.stdout).not.toContain(devSecret);
  }, 60_000);

  it('prefers SWITCHBOARD_JWT_SECRET, and says what to do when there is no secret at all', async () => {
    const envSecret = 'secret-from-the-environment-0123';
    const fromEnv = await switchboard(['token', '--agent', 'a2', '--secrets-file', secretsFile], { ...envWithout(), SWITCHBOARD_JWT_SECRET: envSecret });
    expect(fromEnv.code, fromEnv.stderr).toBe(0);
    expect(await verifier(envSecret).authenticate(bearer(fromEnv.stdout.trim()))).toEqual({ subject: 'a2', role: 'agent', domain: 'default', teams: [] });

    const none = await switchboard(['token', '--agent', 'a3', '--secrets-file', join(dir, 'absent.json')], envWithout());
    expect(none.code).toBe(2);
    expect(none.stdout).toBe('');
    expect(none.stderr).toContain('SWITCHBOARD_JWT_SECRET is not set');
    expect(none.stderr).toContain('pnpm start');
    const badRole = await switchboard(['token', '--agent', 'a3', '--role', 'root', '--secrets-file', secretsFile], envWithout());
    expect(badRole).toMatchObject({ code: 2, stderr: expect.stringContaining('--role must be one of') });
    const badTeams = await switchboard(['token', '--agent', 'a3', '--teams', 'core', '--secrets-file', secretsFile], envWithout());
    expect(badTeams).toMatchObject({ code: 2, stderr: expect.stringContaining('--teams is for --role supervisor only') });
  }, 60_000);
});
