import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { customerSubject } from '@switchboard/bus';
import { Channel, CustomerActionKind, CustomerNotice, RoutingEvent } from '@switchboard/contracts';
import { actionText, callbackOfferText, positionText } from '@switchboard/ingest-kit';
import { publishRoutingBatch } from '@switchboard/ingest-kit/testing';
import { connectTestNats, createTestScope, type TestNats, type TestScope } from '@switchboard/testkit';
import { buildWeChatXml, createCallbackCrypto, type KfMessage } from '@switchboard/wechat';
import { FakeKfApi, kfText } from '@switchboard/wechat/testing';
import { customerKey } from './contact.mapper.js';
import { msgQuery, startTestApp, WORK, type TestApp } from './test-support.js';

const KF = 'wkAJ2GCAAASSm4_FhToWMFea0xAFfd3Q';
const ANA = 'wmAnaAAAAAAAAAAAAAAAAAAAAA';
const BO = 'wmBoBBBBBBBBBBBBBBBBBBBBBB';
const crypto = createCallbackCrypto({ token: WORK.token, encodingAesKey: WORK.aesKey, receiverId: WORK.corpId });
const nowSeconds = () => Math.floor(Date.now() / 1000);

describe('kf texts back to the waiting customer (fake WeChat API, real JetStream)', () => {
  let nats: TestNats;
  let scope: TestScope;
  let api: FakeKfApi;
  let t: TestApp;
  let triggers = 0;
  let sequence = 0;

  beforeEach(async () => {
    scope = createTestScope('kfnotice');
    triggers = 0;
    nats = await connectTestNats(scope);
    api = new FakeKfApi();
    // No interval: the cap and the "only when something changed" rule are what is tested.
    t = await startTestApp(nats.nc, scope, {}, await api.start(), { kfReplies: { pacing: { maxPositionTexts: 2, minIntervalMs: 0 } } });
  });
  afterEach(async () => {
    await t.app.close();
    await api.stop();
    await nats.cleanup();
  });

  /** Serves `messages` as the next page and triggers a pull through the signed WeCom callback. */
  async function pull(messages: KfMessage[]): Promise<void> {
    const cursor = triggers === 0 ? '' : `c${triggers}`;
    const next = `c${++triggers}`;
    api.pages.set(cursor, { nextCursor: next, hasMore: false, messages });
    const encrypt = crypto.cipher.encrypt(buildWeChatXml({ ToUserName: WORK.corpId, CreateTime: nowSeconds(), MsgType: 'event', Event: 'kf_msg_or_event', Token: `tok${triggers}`, OpenKfId: KF }));
    const res = await t.app.http.inject({
      method: 'POST', url: `/wechat/work?${msgQuery(WORK.token, encrypt)}`, headers: { 'content-type': 'text/xml' },
      payload: `<xml><ToUserName><![CDATA[${WORK.corpId}]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt><AgentID>1</AgentID></xml>`,
    });
    expect(res.body).toBe('success');
    await t.app.kf?.idle();
  }

  /** The contact a customer's first message opened. */
  async function contactOf(user: string): Promise<string> {
    const record = (await t.records()).find((r) => r.arrived?.channelIds?.wechatOpenid === user);
    expect(record?.arrived?.id).toBeTruthy();
    return record!.arrived!.id;
  }

  /** Publishes a notice as queue-service's announcer does. */
  async function announce(contactId: string, position: number, extra: Partial<CustomerNotice> = {}): Promise<void> {
    const notice = CustomerNotice.fromPartial({
      domain: scope.domain, contactId, channel: Channel.CHANNEL_WECHAT, queueId: 'q-support', position, estimatedWaitSeconds: 240, waitedSeconds: 30, language: 'en', at: new Date(), ...extra,
    });
    nats.nc.publish(customerSubject(t.names, scope.domain, 'wechat'), CustomerNotice.encode(notice).finish());
    await nats.nc.flush();
  }

  const routingEvent = (contactId: string, body: Partial<RoutingEvent>) => RoutingEvent.fromPartial({
    id: `${scope.domain}:${++sequence}`, domain: scope.domain, sequence, occurredAt: new Date(), contactId, queueId: 'q-support', channel: Channel.CHANNEL_WECHAT, ...body,
  });
  const publish = (...events: RoutingEvent[]) => publishRoutingBatch(t.bus.js, t.names, scope.domain, events);
  const sendRequests = (user: string) => api.requests.filter((r) => r.path === '/cgi-bin/kf/send_msg' && r.body?.touser === user);

  it('texts the position with the callback offer, at most twice while waiting, then the expired action once', async () => {
    await pull([kfText('k1', ANA, KF, 'where is my parcel?', nowSeconds())]);
    const contactId = await contactOf(ANA);
    await t.app.http.ready();
    await nats.nc.flush();

    await announce(contactId, 3, { callbackOffered: true });
    await expect.poll(() => api.textsTo(ANA)).toHaveLength(1);
    expect(sendRequests(ANA)[0]?.body).toMatchObject({
      touser: ANA, open_kfid: KF, msgtype: 'text',
      text: { content: `${positionText('en', 3, 240)} ${callbackOfferText('en', 'leave-number')}` },
    });
    expect(sendRequests(ANA)[0]?.body?.msgid).toMatch(/^[0-9a-zA-Z_-]{1,32}$/);

    await announce(contactId, 3, { callbackOffered: true }); // nothing new: not sent
    await announce(contactId, 2);
    await announce(contactId, 1); // the cap of 2 position texts
    await expect.poll(() => api.textsTo(ANA)).toHaveLength(2);
    expect(api.textsTo(ANA)[1]).toBe(positionText('en', 2, 240));

    const expired = routingEvent(contactId, { expired: { waitSeconds: 900, reason: 'MAX_WAIT', action: { kind: CustomerActionKind.CUSTOMER_ACTION_KIND_LEAVE_EMAIL, targetQueueId: '', message: [] } } });
    await publish(expired);
    await expect.poll(() => api.textsTo(ANA)).toHaveLength(3);
    expect(api.textsTo(ANA)[2]).toBe(actionText('en', 'MAX_WAIT', { kind: 'LEAVE_EMAIL' }));

    // The router's relay publishing the event again (a takeover) sends nothing more, and the
    // conversation is over: the customer's next message opens a new contact.
    await publish(expired);
    await announce(contactId, 1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(api.textsTo(ANA)).toHaveLength(3);
    expect(await t.conversations.current(customerKey({ source: 'kf', account: KF, customerId: ANA }))).toBeUndefined();
  });

  it('retries a rejected contact\'s text when WeChat is busy or rate-limited, sends it once, and gives up on a refusal for good', async () => {
    await pull([kfText('b1', BO, KF, '在吗？', nowSeconds()), kfText('a1', ANA, KF, 'hello', nowSeconds())]);
    const bo = await contactOf(BO);
    const ana = await contactOf(ANA);
    // Busy three times (the client's own retries), then rate-limited: the batch comes again.
    api.failSends.push(-1, -1, -1, 45009);
    await publish(routingEvent(bo, { rejected: { reason: 'CLOSED', action: { kind: CustomerActionKind.CUSTOMER_ACTION_KIND_MESSAGE, targetQueueId: '', message: [] } } }));
    await expect.poll(() => api.textsTo(BO), { timeout: 15_000 }).toHaveLength(1);
    // No notice told its language: WeChat's default, Chinese.
    expect(api.textsTo(BO)[0]).toBe(actionText('zh', 'CLOSED', { kind: 'MESSAGE' }));
    expect(sendRequests(BO)).toHaveLength(5);
    expect(new Set(sendRequests(BO).map((r) => r.body?.msgid)).size).toBe(1);

    // 95018: the session takes no API texts now. Not retried; a redelivery sends nothing.
    api.failSends.push(95018);
    const rejected = routingEvent(ana, { rejected: { reason: 'QUEUE_FULL', action: { kind: CustomerActionKind.CUSTOMER_ACTION_KIND_CALLBACK_OFFER, targetQueueId: '', message: [{ language: 'zh', text: '排队已满，请留下电话号码。' }] } } });
    await publish(rejected);
    await expect.poll(() => sendRequests(ANA)).toHaveLength(1);
    await publish(rejected);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(sendRequests(ANA)).toHaveLength(1);
    expect(api.textsTo(ANA)).toEqual([]);
  });

  it('leaves other channels\' events and unknown contacts alone', async () => {
    await pull([kfText('k9', ANA, KF, 'hi', nowSeconds())]);
    const contactId = await contactOf(ANA);
    await publish(
      routingEvent(contactId, { channel: Channel.CHANNEL_EMAIL, rejected: { reason: 'CLOSED' } }),
      routingEvent('0000000000000000000000000Z', { rejected: { reason: 'CLOSED' } }),
      routingEvent(contactId, { rejected: { reason: 'UNKNOWN_QUEUE' } }),
    );
    await announce('not-a-contact', 1);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(api.sent).toEqual([]);
  });
});
