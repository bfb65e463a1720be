import { describe, expect, it } from 'vitest';
import { status } from '@grpc/grpc-js';
import fc from 'fast-check';
import { signToken, TokenVerifier } from './auth.js';
import { RpcError } from './errors.js';

const SECRET = 'property-test-secret-0123456789';
const verifier = new TokenVerifier({ secret: SECRET, issuer: 'switchboard', jwksIssuer: 'switchboard', audience: 'switchboard', domain: 'd1' });
const codeOf = (p: Promise<unknown>) => p.then(() => 'OK' as const, (e: unknown) => (e instanceof RpcError ? e.code : 'not an RpcError'));

describe('bearer tokens, arbitrary input', () => {
  it('answers UNAUTHENTICATED to any header that is not a token it signed — never INTERNAL, never accepted', async () => {
    const header = fc.oneof(
      fc.string(),
      fc.string().map((s) => `Bearer ${s}`),
      fc.tuple(fc.base64String(), fc.base64String(), fc.base64String()).map(([a, b, c]) => `Bearer ${a}.${b}.${c}`),
      fc.json().map((j) => `Bearer ${Buffer.from('{"alg":"HS256"}').toString('base64url')}.${Buffer.from(j).toString('base64url')}.sig`),
    );
    await fc.assert(fc.asyncProperty(header, async (h) => {
      expect(await codeOf(verifier.authenticateAuthorization(h))).toBe(status.UNAUTHENTICATED);
    }), { numRuns: 300 });
  });

  it('refuses every one-character change of a valid token, remembered or not', async () => {
    const token = await signToken(SECRET, { subject: 'agent-1', role: 'agent', domain: 'd1' });
    await verifier.authenticateAuthorization(`Bearer ${token}`); // now remembered
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    await fc.assert(fc.asyncProperty(fc.nat(token.length - 1), fc.constantFrom(...alphabet), async (at, ch) => {
      fc.pre(token[at] !== '.' && token[at] !== ch);
      const changed = `${token.slice(0, at)}${ch}${token.slice(at + 1)}`;
      // A change in the last character's padding bits can leave the decoded signature as it was.
      fc.pre(Buffer.from(changed.split('.')[2] ?? '', 'base64url').toString('hex') !== Buffer.from(token.split('.')[2]!, 'base64url').toString('hex')
        || changed.split('.').slice(0, 2).join('.') !== token.split('.').slice(0, 2).join('.'));
      expect(await codeOf(verifier.authenticateAuthorization(`Bearer ${changed}`))).toBe(status.UNAUTHENTICATED);
    }), { numRuns: 300 });
  });
});
