import { createHmac, randomBytes } from 'node:crypto';
import { constantTimeEqual, hmacHex } from '@switchboard/ingest-kit';

/** A new session id: 128 random bits, base64url, safe as a KV key, subject token and URL segment. */
export function newSessionId(): string {
  return `cs_${randomBytes(16).toString('base64url')}`;
}

/**
 * The visitor's token for a session: HMAC-SHA256 of the session id with `CHAT_SESSION_SECRET`.
 * Stateless, so any replica verifies it; it grants that one session only.
 */
export function sessionToken(secret: string, sessionId: string): string {
  return createHmac('sha256', secret).update(sessionId, 'utf8').digest('base64url');
}

/** True when `token` is the token of `sessionId`, compared in constant time. */
export function verifySessionToken(secret: string, sessionId: string, token: string): boolean {
  return constantTimeEqual(sessionToken(secret, sessionId), token);
}

/**
 * True when `hash` is HMAC-SHA256(identifier) with the inbox's `CHAT_IDENTITY_SECRET`, hex: the
 * site's backend signs its logged-in customer's id so a visitor cannot claim someone else's.
 */
export function verifyIdentifierHash(secret: string, identifier: string, hash: string): boolean {
  return constantTimeEqual(hmacHex('sha256', secret, identifier), hash.toLowerCase());
}
