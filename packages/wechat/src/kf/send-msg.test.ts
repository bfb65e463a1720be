import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KfSendFailure, WeChatSendError } from '../errors.js';
import { FakeKfApi } from '../testing/fake-kf-api.js';
import { KF_TEXT_MAX_BYTES, WeChatApiClient } from './api-client.js';

describe('WeChatApiClient.sendText (kf/send_msg against the fake API)', () => {
  let api: FakeKfApi;
  let client: WeChatApiClient;
  beforeEach(async () => {
    api = new FakeKfApi();
    client = new WeChatApiClient({ baseUrl: await api.start(), corpId: 'ww1', secret: 'kf-secret', busyRetryDelaysMs: [1, 1] });
  });
  afterEach(() => api.stop());

  it('posts touser, open_kfid, msgid and the text with the access token, and refreshes an expired token once', async () => {
    expect(await client.sendText('wkKF', 'wmUser', '您排在第2位。', { msgid: 'sb-1' })).toBe('sb-1');
    api.expireTokens();
    expect(await client.sendText('wkKF', 'wmUser', 'second')).toBe('fake-2');
    const sends = api.requests.filter((r) => r.path === '/cgi-bin/kf/send_msg');
    expect(sends[0]?.body).toEqual({ touser: 'wmUser', open_kfid: 'wkKF', msgid: 'sb-1', msgtype: 'text', text: { content: '您排在第2位。' } });
    expect(sends[0]?.query.access_token).toBe('token-1');
    expect(api.tokensIssued).toBe(2);
    expect(api.textsTo('wmUser')).toEqual(['您排在第2位。', 'second']);
  });

  it('retries "system busy" a few times, then names each failure and whether a retry can work', async () => {
    api.failSends.push(-1, -1);
    await expect(client.sendText('wkKF', 'wmUser', 'after busy')).resolves.toBe('fake-1');
    const failure = async (errcode: number) => {
      api.failSends.push(errcode, errcode, errcode);
      const error = await client.sendText('wkKF', 'wmUser', 'x').catch((e: unknown) => e);
      api.failSends.length = 0;
      expect(error).toBeInstanceOf(WeChatSendError);
      return { reason: (error as WeChatSendError).reason, retryable: (error as WeChatSendError).retryable, errcode: (error as WeChatSendError).errcode };
    };
    expect(await failure(95001)).toEqual({ reason: KfSendFailure.quotaExhausted, retryable: false, errcode: 95001 });
    expect(await failure(95018)).toEqual({ reason: KfSendFailure.sessionState, retryable: false, errcode: 95018 });
    expect(await failure(45009)).toEqual({ reason: KfSendFailure.rateLimited, retryable: true, errcode: 45009 });
    expect(await failure(-1)).toEqual({ reason: KfSendFailure.busy, retryable: true, errcode: -1 });
    expect(await failure(40058)).toEqual({ reason: KfSendFailure.refused, retryable: false, errcode: 40058 });
  });

  it('calls an unreachable API UNAVAILABLE, worth a retry', async () => {
    await api.stop();
    await expect(client.sendText('wkKF', 'wmUser', 'x')).rejects.toMatchObject({ name: 'WeChatSendError', reason: KfSendFailure.unavailable, retryable: true });
    api = new FakeKfApi();
    await api.start();
  });

  it('refuses what WeChat would refuse before calling: empty or over-long text, a malformed msgid', async () => {
    await expect(client.sendText('wkKF', 'wmUser', '  ')).rejects.toThrow(RangeError);
    await expect(client.sendText('wkKF', 'wmUser', '字'.repeat(KF_TEXT_MAX_BYTES / 3 + 1))).rejects.toThrow(/2048 bytes/);
    await expect(client.sendText('wkKF', 'wmUser', 'x', { msgid: 'has space' })).rejects.toThrow(/msgid/);
    expect(api.requests).toEqual([]);
  });

  it('stops at WeChat\'s quota like WeChat does (95001 after 5 texts)', async () => {
    for (let i = 0; i < 5; i++) await client.sendText('wkKF', 'wmUser', `t${i}`);
    await expect(client.sendText('wkKF', 'wmUser', 'sixth')).rejects.toMatchObject({ reason: KfSendFailure.quotaExhausted });
  });
});
