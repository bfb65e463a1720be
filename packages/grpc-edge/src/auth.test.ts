import { describe, expect, it } from 'vitest';
import { Metadata, status } from '@grpc/grpc-js';
import { SignJWT } from 'jose';
import { signToken, TokenVerifier } from './auth.js';
import type { RpcError } from './errors.js';

const SECRET = 'unit-test-secret-0123456789';
const md = (value?: string) => {
  const m = new Metadata();
  if (value !== undefined) m.set('authorization', value);
  return m;
};
const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: RpcError) => ({ code: e.code, message: e.message }));

describe('bearer tokens', () => {
  const verifier = new TokenVerifier(SECRET);

  it('verifies a token it signed and returns subject and role', async () => {
    const token = await signToken(SECRET, { subject: 'alice', role: 'supervisor', ttl: '1h' });
    await expect(verifier.authenticate(md(`Bearer ${token}`))).resolves.toEqual({ subject: 'alice', role: 'supervisor' });
  });

  it('answers UNAUTHENTICATED for a missing header, another key, an expired token or an unknown role', async () => {
    const other = await signToken('another-secret-0123456789', { subject: 'alice', role: 'agent' });
    const expired = await signToken(SECRET, { subject: 'alice', role: 'agent', ttl: -10 });
    const noRole = await new SignJWT({ role: 'root' }).setProtectedHeader({ alg: 'HS256' }).setSubject('x').setExpirationTime('1h').sign(new TextEncoder().encode(SECRET));
    expect(await failure(verifier.authenticate(md()))).toMatchObject({ code: status.UNAUTHENTICATED, message: expect.stringContaining('Bearer') });
    expect(await failure(verifier.authenticate(md(`Bearer ${other}`)))).toMatchObject({ code: status.UNAUTHENTICATED, message: 'token does not verify' });
    expect(await failure(verifier.authenticate(md(`Bearer ${expired}`)))).toMatchObject({ code: status.UNAUTHENTICATED, message: 'token expired' });
    expect(await failure(verifier.authenticate(md(`Bearer ${noRole}`)))).toMatchObject({ code: status.UNAUTHENTICATED, message: 'token has no known role' });
  });

  it('remembers a verified token only until it expires, and never a token that failed', async () => {
    let now = Math.floor(Date.now() / 1000);
    const clocked = new TokenVerifier(SECRET, () => now);
    const token = await signToken(SECRET, { subject: 'bob', role: 'agent', ttl: '60s' });
    await expect(clocked.authenticate(md(`Bearer ${token}`))).resolves.toEqual({ subject: 'bob', role: 'agent' });
    await expect(clocked.authenticate(md(`Bearer ${token}`))).resolves.toEqual({ subject: 'bob', role: 'agent' });
    now += 61;
    expect(await failure(clocked.authenticate(md(`Bearer ${token}`)))).toMatchObject({ code: status.UNAUTHENTICATED, message: 'token expired' });
    expect(await failure(clocked.authenticate(md(`Bearer ${token}`)))).toMatchObject({ code: status.UNAUTHENTICATED, message: 'token expired' });
    const [head, body, signature] = token.split('.') as [string, string, string];
    const forged = `${head}.${body}.${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`;
    now -= 61;
    expect(await failure(clocked.authenticate(md(`Bearer ${forged}`)))).toMatchObject({ code: status.UNAUTHENTICATED, message: 'token does not verify' });
    expect(await failure(clocked.authenticate(md(`Bearer ${forged}`)))).toMatchObject({ code: status.UNAUTHENTICATED, message: 'token does not verify' });
  });

  it('remembers at most its cap of tokens, the least recently used forgotten first', async () => {
    const now = Math.floor(Date.now() / 1000);
    const capped = new TokenVerifier(SECRET, () => now, 5);
    const tokens = await Promise.all(Array.from({ length: 50 }, (_, i) => signToken(SECRET, { subject: `a${i}`, role: 'agent', ttl: '1h' })));
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
    const clocked = new TokenVerifier(SECRET, () => now);
    for (let i = 0; i < 20; i++) await clocked.authenticate(md(`Bearer ${await signToken(SECRET, { subject: `s${i}`, role: 'agent', ttl: '60s' })}`));
    expect(clocked.remembered).toBe(20);
    now += 120;
    await clocked.authenticate(md(`Bearer ${await signToken(SECRET, { subject: 'late', role: 'agent', ttl: '600s' })}`));
    expect(clocked.remembered).toBe(1);
  });

  it('refuses a short secret', () => {
    expect(() => new TokenVerifier('short')).toThrow(/at least 16/);
  });
});
