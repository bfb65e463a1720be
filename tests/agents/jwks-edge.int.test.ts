import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { AgentServiceClient } from '@switchboard/contracts';
import { signToken } from '@switchboard/grpc-edge';
import { freePort, ServiceProcess, startPrivateNats, startPrivateRedis, type PrivateServer } from '@switchboard/testkit';
import { call } from './support/mesh.js';

const ISSUER = 'https://idp.test/realms/desks';
const DOMAIN = 'jwks';

/** An ES256 JWT as an identity provider signs it (node:crypto, no JWT library): header, claims, P-1363 signature. */
function idpToken(key: KeyObject, kid: string, claims: Record<string, unknown>): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const input = `${part({ alg: 'ES256', typ: 'JWT', kid })}.${part({ iss: ISSUER, aud: 'switchboard', iat: now, exp: now + 600, ...claims })}`;
  return `${input}.${sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
}

const bearer = (token: string) => {
  const md = new Metadata();
  md.set('authorization', `Bearer ${token}`);
  return md;
};

/**
 * A real identity provider's desk tokens: the agent gateway (its real main.ts) configured with
 * only SWITCHBOARD_JWKS_URL verifies ES256 tokens against the JWKS a test HTTP server serves,
 * refuses HS256 ones and other tenants', and without any key source does not start at all.
 */
describe('agent gateway with a JWKS and no shared secret', () => {
  let nats: PrivateServer;
  let redis: PrivateServer;
  let jwks: Server;
  let gateway: ServiceProcess | undefined;
  let client: AgentServiceClient;
  const idp = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  let env: Record<string, string>;

  beforeAll(async () => {
    [nats, redis] = await Promise.all([startPrivateNats(), startPrivateRedis()]);
    const key = { ...idp.publicKey.export({ format: 'jwk' }), kid: 'desk-key-1', alg: 'ES256', use: 'sig' };
    jwks = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [key] })));
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    const [grpcPort, httpPort] = [await freePort(), await freePort()];
    env = { NATS_URL: nats.url, REDIS_URL: redis.url, SWITCHBOARD_DOMAIN: DOMAIN, HOST: '127.0.0.1', LOG_LEVEL: 'warn',
      AGENT_GATEWAY_PORT: String(grpcPort), AGENT_GATEWAY_HTTP_PORT: String(httpPort) };
    gateway = await ServiceProcess.start({
      entry: 'services/agent-gateway/src/main.ts', ready: async () => (await fetch(`http://127.0.0.1:${httpPort}/readyz`)).status === 200,
      env: { ...env, SWITCHBOARD_JWT_SECRET: '', SWITCHBOARD_JWKS_URL: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks.json`, SWITCHBOARD_JWKS_ISSUER: ISSUER },
    });
    client = new AgentServiceClient(`127.0.0.1:${grpcPort}`, credentials.createInsecure());
  }, 120_000);

  afterAll(async () => {
    client?.close();
    await gateway?.stop();
    await new Promise<void>((resolve) => (jwks ? jwks.close(() => resolve()) : resolve()));
    await Promise.all([nats?.destroy(), redis?.destroy()]);
  });

  const heartbeat = (md: Metadata) => call(client.heartbeat.bind(client), { sessionId: 'no-such-session' }, md)
    .then(() => 'OK', (e: ServiceError) => ({ code: e.code, details: e.details }));

  it('accepts the identity provider’s token (the call gets as far as the unknown session) and refuses the rest with a reason', async () => {
    const desk = { sub: 'alice', role: 'agent', domain: DOMAIN };
    expect(await heartbeat(bearer(idpToken(idp.privateKey, 'desk-key-1', desk)))).toMatchObject({ code: status.NOT_FOUND, details: expect.stringContaining('no live session') });
    expect(await heartbeat(bearer(idpToken(stranger.privateKey, 'desk-key-1', desk)))).toEqual({ code: status.UNAUTHENTICATED, details: 'token does not verify' });
    expect(await heartbeat(bearer(idpToken(stranger.privateKey, 'desk-key-9', desk))))
      .toEqual({ code: status.UNAUTHENTICATED, details: 'token signed with a key the JWKS does not hold (unknown kid)' });
    expect(await heartbeat(bearer(idpToken(idp.privateKey, 'desk-key-1', { ...desk, domain: 'other' }))))
      .toEqual({ code: status.PERMISSION_DENIED, details: `token is for domain "other", not domain "${DOMAIN}"` });
    expect(await heartbeat(bearer(idpToken(idp.privateKey, 'desk-key-1', { ...desk, iss: 'https://evil.test' }))))
      .toEqual({ code: status.UNAUTHENTICATED, details: `token issuer is not "${ISSUER}"` });
    const hs = await signToken('a-secret-this-gateway-does-not-have', { subject: 'alice', role: 'agent', domain: DOMAIN });
    expect(await heartbeat(bearer(hs))).toMatchObject({ code: status.UNAUTHENTICATED, details: expect.stringContaining('HS256 tokens are not accepted here') });
  });

  it('does not start with neither SWITCHBOARD_JWT_SECRET nor SWITCHBOARD_JWKS_URL, and says so', async () => {
    const [grpcPort, httpPort] = [await freePort(), await freePort()];
    const failed = await ServiceProcess.start({
      entry: 'services/agent-gateway/src/main.ts', ready: async () => (await fetch(`http://127.0.0.1:${httpPort}/readyz`)).status === 200,
      env: { ...env, SWITCHBOARD_JWT_SECRET: '', SWITCHBOARD_JWKS_URL: '', AGENT_GATEWAY_PORT: String(grpcPort), AGENT_GATEWAY_HTTP_PORT: String(httpPort) }, startTimeoutMs: 30_000,
    }).then(async (p) => { await p.stop(); return 'started'; }, (e: Error) => e.message);
    expect(failed).toContain('SWITCHBOARD_JWT_SECRET (at least 16 characters) or SWITCHBOARD_JWKS_URL must be set');
  }, 60_000);
});
