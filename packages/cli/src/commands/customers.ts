// `switchboard customers link|unlink|show`: one customer across channels, on CustomerService (served
// by the queue service). A CRM's or operator's action: the token is a supervisor's (or `--role
// platform`, a CRM's; `ops` may only show). Desks are refused by the service.
import { Metadata, type ServiceError } from '@grpc/grpc-js';
import type { Command } from 'commander';
import {
  Channel, CustomerServiceClient, LinkIdentifiersRequest, ShowCustomerRequest, UnlinkIdentifierRequest, type CustomerIdentifier, type LinkIdentifiersResponse,
  type ShowCustomerResponse, type UnlinkIdentifierResponse,
} from '@switchboard/contracts';
import { grpcChannelCredentials, type Role } from '@switchboard/grpc-edge';
import { devSecretsFile } from '../start/dev-secrets.js';
import { findRepoRoot } from '../start/repo-root.js';
import { action, DEFAULT_QUEUE_SERVICE, UsageError, type SuperviseOptions, type Unary } from './supervise.js';
import { mintToken, resolveJwtSecret } from './token.js';

const KINDS = ['phone', 'email', 'wechat', 'unionid', 'chat'];
const ROLES: readonly Role[] = ['supervisor', 'platform', 'ops'];

/**
 * `kind:value` (e.g. `phone:+8613800138000`, `wechat:o6_bmjrPTlm6_2sgVt7hMZOPfL2M`) as an identifier.
 * @throws UsageError for a missing colon or an unknown kind.
 */
export function parseIdentifier(text: string): CustomerIdentifier {
  const at = text.indexOf(':');
  const kind = at > 0 ? text.slice(0, at) : '';
  if (!KINDS.includes(kind) || at === text.length - 1) throw new UsageError(`"${text}": write kind:value, kind one of ${KINDS.join(', ')}`);
  return { kind, value: text.slice(at + 1) };
}

/** What `show` prints: the key, the identifier kinds, then one line per recent contact. */
export function formatCustomer(r: ShowCustomerResponse): string {
  const kinds = r.identifiers.map((i) => `${i.count} ${i.kind}`).join(', ') || 'none';
  const lines = r.recentContacts.map((c) => [
    c.arrivedAt?.toISOString() ?? '', (Channel[c.channel] ?? '').replace('CHANNEL_', '').toLowerCase(), c.contactId, c.queueId,
    c.agentId || '-', c.outcome || 'live', c.resolvedFirstContact === undefined ? '' : c.resolvedFirstContact ? 'resolved' : 'not resolved',
  ].join('  ').trimEnd());
  return [`customer ${r.customerKey}: identifiers ${kinds}`, ...lines].join('\n');
}

interface CustomerOptions extends SuperviseOptions { role?: string }

async function callCustomers<Req, Res>(o: CustomerOptions, pick: (c: CustomerServiceClient) => Unary<Req, Res>, request: Req): Promise<Res> {
  const role = (o.role ?? 'supervisor') as Role;
  if (!ROLES.includes(role)) throw new UsageError(`--role must be ${ROLES.join(', ')} (desks may not link customers)`);
  const client = new CustomerServiceClient(o.queueService ?? process.env.SWITCHBOARD_QUEUE_SERVICE ?? DEFAULT_QUEUE_SERVICE, grpcChannelCredentials());
  const token = o.token ?? (await mintToken(
    { subject: o.as ?? process.env.USER ?? 'crm', role, ttl: '10m', ...(o.domain !== undefined ? { domain: o.domain } : {}), ...(role === 'supervisor' ? { teams: '*' } : {}) },
    resolveJwtSecret(process.env, o.secretsFile ?? devSecretsFile(findRepoRoot())),
  )).token;
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  try {
    return await new Promise<Res>((resolve, reject) => {
      pick(client).call(client, request, metadata, (error: ServiceError | null, response: Res) => (error ? reject(error) : resolve(response)));
    });
  } finally {
    client.close();
  }
}

const options = (c: Command) => c
  .option('--queue-service <host:port>', `the queue service serving CustomerService (default ${DEFAULT_QUEUE_SERVICE}, or SWITCHBOARD_QUEUE_SERVICE)`)
  .option('--role <role>', 'the signed token\'s role: supervisor (default), platform (a CRM) or ops (show only)')
  .option('--as <subject>', 'the subject of the signed token (default $USER)')
  .option('--token <jwt>', 'a bearer token to use instead of signing one')
  .option('--domain <id>', 'the domain (default $SWITCHBOARD_DOMAIN, else default)')
  .option('--secrets-file <path>', 'development secrets written by pnpm start');

export function register(program: Command): void {
  const customers = program.command('customers').description('one customer across channels: link identifiers a CRM knows are one person, unlink, show (CustomerService)');
  options(customers.command('link').argument('<identifiers...>', 'two or more kind:value, e.g. wechat:o6_bmjr… phone:+8613800138000')
    .description('these identifiers are one person: their contacts on every channel become one customer\'s'))
    .action(action(async (o: CustomerOptions, ids: string[]) => {
      if (ids.length < 2) throw new UsageError('name at least two identifiers to link');
      const r = await callCustomers<LinkIdentifiersRequest, LinkIdentifiersResponse>(o, (c) => c.linkIdentifiers, LinkIdentifiersRequest.fromPartial({ identifiers: ids.map(parseIdentifier) }));
      return `linked ${ids.length} identifiers: customer ${r.customerKey}`;
    }));
  options(customers.command('unlink').argument('<identifier>', 'kind:value')
    .description('this identifier is not that customer: it becomes a customer of its own (earlier contacts stay)'))
    .action(action(async (o: CustomerOptions, id: string) => {
      const r = await callCustomers<UnlinkIdentifierRequest, UnlinkIdentifierResponse>(o, (c) => c.unlinkIdentifier, UnlinkIdentifierRequest.fromPartial({ identifier: parseIdentifier(id) }));
      return `unlinked from customer ${r.fromCustomerKey}: now customer ${r.customerKey}`;
    }));
  options(customers.command('show').argument('<identifier-or-key>', 'kind:value, or a customer key (c123)')
    .description('the customer\'s identifier kinds and recent contacts on every channel (newest first; 20 within 90 days)'))
    .action(action(async (o: CustomerOptions, what: string) => {
      const request = /^c\d+$/.test(what) ? ShowCustomerRequest.fromPartial({ customerKey: what }) : ShowCustomerRequest.fromPartial({ identifier: parseIdentifier(what) });
      return formatCustomer(await callCustomers<ShowCustomerRequest, ShowCustomerResponse>(o, (c) => c.showCustomer, request));
    }));
}
