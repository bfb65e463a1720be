import { Metadata, type ServiceError } from '@grpc/grpc-js';
import type { Command } from 'commander';
import {
  AgentServiceClient, Channel, QueueServiceClient, type ReprioritizeRequest, type ReprioritizeResponse, ContactState, Presence, type UpdateAgentRequest, type UpdateAgentResponse, type EndContactRequest, type EndContactResponse, type RequeueContactRequest, type RequeueContactResponse,
} from '@switchboard/contracts';
import { DevSecretsFileError, devSecretsFile } from '../start/dev-secrets.js';
import { grpcChannelCredentials } from '@switchboard/grpc-edge';
import { findRepoRoot } from '../start/repo-root.js';
import { mintToken, resolveJwtSecret, TokenError } from './token.js';

/** The agent gateway when `--gateway` is not given. */
export const DEFAULT_GATEWAY = '127.0.0.1:7201';
/** The queue service when `--queue-service` is not given. */
export const DEFAULT_QUEUE_SERVICE = '127.0.0.1:7202';

/** An argument the user got wrong. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The flags of the supervisor commands (this file's and `queues surge|hours`). */
export interface SuperviseOptions {
  skills?: string;
  languages?: string;
  capacity?: string;
  queues?: string;
  blend?: string;
  reset?: boolean;
  queueService?: string;
  gateway?: string;
  as?: string;
  token?: string;
  reason?: string;
  secretsFile?: string;
  domain?: string;
  teams?: string;
  team?: string;
  file?: string;
  close?: string;
  reopen?: boolean;
  clear?: boolean;
}

export type Unary<Req, Res> = (request: Req, metadata: Metadata, callback: (error: ServiceError | null, response: Res) => void) => unknown;

/**
 * Calls one supervisor method of AgentService with a supervisor token: `--token`, else one signed
 * for `--as` (default $USER) with the secret the services verify with. The gRPC status of a
 * refusal is printed as the gateway gave it (e.g. PERMISSION_DENIED for a desk token).
 */
async function callGateway<Req, Res>(options: SuperviseOptions, pick: (client: AgentServiceClient) => Unary<Req, Res>, request: Req): Promise<Res> {
  const client = new AgentServiceClient(options.gateway ?? process.env.SWITCHBOARD_GATEWAY ?? DEFAULT_GATEWAY, grpcChannelCredentials());
  return callWith(options, client, pick(client), request);
}

/** The same, on QueueService (`--queue-service`). */
export async function callQueueService<Req, Res>(options: SuperviseOptions, pick: (client: QueueServiceClient) => Unary<Req, Res>, request: Req): Promise<Res> {
  const client = new QueueServiceClient(options.queueService ?? process.env.SWITCHBOARD_QUEUE_SERVICE ?? DEFAULT_QUEUE_SERVICE, grpcChannelCredentials());
  return callWith(options, client, pick(client), request);
}

async function callWith<Req, Res>(options: SuperviseOptions, client: { close(): void }, method: Unary<Req, Res>, request: Req): Promise<Res> {
  const token = options.token ?? (await mintToken(
    { subject: options.as ?? process.env.USER ?? 'supervisor', role: 'supervisor', ttl: '10m',
      ...(options.domain !== undefined ? { domain: options.domain } : {}), ...(options.teams !== undefined ? { teams: options.teams } : {}) },
    resolveJwtSecret(process.env, options.secretsFile ?? devSecretsFile(findRepoRoot())),
  )).token;
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  try {
    return await new Promise<Res>((resolve, reject) => {
      method.call(client, request, metadata, (error, response) => (error ? reject(error) : resolve(response)));
    });
  } finally {
    client.close();
  }
}

/** Runs one action; a refusal or a missing secret is a clear message and exit code 2. */
export function action<A extends unknown[]>(run: (options: SuperviseOptions, ...args: A) => Promise<string>) {
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

/** `a=1,b=2` → pairs; a malformed item is a usage error naming the flag. */
function pairs(flag: string, text: string, sep: string): [string, number][] {
  return text.split(',').filter((s) => s.trim() !== '').map((item) => {
    const [name, value] = item.split(sep).map((s) => s.trim());
    const n = Number(value);
    if (!name || value === undefined || !Number.isInteger(n)) throw new UsageError(`--${flag}: "${item}" is not name${sep}number`);
    return [name, n];
  });
}

const CHANNELS: Record<string, Channel> = { phone: Channel.CHANNEL_PHONE, email: Channel.CHANNEL_EMAIL, chat: Channel.CHANNEL_CHAT, wechat: Channel.CHANNEL_WECHAT, task: Channel.CHANNEL_TASK };

/** The UpdateAgent request of the flags given: only those fields change. */
export function updateRequest(agentId: string, o: SuperviseOptions): UpdateAgentRequest {
  const mask: string[] = [];
  const request: UpdateAgentRequest = { agentId, updateMask: mask, skills: [], languages: [], capacities: [], queues: [], blendWithPhone: false, resetToDirectory: o.reset === true, reason: o.reason ?? '', team: '' };
  if (o.reset) return request;
  if (o.skills !== undefined) { mask.push('skills'); request.skills = pairs('skills', o.skills, '=').map(([name, proficiency]) => ({ name, proficiency })); }
  if (o.languages !== undefined) { mask.push('languages'); request.languages = o.languages.split(',').map((s) => s.trim()).filter(Boolean); }
  if (o.capacity !== undefined) {
    mask.push('capacities');
    request.capacities = pairs('capacity', o.capacity, '=').map(([name, maxConcurrent]) => {
      const channel = CHANNELS[name];
      if (channel === undefined) throw new UsageError(`--capacity: "${name}" is not phone, email, chat or wechat`);
      return { channel, maxConcurrent };
    });
  }
  if (o.queues !== undefined) { mask.push('queues'); request.queues = pairs('queues', o.queues, ':').map(([queueId, priority]) => ({ queueId, priority })); }
  if (o.blend !== undefined) { mask.push('blend_with_phone'); request.blendWithPhone = o.blend === 'yes' || o.blend === 'true'; }
  if (o.team !== undefined) {
    if (o.team.trim() === '') throw new UsageError('--team must name the team to move the agent to');
    mask.push('team');
    request.team = o.team.trim();
  }
  if (mask.length === 0) throw new UsageError('name what to change: --skills, --languages, --capacity, --queues, --blend, --team, or --reset');
  return request;
}

const common = (c: Command) => c
  .option('--gateway <host:port>', `agent gateway (default ${DEFAULT_GATEWAY}, or SWITCHBOARD_GATEWAY)`)
  .option('--as <subject>', 'the supervisor the record names (default $USER); signs a supervisor token with SWITCHBOARD_JWT_SECRET or the dev secret')
  .option('--token <jwt>', 'a supervisor bearer token to use instead of signing one')
  .option('--domain <id>', 'the domain of the signed token (default $SWITCHBOARD_DOMAIN, else default)')
  .option('--teams <list>', 'the teams of the signed token, a,b (default *: every team of the domain)')
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
  common(supervise.command('update-agent').argument('<agentId>').description("change an agent's skills, languages, capacities, queues or team now; kept for later sign-ins")
    .option('--skills <list>', 'skill=proficiency,… (replaces the skills)')
    .option('--languages <list>', 'zh,en,…')
    .option('--capacity <list>', 'phone=1,chat=3,… (replaces the capacities)')
    .option('--queues <list>', 'queue:priority,… (lower served first)')
    .option('--blend <yes|no>', 'may a phone call share the agent with other channels')
    .option('--team <team>', 'move the agent to this team (both teams must be yours)')
    .option('--reset', "back to the agent directory's profile"))
    .action(action(async (o, agentId: string) => {
      const r = await callGateway<UpdateAgentRequest, UpdateAgentResponse>(o, (c) => c.updateAgent, updateRequest(agentId, o));
      const a = r.agent;
      const capacity = (a?.capacities ?? []).map((c) => `${(Channel[c.channel] ?? '').replace('CHANNEL_', '').toLowerCase()}=${c.maxConcurrent}`).join(',');
      return `${agentId}: skills ${(a?.skills ?? []).map((s) => `${s.name}=${s.proficiency}`).join(',') || '—'}; languages ${(a?.languages ?? []).join(',') || '—'}; `
        + `capacity ${capacity || '—'}; queues ${(a?.queues ?? []).map((q) => `${q.queueId}:${q.priority}`).join(',')}; team ${a?.team || '—'}`;
    }));
  common(supervise.command('reprioritize').argument('<contactId>').argument('<priority>', 'new base priority, -1000..1000 (higher is served first)')
    .description("change a contact's priority: waiting, it moves to its new place at once")
    .option('--queue-service <host:port>', `queue service (default ${DEFAULT_QUEUE_SERVICE}, or SWITCHBOARD_QUEUE_SERVICE)`))
    .action(action(async (o, contactId: string, priority: string) => {
      if (!/^-?\d+$/.test(priority)) throw new UsageError(`priority must be a whole number, not "${priority}"`);
      const r = await callQueueService<ReprioritizeRequest, ReprioritizeResponse>(o, (c) => c.reprioritize,
        { domain: '', contactId, priority: Number(priority), reason: o.reason ?? '' });
      return r.position > 0 ? `${contactId} is now number ${r.position} in its queue` : `${contactId} re-prioritised (not waiting now)`;
    }));
  common(supervise.command('sign-out').argument('<agentId>').description('sign an agent out: their desk session ends and their work is reclaimed'))
    .action(action(async (o, agentId: string) => {
      await callGateway(o, (c) => c.signAgentOut, { agentId, reason: o.reason ?? '' });
      return `${agentId} signed out`;
    }));
}
