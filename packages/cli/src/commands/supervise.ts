import { credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import type { Command } from 'commander';
import {
  AgentServiceClient, ContactState, Presence, type EndContactRequest, type EndContactResponse, type RequeueContactRequest, type RequeueContactResponse,
} from '@switchboard/contracts';
import { DevSecretsFileError, devSecretsFile } from '../start/dev-secrets.js';
import { findRepoRoot } from '../start/repo-root.js';
import { mintToken, resolveJwtSecret, TokenError } from './token.js';

/** The agent gateway when `--gateway` is not given. */
export const DEFAULT_GATEWAY = '127.0.0.1:7201';

/** An argument the user got wrong. */
class UsageError extends Error {
  override readonly name = 'UsageError';
}

interface SuperviseOptions {
  gateway?: string;
  as?: string;
  token?: string;
  reason?: string;
  secretsFile?: string;
}

type Unary<Req, Res> = (request: Req, metadata: Metadata, callback: (error: ServiceError | null, response: Res) => void) => unknown;

/**
 * Calls one supervisor method of AgentService with a supervisor token: `--token`, else one signed
 * for `--as` (default $USER) with the secret the services verify with. The gRPC status of a
 * refusal is printed as the gateway gave it (e.g. PERMISSION_DENIED for a desk token).
 */
async function callGateway<Req, Res>(options: SuperviseOptions, pick: (client: AgentServiceClient) => Unary<Req, Res>, request: Req): Promise<Res> {
  const token = options.token ?? (await mintToken(
    { subject: options.as ?? process.env.USER ?? 'supervisor', role: 'supervisor', ttl: '10m' },
    resolveJwtSecret(process.env, options.secretsFile ?? devSecretsFile(findRepoRoot())),
  )).token;
  const client = new AgentServiceClient(options.gateway ?? process.env.SWITCHBOARD_GATEWAY ?? DEFAULT_GATEWAY, credentials.createInsecure());
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  try {
    return await new Promise<Res>((resolve, reject) => {
      pick(client).call(client, request, metadata, (error, response) => (error ? reject(error) : resolve(response)));
    });
  } finally {
    client.close();
  }
}

/** Runs one action; a refusal or a missing secret is a clear message and exit code 2. */
function action<A extends unknown[]>(run: (options: SuperviseOptions, ...args: A) => Promise<string>) {
  return async (...all: unknown[]) => {
    const command = all.at(-1) as Command;
    const options = command.opts<SuperviseOptions>();
    try {
      process.stdout.write(`${await run(options, ...(all.slice(0, -2) as A))}\n`);
    } catch (error) {
      if (error instanceof TokenError || error instanceof DevSecretsFileError || error instanceof UsageError) command.error(error.message, { exitCode: 2 });
      const grpc = error as Partial<ServiceError>;
      if (typeof grpc.code === 'number') command.error(`refused: ${grpc.details ?? grpc.message} (gRPC code ${grpc.code})`, { exitCode: 2 });
      throw error;
    }
  };
}

const common = (c: Command) => c
  .option('--gateway <host:port>', `agent gateway (default ${DEFAULT_GATEWAY}, or SWITCHBOARD_GATEWAY)`)
  .option('--as <subject>', 'the supervisor the record names (default $USER); signs a supervisor token with SWITCHBOARD_JWT_SECRET or the dev secret')
  .option('--token <jwt>', 'a supervisor bearer token to use instead of signing one')
  .option('--reason <text>', 'why, for the record')
  .option('--secrets-file <path>', 'development secrets written by pnpm start');

/**
 * `switchboard supervise <action>`: a supervisor steps in on someone else's work through the
 * agent gateway (AgentService's supervisor methods). Every event it causes carries the supervisor
 * as `by` on ROUTING, and `switchboard trace` shows it.
 */
export function register(program: Command): void {
  const supervise = program.command('supervise').description("step in on other agents' work as a supervisor (recorded with who did it)");
  common(supervise.command('end-contact').argument('<contactId>').description('end a contact: waiting or ringing it is abandoned, connected it is completed for its agent'))
    .action(action(async (o, contactId: string) => {
      const r = await callGateway<EndContactRequest, EndContactResponse>(o, (c) => c.endContact, { contactId, reason: o.reason ?? '' });
      return `ended ${contactId} (it was ${(ContactState[r.endedFrom] ?? '').replace('CONTACT_STATE_', '').toLowerCase()})`;
    }));
  common(supervise.command('requeue').argument('<contactId>').description('take a ringing or connected contact back to its queue at its original place'))
    .action(action(async (o, contactId: string) => {
      const r = await callGateway<RequeueContactRequest, RequeueContactResponse>(o, (c) => c.requeueContact, { contactId, reason: o.reason ?? '' });
      return `re-queued ${contactId} in ${r.contact?.queueId ?? '?'}`;
    }));
  common(supervise.command('presence').argument('<agentId>').argument('<presence>', 'available or away').description("set another agent's presence"))
    .action(action(async (o, agentId: string, presence: string) => {
      const wanted = presence.toLowerCase() === 'away' ? Presence.PRESENCE_AWAY : presence.toLowerCase() === 'available' ? Presence.PRESENCE_AVAILABLE : undefined;
      if (wanted === undefined) throw new UsageError(`presence must be available or away, not "${presence}"`);
      await callGateway(o, (c) => c.setAgentPresence, { agentId, presence: wanted, reason: o.reason ?? '' });
      return `${agentId} is ${presence.toLowerCase()}`;
    }));
  common(supervise.command('sign-out').argument('<agentId>').description('sign an agent out: their desk session ends and their work is reclaimed'))
    .action(action(async (o, agentId: string) => {
      await callGateway(o, (c) => c.signAgentOut, { agentId, reason: o.reason ?? '' });
      return `${agentId} signed out`;
    }));
}
