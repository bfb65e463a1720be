import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ContactUpdateKind, type ContactRecord } from '@switchboard/contracts';
import { connectTestNats, createTestScope, type TestNats } from '@switchboard/testkit';
import { buildWeChatXml, createCallbackCrypto, type KfEvent, type KfMessage } from '@switchboard/wechat';
import { FakeKfApi, kfText } from '@switchboard/wechat/testing';
import { msgQuery, startTestApp, WORK, type TestApp } from './test-support.js';

const KF = 'wkAJ2GCAAASSm4_FhToWMFea0xAFfd3Q';
const ANA = 'wmAnaAAAAAAAAAAAAAAAAAAAAA';
const BO = 'wmBoBBBBBBBBBBBBBBBBBBBBBB';
const crypto = createCallbackCrypto({ token: WORK.token, encodingAesKey: WORK.aesKey, receiverId: WORK.corpId });

/** A kf system event as sync_msg lists it. */
function kfEvent(msgid: string, user: string, at: number, event: Omit<KfEvent, 'open_kfid' | 'external_userid'>): KfMessage {
  return { msgid, open_kfid: KF, send_time: at, origin: 4, msgtype: 'event', event: { open_kfid: KF, external_userid: user, ...event } };
}

const attr = (record: ContactRecord | undefined, key: string) => record?.update?.attributes.find((a) => a.key === key)?.value;

describe('kf service states become states of the same contact (fake WeChat API, real JetStream)', () => {
  let nats: TestNats;
  let api: FakeKfApi;
  let t: TestApp;
  let triggers = 0;

  beforeEach(async () => {
    const scope = createTestScope('kfstate');
    nats = await connectTestNats(scope);
    api = new FakeKfApi();
    t = await startTestApp(nats.nc, scope, {}, await api.start());
  });
  afterEach(async () => {
    await t.app.close();
    await api.stop();
    await nats.cleanup();
  });

  /** Serves `messages` as the next page and triggers a pull through the signed WeCom callback. */
  async function pull(cursor: string, messages: KfMessage[]): Promise<void> {
    const next = `c${++triggers}`;
    api.pages.set(cursor, { nextCursor: next, hasMore: false, messages });
    const encrypt = crypto.cipher.encrypt(buildWeChatXml({ ToUserName: WORK.corpId, CreateTime: 1_700_000_000 + triggers, MsgType: 'event', Event: 'kf_msg_or_event', Token: `tok${triggers}`, OpenKfId: KF }));
    const res = await t.app.http.inject({
      method: 'POST', url: `/wechat/work?${msgQuery(WORK.token, encrypt)}`, headers: { 'content-type': 'text/xml' },
      payload: `<xml><ToUserName><![CDATA[${WORK.corpId}]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt><AgentID>1</AgentID></xml>`,
    });
    expect(res.body).toBe('success');
    await t.app.kf?.idle();
  }

  it('follows new → agent → transfer → ended, then a new message after 4 opens a new contact at 0', async () => {
    await pull('', [
      kfEvent('e0', ANA, 1_700_000_000, { event_type: 'enter_session', scene: 'shop' }),
      kfText('k1', ANA, KF, 'where is my parcel?', 1_700_000_001),
      // WeChat lists the enter_session again (the session is still new): nothing to publish.
      kfEvent('e1', ANA, 1_700_000_002, { event_type: 'enter_session' }),
      kfEvent('e2', ANA, 1_700_000_010, { event_type: 'session_status_change', change_type: 1, new_servicer_userid: 'agent7' }),
    ]);
    await pull('c1', [
      kfEvent('e3', ANA, 1_700_000_020, { event_type: 'session_status_change', change_type: 2, old_servicer_userid: 'agent7', new_servicer_userid: 'agent8' }),
      kfEvent('e4', ANA, 1_700_000_030, { event_type: 'session_status_change', change_type: 3 }),
      kfText('k2', ANA, KF, 'one more thing', 1_700_000_040),
    ]);
    const records = await t.records();
    expect(records.map((r) => r.arrived ? 'arrived' : `${r.update?.kind}:${attr(r, 'contact.state')}`)).toEqual([
      'arrived',
      `${ContactUpdateKind.CONTACT_UPDATE_KIND_UNSPECIFIED}:CONTACT_STATE_CONNECTED`,
      `${ContactUpdateKind.CONTACT_UPDATE_KIND_UNSPECIFIED}:CONTACT_STATE_CONNECTED`,
      `${ContactUpdateKind.CONTACT_UPDATE_KIND_ENDED}:CONTACT_STATE_COMPLETED`,
      'arrived',
    ]);
    const first = records[0]?.arrived?.id;
    expect(records.slice(1, 4).every((r) => r.update?.contactId === first)).toBe(true);
    expect(records.slice(1, 4).map((r) => [attr(r, 'wechat.kf.previous_service_state'), attr(r, 'wechat.kf.service_state'), attr(r, 'wechat.kf.servicer_userid')]))
      .toEqual([['0', '3', 'agent7'], ['3', '3', 'agent8'], ['3', '4', undefined]]);
    expect(records[4]?.arrived?.id).not.toBe(first);
    expect(records[4]?.arrived?.summary).toBe('one more thing');
  });

  it('abandons a contact whose session ended before an agent took it, and ignores moves WeChat does not allow', async () => {
    await pull('', [
      kfText('b1', BO, KF, 'hello?', 1_700_000_000),
      kfEvent('f1', BO, 1_700_000_005, { event_type: 'session_status_change', change_type: 3 }),
      // A late event about the ended session, and an event for a customer with no conversation.
      kfEvent('f2', BO, 1_700_000_006, { event_type: 'session_status_change', change_type: 1, new_servicer_userid: 'agent7' }),
      kfEvent('f3', ANA, 1_700_000_007, { event_type: 'session_status_change', change_type: 3 }),
      kfEvent('f4', BO, 1_700_000_008, { event_type: 'servicer_status_change', servicer_userid: 'agent7', status: 1 }),
    ]);
    const records = await t.records();
    expect(records).toHaveLength(2);
    expect(records[1]?.update).toMatchObject({ contactId: records[0]?.arrived?.id, kind: ContactUpdateKind.CONTACT_UPDATE_KIND_ABANDONED });
    expect(attr(records[1], 'contact.state')).toBe('CONTACT_STATE_ABANDONED');
  });
});
