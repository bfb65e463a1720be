import type { Command } from 'commander';
import { ROLES, signToken, type Role } from '@switchboard/grpc-edge';
import { devSecretsFile, DevSecretsFileError, readDevSecret } from '../start/dev-secrets.js';
import { findRepoRoot } from '../start/repo-root.js';

interface TokenOptions {
  agent: string;
  role: string;
  ttl: string;
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
 * The secret the services verify tokens with: `SWITCHBOARD_JWT_SECRET` when set (as `pnpm start`
 * also prefers it), else the development one `pnpm start` saved in `file`.
 * @throws TokenError when neither has one, or it is too short to sign with.
 */
export function resolveJwtSecret(env: NodeJS.ProcessEnv, file: string): JwtSecret {
  const fromEnv = env.SWITCHBOARD_JWT_SECRET ?? '';
  const found = fromEnv !== '' ? { secret: fromEnv, from: 'env' } : (() => {
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
  readonly expiresAt: string;
  /** `env` or the dev-secrets file the secret came from (never the secret). */
  readonly secretFrom: string;
}

/** Signs a token for `subject` in `role`. @throws TokenError for an unknown role or a malformed ttl. */
export async function mintToken(request: { subject: string; role: string; ttl: string }, secret: JwtSecret): Promise<MintedToken> {
  if (request.subject.trim() === '') throw new TokenError('--agent must not be empty');
  if (!(ROLES as readonly string[]).includes(request.role)) throw new TokenError(`--role must be one of ${ROLES.join(', ')}`);
  if (!/^\d+\s*(s|m|h|d|w)$/.test(request.ttl)) throw new TokenError('--ttl must look like 30m, 8h or 2d');
  const role = request.role as Role;
  const token = await signToken(secret.secret, { subject: request.subject, role, ttl: request.ttl });
  const { exp } = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp: number };
  return { token, subject: request.subject, role, expiresAt: new Date(exp * 1000).toISOString(), secretFrom: secret.from };
}

/**
 * `switchboard token --agent <id> [--role supervisor] [--ttl 8h] [--json]`: prints a development
 * bearer token (JWT HS256) for AgentService and QueueService, signed with the secret the
 * services verify with (see {@link resolveJwtSecret}). Refuses to run without one rather than
 * sign with a default anyone could guess. Exit code 2 for a usage or secret problem.
 */
export function register(program: Command): void {
  program.command('token')
    .description('print a development bearer token for the gRPC services (SWITCHBOARD_JWT_SECRET, else the one pnpm start saved)')
    .requiredOption('--agent <id>', 'subject of the token: the agent id (or a client id for platform/ops)')
    .option('--role <role>', `one of ${ROLES.join(', ')}`, 'agent')
    .option('--ttl <duration>', 'lifetime, e.g. 30m, 8h, 2d', '8h')
    .option('--secrets-file <path>', 'development secrets written by pnpm start (default .switchboard/dev-secrets.json of this checkout)')
    .option('--json', 'print {token, subject, role, expiresAt, secretFrom} as JSON')
    .action(async (options: TokenOptions, command: Command) => {
      try {
        const secret = resolveJwtSecret(process.env, options.secretsFile ?? devSecretsFile(findRepoRoot()));
        const minted = await mintToken({ subject: options.agent, role: options.role, ttl: options.ttl }, secret);
        process.stdout.write(options.json ? `${JSON.stringify(minted)}\n` : `${minted.token}\n`);
      } catch (error) {
        if (error instanceof TokenError || error instanceof DevSecretsFileError) command.error(error.message, { exitCode: 2 });
        throw error;
      }
    });
}
