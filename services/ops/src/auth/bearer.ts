// The one place ops uses @switchboard/grpc-edge's TokenVerifier. Written against today's API
// (`authenticate(metadata)` returning { subject, role }), with the `domain` and `teams` claims
// read here; when the verifier answers `authenticateAuthorization(header)` with
// { subject, role, domain, teams } (and checks iss/aud/exp/domain itself), this file shrinks to
// that call and the error mapping.
import { Metadata, status } from '@grpc/grpc-js';
import { decodeJwt } from 'jose';
import { RpcError, TokenVerifier } from '@switchboard/grpc-edge';
import { permissionDenied, unauthenticated } from '../errors.js';
import type { OpsPrincipal } from './principal.js';

/** Verifies `authorization: Bearer <jwt>` headers. */
export interface BearerAuthenticator {
  /**
   * The caller of a request with this `authorization` header (undefined: none sent).
   * @throws OpsError UNAUTHENTICATED for no header, a malformed one, or a token that does not
   * verify (signature, expiry, subject, role) or has no `domain` claim.
   */
  authenticate(header: string | undefined): Promise<OpsPrincipal>;
}

/** A Bearer authenticator over the edges' shared HS256 secret (`SWITCHBOARD_JWT_SECRET`). */
export function createBearerAuthenticator(secret: string): BearerAuthenticator {
  const verifier = new TokenVerifier(secret);
  return {
    async authenticate(header) {
      const metadata = new Metadata();
      if (header !== undefined) metadata.set('authorization', header);
      let principal;
      try {
        principal = await verifier.authenticate(metadata);
      } catch (error) {
        if (error instanceof RpcError && error.code === status.UNAUTHENTICATED) throw unauthenticated(error.message);
        if (error instanceof RpcError && error.code === status.PERMISSION_DENIED) throw permissionDenied(error.message);
        throw error;
      }
      // Verified above, so the payload is the one that was signed; decoding reads it again.
      const token = /^Bearer\s+(\S+)$/i.exec(header?.trim() ?? '')?.[1] ?? '';
      const claims = decodeJwt(token);
      // A token without a tenant could be replayed against any domain: refuse it as unverifiable.
      if (typeof claims.domain !== 'string' || claims.domain === '') throw unauthenticated('token has no domain claim');
      const teams = Array.isArray(claims.teams) ? claims.teams.filter((t): t is string => typeof t === 'string') : [];
      return { subject: principal.subject, role: principal.role, domain: claims.domain, teams, via: 'bearer' };
    },
  };
}
