import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { connectTestNats, createTestScope, type TestNats } from '@switchboard/testkit';
import { createCallbackCrypto, sha1Signature } from '@switchboard/wechat';
import { msgQuery, OA, plainQuery, startTestApp, WORK, type TestApp } from './test-support.js';

// Pieces of WeChat-looking XML. MsgId is left out on purpose: a well-formed, signed message built
// from these would be a legitimate message, not junk.
const piece = fc.constantFrom('<xml>', '</xml>', '<ToUserName>gh</ToUserName>', '<FromUserName>o1</FromUserName>', '<CreateTime>1</CreateTime>',
  '<CreateTime>x</CreateTime>', '<MsgType>text</MsgType>', '<MsgType>event</MsgType>', '<Event>kf_msg_or_event</Event>', '<Encrypt>', '</Encrypt>',
  '<![CDATA[', ']]>', '<!DOCTYPE xml [<!ENTITY e SYSTEM "file:///etc/passwd">]>', '&e;', '<?xml version="1.0"?>', '<', '>', '"', 'AAAA', '\u0000', '中');
const xmlish = fc.oneof(fc.string({ maxLength: 200 }), fc.array(piece, { maxLength: 14 }).map((p) => p.join('')));
const junkEncrypt = fc.oneof(fc.string({ maxLength: 80 }), fc.base64String({ maxLength: 200 }), fc.uint8Array({ maxLength: 120 }).map((b) => Buffer.from(b).toString('base64')));
const contentType = fc.constantFrom('text/xml', 'text/xml', 'application/xml', 'application/json', 'text/plain', 'application/x-www-form-urlencoded');
const junkQuery = fc.dictionary(fc.constantFrom('signature', 'msg_signature', 'timestamp', 'nonce', 'echostr', 'encrypt_type', 'openid', '%', '+'), fc.string({ maxLength: 30 }))
  .map((q) => Object.entries(q).map(([k, v]) => `${k}=${v.replace(/[&#]/g, '')}`).join('&'));

describe('fuzzing every WeChat endpoint', () => {
  let nats: TestNats;
  let t: TestApp;

  beforeAll(async () => {
    const scope = createTestScope('wxfuzz');
    nats = await connectTestNats(scope);
    t = await startTestApp(nats.nc, scope);
  });
  afterAll(async () => {
    await t.app.close();
    await nats.cleanup();
  });

  const clear4xx = (status: number) => expect(status >= 400 && status < 500, `status ${status}`).toBe(true);

  it('POST /wechat/oa: junk XML (signed or not), junk queries, junk content types → 4xx, nothing stored', async () => {
    await fc.assert(fc.asyncProperty(xmlish, fc.boolean(), junkQuery, contentType, async (body, signed, query, type) => {
      const url = `/wechat/oa?${signed ? plainQuery(OA.token) : query}`;
      const res = await t.app.http.inject({ method: 'POST', url, headers: { 'content-type': type }, payload: body });
      clear4xx(res.statusCode);
    }), { numRuns: 100 });
    expect(await t.count()).toBe(0);
  });

  it('POST /wechat/oa safe mode and /wechat/work: correctly signed junk Encrypt fields → 400, forged → 403', async () => {
    await fc.assert(fc.asyncProperty(junkEncrypt, fc.boolean(), fc.boolean(), async (encrypt, signed, work) => {
      const token = work ? WORK.token : OA.token;
      const query = signed ? msgQuery(token, encrypt) : `msg_signature=${sha1Signature(['x', encrypt])}&timestamp=1&nonce=2`;
      const url = work ? `/wechat/work?${query}` : `/wechat/oa?${query}&encrypt_type=aes&signature=x`;
      const res = await t.app.http.inject({ method: 'POST', url, headers: { 'content-type': 'text/xml' }, payload: `<xml><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>` });
      clear4xx(res.statusCode);
      // An empty Encrypt is a missing field (400) before any signature is checked.
      if (!signed && encrypt.trim() !== '') expect(res.statusCode).toBe(403);
    }), { numRuns: 100 });
    expect(await t.count()).toBe(0);
  });

  it('GET /wechat/oa and /wechat/work: junk queries and junk echostr → 4xx', async () => {
    await fc.assert(fc.asyncProperty(junkQuery, junkEncrypt, fc.boolean(), async (query, echostr, work) => {
      const signedWork = `${msgQuery(WORK.token, echostr)}&echostr=${encodeURIComponent(echostr)}`;
      const url = work ? `/wechat/work?${echostr.length % 2 ? signedWork : query}` : `/wechat/oa?${query}`;
      const res = await t.app.http.inject({ method: 'GET', url });
      clear4xx(res.statusCode);
    }), { numRuns: 100 });
    expect(await t.count()).toBe(0);
  });

  it('a well-formed message encrypted for another account is refused (403) and not stored', async () => {
    const other = createCallbackCrypto({ token: WORK.token, encodingAesKey: WORK.aesKey, receiverId: 'ww_someone_else' });
    const encrypt = other.cipher.encrypt('<xml><ToUserName>ww</ToUserName><FromUserName>u</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><MsgId>1</MsgId></xml>');
    const res = await t.app.http.inject({ method: 'POST', url: `/wechat/work?${msgQuery(WORK.token, encrypt)}`, headers: { 'content-type': 'text/xml' }, payload: `<xml><Encrypt>${encrypt}</Encrypt></xml>` });
    expect(res.statusCode).toBe(403);
    expect(await t.count()).toBe(0);
  });
});
