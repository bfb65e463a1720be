// Fuzzing every WeChat endpoint with fast-check: more than 10,000 generated requests across the
// suite, many of them validly signed (and encrypted) but malformed inside. Every answer must be a
// clear 4xx or a success, never a 5xx (the bus is up throughout, so none is a real outage);
// /healthz answers after each property; and CONTACTS holds only well-formed contacts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isContactId } from '@switchboard/ingest-kit';
import { connectTestNats, createTestScope, type TestNats } from '@switchboard/testkit';
import { createCallbackCrypto, MAX_CREATE_TIME, sha1Signature } from '@switchboard/wechat';
import { msgQuery, OA, plainQuery, startTestApp, WORK, type TestApp } from './test-support.js';

// Pieces of WeChat-looking XML, and field values that are almost right.
const piece = fc.constantFrom('<xml>', '</xml>', '<ToUserName>gh</ToUserName>', '<FromUserName>o1</FromUserName>', '<CreateTime>1</CreateTime>',
  '<CreateTime>x</CreateTime>', '<MsgType>text</MsgType>', '<MsgType>event</MsgType>', '<Event>kf_msg_or_event</Event>', '<Encrypt>', '</Encrypt>',
  '<![CDATA[', ']]>', '<!DOCTYPE xml [<!ENTITY e SYSTEM "file:///etc/passwd">]>', '&e;', '<?xml version="1.0"?>', '<', '>', '"', 'AAAA', '\u0000', '中',
  '<MsgId>1</MsgId>', '<MsgId>1</MsgId><MsgId>2</MsgId>', '<a><b><c><d><e><f><g><h><i><j><k><l><m><n><o><p><q><r>');
const xmlish = fc.oneof(fc.string({ maxLength: 200 }), fc.array(piece, { maxLength: 14 }).map((p) => p.join('')));
const text = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('', ' ', ']]>', '<x>', '\u0000', '中文'));
const digitsish = fc.oneof(fc.stringMatching(/^[0-9]{1,20}$/), fc.constantFrom(String(MAX_CREATE_TIME), String(MAX_CREATE_TIME + 1), '99999999999999999999', '-1', '1e3', ''));
/** A message or event whose fields are random: some are valid (stored), most are not (400). */
const message = fc.record({
  ToUserName: text, FromUserName: text, CreateTime: digitsish, MsgType: fc.oneof(text, fc.constantFrom('text', 'image', 'event')),
  Content: text, MsgId: digitsish, Event: fc.oneof(text, fc.constantFrom('subscribe', 'unsubscribe', 'kf_msg_or_event')),
}, { requiredKeys: [] }).map((fields) => `<xml>${Object.entries(fields).map(([k, v]) => `<${k}><![CDATA[${v.replaceAll(']]>', '')}]]></${k}>`).join('')}</xml>`);
const junkEncrypt = fc.oneof(fc.string({ maxLength: 80 }), fc.base64String({ maxLength: 200 }), fc.uint8Array({ maxLength: 120 }).map((b) => Buffer.from(b).toString('base64')));
const contentType = fc.constantFrom('text/xml', 'text/xml', 'application/xml', 'application/json', 'text/plain', 'application/x-www-form-urlencoded');
const junkQuery = fc.dictionary(fc.constantFrom('signature', 'msg_signature', 'timestamp', 'nonce', 'echostr', 'encrypt_type', 'openid', '%', '+'), fc.string({ maxLength: 30 }))
  .map((q) => Object.entries(q).map(([k, v]) => `${k}=${v.replace(/[&#]/g, '')}`).join('&'));
const envelopeOf = (encrypt: string) => `<xml><ToUserName><![CDATA[x]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`;

describe('fuzzing every WeChat endpoint', () => {
  let nats: TestNats;
  /** Plain-mode Official Account and WeCom. */
  let t: TestApp;
  /** A safe-mode Official Account. */
  let safe: TestApp;
  let requests = 0;
  const oaCrypto = createCallbackCrypto({ token: OA.token, encodingAesKey: OA.aesKey, receiverId: OA.appId });
  const workCrypto = createCallbackCrypto({ token: WORK.token, encodingAesKey: WORK.aesKey, receiverId: WORK.corpId });

  beforeAll(async () => {
    const scope = createTestScope('wxfuzz');
    nats = await connectTestNats(scope);
    t = await startTestApp(nats.nc, scope);
    safe = await startTestApp(nats.nc, createTestScope('wxfuzzsafe'), { oa: { ...OA }, work: undefined });
  });
  afterAll(async () => {
    await t.app.close();
    await safe.app.close();
    await nats.cleanup();
  });

  const send = async (app: TestApp, method: 'GET' | 'POST', url: string, payload = '', type = 'text/xml') => {
    requests++;
    const res = await app.app.http.inject({ method, url, headers: { 'content-type': type }, payload });
    expect(res.statusCode < 500, `${method} ${url} → ${res.statusCode} ${res.body.slice(0, 200)}`).toBe(true);
    return res;
  };
  const healthy = async () => {
    for (const app of [t, safe]) expect((await app.app.http.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  };

  it('POST /wechat/oa (plain): junk XML signed or not, junk queries and content types → 4xx', async () => {
    await fc.assert(fc.asyncProperty(xmlish, fc.boolean(), junkQuery, contentType, async (body, signed, query, type) => {
      const res = await send(t, 'POST', `/wechat/oa?${signed ? plainQuery(OA.token) : query}`, body, type);
      expect(res.statusCode).toBeGreaterThanOrEqual(400);
      if (!signed) expect([400, 401, 403]).toContain(res.statusCode);
    }), { numRuns: 2_500 });
    await healthy();
  });

  it('POST /wechat/oa (plain): validly signed messages with random fields → 200 or a 400 naming the field', async () => {
    await fc.assert(fc.asyncProperty(message, async (body) => {
      const res = await send(t, 'POST', `/wechat/oa?${plainQuery(OA.token)}`, body);
      expect([200, 400]).toContain(res.statusCode);
      if (res.statusCode === 400) expect(res.json()).toHaveProperty('field');
    }), { numRuns: 2_000 });
    await healthy();
  });

  it('POST /wechat/work: signed junk Encrypt → 400, forged → 403, encrypted random messages → 200 or 400', async () => {
    await fc.assert(fc.asyncProperty(junkEncrypt, fc.boolean(), async (encrypt, signed) => {
      const query = signed ? msgQuery(WORK.token, encrypt) : `msg_signature=${sha1Signature(['x', encrypt])}&timestamp=1&nonce=2`;
      const res = await send(t, 'POST', `/wechat/work?${query}`, envelopeOf(encrypt));
      expect(res.statusCode).toBeGreaterThanOrEqual(400);
      // An empty Encrypt is a missing field (400) before any signature is checked.
      if (!signed && encrypt.trim() !== '') expect(res.statusCode).toBe(403);
    }), { numRuns: 1_000 });
    await fc.assert(fc.asyncProperty(fc.oneof(message, xmlish), async (inner) => {
      const encrypt = workCrypto.cipher.encrypt(inner);
      const res = await send(t, 'POST', `/wechat/work?${msgQuery(WORK.token, encrypt)}`, envelopeOf(encrypt));
      expect([200, 400]).toContain(res.statusCode);
    }), { numRuns: 1_500 });
    await healthy();
  });

  it('POST /wechat/oa (safe mode): plain posts → 401, encrypted random messages → 200 or 400', async () => {
    await fc.assert(fc.asyncProperty(fc.oneof(message, xmlish), fc.boolean(), async (inner, plain) => {
      if (plain) {
        expect((await send(safe, 'POST', `/wechat/oa?${plainQuery(OA.token)}`, inner)).statusCode).toBe(401);
        return;
      }
      const encrypt = oaCrypto.cipher.encrypt(inner);
      const res = await send(safe, 'POST', `/wechat/oa?${msgQuery(OA.token, encrypt)}&encrypt_type=aes&signature=x`, envelopeOf(encrypt));
      expect([200, 400]).toContain(res.statusCode);
    }), { numRuns: 1_500 });
    await healthy();
  });

  it('GET /wechat/oa and /wechat/work: junk queries and junk echostr → 4xx; replayed queries with new bodies → 403', async () => {
    await fc.assert(fc.asyncProperty(junkQuery, junkEncrypt, fc.boolean(), async (query, echostr, work) => {
      const signedWork = `${msgQuery(WORK.token, echostr)}&echostr=${encodeURIComponent(echostr)}`;
      const url = work ? `/wechat/work?${echostr.length % 2 ? signedWork : query}` : `/wechat/oa?${query}`;
      const res = await send(t, 'GET', url);
      expect(res.statusCode).toBeGreaterThanOrEqual(400);
    }), { numRuns: 1_000 });
    await fc.assert(fc.asyncProperty(message, message, async (first, second) => {
      fc.pre(first !== second);
      const query = plainQuery(OA.token);
      await send(t, 'POST', `/wechat/oa?${query}`, first);
      expect((await send(t, 'POST', `/wechat/oa?${query}`, second)).statusCode).toBe(403);
    }), { numRuns: 300 });
    await healthy();
  });

  it('a well-formed message encrypted for another account is refused (403)', async () => {
    const other = createCallbackCrypto({ token: WORK.token, encodingAesKey: WORK.aesKey, receiverId: 'ww_someone_else' });
    const encrypt = other.cipher.encrypt(`<xml><ToUserName>ww</ToUserName><FromUserName>u</FromUserName><CreateTime>${Math.floor(Date.now() / 1000)}</CreateTime><MsgType>text</MsgType><MsgId>1</MsgId></xml>`);
    expect((await send(t, 'POST', `/wechat/work?${msgQuery(WORK.token, encrypt)}`, envelopeOf(encrypt))).statusCode).toBe(403);
  });

  it('stored only well-formed contacts, and the suite sent more than 10,000 requests', async () => {
    // Some generated messages are valid (about a hundred per run): the checks below look at real records.
    expect((await t.records()).length).toBeGreaterThan(0);
    for (const app of [t, safe]) {
      for (const record of await app.records()) {
        const contact = record.arrived;
        const update = record.update;
        expect(contact ?? update).toBeDefined();
        if (contact) {
          expect(isContactId(contact.id)).toBe(true);
          expect(contact.customer?.id).toBeTruthy();
          expect(contact.channelIds?.wechatMsgId).toMatch(/^\d{1,20}$/);
          expect(Number.isFinite(contact.receivedAt?.getTime())).toBe(true);
        } else {
          expect(isContactId(update!.contactId)).toBe(true);
          expect(Number.isFinite(update!.occurredAt?.getTime())).toBe(true);
        }
      }
    }
    expect(requests).toBeGreaterThanOrEqual(10_000);
  });
});
