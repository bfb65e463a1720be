import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ContactUpdateKind } from '@switchboard/contracts';
import { connectTestNats, createTestScope, type TestNats } from '@switchboard/testkit';
import { createCallbackCrypto, parseWeChatXml, sha1Signature } from '@switchboard/wechat';
import { OA, oaText, plainQuery, startTestApp, type TestApp } from './test-support.js';

const XML = { 'content-type': 'text/xml' };

describe('POST/GET /wechat/oa on real JetStream', () => {
  let nats: TestNats;
  let t: TestApp;

  beforeEach(async () => {
    const scope = createTestScope('oa');
    nats = await connectTestNats(scope);
    t = await startTestApp(nats.nc, scope);
  });
  afterEach(async () => {
    await t.app.close();
    await nats.cleanup();
  });

  it('echoes echostr after the signature check and refuses a forged one', async () => {
    const ok = await t.app.http.inject({ method: 'GET', url: `/wechat/oa?${plainQuery(OA.token)}&echostr=5837397520665436492` });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toBe('5837397520665436492');
    const forged = await t.app.http.inject({ method: 'GET', url: `/wechat/oa?${plainQuery('other-token')}&echostr=1` });
    expect(forged.statusCode).toBe(403);
    const missing = await t.app.http.inject({ method: 'GET', url: `/wechat/oa?echostr=1` });
    expect(missing.statusCode).toBe(401);
    expect(missing.json()).toMatchObject({ error: expect.stringMatching(/signature is required/) });
  });

  it("stores WeChat's three deliveries of one MsgId once; the next message joins the same contact", async () => {
    const msgId = '6054768590064713728';
    for (let i = 0; i < 3; i++) {
      const res = await t.app.http.inject({ method: 'POST', url: `/wechat/oa?${plainQuery(OA.token)}&openid=o1`, headers: XML, payload: oaText(msgId) });
      expect(res.statusCode).toBe(200);
      expect(res.body).toBe('success');
    }
    expect(await t.count()).toBe(1);
    await t.app.http.inject({ method: 'POST', url: `/wechat/oa?${plainQuery(OA.token)}`, headers: XML, payload: oaText('6054768590064713729', undefined, 'again', 1_700_000_060) });
    const [first, second] = await t.records();
    expect(first?.arrived).toMatchObject({ channelIds: { wechatMsgId: msgId }, summary: 'hello', customer: { id: 'oUserAAAAAAAAAAAAAAAAAAAAAAAA' } });
    expect(second?.update).toMatchObject({ contactId: first?.arrived?.id, kind: ContactUpdateKind.CONTACT_UPDATE_KIND_MESSAGE, messageId: '6054768590064713729' });
  });

  it('stores an event retried three times once (FromUserName + CreateTime)', async () => {
    await t.app.http.inject({ method: 'POST', url: `/wechat/oa?${plainQuery(OA.token)}`, headers: XML, payload: oaText('1') });
    const unsubscribe = '<xml><ToUserName>gh_account</ToUserName><FromUserName>oUserAAAAAAAAAAAAAAAAAAAAAAAA</FromUserName>' +
      '<CreateTime>1700000100</CreateTime><MsgType>event</MsgType><Event>unsubscribe</Event></xml>';
    for (let i = 0; i < 3; i++) {
      const res = await t.app.http.inject({ method: 'POST', url: `/wechat/oa?${plainQuery(OA.token)}`, headers: XML, payload: unsubscribe });
      expect(res.statusCode).toBe(200);
    }
    const records = await t.records();
    expect(records).toHaveLength(2);
    expect(records[1]?.update?.kind).toBe(ContactUpdateKind.CONTACT_UPDATE_KIND_ENDED);
    // After the end, the customer's next message opens a new contact.
    await t.app.http.inject({ method: 'POST', url: `/wechat/oa?${plainQuery(OA.token)}`, headers: XML, payload: oaText('2', undefined, 'back', 1_700_000_200) });
    const third = (await t.records())[2];
    expect(third?.arrived?.id).toBeDefined();
    expect(third?.arrived?.id).not.toBe(records[0]?.arrived?.id);
  });

  it('safe mode: decrypts, publishes and answers an encrypted, signed auto-reply', async () => {
    await t.app.close();
    const scope = createTestScope('oasafe');
    const nats2 = await connectTestNats(scope);
    const t2 = await startTestApp(nats2.nc, scope, { oa: { ...OA, autoReply: '您好，客服马上回复' } });
    try {
      const crypto = createCallbackCrypto({ token: OA.token, encodingAesKey: OA.aesKey, receiverId: OA.appId });
      const encrypt = crypto.cipher.encrypt(oaText('42', 'oSafeUserAAAAAAAAAAAAAAAAAAA', '在吗'));
      const [ts, nonce] = [String(Math.floor(Date.now() / 1000)), '777'];
      const query = `signature=x&timestamp=${ts}&nonce=${nonce}&encrypt_type=aes&msg_signature=${sha1Signature([OA.token, ts, nonce, encrypt])}`;
      const res = await t2.app.http.inject({ method: 'POST', url: `/wechat/oa?${query}`, headers: XML, payload: `<xml><ToUserName><![CDATA[gh_account]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>` });
      expect(res.statusCode).toBe(200);
      const envelope = parseWeChatXml(res.body);
      expect(envelope).toMatchObject({ TimeStamp: ts, Nonce: nonce });
      const replyXml = crypto.open({ msgSignature: envelope.MsgSignature ?? '', timestamp: ts, nonce }, res.body);
      expect(replyXml).toMatchObject({ ToUserName: 'oSafeUserAAAAAAAAAAAAAAAAAAA', FromUserName: 'gh_account', MsgType: 'text', Content: '您好，客服马上回复' });
      expect((await t2.records())[0]?.arrived?.summary).toBe('在吗');
      // A tampered ciphertext is refused and nothing more is stored.
      const bad = await t2.app.http.inject({ method: 'POST', url: `/wechat/oa?${query}`, headers: XML, payload: `<xml><Encrypt><![CDATA[${encrypt.slice(1)}]]></Encrypt></xml>` });
      expect(bad.statusCode).toBe(403);
      // Safe mode configured: a plain-mode post, even correctly signed, is refused (401).
      const plain = await t2.app.http.inject({ method: 'POST', url: `/wechat/oa?${plainQuery(OA.token)}`, headers: XML, payload: oaText('43') });
      expect(plain.statusCode).toBe(401);
      expect(plain.json()).toMatchObject({ error: expect.stringMatching(/safe mode is configured/) });
      expect(await t2.count()).toBe(1);
    } finally {
      await t2.app.close();
      await nats2.cleanup();
    }
  });

  it('refuses a signed query replayed with another body (403) and out-of-window timestamps; the same callback again is deduplicated', async () => {
    const query = plainQuery(OA.token);
    expect((await t.app.http.inject({ method: 'POST', url: `/wechat/oa?${query}`, headers: XML, payload: oaText('900') })).statusCode).toBe(200);
    // WeChat's own retry of the callback: same query, same body.
    expect((await t.app.http.inject({ method: 'POST', url: `/wechat/oa?${query}`, headers: XML, payload: oaText('900') })).statusCode).toBe(200);
    // Someone who saw the query posts a message of their own with it: plain mode does not sign the body.
    const forged = await t.app.http.inject({ method: 'POST', url: `/wechat/oa?${query}`, headers: XML, payload: oaText('901', 'oAttackerAAAAAAAAAAAAAAAAAAAA', 'refund me') });
    expect(forged.statusCode).toBe(403);
    expect(forged.json()).toMatchObject({ error: expect.stringMatching(/nonce was already used with another body/) });
    const now = Math.floor(Date.now() / 1000);
    for (const ts of [now - 301, now + 301]) {
      const stale = await t.app.http.inject({ method: 'POST', url: `/wechat/oa?${plainQuery(OA.token, String(ts))}`, headers: XML, payload: oaText('902') });
      expect(stale.statusCode).toBe(403);
    }
    expect((await t.records()).map((r) => r.arrived?.channelIds?.wechatMsgId ?? r.update?.messageId)).toEqual(['900']);
  });

  it('answers an out-of-range CreateTime 400 naming the field (it was a 500 that WeChat retried)', async () => {
    const res = await t.app.http.inject({ method: 'POST', url: `/wechat/oa?${plainQuery(OA.token)}`, headers: XML, payload: oaText('903', undefined, 'x', 99_999_999_999_999) });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ field: 'CreateTime', rule: 'xml' });
    expect(await t.count()).toBe(0);
  });

  it('parses no body before its signature: a nested JSON body is refused unread as JSON (401/403)', async () => {
    const nested = '['.repeat(30_000) + ']'.repeat(30_000);
    const parse = JSON.parse;
    let parsed = 0;
    JSON.parse = ((text: string, reviver?: Parameters<typeof parse>[1]) => { parsed++; return parse(text, reviver); }) as typeof JSON.parse;
    try {
      for (const [url, status] of [['/wechat/oa?signature=0&timestamp=1&nonce=1', 403], ['/wechat/oa', 401], ['/wechat/work', 401]] as const) {
        const res = await t.app.http.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload: nested });
        expect(res.statusCode, url).toBe(status);
      }
    } finally {
      JSON.parse = parse;
    }
    expect(parsed).toBe(0);
  });
});
