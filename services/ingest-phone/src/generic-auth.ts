import type { FastifyRequest } from 'fastify';
import { AuthError, bearerToken, constantTimeEqual, hmacHex, type ReplayGuard, type SignedRequestStamp } from '@switchboard/ingest-kit';

/** Header carrying `sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">` keyed by `PHONE_WEBHOOK_SECRET`. */
export const SIGNATURE_HEADER = 'x-switchboard-signature';
/** Header carrying the signed Unix time in seconds; it must be within the replay window of our clock. */
export const TIMESTAMP_HEADER = 'x-switchboard-timestamp';
/** The rate-limit source of every request this credential authenticates (one credential, one gateway). */
export const GENERIC_SOURCE = 'phone:generic';

declare module 'fastify' {
  interface FastifyRequest {
    /** A verified HMAC request's timestamp and one-time value; absent for bearer requests. */
    phoneStamp?: SignedRequestStamp;
  }
}

/**
 * `sha256=` + hex HMAC-SHA256 of `<timestamp>.<raw body>` under the secret: what a generic
 * telephony platform sends in {@link SIGNATURE_HEADER}, with the same `timestamp` in
 * {@link TIMESTAMP_HEADER}. Signing the timestamp binds it to the body, so an old request cannot be
 * made new by changing its header.
 */
export function signGenericRequest(secret: string, timestampSeconds: number | string, body: string | Uint8Array): string {
  return `sha256=${hmacHex('sha256', secret, Buffer.concat([Buffer.from(`${timestampSeconds}.`), Buffer.from(body)]))}`;
}

/**
 * Verifies a generic webhook before its body is parsed: either an HMAC over the timestamp and
 * the raw body (preferred: the secret never travels, and a copied request expires with the
 * window), or `Authorization: Bearer <secret>` (for platforms that cannot sign; TLS must hide
 * it, and a resend is then caught only by the call id's deduplication).
 * @throws AuthError('missing') → 401 (no credential, or a signature without its timestamp),
 *   AuthError('invalid') → 403 (a signature or secret that does not verify, a timestamp outside the window).
 */
export function verifyGenericRequest(request: FastifyRequest, raw: Buffer, secret: string, guard: ReplayGuard): void {
  const signature = request.headers[SIGNATURE_HEADER];
  if (typeof signature === 'string') {
    const timestamp = request.headers[TIMESTAMP_HEADER];
    if (typeof timestamp !== 'string' || !/^\d{1,12}$/.test(timestamp.trim())) {
      throw new AuthError('missing', `${TIMESTAMP_HEADER} (Unix seconds) required with ${SIGNATURE_HEADER}, which signs "<timestamp>.<body>"`);
    }
    const presented = signature.trim().toLowerCase();
    if (!constantTimeEqual(presented, signGenericRequest(secret, timestamp.trim(), raw))) throw new AuthError('invalid', 'signature does not match');
    const timestampSeconds = Number(timestamp.trim());
    guard.checkTimestamp(timestampSeconds);
    // The signature is the one-time value: another body or another second signs differently.
    request.phoneStamp = { source: GENERIC_SOURCE, timestampSeconds, nonce: presented };
    request.ingestSource = GENERIC_SOURCE;
    return;
  }
  const token = bearerToken(request.headers.authorization);
  if (token === undefined) throw new AuthError('missing', `send ${SIGNATURE_HEADER} with ${TIMESTAMP_HEADER}, or Authorization: Bearer`);
  if (!constantTimeEqual(token, secret)) throw new AuthError('invalid', 'credential does not match');
  request.ingestSource = GENERIC_SOURCE;
}
