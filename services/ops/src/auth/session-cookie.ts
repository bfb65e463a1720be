import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { ConsoleSession, SessionStore } from './session-store.js';

/** The console's session cookie (signed; its value is the session id, see {@link SessionStore}). */
export const SESSION_COOKIE = 'sb_ops_session';

/** Constant-time equality of two strings (different lengths are simply unequal). */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The session of a request's cookie, when it is signed by us and still live in Redis. */
export async function sessionOf(request: FastifyRequest, sessions: SessionStore | undefined): Promise<{ id: string; session: ConsoleSession } | undefined> {
  const raw = request.cookies[SESSION_COOKIE];
  if (!raw || !sessions) return undefined;
  const unsigned = request.unsignCookie(raw);
  if (!unsigned.valid || !unsigned.value) return undefined;
  const session = await sessions.get(unsigned.value);
  return session ? { id: unsigned.value, session } : undefined;
}

