import type { Metadata } from '@grpc/grpc-js';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { permissionDenied, unauthenticated } from './errors.js';

/** Who may call: desktops (`agent`), team leads (`supervisor`), operators (`ops`), contact platforms (`platform`). */
export const ROLES = ['agent', 'supervisor', 'ops', 'platform'] as const;

/** One of {@link ROLES}. */
export type Role = (typeof ROLES)[number];

/** The verified caller: `subject` is the token's `sub` (an agent id, or a client id). */
export interface Principal {
  readonly subject: string;
  readonly role: Role;
}

const ALGORITHM = 'HS256';
const encoder = new TextEncoder();

function keyOf(secret: string): Uint8Array {
  // HS256 with a short key is guessable offline from any token; refuse rather than sign weakly.
  if (secret.length < 16) throw new TypeError('SWITCHBOARD_JWT_SECRET must be at least 16 characters');
  return encoder.encode(secret);
}

/** Signs a bearer token (HS256) for `subject` in `role`, valid for `ttl` (jose duration, e.g. `8h`). */
export async function signToken(secret: string, claims: { subject: string; role: Role; ttl?: string | number }): Promise<string> {
  return new SignJWT({ role: claims.role })
    .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
    .setSubject(claims.subject)
    .setIssuedAt()
    .setExpirationTime(claims.ttl ?? '8h')
    .sign(keyOf(secret));
}

/** Tokens whose verification a verifier remembers at most (the least recently used are forgotten first). */
const MAX_VERIFIED_TOKENS = 10_000;

/**
 * Verifies bearer tokens against the shared secret. A desktop sends the same token with every
 * call, and an HMAC verification through WebCrypto (key import included) was ~11% of the agent
 * gateway's CPU in the end-to-end bench; so a token that verified is remembered by its exact text
 * (signature included) with its subject, role and expiry, and a later call with the same text is
 * only checked against the clock, exactly as jose checks `exp` (and `nbf`). Failures are never
 * remembered: a bad token is verified, and refused, every time.
 */
export class TokenVerifier {
  private readonly key: Uint8Array;
  private readonly verified = new Map<string, { principal: Principal; exp: number; nbf: number | undefined }>();
  private lastSweep = Number.NEGATIVE_INFINITY;

  /**
   * `maxRemembered` bounds the memory of verified tokens: each entry lives until its token's `exp`
   * (dropped when next presented after it) or until it is the least recently used beyond the cap.
   */
  constructor(
    secret: string,
    private readonly nowSeconds: () => number = () => Math.floor(Date.now() / 1000),
    private readonly maxRemembered = MAX_VERIFIED_TOKENS,
  ) {
    this.key = keyOf(secret);
  }

  /** How many verified tokens are remembered now (tests, metrics). */
  get remembered(): number {
    return this.verified.size;
  }

  /**
   * The caller of a gRPC call, from `authorization: Bearer <jwt>`.
   * @throws RpcError UNAUTHENTICATED when the header is missing or the token does not verify
   * (bad signature, expired, wrong algorithm, no `sub`, unknown `role`); the message says which
   * in words a desktop developer can act on, never the secret or the claims.
   */
  async authenticate(metadata: Metadata): Promise<Principal> {
    const [header] = metadata.get('authorization');
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header.trim()) : null;
    if (!match?.[1]) throw unauthenticated('authorization: Bearer <token> required');
    const token = match[1];
    const known = this.verified.get(token);
    if (known) {
      const now = this.nowSeconds();
      if (known.exp <= now) {
        this.verified.delete(token);
        throw unauthenticated('token expired');
      }
      if (known.nbf === undefined || known.nbf <= now) {
        // Most recently used last: the cap evicts tokens nobody presents any more, not busy desks.
        this.verified.delete(token);
        this.verified.set(token, known);
        return known.principal;
      }
    }
    try {
      const { payload } = await jwtVerify(token, this.key, { algorithms: [ALGORITHM], currentDate: new Date(this.nowSeconds() * 1000) });
      const role = payload.role;
      if (!payload.sub) throw unauthenticated('token has no subject');
      if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) throw unauthenticated('token has no known role');
      const principal: Principal = { subject: payload.sub, role: role as Role };
      // Only tokens that expire are remembered (a token without `exp` is verified every time).
      if (typeof payload.exp === 'number') {
        this.forgetExpired();
        this.verified.delete(token);
        this.verified.set(token, { principal, exp: payload.exp, nbf: typeof payload.nbf === 'number' ? payload.nbf : undefined });
        while (this.verified.size > this.maxRemembered) this.verified.delete(this.verified.keys().next().value!);
      }
      return principal;
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw unauthenticated('token expired');
      if (error instanceof joseErrors.JOSEError) throw unauthenticated('token does not verify');
      throw error;
    }
  }

  /**
   * Drops remembered tokens past their expiry, at most once a minute (when a new token is
   * remembered), so the memory follows the tokens in use rather than filling up to the cap.
   */
  private forgetExpired(): void {
    const now = this.nowSeconds();
    if (now - this.lastSweep < 60) return;
    this.lastSweep = now;
    for (const [token, entry] of this.verified) if (entry.exp <= now) this.verified.delete(token);
  }
}

/** @throws RpcError PERMISSION_DENIED unless the caller holds one of `roles`. */
export function requireRole(principal: Principal, roles: readonly Role[], what: string): void {
  if (!roles.includes(principal.role)) throw permissionDenied(`${what} needs role ${roles.join(' or ')}`);
}
