import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import twilio from 'twilio';
import { Channel, ContactUpdateKind } from '@switchboard/contracts';
import { isContactId, isIdempotencyKey } from '@switchboard/ingest-kit';
import { createIngestTestBed, type IngestTestBed } from '@switchboard/ingest-kit/testing';
import { AUTH_TOKEN, genericHeaders, PUBLIC_URL, startPhoneApp } from './test-support.js';

/** Requests sent per property run, concurrently: fast-check runs properties one at a time. */
const BATCH = 25;
const RUNS = { numRuns: 100 };
const text = (maxLength = 40) => fc.string({ unit: 'binary', maxLength });
/** Header values fetch can send (visible ASCII); anything else it refuses before sending. */
const headerText = (maxLength = 60) => fc.string({ maxLength }).map((s) => s.replace(/[^\x20-\x7e]/g, ''));
// Built from bytes rather than fc.stringMatching, which costs seconds per property here.
const hex32 = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => Buffer.from(b).toString('hex'));
const sidOr = (prefix: string) => fc.oneof(hex32.map((h) => prefix + h), text(40));

/** Call-like JSON: every field sometimes right, sometimes anything at all. */
const genericCall = fc.record({
  callId: fc.oneof(hex32.map((h) => `ari-${h}`), text(140), fc.constantFrom('a\r\nNats-Msg-Id: x', 'a\u0000', 'x\ud800', ''), fc.anything()),
  event: fc.oneof(fc.constantFrom('arrived', 'abandoned', 'ended'), fc.anything()),
  callerNumber: fc.oneof(fc.integer({ min: 100_000, max: 2 ** 40 }).map((n) => `+${n}`), text(70), fc.anything()),
  dialledNumber: fc.oneof(text(70), fc.anything()),
  accountId: fc.oneof(text(130), fc.anything()),
  platform: fc.oneof(text(34), fc.anything()),
  tier: fc.oneof(fc.constantFrom('standard', 'vip_gold', 'diamond'), fc.anything()),
  priority: fc.oneof(fc.integer({ min: -10, max: 1_010 }), fc.double(), fc.anything()),
  ivr: fc.oneof(fc.record({ language: fc.oneof(fc.constantFrom('en', 'zh-CN'), text(12)), intent: text(70), selections: fc.dictionary(text(70), text(260), { maxKeys: 4 }) }, { requiredKeys: [] }), fc.anything()),
}, { requiredKeys: [] });
const genericBody = fc.oneof(
  { weight: 6, arbitrary: genericCall.map((c) => JSON.stringify(c)) },
  { weight: 1, arbitrary: fc.json() },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  { weight: 1, arbitrary: fc.nat({ max: 3_000 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`) },
);
const jsonType = fc.constantFrom('application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON', 'application/x-www-form-urlencoded');

/** Twilio-like forms: known names with good or arbitrary values, plus unknown and repeated names. */
const twilioForm = fc.record({
  CallSid: sidOr('CA'),
  AccountSid: sidOr('AC'),
  From: text(70),
  To: text(70),
  CallStatus: fc.oneof(fc.constantFrom('ringing', 'completed', 'busy', 'in-progress', 'failed'), text(40)),
  CallDuration: fc.oneof(fc.stringMatching(/^[0-9]{1,12}$/), text(12)),
  Direction: text(40),
  Digits: text(70),
}, { requiredKeys: [] });
const extraParams = fc.dictionary(fc.constantFrom('Caller', 'Called', 'ApiVersion', 'FromCity', 'ForwardedFrom', 'SipHeader_X', 'x'), fc.oneof(text(30), fc.array(text(10), { minLength: 2, maxLength: 3 })), { maxKeys: 3 });
const twilioParams = fc.tuple(twilioForm, extraParams).map(([known, extra]) => ({ ...extra, ...known }) as Record<string, string | string[]>);
const voiceQuery = fc.oneof(
  fc.constant(''),
  fc.record({ intent: text(70), language: fc.oneof(fc.constant('en'), text(12)), priority: fc.oneof(fc.nat({ max: 1_001 }).map(String), text(10), fc.constantFrom('1e400', '-1', 'NaN')) }, { requiredKeys: [] })
    .map((q) => `?${new URLSearchParams(q).toString()}`),
);

function formBody(params: Record<string, string | string[]>): string {
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) for (const v of Array.isArray(value) ? value : [value]) form.append(name, v);
  return form.toString();
}

describe('phone endpoints under fuzzing (10,000+ generated requests)', () => {
  let bed: IngestTestBed;
  let app: FastifyInstance;
  let url: string;
  let sent = 0;
  let accepted = 0;
  beforeAll(async () => {
    bed = await createIngestTestBed('phonefuzz');
    ({ app, url } = await startPhoneApp(bed));
  });
  afterAll(async () => {
    await app.close();
    await bed.close();
  });

  /**
   * Sends one request; any answer but a 5xx is fine, and a 400 names its field and rule. Most go
   * through fastify's `inject` (the whole app: hooks, parsers, verifiers, routes, publishing)
   * to keep the suite's CPU down on a shared 2-core machine; `overSocket` sends it over real
   * HTTP (Node's parser, timeouts) instead.
   */
  async function send(path: string, init: { method?: string; headers: Record<string, string>; body?: string | Uint8Array }, overSocket = false): Promise<number> {
    sent += 1;
    const method = (init.method ?? 'POST') as 'POST';
    let status: number;
    let answer: string;
    if (overSocket) {
      const response = await fetch(url + path, { method, headers: init.headers, ...(init.body === undefined ? {} : { body: init.body }) });
      [status, answer] = [response.status, await response.text()];
    } else {
      const body = init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : Buffer.from(init.body);
      const response = await app.inject({ method, url: path, headers: init.headers, ...(body === undefined ? {} : { payload: body }) });
      [status, answer] = [response.statusCode, response.body];
    }
    expect(status, `${path} answered ${status} ${answer}`).toBeLessThan(500);
    if (status < 300) accepted += 1;
    if (status === 400) expect(JSON.parse(answer)).toMatchObject({ field: expect.any(String), rule: expect.any(String) });
    return status;
  }

  it('generic: validly signed malformed bodies get a 2xx or a clear 4xx', async () => {
    await fc.assert(fc.asyncProperty(fc.array(fc.tuple(genericBody, jsonType), { minLength: BATCH, maxLength: BATCH }), async (cases) => {
      await Promise.all(cases.map(([body, type]) => send('/v1/contacts', { headers: { ...genericHeaders(body), 'content-type': type }, body })));
    }), RUNS);
  });

  it('generic: forged, stale and missing credentials get 401/403 whatever the body', async () => {
    const now = Math.floor(Date.now() / 1000);
    const timestamp = fc.oneof(fc.integer({ min: now - 10_000, max: now + 10_000 }).map(String), headerText(14), fc.constantFrom('', '99999999999999999999', '1e9', ' 12'));
    const auth = fc.oneof(
      fc.record({ 'x-switchboard-signature': headerText(80), 'x-switchboard-timestamp': timestamp }, { requiredKeys: [] }),
      fc.record({ authorization: headerText(60).map((s) => `Bearer ${s}`) }),
      fc.constant({}),
    );
    await fc.assert(fc.asyncProperty(fc.array(fc.tuple(auth, genericBody, jsonType), { minLength: BATCH, maxLength: BATCH }), async (cases) => {
      await Promise.all(cases.map(async ([headers, body, type]) => {
        const status = await send('/v1/contacts', { headers: { ...headers, 'content-type': type }, body });
        expect([401, 403]).toContain(status);
      }));
    }), RUNS);
  });

  it('Twilio: validly signed malformed forms and queries get TwiML or a clear 4xx', async () => {
    await fc.assert(fc.asyncProperty(fc.array(fc.tuple(twilioParams, fc.constantFrom('/twilio/voice', '/twilio/status'), voiceQuery), { minLength: BATCH, maxLength: BATCH }), async (cases) => {
      await Promise.all(cases.map(([params, route, query]) => {
        const path = route + query;
        const signature = twilio.getExpectedTwilioSignature(AUTH_TOKEN, PUBLIC_URL + path, params);
        return send(path, { headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature }, body: formBody(params) });
      }));
    }), RUNS);
  });

  it('Twilio: forged signatures get 403, signed for another URL or token too', async () => {
    const forgery = fc.oneof(headerText(40), fc.constantFrom('another-token', 'another-url'));
    await fc.assert(fc.asyncProperty(fc.array(fc.tuple(twilioParams, fc.constantFrom('/twilio/voice', '/twilio/status'), forgery), { minLength: BATCH, maxLength: BATCH }), async (cases) => {
      await Promise.all(cases.map(async ([params, path, forged]) => {
        const signature = forged === 'another-token' ? twilio.getExpectedTwilioSignature('not-the-token', PUBLIC_URL + path, params)
          : forged === 'another-url' ? twilio.getExpectedTwilioSignature(AUTH_TOKEN, `https://elsewhere.test${path}`, params) : forged;
        expect(await send(path, { headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature }, body: formBody(params) })).toBe(403);
      }));
    }), RUNS);
  });

  it('raw garbage, odd content types and methods on every route get a 4xx', async () => {
    const routes = ['/v1/contacts', '/twilio/voice', '/twilio/status', '/v1/contacts/x', '/twilio'];
    const types = ['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'text/xml', 'application/octet-stream', ''];
    await fc.assert(fc.asyncProperty(fc.array(fc.tuple(fc.uint8Array({ maxLength: 512 }), fc.constantFrom(...routes), fc.constantFrom(...types), fc.constantFrom('POST', 'PUT', 'DELETE')), { minLength: BATCH, maxLength: BATCH }), async (cases) => {
      await Promise.all(cases.map(async ([bytes, route, type, method]) => {
        const status = await send(route, { method, headers: type ? { 'content-type': type } : {}, body: bytes }, true);
        expect(status).toBeGreaterThanOrEqual(400);
      }));
    }), RUNS);
  });

  it('sent 10,000 requests or more, still answers /healthz, and published only records that validate', async () => {
    expect(sent).toBeGreaterThanOrEqual(10_000);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    const records = await bed.records();
    expect(records.length).toBeGreaterThan(0);
    expect(records.length).toBeLessThanOrEqual(accepted);
    for (const { record, msgId, subject } of records) {
      expect(subject).toBe(`${bed.names.subjectRoot}.contacts.${bed.scope.domain}.phone`);
      expect(isIdempotencyKey(msgId ?? '', 1_024)).toBe(true);
      const c = record.arrived;
      const u = record.update;
      expect(Number(c !== undefined) + Number(u !== undefined)).toBe(1);
      if (c) {
        expect(isContactId(c.id)).toBe(true);
        expect(c.domain).toBe(bed.scope.domain);
        expect(c.channel).toBe(Channel.CHANNEL_PHONE);
        expect(isIdempotencyKey(c.channelIds?.callSid ?? '', 128)).toBe(true);
        expect(c.priority >= 0 && c.priority <= 1000).toBe(true);
        expect(Number.isFinite(c.receivedAt?.getTime())).toBe(true);
      } else if (u) {
        expect(isContactId(u.contactId)).toBe(true);
        expect([ContactUpdateKind.CONTACT_UPDATE_KIND_ABANDONED, ContactUpdateKind.CONTACT_UPDATE_KIND_ENDED]).toContain(u.kind);
      }
    }
  });
});
