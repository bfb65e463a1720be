import { describe, expect, it } from 'vitest';
import {
  createCallbackCrypto,
  createMessageCipher,
  readInbound,
  sha1Signature,
  signatureMatches,
  verifyPlainSignature,
  WeChatProtocolError,
} from './index.js';

// Official Account safe mode, decryption: Tencent's official sample for 公众号消息加解密
// (WXBizMsgCrypt Python sample `Sample.py`, author jonyqin, 2014), found as
// charlesXu86/Chatbot_CN: Chatbot_Web/impl/weixin/Sample.py.
const OA = {
  token: 'spamtest',
  encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
  appId: 'wx2c2769f8efd9abc2',
  timestamp: '1409735669',
  nonce: '1320562132',
  msgSignature: '5d197aaffba7e9b25a30732f161a50dee96bd5fa',
  body:
    '<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName>' +
    '<CreateTime>1409735668</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[abcdteT]]></Content>' +
    '<MsgId>6054768590064713728</MsgId><Encrypt><![CDATA[hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=]]></Encrypt></xml>',
};

// Official Account safe mode, encryption with fixed random bytes: Tencent's official Java sample
// test `WXBizMsgCryptTest` (random "aaaabbbbccccdddd"), found as Wyl015/wuyiling:
// work-test/src/main/resources/Utils/aes/WXBizMsgCryptTest.java.
const OA_JAVA = {
  encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
  appId: 'wxb11529c136998cb6',
  random: 'aaaabbbbccccdddd',
  replyMsg: '我是中文abcd123',
  afterAesEncrypt: 'jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg==',
};

// WeCom: the official sample of sbzhu/weworkapi_python, callback/Sample.py (URL verification and
// a received message, CorpID ww1436e0e65a779aee).
const WECOM = {
  token: 'hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo',
  encodingAesKey: '6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt',
  corpId: 'ww1436e0e65a779aee',
  verify: {
    msgSignature: '012bc692d0a58dd4b10f8dfe5c4ac00ae211ebeb',
    timestamp: '1476416373',
    nonce: '47744683',
    echostr: 'fsi1xnbH4yQh0+PJxcOdhhK6TDXkjMyhEPA7xB2TGz6b+g7xyAbEkRxN/3cNXW9qdqjnoVzEtpbhnFyq6SVHyA==',
  },
  post: {
    msgSignature: '0c3914025cb4b4d68103f6bfc8db550f79dcf48e',
    timestamp: '1476422779',
    nonce: '1597212914',
    body:
      '<xml><ToUserName><![CDATA[ww1436e0e65a779aee]]></ToUserName>\n<Encrypt><![CDATA[Kl7kjoSf6DMD1zh7rtrHjFaDapSCkaOnwu3bqLc5tAybhhMl9pFeK8NslNPVdMwmBQTNoW4mY7AIjeLvEl3NyeTkAgGzBhzTtRLNshw2AEew+kkYcD+Fq72Kt00fT0WnN87hGrW8SqGc+NcT3mu87Ha3dz1pSDi6GaUA6A0sqfde0VJPQbZ9U+3JWcoD4Z5jaU0y9GSh010wsHF8KZD24YhmZH4ch4Ka7ilEbjbfvhKkNL65HHL0J6EYJIZUC2pFrdkJ7MhmEbU2qARR4iQHE7wy24qy0cRX3Mfp6iELcDNfSsPGjUQVDGxQDCWjayJOpcwocugux082f49HKYg84EpHSGXAyh+/oxwaWbvL6aSDPOYuPDGOCI8jmnKiypE+]]></Encrypt>\n<AgentID><![CDATA[1000002]]></AgentID>\n</xml>',
  },
};

// WeCom, the older document example: sbzhu/weworkapi_php, callback/Sample.php (CorpID
// wx5823bf96d3bd56c7), also in the WeCom "加解密方案说明" page.
const WECOM_PHP = {
  token: 'QDG6eK',
  encodingAesKey: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C',
  corpId: 'wx5823bf96d3bd56c7',
  verify: {
    msgSignature: '5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3',
    timestamp: '1409659589',
    nonce: '263014780',
    // As it arrives, URL-encoded: %2B must come back as "+", never as a space.
    echostrQuery: 'P9nAzCzyDtyTWESHep1vC5X9xho%2FqYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp%2B4RPcs8TgAE7OaBO%2BFZXvnaqQ%3D%3D',
  },
  post: {
    msgSignature: '477715d11cdb4164915debcba66cb864d751f3e6',
    timestamp: '1409659813',
    nonce: '1372623149',
    body:
      '<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName><Encrypt><![CDATA[RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==]]></Encrypt><AgentID><![CDATA[218]]></AgentID></xml>',
  },
};

describe("Tencent's published vectors", () => {
  it('Official Account safe mode: the sample message verifies and decrypts', () => {
    const crypto = createCallbackCrypto({ token: OA.token, encodingAesKey: OA.encodingAesKey, receiverId: OA.appId });
    const inner = crypto.open(OA, OA.body);
    expect(inner).toEqual({
      ToUserName: 'gh_10f6c3c3ac5a',
      FromUserName: 'oyORnuP8q7ou2gfYjqLzSIWZf0rs',
      CreateTime: '1409735668',
      MsgType: 'text',
      Content: 'abcdteT',
      MsgId: '6054768590064713728',
    });
    // The 64-bit MsgId is past Number.MAX_SAFE_INTEGER: it must stay a string.
    expect(readInbound(inner)).toMatchObject({ kind: 'message', msgId: '6054768590064713728', content: 'abcdteT' });
  });

  it('Official Account: encrypting with the sample random bytes gives the sample ciphertext', () => {
    const cipher = createMessageCipher({
      encodingAesKey: OA_JAVA.encodingAesKey,
      receiverId: OA_JAVA.appId,
      randomBytes: () => Buffer.from(OA_JAVA.random),
    });
    expect(cipher.encrypt(OA_JAVA.replyMsg)).toBe(OA_JAVA.afterAesEncrypt);
    expect(cipher.decrypt(OA_JAVA.afterAesEncrypt)).toBe(OA_JAVA.replyMsg);
  });

  it('Official Account: a forged signature or another AppID is refused', () => {
    const other = createCallbackCrypto({ token: OA.token, encodingAesKey: OA.encodingAesKey, receiverId: 'wx0000000000000000' });
    expect(() => other.open(OA, OA.body)).toThrow(expect.objectContaining({ code: 'WECHAT.RECEIVER_MISMATCH' }));
    const crypto = createCallbackCrypto({ token: OA.token, encodingAesKey: OA.encodingAesKey, receiverId: OA.appId });
    const forged = { ...OA, msgSignature: OA.msgSignature.replace(/^5/, '6') };
    expect(() => crypto.open(forged, OA.body)).toThrow(WeChatProtocolError);
    expect(() => crypto.open({ ...OA, nonce: '1320562133' }, OA.body)).toThrow(expect.objectContaining({ code: 'WECHAT.BAD_SIGNATURE' }));
  });

  it('WeCom: URL verification decrypts the echostr and the sample message verifies and decrypts', () => {
    const crypto = createCallbackCrypto({ token: WECOM.token, encodingAesKey: WECOM.encodingAesKey, receiverId: WECOM.corpId });
    expect(crypto.verifyUrl(WECOM.verify)).toBe('1288432023552776189');
    expect(crypto.open(WECOM.post, WECOM.post.body)).toEqual({
      ToUserName: 'ww1436e0e65a779aee',
      FromUserName: 'ChenJiaShun',
      CreateTime: '1476422779',
      MsgType: 'text',
      Content: '你好',
      MsgId: '1456453720',
      AgentID: '1000002',
    });
  });

  it('WeCom document example: the URL-encoded echostr keeps its "+" and decrypts', () => {
    const crypto = createCallbackCrypto({ token: WECOM_PHP.token, encodingAesKey: WECOM_PHP.encodingAesKey, receiverId: WECOM_PHP.corpId });
    const echostr = new URLSearchParams(`echostr=${WECOM_PHP.verify.echostrQuery}`).get('echostr') ?? '';
    expect(echostr).toContain('+');
    expect(crypto.verifyUrl({ ...WECOM_PHP.verify, echostr })).toBe('1616140317555161061');
    // The classic bug: a "+" read as a space breaks the signature.
    expect(() => crypto.verifyUrl({ ...WECOM_PHP.verify, echostr: echostr.replaceAll('+', ' ') })).toThrow(WeChatProtocolError);
    const inner = crypto.open(WECOM_PHP.post, WECOM_PHP.post.body);
    expect(readInbound(inner)).toEqual({
      kind: 'message',
      msgId: '4561255354251345929',
      fromUser: 'mycreate',
      toUser: 'wx5823bf96d3bd56c7',
      createTime: 1409659813,
      msgType: 'text',
      content: 'hello',
      agentId: '218',
    });
  });

  it('plain mode signature: SHA-1 of the sorted token, timestamp and nonce', () => {
    // Expected from coreutils: printf %s 1320562132 1409735669 spamtest | sha1sum
    const expected = '16120ec1b8dbb870f510d87ce6bc2463eae6ca1a';
    expect(sha1Signature([OA.token, OA.timestamp, OA.nonce])).toBe(expected);
    expect(() => verifyPlainSignature(OA.token, { signature: expected, timestamp: OA.timestamp, nonce: OA.nonce })).not.toThrow();
    expect(() => verifyPlainSignature(OA.token, { signature: expected, timestamp: '1409735670', nonce: OA.nonce })).toThrow(WeChatProtocolError);
    expect(signatureMatches(expected.toUpperCase(), [OA.token, OA.timestamp, OA.nonce])).toBe(true);
    expect(signatureMatches(expected.slice(1), [OA.token, OA.timestamp, OA.nonce])).toBe(false);
  });
});
