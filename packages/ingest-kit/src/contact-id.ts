import { createHash } from 'node:crypto';
import type { Channel } from '@switchboard/contracts';
import { channelToken } from './channel.js';

/** Crockford's base32 alphabet, as ULID uses it (no I, L, O, U). */
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * Switchboard's id for the contact a platform knows as `channelKey` (Twilio CallSid, email
 * Message-ID, WeChat MsgId, chat session id) in `domain` on `channel`.
 *
 * The id is the first 128 bits of `sha256("<domain>\n<channelToken>\n<channelKey>")` written as
 * 26 Crockford base32 characters, so it has a ULID's shape (first character 0–7) and sorts and
 * stores like one, but it is NOT time-ordered: it is derived, never drawn. That is the point: a
 * platform retry, a redelivery and a later event of the same contact (a hang-up status callback,
 * a reply to an email) all compute the same id without any shared state between replicas.
 */
export function deterministicContactId(domain: string, channel: Channel, channelKey: string): string {
  if (domain.length === 0 || channelKey.length === 0) {
    throw new TypeError('a contact id needs a domain and a channel key');
  }
  const digest = createHash('sha256').update(`${domain}\n${channelToken(channel)}\n${channelKey}`, 'utf8').digest();
  return encodeBase32(digest.subarray(0, 16));
}

/** Encodes 16 bytes as 26 base32 characters, most significant bits first (two leading zero bits). */
function encodeBase32(bytes: Uint8Array): string {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  let out = '';
  for (let i = 0; i < 26; i++) {
    out = CROCKFORD.charAt(Number(value & 31n)) + out;
    value >>= 5n;
  }
  return out;
}

/** Whether `id` has the shape of a Switchboard contact id (26 Crockford base32 characters). */
export function isContactId(id: string): boolean {
  return /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/.test(id);
}
