import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectTestNats, createTestScope, type TestNats, type TestScope } from '@switchboard/testkit';
import { FakeKfApi, kfText } from '../testing/index.js';
import { KvCursorStore, WeChatApiClient, syncKfMessages, type KfMessage } from '../index.js';

const KF = 'wkAJ2GCAAASSm4_FhToWMFea0xAFfd3Q';

describe('kf sync against a fake WeChat API, cursor in JetStream KV', () => {
  let scope: TestScope;
  let nats: TestNats;
  let api: FakeKfApi;
  let client: WeChatApiClient;
  let bucket: string;
  let baseUrl: string;

  beforeEach(async () => {
    scope = createTestScope('kfsync');
    nats = await connectTestNats(scope);
    api = new FakeKfApi();
    baseUrl = await api.start();
    client = new WeChatApiClient({ baseUrl, corpId: 'ww1', secret: 'kf-secret' });
    bucket = `KF_CURSORS_${scope.id.toUpperCase()}`;
  });
  afterEach(async () => {
    await api.stop();
    await nats.cleanup();
  });

  it('walks every page, through an empty page with has_more=1, saving and reusing the cursor', async () => {
    api.pages.set('', { nextCursor: 'c1', hasMore: true, messages: [kfText('m1', 'wmUser1', KF, 'hi')] });
    api.pages.set('c1', { nextCursor: 'c2', hasMore: true, messages: [] });
    api.pages.set('c2', { nextCursor: 'c3', hasMore: false, messages: [kfText('m2', 'wmUser1', KF, 'again')] });
    const cursors = await KvCursorStore.open(nats.nc, bucket);
    const seen: KfMessage[] = [];
    const result = await syncKfMessages({ client, cursors, openKfid: KF, token: 'cbtoken', handle: async (m) => { seen.push(...m); } });
    expect(result).toEqual({ pages: 3, messages: 2, cursor: 'c3' });
    expect(seen.map((m) => m.msgid)).toEqual(['m1', 'm2']);
    expect(api.syncRequests().map((r) => r.body?.cursor)).toEqual([undefined, 'c1', 'c2']);
    expect(api.syncRequests().every((r) => r.body?.token === 'cbtoken' && r.body.open_kfid === KF)).toBe(true);

    // A restarted replica opens the same bucket and resumes from c3.
    const reopened = await KvCursorStore.open(nats.nc, bucket);
    expect(await reopened.get(KF)).toBe('c3');
    api.pages.set('c3', { nextCursor: 'c4', hasMore: false, messages: [kfText('m3', 'wmUser1', KF, 'third')] });
    seen.length = 0;
    await syncKfMessages({ client, cursors: reopened, openKfid: KF, handle: async (m) => { seen.push(...m); } });
    expect(seen.map((m) => m.msgid)).toEqual(['m3']);
    expect(api.tokensIssued).toBe(1);
  });

  it('keeps the cursor before a page whose handling failed, so the next pull re-reads it', async () => {
    api.pages.set('', { nextCursor: 'c1', hasMore: true, messages: [kfText('m1', 'wmUser1', KF, 'hi')] });
    api.pages.set('c1', { nextCursor: 'c2', hasMore: false, messages: [kfText('m2', 'wmUser1', KF, 'x')] });
    const cursors = await KvCursorStore.open(nats.nc, bucket);
    const failing = syncKfMessages({ client, cursors, openKfid: KF, handle: async (m) => { if (m[0]?.msgid === 'm2') throw new Error('bus down'); } });
    await expect(failing).rejects.toThrow('bus down');
    expect(await cursors.get(KF)).toBe('c1');
    const seen: string[] = [];
    await syncKfMessages({ client, cursors, openKfid: KF, handle: async (m) => { seen.push(...m.map((x) => x.msgid)); } });
    expect(seen).toEqual(['m2']);
  });

  it('fetches a new access token once when WeChat says the old one expired', async () => {
    const cursors = await KvCursorStore.open(nats.nc, bucket);
    await syncKfMessages({ client, cursors, openKfid: KF, handle: async () => undefined });
    api.expireTokens();
    await syncKfMessages({ client, cursors, openKfid: KF, handle: async () => undefined });
    expect(api.tokensIssued).toBe(2);
  });

  it('moves service states WeChat allows and refuses the others before calling', async () => {
    await client.transServiceState({ openKfid: KF, externalUserid: 'wmUser1', from: 0, to: 2 });
    await client.transServiceState({ openKfid: KF, externalUserid: 'wmUser1', from: 2, to: 3, servicerUserid: 'agent7' });
    expect(api.transitions).toEqual([
      { open_kfid: KF, external_userid: 'wmUser1', service_state: 2 },
      { open_kfid: KF, external_userid: 'wmUser1', service_state: 3, servicer_userid: 'agent7' },
    ]);
    await expect(client.transServiceState({ openKfid: KF, externalUserid: 'wmUser1', from: 3, to: 2 })).rejects.toThrow(RangeError);
    await expect(client.transServiceState({ openKfid: KF, externalUserid: 'wmUser1', from: 2, to: 3 })).rejects.toThrow(/servicerUserid/);
  });

  it('reports a wrong secret as a WeChatApiError with its errcode', async () => {
    const wrong = new WeChatApiClient({ baseUrl, corpId: 'ww1', secret: 'nope' });
    await expect(wrong.accessToken()).rejects.toMatchObject({ name: 'WeChatApiError', errcode: 40001 });
  });
});
