import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ContactUpdateKind } from '@switchboard/contracts';
import { connectTestNats, createTestScope, type TestNats } from '@switchboard/testkit';
import { buildWeChatXml, createCallbackCrypto, type KfMessage } from '@switchboard/wechat';
import { FakeKfApi, kfText } from '@switchboard/wechat/testing';
import { msgQuery, startTestApp, WORK, type TestApp } from './test-support.js';

const XML = { 'content-type': 'text/xml' };
const KF = 'wkAJ2GCAAASSm4_FhToWMFea0xAFfd3Q';
const crypto = createCallbackCrypto({ token: WORK.token, encodingAesKey: WORK.aesKey, receiverId: WORK.corpId });

/** The WeCom envelope of an inner XML, as WeChat posts it. */
function envelope(inner: string, timestamp = String(Math.floor(Date.now() / 1000))): { url: string; payload: string } {
  const encrypt = crypto.cipher.encrypt(inner);
  return { url: `/wechat/work?${msgQuery(WORK.token, encrypt, timestamp)}`, payload: `<xml><ToUserName><![CDATA[${WORK.corpId}]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt><AgentID><![CDATA[218]]></AgentID></xml>` };
}

function kfTrigger(token: string, createTime: number): string {
  return buildWeChatXml({ ToUserName: WORK.corpId, CreateTime: createTime, MsgType: 'event', Event: 'kf_msg_or_event', Token: token, OpenKfId: KF });
}

describe('GET/POST /wechat/work and the kf flow on real JetStream', () => {
  let nats: TestNats;
  let api: FakeKfApi;
  let t: TestApp;

  beforeEach(async () => {
    const scope = createTestScope('work');
    nats = await connectTestNats(scope);
    api = new FakeKfApi();
    t = await startTestApp(nats.nc, scope, {}, await api.start());
  });
  afterEach(async () => {
    await t.app.close();
    await api.stop();
    await nats.cleanup();
  });

  it("verifies the URL with Tencent's sample (sbzhu/weworkapi_php callback/Sample.php): %2B and a literal + both stay +", async () => {
    const query = 'msg_signature=5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3&timestamp=1409659589&nonce=263014780';
    t.setClock(1_409_659_589);
    const encoded = 'P9nAzCzyDtyTWESHep1vC5X9xho%2FqYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp%2B4RPcs8TgAE7OaBO%2BFZXvnaqQ%3D%3D';
    const ok = await t.app.http.inject({ method: 'GET', url: `/wechat/work?${query}&echostr=${encoded}` });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toBe('1616140317555161061');
    const literalPlus = await t.app.http.inject({ method: 'GET', url: `/wechat/work?${query}&echostr=${decodeURIComponent(encoded)}` });
    expect(literalPlus.body).toBe('1616140317555161061');
    const forged = await t.app.http.inject({ method: 'GET', url: `/wechat/work?${query.replace('5c45', '5c46')}&echostr=${encoded}` });
    expect(forged.statusCode).toBe(403);
  });

  it("takes Tencent's sample message (Sample.php) and publishes it once across retries", async () => {
    const url = '/wechat/work?msg_signature=477715d11cdb4164915debcba66cb864d751f3e6&timestamp=1409659813&nonce=1372623149';
    // Recorded in 2014: the replay guard's clock is set to the sample's time.
    t.setClock(1_409_659_813);
    const payload = '<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName><Encrypt><![CDATA[RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==]]></Encrypt><AgentID><![CDATA[218]]></AgentID></xml>';
    for (let i = 0; i < 3; i++) {
      const res = await t.app.http.inject({ method: 'POST', url, headers: XML, payload });
      expect(res.statusCode).toBe(200);
      expect(res.body).toBe('success');
    }
    const records = await t.records();
    expect(records).toHaveLength(1);
    expect(records[0]?.arrived).toMatchObject({ summary: 'hello', customer: { id: 'mycreate' }, channelIds: { wechatMsgId: '4561255354251345929' } });
  });

  it('kf: trigger → sync_msg pages (one empty with has_more=1) → contacts; cursor saved and reused; duplicates skipped', async () => {
    const m = (id: string, user: string, text: string, at: number): KfMessage => kfText(id, user, KF, text, at);
    api.pages.set('', { nextCursor: 'c1', hasMore: true, messages: [m('k1', 'wmUserOne00000000000001', 'hi', 1_700_000_000)] });
    api.pages.set('c1', { nextCursor: 'c2', hasMore: true, messages: [] });
    api.pages.set('c2', { nextCursor: 'c3', hasMore: false, messages: [
      m('k2', 'wmUserOne00000000000001', 'second', 1_700_000_010),
      m('k3', 'wmUserTwo00000000000002', 'other customer', 1_700_000_020),
      { ...m('k4', 'wmUserOne00000000000001', 'agent says', 1_700_000_030), origin: 5, servicer_userid: 'agent7' },
    ] });
    const trigger = envelope(kfTrigger('ENCApHxnGDNAVNY4AaSJKj4Tb5mwsEMzxhFmHVGcra996NR', 1_700_000_001));
    const res = await t.app.http.inject({ method: 'POST', url: trigger.url, headers: XML, payload: trigger.payload });
    expect(res.body).toBe('success');
    await t.app.kf?.idle();
    const records = await t.records();
    expect(records.map((r) => (r.arrived ? `new:${r.arrived.summary}` : `upd:${r.update?.summary}`))).toEqual(['new:hi', 'upd:second', 'new:other customer']);
    expect(records[1]?.update?.contactId).toBe(records[0]?.arrived?.id);
    expect(records[0]?.arrived?.channelIds).toMatchObject({ wechatOpenKfid: KF, wechatMsgId: 'k1' });
    expect(api.syncRequests().map((r) => r.body?.cursor)).toEqual([undefined, 'c1', 'c2']);
    expect(api.syncRequests()[0]?.body).toMatchObject({ token: 'ENCApHxnGDNAVNY4AaSJKj4Tb5mwsEMzxhFmHVGcra996NR', open_kfid: KF });

    // WeChat re-lists k3 on the next page (a re-read) next to a new message and the session end.
    api.pages.set('c3', { nextCursor: 'c4', hasMore: false, messages: [
      m('k3', 'wmUserTwo00000000000002', 'other customer', 1_700_000_020),
      m('k5', 'wmUserTwo00000000000002', 'still there?', 1_700_000_040),
      { msgid: 'e1', open_kfid: KF, send_time: 1_700_000_050, origin: 4, msgtype: 'event',
        event: { event_type: 'session_status_change', open_kfid: KF, external_userid: 'wmUserTwo00000000000002', change_type: 3 } },
    ] });
    const again = envelope(kfTrigger('token2', 1_700_000_060));
    await t.app.http.inject({ method: 'POST', url: again.url, headers: XML, payload: again.payload });
    await t.app.kf?.idle();
    expect(api.syncRequests().at(-1)?.body?.cursor).toBe('c3');
    const after = await t.records();
    expect(after).toHaveLength(5);
    expect(after[3]?.update).toMatchObject({ contactId: after[2]?.arrived?.id, kind: ContactUpdateKind.CONTACT_UPDATE_KIND_MESSAGE });
    // No agent ever took this session (still 0, new): its end abandons the contact.
    expect(after[4]?.update).toMatchObject({ contactId: after[2]?.arrived?.id, kind: ContactUpdateKind.CONTACT_UPDATE_KIND_ABANDONED });
  });
});
