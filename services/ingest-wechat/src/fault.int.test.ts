import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectBus } from '@switchboard/bus';
import { createTestScope, startPrivateNats, type PrivateServer } from '@switchboard/testkit';
import { buildWeChatXml, createCallbackCrypto } from '@switchboard/wechat';
import type { NatsConnection } from 'nats';
import { msgQuery, OA, oaText, plainQuery, startTestApp, WORK, type TestApp } from './test-support.js';

const XML = { 'content-type': 'text/xml' };

describe('with NATS stopped', () => {
  let server: PrivateServer;
  let nc: NatsConnection;
  let t: TestApp;

  beforeEach(async () => {
    server = await startPrivateNats();
    nc = await connectBus({ url: server.url, name: 'fault-test' });
    t = await startTestApp(nc, createTestScope('wxfault'));
  });
  afterEach(async () => {
    await t.app.close();
    await nc.close();
    await server.destroy();
  });

  it('answers 503 so WeChat retries, and stores the retry once NATS is back', async () => {
    const post = (msgId: string) =>
      t.app.http.inject({ method: 'POST', url: `/wechat/oa?${plainQuery(OA.token)}`, headers: XML, payload: oaText(msgId) });
    expect((await post('100')).statusCode).toBe(200);

    await server.kill();
    await expect.poll(() => t.bus.isConnected(), { timeout: 3_000 }).toBe(false);
    const down = await post('101');
    expect(down.statusCode).toBe(503);
    expect(down.headers['retry-after']).toBe('2');

    // The kf trigger is refused too: its pull could not publish, and WeChat would not trigger again.
    const crypto = createCallbackCrypto({ token: WORK.token, encodingAesKey: WORK.aesKey, receiverId: WORK.corpId });
    const encrypt = crypto.cipher.encrypt(buildWeChatXml({ ToUserName: WORK.corpId, CreateTime: 1, MsgType: 'event', Event: 'kf_msg_or_event', Token: 't', OpenKfId: 'wk1' }));
    const kf = await t.app.http.inject({ method: 'POST', url: `/wechat/work?${msgQuery(WORK.token, encrypt)}`, headers: XML, payload: `<xml><Encrypt>${encrypt}</Encrypt></xml>` });
    expect(kf.statusCode).toBe(503);

    await server.restart();
    await expect.poll(() => t.bus.ready(), { timeout: 5_000 }).toBe(true);
    expect((await post('101')).statusCode).toBe(200);
    expect((await post('101')).statusCode).toBe(200);
    const records = await t.records();
    expect(records.map((r) => r.arrived?.channelIds?.wechatMsgId ?? r.update?.messageId)).toEqual(['100', '101']);
  });
});
