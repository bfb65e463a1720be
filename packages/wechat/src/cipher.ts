import { createCipheriv, createDecipheriv, randomBytes as nodeRandomBytes } from 'node:crypto';
import { WeChatErrorCode, WeChatProtocolError } from './errors.js';
import { pkcs7Pad, pkcs7Unpad } from './pkcs7.js';

/** Source of the 16 random bytes that open every plaintext; tests inject a fixed one. */
export type RandomBytes = (size: number) => Buffer;

/** Options of {@link createMessageCipher}. */
export interface MessageCipherOptions {
  /** The 43-character EncodingAESKey from the admin console. */
  readonly encodingAesKey: string;
  /** AppID (Official Account) or CorpID (WeCom, Customer Service), written after each message. */
  readonly receiverId: string;
  readonly randomBytes?: RandomBytes;
}

/** WeChat's message encryption (safe mode, WeCom, kf): base64 text in, UTF-8 text out. */
export interface MessageCipher {
  /** Encrypts `message` for WeChat; returns base64. */
  encrypt(message: string): string;
  /**
   * Decrypts a base64 `Encrypt` field and checks the receiver id.
   * @throws WeChatProtocolError `WECHAT.BAD_CIPHERTEXT` for anything undecodable,
   * `WECHAT.RECEIVER_MISMATCH` when the message was for another account.
   */
  decrypt(encrypted: string): string;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes the EncodingAESKey: base64 of 43 characters plus "=" gives the 32-byte AES-256 key.
 * @throws WeChatProtocolError `WECHAT.BAD_AES_KEY` when it is not 43 base64 characters.
 */
export function decodeAesKey(encodingAesKey: string): Buffer {
  if (encodingAesKey.length !== 43 || !BASE64.test(encodingAesKey)) {
    throw new WeChatProtocolError(WeChatErrorCode.badAesKey, 'EncodingAESKey must be 43 base64 characters');
  }
  return Buffer.from(`${encodingAesKey}=`, 'base64');
}

/**
 * Builds the cipher. Plaintext layout: 16 random bytes ‖ uint32 BE byte length ‖ message ‖
 * receiver id, PKCS#7-padded to 32 bytes, AES-256-CBC with IV = key[0..16].
 */
export function createMessageCipher(options: MessageCipherOptions): MessageCipher {
  const key = decodeAesKey(options.encodingAesKey);
  const iv = key.subarray(0, 16);
  const random = options.randomBytes ?? nodeRandomBytes;
  const receiverId = options.receiverId;

  return {
    encrypt(message) {
      const body = Buffer.from(message, 'utf8');
      const length = Buffer.alloc(4);
      length.writeUInt32BE(body.length, 0);
      const prefix = random(16);
      if (prefix.length !== 16) throw new RangeError('randomBytes must return 16 bytes');
      const plain = pkcs7Pad(Buffer.concat([prefix, length, body, Buffer.from(receiverId, 'utf8')]));
      const cipher = createCipheriv('aes-256-cbc', key, iv).setAutoPadding(false);
      return Buffer.concat([cipher.update(plain), cipher.final()]).toString('base64');
    },
    decrypt(encrypted) {
      const plain = unpadded(decryptRaw(key, iv, encrypted));
      const length = plain.readUInt32BE(16);
      if (20 + length > plain.length) throw bad('declared length exceeds the plaintext');
      const message = decodeUtf8(plain.subarray(20, 20 + length));
      const receiver = decodeUtf8(plain.subarray(20 + length));
      if (receiver !== receiverId) {
        throw new WeChatProtocolError(WeChatErrorCode.receiverMismatch, 'message is addressed to another receiver id');
      }
      return message;
    },
  };
}

function decryptRaw(key: Buffer, iv: Buffer, encrypted: string): Buffer {
  if (!BASE64.test(encrypted) || encrypted.length % 4 !== 0) throw bad('Encrypt is not base64');
  const data = Buffer.from(encrypted, 'base64');
  if (data.length === 0 || data.length % 16 !== 0) throw bad('ciphertext is not whole AES blocks');
  const decipher = createDecipheriv('aes-256-cbc', key, iv).setAutoPadding(false);
  return Buffer.concat([decipher.update(data), decipher.final()]);
}

function unpadded(data: Buffer): Buffer {
  const plain = pkcs7Unpad(data);
  // 16 random bytes and the 4-byte length at least; anything shorter was not made by WeChat.
  if (plain === undefined || plain.length < 20) throw bad('bad padding');
  return plain;
}

function decodeUtf8(bytes: Buffer): string {
  try {
    return utf8.decode(bytes);
  } catch (error) {
    throw bad('plaintext is not UTF-8', error);
  }
}

function bad(message: string, cause?: unknown): WeChatProtocolError {
  return new WeChatProtocolError(WeChatErrorCode.badCiphertext, message, { cause });
}
