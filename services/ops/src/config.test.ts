import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadOpsConfig, OpsConfigError } from './config.js';

const JWT = { SWITCHBOARD_JWT_SECRET: 'a-secret-of-sixteen+' };
const OIDC = { OPS_OIDC_ISSUER: 'https://id.example.com', OPS_OIDC_CLIENT_ID: 'ops', OPS_OIDC_REDIRECT_URL: 'https://ops.example.com/auth/callback',
  OPS_SESSION_SECRET: 's'.repeat(32) };

describe('loadOpsConfig', () => {
  it('fails closed: no JWT secret and no OIDC is no start, with what to set', () => {
    expect(() => loadOpsConfig({})).toThrow(OpsConfigError);
    expect(() => loadOpsConfig({})).toThrow(/SWITCHBOARD_JWT_SECRET.*OPS_OIDC_ISSUER/);
    expect(loadOpsConfig(JWT).auth).toMatchObject({ tokens: { secret: JWT.SWITCHBOARD_JWT_SECRET, issuer: 'switchboard', audience: 'switchboard' }, sessionTtlSeconds: 28_800 });
    expect(loadOpsConfig(OIDC).auth.oidc).toMatchObject({ clientId: 'ops', roleClaim: 'role', domainClaim: 'domain', scope: 'openid profile' });
  });

  it('refuses a short secret, half an OIDC setup, plain http off loopback, and OIDC without a session secret', () => {
    expect(() => loadOpsConfig({ SWITCHBOARD_JWT_SECRET: 'short' })).toThrow(/16/);
    expect(() => loadOpsConfig({ ...JWT, OPS_OIDC_ISSUER: 'https://id.example.com' })).toThrow(/go together/);
    expect(() => loadOpsConfig({ ...OIDC, OPS_OIDC_ISSUER: 'http://id.example.com' })).toThrow(/https/);
    expect(loadOpsConfig({ ...OIDC, OPS_OIDC_ISSUER: 'http://127.0.0.1:9000' }).auth.oidc?.issuer.href).toBe('http://127.0.0.1:9000/');
    expect(() => loadOpsConfig({ ...OIDC, OPS_SESSION_SECRET: 'short' })).toThrow(/OPS_SESSION_SECRET/);
  });

  it('reads its secrets from the files deployments mount (*_FILE), and refuses a file beside a value', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-ops-config-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const file = (name: string, text: string) => { const path = join(dir, name); writeFileSync(path, text); return path; };
    const env: NodeJS.ProcessEnv = { ...OIDC, OPS_SESSION_SECRET: undefined, OPS_SESSION_SECRET_FILE: file('session', `${'f'.repeat(43)}\n`),
      SWITCHBOARD_JWT_SECRET_FILE: file('jwt', 'j'.repeat(43)), OPS_OIDC_CLIENT_SECRET_FILE: file('client', 'from-the-idp') };
    const auth = loadOpsConfig(env).auth;
    expect(auth.tokens).toMatchObject({ secret: 'j'.repeat(43) });
    expect(auth.oidc).toMatchObject({ clientSecret: 'from-the-idp' });
    expect(env.OPS_SESSION_SECRET).toBe('f'.repeat(43));
    expect(() => loadOpsConfig({ ...JWT, SWITCHBOARD_JWT_SECRET_FILE: file('jwt2', 'k'.repeat(43)) })).toThrow(/SWITCHBOARD_JWT_SECRET and SWITCHBOARD_JWT_SECRET_FILE are both set/);
    expect(() => loadOpsConfig({ SWITCHBOARD_JWT_SECRET_FILE: join(dir, 'absent') })).toThrow(/SWITCHBOARD_JWT_SECRET_FILE=.* cannot be read/);
  });

  it('honours OPS_DEV_LOGIN_TOKEN only for a process pnpm start launched (IPC) on loopback', () => {
    const dev = { ...JWT, OPS_DEV_LOGIN_TOKEN: 't'.repeat(43), OPS_SESSION_SECRET: 's'.repeat(32) };
    // Under vitest there is no launcher behind this process (no IPC channel the launcher opened)…
    if (typeof process.send !== 'function') expect(() => loadOpsConfig(dev)).toThrow(/pnpm start/);
    // …and never off loopback, whoever started it.
    expect(() => loadOpsConfig({ ...dev, OPS_HOST: '0.0.0.0' })).toThrow(/pnpm start/);
  });
});
