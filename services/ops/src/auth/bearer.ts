// The one place ops uses @switchboard/grpc-edge's TokenVerifier: ops takes the same tokens as
// the gRPC edges (iss, aud, exp, domain required), and maps the verifier's refusals to its own.
import { status } from '@grpc/grpc-js';
import { RpcError, TokenVerifier, type TokenConfig } from '@switchboard/grpc-edge';
import { permissionDenied, unauthenticated, unavailable } from '../errors.js';
import type { OpsPrincipal } from './principal.js';

/** Verifies `authorization: Bearer <jwt>` headers. */
export interface BearerAuthenticator {
  /**
   * The caller of a request with this `authorization` header (undefined: none sent).
   * @throws OpsError UNAUTHENTICATED for no header, a malformed one, or a token that does not
   * verify (signature, expiry, issuer, audience, subject, role, domain claim); PERMISSION_DENIED
   * for another domain's token; UNAVAILABLE when the identity provider's JWKS does not answer.
   */
  authenticate(header: string | undefined): Promise<OpsPrincipal>;
}

/** A Bearer authenticator for the domain ops serves: another domain's token is refused. */
export function createBearerAuthenticator(tokens: TokenConfig, domain: string): BearerAuthenticator {
  const verifier = new TokenVerifier({ ...tokens, domain });
  return {
    async authenticate(header) {
      try {
        const principal = await verifier.authenticateAuthorization(header);
        return { subject: principal.subject, role: principal.role, domain: principal.domain, teams: [...principal.teams], via: 'bearer' };
      } catch (error) {
        if (error instanceof RpcError && error.code === status.UNAUTHENTICATED) throw unauthenticated(error.message);
        if (error instanceof RpcError && error.code === status.PERMISSION_DENIED) throw permissionDenied(error.message);
        if (error instanceof RpcError && error.code === status.UNAVAILABLE) throw unavailable(error.message);
        throw error;
      }
    },
  };
}
