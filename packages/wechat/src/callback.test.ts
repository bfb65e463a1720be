import { describe, expect, it } from 'vitest';
import { buildWeChatXml, createCallbackCrypto, requireExactField, sha1Signature, WeChatProtocolError } from './index.js';

const ACCOUNT = { token: 'QDG6eK', encodingAesKey: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C', receiverId: 'wx5823bf96d3bd56c7' };
const crypto = createCallbackCrypto(ACCOUNT);
const query = (encryptAsSigned: string) => ({ timestamp: '1409659813', nonce: '1372623149', msgSignature: sha1Signature([ACCOUNT.token, '1409659813', '1372623149', encryptAsSigned]) });
const envelope = (encryptAsSent: string) => `<xml><ToUserName><![CDATA[${ACCOUNT.receiverId}]]></ToUserName><Encrypt><![CDATA[${encryptAsSent}]]></Encrypt></xml>`;

describe('callback signature covers the Encrypt text exactly as received', () => {
  const inner = buildWeChatXml({ FromUserName: 'u', MsgType: 'text', Content: 'hi' });
  const encrypt = crypto.cipher.encrypt(inner);

  it('verifies and decrypts an Encrypt with blanks that were signed with them', () => {
    for (const sent of [encrypt, ` ${encrypt}`, `${encrypt}\n`, `\n  ${encrypt}  \n`]) {
      expect(crypto.open(query(sent), envelope(sent))).toMatchObject({ Content: 'hi' });
    }
  });

  it('refuses a body whose Encrypt differs from what was signed, even only by blanks', () => {
    // Signed without the blank, received with it (or the other way round): not what was signed.
    expect(() => crypto.open(query(encrypt), envelope(`${encrypt} `))).toThrow(expect.objectContaining({ code: 'WECHAT.BAD_SIGNATURE' }));
    expect(() => crypto.open(query(` ${encrypt}`), envelope(encrypt))).toThrow(expect.objectContaining({ code: 'WECHAT.BAD_SIGNATURE' }));
  });

  it('reads exact fields untrimmed and refuses blank ones', () => {
    expect(requireExactField({ Encrypt: ' a\n' }, 'Encrypt')).toBe(' a\n');
    expect(() => requireExactField({ Encrypt: ' \n' }, 'Encrypt')).toThrow(WeChatProtocolError);
    expect(() => requireExactField({}, 'Encrypt')).toThrow(/Encrypt is missing/);
  });
});
