import type {
  AcceptRequest, AcceptResponse, CompleteRequest, CompleteResponse, DeclineRequest, DeclineResponse,
  ForceAssignRequest, ForceAssignResponse, TransferRequest, TransferResponse,
} from '@switchboard/contracts';
import { check, failedPrecondition, notFound, permissionDenied, requireRole, type Principal } from '@switchboard/grpc-edge';
import type { ContactView } from '@switchboard/routing-core';
import { context, trace } from '@opentelemetry/api';
import { withSpan } from '@switchboard/telemetry';
import type { GatewayDeps } from './deps.js';
import { DESK_ROLES, SUPERVISING } from './session-handlers.js';
import { requireAgentInScope, requireContactInScope } from './team-scope.js';
import { contactToProto } from './view.mapper.js';


export function checkContactId(id: string): void {
  check(id !== '', 'contact_id', 'required', 'required');
  check(id.length <= 200, 'contact_id', 'too_long', 'at most 200 characters');
}

/** The live contact. @throws RpcError NOT_FOUND when the router does not know it. */
export async function liveContact(deps: GatewayDeps, contactId: string): Promise<ContactView> {
  const view = await deps.router.contact(contactId);
  if (!view) throw notFound(`no live contact "${contactId}"`);
  return view;
}

/**
 * The caller's own contact, for a desk action (`what`).
 * @throws RpcError PERMISSION_DENIED unless the caller works a desk (agent, or supervisor acting as
 * one) and the contact is offered to or connected with it; a platform or ops token whose subject
 * happens to be an agent id acts for nobody's desk.
 */
async function ownContact(deps: GatewayDeps, contactId: string, principal: Principal, what: string): Promise<ContactView> {
  requireRole(principal, DESK_ROLES, what);
  checkContactId(contactId);
  const view = await liveContact(deps, contactId);
  if (view.agentId !== principal.subject) throw permissionDenied(`contact "${contactId}" is not offered to or connected with you`);
  return view;
}

/**
 * Runs a desk's action on a contact inside the contact's own trace (the one its offer came in),
 * linked to the RPC's span, so ingest → decision → offer → accept → complete read as one trace.
 */
function inContactTrace<T>(deps: GatewayDeps, contactId: string, action: string, fn: () => Promise<T>): Promise<T> {
  const parent = deps.hub.traceOf(contactId);
  if (!parent) return fn();
  const rpc = trace.getSpanContext(context.active());
  return withSpan(deps.tracer, `desk ${action}`, { 'switchboard.contact.id': contactId }, fn, { parent, ...(rpc ? { links: [{ context: rpc }] } : {}) });
}

function checkToken(view: ContactView, token: number): void {
  check(token > 0, 'reservation_token', 'required', 'the token of the offer is required');
  if (view.state !== 'OFFERED' || view.offerToken !== token) throw failedPrecondition(`offer ${token} of contact "${view.id}" is no longer open`);
}

export async function accept(deps: GatewayDeps, request: AcceptRequest, principal: Principal): Promise<AcceptResponse> {
  const view = await ownContact(deps, request.contactId, principal, 'Accept');
  checkToken(view, request.reservationToken);
  const reply = await inContactTrace(deps, view.id, 'accept', () =>
    deps.router.command({ type: 'ACCEPT', contactId: view.id, agentId: principal.subject, offerToken: request.reservationToken }));
  if (reply.outcome?.kind === 'stale') throw failedPrecondition(`offer ${request.reservationToken} of contact "${view.id}" is no longer open`);
  return { contact: contactToProto(await liveContact(deps, view.id)) };
}

export async function decline(deps: GatewayDeps, request: DeclineRequest, principal: Principal): Promise<DeclineResponse> {
  check(request.reason.length <= 200, 'reason', 'too_long', 'at most 200 characters');
  const view = await ownContact(deps, request.contactId, principal, 'Decline');
  checkToken(view, request.reservationToken);
  await inContactTrace(deps, view.id, 'decline', () =>
    deps.router.command({ type: 'DECLINE', contactId: view.id, agentId: principal.subject, offerToken: request.reservationToken, reason: request.reason || 'declined' }));
  return {};
}

/**
 * Complete: the contact enters wrap-up. The queue's wrap-up time is the most the router allows;
 * a shorter `wrap_up_seconds` ends it early (END_WRAP_UP from this gateway's timer — after a
 * gateway restart the queue's own timer still ends it).
 */
export async function complete(deps: GatewayDeps, request: CompleteRequest, principal: Principal): Promise<CompleteResponse> {
  check(request.disposition.length <= 100, 'disposition', 'too_long', 'at most 100 characters');
  check(request.notes.length <= 4_000, 'notes', 'too_long', 'at most 4000 characters');
  check(request.wrapUpSeconds <= 3_600, 'wrap_up_seconds', 'out_of_range', '0..3600');
  const view = await ownContact(deps, request.contactId, principal, 'Complete');
  // WRAP_UP: its channel ended the conversation first (the caller hung up); the desk's complete
  // then records the agent's outcome (disposition, notes, FCR) — once; a retry changes nothing.
  if (view.state !== 'CONNECTED' && view.state !== 'WRAP_UP') throw failedPrecondition(`contact "${view.id}" is ${view.state}, not CONNECTED`);
  await inContactTrace(deps, view.id, 'complete', () =>
    deps.router.command({ type: 'COMPLETE', contactId: view.id, agentId: principal.subject, disposition: request.disposition || 'resolved',
      notes: request.notes, resolvedFirstContact: request.resolvedFirstContact }));
  // Notes are the agent's free text about the customer: on ROUTING (the record), never in logs.
  deps.logger.info({ contactId: view.id, agentId: principal.subject, disposition: request.disposition, firstContact: request.resolvedFirstContact }, 'contact completed');
  const queue = await deps.router.queueWrapUpSeconds(view.queueId);
  const seconds = request.wrapUpSeconds > 0 ? Math.min(request.wrapUpSeconds, queue) : queue;
  if (seconds < queue) {
    setTimeout(() => {
      deps.router.command({ type: 'END_WRAP_UP', contactId: view.id, agentId: principal.subject })
        .catch((error: unknown) => deps.logger.debug({ err: error, contactId: view.id }, 'early wrap-up end not applied'));
    }, seconds * 1000).unref();
  }
  return { wrapUpEndsAt: new Date(deps.now() + seconds * 1000) };
}

/** Transfer to a queue or an agent; the contact keeps its age (place by arrival) and its history. */
export async function transfer(deps: GatewayDeps, request: TransferRequest, principal: Principal): Promise<TransferResponse> {
  requireRole(principal, [...DESK_ROLES, ...SUPERVISING], 'Transfer');
  checkContactId(request.contactId);
  const queueId = request.queueId ?? '';
  const agentId = request.agentId ?? '';
  check(queueId !== '' || agentId !== '', 'target', 'required', 'queue_id or agent_id is required');
  check(request.reason.length <= 200, 'reason', 'too_long', 'at most 200 characters');
  const supervising = (SUPERVISING as readonly string[]).includes(principal.role);
  const view = supervising ? await liveContact(deps, request.contactId) : await ownContact(deps, request.contactId, principal, 'Transfer');
  // A supervisor takes the contact from its agent and may give it to another: both in their teams.
  if (supervising) {
    await requireContactInScope(deps, principal, view, 'Transfer');
    if (agentId) await requireAgentInScope(deps, principal, agentId, 'Transfer');
  }
  await deps.router.command({ type: 'TRANSFER', contactId: view.id, target: agentId ? { kind: 'agent', agentId } : { kind: 'queue', queueId },
    by: principal.subject, ...(request.reason ? { reason: request.reason } : {}) });
  deps.logger.info({ contactId: view.id, by: principal.subject, queueId, agentId, reason: request.reason }, 'contact transferred');
  const after = await deps.router.contact(view.id);
  return { contact: after ? contactToProto(after) : undefined };
}

/**
 * ForceAssign (a supervisor of the agents concerned): the core has no assignment command, so this is a TRANSFER to the
 * agent in the contact's queue — the agent becomes the preferred agent and gets the offer as soon
 * as it has room (at once when free). The token is 0 while the offer is pending.
 */
export async function forceAssign(deps: GatewayDeps, request: ForceAssignRequest, principal: Principal): Promise<ForceAssignResponse> {
  requireRole(principal, SUPERVISING, 'ForceAssign');
  checkContactId(request.contactId);
  check(request.agentId !== '', 'agent_id', 'required', 'required');
  const view = await liveContact(deps, request.contactId);
  if (view.state !== 'QUEUED' && view.state !== 'OFFERED') throw failedPrecondition(`contact "${view.id}" is ${view.state}; only waiting contacts can be assigned`);
  // Ringing, the contact is taken from the agent it is offered to: that agent and the new one in scope.
  await requireContactInScope(deps, principal, view, 'ForceAssign');
  const target = await deps.router.agent(request.agentId);
  await requireAgentInScope(deps, principal, request.agentId, 'ForceAssign', target);
  if (!target) throw notFound(`agent "${request.agentId}" is not signed in`);
  await deps.router.command({ type: 'TRANSFER', contactId: view.id, target: { kind: 'agent', agentId: request.agentId, queueId: view.queueId },
    by: principal.subject, reason: 'force-assigned' });
  const after = await deps.router.contact(view.id);
  return { reservationToken: after?.agentId === request.agentId ? (after.offerToken ?? 0) : 0 };
}
