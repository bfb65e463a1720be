import {
  ContactState as ProtoState, Presence, type Agent, type UpdateAgentRequest, type UpdateAgentResponse,
  type EndContactRequest, type EndContactResponse, type RequeueContactRequest, type RequeueContactResponse,
  type SetAgentPresenceRequest, type SetAgentPresenceResponse, type SignAgentOutRequest, type SignAgentOutResponse,
} from '@switchboard/contracts';
import { check, failedPrecondition, inTeams, notFound, permissionDenied, requireRole, requireTeam, type Principal } from '@switchboard/grpc-edge';
import { agentProfileSchema } from '@switchboard/router-api';
import type { AgentProfile, Channel } from '@switchboard/routing-core';
import { checkContactId, liveContact } from './contact-handlers.js';
import { SUPERVISING } from './session-handlers.js';
import { requireAgentInScope, requireContactInScope, teamOf } from './team-scope.js';
import type { GatewayDeps } from './deps.js';
import { agentToProto, CHANNEL, contactToProto, PRESENCE } from './view.mapper.js';


/** Disposition of a connection a supervisor ended, and reason of a waiting contact they ended. */
export const ENDED_BY_SUPERVISOR = 'ended-by-supervisor';
/** Reason of a contact a supervisor took back to its queue when they give none. */
export const REQUEUED_BY_SUPERVISOR = 'requeued-by-supervisor';

function checkAgentId(value: string): void {
  check(value !== '', 'agent_id', 'required', 'required');
  check(value.length <= 200, 'agent_id', 'too_long', 'at most 200 characters');
}

function checkReason(reason: string): void {
  check(reason.length <= 200, 'reason', 'too_long', 'at most 200 characters');
}

/**
 * EndContact: waiting or ringing, the contact is abandoned (reason `ended-by-supervisor`, or the
 * supervisor's); connected, it is completed for its agent (disposition `ended-by-supervisor`) and
 * its wrap-up starts — the agent's own complete then records their outcome. A contact already
 * wrapping up has nothing left to end.
 */
export async function endContact(deps: GatewayDeps, request: EndContactRequest, principal: Principal): Promise<EndContactResponse> {
  requireRole(principal, SUPERVISING, 'EndContact');
  checkContactId(request.contactId);
  checkReason(request.reason);
  const view = await liveContact(deps, request.contactId);
  await requireContactInScope(deps, principal, view, 'EndContact');
  const reason = request.reason || ENDED_BY_SUPERVISOR;
  if (view.state === 'QUEUED' || view.state === 'OFFERED') {
    await deps.router.command({ type: 'ABANDON', contactId: view.id, reason, by: principal.subject });
  } else if (view.state === 'CONNECTED' && view.agentId !== undefined) {
    await deps.router.command({ type: 'COMPLETE', contactId: view.id, agentId: view.agentId, disposition: ENDED_BY_SUPERVISOR,
      endedOnChannel: true, ...(request.reason ? { notes: request.reason } : {}), by: principal.subject });
  } else {
    throw failedPrecondition(`contact "${view.id}" is ${view.state}: nothing is left to end`);
  }
  deps.logger.info({ contactId: view.id, by: principal.subject, from: view.state, reason }, 'contact ended by a supervisor');
  return { endedFrom: ProtoState[`CONTACT_STATE_${view.state}`] };
}

/** RequeueContact: a ringing or connected contact goes back to its queue at its original place (a transfer to its own queue). */
export async function requeueContact(deps: GatewayDeps, request: RequeueContactRequest, principal: Principal): Promise<RequeueContactResponse> {
  requireRole(principal, SUPERVISING, 'RequeueContact');
  checkContactId(request.contactId);
  checkReason(request.reason);
  const view = await liveContact(deps, request.contactId);
  await requireContactInScope(deps, principal, view, 'RequeueContact');
  if (view.state !== 'OFFERED' && view.state !== 'CONNECTED') throw failedPrecondition(`contact "${view.id}" is ${view.state}; only a ringing or connected contact can be re-queued`);
  await deps.router.command({ type: 'TRANSFER', contactId: view.id, target: { kind: 'queue', queueId: view.queueId },
    reason: request.reason || REQUEUED_BY_SUPERVISOR, by: principal.subject });
  deps.logger.info({ contactId: view.id, by: principal.subject, from: view.state, agentId: view.agentId }, 'contact re-queued by a supervisor');
  const after = await deps.router.contact(view.id);
  return { contact: after ? contactToProto(after) : undefined };
}

/** SetAgentPresence: another agent to AVAILABLE, or AWAY with a reason (OFFLINE is SignAgentOut). */
export async function setAgentPresence(deps: GatewayDeps, request: SetAgentPresenceRequest, principal: Principal): Promise<SetAgentPresenceResponse> {
  requireRole(principal, SUPERVISING, 'SetAgentPresence');
  checkAgentId(request.agentId);
  check(request.presence === Presence.PRESENCE_AVAILABLE || request.presence === Presence.PRESENCE_AWAY, 'presence', 'invalid_value',
    'AVAILABLE or AWAY (SignAgentOut signs an agent out)');
  check(request.reason.length <= 100, 'reason', 'too_long', 'at most 100 characters');
  const agent = await deps.router.agent(request.agentId);
  await requireAgentInScope(deps, principal, request.agentId, 'SetAgentPresence', agent);
  if (!agent || agent.presence === 'OFFLINE') throw notFound(`agent "${request.agentId}" is not signed in`);
  const away = request.presence === Presence.PRESENCE_AWAY;
  await deps.router.command({ type: 'SET_PRESENCE', agentId: request.agentId, presence: away ? 'AWAY' : 'AVAILABLE',
    ...(away ? { reason: request.reason || `set away by ${principal.subject}` } : {}), by: principal.subject });
  deps.logger.info({ agentId: request.agentId, by: principal.subject, presence: away ? 'AWAY' : 'AVAILABLE' }, 'presence set by a supervisor');
  const after = await deps.router.agent(request.agentId);
  return { presence: { presence: after ? PRESENCE[after.presence] : request.presence, reason: after?.awayReason ?? '', since: new Date(deps.now()) } };
}

/**
 * SignAgentOut: the router signs the agent out (offers back to their places, chats and WeChat
 * and email back to their queues, a call flagged and kept until its platform ends it) and the
 * agent's desk session ends, so their desktop stream closes and must sign in again.
 */
export async function signAgentOut(deps: GatewayDeps, request: SignAgentOutRequest, principal: Principal): Promise<SignAgentOutResponse> {
  requireRole(principal, SUPERVISING, 'SignAgentOut');
  checkAgentId(request.agentId);
  checkReason(request.reason);
  const agent = await deps.router.agent(request.agentId);
  await requireAgentInScope(deps, principal, request.agentId, 'SignAgentOut', agent);
  if (!agent || agent.presence === 'OFFLINE') throw notFound(`agent "${request.agentId}" is not signed in`);
  await deps.router.command({ type: 'SIGN_OUT', agentId: request.agentId, by: principal.subject });
  await deps.sessions.close(request.agentId);
  deps.logger.info({ agentId: request.agentId, by: principal.subject, reason: request.reason }, 'agent signed out by a supervisor');
  return {};
}

/** The fields UpdateAgent may change, as `update_mask` names them. */
const UPDATABLE = ['skills', 'languages', 'capacities', 'queues', 'blend_with_phone', 'team'] as const;
const CHANNEL_OF = new Map(Object.entries(CHANNEL).map(([name, proto]) => [proto, name as Channel]));

/** The profile with the request's masked fields applied. @throws RpcError INVALID_ARGUMENT naming the field. */
function updatedProfile(current: AgentProfile, request: UpdateAgentRequest): AgentProfile {
  const mask = request.updateMask ?? [];
  check(mask.length > 0, 'update_mask', 'required', `name the fields to change: ${UPDATABLE.join(', ')}`);
  for (const path of mask) check((UPDATABLE as readonly string[]).includes(path), 'update_mask', 'invalid_value', `"${path}" cannot be changed; one of ${UPDATABLE.join(', ')}`);
  const next: { -readonly [K in keyof AgentProfile]: AgentProfile[K] } = { ...current };
  if (mask.includes('skills')) next.skills = Object.fromEntries(request.skills.map((s) => [s.name, s.proficiency]));
  if (mask.includes('languages')) next.languages = [...request.languages];
  if (mask.includes('capacities')) {
    const capacity: Partial<Record<Channel, number>> = {};
    for (const c of request.capacities) {
      const channel = CHANNEL_OF.get(c.channel);
      check(channel !== undefined, 'capacities.channel', 'invalid_value', 'CHANNEL_PHONE, CHANNEL_EMAIL, CHANNEL_CHAT, CHANNEL_WECHAT or CHANNEL_TASK');
      capacity[channel!] = c.maxConcurrent;
    }
    next.capacity = capacity;
  }
  if (mask.includes('queues')) next.queues = request.queues.map((q) => ({ queueId: q.queueId, priority: q.priority }));
  if (mask.includes('blend_with_phone')) next.allowBlendWithPhone = request.blendWithPhone;
  if (mask.includes('team')) {
    check(request.team !== '', 'team', 'required', 'the team to move the agent to');
    next.team = request.team;
  }
  // The router's own rules for a profile (proficiency 1..5, capacity bounds, at least one queue).
  const parsed = agentProfileSchema.safeParse(next);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = String(issue.path[0] ?? '') === 'capacity' ? 'capacities' : String(issue.path[0] ?? 'agent');
    check(false, field, issue.code, `${issue.path.join('.')}: ${issue.message}`);
  }
  return parsed.data as AgentProfile;
}

/**
 * UpdateAgent: a supervisor changes an agent's skills, languages, capacities, queues, phone
 * blending or team with no restart. The change is kept (Redis, beside the sessions) so every later
 * sign-in uses it until `reset_to_directory`; a signed-in agent gets it at once — the router
 * re-indexes the agent, the next decision uses it, and AgentProfileChanged (by the supervisor)
 * is on ROUTING.
 */
export async function updateAgent(deps: GatewayDeps, request: UpdateAgentRequest, principal: Principal): Promise<UpdateAgentResponse> {
  requireRole(principal, SUPERVISING, 'UpdateAgent');
  checkAgentId(request.agentId);
  checkReason(request.reason);
  const listed = deps.directory.get(request.agentId);
  if (!listed) throw notFound(`agent "${request.agentId}" is not in the agent directory`);
  const { displayName, ...directoryProfile } = listed;
  // In scope both ways: the team the agent is in now, and the team the change leaves them in
  // (another team's, or the directory's at a reset), so no supervisor moves agents out of or into
  // teams they do not supervise.
  const before = await teamOf(deps, request.agentId);
  if (before !== undefined) requireTeam(principal, before, 'UpdateAgent', `agent "${request.agentId}"`);
  const profile = request.resetToDirectory ? directoryProfile : updatedProfile((await deps.profiles.get(request.agentId)) ?? directoryProfile, request);
  if (profile.team !== before && !inTeams(principal, profile.team)) {
    throw permissionDenied(`UpdateAgent: agent "${request.agentId}" would move to team "${profile.team}", outside the teams you supervise (${principal.teams.join(', ')})`);
  }
  if (request.resetToDirectory) await deps.profiles.reset(request.agentId);
  else await deps.profiles.set(profile);
  const live = await deps.router.agent(request.agentId);
  if (live && live.presence !== 'OFFLINE') await deps.router.command({ type: 'SIGN_IN', agent: profile, by: principal.subject });
  deps.logger.info({ agentId: request.agentId, by: principal.subject, fields: request.resetToDirectory ? ['reset'] : request.updateMask, reason: request.reason },
    'agent profile changed by a supervisor');
  const view = await deps.router.agent(request.agentId);
  return { agent: view && view.presence !== 'OFFLINE' ? agentToProto(view, deps.domain, displayName) : offlineAgent(profile, deps.domain, displayName) };
}

/** An agent who is not signed in, as the profile they will sign in with (no idle time: never free yet). */
function offlineAgent(profile: AgentProfile, domain: string, displayName: string): Agent {
  const view = { ...profile, presence: 'OFFLINE' as const, idleSinceMs: 0, used: { phone: 0, email: 0, chat: 0, wechat: 0, task: 0 }, consecutiveMisses: 0, contactIds: [] };
  return { ...agentToProto(view, domain, displayName), idleSince: undefined };
}
