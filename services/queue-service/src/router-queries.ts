import { status } from '@grpc/grpc-js';
import { assertSubjectToken } from '@switchboard/bus';
import { callRouter, invalid, notFound, RpcError } from '@switchboard/grpc-edge';
import type { AgentView, ContactView, QueueConfig } from '@switchboard/routing-core';
import type { QueueServiceDeps } from './deps.js';

/** The request's domain, or the service's. @throws RpcError INVALID_ARGUMENT for an unusable name. */
export function domainOf(deps: QueueServiceDeps, domain: string, field = 'domain'): string {
  if (domain === '') return deps.defaultDomain;
  try {
    return assertSubjectToken('domain', domain);
  } catch {
    throw invalid(field, 'invalid_format', 'no dots, wildcards or spaces');
  }
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
export async function routerQueue(deps: QueueServiceDeps, domain: string, queueId: string): Promise<{ config: QueueConfig; depth: number }> {
  const queue = await find<{ config: QueueConfig; depth: number }>(deps, domain, { query: 'queue', queueId }, 'queue');
  if (!queue) throw notFound(`no queue "${queueId}" in domain "${domain}"`);
  return queue;
}

/** Every queue of the domain with its live counts. */
export async function routerQueues(deps: QueueServiceDeps, domain: string): Promise<{ queueId: string; waiting: number; offered: number; config: QueueConfig }[]> {
  return (await callRouter(() => deps.router(domain).query({ query: 'queues' })))['queues'] as never;
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
