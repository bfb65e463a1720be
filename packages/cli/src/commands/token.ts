import type { Command } from 'commander';
import { readSecretEnv, SecretEnvError } from '@switchboard/bus';
import { ALL_TEAMS, DEFAULT_AUDIENCE, DEFAULT_ISSUER, ROLES, signToken, type Role } from '@switchboard/grpc-edge';
import { devSecretsFile, DevSecretsFileError, readDevSecret } from '../start/dev-secrets.js';
import { findRepoRoot } from '../start/repo-root.js';

interface TokenOptions {
  agent: string;
  role: string;
  ttl: string;
  domain?: string;
  teams?: string;
  json?: boolean;
  secretsFile?: string;
}

/** A token request the user got wrong, or no secret to sign with; the message says what to do. */
export class TokenError extends Error {
  override readonly name = 'TokenError';
}

/** The signing secret and where it came from (`env`, or the dev-secrets file's path). */
export interface JwtSecret {
  readonly secret: string;
  readonly from: string;
}

/**
 * The secret the services verify tokens with: `SWITCHBOARD_JWT_SECRET` (or the file
 * `SWITCHBOARD_JWT_SECRET_FILE` names, e.g. a deployment's generated one) when set (as `pnpm start`
 * also prefers it), else the development one `pnpm start` saved in `file`.
 * @throws TokenError when neither has one, it is too short to sign with, or its file cannot be read.
 */
export function resolveJwtSecret(env: NodeJS.ProcessEnv, file: string): JwtSecret {
  let fromEnv: string;
  try {
    fromEnv = readSecretEnv(env, 'SWITCHBOARD_JWT_SECRET') ?? '';
  } catch (error) {
    if (error instanceof SecretEnvError) throw new TokenError(error.message);
    throw error;
  }
  const from = env.SWITCHBOARD_JWT_SECRET_FILE ? env.SWITCHBOARD_JWT_SECRET_FILE : 'env';
  const found = fromEnv !== '' ? { secret: fromEnv, from } : (() => {
    const saved = readDevSecret(file, 'SWITCHBOARD_JWT_SECRET');
    return saved === undefined ? undefined : { secret: saved, from: file };
  })();
  if (!found) {
    throw new TokenError(`SWITCHBOARD_JWT_SECRET is not set and ${file} has no development secret: `
      + 'export the secret the agent gateway and queue service use, or run `pnpm start` once to generate one');
  }
  if (found.secret.length < 16) throw new TokenError(`the JWT secret from ${found.from} must be at least 16 characters`);
  return found;
}

/** What `token --json` prints. */
export interface MintedToken {
  readonly token: string;
  readonly subject: string;
  readonly role: Role;
  readonly domain: string;
  /** The supervisor's teams (`*` = every team of the domain); empty for other roles. */
  readonly teams: readonly string[];
  readonly expiresAt: string;
  /** `env` or the dev-secrets file the secret came from (never the secret). */
  readonly secretFrom: string;
}

/** What to sign: `domain` defaults to the services' (`SWITCHBOARD_DOMAIN`, else `default`); `teams` is a comma list. */
export interface TokenRequest {
  readonly subject: string;
  readonly role: string;
  readonly ttl: string;
  readonly domain?: string;
  readonly teams?: string;
}

const NAME = /^[^\s.*>,]{1,200}$/;

/**
 * The teams of a token: given ones for a supervisor (default `*`, every team of the domain, as a
 * development token for a whole site), none for other roles.
 * @throws TokenError for teams given to another role or a name that cannot be a team.
 */
function teamsOf(role: Role, text: string | undefined): string[] {
  if (text === undefined) return role === 'supervisor' ? [ALL_TEAMS] : [];
  if (role !== 'supervisor') throw new TokenError('--teams is for --role supervisor only');
  const teams = text.split(',').map((t) => t.trim()).filter(Boolean);
  if (teams.length === 0) throw new TokenError('--teams must name at least one team, or * for every team of the domain');
  for (const t of teams) if (t !== ALL_TEAMS && !NAME.test(t)) throw new TokenError(`--teams: "${t}" cannot be a team name`);
  return teams;
}

/**
 * Signs a token for `subject` in `role`, for a domain and (supervisors) teams, with the issuer and
 * audience the services expect (`SWITCHBOARD_JWT_ISSUER`, `SWITCHBOARD_JWT_AUDIENCE` in `env`,
 * else their defaults).
 * @throws TokenError for an unknown role, a malformed ttl, domain or teams.
 */
export async function mintToken(request: TokenRequest, secret: JwtSecret, env: NodeJS.ProcessEnv = process.env): Promise<MintedToken> {
  if (request.subject.trim() === '') throw new TokenError('--agent must not be empty');
  if (!(ROLES as readonly string[]).includes(request.role)) throw new TokenError(`--role must be one of ${ROLES.join(', ')}`);
  if (!/^\d+\s*(s|m|h|d|w)$/.test(request.ttl)) throw new TokenError('--ttl must look like 30m, 8h or 2d');
  const role = request.role as Role;
  const domain = request.domain ?? (env.SWITCHBOARD_DOMAIN || 'default');
  if (!NAME.test(domain)) throw new TokenError(`--domain: "${domain}" cannot be a domain (no dots, wildcards, commas or spaces)`);
  const teams = teamsOf(role, request.teams);
  const token = await signToken(secret.secret, {
    subject: request.subject, role, domain, ...(teams.length > 0 ? { teams } : {}), ttl: request.ttl,
    issuer: env.SWITCHBOARD_JWT_ISSUER?.trim() || DEFAULT_ISSUER, audience: env.SWITCHBOARD_JWT_AUDIENCE?.trim() || DEFAULT_AUDIENCE,
  });
  const { exp } = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp: number };
  return { token, subject: request.subject, role, domain, teams, expiresAt: new Date(exp * 1000).toISOString(), secretFrom: secret.from };
}

/**
 * `switchboard token --agent <id> [--role supervisor] [--domain d] [--teams a,b] [--ttl 8h] [--json]`:
 * prints a development bearer token (JWT HS256) for AgentService, QueueService and ops, signed with
 * the secret the services verify with (see {@link resolveJwtSecret}). Refuses to run without one
 * rather than sign with a default anyone could guess. Exit code 2 for a usage or secret problem.
 */
export function register(program: Command): void {
  program.command('token')
    .description('print a development bearer token for the gRPC services (SWITCHBOARD_JWT_SECRET, else the one pnpm start saved)')
    .requiredOption('--agent <id>', 'subject of the token: the agent id (or a client id for platform/ops)')
    .option('--role <role>', `one of ${ROLES.join(', ')}`, 'agent')
    .option('--ttl <duration>', 'lifetime, e.g. 30m, 8h, 2d', '8h')
    .option('--domain <id>', 'the tenant (routing domain) it acts in (default $SWITCHBOARD_DOMAIN, else default)')
    .option('--teams <list>', 'supervisor only: the teams it supervises, a,b (default *: every team of the domain)')
    .option('--secrets-file <path>', 'development secrets written by pnpm start (default .switchboard/dev-secrets.json of this checkout)')
    .option('--json', 'print {token, subject, role, domain, teams, expiresAt, secretFrom} as JSON')
    .action(async (options: TokenOptions, command: Command) => {
      try {
        const secret = resolveJwtSecret(process.env, options.secretsFile ?? devSecretsFile(findRepoRoot()));
        const minted = await mintToken({ subject: options.agent, role: options.role, ttl: options.ttl,
          ...(options.domain !== undefined ? { domain: options.domain } : {}), ...(options.teams !== undefined ? { teams: options.teams } : {}) }, secret);
        process.stdout.write(options.json ? `${JSON.stringify(minted)}\n` : `${minted.token}\n`);
      } catch (error) {
        if (error instanceof TokenError || error instanceof DevSecretsFileError) command.error(error.message, { exitCode: 2 });
        throw error;
      }
    });
}
