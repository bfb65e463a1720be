import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { OpsPrincipal } from './principal.js';

/** A console session as Redis keeps it: who logged in, how, and the token their non-GET requests must echo. */
export interface ConsoleSession {
  readonly principal: OpsPrincipal;
  /** Double-submit CSRF token: sent back in `x-csrf-token` by anything that is not a GET. */
  readonly csrf: string;
  /** The ID token, for the provider's logout (`id_token_hint`); absent for the dev login. */
  readonly idToken?: string;
  readonly expiresAtMs: number;
}

/**
 * Console sessions in Redis, keyed by a hash of a random 256-bit id the browser holds in a signed
 * HttpOnly cookie. Server-side rather than in the cookie so logout ends a session everywhere (a
 * copied cookie is worthless after it) and ops replicas share them; the TTL bounds them, and a
 * session is never extended by use. The key holds only the hash, so reading Redis gives no cookie.
 */
export class SessionStore {
  private readonly prefix: string;

  constructor(private readonly redis: Redis, options: { domain: string; ttlSeconds: number; keyPrefix?: string }) {
    this.prefix = `${options.keyPrefix ?? 'ops:'}{d:${options.domain}}:s:`;
    this.ttlSeconds = options.ttlSeconds;
  }

  readonly ttlSeconds: number;

  /** Starts a session; resolves the id for the cookie. */
  async create(principal: OpsPrincipal, idToken?: string): Promise<{ id: string; session: ConsoleSession }> {
    const id = randomBytes(32).toString('base64url');
    const session: ConsoleSession = { principal, csrf: randomBytes(24).toString('base64url'), ...(idToken ? { idToken } : {}),
      expiresAtMs: Date.now() + this.ttlSeconds * 1000 };
    await this.redis.set(this.key(id), JSON.stringify(session), 'EX', this.ttlSeconds);
    return { id, session };
  }

  /** The live session of `id`, or undefined (unknown, logged out, expired). */
  async get(id: string): Promise<ConsoleSession | undefined> {
    const text = await this.redis.get(this.key(id));
    if (!text) return undefined;
    const session = JSON.parse(text) as ConsoleSession;
    return session.expiresAtMs > Date.now() ? session : undefined;
  }

  /** Ends a session (logout). */
  async delete(id: string): Promise<void> {
    await this.redis.del(this.key(id));
  }

  private key(id: string): string {
    return this.prefix + createHash('sha256').update(id).digest('base64url');
  }
}
