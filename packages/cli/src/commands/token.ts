import type { Command } from 'commander';
import { ROLES, signToken, type Role } from '@switchboard/grpc-edge';

interface TokenOptions {
  agent: string;
  role: string;
  ttl: string;
}

/**
 * `switchboard token --agent <id> [--role supervisor] [--ttl 8h]`: prints a development bearer
 * token (JWT HS256) for AgentService and QueueService, signed with `SWITCHBOARD_JWT_SECRET` —
 * the same secret the services verify with. Refuses to run without it rather than sign with a
 * default anyone could guess.
 */
export function register(program: Command): void {
  program.command('token')
    .description('print a development bearer token for the gRPC services (needs SWITCHBOARD_JWT_SECRET)')
    .requiredOption('--agent <id>', 'subject of the token: the agent id (or a client id for platform/ops)')
    .option('--role <role>', `one of ${ROLES.join(', ')}`, 'agent')
    .option('--ttl <duration>', 'lifetime, e.g. 30m, 8h, 2d', '8h')
    .action(async (options: TokenOptions, command: Command) => {
      const secret = process.env.SWITCHBOARD_JWT_SECRET ?? '';
      if (secret === '') command.error('SWITCHBOARD_JWT_SECRET is not set: export the secret the agent gateway and queue service use', { exitCode: 2 });
      if (secret.length < 16) command.error('SWITCHBOARD_JWT_SECRET must be at least 16 characters', { exitCode: 2 });
      if (!(ROLES as readonly string[]).includes(options.role)) command.error(`--role must be one of ${ROLES.join(', ')}`, { exitCode: 2 });
      if (!/^\d+\s*(s|m|h|d|w)$/.test(options.ttl)) command.error('--ttl must look like 30m, 8h or 2d', { exitCode: 2 });
      const token = await signToken(secret, { subject: options.agent, role: options.role as Role, ttl: options.ttl });
      process.stdout.write(`${token}\n`);
    });
}
