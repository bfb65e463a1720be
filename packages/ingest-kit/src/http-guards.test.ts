import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { createLogger } from '@switchboard/telemetry';
import { AuthError } from './errors.js';
import { createIngestHttpServer, type IngestHttpServerOptions } from './http-server.js';
import { httpTimeoutsFromEnv, sourceLimitsFromEnv, trustProxyFromEnv, DEFAULT_SOURCE_LIMITS } from './http-limits.js';
import { IngestConfigError } from './config.js';

const logger = createLogger({ service: 'ingest-kit-test', level: 'silent' });

/** Accepts `x-key: good`, naming the source `acct:<x-account>`; parses nothing it has not verified. */
function verifyRawBody(request: FastifyRequest): void {
  const key = request.headers['x-key'];
  if (key === undefined) throw new AuthError('missing', 'x-key required');
  if (key !== 'good') throw new AuthError('invalid', 'x-key does not verify');
  request.ingestSource = `acct:${String(request.headers['x-account'] ?? 'a')}`;
}

describe('ingest HTTP guards', () => {
  let app: FastifyInstance | undefined;
  let parsed = 0;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  async function start(options: Partial<IngestHttpServerOptions> = {}): Promise<string> {
    app = await createIngestHttpServer({ logger, readiness: async () => true, ...options });
    app.post('/signed', { config: { verifyRawBody } }, async (request) => { parsed += 1; return { body: request.body, source: request.ingestSource }; });
    app.get('/signed', { config: { verifyRawBody } }, async () => ({ ok: true }));
    app.post('/open', async () => ({ ok: true }));
    return app.listen({ host: '127.0.0.1', port: 0 });
  }

  it('verifies before parsing: a refused request is never parsed, bodies or not', async () => {
    const url = await start({ rateLimit: false });
    const before = parsed;
    const post = (headers: Record<string, string>, body: string) => fetch(`${url}/signed`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    expect((await post({}, '{"a":1}')).status).toBe(401);
    expect((await post({ 'x-key': 'bad' }, '{not json')).status).toBe(403);
    expect((await post({ 'x-key': 'bad' }, 'a=1')).status).toBe(403);
    expect(parsed).toBe(before);
    expect(await (await post({ 'x-key': 'good' }, '{"a":1}')).json()).toEqual({ body: { a: 1 }, source: 'acct:a' });
    // Without a body no parser runs, and the verifier still does.
    expect((await fetch(`${url}/signed`)).status).toBe(401);
    expect((await fetch(`${url}/signed`, { headers: { 'x-key': 'good' } })).status).toBe(200);
  });

  it('counts authenticated requests per source, far past the per-address limit, and the rest per address', async () => {
    const url = await start({ rateLimit: { max: 50, maxPerAddress: 3, timeWindowMs: 60_000 } });
    const signed = (account: string) => fetch(`${url}/signed`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-key': 'good', 'x-account': account }, body: '{}' });
    for (let i = 0; i < 20; i++) expect((await signed('one')).status).toBe(200);
    // Unauthenticated requests from the same address have their own, lower limit.
    for (let i = 0; i < 3; i++) expect((await fetch(`${url}/open`, { method: 'POST' })).status).toBe(200);
    const limited = await fetch(`${url}/open`, { method: 'POST' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });

  it('counts refused forgeries against their address, answering 429 past its limit, while signed requests from it go on', async () => {
    const url = await start({ rateLimit: { max: 1_000, maxPerAddress: 2, timeWindowMs: 60_000 } });
    const forged = () => fetch(`${url}/signed`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-key': 'bad' }, body: '{}' });
    expect((await forged()).status).toBe(403);
    expect((await forged()).status).toBe(403);
    const limited = await forged();
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // The same address (a load balancer's, say) still carries a gateway that signs correctly.
    const signed = await fetch(`${url}/signed`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-key': 'good' }, body: '{}' });
    expect(signed.status).toBe(200);
    // Routes with nothing to verify are turned away at once.
    expect((await fetch(`${url}/open`, { method: 'POST' })).status).toBe(429);
  });

  it('a source over its own limit gets 429 while other sources go on', async () => {
    const url = await start({ rateLimit: { max: 2, maxPerAddress: 100, timeWindowMs: 60_000 } });
    const signed = (account: string) => fetch(`${url}/signed`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-key': 'good', 'x-account': account }, body: '{}' });
    expect((await signed('a')).status).toBe(200);
    expect((await signed('a')).status).toBe(200);
    expect((await signed('a')).status).toBe(429);
    expect((await signed('b')).status).toBe(200);
  });

  it('counts unauthenticated requests by the forwarded client address when told to trust the proxy', async () => {
    const url = await start({ rateLimit: { max: 1_000, maxPerAddress: 1, timeWindowMs: 60_000 }, trustProxy: '127.0.0.1' });
    const open = (client: string) => fetch(`${url}/open`, { method: 'POST', headers: { 'x-forwarded-for': client } });
    expect((await open('203.0.113.7')).status).toBe(200);
    expect((await open('203.0.113.7')).status).toBe(429);
    expect((await open('198.51.100.9')).status).toBe(200);
  });

  it('closes a connection whose headers do not arrive within the headers timeout', async () => {
    const url = new URL(await start({ timeouts: { headersTimeoutMs: 300, requestTimeoutMs: 600 } }));
    const socket = net.connect(Number(url.port), '127.0.0.1');
    socket.write('POST /open HTTP/1.1\r\nHost: x\r\n');
    const started = Date.now();
    const answer = await new Promise<string>((resolve) => {
      let text = '';
      socket.on('data', (chunk: Buffer) => { text += chunk.toString(); });
      socket.on('close', () => resolve(text));
    });
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('reads limits and timeouts from the environment, refusing nonsense', () => {
    expect(sourceLimitsFromEnv({})).toEqual(DEFAULT_SOURCE_LIMITS);
    expect(sourceLimitsFromEnv({ INGEST_RATE_LIMIT_PER_SOURCE: '120000', INGEST_RATE_LIMIT_PER_ADDRESS: '60', INGEST_RATE_LIMIT_WINDOW_MS: '1000' }))
      .toEqual({ perSource: 120_000, perAddress: 60, windowMs: 1_000 });
    expect(() => sourceLimitsFromEnv({ INGEST_RATE_LIMIT_PER_SOURCE: '0' })).toThrow(IngestConfigError);
    expect(httpTimeoutsFromEnv({ INGEST_HTTP_HEADERS_TIMEOUT_MS: '5000' }).headersTimeoutMs).toBe(5_000);
    expect(() => httpTimeoutsFromEnv({ INGEST_HTTP_HEADERS_TIMEOUT_MS: '60000' })).toThrow(/must not exceed/);
    expect(() => httpTimeoutsFromEnv({ INGEST_HTTP_KEEP_ALIVE_TIMEOUT_MS: 'soon' })).toThrow(IngestConfigError);
    expect(trustProxyFromEnv({})).toBe(false);
    expect(trustProxyFromEnv({ INGEST_TRUST_PROXY: 'true' })).toBe(true);
    const twoHops = trustProxyFromEnv({ INGEST_TRUST_PROXY: '2' }) as (address: string, hop: number) => boolean;
    expect([twoHops('10.0.0.1', 0), twoHops('10.0.0.1', 1), twoHops('10.0.0.1', 2)]).toEqual([true, true, false]);
    expect(trustProxyFromEnv({ INGEST_TRUST_PROXY: '10.0.0.0/8, 192.168.1.1' })).toBe('10.0.0.0/8, 192.168.1.1');
    expect(() => trustProxyFromEnv({ INGEST_TRUST_PROXY: 'yes please' })).toThrow(IngestConfigError);
    // The default lets one gateway push 100 calls/s of ten webhooks each.
    expect(DEFAULT_SOURCE_LIMITS.perSource / (DEFAULT_SOURCE_LIMITS.windowMs / 1000)).toBeGreaterThanOrEqual(100 * 10);
  });
});
