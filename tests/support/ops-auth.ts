import { DEFAULT_AUDIENCE, DEFAULT_ISSUER, signToken, type Role } from '@switchboard/grpc-edge';

/** The Bearer secret the tests' ops verify with (the services' `SWITCHBOARD_JWT_SECRET`). */
export const OPS_JWT_SECRET = 'tests-ops-jwt-secret-0123456789';

/** What a test's in-process ops takes for `config.auth`: Bearer tokens only. */
export const OPS_TEST_AUTH = { tokens: { secret: OPS_JWT_SECRET, issuer: DEFAULT_ISSUER, jwksIssuer: DEFAULT_ISSUER, audience: DEFAULT_AUDIENCE }, sessionTtlSeconds: 600 } as const;

/**
 * `authorization: Bearer <jwt>` for ops: a token with sub, role, domain and exp, as the edges'
 * tokens carry them (HS256 over `secret`).
 */
export async function opsAuthorization(domain: string, role = 'supervisor', secret = OPS_JWT_SECRET): Promise<{ authorization: string }> {
  const token = await signToken(secret, { subject: `test-${role}`, role: role as Role, domain, ...(role === 'supervisor' ? { teams: ['*'] } : {}), ttl: '1h' });
  return { authorization: `Bearer ${token}` };
}
