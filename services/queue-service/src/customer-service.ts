import type { Redis } from 'ioredis';
import {
  Channel, CustomerContact, type CustomerIdentifier as ProtoIdentifier, type CustomerServiceServer, type ShowCustomerResponse,
} from '@switchboard/contracts';
import { check, invalid, notFound, requireRole, unary, type EdgeContext, type Principal } from '@switchboard/grpc-edge';
import { CustomerStore, IDENTIFIER_KINDS, type CustomerIdentifier, type IdentifierKind, type RecentContact } from '@switchboard/state';
import type { QueueServiceDeps } from './deps.js';
import { domainOf } from './router-queries.js';
import { E164 } from '@switchboard/routing-core';

/** The fully qualified gRPC service name. */
export const CUSTOMER_SERVICE = 'switchboard.v1.CustomerService';

/** Who may link and unlink (a CRM's platform token, a supervisor), and who may also look (ops). Never a desk. */
const LINKERS = ['platform', 'supervisor'] as const;
const READERS = ['platform', 'supervisor', 'ops'] as const;

const MAX_IDENTIFIERS = 20;

export interface CustomerServiceDeps {
  readonly edge: EdgeContext;
  readonly queue: QueueServiceDeps;
  readonly redis: Redis;
  /** The router's key prefix (`SB_REDIS_PREFIX`, default `sb:`): the customers live beside its domain keys. */
  readonly routerPrefix?: string;
  /** CUSTOMER_KEY_SECRET: the same as the router's, or links would never meet its contacts. */
  readonly secret: string;
}

/** CustomerService on the queue service's server: every call authenticated, its domain checked, one status per failure. */
export function customerService(deps: CustomerServiceDeps): CustomerServiceServer {
  const stores = new Map<string, CustomerStore>();
  const storeFor = (principal: Principal, domain: string, roles: readonly ('platform' | 'supervisor' | 'ops')[], what: string) => {
    requireRole(principal, roles, what);
    const d = domainOf(deps.queue, principal, domain);
    let store = stores.get(d);
    if (!store) stores.set(d, (store = new CustomerStore(deps.redis, d, deps.secret, deps.routerPrefix ?? 'sb:')));
    return store;
  };
  const e = deps.edge;
  return {
    linkIdentifiers: unary(e, 'LinkIdentifiers', async (req, p) => {
      const store = storeFor(p, req.domain, LINKERS, 'LinkIdentifiers');
      check(req.identifiers.length >= 2, 'identifiers', 'too_small', 'name at least two identifiers to link');
      check(req.identifiers.length <= MAX_IDENTIFIERS, 'identifiers', 'too_big', `at most ${MAX_IDENTIFIERS} identifiers at once`);
      const ids = req.identifiers.map((id, i) => identifierOf(id, `identifiers.${i}`));
      return { customerKey: await store.link(ids, deps.queue.now()) };
    }),
    unlinkIdentifier: unary(e, 'UnlinkIdentifier', async (req, p) => {
      const store = storeFor(p, req.domain, LINKERS, 'UnlinkIdentifier');
      const moved = await store.unlink(identifierOf(req.identifier, 'identifier'), deps.queue.now());
      if (!moved) throw notFound(`no customer has this ${req.identifier?.kind} identifier in domain "${domainOf(deps.queue, p, req.domain)}"`);
      return { fromCustomerKey: moved.from, customerKey: moved.to };
    }),
    showCustomer: unary(e, 'ShowCustomer', async (req, p) => {
      const store = storeFor(p, req.domain, READERS, 'ShowCustomer');
      check((req.identifier !== undefined) !== (req.customerKey !== ''), 'identifier', 'invalid_value', 'name exactly one of identifier and customer_key');
      const key = req.customerKey || await store.customerOf(identifierOf(req.identifier, 'identifier'));
      const shown = key ? await store.show(key) : undefined;
      if (!key || !shown) throw notFound('no such customer (or forgotten: customers are kept 90 days after their last contact)');
      return showResponse(key, shown);
    }),
  };
}

/**
 * A request's identifier, validated: a known kind and a value that kind can have.
 * @throws RpcError INVALID_ARGUMENT naming the field.
 */
export function identifierOf(id: ProtoIdentifier | undefined, field: string): CustomerIdentifier {
  if (!id) throw invalid(field, 'required', 'an identifier {kind, value} is required');
  if (!(IDENTIFIER_KINDS as readonly string[]).includes(id.kind)) {
    throw invalid(`${field}.kind`, 'invalid_enum_value', `unknown kind "${id.kind}" (known: ${IDENTIFIER_KINDS.join(', ')})`);
  }
  const value = id.value.trim();
  if (value === '' || value.length > 256) throw invalid(`${field}.value`, 'invalid_string', 'a value of 1 to 256 characters is required');
  if (id.kind === 'phone' && !E164.test(value)) throw invalid(`${field}.value`, 'invalid_string', 'a phone number must be E.164, e.g. +8613800138000');
  if (id.kind === 'email' && !/^[^\s@]+@[^\s@]+$/.test(value)) throw invalid(`${field}.value`, 'invalid_string', 'not an email address');
  return { kind: id.kind as IdentifierKind, value };
}

const CHANNEL: Record<string, Channel> = {
  phone: Channel.CHANNEL_PHONE, email: Channel.CHANNEL_EMAIL, chat: Channel.CHANNEL_CHAT, wechat: Channel.CHANNEL_WECHAT,
};

function showResponse(key: string, shown: { identifiers: Partial<Record<IdentifierKind, number>>; recent: RecentContact[] }): ShowCustomerResponse {
  return {
    customerKey: key,
    identifiers: Object.entries(shown.identifiers).map(([kind, count]) => ({ kind, count: count ?? 0 })),
    recentContacts: shown.recent.map((r) => CustomerContact.fromPartial({
      contactId: r.id, channel: CHANNEL[r.channel] ?? Channel.CHANNEL_UNSPECIFIED, queueId: r.queueId, arrivedAt: new Date(r.at),
      agentId: r.agentId ?? '', outcome: r.outcome ?? '', ...(r.resolved === undefined ? {} : { resolvedFirstContact: r.resolved }),
      ...(r.completedAt === undefined ? {} : { completedAt: new Date(r.completedAt) }),
    })),
  };
}
