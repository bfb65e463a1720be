import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import twilio from 'twilio';
import { ContactUpdateKind } from '@switchboard/contracts';
import { createIngestTestBed, type IngestTestBed } from '@switchboard/ingest-kit/testing';
import { AUTH_TOKEN, PUBLIC_URL, postTwilio, sid, startPhoneApp, voiceParams } from './test-support.js';

describe('Twilio webhooks on real JetStream', () => {
  let bed: IngestTestBed;
  let app: FastifyInstance;
  let url: string;
  beforeEach(async () => {
    bed = await createIngestTestBed('twilio');
    ({ app, url } = await startPhoneApp(bed));
  });
  afterEach(async () => {
    await app.close();
    await bed.close();
  });

  it('accepts a voice webhook signed by the twilio package, stores the contact, answers hold TwiML', async () => {
    const params = voiceParams();
    const signature = twilio.getExpectedTwilioSignature(AUTH_TOKEN, `${PUBLIC_URL}/twilio/voice?intent=billing&language=en`, params);
    expect(twilio.validateRequest(AUTH_TOKEN, signature, `${PUBLIC_URL}/twilio/voice?intent=billing&language=en`, params)).toBe(true);
    const response = await postTwilio(url, '/twilio/voice?intent=billing&language=en', params, signature);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/xml/);
    // The greeting in the caller's language, then the queue, whose wait URL is this service's own.
    expect(await response.text()).toMatch(/<Response><Say language="en-US">.*<\/Say><Enqueue action="https:\/\/phone\.switchboard\.test\/twilio\/queue-left" method="POST" waitUrl="https:\/\/phone\.switchboard\.test\/twilio\/wait" waitUrlMethod="POST">sb-.*<\/Enqueue><\/Response>$/);
    const [stored] = await bed.records();
    expect(stored?.subject).toBe(`${bed.names.subjectRoot}.contacts.${bed.scope.domain}.phone`);
    expect(stored?.msgId).toBe(`${bed.scope.domain}/phone/${params.CallSid}`);
    expect(stored?.record.arrived).toMatchObject({
      domain: bed.scope.domain,
      intent: 'billing',
      customer: { phoneNumber: '+14155550100', language: 'en' },
      channelIds: { callSid: params.CallSid, toAddress: '+14155550199' },
    });
  });

  it('refuses a forged signature with 403 and stores nothing', async () => {
    const params = voiceParams();
    const forged = twilio.getExpectedTwilioSignature('not-the-token', `${PUBLIC_URL}/twilio/voice`, params);
    expect((await postTwilio(url, '/twilio/voice', params, forged)).status).toBe(403);
    const tampered = twilio.getExpectedTwilioSignature(AUTH_TOKEN, `${PUBLIC_URL}/twilio/voice`, params);
    expect((await postTwilio(url, '/twilio/voice', { ...params, From: '+19999999999' }, tampered)).status).toBe(403);
    const unsigned = await fetch(`${url}/twilio/voice`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params).toString() });
    expect(unsigned.status).toBe(403);
    expect(await bed.messageCount()).toBe(0);
  });

  it('accepts a signature over the URL with the default port', async () => {
    const params = voiceParams();
    const signature = twilio.getExpectedTwilioSignature(AUTH_TOKEN, 'https://phone.switchboard.test:443/twilio/voice', params);
    expect((await postTwilio(url, '/twilio/voice', params, signature)).status).toBe(200);
  });

  it('answers Twilio\'s resend of the identical request with the same TwiML as a duplicate, storing one contact', async () => {
    const params = voiceParams();
    const answers = [];
    for (let i = 0; i < 3; i++) {
      const response = await postTwilio(url, '/twilio/voice', params);
      expect(response.status).toBe(200);
      answers.push(await response.text());
    }
    expect(new Set(answers).size).toBe(1);
    expect(answers[0]).toMatch(/<Enqueue [^>]*>sb-/);
    expect(await bed.messageCount()).toBe(1);
  });

  it('lets one Twilio account push 100 calls/s for seconds from one address under the default limits, and holds unsigned requests to the per-address limit', async () => {
    await app.close();
    ({ app, url } = await startPhoneApp(bed, { rateLimit: {} }));
    // 1,200 webhooks from one address within the window: two minutes' worth under the old 600 a
    // minute, here 12 s of a gateway's 100 calls/s (ringing callbacks: nothing to publish).
    const status = (i: number) => ({ CallSid: `CA${i.toString(16).padStart(32, '0')}`, AccountSid: `AC${'1'.repeat(32)}`, CallStatus: 'ringing' });
    const statuses: number[] = [];
    for (let batch = 0; batch < 1_200; batch += 50) {
      statuses.push(...await Promise.all(Array.from({ length: 50 }, async (_, i) => (await postTwilio(url, '/twilio/status', status(batch + i))).status)));
    }
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    // Forgeries from the same address count against it: 600 a minute, then 429.
    const forged = await Promise.all(Array.from({ length: 601 }, async () => (await postTwilio(url, '/twilio/status', status(0), 'forged')).status));
    expect(forged.filter((s) => s === 403)).toHaveLength(600);
    expect(forged.filter((s) => s === 429)).toHaveLength(1);
    // ... and the account that signs goes on.
    expect((await postTwilio(url, '/twilio/status', status(1))).status).toBe(200);
  });

  it('refuses an unsigned body before parsing it, whatever its type or names', async () => {
    for (const [type, body] of [['application/x-www-form-urlencoded', '{"CallSid":'], ['application/json', '{"CallSid":'], ['application/x-www-form-urlencoded', '__proto__=x&CallSid=1']]) {
      const response = await fetch(`${url}/twilio/voice`, { method: 'POST', headers: { 'content-type': type! }, body: body! });
      expect(response.status).toBe(403);
    }
    // Signed, a forbidden name is the body's fault, and says so.
    const signed = await postTwilio(url, '/twilio/voice', { ...voiceParams(), constructor: 'x' });
    expect(signed.status).toBe(400);
    expect(await signed.json()).toMatchObject({ field: 'constructor', rule: 'forbidden_name' });
  });

  it('publishes an ABANDONED update of the same contact when the queued caller hangs up', async () => {
    const params = voiceParams();
    await postTwilio(url, '/twilio/voice', params);
    const status = { CallSid: params.CallSid!, AccountSid: params.AccountSid!, CallStatus: 'completed', CallDuration: '42' };
    expect((await postTwilio(url, '/twilio/status', status)).status).toBe(200);
    expect((await postTwilio(url, '/twilio/status', status)).status).toBe(200); // a retry
    expect((await postTwilio(url, '/twilio/status', { ...status, CallStatus: 'in-progress' })).status).toBe(200);
    const [arrived, update, ...rest] = await bed.records();
    expect(rest).toEqual([]);
    expect(update?.record.update).toMatchObject({ contactId: arrived?.record.arrived?.id, kind: ContactUpdateKind.CONTACT_UPDATE_KIND_ABANDONED });
    expect(update?.msgId).toBe(`${bed.scope.domain}/phone/u/${params.CallSid}:completed`);
  });

  it('names the broken field of a signed but invalid request', async () => {
    const response = await postTwilio(url, '/twilio/voice', { ...voiceParams(), CallSid: 'not-a-sid' });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ field: 'CallSid', rule: 'invalid_format' });
    const noAccount = await postTwilio(url, '/twilio/status', { CallSid: sid('CA'), CallStatus: 'completed' });
    expect(await noAccount.json()).toMatchObject({ field: 'AccountSid', rule: 'required' });
  });
});
