import { status } from '@grpc/grpc-js';
import { assertSubjectToken } from '@switchboard/bus';
import { callRouter, invalid, notFound, requireDomain, RpcError, type Principal } from '@switchboard/grpc-edge';
import type { AgentView, ContactView, QueueConfig, RoutingEngine } from '@switchboard/routing-core';

/** A queue's opening and surge state, as the router reports it. */
export type QueueMode = NonNullable<ReturnType<RoutingEngine['queueMode']>>;
import type { QueueServiceDeps } from './deps.js';

/**
 * The domain a request acts in (its own, or the service's when it names none), which must be the
 * tenant of the caller's token.
 * @throws RpcError INVALID_ARGUMENT for an unusable name; PERMISSION_DENIED for another tenant's domain.
 */
export function domainOf(deps: QueueServiceDeps, principal: Principal, domain: string, field = 'domain'): string {
  let named = deps.defaultDomain;
  if (domain !== '') {
    try {
      named = assertSubjectToken('domain', domain);
    } catch {
      throw invalid(field, 'invalid_format', 'no dots, wildcards or spaces');
    }
  }
  requireDomain(principal, named);
  return named;
}

async function find<T>(deps: QueueServiceDeps, domain: string, query: { query: string; [k: string]: unknown }, field: string): Promise<T | undefined> {
  try {
    return (await callRouter(() => deps.router(domain).query(query)))[field] as T;
  } catch (error) {
    if (error instanceof RpcError && error.code === status.NOT_FOUND) return undefined;
    throw error;
  }
}

/** The router's queue (config and depth). @throws RpcError NOT_FOUND */
export async function routerQueue(deps: QueueServiceDeps, domain: string, queueId: string): Promise<{ config: QueueConfig; depth: number; mode?: QueueMode }> {
  const queue = await find<{ config: QueueConfig; depth: number; mode?: QueueMode }>(deps, domain, { query: 'queue', queueId }, 'queue');
  if (!queue) throw notFound(`no queue "${queueId}" in domain "${domain}"`);
  return queue;
}

/** Every queue of the domain with its live counts. */
export async function routerQueues(deps: QueueServiceDeps, domain: string): Promise<{ queueId: string; waiting: number; offered: number; config: QueueConfig; mode?: QueueMode }[]> {
  return (await callRouter(() => deps.router(domain).query({ query: 'queues' })))['queues'] as never;
}

/** The router's view of one agent (signed in or holding work), undefined when it has none. */
export async function routerAgent(deps: QueueServiceDeps, domain: string, agentId: string): Promise<AgentView | undefined> {
  return find<AgentView>(deps, domain, { query: 'agent', agentId }, 'agent');
}

export async function routerAgents(deps: QueueServiceDeps, domain: string): Promise<AgentView[]> {
  return (await callRouter(() => deps.router(domain).query({ query: 'agents' })))['agents'] as AgentView[];
}

export async function routerWaiting(deps: QueueServiceDeps, domain: string, queueId: string, limit = 1_000): Promise<ContactView[]> {
  return (await callRouter(() => deps.router(domain).query({ query: 'waiting', queueId, limit })))['contacts'] as ContactView[];
}

/** Where a contact stands: 1-based position while queued, and the contact. */
export async function routerPosition(deps: QueueServiceDeps, domain: string, contactId: string): Promise<{ position: number | null; contact: ContactView | null }> {
  const reply = await callRouter(() => deps.router(domain).query({ query: 'position', contactId }));
  return { position: (reply['position'] as number | null) ?? null, contact: (reply['contact'] as ContactView | null) ?? null };
}
