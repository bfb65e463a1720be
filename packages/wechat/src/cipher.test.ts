import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createMessageCipher, decodeAesKey, pkcs7Pad, pkcs7Unpad, WeChatProtocolError } from './index.js';

const KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const cipher = createMessageCipher({ encodingAesKey: KEY, receiverId: 'wx2c2769f8efd9abc2' });

/** A string of exactly `bytes` UTF-8 bytes mixing 1-, 2-, 3- and 4-byte characters. */
function utf8OfLength(bytes: number, seed: number): string {
  const pieces = ['a', 'é', '中', '😀'];
  let out = '';
  let left = bytes;
  let i = seed;
  while (left > 0) {
    const piece = pieces[i++ % pieces.length] ?? 'a';
    const size = Buffer.byteLength(piece);
    out += size <= left ? piece : 'a';
    left -= size <= left ? size : 1;
  }
  return out;
}

describe('message cipher', () => {
  it('round-trips messages of every byte length from 0 to 300, ASCII and multi-byte', () => {
    for (let length = 0; length <= 300; length++) {
      for (const text of ['x'.repeat(length), utf8OfLength(length, length)]) {
        expect(Buffer.byteLength(text)).toBe(length);
        const encrypted = cipher.encrypt(text);
        // 20 bytes of header plus the receiver id, padded to whole 32-byte blocks.
        expect(Buffer.from(encrypted, 'base64').length % 32).toBe(0);
        expect(cipher.decrypt(encrypted)).toBe(text);
      }
    }
  });

  it('round-trips arbitrary Unicode (property)', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
      const wellFormed = Buffer.from(text, 'utf8').toString('utf8'); // lone surrogates → U+FFFD
      expect(cipher.decrypt(cipher.encrypt(wellFormed))).toBe(wellFormed);
    }), { numRuns: 100 });
  });

  it('pads with 1..32 bytes, never 0, to a multiple of 32', () => {
    for (let length = 0; length <= 96; length++) {
      const padded = pkcs7Pad(Buffer.alloc(length, 7));
      const n = padded.length - length;
      expect(padded.length % 32).toBe(0);
      expect(n).toBeGreaterThanOrEqual(1);
      expect(n).toBeLessThanOrEqual(32);
      expect(pkcs7Unpad(padded)?.length).toBe(length);
    }
    expect(pkcs7Unpad(Buffer.from([1, 2, 3, 0]))).toBeUndefined();
    expect(pkcs7Unpad(Buffer.from([1, 2, 3, 33]))).toBeUndefined();
    expect(pkcs7Unpad(Buffer.from([9, 3, 3, 3]))).toEqual(Buffer.from([9]));
    expect(pkcs7Unpad(Buffer.from([1, 2, 3, 2, 3]))).toBeUndefined();
  });

  it('refuses junk ciphertext with WECHAT.BAD_CIPHERTEXT and never anything else', () => {
    fc.assert(fc.property(fc.oneof(fc.string(), fc.base64String({ maxLength: 400 }), fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('base64'))), (junk) => {
      try {
        cipher.decrypt(junk);
      } catch (error) {
        expect(error).toBeInstanceOf(WeChatProtocolError);
        expect(['WECHAT.BAD_CIPHERTEXT', 'WECHAT.RECEIVER_MISMATCH']).toContain((error as WeChatProtocolError).code);
        return;
      }
      // A random block decrypting to a well-formed message for this very receiver is not expected.
      throw new Error('junk decrypted');
    }), { numRuns: 300 });
  });

  it('refuses a message for another receiver id', () => {
    const other = createMessageCipher({ encodingAesKey: KEY, receiverId: 'ww_other' });
    expect(() => cipher.decrypt(other.encrypt('hi'))).toThrow(expect.objectContaining({ code: 'WECHAT.RECEIVER_MISMATCH' }));
  });

  it('needs a 43-character EncodingAESKey', () => {
    expect(decodeAesKey(KEY)).toHaveLength(32);
    expect(() => decodeAesKey(KEY.slice(1))).toThrow(expect.objectContaining({ code: 'WECHAT.BAD_AES_KEY' }));
    expect(() => decodeAesKey(`${KEY.slice(1)}!`)).toThrow(WeChatProtocolError);
  });
});
