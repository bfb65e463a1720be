import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createLogger } from '@switchboard/telemetry';
import { BusUnavailableError } from '@switchboard/bus';
import { z } from 'zod';
import { createIngestHttpServer, type IngestHttpServerOptions } from './http-server.js';
import { parseOrThrow } from './validation.js';

const logger = createLogger({ service: 'ingest-kit-test', level: 'silent' });

describe('createIngestHttpServer', () => {
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
  });

  async function start(options: Partial<IngestHttpServerOptions> = {}): Promise<string> {
    app = await createIngestHttpServer({ logger, readiness: async () => true, ...options });
    app.post('/echo', async (request) => parseOrThrow(z.object({ name: z.string() }), request.body));
    app.post('/down', async () => {
      throw new BusUnavailableError('no ack');
    });
    app.post('/bug', async () => {
      throw new Error('secret internals at /srv/app.js');
    });
    return app.listen({ host: '127.0.0.1', port: 0 });
  }

  it('answers health and readiness', async () => {
    let ready = false;
    const url = await start({ readiness: async () => ready });
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await fetch(`${url}/readyz`)).status).toBe(503);
    ready = true;
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
  });

  it('serves /metrics and counts rejected requests by channel', async () => {
    const url = await start({ channel: 'phone' });
    const rejected = 'sb_ingest_results_total{channel="phone",result="rejected"';
    const count = async () => Number((await (await fetch(`${url}/metrics`)).text()).split('\n').find((l) => l.startsWith(rejected))?.split(' ')[1] ?? 0);
    const before = await count();
    await fetch(`${url}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    const page = await fetch(`${url}/metrics`);
    expect(page.headers.get('content-type')).toContain('text/plain');
    expect(await count()).toBe(before + 1);
  });

  it('answers 400 naming the field, for bad JSON and for a broken schema', async () => {
    const url = await start();
    const post = (body: string) => fetch(`${url}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const bad = await post('{nope');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ field: '(body)', rule: 'json' });
    const wrong = await post('{"name": 3}');
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ field: 'name', rule: 'invalid_type' });
    expect(await (await post('{"name":"x"}')).json()).toEqual({ name: 'x' });
  });

  it('answers 413 for a body over the limit', async () => {
    const url = await start({ bodyLimitBytes: 100 });
    const response = await fetch(`${url}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'x'.repeat(200) }) });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ field: '(body)', rule: 'max_bytes' });
  });

  it('answers 429 with Retry-After past the per-source limit, never on health probes', async () => {
    const url = await start({ rateLimit: { max: 2, timeWindowMs: 30_000 } });
    const post = () => fetch(`${url}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"a"}' });
    expect((await post()).status).toBe(200);
    expect((await post()).status).toBe(200);
    const limited = await post();
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    for (let i = 0; i < 4; i++) expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });

  it('maps a bus outage to 503 with Retry-After and hides internal errors', async () => {
    const url = await start();
    const down = await fetch(`${url}/down`, { method: 'POST' });
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBe('2');
    const bug = await fetch(`${url}/bug`, { method: 'POST' });
    expect(bug.status).toBe(500);
    expect(await bug.text()).not.toContain('secret');
  });

  it('answers 415 for an unknown content type and 404 for unknown routes', async () => {
    const url = await start();
    expect((await fetch(`${url}/echo`, { method: 'POST', headers: { 'content-type': 'application/x-nope' }, body: 'x' })).status).toBe(415);
    expect((await fetch(`${url}/nowhere`)).status).toBe(404);
  });
});
