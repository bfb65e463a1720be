import { SignJWT } from 'jose';

/** The Bearer secret the tests' ops verify with (the services' `SWITCHBOARD_JWT_SECRET`). */
export const OPS_JWT_SECRET = 'tests-ops-jwt-secret-0123456789';

/** What a test's in-process ops takes for `config.auth`: Bearer tokens only. */
export const OPS_TEST_AUTH = { jwtSecret: OPS_JWT_SECRET, sessionTtlSeconds: 600 } as const;

/**
 * `authorization: Bearer <jwt>` for ops: a token with sub, role, domain and exp, as the edges'
 * tokens carry them (HS256 over `secret`).
 */
export async function opsAuthorization(domain: string, role = 'supervisor', secret = OPS_JWT_SECRET): Promise<{ authorization: string }> {
  const token = await new SignJWT({ role, domain }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setSubject(`test-${role}`)
    .setIssuedAt().setExpirationTime('1h').sign(new TextEncoder().encode(secret));
  return { authorization: `Bearer ${token}` };
}
