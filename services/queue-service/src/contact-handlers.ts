import { ulid } from 'ulid';
import {
  Channel, ContactState, type CancelRequest, type CancelResponse, type EnqueueRequest, type EnqueueResponse,
  type GetPositionRequest, type GetPositionResponse, type ReprioritizeRequest, type ReprioritizeResponse,
  type RequestCallbackRequest, type RequestCallbackResponse,
} from '@switchboard/contracts';
import { callRouter, check, failedPrecondition, invalid, notFound, requireRole, requireTeam, type Principal } from '@switchboard/grpc-edge';
import type { AgentView, ContactView } from '@switchboard/routing-core';
import type { QueueServiceDeps } from './deps.js';
import { estimateWaitFromSlots, estimateWaitSeconds, servingSlots, slotAges } from './estimate.js';
import { domainOf, routerAgent, routerAgents, routerPosition, routerQueue } from './router-queries.js';
import { E164 } from '@switchboard/routing-core';

/** Who enqueues and cancels: contact platforms, and supervisors; ops is read-only. */
const PLATFORM = ['platform', 'supervisor'] as const;
const SUPERVISING = ['supervisor'] as const;
const ID = /^[A-Za-z0-9_-]{1,64}$/;
const STATE = (s: ContactView['state']) => ContactState[`CONTACT_STATE_${s}`];

/**
 * Position and estimated wait of a live contact, from the router's position and agents and the
 * queue's live rates. `atMs` is the moment the estimate is for (taken right after the position),
 * so `waited + estimate` is the predicted wait from enqueue.
 */
export async function standing(deps: QueueServiceDeps, domain: string, contactId: string) {
  const { position, contact } = await routerPosition(deps, domain, contactId);
  const atMs = deps.now();
  if (!contact) return undefined;
  if (contact.state !== 'QUEUED' || position === null) return { contact, position: 0, estimate: 0, atMs };
  const agents = await routerAgents(deps, domain);
  return { contact, position, estimate: expectedWait(deps, domain, contact, position, agents, atMs), atMs };
}

/**
 * The estimator of GetPosition and of the announcer's notices (one, so a caller and GetPosition
 * are told the same): the expected wait of `contact` at `position` from the queue's recent cycle
 * times and the state of the slots serving it at `atMs`.
 */
export function expectedWait(deps: QueueServiceDeps, domain: string, contact: ContactView, position: number, agents: readonly AgentView[], atMs: number): number {
  const cycles = deps.rates.recentCycles(domain, contact.queueId);
  // Until the queue has handled a contact there is no cycle to go by but the configured default.
  return cycles.length === 0
    ? estimateWaitSeconds(position, deps.defaultCycleSeconds, servingSlots(agents, contact.queueId, contact.channel))
    : estimateWaitFromSlots({ position, cycles, slotAges: slotAges(agents, contact.queueId, contact.channel, (id) => deps.rates.held(domain, id), atMs) });
}

/**
 * A contact ringing at or connected with an agent concerns that agent: a supervisor acts on it
 * only when the agent's team is theirs (a waiting contact, or their own desk's, concerns no one else).
 * @throws RpcError PERMISSION_DENIED
 */
async function requireAgentTeam(deps: QueueServiceDeps, principal: Principal, domain: string, contact: ContactView, what: string): Promise<void> {
  if (contact.agentId === undefined || contact.agentId === principal.subject) return;
  const agent = await routerAgent(deps, domain, contact.agentId);
  if (agent) requireTeam(principal, agent.team, what, `the agent of contact "${contact.id}" ("${contact.agentId}")`);
}

/**
 * Enqueue: the contact goes to CONTACTS as an ingestion service would put it (Nats-Msg-Id from its
 * id, so a retry is a duplicate), straight into `queue_id` when given. Position and estimate are
 * those the router reports within a moment; 0 while it has not routed the contact yet.
 */
export async function enqueue(deps: QueueServiceDeps, request: EnqueueRequest, principal: Principal): Promise<EnqueueResponse> {
  requireRole(principal, PLATFORM, 'Enqueue');
  const c = request.contact;
  if (!c) throw invalid('contact', 'required', 'required');
  check(c.channel !== Channel.CHANNEL_UNSPECIFIED && Channel[c.channel] !== undefined, 'contact.channel', 'required', 'a known channel is required');
  check(c.id === '' || ID.test(c.id), 'contact.id', 'invalid_format', 'letters, digits, _ and -, at most 64');
  check(c.priority >= 0 && c.priority <= 1000, 'contact.priority', 'out_of_range', '0..1000');
  check(c.summary.length <= 1000, 'contact.summary', 'too_long', 'at most 1000 characters');
  const domain = domainOf(deps, principal, c.domain, 'contact.domain');
  if (request.queueId) await routerQueue(deps, domain, request.queueId);
  const id = c.id || ulid();
  const contact = { ...c, id, domain, queueId: request.queueId, state: ContactState.CONTACT_STATE_RECEIVED, receivedAt: c.receivedAt ?? new Date(deps.now()), conversationId: c.conversationId || id };
  const published = await deps.publisher.publishContact(contact, id);
  deps.logger.info({ contactId: id, domain, queueId: request.queueId, duplicate: published.duplicate }, 'contact enqueued');
  for (let i = 0; i < 20; i++) {
    const now = await standing(deps, domain, id);
    if (now) return { contactId: id, queueId: now.contact.queueId, position: now.position, estimatedWaitSeconds: now.estimate, duplicate: published.duplicate };
    await new Promise((r) => setTimeout(r, 50));
  }
  return { contactId: id, queueId: request.queueId, position: 0, estimatedWaitSeconds: 0, duplicate: published.duplicate };
}

/** Cancel: the customer left before being connected (router ABANDON). */
export async function cancel(deps: QueueServiceDeps, request: CancelRequest, principal: Principal): Promise<CancelResponse> {
  requireRole(principal, PLATFORM, 'Cancel');
  check(request.contactId !== '', 'contact_id', 'required', 'required');
  check(request.reason.length <= 200, 'reason', 'too_long', 'at most 200 characters');
  const domain = domainOf(deps, principal, request.domain);
  const { contact } = await routerPosition(deps, domain, request.contactId);
  if (!contact) throw notFound(`no live contact "${request.contactId}" in domain "${domain}"`);
  if (contact.state !== 'QUEUED' && contact.state !== 'OFFERED') throw failedPrecondition(`contact "${contact.id}" is ${contact.state}; only waiting contacts can be cancelled`);
  if (principal.role === 'supervisor') await requireAgentTeam(deps, principal, domain, contact, 'Cancel');
  await callRouter(() => deps.router(domain).command({ type: 'ABANDON', contactId: contact.id }, `qs:cancel:${contact.id}`));
  return {};
}

/**
 * Reprioritize (supervisor; of the agent's team when the contact is with one): a contact's base priority changes; waiting, it moves to its new
 * place at once. Its events carry the supervisor as `by` on ROUTING.
 */
export async function reprioritize(deps: QueueServiceDeps, request: ReprioritizeRequest, principal: Principal): Promise<ReprioritizeResponse> {
  requireRole(principal, SUPERVISING, 'Reprioritize');
  check(request.contactId !== '', 'contact_id', 'required', 'required');
  check(request.priority >= -1_000 && request.priority <= 1_000, 'priority', 'out_of_range', '-1000..1000');
  check(request.reason.length <= 200, 'reason', 'too_long', 'at most 200 characters');
  const domain = domainOf(deps, principal, request.domain);
  const { contact } = await routerPosition(deps, domain, request.contactId);
  if (!contact) throw notFound(`no live contact "${request.contactId}" in domain "${domain}"`);
  if (contact.state !== 'QUEUED' && contact.state !== 'OFFERED' && contact.state !== 'CONNECTED') {
    throw failedPrecondition(`contact "${contact.id}" is ${contact.state}; only a live contact can be re-prioritised`);
  }
  await requireAgentTeam(deps, principal, domain, contact, 'Reprioritize');
  await callRouter(() => deps.router(domain).command({ type: 'REPRIORITIZE', contactId: contact.id, basePriority: request.priority,
    ...(request.reason ? { reason: request.reason } : {}), by: principal.subject }));
  const after = await routerPosition(deps, domain, contact.id);
  return { position: after.contact?.state === 'QUEUED' ? (after.position ?? 0) : 0 };
}

export async function getPosition(deps: QueueServiceDeps, request: GetPositionRequest, principal: Principal): Promise<GetPositionResponse> {
  check(request.contactId !== '', 'contact_id', 'required', 'required');
  const domain = domainOf(deps, principal, request.domain);
  const now = await standing(deps, domain, request.contactId);
  if (!now) throw notFound(`no live contact "${request.contactId}" in domain "${domain}"`);
  return {
    queueId: now.contact.queueId,
    position: now.position,
    estimatedWaitSeconds: now.estimate,
    waitedSeconds: Math.max(0, now.atMs - now.contact.enqueuedAtMs) / 1000,
    state: STATE(now.contact.state),
  };
}


/**
 * RequestCallback (platform, or a supervisor on the customer's behalf): the waiting contact will
 * be called back on `number`, keeping its place and aging; its channel may release the customer.
 */
export async function requestCallback(deps: QueueServiceDeps, request: RequestCallbackRequest, principal: Principal): Promise<RequestCallbackResponse> {
  requireRole(principal, PLATFORM, 'RequestCallback');
  check(request.contactId !== '', 'contact_id', 'required', 'required');
  check(E164.test(request.number), 'number', 'invalid_format', 'E.164: + then 7-15 digits, e.g. +8613800138000');
  const domain = domainOf(deps, principal, request.domain);
  const { contact } = await routerPosition(deps, domain, request.contactId);
  if (!contact) throw notFound(`no live contact "${request.contactId}" in domain "${domain}"`);
  if (contact.state !== 'QUEUED' && contact.state !== 'OFFERED') {
    throw failedPrecondition(`contact "${contact.id}" is ${contact.state}; only a waiting contact can be called back`);
  }
  await callRouter(() => deps.router(domain).command({ type: 'REQUEST_CALLBACK', contactId: contact.id, number: request.number,
    ...(principal.role === 'supervisor' ? { by: principal.subject } : {}) }, `qs:callback:${contact.id}:${request.number}`));
  const after = await routerPosition(deps, domain, contact.id);
  return { position: after.position ?? 0 };
}
