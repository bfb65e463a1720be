import { describe, expect, it } from 'vitest';
import { Metadata, status } from '@grpc/grpc-js';
import { SignJWT } from 'jose';
import { requireTeam, signToken, TokenVerifier, type Principal } from './auth.js';
import type { RpcError } from './errors.js';

const SECRET = 'unit-test-secret-0123456789';
const BASE = { secret: SECRET, issuer: 'switchboard', jwksIssuer: 'switchboard', audience: 'switchboard' };
const md = (value?: string) => {
  const m = new Metadata();
  if (value !== undefined) m.set('authorization', value);
  return m;
};
const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: RpcError) => ({ code: e.code, message: e.message }));
const raw = (claims: Record<string, unknown>, build: (j: SignJWT) => SignJWT = (j) => j) =>
  build(new SignJWT(claims).setProtectedHeader({ alg: 'HS256' })).sign(new TextEncoder().encode(SECRET));
const full = (j: SignJWT) => j.setSubject('x').setIssuer('switchboard').setAudience('switchboard').setExpirationTime('1h');

describe('bearer tokens', () => {
  const verifier = new TokenVerifier(BASE);
  const agent = (extra: object = {}) => signToken(SECRET, { subject: 'alice', role: 'agent', domain: 'd1', ...extra });

  it('verifies a token it signed and returns subject, role, domain and teams', async () => {
    const token = await signToken(SECRET, { subject: 'alice', role: 'supervisor', domain: 'd1', teams: ['core', 'vip'], ttl: '1h' });
    await expect(verifier.authenticate(md(`Bearer ${token}`))).resolves.toEqual({ subject: 'alice', role: 'supervisor', domain: 'd1', teams: ['core', 'vip'] });
    await expect(verifier.authenticateAuthorization(`bearer ${await agent()}`)).resolves.toEqual({ subject: 'alice', role: 'agent', domain: 'd1', teams: [] });
  });

  it('answers UNAUTHENTICATED for a missing header, another key, an expired token or an unknown role', async () => {
    const other = await signToken('another-secret-0123456789', { subject: 'alice', role: 'agent', domain: 'd1' });
    const expired = await agent({ ttl: -10 });
    const noRole = await raw({ role: 'root', domain: 'd1' }, full);
    expect(await failure(verifier.authenticate(md()))).toMatchObject({ code: status.UNAUTHENTICATED, message: expect.stringContaining('Bearer') });
    expect(await failure(verifier.authenticateAuthorization(undefined))).toMatchObject({ code: status.UNAUTHENTICATED, message: expect.stringContaining('Bearer') });
    expect(await failure(verifier.authenticateAuthorization('Basic abc'))).toMatchObject({ code: status.UNAUTHENTICATED });
    expect(await failure(verifier.authenticateAuthorization('Bearer not-a-jwt'))).toEqual({ code: status.UNAUTHENTICATED, message: 'token is not a JWT (header.payload.signature)' });
    expect(await failure(verifier.authenticateAuthorization(`Bearer ${'x'.repeat(9_000)}`))).toMatchObject({ code: status.UNAUTHENTICATED, message: expect.stringContaining('longer than') });
    expect(await failure(verifier.authenticate(md(`Bearer ${other}`)))).toMatchObject({ code: status.UNAUTHENTICATED, message: 'token does not verify' });
    expect(await failure(verifier.authenticate(md(`Bearer ${expired}`)))).toMatchObject({ code: status.UNAUTHENTICATED, message: 'token expired' });
    expect(await failure(verifier.authenticate(md(`Bearer ${noRole}`)))).toMatchObject({ code: status.UNAUTHENTICATED, message: 'token has no known role' });
  });

  it('requires exp, iss and aud, each verified against the configured value, with the reason', async () => {
    const cases: [string, string | RegExp][] = [
      [await raw({ role: 'agent', domain: 'd1' }, (j) => j.setSubject('x').setIssuer('switchboard').setAudience('switchboard')), 'token has no exp: every token must expire'],
      [await raw({ role: 'agent', domain: 'd1' }, (j) => j.setSubject('x').setAudience('switchboard').setExpirationTime('1h')), 'token has no iss; expected "switchboard"'],
      [await agent({ issuer: 'evil' }), 'token issuer is not "switchboard"'],
      [await raw({ role: 'agent', domain: 'd1' }, (j) => j.setSubject('x').setIssuer('switchboard').setExpirationTime('1h')), 'token has no aud; expected "switchboard"'],
      [await agent({ audience: 'another-service' }), 'token audience does not include "switchboard"'],
      [await raw({ role: 'agent', domain: 'd1' }, (j) => j.setIssuer('switchboard').setAudience('switchboard').setExpirationTime('1h')), 'token has no subject'],
    ];
    const fresh = new TokenVerifier(BASE);
    for (const [token, message] of cases) {
      expect(await failure(fresh.authenticateAuthorization(`Bearer ${token}`))).toEqual({ code: status.UNAUTHENTICATED, message });
    }
    expect(fresh.remembered).toBe(0); // a refusal is never remembered
    const custom = new TokenVerifier({ ...BASE, issuer: 'pbx-issuer', audience: 'desks' });
    const ok = await signToken(SECRET, { subject: 'a', role: 'agent', domain: 'd1', issuer: 'pbx-issuer', audience: 'desks' });
    await expect(custom.authenticateAuthorization(`Bearer ${ok}`)).resolves.toMatchObject({ subject: 'a' });
    expect(await failure(custom.authenticateAuthorization(`Bearer ${await agent()}`))).toMatchObject({ code: status.UNAUTHENTICATED, message: 'token issuer is not "pbx-issuer"' });
  });

  it('requires a domain, and a supervisor token names its teams', async () => {
    const noDomain = await raw({ role: 'agent' }, full);
    const dotted = await raw({ role: 'agent', domain: 'a.b' }, full);
    const noTeams = await signToken(SECRET, { subject: 's', role: 'supervisor', domain: 'd1' });
    const badTeams = await raw({ role: 'supervisor', domain: 'd1', teams: 'core' }, full);
    expect(await failure(verifier.authenticateAuthorization(`Bearer ${noDomain}`))).toEqual({ code: status.UNAUTHENTICATED, message: 'token has no domain (the tenant it acts in)' });
    expect(await failure(verifier.authenticateAuthorization(`Bearer ${dotted}`))).toMatchObject({ code: status.UNAUTHENTICATED, message: expect.stringContaining('domain') });
    expect(await failure(verifier.authenticateAuthorization(`Bearer ${noTeams}`))).toMatchObject({ code: status.UNAUTHENTICATED, message: expect.stringContaining('["*"]') });
    expect(await failure(verifier.authenticateAuthorization(`Bearer ${badTeams}`))).toMatchObject({ code: status.UNAUTHENTICATED, message: expect.stringContaining('array of team names') });
  });

  it('answers PERMISSION_DENIED, naming both domains, for another tenant’s token — every time, and never remembers it', async () => {
    const served = new TokenVerifier({ ...BASE, domain: 'd2' });
    const token = await agent();
    for (let i = 0; i < 3; i++) {
      expect(await failure(served.authenticateAuthorization(`Bearer ${token}`)))
        .toEqual({ code: status.PERMISSION_DENIED, message: 'token is for domain "d1", not domain "d2"' });
    }
    expect(served.remembered).toBe(0);
    const own = await signToken(SECRET, { subject: 'alice', role: 'agent', domain: 'd2' });
    await expect(served.authenticateAuthorization(`Bearer ${own}`)).resolves.toMatchObject({ domain: 'd2' });
  });

  it('scopes a supervisor to its teams; "*" is every team of the domain', () => {
    const sup = (teams: string[]): Principal => ({ subject: 's', role: 'supervisor', domain: 'd1', teams });
    expect(() => requireTeam(sup(['core']), 'core', 'SignAgentOut', 'agent "a1"')).not.toThrow();
    expect(() => requireTeam(sup(['*']), 'anything', 'SignAgentOut', 'agent "a1"')).not.toThrow();
    expect(() => requireTeam(sup(['core', 'vip']), 'billing', 'SignAgentOut', 'agent "a1"'))
      .toThrow(expect.objectContaining({ code: status.PERMISSION_DENIED, message: 'SignAgentOut: agent "a1" is in team "billing", outside the teams you supervise (core, vip)' }));
  });

  it('remembers a verified token only until it expires, and never a token that failed', async () => {
    let now = Math.floor(Date.now() / 1000);
    const clocked = new TokenVerifier({ ...BASE, nowSeconds: () => now });
    const token = await signToken(SECRET, { subject: 'bob', role: 'agent', domain: 'd1', ttl: '60s' });
    const bob = { subject: 'bob', role: 'agent', domain: 'd1', teams: [] };
    await expect(clocked.authenticate(md(`Bearer ${token}`))).resolves.toEqual(bob);
    await expect(clocked.authenticate(md(`Bearer ${token}`))).resolves.toEqual(bob);
    now += 61;
    expect(await failure(clocked.authenticate(md(`Bearer ${token}`)))).toMatchObject({ code: status.UNAUTHENTICATED, message: 'token expired' });
    expect(await failure(clocked.authenticate(md(`Bearer ${token}`)))).toMatchObject({ code: status.UNAUTHENTICATED, message: 'token expired' });
    const [head, body, signature] = token.split('.') as [string, string, string];
    const forged = `${head}.${body}.${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`;
    now -= 61;
    expect(await failure(clocked.authenticate(md(`Bearer ${forged}`)))).toMatchObject({ code: status.UNAUTHENTICATED, message: 'token does not verify' });
    expect(await failure(clocked.authenticate(md(`Bearer ${forged}`)))).toMatchObject({ code: status.UNAUTHENTICATED, message: 'token does not verify' });
  });

  it('remembers the exact claims: the same subject with other teams or another domain is a token of its own', async () => {
    const clocked = new TokenVerifier({ ...BASE, domain: 'd1' });
    const narrow = await signToken(SECRET, { subject: 's', role: 'supervisor', domain: 'd1', teams: ['core'] });
    const wide = await signToken(SECRET, { subject: 's', role: 'supervisor', domain: 'd1', teams: ['*'] });
    const elsewhere = await signToken(SECRET, { subject: 's', role: 'supervisor', domain: 'd9', teams: ['*'] });
    for (let i = 0; i < 2; i++) {
      await expect(clocked.authenticateAuthorization(`Bearer ${narrow}`)).resolves.toMatchObject({ teams: ['core'] });
      await expect(clocked.authenticateAuthorization(`Bearer ${wide}`)).resolves.toMatchObject({ teams: ['*'] });
      expect(await failure(clocked.authenticateAuthorization(`Bearer ${elsewhere}`))).toMatchObject({ code: status.PERMISSION_DENIED });
    }
  });

  it('remembers at most its cap of tokens, the least recently used forgotten first', async () => {
    const now = Math.floor(Date.now() / 1000);
    const capped = new TokenVerifier({ ...BASE, nowSeconds: () => now, maxRemembered: 5 });
    const tokens = await Promise.all(Array.from({ length: 50 }, (_, i) => signToken(SECRET, { subject: `a${i}`, role: 'agent', domain: 'd1', ttl: '1h' })));
    const busy = tokens[0]!;
    for (const token of tokens) {
      await capped.authenticate(md(`Bearer ${token}`));
      await capped.authenticate(md(`Bearer ${busy}`)); // a desk calling all along stays remembered
      expect(capped.remembered).toBeLessThanOrEqual(5);
    }
    const held = () => [...(capped as unknown as { verified: Map<string, unknown> }).verified.keys()];
    expect(held().sort()).toEqual([busy, ...tokens.slice(46)].sort());
    // Presenting a remembered token makes it the most recent: the next new token evicts another.
    await capped.authenticate(md(`Bearer ${tokens[46]!}`));
    await capped.authenticate(md(`Bearer ${tokens[1]!}`));
    expect(held()).toEqual([...tokens.slice(48), busy, tokens[46], tokens[1]]);
  });

  it('forgets expired tokens nobody presents again once a new token is remembered', async () => {
    let now = Math.floor(Date.now() / 1000);
    const clocked = new TokenVerifier({ ...BASE, nowSeconds: () => now });
    for (let i = 0; i < 20; i++) await clocked.authenticate(md(`Bearer ${await signToken(SECRET, { subject: `s${i}`, role: 'agent', domain: 'd1', ttl: '60s' })}`));
    expect(clocked.remembered).toBe(20);
    now += 120;
    await clocked.authenticate(md(`Bearer ${await signToken(SECRET, { subject: 'late', role: 'agent', domain: 'd1', ttl: '600s' })}`));
    expect(clocked.remembered).toBe(1);
  });

  it('refuses a short secret and no key source at all', () => {
    expect(() => new TokenVerifier({ ...BASE, secret: 'short' })).toThrow(/at least 16/);
    expect(() => new TokenVerifier({ issuer: 'i', jwksIssuer: 'i', audience: 'a' })).toThrow(/SWITCHBOARD_JWT_SECRET or SWITCHBOARD_JWKS_URL/);
  });
});
