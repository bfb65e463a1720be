import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Compares two secrets or signatures in time independent of where they differ. Both sides are
 * hashed first so that their lengths do not leak either (`timingSafeEqual` throws on unequal
 * lengths, and an early length check is itself a timing signal).
 */
export function constantTimeEqual(a: string | Uint8Array, b: string | Uint8Array): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb) && Buffer.byteLength(a) === Buffer.byteLength(b);
}

/** HMAC of `data` with `key`, hex-encoded lower case (Mailgun, generic webhooks). */
export function hmacHex(algorithm: 'sha1' | 'sha256', key: string, data: string | Uint8Array): string {
  return createHmac(algorithm, key).update(data).digest('hex');
}

/** HMAC of `data` with `key`, base64-encoded (Twilio). */
export function hmacBase64(algorithm: 'sha1' | 'sha256', key: string, data: string | Uint8Array): string {
  return createHmac(algorithm, key).update(data).digest('base64');
}

/**
 * Reads `Authorization: Bearer <token>` (case-insensitive scheme); `undefined` when absent or
 * another scheme.
 */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}
