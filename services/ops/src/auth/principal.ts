import { permissionDenied } from '../errors.js';

/** The roles that may read ops: `supervisor` (sees contact attributes) and `ops` (read-only, redacted). */
export const OPS_READER_ROLES = ['supervisor', 'ops'] as const;

/** One of {@link OPS_READER_ROLES}. */
export type OpsReaderRole = (typeof OPS_READER_ROLES)[number];

/** Who is asking, however they came in (Bearer token, console session). */
export interface OpsPrincipal {
  readonly subject: string;
  /** As the token or the ID token says; checked by {@link authorize}. */
  readonly role: string;
  /** The routing domain (tenant) the credential was issued for. */
  readonly domain: string;
  readonly teams: readonly string[];
  /** How the caller came in. */
  readonly via: 'bearer' | 'oidc' | 'dev';
}

/** A caller {@link authorize} let in: their role is one that reads ops. */
export interface OpsReader extends OpsPrincipal {
  readonly role: OpsReaderRole;
}

/**
 * Lets a verified caller read this ops, as the gRPC edges do: `supervisor` and `ops` may,
 * `agent` and `platform` (and anything else) may not; a credential for another domain (tenant)
 * is refused whatever its role.
 * @throws OpsError PERMISSION_DENIED naming the role or domain needed.
 */
export function authorize(principal: OpsPrincipal, domain: string): OpsReader {
  if (principal.domain !== domain) {
    throw permissionDenied(`this credential is for domain "${principal.domain}"; this ops serves domain "${domain}"`);
  }
  if (!(OPS_READER_ROLES as readonly string[]).includes(principal.role)) {
    throw permissionDenied(`ops needs role ${OPS_READER_ROLES.join(' or ')}, not "${principal.role}"`);
  }
  return principal as OpsReader;
}
