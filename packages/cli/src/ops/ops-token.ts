// How the CLI proves itself to ops: one place, signing as `switchboard token` does.
import { ALL_TEAMS, DEFAULT_AUDIENCE, DEFAULT_ISSUER, signToken } from '@switchboard/grpc-edge';
import { resolveJwtSecret, TokenError } from '../commands/token.js';
import { devSecretsFile } from '../start/dev-secrets.js';
import { findRepoRoot } from '../start/repo-root.js';

/**
 * The `authorization` header for ops: `SWITCHBOARD_OPS_TOKEN` when set (a token from your
 * identity provider or `switchboard token`), else a short-lived `supervisor` token for `domain`
 * signed with the development secret (`SWITCHBOARD_JWT_SECRET`, or the one `pnpm start` saved),
 * as `switchboard token` signs them. Undefined when neither exists: ops then says 401 itself.
 */
export async function opsAuthorization(env: NodeJS.ProcessEnv, domain: () => Promise<string>): Promise<string | undefined> {
  if (env.SWITCHBOARD_OPS_TOKEN) return `Bearer ${env.SWITCHBOARD_OPS_TOKEN}`;
  let secret;
  try {
    secret = resolveJwtSecret(env, devSecretsFile(findRepoRoot()));
  } catch (error) {
    if (error instanceof TokenError) return undefined;
    throw error;
  }
  const token = await signToken(secret.secret, {
    subject: env.USER ? `cli-${env.USER}` : 'cli', role: 'supervisor', domain: env.SWITCHBOARD_DOMAIN || (await domain()), teams: [ALL_TEAMS],
    issuer: env.SWITCHBOARD_JWT_ISSUER?.trim() || DEFAULT_ISSUER, audience: env.SWITCHBOARD_JWT_AUDIENCE?.trim() || DEFAULT_AUDIENCE, ttl: '5m',
  });
  return `Bearer ${token}`;
}
