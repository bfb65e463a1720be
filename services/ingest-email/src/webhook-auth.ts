import type { FastifyRequest } from 'fastify';
import { AuthError, constantTimeEqual, hmacHex, type ReplayGuard } from '@switchboard/ingest-kit';

/** The signed stamp of a Mailgun-style webhook request, read from its headers. */
export interface MailgunStamp {
  readonly timestampSeconds: number;
  readonly token: string;
}

/** The ReplayGuard source of this webhook's tokens (one signing key per deployment). */
const SOURCE = 'email-webhook';

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Checks a Mailgun-style signature from the headers alone: `X-Mailgun-Signature` = hex
 * HMAC-SHA256 of timestamp + token with the signing key, and the timestamp within the guard's
 * window. Needs no body, so it runs before a byte of the body is read or parsed.
 * @throws AuthError('missing') → 401 when a header is absent; AuthError('invalid') → 403 for a
 * signature that does not verify or a timestamp outside the window.
 */
export function verifyMailgunHeaders(request: FastifyRequest, signingKey: string, guard: Pick<ReplayGuard, 'checkTimestamp'>): MailgunStamp {
  const timestamp = header(request, 'x-mailgun-timestamp');
  const token = header(request, 'x-mailgun-token');
  const signature = header(request, 'x-mailgun-signature');
  if (!timestamp || !token || !signature) throw new AuthError('missing', 'X-Mailgun-Timestamp, X-Mailgun-Token and X-Mailgun-Signature are required');
  if (!constantTimeEqual(signature.toLowerCase(), hmacHex('sha256', signingKey, timestamp + token))) {
    throw new AuthError('invalid', 'X-Mailgun-Signature does not verify with this service\'s signing key');
  }
  if (!/^\d{1,12}$/.test(timestamp)) throw new AuthError('invalid', 'X-Mailgun-Timestamp is not Unix seconds');
  guard.checkTimestamp(Number(timestamp));
  return { timestampSeconds: Number(timestamp), token };
}

/** True when the request carries a signature that verifies (for rate-limit keys; never throws). */
export function hasValidMailgunSignature(request: FastifyRequest, signingKey: string): boolean {
  const timestamp = header(request, 'x-mailgun-timestamp');
  const token = header(request, 'x-mailgun-token');
  const signature = header(request, 'x-mailgun-signature');
  return timestamp !== undefined && token !== undefined && signature !== undefined &&
    constantTimeEqual(signature.toLowerCase(), hmacHex('sha256', signingKey, timestamp + token));
}

/**
 * Admits a verified request's token once, bound to the body it came with.
 *
 * Mailgun's signature covers timestamp + token, not the body, so anyone who saw one signed
 * request could post the same three headers with a body of their own. A token used once is
 * therefore remembered (the ingest-kit ReplayGuard, a KV bucket expiring after twice the window)
 * together with the SHA-256 of the body it first came with:
 * - a token never seen: admitted;
 * - the token again with the same body: the platform's retry of one delivery (for instance after
 *   our 503 while NATS was away). It is admitted, and stays harmless because the message is
 *   deduplicated by its Message-ID; refusing it would lose a mail we never stored;
 * - the token again with another body: a replay with forged content, refused with 403, so a
 *   replayed signature can never publish a different body.
 * (ReplayGuard.admitOncePerBody keeps the token's binding to its body.)
 * @throws AuthError (403) for a token reused with another body; BusUnavailableError when the
 * bucket cannot be written now (503: the platform retries).
 */
export async function admitMailgunToken(guard: ReplayGuard, stamp: MailgunStamp, body: Uint8Array): Promise<void> {
  await guard.admitOncePerBody({ source: SOURCE, timestampSeconds: stamp.timestampSeconds, nonce: stamp.token }, body,
    'X-Mailgun-Token was already used with another body (replayed signature)');
}
