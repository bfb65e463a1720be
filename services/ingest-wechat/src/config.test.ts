import { describe, expect, it } from 'vitest';
import { IngestConfigError } from '@switchboard/ingest-kit';
import { loadWeChatConfig } from './config.js';
import { parseRawQuery, requireQuery } from './raw-query.js';

const KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';

describe('WeChat config', () => {
  it('serves an account kind only when its token is set, and refuses half configurations', () => {
    expect(loadWeChatConfig({})).toEqual({});
    expect(loadWeChatConfig({ WECHAT_OA_TOKEN: 't' })).toEqual({ oa: { token: 't' } });
    expect(loadWeChatConfig({ WECHAT_OA_TOKEN: 't', WECHAT_OA_AES_KEY: KEY, WECHAT_OA_APPID: 'wx1' }).oa).toEqual({ token: 't', aesKey: KEY, appId: 'wx1' });
    expect(() => loadWeChatConfig({ WECHAT_OA_TOKEN: 't', WECHAT_OA_AES_KEY: KEY })).toThrow(IngestConfigError);
    expect(() => loadWeChatConfig({ WECHAT_WORK_TOKEN: 't', WECHAT_WORK_CORPID: 'ww' })).toThrow(IngestConfigError);
    expect(() => loadWeChatConfig({ WECHAT_WORK_TOKEN: 't', WECHAT_WORK_AES_KEY: 'short', WECHAT_WORK_CORPID: 'ww' })).toThrow(/EncodingAESKey/);
    const work = loadWeChatConfig({ WECHAT_WORK_TOKEN: 't', WECHAT_WORK_AES_KEY: KEY, WECHAT_WORK_CORPID: 'ww', WECHAT_KF_SECRET: 's' }).work;
    expect(work).toEqual({ token: 't', aesKey: KEY, corpId: 'ww', kfSecret: 's', apiBase: 'https://qyapi.weixin.qq.com' });
  });
});

describe('kf pacing', () => {
  it('takes the cap and interval with defaults for the other, and refuses a cap that leaves no text for the exception', () => {
    expect(loadWeChatConfig({ WECHAT_KF_MAX_POSITION_TEXTS: '2' }).kfPacing).toEqual({ maxPositionTexts: 2, minIntervalMs: 300_000 });
    expect(loadWeChatConfig({ WECHAT_KF_POSITION_INTERVAL_SECONDS: '60' }).kfPacing).toEqual({ maxPositionTexts: 3, minIntervalMs: 60_000 });
    expect(() => loadWeChatConfig({ WECHAT_KF_MAX_POSITION_TEXTS: '5' })).toThrow(/WECHAT_KF_MAX_POSITION_TEXTS must be an integer from 1 to 4/);
    expect(() => loadWeChatConfig({ WECHAT_KF_POSITION_INTERVAL_SECONDS: '1.5' })).toThrow(IngestConfigError);
  });
});

describe('raw query parsing', () => {
  it('keeps a literal "+" (form decoding would make it a space) and decodes %2B', () => {
    expect(parseRawQuery('/x?echostr=a+b%2Bc%3D%3D&n=1')).toEqual({ echostr: 'a+b+c==', n: '1' });
  });

  it('keeps the first of a repeated name and names broken encodings', () => {
    expect(parseRawQuery('/x?a=1&a=2&b')).toEqual({ a: '1', b: '' });
    expect(() => parseRawQuery('/x?nonce=%E0%A4%A')).toThrow(expect.objectContaining({ field: 'nonce', rule: 'percent_encoding' }));
    expect(() => requireQuery(parseRawQuery('/x?timestamp='), ['timestamp'])).toThrow(expect.objectContaining({ field: 'timestamp', rule: 'required' }));
  });
});
