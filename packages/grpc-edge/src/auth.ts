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

/** Verifies bearer tokens against the shared secret. */
export class TokenVerifier {
  private readonly key: Uint8Array;

  constructor(secret: string) {
    this.key = keyOf(secret);
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
    try {
      const { payload } = await jwtVerify(match[1], this.key, { algorithms: [ALGORITHM] });
      const role = payload.role;
      if (!payload.sub) throw unauthenticated('token has no subject');
      if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) throw unauthenticated('token has no known role');
      return { subject: payload.sub, role: role as Role };
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw unauthenticated('token expired');
      if (error instanceof joseErrors.JOSEError) throw unauthenticated('token does not verify');
      throw error;
    }
  }
}

/** @throws RpcError PERMISSION_DENIED unless the caller holds one of `roles`. */
export function requireRole(principal: Principal, roles: readonly Role[], what: string): void {
  if (!roles.includes(principal.role)) throw permissionDenied(`${what} needs role ${roles.join(' or ')}`);
}
