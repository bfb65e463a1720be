import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { startPrivateNats, type PrivateServer } from '@switchboard/testkit';
import { createIngestTestBed, type IngestTestBed } from '@switchboard/ingest-kit/testing';
import { postTwilio, startPhoneApp, voiceParams, WEBHOOK_SECRET } from './test-support.js';

describe('phone ingestion through a NATS outage', () => {
  let server: PrivateServer;
  let bed: IngestTestBed;
  let app: FastifyInstance;
  let url: string;
  beforeAll(async () => {
    server = await startPrivateNats();
    bed = await createIngestTestBed('phoneout', { server });
    ({ app, url } = await startPhoneApp(bed));
  });
  afterAll(async () => {
    await app.close();
    await bed.close();
    await server.destroy();
  });

  it('answers 503 while NATS is down and stores the platform retries once it is back', async () => {
    const call = voiceParams();
    const generic = JSON.stringify({ callId: 'fs-uuid-1', callerNumber: '+4930123456' });
    const postGeneric = () => fetch(`${url}/v1/contacts`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${WEBHOOK_SECRET}` }, body: generic });

    await server.kill();
    await expect.poll(() => bed.bus.isConnected(), { timeout: 5_000 }).toBe(false);
    const refused = await postTwilio(url, '/twilio/voice', call);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('2');
    expect((await postGeneric()).status).toBe(503);
    expect((await fetch(`${url}/readyz`)).status).toBe(503);

    await server.restart();
    // The platforms retry until we answer success; so does this test, within a bound.
    await expect.poll(async () => (await postTwilio(url, '/twilio/voice', call)).status, { timeout: 10_000, interval: 200 }).toBe(200);
    await expect.poll(async () => (await postGeneric()).status, { timeout: 10_000, interval: 200 }).toBe(202);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    const records = await bed.records();
    expect(records.map((r) => r.record.arrived?.channelIds?.callSid).sort()).toEqual([call.CallSid, 'fs-uuid-1'].sort());
  });
});
