import { createHash, timingSafeEqual } from 'node:crypto';
import { WeChatErrorCode, WeChatProtocolError } from './errors.js';

/**
 * WeChat's signature: lowercase hex SHA-1 of the parts sorted lexicographically (by UTF-16 code
 * unit, like the official samples' `sort()`) and concatenated. Plain mode signs
 * `[token, timestamp, nonce]`; safe mode and WeCom sign `[token, timestamp, nonce, encrypt]`.
 */
export function sha1Signature(parts: readonly string[]): string {
  return createHash('sha1').update([...parts].sort().join(''), 'utf8').digest('hex');
}

/** True when `received` equals the signature of `parts`, compared in constant time. */
export function signatureMatches(received: string, parts: readonly string[]): boolean {
  const expected = Buffer.from(sha1Signature(parts), 'utf8');
  const actual = Buffer.from(received.toLowerCase(), 'utf8');
  // timingSafeEqual needs equal lengths; a length mismatch reveals only that it is not 40 hex digits.
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/**
 * Checks a plain-mode signature (`?signature&timestamp&nonce`).
 * @throws WeChatProtocolError `WECHAT.BAD_SIGNATURE` when it does not match.
 */
export function verifyPlainSignature(token: string, q: { signature: string; timestamp: string; nonce: string }): void {
  if (!signatureMatches(q.signature, [token, q.timestamp, q.nonce])) {
    throw new WeChatProtocolError(WeChatErrorCode.badSignature, 'signature does not match');
  }
}

/**
 * Checks a `msg_signature` over the Encrypt text exactly as received.
 * @throws WeChatProtocolError `WECHAT.BAD_SIGNATURE` when it does not match.
 */
export function verifyMsgSignature(
  token: string,
  q: { msgSignature: string; timestamp: string; nonce: string },
  encrypt: string,
): void {
  if (!signatureMatches(q.msgSignature, [token, q.timestamp, q.nonce, encrypt])) {
    throw new WeChatProtocolError(WeChatErrorCode.badSignature, 'msg_signature does not match');
  }
}
