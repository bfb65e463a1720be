import {
  Presence,
  type HeartbeatRequest, type HeartbeatResponse, type SetPresenceRequest, type SetPresenceResponse,
  type SignInRequest, type SignInResponse, type SignOutRequest, type SignOutResponse,
} from '@switchboard/contracts';
import { check, notFound, permissionDenied, requireRole, type Principal } from '@switchboard/grpc-edge';
import type { GatewayDeps } from './deps.js';
import { agentToProto, PRESENCE } from './view.mapper.js';

/** Roles that work a desk: agents, and supervisors taking contacts themselves. */
export const DESK_ROLES = ['agent', 'supervisor'] as const;
/**
 * Who may step in on other people's work, within the teams of their token. A desk token ('agent')
 * never may, and neither may 'ops': operators watch and read, they do not act.
 */
export const SUPERVISING = ['supervisor'] as const;
/** Who may watch other people's work: supervisors (their teams) and operators (the whole domain). */
export const WATCHING = ['supervisor', 'ops'] as const;

/** @throws RpcError NOT_FOUND unless `sessionId` is the caller's live session. */
export async function requireSession(deps: GatewayDeps, principal: Principal, sessionId: string, field = 'session_id'): Promise<void> {
  check(sessionId !== '', field, 'required', 'required');
  const live = await deps.sessions.get(principal.subject);
  if (live?.sessionId !== sessionId) throw notFound(`no live session "${sessionId}" for agent ${principal.subject}; sign in again`);
}

async function agentMessage(deps: GatewayDeps, agentId: string) {
  const view = await deps.router.agent(agentId);
  return view && agentToProto(view, deps.domain, deps.directory.get(agentId)?.displayName ?? '');
}

/** SignIn: the directory's profile goes to the router; the session is opened or resumed in Redis. */
export async function signIn(deps: GatewayDeps, request: SignInRequest, principal: Principal): Promise<SignInResponse> {
  requireRole(principal, DESK_ROLES, 'SignIn');
  const initial = request.initialPresence?.presence ?? Presence.PRESENCE_UNSPECIFIED;
  check([Presence.PRESENCE_UNSPECIFIED, Presence.PRESENCE_AVAILABLE, Presence.PRESENCE_AWAY].includes(initial),
    'initial_presence.presence', 'invalid_value', 'AVAILABLE or AWAY (or unset)');
  const listed = deps.directory.get(principal.subject);
  if (!listed) throw permissionDenied(`agent "${principal.subject}" is not in the agent directory`);
  // A supervisor's runtime change (UpdateAgent) wins over the directory's profile.
  const profile = { ...listed, ...(await deps.profiles.get(principal.subject)) };
  const { session, resumed } = await deps.sessions.open(principal.subject, request.sessionId, deps.now());
  const live = await deps.router.agent(principal.subject);
  // A resumed session keeps the router's state (presence, offers); a new one (re)applies the profile.
  if (!resumed || live === undefined || live.presence === 'OFFLINE') {
    const { displayName: _shown, ...agent } = profile;
    await deps.router.command({ type: 'SIGN_IN', agent });
  }
  if (initial === Presence.PRESENCE_AWAY) {
    await deps.router.command({ type: 'SET_PRESENCE', agentId: principal.subject, presence: 'AWAY', reason: request.initialPresence?.reason || 'signed in away' });
  }
  deps.logger.info({ agentId: principal.subject, resumed }, 'desktop signed in');
  return {
    sessionId: session.sessionId,
    agent: await agentMessage(deps, principal.subject),
    heartbeatIntervalSeconds: Math.max(1, Math.floor(deps.heartbeatSeconds)),
    gracePeriodSeconds: Math.ceil(deps.graceSeconds),
    resumed,
  };
}

/** SignOut: the router signs the agent out (open offers go back to their places), the session ends. */
export async function signOut(deps: GatewayDeps, request: SignOutRequest, principal: Principal): Promise<SignOutResponse> {
  await requireSession(deps, principal, request.sessionId);
  await deps.router.command({ type: 'SIGN_OUT', agentId: principal.subject });
  await deps.sessions.close(principal.subject);
  deps.logger.info({ agentId: principal.subject }, 'desktop signed out');
  return {};
}

/** SetPresence: AVAILABLE or AWAY with a reason code; OFFLINE is SignOut and WRAP_UP is the router's. */
export async function setPresence(deps: GatewayDeps, request: SetPresenceRequest, principal: Principal): Promise<SetPresenceResponse> {
  check(request.presence === Presence.PRESENCE_AVAILABLE || request.presence === Presence.PRESENCE_AWAY, 'presence', 'invalid_value',
    'AVAILABLE or AWAY (use SignOut to go offline; WRAP_UP is set by the router)');
  check(request.reason.length <= 100, 'reason', 'too_long', 'at most 100 characters');
  await requireSession(deps, principal, request.sessionId);
  const away = request.presence === Presence.PRESENCE_AWAY;
  await deps.router.command({ type: 'SET_PRESENCE', agentId: principal.subject, presence: away ? 'AWAY' : 'AVAILABLE', ...(request.reason ? { reason: request.reason } : {}) });
  const view = await deps.router.agent(principal.subject);
  return { presence: { presence: view ? PRESENCE[view.presence] : request.presence, reason: view?.awayReason ?? request.reason, since: new Date(deps.now()) } };
}

/** Heartbeat: a sign of life that keeps the session through the grace period. */
export async function heartbeat(deps: GatewayDeps, request: HeartbeatRequest, principal: Principal): Promise<HeartbeatResponse> {
  check(request.sessionId !== '', 'session_id', 'required', 'required');
  const now = deps.now();
  if (!(await deps.sessions.touch(principal.subject, request.sessionId, now))) {
    throw notFound(`no live session "${request.sessionId}" for agent ${principal.subject}; sign in again`);
  }
  return { serverTime: new Date(now) };
}
