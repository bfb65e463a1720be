import type {
  CreateQueueRequest, CreateQueueResponse, GetQueueRequest, GetQueueResponse, ListQueuesRequest, ListQueuesResponse,
  QueueConfig as ProtoQueue, UpdateQueueRequest, UpdateQueueResponse,
} from '@switchboard/contracts';
import { QueueKind } from '@switchboard/contracts';
import { aborted, callRouter, check, invalid, RpcError, requireRole, type Principal } from '@switchboard/grpc-edge';
import { status } from '@grpc/grpc-js';
import type { QueueConfig } from '@switchboard/routing-core';
import type { QueueServiceDeps } from './deps.js';
import { queueFromProto, queueToProto } from './queue.mapper.js';
import { domainOf, routerQueue, routerQueues } from './router-queries.js';

/** Who configures queues: supervisors; ops is read-only. */
const CONFIGURING = ['supervisor'] as const;

async function toProto(deps: QueueServiceDeps, domain: string, config: QueueConfig): Promise<ProtoQueue> {
  const meta = await deps.store.get(domain, config.id);
  return queueToProto(config, { domain, ...meta });
}

/** Validates, reserves the next version, and hands the config to the router; undoes the version if refused. */
async function save(deps: QueueServiceDeps, principal: Principal, queue: ProtoQueue | undefined, expected: number | undefined): Promise<ProtoQueue> {
  if (!queue) throw invalid('queue', 'required', 'required');
  const domain = domainOf(deps, principal, queue.domain, 'queue.domain');
  check(queue.displayName.length <= 200, 'queue.display_name', 'too_long', 'at most 200 characters');
  const config = queueFromProto(queue);
  if (config.overflow) await routerQueue(deps, domain, config.overflow.targetQueueId).catch(() => {
    throw invalid('queue.overflow.target_queue_id', 'not_found', `no queue "${config.overflow?.targetQueueId}"`);
  });
  const previous = await deps.store.get(domain, config.id);
  const version = await deps.store.bump(domain, config.id, expected, queue.displayName);
  if (version === undefined) throw aborted(`queue "${config.id}" changed meanwhile (version ${previous.version}); read it and retry`);
  try {
    await callRouter(() => deps.router(domain).command({ type: 'UPSERT_QUEUE', queue: config, by: principal.subject }, `qs:${domain}:${config.id}:v${version}`));
  } catch (error) {
    await deps.store.restore(domain, config.id, expected === undefined ? undefined : previous);
    throw error;
  }
  deps.logger.info({ queueId: config.id, domain, version }, 'queue saved');
  return queueToProto(config, { domain, displayName: queue.displayName, version });
}

export async function createQueue(deps: QueueServiceDeps, request: CreateQueueRequest, principal: Principal): Promise<CreateQueueResponse> {
  requireRole(principal, CONFIGURING, 'CreateQueue');
  const domain = domainOf(deps, principal, request.queue?.domain ?? '', 'queue.domain');
  check((request.queue?.id ?? '') !== '', 'queue.id', 'required', 'required');
  const exists = await routerQueue(deps, domain, request.queue!.id).then(() => true, (e: unknown) => {
    if (e instanceof RpcError && e.code === status.NOT_FOUND) return false;
    throw e;
  });
  if (exists) throw new RpcError(status.ALREADY_EXISTS, `queue "${request.queue!.id}" exists; use UpdateQueue`);
  return { queue: await save(deps, principal, request.queue, undefined) };
}

export async function updateQueue(deps: QueueServiceDeps, request: UpdateQueueRequest, principal: Principal): Promise<UpdateQueueResponse> {
  requireRole(principal, CONFIGURING, 'UpdateQueue');
  const domain = domainOf(deps, principal, request.queue?.domain ?? '', 'queue.domain');
  check((request.queue?.id ?? '') !== '', 'queue.id', 'required', 'required');
  await routerQueue(deps, domain, request.queue!.id);
  return { queue: await save(deps, principal, request.queue, request.queue!.version) };
}

export async function getQueue(deps: QueueServiceDeps, request: GetQueueRequest, principal: Principal): Promise<GetQueueResponse> {
  check(request.queueId !== '', 'queue_id', 'required', 'required');
  const domain = domainOf(deps, principal, request.domain);
  return { queue: await toProto(deps, domain, (await routerQueue(deps, domain, request.queueId)).config) };
}

export async function listQueues(deps: QueueServiceDeps, request: ListQueuesRequest, principal: Principal): Promise<ListQueuesResponse> {
  const domain = domainOf(deps, principal, request.domain);
  const queues = await Promise.all((await routerQueues(deps, domain)).map((q) => toProto(deps, domain, q.config)));
  return { queues: request.kind === QueueKind.QUEUE_KIND_UNSPECIFIED ? queues : queues.filter((q) => q.kind === request.kind) };
}
