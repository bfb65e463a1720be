import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { status } from '@grpc/grpc-js';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { signToken, TokenVerifier } from './auth.js';
import type { RpcError } from './errors.js';

/** An identity provider's key set, served by a real HTTP server on loopback; `keys` can change while it runs. */
let keys: JWK[] = [];
let answer: 'keys' | 'down' = 'keys';
let server: Server;
let url = '';
let rsa: { privateKey: CryptoKey; publicKey: CryptoKey };
let ec: { privateKey: CryptoKey; publicKey: CryptoKey };
let stranger: { privateKey: CryptoKey; publicKey: CryptoKey };

const ISSUER = 'https://idp.example/realms/cc';
const options = { jwksIssuer: ISSUER, issuer: 'switchboard', audience: 'switchboard' };
const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: RpcError) => ({ code: e.code, message: e.message }));

function idpToken(key: CryptoKey, alg: string, kid: string, claims: Record<string, unknown> = {}, issuer = ISSUER): Promise<string> {
  return new SignJWT({ role: 'agent', domain: 'd1', ...claims }).setProtectedHeader({ alg, kid, typ: 'JWT' })
    .setSubject('desk-7').setIssuer(issuer).setAudience('switchboard').setIssuedAt().setExpirationTime('10m').sign(key);
}

beforeAll(async () => {
  rsa = await generateKeyPair('RS256');
  ec = await generateKeyPair('ES256');
  stranger = await generateKeyPair('RS256');
  keys = [{ ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' }, { ...(await exportJWK(ec.publicKey)), kid: 'ec-1', alg: 'ES256', use: 'sig' }];
  server = createServer((_req, res) => {
    if (answer === 'down') return void res.writeHead(503).end('maintenance');
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('bearer tokens from a JWKS', () => {
  it('verifies RS256 and ES256 tokens of the identity provider, with their claims', async () => {
    const verifier = new TokenVerifier({ ...options, jwksUrl: url, domain: 'd1' });
    await expect(verifier.authenticateAuthorization(`Bearer ${await idpToken(rsa.privateKey, 'RS256', 'rsa-1')}`))
      .resolves.toEqual({ subject: 'desk-7', role: 'agent', domain: 'd1', teams: [] });
    await expect(verifier.authenticateAuthorization(`Bearer ${await idpToken(ec.privateKey, 'ES256', 'ec-1', { role: 'supervisor', teams: ['core'] })}`))
      .resolves.toEqual({ subject: 'desk-7', role: 'supervisor', domain: 'd1', teams: ['core'] });
  });

  it('refuses a bad signature, an unknown kid, the wrong issuer, another tenant and missing claims', async () => {
    const verifier = new TokenVerifier({ ...options, jwksUrl: url, domain: 'd1' });
    const forged = await idpToken(stranger.privateKey, 'RS256', 'rsa-1'); // right kid, wrong key
    const unknown = await idpToken(stranger.privateKey, 'RS256', 'rsa-9');
    expect(await failure(verifier.authenticateAuthorization(`Bearer ${forged}`))).toEqual({ code: status.UNAUTHENTICATED, message: 'token does not verify' });
    expect(await failure(verifier.authenticateAuthorization(`Bearer ${unknown}`)))
      .toEqual({ code: status.UNAUTHENTICATED, message: 'token signed with a key the JWKS does not hold (unknown kid)' });
    expect(await failure(verifier.authenticateAuthorization(`Bearer ${await idpToken(rsa.privateKey, 'RS256', 'rsa-1', {}, 'switchboard')}`)))
      .toEqual({ code: status.UNAUTHENTICATED, message: `token issuer is not "${ISSUER}"` });
    expect(await failure(verifier.authenticateAuthorization(`Bearer ${await idpToken(rsa.privateKey, 'RS256', 'rsa-1', { domain: 'd2' })}`)))
      .toEqual({ code: status.PERMISSION_DENIED, message: 'token is for domain "d2", not domain "d1"' });
    const noExp = await new SignJWT({ role: 'agent', domain: 'd1' }).setProtectedHeader({ alg: 'RS256', kid: 'rsa-1' })
      .setSubject('desk-7').setIssuer(ISSUER).setAudience('switchboard').sign(rsa.privateKey);
    expect(await failure(verifier.authenticateAuthorization(`Bearer ${noExp}`))).toEqual({ code: status.UNAUTHENTICATED, message: 'token has no exp: every token must expire' });
    expect(verifier.remembered).toBe(0);
  });

  it('keeps the key sources apart: a JWKS-only edge refuses HS256 tokens, a secret-only edge refuses RS256', async () => {
    const secret = 'the-shared-secret-0123456789';
    const hs = await signToken(secret, { subject: 'a', role: 'agent', domain: 'd1' });
    const rs = await idpToken(rsa.privateKey, 'RS256', 'rsa-1');
    expect(await failure(new TokenVerifier({ ...options, jwksUrl: url }).authenticateAuthorization(`Bearer ${hs}`)))
      .toMatchObject({ code: status.UNAUTHENTICATED, message: expect.stringContaining('HS256 tokens are not accepted here') });
    expect(await failure(new TokenVerifier({ ...options, secret }).authenticateAuthorization(`Bearer ${rs}`)))
      .toMatchObject({ code: status.UNAUTHENTICATED, message: expect.stringContaining('RS256 tokens are not accepted here') });
    // Both configured: each token by its own source and issuer.
    const both = new TokenVerifier({ ...options, secret, jwksUrl: url });
    await expect(both.authenticateAuthorization(`Bearer ${hs}`)).resolves.toMatchObject({ subject: 'a' });
    await expect(both.authenticateAuthorization(`Bearer ${rs}`)).resolves.toMatchObject({ subject: 'desk-7' });
  });

  it('answers UNAVAILABLE while the JWKS cannot be read, and verifies again once it can', async () => {
    const verifier = new TokenVerifier({ ...options, jwksUrl: url });
    answer = 'down';
    try {
      expect(await failure(verifier.authenticateAuthorization(`Bearer ${await idpToken(rsa.privateKey, 'RS256', 'rsa-1')}`)))
        .toMatchObject({ code: status.UNAVAILABLE, message: expect.stringContaining('JWKS') });
    } finally {
      answer = 'keys';
    }
    await expect(verifier.authenticateAuthorization(`Bearer ${await idpToken(rsa.privateKey, 'RS256', 'rsa-1')}`)).resolves.toMatchObject({ subject: 'desk-7' });
  });

  it('does not let the memory of a verified token outlive the key: a withdrawn key is refused after the JWKS cache age', async () => {
    let now = Math.floor(Date.now() / 1000);
    const verifier = new TokenVerifier({ ...options, jwksUrl: url, nowSeconds: () => now, jwksCacheMaxAgeMs: 200 });
    const token = `Bearer ${await idpToken(rsa.privateKey, 'RS256', 'rsa-1')}`;
    await verifier.authenticateAuthorization(token);
    await expect(verifier.authenticateAuthorization(token)).resolves.toMatchObject({ subject: 'desk-7' }); // remembered
    const before = keys;
    keys = keys.filter((k) => k.kid !== 'rsa-1'); // the identity provider withdraws the key
    try {
      await new Promise((r) => setTimeout(r, 250)); // jose's own key cache ages too
      now += 1;
      expect(await failure(verifier.authenticateAuthorization(token))).toMatchObject({ code: status.UNAUTHENTICATED, message: expect.stringContaining('unknown kid') });
    } finally {
      keys = before;
    }
  });
});
