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

  it('refuses a short secret', () => {
    expect(() => new TokenVerifier('short')).toThrow(/at least 16/);
  });
});
