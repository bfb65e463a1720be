import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { ContactUpdateKind, CustomerTier } from '@switchboard/contracts';
import { createIngestTestBed, type IngestTestBed } from '@switchboard/ingest-kit/testing';
import { genericHeaders, startPhoneApp, WEBHOOK_SECRET } from './test-support.js';

const call = { callId: 'ari-1700000000.42', callerNumber: '+8613800000000', dialledNumber: '4008001234', accountId: 'cust-7', platform: 'asterisk', tier: 'vip_gold', ivr: { language: 'zh-CN', intent: 'billing', selections: { menu: '2' } } };

describe('generic telephony webhook', () => {
  let bed: IngestTestBed;
  let app: FastifyInstance;
  let url: string;
  beforeEach(async () => {
    bed = await createIngestTestBed('phonegen');
    ({ app, url } = await startPhoneApp(bed));
  });
  afterEach(async () => {
    await app.close();
    await bed.close();
  });

  const post = (body: string, headers: Record<string, string>) =>
    fetch(`${url}/v1/contacts`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const bearer = { authorization: `Bearer ${WEBHOOK_SECRET}` };

  it('accepts an HMAC-signed call and maps IVR selections, tier and language', async () => {
    const body = JSON.stringify(call);
    const timestamp = Math.floor(Date.now() / 1000);
    // The wire format, spelled out: HMAC-SHA256 of "<timestamp>.<raw body>".
    const signature = `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(`${timestamp}.${body}`).digest('hex')}`;
    const response = await post(body, { 'x-switchboard-timestamp': String(timestamp), 'x-switchboard-signature': signature });
    expect(response.status).toBe(202);
    const { contactId } = (await response.json()) as { contactId: string };
    const [stored] = await bed.records();
    expect(stored?.record.arrived).toMatchObject({
      id: contactId,
      intent: 'billing',
      customer: { id: 'cust-7', tier: CustomerTier.CUSTOMER_TIER_VIP_GOLD, language: 'zh-CN' },
      requirements: { language: 'zh-CN' },
      channelIds: { callSid: call.callId, toAddress: '4008001234' },
    });
    expect(stored?.record.arrived?.attributes).toContainEqual({ key: 'ivr.menu', value: '2' });
  });

  it('accepts the shared secret as a bearer token, deduplicates retries, and publishes abandonment', async () => {
    expect((await post(JSON.stringify(call), bearer)).status).toBe(202);
    const retry = await post(JSON.stringify(call), bearer);
    expect(await retry.json()).toMatchObject({ duplicate: true });
    expect((await post(JSON.stringify({ callId: call.callId, event: 'abandoned' }), bearer)).status).toBe(202);
    const [arrived, update, ...rest] = await bed.records();
    expect(rest).toEqual([]);
    expect(update?.record.update).toMatchObject({ contactId: arrived?.record.arrived?.id, kind: ContactUpdateKind.CONTACT_UPDATE_KIND_ABANDONED });
  });

  it('answers 401 without credentials and 403 with wrong ones', async () => {
    const body = JSON.stringify(call);
    const now = Math.floor(Date.now() / 1000);
    const refusal = async (headers: Record<string, string>, status: number, reason: RegExp) => {
      const response = await post(body, headers);
      expect(response.status).toBe(status);
      expect(((await response.json()) as { error: string }).error).toMatch(reason);
    };
    await refusal({}, 401, /x-switchboard-signature/);
    await refusal({ authorization: 'Bearer nope' }, 403, /credential does not match/);
    await refusal({ 'x-switchboard-timestamp': String(now), 'x-switchboard-signature': 'sha256=00' }, 403, /signature does not match/);
    // A signature without its timestamp (the old body-only format) says what is missing.
    const bodyOnly = `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(body).digest('hex')}`;
    await refusal({ 'x-switchboard-signature': bodyOnly }, 401, /x-switchboard-timestamp/);
    // Signed, but the timestamp is outside the window: an old copy, or a clock to fix.
    // (5 s past the edge: `now` is floored and read before the requests, which a loaded machine makes slow.)
    await refusal(genericHeaders(body, now - 305), 403, /more than 300 s/);
    await refusal(genericHeaders(body, now + 305), 403, /more than 300 s/);
    // The timestamp is signed: moving it invalidates the signature.
    await refusal({ ...genericHeaders(body, now - 400), 'x-switchboard-timestamp': String(now) }, 403, /signature does not match/);
    await refusal(genericHeaders(body, now, 'another-tenants-secret'), 403, /signature does not match/);
    expect(await bed.messageCount()).toBe(0);
  });

  it('answers a resend of the identical signed request as a duplicate, publishing once', async () => {
    const body = JSON.stringify({ ...call, callId: 'resent-1' });
    const headers = genericHeaders(body);
    const first = await post(body, headers);
    expect(first.status).toBe(202);
    const again = await post(body, headers);
    expect(again.status).toBe(202);
    expect(await again.json()).toEqual({ contactId: ((await first.json()) as { contactId: string }).contactId, duplicate: true });
    expect(await bed.messageCount()).toBe(1);
  });

  it('refuses a call id that cannot be a message id, before anything is published', async () => {
    for (const callId of ['ari-1\r\nNats-Expected-Stream: X', 'a\u0000b', 'x\ud800']) {
      const body = JSON.stringify({ callId, callerNumber: '+1' });
      const response = await post(body, genericHeaders(body));
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ field: 'callId', rule: 'invalid_format' });
    }
    expect(await bed.messageCount()).toBe(0);
  });

  it('never parses a body it has not authenticated', async () => {
    // Deeply nested JSON would cost the parser; unauthenticated it is refused on its signature alone.
    const nested = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
    expect((await post(nested, {})).status).toBe(401);
    expect((await post(nested, { authorization: 'Bearer nope' })).status).toBe(403);
    expect((await post('{not json', genericHeaders('{other}'))).status).toBe(403);
    expect(await (await post('{not json', genericHeaders('{not json'))).json()).toMatchObject({ field: '(body)', rule: 'json' });
  });

  it('names the broken field', async () => {
    const cases: [unknown, string, string][] = [
      [{ ...call, callId: undefined }, 'callId', 'required'],
      [{ ...call, callerNumber: undefined }, 'callerNumber', 'required'],
      [{ ...call, ivr: { language: 'english!' } }, 'ivr.language', 'invalid_format'],
      [{ ...call, priority: 1.5 }, 'priority', 'invalid_type'],
      [{ ...call, tier: 'diamond' }, 'tier', 'invalid_value'],
      [[call], '(body)', 'invalid_type'],
    ];
    for (const [body, field, rule] of cases) {
      const response = await post(JSON.stringify(body), bearer);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ field, rule });
    }
    const bad = await post('{"callId": ', bearer);
    expect(await bad.json()).toMatchObject({ field: '(body)', rule: 'json' });
  });

  it('answers health and readiness', async () => {
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
  });
});
