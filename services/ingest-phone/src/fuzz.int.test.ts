import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import twilio from 'twilio';
import { createIngestTestBed, type IngestTestBed } from '@switchboard/ingest-kit/testing';
import { AUTH_TOKEN, PUBLIC_URL, startPhoneApp, WEBHOOK_SECRET } from './test-support.js';

const RUNS = { numRuns: 100 };
const isClientError = (status: number) => status >= 400 && status < 500;

/** Bodies that are not a valid call: random text, random JSON, and call-like objects with bad fields. */
const junkJson = fc.oneof(
  fc.string(),
  fc.json(),
  fc.record({ callId: fc.oneof(fc.constant(''), fc.integer(), fc.string({ minLength: 129, maxLength: 140 })), callerNumber: fc.anything() }),
  fc.record({ callId: fc.string({ minLength: 1, maxLength: 10 }), callerNumber: fc.string({ minLength: 1, maxLength: 10 }), ivr: fc.record({ language: fc.string().filter((s) => !/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$/.test(s)) }) }),
);
const formName = fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,9}$/);
const junkForm = fc.dictionary(formName, fc.string(), { maxKeys: 8 });

describe('phone endpoints under fuzzing', () => {
  let bed: IngestTestBed;
  let app: FastifyInstance;
  let url: string;
  beforeAll(async () => {
    bed = await createIngestTestBed('phonefuzz');
    ({ app, url } = await startPhoneApp(bed));
  });
  afterAll(async () => {
    await app.close();
    await bed.close();
  });

  it('answers malformed JSON with a clear 4xx', async () => {
    await fc.assert(fc.asyncProperty(junkJson, fc.constantFrom('application/json', 'text/plain', 'application/xml'), async (body, type) => {
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      const response = await fetch(`${url}/v1/contacts`, { method: 'POST', headers: { 'content-type': type, authorization: `Bearer ${WEBHOOK_SECRET}` }, body: text });
      expect(isClientError(response.status)).toBe(true);
      if (response.status === 400) expect(await response.json()).toHaveProperty('field');
    }), RUNS);
  });

  it('answers random signatures and credentials with 401/403', async () => {
    await fc.assert(fc.asyncProperty(fc.string(), fc.string(), async (signature, token) => {
      const headers = { 'content-type': 'application/json', 'x-switchboard-signature': signature.replace(/[^\x20-\x7e]/g, ''), authorization: `Bearer ${token}` };
      const response = await fetch(`${url}/v1/contacts`, { method: 'POST', headers, body: '{"callId":"x","callerNumber":"+1"}' });
      expect([401, 403]).toContain(response.status);
    }), RUNS);
  });

  it('answers Twilio forms with random signatures with 403, and signed junk with 400', async () => {
    await fc.assert(fc.asyncProperty(junkForm, fc.string(), fc.constantFrom('/twilio/voice', '/twilio/status'), async (params, signature, path) => {
      const body = new URLSearchParams(params).toString();
      const post = (sig: string) => fetch(url + path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sig }, body });
      expect((await post(signature.replace(/[^\x20-\x7e]/g, ''))).status).toBe(403);
      const signed = await post(twilio.getExpectedTwilioSignature(AUTH_TOKEN, PUBLIC_URL + path, params));
      expect(signed.status).toBe(400);
    }), RUNS);
  });

  it('answers raw garbage bodies with 4xx on every route', async () => {
    const routes = ['/v1/contacts', '/twilio/voice', '/twilio/status'];
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 512 }), fc.constantFrom(...routes), fc.constantFrom('application/json', 'application/x-www-form-urlencoded', 'multipart/form-data'), async (bytes, route, type) => {
      const response = await fetch(url + route, { method: 'POST', headers: { 'content-type': type }, body: bytes });
      expect(isClientError(response.status)).toBe(true);
    }), RUNS);
  });

  it('published nothing', async () => {
    expect(await bed.messageCount()).toBe(0);
  });
});
